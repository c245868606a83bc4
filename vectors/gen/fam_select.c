/* selection.json: server preference lists x client offers (RFC 7301 §3.2). */
#include <stdio.h>
#include <string.h>

#include "vecgen.h"

struct offer {
    buf ext;
    const char *flags, *check, *what, *source;
};

struct offers {
    struct offer v[128];
    size_t n;
};

static void offer_ext(struct offers *o, buf ext, const char *flags, const char *check, const char *what)
{
    if (o->n == sizeof o->v / sizeof o->v[0]) {
        fprintf(stderr, "vecgen: too many offers\n");
        return;
    }
    o->v[o->n++] = (struct offer){ext, flags, check, what, NULL};
}

static void offer(struct offers *o, namelist *l, const char *flags, const char *check, const char *what)
{
    buf ext = {0};
    enc_list(l, &ext);
    nl_free(l);
    offer_ext(o, ext, flags, check, what);
}

static void offer_hex(struct offers *o, const char *hex, const char *check, const char *what)
{
    offer_ext(o, hex_literal(hex), "MalformedOffer", check, what);
}

static void build_offers(struct offers *o)
{
    namelist l;
    uint8_t g[2];

    l = nl_of("h2", NULL), offer(o, &l, "", NULL, "h2");
    l = nl_of("http/1.1", NULL), offer(o, &l, "", NULL, "http/1.1");
    l = nl_of("h2", "http/1.1", NULL), offer(o, &l, "ServerPreference", "SRV-SERVER-PREFERENCE", "h2, http/1.1");
    l = nl_of("http/1.1", "h2", NULL), offer(o, &l, "ServerPreference", "SRV-SERVER-PREFERENCE", "http/1.1, h2");
    l = nl_of("h3", NULL), offer(o, &l, "", NULL, "h3");
    l = nl_of("h3", "h2", "http/1.1", NULL), offer(o, &l, "ServerPreference", "SRV-SERVER-PREFERENCE", "h3 h2 http");
    l = nl_of("http/1.1", "h3", "h2", NULL), offer(o, &l, "ServerPreference", "SRV-SERVER-PREFERENCE", "http h3 h2");
    l = nl_of("spdy/3", "foo", "h2", "bar", NULL), offer(o, &l, "", "SRV-UNKNOWN-IGNORED", "unknown names around h2");
    l = nl_of("H2", NULL), offer(o, &l, "CaseSensitive", "SRV-CASE-SENSITIVE", "upper-case H2");
    l = nl_of("HTTP/1.1", NULL), offer(o, &l, "CaseSensitive", "SRV-CASE-SENSITIVE", "upper-case HTTP/1.1");
    l = nl_of("H2", "Http/1.1", "H3", NULL), offer(o, &l, "CaseSensitive", "SRV-CASE-SENSITIVE", "case variants");
    l = nl_of("H2", "h2", NULL), offer(o, &l, "CaseSensitive", "SRV-CASE-SENSITIVE", "H2, then h2");
    l = nl_of("http/1.", NULL), offer(o, &l, "PrefixMatch", "SRV-NO-PREFIX-MATCH", "prefix http/1.");
    l = nl_of("http/1.10", NULL), offer(o, &l, "PrefixMatch", "SRV-NO-PREFIX-MATCH", "extension http/1.10");
    l = nl_of("h2x", NULL), offer(o, &l, "PrefixMatch", "SRV-NO-PREFIX-MATCH", "extension h2x");
    l = nl_of("h", NULL), offer(o, &l, "PrefixMatch", "SRV-NO-PREFIX-MATCH", "prefix h");
    l = nl_of("http", "http/1", "h2-", NULL), offer(o, &l, "PrefixMatch", "SRV-NO-PREFIX-MATCH", "prefixes");
    l = nl_of("acme-tls/", "acme-tls/10", NULL), offer(o, &l, "PrefixMatch", "SRV-NO-PREFIX-MATCH", "acme-tls/ +-");
    l = nl_one("h2\0x", 4), offer(o, &l, "NulInName", "SRV-NUL-IN-NAME", "h2 NUL x");
    l = nl_one("h2\0", 3), offer(o, &l, "NulInName", "SRV-NUL-IN-NAME", "h2 NUL");
    l = nl_one("\0h2", 3), offer(o, &l, "NulInName", "SRV-NUL-IN-NAME", "NUL h2");
    l = nl_one("http/1.1\0", 9), offer(o, &l, "NulInName", "SRV-NUL-IN-NAME", "http/1.1 NUL");
    l = nl_one("h2\0x", 4), nl_adds(&l, "h2"), offer(o, &l, "NulInName", "SRV-NUL-IN-NAME", "h2 NUL x, then h2");
    for (unsigned i = 0; i < 16; i++) {
        grease_value(i, g);
        l = nl_one(g, 2), offer(o, &l, "Grease NoOverlap", "SRV-GREASE-ONLY", "one GREASE value");
    }
    l = (namelist){0};
    for (unsigned i = 0; i < 16; i++)
        grease_value(i, g), nl_add(&l, g, 2);
    offer(o, &l, "Grease", "SRV-GREASE-ONLY", "all 16 GREASE values");
    grease_value(0, g), l = nl_one(g, 2), nl_adds(&l, "h2");
    grease_value(1, g), nl_add(&l, g, 2), nl_adds(&l, "http/1.1");
    offer(o, &l, "Grease", "SRV-GREASE-IGNORED", "GREASE, h2, GREASE, http/1.1");
    grease_value(4, g), l = nl_one(g, 2), nl_adds(&l, "http/1.1");
    offer(o, &l, "Grease", "SRV-GREASE-IGNORED", "GREASE, http/1.1");
    grease_value(15, g), l = nl_of("h3", NULL), nl_add(&l, g, 2);
    offer(o, &l, "Grease", "SRV-GREASE-IGNORED", "h3, GREASE");
    l = nl_of("h2", "h2", NULL), offer(o, &l, "Duplicate", NULL, "h2 twice");
    l = nl_of("http/1.1", "http/1.1", "h2", "h2", NULL), offer(o, &l, "Duplicate", NULL, "pairs of duplicates");
    l = nl_of("a", NULL), offer(o, &l, "BoundaryLength", NULL, "one-octet a");
    l = nl_of("b", NULL), offer(o, &l, "BoundaryLength", NULL, "one-octet b");
    l = nl_of("a", "b", NULL), offer(o, &l, "BoundaryLength ServerPreference", NULL, "a, b");
    l = nl_of("b", "a", NULL), offer(o, &l, "BoundaryLength ServerPreference", NULL, "b, a");
    l = nl_of("A", NULL), offer(o, &l, "BoundaryLength CaseSensitive", "SRV-CASE-SENSITIVE", "one-octet A");
    l = nl_filled('x', 255), offer(o, &l, "BoundaryLength", NULL, "255 x 'x'");
    l = nl_filled('x', 254), offer(o, &l, "BoundaryLength PrefixMatch", "SRV-NO-PREFIX-MATCH", "254 x 'x'");
    l = nl_filled('x', 255), nl_adds(&l, "h2");
    offer(o, &l, "BoundaryLength", "SRV-LONG-NAME", "255 x 'x', then h2");
    l = nl_filled('y', 255), nl_adds(&l, "http/1.1");
    offer(o, &l, "BoundaryLength", "SRV-LONG-NAME", "255 x 'y', then http/1.1");
    l = nl_one("\xff\x00", 2), offer(o, &l, "HighBytes NulInName", NULL, "0xff00");
    l = nl_one("\xff", 1), offer(o, &l, "HighBytes", NULL, "0xff");
    l = nl_one("\x80", 1), offer(o, &l, "HighBytes", NULL, "0x80");
    l = nl_one("\x7f\x00", 2), offer(o, &l, "HighBytes", NULL, "0x7f00");
    l = nl_of("acme-tls/1", NULL), offer(o, &l, "Registry", NULL, "acme-tls/1");
    l = (namelist){0}, nl_addl(&l, &g_registry), offer(o, &l, "Registry", NULL, "the whole registry");
    l = (namelist){0};
    for (size_t i = g_registry.n; i-- > 0;)
        nl_add(&l, g_registry.v[i].p, g_registry.v[i].n);
    offer(o, &l, "Registry", NULL, "the whole registry, reversed");
    l = nl_of("h2c", NULL), offer(o, &l, "Registry", NULL, "h2c");
    l = nl_of("h2c", "h2", NULL), offer(o, &l, "Registry", NULL, "h2c, h2");

    /* Long offers: the supported name last. */
    l = (namelist){0};
    for (unsigned i = 0; i < 300; i++) {
        char nm[16];
        snprintf(nm, sizeof nm, "unknown-%03u", i);
        nl_adds(&l, nm);
    }
    nl_adds(&l, "http/1.1");
    nl_adds(&l, "h2");
    offer(o, &l, "LongList", "SRV-MANY-NAMES", "300 unknown names, then http/1.1, h2");
    l = (namelist){0};
    for (unsigned i = 0; i < 5000; i++) {
        uint8_t b = (uint8_t)(prng_next() % 254 + 1);
        if (b == 'a' || b == 'b' || b == 'A')
            b = 'c';
        nl_add(&l, &b, 1);
    }
    nl_adds(&l, "h2");
    nl_adds(&l, "a");
    nl_adds(&l, "http/1.1");
    offer(o, &l, "LongList Duplicate", "SRV-MANY-TINY-NAMES", "5000 one-octet names, then h2, a, http/1.1");

    /* Malformed offers: decode_error, never a selection. */
    offer_hex(o, "", "SRV-MALFORMED-EMPTY-EXT", "empty extension_data");
    offer_hex(o, "00", "SRV-MALFORMED-ONE-BYTE", "one byte");
    offer_hex(o, "0000", "SRV-MALFORMED-EMPTY-LIST", "empty list");
    offer_hex(o, "000100", "SRV-MALFORMED-EMPTY-NAME", "one empty name");
    offer_hex(o, "000402683200", "SRV-MALFORMED-EMPTY-NAME-LATER", "h2, then an empty name");
    offer_hex(o, "000b08687474702f312e310000", "SRV-MALFORMED-EMPTY-NAME-LATER", "http/1.1, empty name, then bytes");
    offer_hex(o, "0004026832", "SRV-MALFORMED-LIST-LONG", "h2 with list length 4");
    offer_hex(o, "00020268320000", "SRV-MALFORMED-LIST-SHORT", "h2 with list length 2 and trailing bytes");
    offer_hex(o, "000402683300", "SRV-MALFORMED-EMPTY-NAME-LATER", "h3 + zero byte inside the list");
    offer_hex(o, "00040268320a", "SRV-MALFORMED-NAME-OVERRUN", "h2, then a length 10 with nothing after it");
    offer_hex(o, "0005026832ff61", "SRV-MALFORMED-TRAILING-AFTER-MATCH", "h2, then garbage in the list");
    offer_hex(o, "000c01683208687474702f312e31", "SRV-MALFORMED-NAME-SHORT", "h2 with name length 1");
    offer_hex(o, "000c08687474702f312e3102683200", "SRV-MALFORMED-LIST-SHORT",
              "http/1.1, h2, list length 12 for 12 bytes and a trailing 00");
}

