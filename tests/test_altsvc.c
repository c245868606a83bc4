/* HTTP Alt-Svc field value (RFC 7838 §3): strict and lenient parse, the alternatives' fields, the canonical form. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "alpn.h"
#include "testkit.h"

#define V(s) s, sizeof(s) - 1
#define S    ALPN_HDR_STRICT
#define L    ALPN_HDR_LENIENT

struct altsvc_case {
    const char *name;
    const char *in;
    size_t len;
    alpn_hdr_mode mode;
    const char *canon; /* expected canonical form when the parse succeeds, NULL when it fails */
    const char *devs;  /* expected deviations "ID@offset,..." */
    const char *check; /* failing check ID */
    size_t offset;
};

static const struct altsvc_case cases[] = {
    /* RFC 7838 §3 and §3.1 examples. */
    {"rfc7838 new.example.org", V("h2=\"new.example.org:80\""), S, "h2=\"new.example.org:80\"", "", NULL, 0},
    {"rfc7838 two alternatives", V("h2=\"alt.example.com:8000\", h2=\":443\""), S,
     "h2=\"alt.example.com:8000\", h2=\":443\"", "", NULL, 0},
    {"rfc7838 escaped w=x:y#z", V("w%3Dx%3Ay#z=\":443\""), S, "w%3Dx%3Ay#z=\":443\"", "", NULL, 0},
    {"rfc7838 escaped x%y", V("x%25y=\":443\""), S, "x%25y=\":443\"", "", NULL, 0},
    {"rfc7838 ma", V("h2=\":443\"; ma=3600"), S, "h2=\":443\"; ma=3600", "", NULL, 0},
    {"rfc7838 ma persist", V("h2=\":443\"; ma=2592000; persist=1"), S, "h2=\":443\"; ma=2592000; persist=1", "", NULL,
     0},
    {"clear", V("clear"), S, "clear", "", NULL, 0},
    {"clear with OWS", V("  clear\t"), S, "clear", "", NULL, 0},
    /* Non-canonical but valid. */
    {"no space after comma", V("h2=\":1\",h3=\":2\""), S, "h2=\":1\", h3=\":2\"", "", NULL, 0},
    {"OWS around ;", V("h2=\":1\"  ;  ma=5"), S, "h2=\":1\"; ma=5", "", NULL, 0},
    {"port leading zeros", V("h2=\":00443\""), S, "h2=\":443\"", "", NULL, 0},
    {"ma leading zeros", V("h2=\":1\"; ma=007"), S, "h2=\":1\"; ma=7", "", NULL, 0},
    {"ma quoted", V("h2=\":1\"; ma=\"60\""), S, "h2=\":1\"; ma=60", "", NULL, 0},
    {"ma saturates", V("h2=\":1\"; ma=99999999999999"), S, "h2=\":1\"; ma=2147483648", "", NULL, 0},
    {"MA upper case", V("h2=\":1\"; MA=5"), S, "h2=\":1\"; ma=5", "", NULL, 0},
    {"second ma dropped", V("h2=\":1\"; ma=5; ma=6"), S, "h2=\":1\"; ma=5", "", NULL, 0},
    {"unknown param kept", V("h2=\":1\"; Foo=bar"), S, "h2=\":1\"; foo=bar", "", NULL, 0},
    {"unknown quoted token", V("h2=\":1\"; foo=\"bar\""), S, "h2=\":1\"; foo=bar", "", NULL, 0},
    {"unknown quoted text", V("h2=\":1\"; foo=\"a b\""), S, "h2=\":1\"; foo=\"a b\"", "", NULL, 0},
    {"unknown quoted escapes", V("h2=\":1\"; foo=\"a\\\"b\\\\\""), S, "h2=\":1\"; foo=\"a\\\"b\\\\\"", "", NULL, 0},
    {"unknown quoted empty", V("h2=\":1\"; foo=\"\""), S, "h2=\":1\"; foo=\"\"", "", NULL, 0},
    {"ipv6 literal", V("h3=\"[2001:db8::1]:443\""), S, "h3=\"[2001:db8::1]:443\"", "", NULL, 0},
    {"ipv4 host", V("h3=\"192.0.2.1:443\""), S, "h3=\"192.0.2.1:443\"", "", NULL, 0},
    {"reg-name specials", V("h3=\"a-b_c~d!$&'()*+,;=%41:1\""), S, "h3=\"a-b_c~d!$&'()*+,;=%41:1\"", "", NULL, 0},
    {"port 65535", V("h3=\":65535\""), S, "h3=\":65535\"", "", NULL, 0},
    {"obs-text param", V("h2=\":1\"; foo=\"\xe9\""), S, "h2=\":1\"; foo=\"\xe9\"", "", NULL, 0},
    {"name is clear=", V("clear=\":1\""), S, "clear=\":1\"", "", NULL, 0},
    /* Lenient deviations, each rejected by strict mode at the same offset. */
    {"empty element L", V("h2=\":1\", , h3=\":2\""), L, "h2=\":1\", h3=\":2\"", "ALTSVC-LIST@9", NULL, 0},
    {"empty element S", V("h2=\":1\", , h3=\":2\""), S, NULL, "", "ALTSVC-LIST", 9},
    {"trailing comma L", V("h2=\":1\","), L, "h2=\":1\"", "ALTSVC-LIST@8", NULL, 0},
    {"leading comma L", V(",h2=\":1\""), L, "h2=\":1\"", "ALTSVC-LIST@0", NULL, 0},
    {"OWS before = L", V("h2 =\":1\""), L, "h2=\":1\"", "ALTSVC-ALTERNATIVE@2", NULL, 0},
    {"OWS after = S", V("h2= \":1\""), S, NULL, "", "ALTSVC-ALTERNATIVE", 3},
    {"quoted-pair L", V("h2=\"\\:1\""), L, "h2=\":1\"", "ALTSVC-QUOTED@4", NULL, 0},
    {"quoted-pair S", V("h2=\"\\:1\""), S, NULL, "", "ALTSVC-QUOTED", 4},
    {"param OWS L", V("h2=\":1\"; ma = 5"), L, "h2=\":1\"; ma=5", "ALTSVC-PARAM@11,ALTSVC-PARAM@13", NULL, 0},
    {"param OWS S", V("h2=\":1\"; ma =5"), S, NULL, "", "ALTSVC-PARAM", 11},
    {"param OWS after = S", V("h2=\":1\"; ma= 5"), S, NULL, "", "ALTSVC-PARAM", 12},
    {"empty param L", V("h2=\":1\";; ma=5"), L, "h2=\":1\"; ma=5", "ALTSVC-PARAM@8", NULL, 0},
    {"trailing ; L", V("h2=\":1\";"), L, "h2=\":1\"", "ALTSVC-PARAM@8", NULL, 0},
    {"empty param S", V("h2=\":1\";,h3=\":2\""), S, NULL, "", "ALTSVC-PARAM", 8},
    {"bad ma L", V("h2=\":1\"; ma=1x"), L, "h2=\":1\"", "ALTSVC-MA@9", NULL, 0},
    {"bad ma S", V("h2=\":1\"; ma=-1"), S, NULL, "", "ALTSVC-MA", 9},
    {"empty quoted ma S", V("h2=\":1\"; ma=\"\""), S, NULL, "", "ALTSVC-MA", 9},
    {"escaped quoted ma L", V("h2=\":1\"; ma=\"\\5\""), L, "h2=\":1\"", "ALTSVC-QUOTED@13,ALTSVC-MA@9", NULL, 0},
    {"persist 0 L", V("h2=\":1\"; persist=0"), L, "h2=\":1\"", "ALTSVC-PERSIST@9", NULL, 0},
    {"persist 11 S", V("h2=\":1\"; persist=11"), S, NULL, "", "ALTSVC-PERSIST", 9},
    {"Clear L", V("Clear"), L, "clear", "ALTSVC-CLEAR@0", NULL, 0},
    {"CLEAR S", V("CLEAR"), S, NULL, "", "ALTSVC-CLEAR", 0},
    {"lower-case pct L", V("w%3dx=\":1\""), L, "w%3Dx=\":1\"", "HDR-PCT-UPPER@1", NULL, 0},
    {"over-encoded pct S", V("%68%32=\":1\""), S, NULL, "", "HDR-PCT-NOT-TCHAR", 0},
    /* Violations in either mode. */
    {"empty value", V(""), L, NULL, "", "ALTSVC-LIST", 0},
    {"only OWS", V("  "), S, NULL, "", "ALTSVC-LIST", 0},
    {"only commas", V(", ,"), L, NULL, "ALTSVC-LIST@0,ALTSVC-LIST@2,ALTSVC-LIST@3", "ALTSVC-LIST", 0},
    {"clear in a list", V("clear, h2=\":1\""), L, NULL, "", "ALTSVC-CLEAR", 0},
    {"clear with param", V("clear; ma=1"), L, NULL, "", "ALTSVC-CLEAR", 0},
    {"list then clear", V("h2=\":1\", clear"), L, NULL, "", "ALTSVC-CLEAR", 9},
    {"no protocol-id", V("=\":1\""), L, NULL, "", "ALTSVC-ALTERNATIVE", 0},
    {"no =", V("h2"), L, NULL, "", "ALTSVC-ALTERNATIVE", 2},
    {"no = before quote", V("h2\":1\""), L, NULL, "", "ALTSVC-ALTERNATIVE", 2},
    {"token authority", V("h2=:443"), L, NULL, "", "ALTSVC-AUTHORITY", 3},
    {"nothing after =", V("h2="), L, NULL, "", "ALTSVC-AUTHORITY", 3},
    {"unclosed quote", V("h2=\":443"), L, NULL, "", "ALTSVC-QUOTED", 3},
    {"control in quote", V("h2=\":4\x01\""), L, NULL, "", "ALTSVC-QUOTED", 6},
    {"backslash at end", V("h2=\":4\\"), L, NULL, "", "ALTSVC-QUOTED", 6},
    {"backslash before control", V("h2=\":4\\\x01\""), L, NULL, "", "ALTSVC-QUOTED", 6},
    {"no colon", V("h2=\"example.com\""), L, NULL, "", "ALTSVC-AUTHORITY", 15},
    {"empty authority", V("h2=\"\""), L, NULL, "", "ALTSVC-AUTHORITY", 4},
    {"space in host", V("h2=\"a b:1\""), L, NULL, "", "ALTSVC-AUTHORITY", 5},
    {"colon in host", V("h2=\"a:b:1\""), L, NULL, "", "ALTSVC-AUTHORITY", 5},
    {"bad pct in host", V("h2=\"a%4:1\""), L, NULL, "", "ALTSVC-AUTHORITY", 5},
    {"bad ipv6 char", V("h2=\"[::g]:1\""), L, NULL, "", "ALTSVC-AUTHORITY", 7},
    {"ipv6 not closed", V("h2=\"[::1:1\""), L, NULL, "", "ALTSVC-AUTHORITY", 7},
    {"empty ipv6", V("h2=\"[]:1\""), L, NULL, "", "ALTSVC-AUTHORITY", 4},
    {"no port", V("h2=\"a:\""), L, NULL, "", "ALTSVC-PORT", 6},
    {"port letters", V("h2=\":44x\""), L, NULL, "", "ALTSVC-PORT", 7},
    {"port 65536", V("h2=\":65536\""), L, NULL, "", "ALTSVC-PORT", 5},
    {"junk after authority", V("h2=\":1\" x"), L, NULL, "", "ALTSVC-PARAM", 8},
    {"param no name", V("h2=\":1\"; =5"), L, NULL, "", "ALTSVC-PARAM", 9},
    {"param no =", V("h2=\":1\"; ma"), L, NULL, "", "ALTSVC-PARAM", 11},
    {"param no value", V("h2=\":1\"; ma="), L, NULL, "", "ALTSVC-PARAM", 12},
    {"param unclosed", V("h2=\":1\"; a=\"x"), L, NULL, "", "ALTSVC-QUOTED", 11},
    {"bad token char", V("h@=\":1\""), L, NULL, "", "HDR-TOKEN", 1},
    {"truncated pct", V("h%2=\":1\""), L, NULL, "", "HDR-PCT-TRUNCATED", 1},
};

