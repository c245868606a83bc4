/* SVCB/HTTPS alpn and no-default-alpn (RFC 9460 §7.1): wire, presentation, key sets, conversions to TLS
 * extension_data and the ALPN header; RFC 9460 Appendix D vectors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "alpn.h"
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

struct pres_case {
    const char *name;
    const char *in;
    size_t len;
    const char *wire;  /* expected wire value (hex) or NULL */
    const char *check; /* failing check */
    size_t offset;
};

static const struct pres_case pres_cases[] = {
    /* RFC 9460 Appendix D.2, Figure 10: an escaped comma and an escaped backslash, quoted and unquoted. */
    {"D.2 fig 10 quoted", V("\"f\\\\\\\\oo\\\\,bar,h2\""), "08 665c6f6f2c626172 02 6832", NULL, 0},
    {"D.2 fig 10 unquoted", V("f\\\\\\092oo\\092,bar,h2"), "08 665c6f6f2c626172 02 6832", NULL, 0},
    /* RFC 9460 Appendix D.2: alpn=h2,h3-19 (the example with mandatory and ipv4hint). */
    {"D.2 h2,h3-19", V("h2,h3-19"), "02 6832 05 68332d3139", NULL, 0},
    {"one id", V("h2"), "02 6832", NULL, 0},
    {"quoted with space", V("\"a b,c\""), "03 612062 01 63", NULL, 0},
    {"\\X escape", V("\\h2"), "02 6832", NULL, 0},
    {"\\DDD 000 and 255", V("\\000\\255"), "02 00ff", NULL, 0},
    {"\\044 separates", V("a\\044b"), "01 61 01 62", NULL, 0},
    {"\\\\, keeps comma", V("a\\\\,b"), "03 612c62", NULL, 0},
    {"\\092\\044 keeps comma", V("a\\092\\044b"), "03 612c62", NULL, 0},
    {"quoted \\\"", V("\"a\\\"b\""), "03 612262", NULL, 0},
    {"non-ASCII raw", V("\xc3\xa9"), "02 c3a9", NULL, 0},
    /* RFC 9460 Appendix D.3: "alpn" with no value. */
    {"D.3 no value", V(""), NULL, "SVCB-ALPN-EMPTY", 0},
    {"empty quotes", V("\"\""), NULL, "SVCB-ALPN-EMPTY", 0},
    {"leading comma", V(",h2"), NULL, "SVCB-ALPN-ID-EMPTY", 0},
    {"double comma", V("h2,,h3"), NULL, "SVCB-ALPN-ID-EMPTY", 3},
    {"trailing comma", V("h2,"), NULL, "SVCB-ALPN-ID-EMPTY", 3},
    {"trailing comma quoted", V("\"h2,\""), NULL, "SVCB-ALPN-ID-EMPTY", 4},
    {"list escape of letter", V("a\\\\b"), NULL, "SVCB-ALPN-LIST", 1},
    {"list escape at end", V("a\\\\"), NULL, "SVCB-ALPN-LIST", 1},
    {"backslash at end", V("a\\"), NULL, "SVCB-CHAR-STRING", 1},
    {"\\DD short", V("a\\04"), NULL, "SVCB-CHAR-STRING", 1},
    {"\\DDx", V("a\\04x"), NULL, "SVCB-CHAR-STRING", 1},
    {"\\256", V("\\256"), NULL, "SVCB-CHAR-STRING", 0},
    {"unquoted space", V("h2 h3"), NULL, "SVCB-CHAR-STRING", 2},
    {"unquoted ;", V("h2;"), NULL, "SVCB-CHAR-STRING", 2},
    {"unquoted quote inside", V("h\"2"), NULL, "SVCB-CHAR-STRING", 1},
    {"unclosed quote", V("\"h2"), NULL, "SVCB-CHAR-STRING", 0},
    {"lone quote", V("\""), NULL, "SVCB-CHAR-STRING", 0},
    {"escaped closing quote", V("\"h2\\\""), NULL, "SVCB-CHAR-STRING", 0},
    {"text after quote", V("\"h2\"x"), NULL, "SVCB-CHAR-STRING", 4},
};

Test(svcb, presentation_to_wire)
{
    for (size_t i = 0; i < sizeof pres_cases / sizeof pres_cases[0]; i++) {
        const struct pres_case *c = &pres_cases[i];
        uint8_t val[64], want[64];
        size_t n = 0;
        alpn_error err = {0};
        int rc = alpn_svcb_alpn_parse(c->in, c->len, val, sizeof val, &n, &err);
        if (c->wire == NULL) {
            cr_expect_eq(rc, ALPN_DECODE_ERROR, "%s: rc %d", c->name, rc);
            tk_expect_error_at(c->name, &err, c->check, c->offset);
            continue;
        }
        cr_expect_eq(rc, ALPN_OK, "%s: %s@%zu", c->name, err.check, err.offset);
        size_t wn = unhex(c->wire, want, sizeof want);
        cr_expect(n == wn && memcmp(val, want, n) == 0, "%s: wrong wire value", c->name);
    }
}

