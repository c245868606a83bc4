/* HTTP ALPN header field (RFC 7639 §2): parse, format, protocol-id encode/decode, round trips. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "alpn.h"
#include "testkit.h"
#include "guard.h"

/* A literal with its length, so inputs may hold NUL bytes. */
#define V(s) s, sizeof(s) - 1

#define S   ALPN_HDR_STRICT
#define L   ALPN_HDR_LENIENT
#define HDR ALPN_E_HEADER

struct parse_case {
    const char *name;
    const char *in;
    size_t len;
    alpn_hdr_mode mode;
    int status;
    const char *ext;   /* expected extension_data (hex) when status is ALPN_OK */
    const char *devs;  /* expected res->devs as "ID@offset,..." ("" for none) */
    const char *check; /* failing check ID, when not OK */
    size_t offset;
};

static const struct parse_case parse_cases[] = {
    /* RFC 7639 §2 examples and plain lists. */
    {"rfc h2", V("h2"), S, ALPN_OK, "0003 026832", "", NULL, 0},
    {"rfc http%2F1.1", V("http%2F1.1"), S, ALPN_OK, "0009 08687474702f312e31", "", NULL, 0},
    {"rfc example", V("h2, http%2F1.1"), S, ALPN_OK, "000c 026832 08687474702f312e31", "", NULL, 0},
    {"no space after comma", V("h2,http%2F1.1"), S, ALPN_OK, "000c 026832 08687474702f312e31", "", NULL, 0},
    {"OWS both sides", V("h2 ,\thttp%2F1.1"), S, ALPN_OK, "000c 026832 08687474702f312e31", "", NULL, 0},
    {"tabs and spaces", V("h2\t \t,  \t\thttp%2F1.1"), S, ALPN_OK, "000c 026832 08687474702f312e31", "", NULL, 0},
    {"outer spaces stripped", V("   h2   "), S, ALPN_OK, "0003 026832", "", NULL, 0},
    {"outer tabs stripped", V("\th2\t"), S, ALPN_OK, "0003 026832", "", NULL, 0},
    {"three names", V("a, b, c"), S, ALPN_OK, "0006 0161 0162 0163", "", NULL, 0},
    {"duplicates kept", V("h2, h2"), S, ALPN_OK, "0006 026832 026832", "", NULL, 0},
    {"every raw tchar", V("!#$&'*+-.^_`|~09AZaz"), S, ALPN_OK, "0015 14 2123242627 2a2b2d2e5e 5f607c7e30 39415a617a",
     "", NULL, 0},
    /* The %25 rule: "%" must be encoded, and %25 is not over-encoding (RFC 7639 §2). */
    {"%25 alone", V("%25"), S, ALPN_OK, "0002 0125", "", NULL, 0},
    {"%25 inside", V("a%25b"), S, ALPN_OK, "0004 03612562", "", NULL, 0},
    {"%25 lenient no dev", V("%25"), L, ALPN_OK, "0002 0125", "", NULL, 0},
    /* Octets that are not tchar, via %HH; NUL is data. */
    {"%00", V("%00"), S, ALPN_OK, "0002 0100", "", NULL, 0},
    {"%FF", V("%FF"), S, ALPN_OK, "0002 01ff", "", NULL, 0},
    {"%00%FF", V("%00%FF"), S, ALPN_OK, "0003 0200ff", "", NULL, 0},
    {"NUL and space inside", V("h%00%20x"), S, ALPN_OK, "0005 04680020 78", "", NULL, 0},
    {"encoded quotes", V("%22h2%22"), S, ALPN_OK, "0005 04226832 22", "", NULL, 0},
    {"encoded comma is data", V("a%2Cb, c"), S, ALPN_OK, "0006 03612c62 0163", "", NULL, 0},
    {"GREASE 0x0A0A", V("%0A%0A"), S, ALPN_OK, "0003 020a0a", "", NULL, 0},
    {"%7F and %80", V("%7F%80"), S, ALPN_OK, "0003 027f80", "", NULL, 0},

    /* HDR-LIST, strict: empty elements and no names (RFC 9110 §5.6.1, RFC 7639 §2 1#). */
    {"empty value", V(""), S, HDR, NULL, "HDR-LIST@0", "HDR-LIST", 0},
    {"only spaces", V("   "), S, HDR, NULL, "HDR-LIST@0", "HDR-LIST", 0},
    {"only tab", V("\t"), S, HDR, NULL, "HDR-LIST@0", "HDR-LIST", 0},
    {"lone comma", V(","), S, HDR, NULL, "HDR-LIST@0", "HDR-LIST", 0},
    {"leading comma", V(",h2"), S, HDR, NULL, "HDR-LIST@0", "HDR-LIST", 0},
    {"leading comma after OWS", V("  ,h2"), S, HDR, NULL, "HDR-LIST@2", "HDR-LIST", 2},
    {"trailing comma", V("h2,"), S, HDR, NULL, "HDR-LIST@3", "HDR-LIST", 3},
    {"trailing comma + OWS", V("h2 , "), S, HDR, NULL, "HDR-LIST@4", "HDR-LIST", 4},
    {"double comma", V("h2,,x"), S, HDR, NULL, "HDR-LIST@3", "HDR-LIST", 3},
    {"comma space comma", V("h2, ,x"), S, HDR, NULL, "HDR-LIST@4", "HDR-LIST", 4},
    {"first violation wins", V("h2,,http/1.1"), S, HDR, NULL, "HDR-LIST@3", "HDR-LIST", 3},

    /* HDR-TOKEN: raw characters outside tchar (RFC 9110 §5.6.2). */
    {"raw slash", V("http/1.1"), S, HDR, NULL, "HDR-TOKEN@4", "HDR-TOKEN", 4},
    {"quoted string", V("\"h2\""), S, HDR, NULL, "HDR-TOKEN@0", "HDR-TOKEN", 0},
    {"parameter", V("h2;q=1"), S, HDR, NULL, "HDR-TOKEN@2", "HDR-TOKEN", 2},
    {"space inside", V("h 2"), S, HDR, NULL, "HDR-TOKEN@1", "HDR-TOKEN", 1},
    {"tab inside", V("h\t2"), S, HDR, NULL, "HDR-TOKEN@1", "HDR-TOKEN", 1},
    {"spaces inside", V("h2  x, y"), S, HDR, NULL, "HDR-TOKEN@2", "HDR-TOKEN", 2},
    {"space in 2nd element", V("h2, a b"), S, HDR, NULL, "HDR-TOKEN@5", "HDR-TOKEN", 5},
    {"raw 0x80", V("h\x80"), S, HDR, NULL, "HDR-TOKEN@1", "HDR-TOKEN", 1},
    {"raw 0xFF", V("\xff"), S, HDR, NULL, "HDR-TOKEN@0", "HDR-TOKEN", 0},
    {"raw NUL", V("h\0002"), S, HDR, NULL, "HDR-TOKEN@1", "HDR-TOKEN", 1},
    {"raw DEL", V("\x7f"), S, HDR, NULL, "HDR-TOKEN@0", "HDR-TOKEN", 0},
    {"CR LF is not OWS", V("h2\r\n"), S, HDR, NULL, "HDR-TOKEN@2", "HDR-TOKEN", 2},
    {"parentheses", V("(h2)"), S, HDR, NULL, "HDR-TOKEN@0", "HDR-TOKEN", 0},
    {"equals", V("a=b"), S, HDR, NULL, "HDR-TOKEN@1", "HDR-TOKEN", 1},
    {"token error before list error", V("http/1.1,,h2"), S, HDR, NULL, "HDR-TOKEN@4", "HDR-TOKEN", 4},

    /* HDR-PCT-UPPER (RFC 7639 §2: upper-case hex). */
    {"lower hex", V("http%2f1.1"), S, HDR, NULL, "HDR-PCT-UPPER@4", "HDR-PCT-UPPER", 4},
    {"lower first digit", V("%a0"), S, HDR, NULL, "HDR-PCT-UPPER@0", "HDR-PCT-UPPER", 0},
    {"mixed case digits", V("h2, %Ff"), S, HDR, NULL, "HDR-PCT-UPPER@4", "HDR-PCT-UPPER", 4},
    /* HDR-PCT-NOT-TCHAR (RFC 7639 §2: a tchar other than "%" is never encoded). */
    {"over-encoded h2", V("%68%32"), S, HDR, NULL, "HDR-PCT-NOT-TCHAR@0", "HDR-PCT-NOT-TCHAR", 0},
    {"over-encoded digit", V("h%32"), S, HDR, NULL, "HDR-PCT-NOT-TCHAR@1", "HDR-PCT-NOT-TCHAR", 1},
    {"over-encoded tilde", V("%7E"), S, HDR, NULL, "HDR-PCT-NOT-TCHAR@0", "HDR-PCT-NOT-TCHAR", 0},
    {"over-encoded A", V("x%41"), S, HDR, NULL, "HDR-PCT-NOT-TCHAR@1", "HDR-PCT-NOT-TCHAR", 1},
    {"over-encoded and lower", V("%6a"), S, HDR, NULL, "HDR-PCT-NOT-TCHAR@0", "HDR-PCT-NOT-TCHAR", 0},
    /* HDR-PCT-TRUNCATED (RFC 3986 §2.1: "%" HEXDIG HEXDIG). */
    {"lone percent", V("%"), S, HDR, NULL, "HDR-PCT-TRUNCATED@0", "HDR-PCT-TRUNCATED", 0},
    {"percent at end", V("h2%"), S, HDR, NULL, "HDR-PCT-TRUNCATED@2", "HDR-PCT-TRUNCATED", 2},
    {"one digit at end", V("h2%2"), S, HDR, NULL, "HDR-PCT-TRUNCATED@2", "HDR-PCT-TRUNCATED", 2},
    {"one digit then comma", V("%2, x"), S, HDR, NULL, "HDR-PCT-TRUNCATED@0", "HDR-PCT-TRUNCATED", 0},
    {"one digit then stripped OWS", V("%2 "), S, HDR, NULL, "HDR-PCT-TRUNCATED@0", "HDR-PCT-TRUNCATED", 0},
    {"non-hex second digit", V("%2G"), S, HDR, NULL, "HDR-PCT-TRUNCATED@0", "HDR-PCT-TRUNCATED", 0},
    {"non-hex first digit", V("a%G2"), S, HDR, NULL, "HDR-PCT-TRUNCATED@1", "HDR-PCT-TRUNCATED", 1},
    {"lower non-hex letter", V("%2g"), L, HDR, NULL, "", "HDR-PCT-TRUNCATED", 0},
    {"space after percent", V("% 2F"), S, HDR, NULL, "HDR-PCT-TRUNCATED@0", "HDR-PCT-TRUNCATED", 0},
    {"percent percent", V("%%25"), S, HDR, NULL, "HDR-PCT-TRUNCATED@0", "HDR-PCT-TRUNCATED", 0},

    /* Lenient: the three accepted deviations, each listed. */
    {"len lower hex", V("http%2f1.1"), L, ALPN_OK, "0009 08687474702f312e31", "HDR-PCT-UPPER@4", NULL, 0},
    {"len over-encoded", V("%68%32"), L, ALPN_OK, "0003 026832", "HDR-PCT-NOT-TCHAR@0,HDR-PCT-NOT-TCHAR@3", NULL, 0},
    {"len both on one escape", V("%6a"), L, ALPN_OK, "0002 016a", "HDR-PCT-NOT-TCHAR@0,HDR-PCT-UPPER@0", NULL, 0},
    {"len double comma", V("h2,,x"), L, ALPN_OK, "0005 026832 0178", "HDR-LIST@3", NULL, 0},
    {"len leading+trailing", V(",h2,"), L, ALPN_OK, "0003 026832", "HDR-LIST@0,HDR-LIST@4", NULL, 0},
    {"len empties with OWS", V(" , h2 , , x , "), L, ALPN_OK, "0005 026832 0178", "HDR-LIST@1,HDR-LIST@8,HDR-LIST@13",
     NULL, 0},
    {"len mixed", V("%2f,,h%32"), L, ALPN_OK, "0005 012f 026832", "HDR-PCT-UPPER@0,HDR-LIST@4,HDR-PCT-NOT-TCHAR@6",
     NULL, 0},
    {"len canonical has none", V("h2, http%2F1.1"), L, ALPN_OK, "000c 026832 08687474702f312e31", "", NULL, 0},
    /* Lenient still rejects the rest; deviations seen before the failure stay listed. */
    {"len raw slash", V("http/1.1"), L, HDR, NULL, "", "HDR-TOKEN", 4},
    {"len dev then token", V("%2f/"), L, HDR, NULL, "HDR-PCT-UPPER@0", "HDR-TOKEN", 3},
    {"len space inside", V("h 2"), L, HDR, NULL, "", "HDR-TOKEN", 1},
    {"len raw 0xFF", V("\xff"), L, HDR, NULL, "", "HDR-TOKEN", 0},
    {"len truncated", V("h2%2"), L, HDR, NULL, "", "HDR-PCT-TRUNCATED", 2},
    {"len empty value", V(""), L, HDR, NULL, "", "HDR-LIST", 0},
    {"len only commas", V(",,"), L, HDR, NULL, "HDR-LIST@0,HDR-LIST@1,HDR-LIST@2", "HDR-LIST", 0},
    {"len comma in OWS", V(" , "), L, HDR, NULL, "HDR-LIST@1,HDR-LIST@2", "HDR-LIST", 0},
};

