/* selection.json: server preference lists x client offers (RFC 7301 §3.2). */
#include <stdio.h>
#include <string.h>

#include "vecgen.h"

struct offer {
    buf ext;
    const char *flags, *check, *what, *source;
    vcase from; /* the case it comes from; zeroed for an offer the generator builds */
};

struct offers {
    struct offer v[128];
    size_t n;
};

/* An offer; k: the case it comes from, NULL for the generator's own. */
static void offer_ext(struct offers *o, const vcase *k, buf ext, const char *flags, const char *check, const char *what)
{
    if (o->n == sizeof o->v / sizeof o->v[0])
        case_die(k, "more than %zu offers", sizeof o->v / sizeof o->v[0]);
    o->v[o->n++] = (struct offer){ext, flags, check, what, NULL, k != NULL ? *k : (vcase){0}};
}

static void offer(struct offers *o, const vcase *k, namelist *l, const char *flags, const char *check, const char *what)
{
    buf ext = {0};
    enc_list(l, &ext);
    nl_free(l);
    offer_ext(o, k, ext, flags, check, what);
}

/* The keys of gen/cases/selection.json (see vectors/gen/cases/README.md). */
static const case_key select_keys[] = {
    {"names", CK_NAMES}, {"namesHex", CK_HEXNAMES}, {"ext", CK_HEX},     {"flags", CK_FLAGS},
    {"check", CK_TEXT},  {"what", CK_TEXT},         {"source", CK_TEXT},
};

/* The offers of set: a malformed extension_data (ext, and what: the probe, named in the comment) or a list to encode
 * (names or namesHex); with flags, the check it probes and the source of a published one. The strings stay in the
 * case file, open until the last group is written. */
static void offer_set(struct offers *o, case_file *cases, const char *set)
{
    vcase k;
    for (size_t at = 0; case_next(cases, set, &at, &k);) {
        if (case_has(&k, "ext")) {
            offer_ext(o, &k, case_hex(&k, "ext"), case_text(&k, "flags"), case_opt(&k, "check"), case_text(&k, "what"));
        } else {
            namelist l = case_names(&k);
            offer(o, &k, &l, case_text(&k, "flags"), case_opt(&k, "check"), NULL);
        }
        o->v[o->n - 1].source = case_opt(&k, "source");
    }
}

static void build_offers(struct offers *o, case_file *cases)
{
    namelist l;
    uint8_t g[2];

    offer_set(o, cases, "offers");
    for (unsigned i = 0; i < 16; i++) {
        grease_value(i, g);
        l = nl_one(g, 2), offer(o, NULL, &l, "Grease NoOverlap", "SRV-GREASE-ONLY", "one GREASE value");
    }
    l = (namelist){0};
    for (unsigned i = 0; i < 16; i++)
        grease_value(i, g), nl_add(&l, g, 2);
    offer(o, NULL, &l, "Grease", "SRV-GREASE-ONLY", "all 16 GREASE values");
    offer_set(o, cases, "grease-and-duplicates");
    l = nl_filled('x', 255), offer(o, NULL, &l, "BoundaryLength", NULL, "255 x 'x'");
    l = nl_filled('x', 254), offer(o, NULL, &l, "BoundaryLength PrefixMatch", "SRV-NO-PREFIX-MATCH", "254 x 'x'");
    l = nl_filled('x', 255), nl_adds(&l, "h2");
    offer(o, NULL, &l, "BoundaryLength", "SRV-LONG-NAME", "255 x 'x', then h2");
    l = nl_filled('y', 255), nl_adds(&l, "http/1.1");
    offer(o, NULL, &l, "BoundaryLength", "SRV-LONG-NAME", "255 x 'y', then http/1.1");
    offer_set(o, cases, "octets");
    l = (namelist){0}, nl_addl(&l, &g_registry), offer(o, NULL, &l, "Registry", NULL, "the whole registry");
    l = (namelist){0};
    for (size_t i = g_registry.n; i-- > 0;)
        nl_add(&l, g_registry.v[i].p, g_registry.v[i].n);
    offer(o, NULL, &l, "Registry", NULL, "the whole registry, reversed");
    offer_set(o, cases, "h2c");
    /* Long offers: the supported name last. */
    l = (namelist){0};
    for (unsigned i = 0; i < 300; i++) {
        char nm[16];
        snprintf(nm, sizeof nm, "unknown-%03u", i);
        nl_adds(&l, nm);
    }
    nl_adds(&l, "http/1.1");
    nl_adds(&l, "h2");
    offer(o, NULL, &l, "LongList", "SRV-MANY-NAMES", "300 unknown names, then http/1.1, h2");
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
    offer(o, NULL, &l, "LongList Duplicate", "SRV-MANY-TINY-NAMES", "5000 one-octet names, then h2, a, http/1.1");

    offer_set(o, cases, "malformed"); /* decode_error, never a selection */
}