static void devs_text(const alpn_altsvc_result *res, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < res->n_devs && i < res->devs_cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s@%zu", i ? "," : "", res->devs[i].check, res->devs[i].offset);
}

static void check_case(const struct altsvc_case *c)
{
    alpn_deviation devs[8];
    alpn_altsvc_result res = {NULL, NULL, 0, 0, devs, 8, 0};
    alpn_error err = {0};
    int rc = alpn_altsvc_parse(c->in, c->len, c->mode, &res, &err);
    char got[256];
    if (c->canon == NULL) {
        cr_assert_eq(rc, ALPN_E_HEADER, "%s: rc %d", c->name, rc);
        tk_expect_error_at(c->name, &err, c->check, c->offset);
        if (c->mode == S) {
            cr_expect_eq(res.n_devs, 1, "%s: strict lists its violation", c->name);
        } else {
            devs_text(&res, got, sizeof got);
            cr_expect_str_eq(got, c->devs, "%s", c->name);
        }
        size_t n = 0;
        cr_expect_eq(alpn_altsvc_format(c->in, c->len, c->mode, got, sizeof got, &n, NULL), ALPN_E_HEADER, "%s",
                     c->name);
        return;
    }
    cr_assert_eq(rc, ALPN_OK, "%s: rc %d %s@%zu", c->name, rc, err.check, err.offset);
    devs_text(&res, got, sizeof got);
    cr_expect_str_eq(got, c->devs, "%s", c->name);
    size_t n = 0;
    cr_assert_eq(alpn_altsvc_format(c->in, c->len, c->mode, got, sizeof got - 1, &n, &err), ALPN_OK, "%s", c->name);
    got[n] = '\0';
    cr_expect_str_eq(got, c->canon, "%s", c->name);
    /* The canonical form is strictly valid and its own canonical form (RFC 7838 §3 via ALTSVC-CANONICAL). */
    char again[256];
    size_t m = 0;
    cr_assert_eq(alpn_altsvc_format(got, n, S, again, sizeof again, &m, &err), ALPN_OK, "%s: %s", c->name, err.check);
    cr_expect(m == n && memcmp(again, got, n) == 0, "%s: not a fixed point", c->name);
}