/* Renders res->devs as "ID@offset,..." for one comparison per case. */
static void devs_string(const alpn_header_result *res, char *out, size_t cap)
{
    size_t pos = 0;
    out[0] = '\0';
    for (size_t i = 0; i < res->n_devs && i < res->devs_cap; i++) {
        int n = snprintf(out + pos, cap - pos, "%s%s@%zu", i ? "," : "", res->devs[i].check, res->devs[i].offset);
        cr_assert(n > 0 && (size_t)n < cap - pos, "devs string overflow");
        pos += (size_t)n;
    }
}

Test(header, parse_table)
{
    static uint8_t ext[ALPN_EXT_MAX];
    uint8_t want[512];
    alpn_deviation devs[16];
    char got_devs[512];

    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const struct parse_case *c = &parse_cases[i];
        const char *in = guard_place_str(c->in, c->len);
        alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext, .devs = devs, .devs_cap = 16};
        alpn_error err = {0};
        int rc = alpn_header_parse(in, c->len, c->mode, &res, &err);

        cr_expect_eq(rc, c->status, "%s: status %#x, expected %#x (%s at %zu)", c->name, rc, c->status,
                     err.check ? err.check : "-", err.offset);
        if (rc != c->status)
            continue;
        if (c->status == ALPN_OK) {
            size_t n = guard_hex(c->ext, want, sizeof want);
            cr_assert_neq(n, (size_t)-1, "%s: bad expected hex", c->name);
            cr_expect_eq(res.ext_len, n, "%s: ext_len %zu, expected %zu", c->name, res.ext_len, n);
            cr_expect(res.ext_len == n && memcmp(ext, want, n) == 0, "%s: decoded names differ", c->name);
            size_t count = 0;
            cr_expect_eq(alpn_list_validate(ext, res.ext_len, ALPN_ROLE_CLIENT, &count, NULL), ALPN_OK, "%s", c->name);
            cr_expect_eq(res.count, count, "%s: count %zu, list holds %zu", c->name, res.count, count);
        } else {
            tk_expect_error_at(c->name, &err, c->check, c->offset);
            cr_expect_eq(err.status, c->status, "%s: err.status", c->name);
            cr_expect_not_null(err.detail, "%s: detail", c->name);
        }
        devs_string(&res, got_devs, sizeof got_devs);
        cr_expect_str_eq(got_devs, c->devs, "%s: deviations '%s', expected '%s'", c->name, got_devs, c->devs);
    }
}

