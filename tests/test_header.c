/* HTTP ALPN header field (RFC 7639 §2): parse, format, protocol-id encode/decode, round trips. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "alpn.h"
#include "cases.h"
#include "testkit.h"
#include "guard.h"

#define S   ALPN_HDR_STRICT
#define L   ALPN_HDR_LENIENT
#define HDR ALPN_E_HEADER

/* The case files tests/cases/header_*.json name modes and statuses as words. */
static const char *const modes[] = {"strict", "lenient"};
static const alpn_hdr_mode mode_codes[] = {S, L};
static const char *const statuses[] = {"ok", "header_error", "decode_error"};
static const int status_codes[] = {ALPN_OK, HDR, ALPN_DECODE_ERROR};

/* The case's check and offset (required where it expects a failure) against the error the library reported. */
static void expect_case_error(const json_t *c, const alpn_error *err)
{
    const char *check = case_text(c, "check", NULL);
    cr_assert_not_null(check, "%s: a failure names its check", case_name(c));
    tk_expect_error_at(case_name(c), err, check, (size_t)case_int(c, "offset", -1));
}

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

/* tests/cases/header_parse.json: a field value (in), its mode, the status, and on success the extension_data it
 * decodes to (ext), else the check and offset; devs the deviations listed (none when absent). In order: RFC 7639 §2
 * examples and plain lists; the %25 rule ("%" must be encoded, and %25 is not over-encoding: RFC 7639 §2); octets
 * that are not tchar, via %HH (NUL is data); HDR-LIST, strict: empty elements and no names (RFC 9110 §5.6.1, RFC 7639
 * §2 1#); HDR-TOKEN: raw characters outside tchar (RFC 9110 §5.6.2); HDR-PCT-UPPER (RFC 7639 §2: upper-case hex);
 * HDR-PCT-NOT-TCHAR (RFC 7639 §2: a tchar other than "%" is never encoded); HDR-PCT-TRUNCATED (RFC 3986 §2.1: "%"
 * HEXDIG HEXDIG); lenient: the three accepted deviations, each listed; lenient still rejecting the rest, with the
 * deviations seen before the failure listed. */
static void check_parse(const json_t *c)
{
    uint8_t ext[ALPN_EXT_MAX];
    uint8_t want[512];
    char in[256], got_devs[512];
    alpn_deviation devs[16];
    const char *name = case_name(c), *want_devs = case_text(c, "devs", NULL);
    size_t len = case_bytes(c, "in", (uint8_t *)in, sizeof in);
    cr_assert_neq(len, (size_t)-1, "%s: no input", name);
    int status = CASE_CODE(c, "status", statuses, status_codes);
    alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext, .devs = devs, .devs_cap = 16};
    alpn_error err = {0};
    int rc = alpn_header_parse(guard_place_str(in, len), len, CASE_CODE(c, "mode", modes, mode_codes), &res, &err);

    cr_expect_eq(rc, status, "%s: status %#x, expected %#x (%s at %zu)", name, rc, status, err.check ? err.check : "-",
                 err.offset);
    if (rc != status)
        return;
    if (status == ALPN_OK) {
        size_t n = case_hex(c, "ext", want, sizeof want);
        cr_expect_eq(res.ext_len, n, "%s: ext_len %zu, expected %zu", name, res.ext_len, n);
        cr_expect(res.ext_len == n && memcmp(ext, want, n) == 0, "%s: decoded names differ", name);
        size_t count = 0;
        cr_expect_eq(alpn_list_validate(ext, res.ext_len, ALPN_ROLE_CLIENT, &count, NULL), ALPN_OK, "%s", name);
        cr_expect_eq(res.count, count, "%s: count %zu, list holds %zu", name, res.count, count);
    } else {
        expect_case_error(c, &err);
        cr_expect_eq(err.status, status, "%s: err.status", name);
        cr_expect_not_null(err.detail, "%s: detail", name);
    }
    devs_string(&res, got_devs, sizeof got_devs);
    if (want_devs == NULL)
        want_devs = "";
    cr_expect_str_eq(got_devs, want_devs, "%s: deviations '%s', expected '%s'", name, got_devs, want_devs);
}

Test(header, parse_table)
{
    cases_run("header_parse", check_parse);
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

/* tests/cases/header_length.json: one element of a number of octets, raw ('a') or escaped ("%00"), after a prefix;
 * 255 is the longest name (RFC 7301 §3.1), in both modes. */
static const char *const spellings[] = {"escaped", "raw"};
static const int spelled_raw[] = {0, 1};

static void check_length(const json_t *c)
{
    char v[4096];
    uint8_t ext[600];
    const char *name = case_name(c), *prefix = case_text(c, "prefix", NULL);
    int raw = CASE_CODE(c, "spelled", spellings, spelled_raw), status = CASE_CODE(c, "status", statuses, status_codes);
    long long octets = case_int(c, "octets", -1);
    cr_assert(prefix != NULL && strlen(prefix) < 16 && octets > 0 && octets <= 300,
              "%s: a prefix (under 16 bytes) and 1..300 octets", name);
    size_t len = long_name(v, prefix, (size_t)octets, raw);
    for (int mode = S; mode <= L; mode++) {
        alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext};
        alpn_error err = {0};
        int rc = alpn_header_parse(guard_place_str(v, len), len, (alpn_hdr_mode)mode, &res, &err);
        cr_expect_eq(rc, status, "%s, mode %d: status %#x", name, mode, rc);
        if (status == ALPN_OK) {
            size_t off = strlen(prefix) ? 3 : 0; /* skip "h2" */
            cr_expect_eq(ext[2 + off], 255, "%s: name length byte", name);
            cr_expect_eq(ext[3 + off], raw ? 'a' : 0, "%s: first octet", name);
        } else {
            expect_case_error(c, &err);
        }
    }
}