static void group(vfile *f, namelist *server, struct offers *o, const char *what)
{
    json_t *g = vf_group_new(f);
    char sdesc[400], odesc[400], cm[1200];
    json_object_set_new(g, "server", jnames(server));
    json_object_set_new(g, "preference", json_string("server"));
    json_t *tests = vf_group(f, g);
    describe_list(server, sdesc, sizeof sdesc);

    for (size_t i = 0; i < o->n; i++) {
        struct offer *of = &o->v[i];
        buf sel = {0};
        const char *check = NULL;
        int alert = oracle_select(server, of->ext.p, of->ext.n, &sel, &check);
        namelist offered = {0};
        if (alert != 50)
            oracle_pnl(of->ext.p, of->ext.n, ROLE_CLIENT, &offered);
        if (alert == 50)
            snprintf(odesc, sizeof odesc, "malformed, %s (probe %s)", of->what, of->check);
        else
            describe_list(&offered, odesc, sizeof odesc);
        nl_free(&offered);

        char flags[200];
        snprintf(flags, sizeof flags, "%s%s", of->flags,
                 alert == 120 && strstr(of->flags, "NoOverlap") == NULL ? " NoOverlap" : "");
        if (alert == 0) {
            char sn[100];
            describe_name(sel.p, sel.n, sn, sizeof sn);
            snprintf(cm, sizeof cm, "%s; server %s; offer %s: selects %s", what, sdesc, odesc, sn);
        } else {
            snprintf(cm, sizeof cm, "%s; server %s; offer %s: %s", what, sdesc, odesc,
                     alert == 120 ? "no overlap, alert 120" : "decode_error, alert 50");
        }
        json_t *t = vf_test(f, tests, alert == 50 ? "invalid" : "valid", flags, cm);
        json_object_set_new(t, "client", jhex(of->ext.p, of->ext.n));
        json_object_set_new(t, "selected", alert == 0 ? jhex(sel.p, sel.n) : json_null());
        json_object_set_new(t, "alert", alert == 0 ? json_null() : json_integer(alert));
        /* For a malformed offer the oracle's ID (what a receiver detects) wins over the probe's intent. */
        const char *id = alert == 50 ? check : of->check != NULL ? of->check : alert == 120 ? check : NULL;
        if (id != NULL)
            json_object_set_new(t, "check", json_string(id));
        if (of->source != NULL)
            json_object_set_new(t, "source", json_string(of->source));
        buf_free(&sel);
    }
    nl_free(server);
}