/* The tests of every offer against server (from case sk, NULL for the generator's own list) named what. Only what
 * and the offer's own texts are unbounded: the descriptions are at most DESC_CAP. */
static void group(vfile *f, namelist *server, const vcase *sk, struct offers *o, const char *what)
{
    json_t *g = vf_group_new(f);
    char sdesc[DESC_CAP], odesc[DESC_CAP], cm[2048];
    json_object_set_new(g, "server", jnames(server));
    json_object_set_new(g, "preference", json_string("server"));
    json_t *tests = vf_group(f, g);
    describe_list(server, sdesc);

    for (size_t i = 0; i < o->n; i++) {
        struct offer *of = &o->v[i];
        buf sel = {0};
        const char *check = NULL;
        int alert = oracle_select(server, of->ext.p, of->ext.n, &sel, &check);
        namelist offered = {0};
        if (alert != 50)
            oracle_pnl(of->ext.p, of->ext.n, ROLE_CLIENT, &offered);
        if (alert == 50 && (of->what == NULL || of->check == NULL))
            case_die(&of->from, "a malformed offer is an ext with what and the check it probes");
        if (alert == 50)
            case_fmt(&of->from, odesc, sizeof odesc, "malformed, %s (probe %s)", of->what, of->check);
        else
            describe_list(&offered, odesc);
        nl_free(&offered);

        char flags[200];
        case_fmt(&of->from, flags, sizeof flags, "%s%s", of->flags,
                 alert == 120 && strstr(of->flags, "NoOverlap") == NULL ? " NoOverlap" : "");
        if (alert == 0) {
            char sn[DESC_NAME_CAP];
            describe_name(sel.p, sel.n, sn);
            case_fmt(sk, cm, sizeof cm, "%s; server %s; offer %s: selects %s", what, sdesc, odesc, sn);
        } else {
            case_fmt(sk, cm, sizeof cm, "%s; server %s; offer %s: %s", what, sdesc, odesc,
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
static void tlsfuzzer_group(vfile *f, case_file *cases)
{
    struct offers o = {0};
    offer_set(&o, cases, "tlsfuzzer");
    namelist s = nl_of("http/1.1", NULL);
    group(f, &s, NULL, &o, "tlsfuzzer server (http/1.1)");
    for (size_t i = 0; i < o.n; i++)
        buf_free(&o.v[i].ext);
}

/* A group for each server list of set (names or namesHex, and what). */
static void server_set(vfile *f, struct offers *o, case_file *cases, const char *set)
{
    vcase k;
    for (size_t at = 0; case_next(cases, set, &at, &k);) {
        namelist s = case_names(&k);
        group(f, &s, &k, o, case_text(&k, "what"));
    }
}

void fam_select(vfile *f)
{
    struct offers o = {0};
    case_file *cases = cases_open("selection.json", select_keys, sizeof select_keys / sizeof select_keys[0]);
    namelist s;
    uint8_t g[2];

    build_offers(&o, cases);
    server_set(f, &o, cases, "servers");
    s = (namelist){0};
    for (unsigned i = 0; i < 16; i++)
        grease_value(i, g), nl_add(&s, g, 2);
    nl_adds(&s, "http/1.1");
    group(f, &s, NULL, &o, "all 16 GREASE values in the server list, then http/1.1");
    server_set(f, &o, cases, "grease-only-server");
    s = (namelist){0}, nl_addl(&s, &g_registry), group(f, &s, NULL, &o, "the whole registry");
    server_set(f, &o, cases, "one-octet-servers");
    s = nl_filled('x', 255), nl_adds(&s, "h2"), group(f, &s, NULL, &o, "a 255-octet name, then h2");
    server_set(f, &o, cases, "octet-servers");

    for (size_t i = 0; i < o.n; i++)
        buf_free(&o.v[i].ext);
    tlsfuzzer_group(f, cases);
    cases_close(cases);
}