Test(altsvc, table)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(&cases[i]);
}

/* ---- the fields of each alternative --------------------------------------------------------------------------- */

struct seen {
    alpn_altsvc_alt alt[4];
    size_t n;
    int stop_at; /* return 99 at this alternative (-1: never) */
};

static int collect(void *ctx, const alpn_altsvc_alt *alt)
{
    struct seen *s = ctx;
    if ((int)s->n == s->stop_at)
        return 99;
    s->alt[s->n++] = *alt;
    return 0;
}

Test(altsvc, fields_of_alternatives)
{
    static const char v[] = "w%3Dx%3Ay#z=\"alt.example.com:8000\"; ma=60; persist=1; foo=\"b\\\"r\", h3=\":443\"";
    struct seen s = {.stop_at = -1};
    alpn_altsvc_result res = {collect, &s, 0, 0, NULL, 0, 0};
    cr_assert_eq(alpn_altsvc_parse(v, sizeof v - 1, S, &res, NULL), ALPN_OK);
    cr_assert_eq(res.count, 2);
    cr_assert_eq(s.n, 2);
    cr_expect_eq(res.clear, 0);
    const alpn_altsvc_alt *a = &s.alt[0];
    cr_expect(a->name_len == 7 && memcmp(a->name, "w=x:y#z", 7) == 0);
    cr_expect(a->host_len == 15 && memcmp(a->host, "alt.example.com", 15) == 0);
    cr_expect_eq(a->port, 8000);
    cr_expect_eq(a->ma, 60);
    cr_expect_eq(a->has_ma, 1);
    cr_expect_eq(a->persist, 1);
    cr_expect_eq(a->offset, 0);
    alpn_altsvc_param p;
    size_t pos = 0;
    const char *names[] = {"ma", "persist", "foo"};
    const char *values[] = {"60", "1", "\"b\\\"r\""};
    for (int k = 0; k < 3; k++) {
        cr_assert(alpn_altsvc_param_next(a, &pos, &p), "parameter %d", k);
        cr_expect(p.name_len == strlen(names[k]) && memcmp(p.name, names[k], p.name_len) == 0, "name %d", k);
        cr_expect(p.value_len == strlen(values[k]) && memcmp(p.value, values[k], p.value_len) == 0, "value %d", k);
        cr_expect_eq(v + p.offset, p.name, "offset %d", k);
    }
    cr_expect_not(alpn_altsvc_param_next(a, &pos, &p));
    const alpn_altsvc_alt *b = &s.alt[1];
    cr_expect(b->name_len == 2 && memcmp(b->name, "h3", 2) == 0);
    cr_expect_eq(b->host_len, 0);
    cr_expect_eq(b->port, 443);
    cr_expect_eq(b->ma, ALPN_ALTSVC_MA_DEFAULT);
    cr_expect_eq(b->has_ma, 0);
    cr_expect_eq(b->persist, 0);
    cr_expect_eq(b->offset, 66);
    pos = 0;
    cr_expect_not(alpn_altsvc_param_next(b, &pos, &p));
    cr_expect_not(alpn_altsvc_param_next(NULL, &pos, &p));
    cr_expect_not(alpn_altsvc_param_next(a, NULL, &p));
    cr_expect_not(alpn_altsvc_param_next(a, &pos, NULL));
}