/* tlsfuzzer's scripts/test-alpn-negotiation.py runs against a server that supports http/1.1 (inputs and expected
 * outcomes only). */
static void tlsfuzzer_group(vfile *f)
{
    static struct offers o;
    namelist l;
    o.n = 0;
    l = nl_of("http/1.1", NULL), offer(&o, &l, "ExternalTest", NULL, "probe 'only http/1.1'");
    l = nl_of("http/1.", NULL),
    offer(&o, &l, "ExternalTest PrefixMatch", "SRV-NO-PREFIX-MATCH", "probe 'only http/1.'");
    l = nl_of("http/1.X", NULL), offer(&o, &l, "ExternalTest PrefixMatch", "SRV-NO-PREFIX-MATCH", "'only http/1.X'");
    l = nl_of("http/1.", "http/1.1", NULL);
    offer(&o, &l, "ExternalTest PrefixMatch", "SRV-NO-PREFIX-MATCH", "probe 'http/1. and http/1.1'");
    offer_hex(&o, "000100", "SRV-MALFORMED-EMPTY-NAME", "probe 'empty element'");
    offer_hex(&o, "0000", "SRV-MALFORMED-EMPTY-LIST", "probe 'empty list'");
    offer_hex(&o, "", "SRV-MALFORMED-EMPTY-EXT", "probe 'empty extension'");
    offer_hex(&o, "000908687474702f312e3106687474702f32", "SRV-MALFORMED-LIST-SHORT",
              "probe 'underflow length of protocol_name_list'");
    offer_hex(&o, "001208687474702f312e3106687474702f32", "SRV-MALFORMED-LIST-LONG",
              "probe 'overflow length of protocol_name_list'");
    offer_hex(&o, "001008687474702f312e3108687474702f32", "SRV-MALFORMED-NAME-OVERRUN",
              "probe 'overflow length of last item'");
    for (size_t i = 0; i < o.n; i++) {
        o.v[i].source = "tlsfuzzer scripts/test-alpn-negotiation.py";
        if (strstr(o.v[i].flags, "ExternalTest") == NULL)
            o.v[i].flags = "MalformedOffer ExternalTest";
    }
    namelist s = nl_of("http/1.1", NULL);
    group(f, &s, &o, "tlsfuzzer server (http/1.1)");
    for (size_t i = 0; i < o.n; i++)
        buf_free(&o.v[i].ext);
}

