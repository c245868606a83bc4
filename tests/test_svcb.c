/* SVCB/HTTPS alpn and no-default-alpn (RFC 9460 §7.1): wire, presentation, key sets, conversions to TLS
 * extension_data and the ALPN header; RFC 9460 Appendix D vectors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "alpn.h"
#include "cases.h"
#include "testkit.h"
#include "hex.h"

#define V(s) s, sizeof(s) - 1

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
    long n = hex_decode(h, strlen(h), HEX_LOOSE, out, cap, NULL);
    cr_assert_geq(n, 0, "bad hex in the test: %s", h);
    return (size_t)n;
}

/* ---- presentation → wire ------------------------------------------------------------------------------------ */

/* tests/cases/svcb_presentation.json: an alpn presentation value (in) and its wire value (wire, hex) or the check and
 * offset it fails at. In order: RFC 9460 Appendix D.2's Figure 10 (an escaped comma and an escaped backslash, quoted
 * and unquoted) and alpn=h2,h3-19 (the example with mandatory and ipv4hint); more values and escapes; Appendix D.3's
 * alpn with no value, then the other failures. */
static void check_presentation(const json_t *c)
{
    uint8_t in[64], val[64], want[64];
    const char *name = case_name(c), *check = case_text(c, "check", NULL);
    size_t len = case_bytes(c, "in", in, sizeof in), n = 0;
    cr_assert_neq(len, (size_t)-1, "%s: no input", name);
    cr_assert((case_text(c, "wire", NULL) == NULL) != (check == NULL), "%s: a case gives either wire or check", name);
    alpn_error err = {0};
    int rc = alpn_svcb_alpn_parse((const char *)in, len, val, sizeof val, &n, &err);
    if (check != NULL) {
        cr_expect_eq(rc, ALPN_DECODE_ERROR, "%s: rc %d", name, rc);
        tk_expect_error_at(name, &err, check, (size_t)case_int(c, "offset", -1));
        return;
    }
    cr_expect_eq(rc, ALPN_OK, "%s: %s@%zu", name, err.check, err.offset);
    size_t wn = case_hex(c, "wire", want, sizeof want);
    cr_expect(n == wn && memcmp(val, want, n) == 0, "%s: wrong wire value", name);
}

Test(svcb, presentation_to_wire)
{
    cases_run("svcb_presentation", check_presentation);
}

/* tests/cases/svcb_format.json: the canonical presentation (presentation) of a wire value (wire, hex) of every
 * RFC 9460 Appendix D alpn value and more, and its round trip. */
static void check_format(const json_t *c)
{
    uint8_t val[64], back[64];
    const char *name = case_name(c), *pres = case_text(c, "presentation", NULL);
    cr_assert_not_null(pres, "%s: no presentation", name);
    size_t vn = case_hex(c, "wire", val, sizeof val), n = 0, bn = 0;
    char out[128];
    cr_assert_eq(alpn_svcb_alpn_format(val, vn, out, sizeof out, &n, NULL), ALPN_OK, "%s", name);
    cr_expect(n == strlen(pres) && memcmp(out, pres, n) == 0, "%s: %.*s", name, (int)n, out);
    cr_assert_eq(alpn_svcb_alpn_parse(out, n, back, sizeof back, &bn, NULL), ALPN_OK, "%s", name);
    cr_expect(bn == vn && memcmp(back, val, vn) == 0, "%s: round trip", name);
}

Test(svcb, wire_to_presentation)
{
    cases_run("svcb_format", check_format);
}

/* ---- wire validation ---------------------------------------------------------------------------------------- */

/* tests/cases/svcb_validate.json: a wire value (value, hex) and its number of ids (count) or the check and offset. */
static void check_validate(const json_t *c)
{
    uint8_t val[32];
    const char *name = case_name(c), *check = case_text(c, "check", NULL);
    size_t n = case_hex(c, "value", val, sizeof val), count = 0;
    alpn_error err = {0};
    int rc = alpn_svcb_alpn_validate(val, n, &count, &err);
    if (check == NULL) {
        long long want = case_int(c, "count", -1);
        cr_expect_eq(rc, ALPN_OK, "%s", name);
        cr_expect_eq(count, (size_t)want, "%s: count %zu, expected %lld", name, count, want);
    } else {
        cr_expect_eq(rc, ALPN_DECODE_ERROR, "%s", name);
        tk_expect_error_at(name, &err, check, (size_t)case_int(c, "offset", -1));
    }
}