Test(altsvc, clear_result_and_callback_stop)
{
    struct seen s = {.stop_at = 1};
    alpn_altsvc_result res = {collect, &s, 0, 0, NULL, 0, 0};
    cr_expect_eq(alpn_altsvc_parse(V("clear"), S, &res, NULL), ALPN_OK);
    cr_expect_eq(res.clear, 1);
    cr_expect_eq(s.n, 0);
    cr_expect_eq(alpn_altsvc_parse(V("h2=\":1\", h3=\":2\", h3=\":3\""), S, &res, NULL), 99);
    cr_expect_eq(s.n, 1);
    cr_expect_eq(res.clear, 0);
}

/* Lenient mode lists more deviations than devs holds: all are counted, the first ones stored. */
Test(altsvc, deviation_overflow_counted)
{
    alpn_deviation devs[1];
    alpn_altsvc_result res = {NULL, NULL, 0, 0, devs, 1, 0};
    cr_expect_eq(alpn_altsvc_parse(V(",,h2=\":1\""), L, &res, NULL), ALPN_OK);
    cr_expect_eq(res.n_devs, 2);
    cr_expect_str_eq(devs[0].check, "ALTSVC-LIST");
}

Test(altsvc, long_authority_and_host)
{
    char v[400];
    /* 255 octets of host is the most. */
    int n = snprintf(v, sizeof v, "h2=\"%0255d:1\"", 0);
    alpn_altsvc_result res = {0};
    alpn_error err = {0};
    cr_expect_eq(alpn_altsvc_parse(v, (size_t)n, S, &res, &err), ALPN_OK);
    n = snprintf(v, sizeof v, "h2=\"%0256d:1\"", 0);
    cr_expect_eq(alpn_altsvc_parse(v, (size_t)n, S, &res, &err), ALPN_E_HEADER);
    cr_expect_str_eq(err.check, "ALTSVC-AUTHORITY");
    cr_expect_eq(err.offset, 4 + 255);
    n = snprintf(v, sizeof v, "h2=\"%0300d:1\"", 0);
    cr_expect_eq(alpn_altsvc_parse(v, (size_t)n, S, &res, &err), ALPN_E_HEADER);
    cr_expect_str_eq(err.check, "ALTSVC-AUTHORITY");
    cr_expect_eq(err.offset, 4 + 260);
}