/* Every prefix of a value, in both modes: never an over-read (the guard page faults), only OK or a header error. */
Test(header, every_prefix_is_judged_in_bounds)
{
    static const char *values[] = {"h2, http%2F1.1", "%6a,, h%32 ,\t%2f", "a%25b , %00%FF"};
    uint8_t ext[64];
    alpn_deviation devs[8];
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
        for (size_t cut = 0; cut <= strlen(values[v]); cut++) {
            for (int mode = S; mode <= L; mode++) {
                alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext, .devs = devs, .devs_cap = 8};
                int rc = alpn_header_parse(guard_place_str(values[v], cut), cut, (alpn_hdr_mode)mode, &res, NULL);
                cr_expect(rc == ALPN_OK || rc == HDR, "'%.*s' mode %d: status %#x", (int)cut, values[v], mode, rc);
            }
        }
    }
}

Test(header, devs_cap_overflow_counts_all)
{
    uint8_t ext[16];
    alpn_deviation devs[3] = {{NULL, 0}, {NULL, 0}, {"sentinel", 99}};
    alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext, .devs = devs, .devs_cap = 2};
    const char v[] = "%2f%2f%2f,,%2f%2f";
    int rc = alpn_header_parse(guard_place_str(v, sizeof v - 1), sizeof v - 1, L, &res, NULL);
    cr_assert_eq(rc, ALPN_OK);
    cr_expect_eq(res.n_devs, 6, "n_devs %zu", res.n_devs);
    cr_expect_str_eq(devs[0].check, "HDR-PCT-UPPER");
    cr_expect_eq(devs[0].offset, 0);
    cr_expect_str_eq(devs[1].check, "HDR-PCT-UPPER");
    cr_expect_eq(devs[1].offset, 3);
    cr_expect_str_eq(devs[2].check, "sentinel", "devs written past devs_cap");
    cr_expect_eq(res.count, 2);

    /* No deviation storage at all: still counted. */
    alpn_header_result bare = {.ext = ext, .ext_cap = sizeof ext};
    rc = alpn_header_parse(guard_place_str(v, sizeof v - 1), sizeof v - 1, L, &bare, NULL);
    cr_expect_eq(rc, ALPN_OK);
    cr_expect_eq(bare.n_devs, 6);
}