Test(svcb, wire_validate)
{
    cases_run("svcb_validate", check_validate);
    cr_expect_eq(alpn_svcb_alpn_validate((const uint8_t *)"\x02h2", 3, NULL, NULL), ALPN_OK);
    alpn_error err = {0};
    cr_expect_eq(alpn_svcb_alpn_validate(NULL, 2, NULL, &err), ALPN_E_ARGUMENT);
    cr_expect_str_eq(err.check, "API");
    cr_expect_eq(alpn_svcb_alpn_validate(NULL, 0, NULL, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-ALPN-EMPTY");
}

/* The longest id (255 octets) passes both ways; 256 in presentation is SVCB-ALPN-LENGTH. */
Test(svcb, length_boundaries)
{
    static char text[300];
    static uint8_t val[300];
    memset(text, 'a', sizeof text);
    size_t n = 0;
    alpn_error err = {0};
    cr_expect_eq(alpn_svcb_alpn_parse(text, 255, val, sizeof val, &n, &err), ALPN_OK);
    cr_expect_eq(n, 256);
    cr_expect_eq(val[0], 255);
    cr_expect_eq(alpn_svcb_alpn_parse(text, 256, val, sizeof val, &n, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-ALPN-LENGTH");
    cr_expect_eq(err.offset, 255);
}

/* More than 65535 octets of wire value cannot be a SvcParamValue (nor a ProtocolNameList). */
Test(svcb, value_too_long)
{
    static char text[3 * 22000];
    static uint8_t val[70000];
    size_t o = 0;
    for (int i = 0; i < 22000; i++) {
        memcpy(text + o, "ab,", 3);
        o += 3;
    }
    size_t n = 0;
    alpn_error err = {0};
    cr_expect_eq(alpn_svcb_alpn_parse(text, o - 1, val, sizeof val, &n, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-ALPN-LENGTH");
    for (size_t k = 0; k < 22000; k++) {
        val[3 * k] = 2;
        val[3 * k + 1] = 'a';
        val[3 * k + 2] = 'b';
    }
    uint8_t ext[8];
    cr_expect_eq(alpn_svcb_alpn_to_ext(val, 66000, ext, sizeof ext, &n, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-ALPN-LENGTH");
}

/* ---- key sets and SvcParams --------------------------------------------------------------------------------- */

Test(svcb, key_sets)
{
    alpn_error err = {0};
    const uint16_t ok[] = {0, 1, 2, 4};
    cr_expect_eq(alpn_svcb_keys_validate(ok, 4, &err), ALPN_OK);
    const uint16_t alone[] = {0, 2, 3};
    cr_expect_eq(alpn_svcb_keys_validate(alone, 3, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-NO-DEFAULT-ALONE");
    cr_expect_eq(err.offset, 1);
    const uint16_t twice[] = {1, 1};
    cr_expect_eq(alpn_svcb_keys_validate(twice, 2, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-KEY-ORDER");
    cr_expect_eq(err.offset, 1);
    const uint16_t down[] = {2, 1};
    cr_expect_eq(alpn_svcb_keys_validate(down, 2, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-KEY-ORDER");
    cr_expect_eq(alpn_svcb_keys_validate(NULL, 0, &err), ALPN_OK);
    cr_expect_eq(alpn_svcb_keys_validate(NULL, 1, &err), ALPN_E_ARGUMENT);
}

/* tests/cases/svcb_params.json: SvcParams on the wire (params, hex) and either the check and offset they fail at or
 * where the alpn value starts (alpn_at, 0: no alpn), its length and whether no-default-alpn is present. RFC 9460
 * Appendix D.2 (mandatory=alpn,ipv4hint alpn=h2,h3-19 ipv4hint=192.0.2.1, sorted on the wire; Figure 10) and
 * Appendix D.3's failure cases among them. */
static void check_params(const json_t *c)
{
    uint8_t p[64];
    const char *name = case_name(c), *check = case_text(c, "check", NULL);
    size_t n = case_hex(c, "params", p, sizeof p), alen = 99;
    const uint8_t *a = p;
    int nd = -1;
    alpn_error err = {0};
    int rc = alpn_svcb_params_validate(p, n, &a, &alen, &nd, &err);
    if (check != NULL) {
        cr_expect_eq(rc, ALPN_DECODE_ERROR, "%s", name);
        tk_expect_error_at(name, &err, check, (size_t)case_int(c, "offset", -1));
        return;
    }
    long long at = case_int(c, "alpn_at", -1), want_len = case_int(c, "alpn_len", -1);
    long long no_default = case_int(c, "no_default", -1);
    cr_assert(at >= 0 && (size_t)at < sizeof p, "%s: alpn_at %lld", name, at);
    cr_expect_eq(rc, ALPN_OK, "%s: %s", name, err.check);
    cr_expect_eq(a, at ? p + at : NULL, "%s", name);
    cr_expect_eq(alen, (size_t)want_len, "%s: alpn length %zu, expected %lld", name, alen, want_len);
    cr_expect_eq(nd, no_default, "%s: no-default-alpn %d, expected %lld", name, nd, no_default);
}

Test(svcb, params_wire)
{
    cases_run("svcb_params", check_params);
    cr_expect_eq(alpn_svcb_params_validate((const uint8_t *)"\0\1\0\3\2h2", 7, NULL, NULL, NULL, NULL), ALPN_OK);
    cr_expect_eq(alpn_svcb_params_validate((const uint8_t *)"\0\1\0\0", 4, NULL, NULL, NULL, NULL), ALPN_DECODE_ERROR);
    cr_expect_eq(alpn_svcb_params_validate(NULL, 1, NULL, NULL, NULL, NULL), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_svcb_params_validate(NULL, 0, NULL, NULL, NULL, NULL), ALPN_OK);
}

/* ---- conversions: wire ↔ extension_data ↔ ALPN header ------------------------------------------------------- */

Test(svcb, wire_ext_header_agree)
{
    uint8_t val[32], ext[32], back[32];
    size_t vn = unhex("02 6832 08 687474702f312e31", val, sizeof val), en = 0, bn = 0;
    alpn_error err = {0};
    cr_assert_eq(alpn_svcb_alpn_to_ext(val, vn, ext, sizeof ext, &en, &err), ALPN_OK);
    cr_expect_eq(en, vn + 2);
    cr_expect(ext[0] == 0 && ext[1] == vn && memcmp(ext + 2, val, vn) == 0);
    char hdr[64];
    size_t hn = 0;
    cr_assert_eq(alpn_header_format(ext, en, hdr, sizeof hdr, &hn, &err), ALPN_OK);
    cr_expect(hn == 14 && memcmp(hdr, "h2, http%2F1.1", 14) == 0);
    cr_assert_eq(alpn_svcb_alpn_from_ext(ext, en, back, sizeof back, &bn, &err), ALPN_OK);
    cr_expect(bn == vn && memcmp(back, val, vn) == 0);
    /* Buffers too small report the size needed; invalid inputs their check. */
    cr_expect_eq(alpn_svcb_alpn_to_ext(val, vn, ext, 3, &en, &err), ALPN_E_BUFFER);
    cr_expect_eq(en, vn + 2);
    cr_expect_eq(alpn_svcb_alpn_from_ext(ext, vn + 2, back, 3, &bn, &err), ALPN_E_BUFFER);
    cr_expect_eq(bn, vn);
    cr_expect_eq(alpn_svcb_alpn_to_ext(val, 0, ext, sizeof ext, &en, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-ALPN-EMPTY");
    cr_expect_eq(alpn_svcb_alpn_from_ext((const uint8_t *)"\0\1\0", 3, back, sizeof back, &bn, &err),
                 ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SRV-MALFORMED-EMPTY-NAME");
    cr_expect_eq(alpn_svcb_alpn_to_ext(val, vn, NULL, 1, &en, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_svcb_alpn_to_ext(val, vn, NULL, 0, &en, &err), ALPN_E_BUFFER);
    cr_expect_eq(alpn_svcb_alpn_from_ext(ext, vn + 2, NULL, 0, &bn, &err), ALPN_E_BUFFER);
    cr_expect_eq(alpn_svcb_alpn_to_ext(val, vn, ext, 1, NULL, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_svcb_alpn_from_ext(ext, en, NULL, 1, &bn, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_svcb_alpn_from_ext(ext, en, back, 1, NULL, &err), ALPN_E_ARGUMENT);
}

Test(svcb, output_buffers_and_arguments)
{
    uint8_t val[4];
    size_t n = 0;
    alpn_error err = {0};
    cr_expect_eq(alpn_svcb_alpn_parse(V("h2,h3"), val, sizeof val, &n, &err), ALPN_E_BUFFER);
    cr_expect_eq(n, 6);
    cr_expect_eq(alpn_svcb_alpn_parse(V("h2,h3"), NULL, 0, &n, &err), ALPN_E_BUFFER);
    cr_expect_eq(n, 6);
    cr_expect_eq(alpn_svcb_alpn_parse(V("h2"), NULL, 1, &n, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_svcb_alpn_parse(NULL, 1, val, sizeof val, &n, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_svcb_alpn_parse(NULL, 0, val, sizeof val, &n, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-ALPN-EMPTY");
    cr_expect_eq(alpn_svcb_alpn_parse(V("h2"), val, sizeof val, NULL, &err), ALPN_E_ARGUMENT);
    char out[3];
    cr_expect_eq(alpn_svcb_alpn_format((const uint8_t *)"\2h2\2h3", 6, out, sizeof out, &n, &err), ALPN_E_BUFFER);
    cr_expect_eq(n, 5);
    cr_expect_eq(alpn_svcb_alpn_format((const uint8_t *)"\3h2", 3, out, sizeof out, &n, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-ALPN-OVERRUN");
    cr_expect_eq(alpn_svcb_alpn_format((const uint8_t *)"\2h2", 3, NULL, 1, &n, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_svcb_alpn_format((const uint8_t *)"\2h2", 3, NULL, 0, &n, &err), ALPN_E_BUFFER);
    cr_expect_eq(n, 2);
    cr_expect_eq(alpn_svcb_alpn_format((const uint8_t *)"\2h2", 3, out, sizeof out, NULL, &err), ALPN_E_ARGUMENT);
}

/* ---- the generic form (RFC 9460 §2.1: keyNNNNN and a character-string) ----------------------------------------- */

/* RFC 9460 §7.1.1 names key1=\002h2 as the way to write ids with ',' or '\' in them: the value is alpn's wire format
 * itself, escapes undone and nothing else (a ',' is an octet here, not a separator). */
Test(svcb, generic_value)
{
    uint8_t out[16];
    size_t n = 0;
    alpn_error err = {0};
    cr_expect_eq(alpn_svcb_value_parse(V("\\002h2"), out, sizeof out, &n, &err), ALPN_OK);
    cr_expect(n == 3 && memcmp(out, "\2h2", 3) == 0);
    cr_expect_eq(alpn_svcb_alpn_validate(out, n, NULL, NULL), ALPN_OK);
    cr_expect_eq(alpn_svcb_value_parse(V("\"\\003a,b\\005c\\\\d e\""), out, sizeof out, &n, &err), ALPN_OK);
    cr_expect(n == 10 && memcmp(out, "\3a,b\5c\\d e", 10) == 0, "%zu", n);
    cr_expect_eq(alpn_svcb_alpn_validate(out, n, NULL, NULL), ALPN_OK);
    /* Empty (key2=, no-default-alpn=""), quoted or not. */
    cr_expect_eq(alpn_svcb_value_parse(V("\"\""), out, sizeof out, &n, &err), ALPN_OK);
    cr_expect_eq(n, 0);
    cr_expect_eq(alpn_svcb_value_parse("", 0, out, sizeof out, &n, &err), ALPN_OK);
    cr_expect_eq(n, 0);
    /* Character-string errors, with the offset. */
    cr_expect_eq(alpn_svcb_value_parse(V("\\02"), out, sizeof out, &n, &err), ALPN_DECODE_ERROR);
    tk_expect_error_at("short \\DDD", &err, "SVCB-CHAR-STRING", 0);
    cr_expect_eq(alpn_svcb_value_parse(V("a b"), out, sizeof out, &n, &err), ALPN_DECODE_ERROR);
    tk_expect_error_at("unquoted space", &err, "SVCB-CHAR-STRING", 1);
    cr_expect_eq(alpn_svcb_value_parse(V("\"ab"), out, sizeof out, &n, &err), ALPN_DECODE_ERROR);
    tk_expect_error_at("open quote", &err, "SVCB-CHAR-STRING", 0);
    /* Buffers and arguments as alpn_svcb_alpn_parse. */
    cr_expect_eq(alpn_svcb_value_parse(V("abcdef"), out, 4, &n, &err), ALPN_E_BUFFER);
    cr_expect_eq(n, 6);
    cr_expect_eq(alpn_svcb_value_parse(V("a"), NULL, 1, &n, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_svcb_value_parse(V("a"), out, sizeof out, NULL, &err), ALPN_E_ARGUMENT);
}
