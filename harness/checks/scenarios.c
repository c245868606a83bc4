/*
 * Server-check scenarios: the offer builders the catalogue rows name, one per kind of offer, each writing the exact
 * ALPN extension_data from the server's profile; and the scenario of a row for one TLS version.
 */
#include <stdio.h>
#include <string.h>

#include "checks.h"

/* ---- profile ------------------------------------------------------------------------------------------------ */

int profile_parse(profile *p, const char *csv, char *err, size_t err_cap)
{
    p->n = 0;
    const char *s = csv;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        /* RFC 7301 §3.1: ProtocolName<1..2^8-1>. */
        if (len == 0 || len > ALPN_NAME_MAX) {
            snprintf(err, err_cap, "protocol name %zu is %s", p->n + 1, len == 0 ? "empty" : "longer than 255 bytes");
            return -1;
        }
        if (p->n == PROFILE_MAX) {
            snprintf(err, err_cap, "more than %d protocol names", PROFILE_MAX);
            return -1;
        }
        /* A server's list names each protocol once; a repeated name would make the preference checks compare a
         * name with itself. */
        for (size_t i = 0; i < p->n; i++) {
            if (p->lens[i] == len && memcmp(p->names[i], s, len) == 0) {
                snprintf(err, err_cap, "'%.*s' is given twice", (int)(len > 64 ? 64 : len), s);
                return -1;
            }
        }
        memcpy(p->names[p->n], s, len);
        p->lens[p->n++] = len;
        if (comma == NULL)
            return 0;
        s = comma + 1;
    }
}

void profile_format(const profile *p, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n && o < cap; i++) {
        int w = snprintf(buf + o, cap - o, "%s%.*s", i ? ", " : "", (int)p->lens[i], (const char *)p->names[i]);
        if (w < 0)
            return;
        o += (size_t)w;
    }
}

static int in_profile(const profile *p, const uint8_t *name, size_t len)
{
    for (size_t i = 0; i < p->n; i++) {
        if (p->lens[i] == len && memcmp(p->names[i], name, len) == 0)
            return 1;
    }
    return 0;
}

/* ---- list building ------------------------------------------------------------------------------------------ */

/* A list is built in s->ext after a 2-byte length that finish() writes. Names that do not fit are dropped (the
 * scenarios stay far below the limit). */
static void begin(scenario *s)
{
    s->ext_len = 2;
}

static void add(scenario *s, const uint8_t *name, size_t len)
{
    if (len == 0 || len > ALPN_NAME_MAX || s->ext_len + 1 + len > SCEN_EXT_MAX)
        return;
    s->ext[s->ext_len++] = (uint8_t)len;
    memcpy(s->ext + s->ext_len, name, len);
    s->ext_len += len;
}

static void add_str(scenario *s, const char *name)
{
    add(s, (const uint8_t *)name, strlen(name));
}

/* Every supported name, in the profile's order. */
static void add_profile(scenario *s, const profile *p)
{
    for (size_t i = 0; i < p->n; i++)
        add(s, p->names[i], p->lens[i]);
}

/* The first supported name (the profile is never empty when an offer is built). */
static void add_first(scenario *s, const profile *p)
{
    add(s, p->names[0], p->lens[0]);
}

static void raw(scenario *s, const uint8_t *bytes, size_t len)
{
    if (s->ext_len + len <= SCEN_EXT_MAX) {
        memcpy(s->ext + s->ext_len, bytes, len);
        s->ext_len += len;
    }
}

/* Writes the list length; delta adjusts it away from the truth for the malformed-length scenarios. */
static void finish(scenario *s, long delta)
{
    long len = (long)s->ext_len - 2 + delta;
    s->ext[0] = (uint8_t)((unsigned long)len >> 8);
    s->ext[1] = (uint8_t)len;
}

static void expect(scenario *s, const uint8_t *name, size_t len)
{
    memcpy(s->expect_name, name, len);
    s->expect_name_len = len;
}

/* The first supported name, which the judge then expects to be selected. */
static void add_first_expected(scenario *s, const profile *p)
{
    add_first(s, p);
    expect(s, p->names[0], p->lens[0]);
}

/* A name the server does not support (one in its profile is left out). */
static void add_unsupported(scenario *s, const profile *p, const uint8_t *name, size_t len)
{
    if (!in_profile(p, name, len))
        add(s, name, len);
}