/* The canonical presentation of every RFC 9460 Appendix D alpn value, and its round trip. */
Test(svcb, wire_to_presentation)
{
    static const struct {
        const char *wire;
        const char *pres;
    } cases[] = {
        {"08 665c6f6f2c626172 02 6832", "f\\\\\\\\oo\\\\,bar,h2"},
        {"02 6832 05 68332d3139", "h2,h3-19"},
        {"03 612062", "a\\032b"},
        {"06 22 3b 28 29 7f 00", "\\034\\059\\040\\041\\127\\000"},
        {"02 c3a9", "\\195\\169"},
        {"01 7e 01 21", "~,!"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t val[64], back[64];
        size_t vn = unhex(cases[i].wire, val, sizeof val), n = 0, bn = 0;
        char out[128];
        cr_assert_eq(alpn_svcb_alpn_format(val, vn, out, sizeof out, &n, NULL), ALPN_OK, "%zu", i);
        cr_expect(n == strlen(cases[i].pres) && memcmp(out, cases[i].pres, n) == 0, "%zu: %.*s", i, (int)n, out);
        cr_assert_eq(alpn_svcb_alpn_parse(out, n, back, sizeof back, &bn, NULL), ALPN_OK, "%zu", i);
        cr_expect(bn == vn && memcmp(back, val, vn) == 0, "%zu: round trip", i);
    }
}

/* ---- wire validation ---------------------------------------------------------------------------------------- */

Test(svcb, wire_validate)
{
    static const struct {
        const char *hex;
        const char *check;
        size_t offset;
        size_t count;
    } cases[] = {
        {"02 6832", NULL, 0, 1},
        {"02 6832 05 68332d3139", NULL, 0, 2},
        {"", "SVCB-ALPN-EMPTY", 0, 0},
        {"00", "SVCB-ALPN-ID-EMPTY", 0, 0},
        {"02 6832 00", "SVCB-ALPN-ID-EMPTY", 3, 0},
        {"03 6832", "SVCB-ALPN-OVERRUN", 0, 0},
        {"02 6832 02 68", "SVCB-ALPN-OVERRUN", 3, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t val[32];
        size_t n = unhex(cases[i].hex, val, sizeof val), count = 0;
        alpn_error err = {0};
        int rc = alpn_svcb_alpn_validate(val, n, &count, &err);
        if (cases[i].check == NULL) {
            cr_expect_eq(rc, ALPN_OK, "%zu", i);
            cr_expect_eq(count, cases[i].count, "%zu", i);
        } else {
            char name[32];
            snprintf(name, sizeof name, "case %zu", i);
            cr_expect_eq(rc, ALPN_DECODE_ERROR, "%s", name);
            tk_expect_error_at(name, &err, cases[i].check, cases[i].offset);
        }
    }
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

Test(svcb, params_wire)
{
    static const struct {
        const char *name;
        const char *hex;
        const char *check;
        size_t offset;
        size_t alpn_at; /* offset of the alpn value, 0: none */
        size_t alpn_len;
        int no_default;
    } cases[] = {
        /* RFC 9460 Appendix D.2: mandatory=alpn,ipv4hint alpn=h2,h3-19 ipv4hint=192.0.2.1 (sorted on the wire). */
        {"D.2 mandatory", "0000 0004 0001 0004  0001 0009 026832 0568332d3139  0004 0004 c0000201", NULL, 0, 12, 9, 0},
        /* RFC 9460 Appendix D.2, Figure 10. */
        {"D.2 fig 10", "0001 000c 08665c6f6f2c626172 026832", NULL, 0, 4, 12, 0},
        {"alpn and no-default", "0001 0003 026832 0002 0000", NULL, 0, 4, 3, 1},
        {"none", "", NULL, 0, 0, 0, 0},
        /* RFC 9460 Appendix D.3 failure cases. */
        {"D.3 key twice", "007b 0003 616263 007b 0003 646566", "SVCB-KEY-ORDER", 7, 0, 0, 0},
        {"D.3 no-default-alpn=abc", "0001 0003 026832 0002 0003 616263", "SVCB-NO-DEFAULT-EMPTY", 11, 0, 0, 0},
        {"no-default alone", "0002 0000", "SVCB-NO-DEFAULT-ALONE", 0, 0, 0, 0},
        {"bad alpn inside", "0001 0003 036832", "SVCB-ALPN-OVERRUN", 4, 0, 0, 0},
        {"empty alpn", "0001 0000", "SVCB-ALPN-EMPTY", 4, 0, 0, 0},
        {"truncated header", "0001 00", "SVCB-PARAMS-WIRE", 0, 0, 0, 0},
        {"value overruns", "0001 0005 026832", "SVCB-PARAMS-WIRE", 2, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t p[64];
        size_t n = unhex(cases[i].hex, p, sizeof p), alen = 99;
        const uint8_t *a = p;
        int nd = -1;
        alpn_error err = {0};
        int rc = alpn_svcb_params_validate(p, n, &a, &alen, &nd, &err);
        if (cases[i].check != NULL) {
            cr_expect_eq(rc, ALPN_DECODE_ERROR, "%s", cases[i].name);
            cr_expect_str_eq(err.check, cases[i].check, "%s", cases[i].name);
            cr_expect_eq(err.offset, cases[i].offset, "%s: offset %zu", cases[i].name, err.offset);
            continue;
        }
        cr_expect_eq(rc, ALPN_OK, "%s: %s", cases[i].name, err.check);
        cr_expect_eq(a, cases[i].alpn_at ? p + cases[i].alpn_at : NULL, "%s", cases[i].name);
        cr_expect_eq(alen, cases[i].alpn_len, "%s", cases[i].name);
        cr_expect_eq(nd, cases[i].no_default, "%s", cases[i].name);
    }
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
