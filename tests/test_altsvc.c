/* HTTP Alt-Svc field value (RFC 7838 §3): strict and lenient parse, the alternatives' fields, the canonical form. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "alpn.h"
#include "cases.h"
#include "testkit.h"

#define V(s) s, sizeof(s) - 1
#define S    ALPN_HDR_STRICT
#define L    ALPN_HDR_LENIENT

/* tests/cases/altsvc.json: one field value each, its mode and either its canonical form (the parse succeeds) or the
 * check and offset of the violation it stops at, with the deviations listed on the way. In order: the examples of
 * RFC 7838 §3 and §3.1 and "clear"; values valid but not canonical; lenient deviations, each rejected by strict mode
 * at the same offset; violations in either mode. */
static const char *const modes[] = {"strict", "lenient"};
static const alpn_hdr_mode mode_codes[] = {S, L};

static void devs_text(const alpn_altsvc_result *res, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < res->n_devs && i < res->devs_cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s@%zu", i ? "," : "", res->devs[i].check, res->devs[i].offset);
}

static void check_case(const json_t *c)
{
    const char *name = case_name(c), *check = case_text(c, "check", NULL);
    char in[256], canon[256];
    size_t len = case_bytes(c, "in", (uint8_t *)in, sizeof in);
    size_t canon_len = case_bytes(c, "canon", (uint8_t *)canon, sizeof canon);
    cr_assert_neq(len, (size_t)-1, "%s: no input", name);
    cr_assert((canon_len == (size_t)-1) != (check == NULL), "%s: a case gives either canon or check", name);
    alpn_hdr_mode mode = CASE_CODE(c, "mode", modes, mode_codes);
    /* A strict failure lists only its violation: there devs does not apply (unread, it fails the case). */
    const char *want_devs = check != NULL && mode == S ? NULL : case_text(c, "devs", NULL);
    if (want_devs == NULL)
        want_devs = "";
    alpn_deviation devs[8];
    alpn_altsvc_result res = {NULL, NULL, 0, 0, devs, 8, 0};
    alpn_error err = {0};
    int rc = alpn_altsvc_parse(in, len, mode, &res, &err);
    char got[256];
    if (check != NULL) {
        cr_assert_eq(rc, ALPN_E_HEADER, "%s: rc %d", name, rc);
        tk_expect_error_at(name, &err, check, (size_t)case_int(c, "offset", -1));
        if (mode == S) {
            cr_expect_eq(res.n_devs, 1, "%s: strict lists its violation", name);
        } else {
            devs_text(&res, got, sizeof got);
            cr_expect_str_eq(got, want_devs, "%s", name);
        }
        size_t n = 0;
        cr_expect_eq(alpn_altsvc_format(in, len, mode, got, sizeof got, &n, NULL), ALPN_E_HEADER, "%s", name);
        return;
    }
    cr_assert_eq(rc, ALPN_OK, "%s: rc %d %s@%zu", name, rc, err.check, err.offset);
    devs_text(&res, got, sizeof got);
    cr_expect_str_eq(got, want_devs, "%s", name);
    size_t n = 0;
    cr_assert_eq(alpn_altsvc_format(in, len, mode, got, sizeof got - 1, &n, &err), ALPN_OK, "%s", name);
    cr_expect(n == canon_len && memcmp(got, canon, n) == 0, "%s: canonical form %.*s", name, (int)n, got);
    /* The canonical form is strictly valid and its own canonical form (RFC 7838 §3 via ALTSVC-CANONICAL). */
    char again[256];
    size_t m = 0;
    cr_assert_eq(alpn_altsvc_format(got, n, S, again, sizeof again, &m, &err), ALPN_OK, "%s: %s", name, err.check);
    cr_expect(m == n && memcmp(again, got, n) == 0, "%s: not a fixed point", name);
}

Test(altsvc, table)
{
    cases_run("altsvc", check_case);
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