/* Supported name i with n bytes of suffix, in v; its length, or 0 (which add() drops) when it would be too long. */
static size_t with_suffix(uint8_t v[ALPN_NAME_MAX], const profile *p, size_t i, const char *suffix, size_t n)
{
    size_t l = p->lens[i];
    if (l + n > ALPN_NAME_MAX)
        return 0;
    memcpy(v, p->names[i], l);
    memcpy(v + l, suffix, n);
    return l + n;
}

/* Unknown names: recognisably ours and never in a profile (a profile holding one is told apart by in_profile). */
static void add_unknown(scenario *s, const profile *p, int i)
{
    char name[32];
    snprintf(name, sizeof name, "alpncheck-unknown-%d", i);
    add_unsupported(s, p, (const uint8_t *)name, strlen(name));
}

/* Unknown names from..to. */
static void add_unknowns(scenario *s, const profile *p, int from, int to)
{
    for (int i = from; i <= to; i++)
        add_unknown(s, p, i);
}

/* before unknown names, the first supported name (expected), then after unknown names more. */
static void offer_first_among_unknown(scenario *s, const profile *p, int before, int after)
{
    begin(s);
    add_unknowns(s, p, 1, before);
    add_first_expected(s, p);
    add_unknowns(s, p, before + 1, before + after);
    finish(s, 0);
}

/* ---- offers: well-formed lists -------------------------------------------------------------------------------- */

/* One supported name among unknown ones: selecting an unknown name (echoing the offer) is as wrong as selecting an
 * unoffered one. */
void offer_supported_between_unknown(scenario *s, const profile *p)
{
    offer_first_among_unknown(s, p, 1, 1);
}

void offer_every_supported(scenario *s, const profile *p)
{
    begin(s);
    add_profile(s, p);
    finish(s, 0);
}

void offer_first_supported(scenario *s, const profile *p)
{
    offer_first_among_unknown(s, p, 0, 0);
}

void offer_supported_amid_unknown(scenario *s, const profile *p)
{
    offer_first_among_unknown(s, p, 2, 1);
}

void offer_unknown_only(scenario *s, const profile *p)
{
    begin(s);
    add_unknowns(s, p, 1, 2);
    finish(s, 0);
}

/* RFC 7301 §3.1: names are compared whole — a prefix or an extension is another name. */
void offer_prefixes_and_extensions(scenario *s, const profile *p)
{
    begin(s);
    for (size_t i = 0; i < p->n; i++) {
        uint8_t v[ALPN_NAME_MAX];
        if (p->lens[i] > 1)
            add_unsupported(s, p, p->names[i], p->lens[i] - 1);
        add_unsupported(s, p, v, with_suffix(v, p, i, "x", 1));
    }
    finish(s, 0);
}

/* Names are opaque bytes: "H2" is another protocol than "h2". */
void offer_upper_case(scenario *s, const profile *p)
{
    begin(s);
    for (size_t i = 0; i < p->n; i++) {
        uint8_t v[ALPN_NAME_MAX];
        int changed = 0;
        for (size_t j = 0; j < p->lens[i]; j++) {
            v[j] = p->names[i][j];
            if (v[j] >= 'a' && v[j] <= 'z') {
                v[j] = (uint8_t)(v[j] - 'a' + 'A');
                changed = 1;
            }
        }
        if (changed)
            add_unsupported(s, p, v, p->lens[i]);
    }
    if (s->ext_len == 2)
        s->skip_reason = "no supported name contains a lower-case letter";
    finish(s, 0);
}

/* A C-string comparison would stop at the NUL and match. */
void offer_nul_suffixed(scenario *s, const profile *p)
{
    begin(s);
    for (size_t i = 0; i < p->n; i++) {
        uint8_t v[ALPN_NAME_MAX];
        add(s, v, with_suffix(v, p, i, "\0x", 2));
    }
    finish(s, 0);
}

/* RFC 7301 §3.1: ProtocolName<1..2^8-1> — the longest name there is. */
void offer_long_name_first(scenario *s, const profile *p)
{
    uint8_t v[ALPN_NAME_MAX];
    memset(v, 'a', sizeof v);
    begin(s);
    add(s, v, sizeof v);
    add_first_expected(s, p);
    finish(s, 0);
}

/* Over 16 KiB of names, so that the ClientHello spans several records (RFC 8446 §5.1: 2^14 bytes per record). */
void offer_many_names(scenario *s, const profile *p)
{
    begin(s);
    for (int i = 0; i < 300; i++) {
        char name[64];
        snprintf(name, sizeof name, "alpncheck-unknown-%04d-padding-padding-padding-padding-pad", i);
        add_str(s, name);
    }
    add_first_expected(s, p);
    finish(s, 0);
}