Test(header, results_are_reset_on_each_call)
{
    uint8_t ext[16];
    alpn_deviation devs[4];
    alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext, .devs = devs, .devs_cap = 4};
    cr_assert_eq(alpn_header_parse(guard_place_str("%2f,,a", 6), 6, L, &res, NULL), ALPN_OK);
    cr_assert_eq(res.n_devs, 2);
    cr_assert_eq(alpn_header_parse(guard_place_str("h2", 2), 2, L, &res, NULL), ALPN_OK);
    cr_expect_eq(res.n_devs, 0);
    cr_expect_eq(res.count, 1);
    cr_expect_eq(res.ext_len, 5);
    alpn_error err = {0};
    cr_assert_eq(alpn_header_parse(guard_place_str("a/", 2), 2, L, &res, &err), HDR);
    cr_expect_eq(res.count, 0, "count left from a failed parse");
    cr_expect_eq(res.ext_len, 0);
}

/* Builds a value of one element: n raw 'a' (raw = 1) or n "%00" (raw = 0), after a prefix. */
static size_t long_name(char *buf, const char *prefix, size_t n, int raw)
{
    size_t pos = strlen(prefix);
    memcpy(buf, prefix, pos);
    for (size_t i = 0; i < n; i++) {
        if (raw) {
            buf[pos++] = 'a';
        } else {
            memcpy(buf + pos, "%00", 3);
            pos += 3;
        }
    }
    return pos;
}

Test(header, name_length_255_vs_256)
{
    static char v[4096];
    uint8_t ext[600];
    struct {
        const char *prefix;
        size_t n;
        int raw;
        int status;
        size_t offset;
    } cases[] = {
        {"", 255, 1, ALPN_OK, 0},     {"", 256, 1, HDR, 255},     {"", 255, 0, ALPN_OK, 0},   {"", 256, 0, HDR, 765},
        {"h2, ", 255, 1, ALPN_OK, 0}, {"h2, ", 256, 1, HDR, 259}, {"h2, ", 300, 0, HDR, 769},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = long_name(v, cases[i].prefix, cases[i].n, cases[i].raw);
        for (int mode = S; mode <= L; mode++) {
            alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext};
            alpn_error err = {0};
            int rc = alpn_header_parse(guard_place_str(v, len), len, (alpn_hdr_mode)mode, &res, &err);
            cr_expect_eq(rc, cases[i].status, "case %zu mode %d: status %#x", i, mode, rc);
            if (cases[i].status == ALPN_OK) {
                size_t off = strlen(cases[i].prefix) ? 3 : 0; /* skip "h2" */
                cr_expect_eq(ext[2 + off], 255, "case %zu: name length byte", i);
                cr_expect_eq(ext[3 + off], cases[i].raw ? 'a' : 0, "case %zu: first octet", i);
            } else {
                cr_expect_str_eq(err.check, "HDR-NAME-LENGTH", "case %zu mode %d", i, mode);
                cr_expect_eq(err.offset, cases[i].offset, "case %zu mode %d: offset %zu", i, mode, err.offset);
            }
        }
    }
}

/* protocol_name_list<2..2^16-1> (RFC 7301 §3.1): 255 names of 255 octets (256 bytes each) plus one of 254 fill
 * it exactly; one more octet in the last name overflows it. */