void fam_select(vfile *f)
{
    struct offers o = {0};
    namelist s;
    uint8_t g[2];

    build_offers(&o);
    s = nl_of("h2", "http/1.1", NULL), group(f, &s, &o, "h2 preferred");
    s = nl_of("http/1.1", "h2", NULL), group(f, &s, &o, "http/1.1 preferred");
    s = nl_of("h2", NULL), group(f, &s, &o, "h2 only");
    s = nl_of("http/1.1", NULL), group(f, &s, &o, "http/1.1 only");
    s = nl_of("h3", "h2", "http/1.1", NULL), group(f, &s, &o, "h3, h2, http/1.1");
    grease_value(0, g), s = nl_one(g, 2), nl_adds(&s, "h2"), nl_adds(&s, "http/1.1");
    group(f, &s, &o, "GREASE in the server list, first");
    s = (namelist){0};
    for (unsigned i = 0; i < 16; i++)
        grease_value(i, g), nl_add(&s, g, 2);
    nl_adds(&s, "http/1.1");
    group(f, &s, &o, "all 16 GREASE values in the server list, then http/1.1");
    grease_value(4, g), s = nl_one(g, 2), group(f, &s, &o, "a GREASE value as the only server name");
    s = (namelist){0}, nl_addl(&s, &g_registry), group(f, &s, &o, "the whole registry");
    s = nl_of("a", "b", NULL), group(f, &s, &o, "one-octet names");
    s = nl_filled('x', 255), nl_adds(&s, "h2"), group(f, &s, &o, "a 255-octet name, then h2");
    s = nl_one("h2\0x", 4), nl_adds(&s, "http/1.1"), group(f, &s, &o, "a name with NUL, then http/1.1");
    s = nl_one("\xff\x00", 2), nl_add(&s, "\x80", 1), group(f, &s, &o, "high-byte names");
    s = nl_of("acme-tls/1", NULL), group(f, &s, &o, "acme-tls/1 only");

    for (size_t i = 0; i < o.n; i++)
        buf_free(&o.v[i].ext);
    tlsfuzzer_group(f);
}