void offer_many_tiny_names(scenario *s, const profile *p)
{
    begin(s);
    for (int i = 0; i < 10000; i++) {
        uint8_t c = (uint8_t)('a' + i % 26);
        if (!in_profile(p, &c, 1))
            add(s, &c, 1);
    }
    add_first_expected(s, p);
    finish(s, 0);
}

void offer_grease_around_supported(scenario *s, const profile *p)
{
    static const uint8_t g1[] = {0x0a, 0x0a}, g2[] = {0x7a, 0x7a}, g3[] = {0xfa, 0xfa};
    begin(s);
    add(s, g1, 2);
    add(s, g2, 2);
    add_first_expected(s, p);
    add(s, g3, 2);
    finish(s, 0);
}

/* RFC 8701 §2: all sixteen reserved values. */
void offer_grease_only(scenario *s, const profile *p)
{
    (void)p;
    begin(s);
    for (unsigned hi = 0; hi < 16; hi++) {
        uint8_t g[2] = {(uint8_t)(hi << 4 | 0x0a), (uint8_t)(hi << 4 | 0x0a)};
        add(s, g, 2);
    }
    finish(s, 0);
}

/* RFC 8446 §4.1.2: the second ClientHello repeats the first but for key_share, cookie, early_data and padding; here
 * it also gains a name in its ALPN list. */
void offer_first_supported_then_more(scenario *s, const profile *p)
{
    /* The second list is built first (at most 256 + 20 bytes: it fits ext2), then the first in its place. */
    begin(s);
    add_first(s, p);
    add_str(s, "alpncheck-unknown-1");
    finish(s, 0);
    s->has_ext2 = 1;
    memcpy(s->ext2, s->ext, s->ext_len);
    s->ext2_len = s->ext_len;
    begin(s);
    add_first(s, p);
    finish(s, 0);
}

/* RFC 9113 §3.2: "h2c" is HTTP/2 over cleartext TCP; it is the name that must never be selected. */
void offer_h2c_first(scenario *s, const profile *p)
{
    begin(s);
    add_str(s, "h2c");
    add_profile(s, p);
    expect(s, (const uint8_t *)"h2c", 3);
    finish(s, 0);
}

/* RFC 9113 §9.2: "h2" is the name that must not be selected below TLS 1.2. */
void offer_h2_and_http11(scenario *s, const profile *p)
{
    (void)p;
    begin(s);
    add_str(s, "h2");
    add_str(s, "http/1.1");
    expect(s, (const uint8_t *)"h2", 2);
    finish(s, 0);
}

/* ---- offers: malformed lists (RFC 7301 §3.1: ProtocolNameList protocol_name_list<2..2^16-1>) ------------------ */

void offer_empty_extension(scenario *s, const profile *p)
{
    (void)p;
    s->ext_len = 0;
}

void offer_one_byte(scenario *s, const profile *p)
{
    (void)p;
    s->ext_len = 0;
    raw(s, (const uint8_t *)"\x00", 1);
}

/* Nothing after the length. */
void offer_empty_list(scenario *s, const profile *p)
{
    (void)p;
    begin(s);
    finish(s, 0);
}

void offer_empty_name(scenario *s, const profile *p)
{
    (void)p;
    begin(s);
    raw(s, (const uint8_t *)"\x00", 1);
    finish(s, 0);
}

/* The first supported name, then bytes that break the list, inside its length. */
static void first_then_raw(scenario *s, const profile *p, const char *bytes, size_t len)
{
    begin(s);
    add_first(s, p);
    raw(s, (const uint8_t *)bytes, len);
    finish(s, 0);
}

void offer_empty_name_after_supported(scenario *s, const profile *p)
{
    first_then_raw(s, p, "\x00", 1);
}

/* The length covers the first name only; a second, well-formed name trails after the list. */
void offer_list_length_short(scenario *s, const profile *p)
{
    begin(s);
    add_first(s, p);
    finish(s, 0);
    add_first(s, p);
}

void offer_list_length_long(scenario *s, const profile *p)
{
    begin(s);
    add_first(s, p);
    finish(s, +1);
}

void offer_name_overrun(scenario *s, const profile *p)
{
    first_then_raw(s, p,
                   "\x05"
                   "ab",
                   3);
}