Test(header, decoded_list_limit)
{
    static char v[70000];
    static uint8_t ext[ALPN_EXT_MAX];
    for (int over = 0; over <= 1; over++) {
        size_t pos = 0, last = 0;
        for (size_t k = 0; k < 256; k++) {
            if (k > 0)
                v[pos++] = ',';
            last = pos;
            size_t n = k < 255 ? 255 : 254 + (size_t)over;
            memset(v + pos, 'a' + (int)(k % 26), n);
            pos += n;
        }
        alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext};
        alpn_error err = {0};
        int rc = alpn_header_parse(guard_place_str(v, pos), pos, S, &res, &err);
        if (!over) {
            cr_expect_eq(rc, ALPN_OK, "full list: status %#x (%s)", rc, err.check ? err.check : "-");
            cr_expect_eq(res.ext_len, ALPN_EXT_MAX);
            cr_expect_eq(res.count, 256);
            cr_expect(ext[0] == 0xff && ext[1] == 0xff, "list length prefix");
            cr_expect_eq(alpn_list_validate(ext, res.ext_len, ALPN_ROLE_CLIENT, NULL, NULL), ALPN_OK);
        } else {
            cr_expect_eq(rc, HDR, "overflowing list: status %#x", rc);
            cr_expect_str_eq(err.check, "HDR-SAME-AS-TLS");
            cr_expect_eq(err.offset, last, "offset %zu, expected %zu", err.offset, last);
        }
    }
}

Test(header, parse_buffer_too_small)
{
    const char v[] = "h2, http%2F1.1";
    const size_t need = 14; /* 2 + (1 + 2) + (1 + 8) */
    uint8_t ext[32];
    for (size_t cap = 0; cap <= need; cap++) {
        memset(ext, 0xAA, sizeof ext);
        alpn_header_result res = {.ext = cap ? ext : NULL, .ext_cap = cap};
        alpn_error err = {0};
        int rc = alpn_header_parse(guard_place_str(v, sizeof v - 1), sizeof v - 1, S, &res, &err);
        cr_expect_eq(rc, cap < need ? ALPN_E_BUFFER : ALPN_OK, "cap %zu: status %#x", cap, rc);
        cr_expect_eq(res.ext_len, need, "cap %zu: ext_len %zu (size needed)", cap, res.ext_len);
        cr_expect_eq(res.count, 2, "cap %zu", cap);
        if (rc == ALPN_E_BUFFER) {
            cr_expect_eq(err.status, ALPN_E_BUFFER);
            cr_expect_not_null(err.check);
        }
        for (size_t k = cap; k < sizeof ext; k++)
            cr_expect_eq(ext[k], 0xAA, "cap %zu: byte %zu written", cap, k);
    }
    /* A syntax error wins over a small buffer: retrying with more room would not help. */
    alpn_header_result res = {.ext = NULL, .ext_cap = 0};
    alpn_error err = {0};
    cr_expect_eq(alpn_header_parse(guard_place_str("h2, a/b", 7), 7, S, &res, &err), HDR);
    cr_expect_str_eq(err.check, "HDR-TOKEN");
}