Test(altsvc, format_buffer_and_arguments)
{
    char out[8];
    size_t n = 0;
    alpn_error err = {0};
    cr_expect_eq(alpn_altsvc_format(V("h2=\":443\""), S, out, sizeof out, &n, &err), ALPN_E_BUFFER);
    cr_expect_eq(n, 9);
    cr_expect_eq(alpn_altsvc_format(V("clear"), S, NULL, 0, &n, &err), ALPN_E_BUFFER);
    cr_expect_eq(n, 5);
    cr_expect_eq(alpn_altsvc_format(V("clear"), S, out, sizeof out, NULL, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_altsvc_format(V("clear"), S, NULL, 3, &n, &err), ALPN_E_ARGUMENT);
    alpn_altsvc_result res = {0};
    cr_expect_eq(alpn_altsvc_parse(NULL, 1, S, &res, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_altsvc_parse(NULL, 0, S, &res, &err), ALPN_E_HEADER);
    cr_expect_str_eq(err.check, "ALTSVC-LIST");
    cr_expect_eq(alpn_altsvc_parse(V("clear"), S, NULL, &err), ALPN_E_ARGUMENT);
    res.devs_cap = 2;
    cr_expect_eq(alpn_altsvc_parse(V("clear"), S, &res, &err), ALPN_E_ARGUMENT);
    cr_expect_str_eq(err.check, "API");
}