/* "alpncheck-x" with its length one too short: the parser then reads 'x' (120) as the next length. */
void offer_name_length_short(scenario *s, const profile *p)
{
    begin(s);
    raw(s,
        (const uint8_t *)"\x0a"
                         "alpncheck-x",
        12);
    add_first(s, p);
    finish(s, 0);
}

/* RFC 9114 §3.1: HTTP/3 over QUIC v1 is "h3"; "h3-29" named the draft 29 version. The draft first, so that a server
 * following the client's order picks it. */
void offer_h3_after_draft(scenario *s, const profile *p)
{
    if (!in_profile(p, (const uint8_t *)"h3", 2)) {
        s->skip_reason = "the server does not speak h3";
        return;
    }
    begin(s);
    add(s, (const uint8_t *)"h3-29", 5);
    add(s, (const uint8_t *)"h3", 2);
    finish(s, 0);
    memcpy(s->expect_name, "h3", 2);
    s->expect_name_len = 2;
}

/* A first-match parser selects the first name and never looks at the rest. */
void offer_garbage_after_supported(scenario *s, const profile *p)
{
    first_then_raw(s, p, "\xff\xfe\x00", 3);
}

/* ---- the scenario of a row ------------------------------------------------------------------------------------ */

int scenario_of(scenario *s, const check_entry *c, const char *tls, const profile *p)
{
    return scenario_over(s, c, tls, CHECK_TRANSPORT_TCP, p);
}

int scenario_over(scenario *s, const check_entry *c, const char *tls, unsigned transport, const profile *p)
{
    if (c == NULL || c->family != CHECK_FAMILY_SERVER || (c->server.offer == NULL && c->server.judge == NULL))
        return -1;
    memset(s, 0, sizeof *s);
    s->row = c;
    s->transport = transport == CHECK_TRANSPORT_QUIC ? CHECK_TRANSPORT_QUIC : CHECK_TRANSPORT_TCP;
    s->id = c->id;
    s->tls = strcmp(tls, "1.2") == 0   ? "1.2"
             : strcmp(tls, "1.1") == 0 ? "1.1"
             : strcmp(tls, "1.0") == 0 ? "1.0"
                                       : "1.3";
    s->send_alpn = !c->server.no_alpn;
    s->duplicate_alpn = c->server.duplicate_alpn;
    s->send_npn = c->server.npn;
    s->force_hrr = c->server.force_hrr;
    /* A row for another transport is SKIP before anything else: its reason is the precise one. */
    if ((s->skip_reason = check_transport_skip(c, s->transport)) != NULL)
        return 0;
    if (p->n == 0) {
        s->skip_reason = "the server's supported protocols are unknown (give --alpn or let discovery find them)";
        return 0;
    }
    if (!check_applies(c, s->tls)) {
        /* TLS 1.0 and 1.1 are where only the checks for them run (RFC 9113 §9.2); elsewhere, and for NPN (whose
         * own reason is the more precise one), the row says why it does not apply. */
        int old_tls = strcmp(s->tls, "1.1") == 0 || strcmp(s->tls, "1.0") == 0;
        s->skip_reason = old_tls && !(c->tls & (CHECK_TLS10 | CHECK_TLS11)) && !c->server.npn
                             ? "only SRV-H2-MIN-TLS12 runs over TLS 1.0/1.1"
                             : c->outside;
    }
    if (c->server.offer != NULL)
        c->server.offer(s, p);
    return 0;
}

int scenario_build(scenario *s, const char *id, const char *tls, const profile *p)
{
    return scenario_of(s, check_find(id), tls, p);
}

/* ---- the server rows in run order ----------------------------------------------------------------------------- */

const check_entry *server_check_in_run_order(size_t i)
{
    for (size_t k = 0; k < check_catalogue_count; k++) {
        const check_entry *c = &check_catalogue[k];
        if (c->family == CHECK_FAMILY_SERVER && c->server.run_pos == i + 1)
            return c;
    }
    return NULL;
}

size_t server_check_count(void)
{
    size_t n = 0;
    for (size_t k = 0; k < check_catalogue_count; k++)
        n += check_catalogue[k].family == CHECK_FAMILY_SERVER && check_catalogue[k].server.judge != NULL;
    return n;
}

const char *server_check_id(size_t i)
{
    const check_entry *c;
    for (size_t k = 0; (c = server_check_in_run_order(k)) != NULL; k++) {
        if (c->server.judge != NULL && i-- == 0)
            return c->id;
    }
    return NULL;
}