Test(header, name_length_255_vs_256)
{
    cases_run("header_length", check_length);
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

/* tests/cases/header_format.json: extension_data (ext, hex), the status, and the field value it formats to (out) or
 * the check it fails. */
static void check_format(const json_t *c)
{
    uint8_t ext[64];
    char out[128];
    const char *name = case_name(c);
    int status = CASE_CODE(c, "status", statuses, status_codes);
    size_t len = case_hex(c, "ext", ext, sizeof ext), out_len = 0;
    alpn_error err = {0};
    int rc = alpn_header_format(guard_place(ext, len), len, out, sizeof out, &out_len, &err);
    cr_expect_eq(rc, status, "%s: status %#x", name, rc);
    if (status == ALPN_OK) {
        const char *want = case_text(c, "out", NULL);
        cr_assert_not_null(want, "%s: a success gives its value", name);
        cr_expect(out_len == strlen(want) && memcmp(out, want, out_len) == 0, "%s: '%.*s', expected '%s'", name,
                  (int)out_len, out, want);
    } else {
        const char *check = case_text(c, "check", NULL);
        cr_assert_not_null(check, "%s: a failure names its check", name);
        cr_expect_str_eq(err.check, check, "%s: check %s", name, err.check);
    }
}

Test(header, format_table)
{
    cases_run("header_format", check_format);
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

/* tests/cases/header_pid.json: one protocol-id (in), its mode, the status, and the octets it decodes to (want, hex)
 * or the check and offset. */
static void check_pid(const json_t *c)
{
    uint8_t out[300], want[300];
    char in[256];
    const char *name = case_name(c);
    size_t len = case_bytes(c, "in", (uint8_t *)in, sizeof in), out_len = 0;
    cr_assert_neq(len, (size_t)-1, "%s: no input", name);
    int status = CASE_CODE(c, "status", statuses, status_codes);
    alpn_hdr_mode mode = CASE_CODE(c, "mode", modes, mode_codes);
    alpn_error err = {0};
    int rc = alpn_pid_decode(guard_place_str(in, len), len, mode, out, sizeof out, &out_len, &err);
    cr_expect_eq(rc, status, "%s: status %#x", name, rc);
    if (rc != status)
        return;
    if (rc == ALPN_OK) {
        size_t n = case_hex(c, "want", want, sizeof want);
        cr_expect(out_len == n && memcmp(out, want, n) == 0, "%s: decoded bytes differ", name);
    } else {
        expect_case_error(c, &err);
    }
}

Test(header, pid_decode_table)
{
    cases_run("header_pid", check_pid);
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

/* tests/cases/header_canonical.json: a field value (in), its mode, and its canonical form. */
static void check_canonical(const json_t *c)
{
    uint8_t ext[256];
    char out[256];
    const char *in = case_text(c, "in", NULL), *canonical = case_text(c, "canonical", NULL);
    cr_assert(in != NULL && canonical != NULL, "%s: in and canonical", case_name(c));
    alpn_hdr_mode mode = CASE_CODE(c, "mode", modes, mode_codes);
    size_t len = strlen(in), out_len = 0;
    alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext};
    cr_assert_eq(alpn_header_parse(guard_place_str(in, len), len, mode, &res, NULL), ALPN_OK, "'%s'", in);
    cr_assert_eq(alpn_header_format(ext, res.ext_len, out, sizeof out, &out_len, NULL), ALPN_OK, "'%s'", in);
    cr_expect(out_len == strlen(canonical) && memcmp(out, canonical, out_len) == 0,
              "'%s': formatted '%.*s', expected '%s'", in, (int)out_len, out, canonical);
    /* The canonical form is a fixed point and strict-valid without deviations. */
    alpn_deviation devs[4];
    alpn_header_result again = {.ext = ext, .ext_cap = sizeof ext, .devs = devs, .devs_cap = 4};
    cr_expect_eq(alpn_header_parse(guard_place_str(out, out_len), out_len, L, &again, NULL), ALPN_OK);
    cr_expect_eq(again.n_devs, 0, "'%s': canonical form has deviations", in);
}

Test(header, canonical_round_trip)
{
    cases_run("header_canonical", check_canonical);
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