Test(header, parse_arguments)
{
    uint8_t ext[8];
    alpn_deviation devs[1];
    alpn_error err = {0};
    alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext};
    cr_expect_eq(alpn_header_parse("h2", 2, S, NULL, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(err.status, ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_header_parse(NULL, 2, S, &res, &err), ALPN_E_ARGUMENT);
    alpn_header_result bad_ext = {.ext = NULL, .ext_cap = 4};
    cr_expect_eq(alpn_header_parse("h2", 2, S, &bad_ext, NULL), ALPN_E_ARGUMENT);
    alpn_header_result bad_devs = {.ext = ext, .ext_cap = sizeof ext, .devs = NULL, .devs_cap = 1};
    cr_expect_eq(alpn_header_parse("h2", 2, S, &bad_devs, NULL), ALPN_E_ARGUMENT);
    /* NULL with length 0 is an empty value: no names. */
    cr_expect_eq(alpn_header_parse(NULL, 0, S, &res, &err), HDR);
    cr_expect_str_eq(err.check, "HDR-LIST");
    /* err may be NULL on every failure path. */
    alpn_header_result r2 = {.ext = ext, .ext_cap = sizeof ext, .devs = devs, .devs_cap = 1};
    cr_expect_eq(alpn_header_parse(guard_place_str("%2f", 3), 3, S, &r2, NULL), HDR);
    cr_expect_eq(r2.n_devs, 1);
    cr_expect_eq(alpn_header_parse(guard_place_str("h2", 2), 2, S, &(alpn_header_result){0}, NULL), ALPN_E_BUFFER);
}

/* ---------------------------------------------------------------------------------------------------------- */

/* The test's own tchar set (RFC 9110 §5.6.2), independent of the library's. */
static int test_tchar(unsigned c)
{
    static const char special[] = "!#$%&'*+-.^_`|~";
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
        return 1;
    return c != 0 && memchr(special, (int)c, sizeof special - 1) != NULL;
}

/* RFC 7639 §2 canonical rule for every octet: raw when tchar and not "%", else %HH upper-case. Checked through
 * alpn_pid_encode, alpn_header_format, and back through alpn_header_parse / alpn_pid_decode. */
Test(header, format_all_single_octets)
{
    int raw_count = 0;
    for (unsigned o = 0; o < 256; o++) {
        char want[4];
        if (o != '%' && test_tchar(o)) {
            want[0] = (char)o;
            want[1] = '\0';
            raw_count++;
        } else {
            snprintf(want, sizeof want, "%%%02X", o);
        }
        size_t want_len = strlen(want);
        uint8_t octet = (uint8_t)o;
        char out[8];
        size_t out_len = 0;

        cr_expect_eq(alpn_pid_encode(&octet, 1, out, sizeof out, &out_len, NULL), ALPN_OK, "octet %#x", o);
        cr_expect(out_len == want_len && memcmp(out, want, want_len) == 0, "octet %#x: pid '%.*s', expected '%s'", o,
                  (int)out_len, out, want);

        uint8_t one[4] = {0, 2, 1, octet};
        memset(out, 0, sizeof out);
        cr_expect_eq(alpn_header_format(guard_place(one, 4), 4, out, sizeof out, &out_len, NULL), ALPN_OK);
        cr_expect(out_len == want_len && memcmp(out, want, want_len) == 0, "octet %#x: format '%.*s'", o, (int)out_len,
                  out);

        uint8_t back[8];
        alpn_header_result res = {.ext = back, .ext_cap = sizeof back};
        cr_expect_eq(alpn_header_parse(guard_place_str(want, want_len), want_len, S, &res, NULL), ALPN_OK,
                     "octet %#x: parse", o);
        cr_expect(res.ext_len == 4 && memcmp(back, one, 4) == 0, "octet %#x: parse gives back another name", o);

        size_t dlen = 0;
        cr_expect_eq(alpn_pid_decode(guard_place_str(want, want_len), want_len, S, back, sizeof back, &dlen, NULL),
                     ALPN_OK, "octet %#x: pid decode", o);
        cr_expect(dlen == 1 && back[0] == octet, "octet %#x: pid decode gives back another octet", o);
    }
    /* 15 specials without "%" (14) + 62 alphanumerics. */
    cr_expect_eq(raw_count, 76);
}

struct format_case {
    const char *name;
    const char *ext; /* hex */
    int status;
    const char *out;   /* expected value when OK */
    const char *check; /* check ID when not */
};

static const struct format_case format_cases[] = {
    {"h2", "0003 026832", ALPN_OK, "h2", NULL},
    {"rfc example", "000c 026832 08687474702f312e31", ALPN_OK, "h2, http%2F1.1", NULL},
    {"percent", "0004 03612562", ALPN_OK, "a%25b", NULL},
    {"comma and space", "0004 032c2061", ALPN_OK, "%2C%20a", NULL},
    {"NUL and 0xFF", "0003 0200ff", ALPN_OK, "%00%FF", NULL},
    {"three", "0006 0161 0162 0163", ALPN_OK, "a, b, c", NULL},
    {"empty ext", "", ALPN_DECODE_ERROR, NULL, "SRV-MALFORMED-EMPTY-EXT"},
    {"empty list", "0000", ALPN_DECODE_ERROR, NULL, "SRV-MALFORMED-EMPTY-LIST"},
    {"empty name", "0004 026832 00", ALPN_DECODE_ERROR, NULL, "SRV-MALFORMED-EMPTY-NAME-LATER"},
    {"overrun", "0003 036832", ALPN_DECODE_ERROR, NULL, "SRV-MALFORMED-NAME-OVERRUN"},
};

Test(header, format_table)
{
    uint8_t ext[64];
    char out[128];
    for (size_t i = 0; i < sizeof format_cases / sizeof format_cases[0]; i++) {
        const struct format_case *c = &format_cases[i];
        size_t len = guard_hex(c->ext, ext, sizeof ext);
        cr_assert_neq(len, (size_t)-1, "%s: bad hex", c->name);
        size_t out_len = 0;
        alpn_error err = {0};
        int rc = alpn_header_format(guard_place(ext, len), len, out, sizeof out, &out_len, &err);
        cr_expect_eq(rc, c->status, "%s: status %#x", c->name, rc);
        if (c->status == ALPN_OK)
            cr_expect(out_len == strlen(c->out) && memcmp(out, c->out, out_len) == 0, "%s: '%.*s', expected '%s'",
                      c->name, (int)out_len, out, c->out);
        else
            cr_expect_str_eq(err.check, c->check, "%s: check %s", c->name, err.check);
    }
}

Test(header, format_buffer_too_small)
{
    const uint8_t ext[] = {0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    const char want[] = "h2, http%2F1.1";
    const size_t need = sizeof want - 1;
    char out[32];
    for (size_t cap = 0; cap <= need; cap++) {
        memset(out, '#', sizeof out);
        size_t out_len = 0;
        alpn_error err = {0};
        int rc = alpn_header_format(guard_place(ext, sizeof ext), sizeof ext, cap ? out : NULL, cap, &out_len, &err);
        cr_expect_eq(rc, cap < need ? ALPN_E_BUFFER : ALPN_OK, "cap %zu: status %#x", cap, rc);
        cr_expect_eq(out_len, need, "cap %zu: out_len %zu", cap, out_len);
        cr_expect(memcmp(out, want, cap) == 0, "cap %zu: stored prefix differs", cap);
        for (size_t k = cap; k < sizeof out; k++)
            cr_expect_eq(out[k], '#', "cap %zu: byte %zu written", cap, k);
        if (rc != ALPN_OK)
            cr_expect_eq(err.status, ALPN_E_BUFFER);
    }
    size_t out_len;
    cr_expect_eq(alpn_header_format(ext, sizeof ext, out, sizeof out, NULL, NULL), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_header_format(ext, sizeof ext, NULL, 4, &out_len, NULL), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_header_format(ext, 3, out, sizeof out, &out_len, NULL), ALPN_DECODE_ERROR);
}

Test(header, pid_encode_limits)
{
    static uint8_t name[256];
    char out[800];
    size_t out_len = 0;
    alpn_error err = {0};
    memset(name, '%', sizeof name);
    cr_expect_eq(alpn_pid_encode(name, 255, out, sizeof out, &out_len, &err), ALPN_OK);
    cr_expect_eq(out_len, 765);
    cr_expect(memcmp(out, "%25%25", 6) == 0 && memcmp(out + 759, "%25%25", 6) == 0);
    cr_expect_eq(alpn_pid_encode(name, 256, out, sizeof out, &out_len, &err), ALPN_E_ARGUMENT);
    cr_expect_str_eq(err.check, "HDR-NAME-LENGTH");
    cr_expect_eq(alpn_pid_encode(name, 0, out, sizeof out, &out_len, &err), ALPN_E_ARGUMENT);
    cr_expect_str_eq(err.check, "HDR-NAME-LENGTH");
    cr_expect_eq(alpn_pid_encode(NULL, 1, out, sizeof out, &out_len, NULL), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_pid_encode(NULL, 0, out, sizeof out, &out_len, &err), ALPN_E_ARGUMENT);
    cr_expect_str_eq(err.check, "HDR-NAME-LENGTH");
    cr_expect_eq(alpn_pid_encode(name, 1, out, sizeof out, NULL, NULL), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_pid_encode(name, 1, NULL, 3, &out_len, NULL), ALPN_E_ARGUMENT);
    /* Size query and every short buffer: the size needed comes back, nothing past cap is written. */
    const uint8_t h11[] = "http/1.1";
    for (size_t cap = 0; cap <= 10; cap++) {
        memset(out, '#', 16);
        out_len = 0;
        int rc = alpn_pid_encode(h11, 8, cap ? out : NULL, cap, &out_len, &err);
        cr_expect_eq(rc, cap < 10 ? ALPN_E_BUFFER : ALPN_OK, "cap %zu", cap);
        cr_expect_eq(out_len, 10, "cap %zu: out_len %zu", cap, out_len);
        cr_expect_eq(out[cap], '#', "cap %zu: written past cap", cap);
    }
    cr_expect(memcmp(out, "http%2F1.1", 10) == 0);
}

struct pid_case {
    const char *name;
    const char *in;
    size_t len;
    alpn_hdr_mode mode;
    int status;
    const char *want; /* decoded hex when OK */
    const char *check;
    size_t offset;
};

static const struct pid_case pid_cases[] = {
    {"h2", V("h2"), S, ALPN_OK, "6832", NULL, 0},
    {"http/1.1", V("http%2F1.1"), S, ALPN_OK, "687474702f312e31", NULL, 0},
    {"%25", V("%25"), S, ALPN_OK, "25", NULL, 0},
    {"%00", V("%00"), S, ALPN_OK, "00", NULL, 0},
    {"comma is not list syntax", V("h2,x"), S, HDR, NULL, "HDR-TOKEN", 2},
    {"no OWS stripping", V(" h2"), S, HDR, NULL, "HDR-TOKEN", 0},
    {"trailing tab", V("h2\t"), L, HDR, NULL, "HDR-TOKEN", 2},
    {"empty", V(""), S, HDR, NULL, "HDR-NAME-LENGTH", 0},
    {"empty lenient", V(""), L, HDR, NULL, "HDR-NAME-LENGTH", 0},
    {"lower strict", V("%2f"), S, HDR, NULL, "HDR-PCT-UPPER", 0},
    {"lower lenient", V("%2f"), L, ALPN_OK, "2f", NULL, 0},
    {"over-encoded strict", V("a%62"), S, HDR, NULL, "HDR-PCT-NOT-TCHAR", 1},
    {"over-encoded lenient", V("a%62"), L, ALPN_OK, "6162", NULL, 0},
    {"truncated", V("ab%4"), L, HDR, NULL, "HDR-PCT-TRUNCATED", 2},
    {"raw 0x80", V("\x80"), L, HDR, NULL, "HDR-TOKEN", 0},
};

Test(header, pid_decode_table)
{
    uint8_t out[300], want[300];
    for (size_t i = 0; i < sizeof pid_cases / sizeof pid_cases[0]; i++) {
        const struct pid_case *c = &pid_cases[i];
        size_t out_len = 0;
        alpn_error err = {0};
        int rc = alpn_pid_decode(guard_place_str(c->in, c->len), c->len, c->mode, out, sizeof out, &out_len, &err);
        cr_expect_eq(rc, c->status, "%s: status %#x", c->name, rc);
        if (rc != c->status)
            continue;
        if (rc == ALPN_OK) {
            size_t n = guard_hex(c->want, want, sizeof want);
            cr_expect(out_len == n && memcmp(out, want, n) == 0, "%s: decoded bytes differ", c->name);
        } else {
            tk_expect_error_at(c->name, &err, c->check, c->offset);
        }
    }
}

Test(header, pid_decode_limits)
{
    static char v[800];
    uint8_t out[300];
    size_t out_len = 0;
    alpn_error err = {0};
    size_t len = long_name(v, "", 255, 0);
    cr_expect_eq(alpn_pid_decode(guard_place_str(v, len), len, S, out, sizeof out, &out_len, &err), ALPN_OK);
    cr_expect_eq(out_len, 255);
    len = long_name(v, "", 256, 1);
    cr_expect_eq(alpn_pid_decode(guard_place_str(v, len), len, L, out, sizeof out, &out_len, &err), HDR);
    cr_expect_str_eq(err.check, "HDR-NAME-LENGTH");
    cr_expect_eq(err.offset, 255);
    /* Buffer: size query and short buffers give the size needed; syntax errors win. */
    for (size_t cap = 0; cap <= 8; cap++) {
        memset(out, 0xAA, 16);
        out_len = 0;
        int rc = alpn_pid_decode(guard_place_str("http%2F1.1", 10), 10, S, cap ? out : NULL, cap, &out_len, &err);
        cr_expect_eq(rc, cap < 8 ? ALPN_E_BUFFER : ALPN_OK, "cap %zu", cap);
        cr_expect_eq(out_len, 8, "cap %zu: out_len %zu", cap, out_len);
        cr_expect_eq(out[cap], 0xAA, "cap %zu: written past cap", cap);
    }
    cr_expect_eq(alpn_pid_decode(guard_place_str("a/", 2), 2, S, NULL, 0, &out_len, &err), HDR);
    cr_expect_eq(alpn_pid_decode(NULL, 1, S, out, sizeof out, &out_len, NULL), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_pid_decode(NULL, 0, S, out, sizeof out, &out_len, &err), HDR);
    cr_expect_str_eq(err.check, "HDR-NAME-LENGTH");
    cr_expect_eq(alpn_pid_decode("h2", 2, S, out, sizeof out, NULL, NULL), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_pid_decode("h2", 2, S, NULL, 1, &out_len, NULL), ALPN_E_ARGUMENT);
}

/* ---------------------------------------------------------------------------------------------------------- */
/* HDR-CANONICAL: format(parse(x)) == x for canonical x; non-canonical values map to their canonical form. */

struct canon_case {
    const char *in;
    alpn_hdr_mode mode;
    const char *canonical;
};

static const struct canon_case canon_cases[] = {
    {"h2", S, "h2"},
    {"h2, http%2F1.1", S, "h2, http%2F1.1"},
    {"a%25b, %00%FF, %2C%20, ~!#$&'*+-.^_`|", S, "a%25b, %00%FF, %2C%20, ~!#$&'*+-.^_`|"},
    {"%0A%0A, h3, webrtc, c-webrtc", S, "%0A%0A, h3, webrtc, c-webrtc"},
    {"h2,http%2F1.1", S, "h2, http%2F1.1"},
    {"  h2\t,\thttp%2F1.1  ", S, "h2, http%2F1.1"},
    {"http%2f1.1", L, "http%2F1.1"},
    {"%68%32,,  ,http%2f1.1,", L, "h2, http%2F1.1"},
};

Test(header, canonical_round_trip)
{
    uint8_t ext[256];
    char out[256];
    for (size_t i = 0; i < sizeof canon_cases / sizeof canon_cases[0]; i++) {
        const struct canon_case *c = &canon_cases[i];
        size_t len = strlen(c->in), out_len = 0;
        alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext};
        cr_assert_eq(alpn_header_parse(guard_place_str(c->in, len), len, c->mode, &res, NULL), ALPN_OK, "'%s'", c->in);
        cr_assert_eq(alpn_header_format(ext, res.ext_len, out, sizeof out, &out_len, NULL), ALPN_OK, "'%s'", c->in);
        cr_expect(out_len == strlen(c->canonical) && memcmp(out, c->canonical, out_len) == 0,
                  "'%s': formatted '%.*s', expected '%s'", c->in, (int)out_len, out, c->canonical);
        /* The canonical form is a fixed point and strict-valid without deviations. */
        alpn_deviation devs[4];
        alpn_header_result again = {.ext = ext, .ext_cap = sizeof ext, .devs = devs, .devs_cap = 4};
        cr_expect_eq(alpn_header_parse(guard_place_str(out, out_len), out_len, L, &again, NULL), ALPN_OK);
        cr_expect_eq(again.n_devs, 0, "'%s': canonical form has deviations", c->in);
    }
}

/* parse(format(names)) == names for pseudo-random lists of arbitrary octets (fixed seed: reproducible). */
Test(header, names_round_trip)
{
    static uint8_t ext[ALPN_EXT_MAX], back[ALPN_EXT_MAX];
    static char value[3 * ALPN_EXT_MAX];
    uint32_t seed = 0x7639u;
    for (int round = 0; round < 200; round++) {
        size_t pos = 2, names = 0;
        /* Mostly short lists, then a few long ones whose value still fits GUARD_MAX at 3 bytes per octet. */
        size_t target = round < 190 ? 2 + (seed >> 8) % 600 : 44000;
        while (pos - 2 < target) {
            seed = seed * 1103515245u + 12345u;
            size_t n = 1 + (seed >> 16) % 255;
            if (pos - 2 + 1 + n > target) {
                if (pos - 2 + 2 > target)
                    break;
                n = target - (pos - 2) - 1;
            }
            ext[pos++] = (uint8_t)n;
            for (size_t k = 0; k < n; k++) {
                seed = seed * 1103515245u + 12345u;
                /* Bias towards "%", "," and space, the octets the encoding is most about. */
                static const uint8_t special[4] = {'%', ',', ' ', '\t'};
                ext[pos++] = (seed >> 28) == 0 ? special[(seed >> 24) & 3] : (uint8_t)(seed >> 16);
            }
            names++;
        }
        ext[0] = (uint8_t)((pos - 2) >> 8);
        ext[1] = (uint8_t)(pos - 2);
        size_t vlen = 0;
        cr_assert_eq(alpn_header_format(ext, pos, value, sizeof value, &vlen, NULL), ALPN_OK, "round %d", round);
        alpn_header_result res = {.ext = back, .ext_cap = sizeof back};
        alpn_error err = {0};
        int rc = alpn_header_parse(guard_place_str(value, vlen), vlen, S, &res, &err);
        cr_assert_eq(rc, ALPN_OK, "round %d: %s at %zu", round, err.check ? err.check : "-", err.offset);
        cr_expect_eq(res.count, names, "round %d", round);
        cr_expect(res.ext_len == pos && memcmp(back, ext, pos) == 0, "round %d: names changed", round);
    }
}
