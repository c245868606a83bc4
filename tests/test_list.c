/* ProtocolNameList codec: validation in both roles, iteration, encoding. */
#include <criterion/criterion.h>
#include <limits.h>
#include <string.h>

#include "alpn.h"
#include "cases.h"
#include "testkit.h"
#include "guard.h"

/* tests/cases/list_validate.json: extension_data (list, hex) judged in a role, the status, and on success the
 * number of names, else the check and offset. The client role first, then the server role: exactly one name
 * (RFC 7301 §3.1); last, malformed beats multiple: the whole list is walked before the name count is judged. */
static const char *const roles[] = {"client", "server"};
static const alpn_role role_codes[] = {ALPN_ROLE_CLIENT, ALPN_ROLE_SERVER};
static const char *const statuses[] = {"ok", "decode_error"};
static const int status_codes[] = {ALPN_OK, ALPN_DECODE_ERROR};

static void check_validate(const json_t *c)
{
    uint8_t buf[256];
    const char *name = case_name(c);
    size_t len = case_hex(c, "list", buf, sizeof buf);
    alpn_role role = CASE_CODE(c, "role", roles, role_codes);
    int status = CASE_CODE(c, "status", statuses, status_codes);
    size_t count = 999;
    alpn_error err = {0};
    int rc = alpn_list_validate(guard_place(buf, len), len, role, &count, &err);
    cr_expect_eq(rc, status, "%s: status %d, expected %d", name, rc, status);
    if (status == ALPN_OK) {
        long long want = case_int(c, "count", -1);
        cr_expect_eq(count, (size_t)want, "%s: count %zu, expected %lld", name, count, want);
    } else {
        const char *check = case_text(c, "check", NULL);
        cr_assert_not_null(check, "%s: a failure names its check", name);
        tk_expect_error_at(name, &err, check, (size_t)case_int(c, "offset", -1));
        cr_expect_eq(err.status, status, "%s: err.status", name);
        cr_expect_not_null(err.detail, "%s: detail", name);
    }
}

Test(list, validate_table)
{
    cases_run("list_validate", check_validate);
}

Test(list, validate_null_and_optional_outputs)
{
    alpn_error err = {0};
    cr_expect_eq(alpn_list_validate(NULL, 3, ALPN_ROLE_CLIENT, NULL, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_list_validate(NULL, 0, ALPN_ROLE_CLIENT, NULL, NULL), ALPN_DECODE_ERROR);
    const uint8_t ok[] = {0, 3, 2, 'h', '2'};
    cr_expect_eq(alpn_list_validate(guard_place(ok, sizeof ok), sizeof ok, ALPN_ROLE_CLIENT, NULL, NULL), ALPN_OK);
}

Test(list, every_truncation_of_a_valid_list_is_rejected)
{
    uint8_t buf[64];
    size_t len = guard_hex("0011 026832 08687474702f312e31 0461636d65", buf, sizeof buf);
    cr_assert_eq(len, 19);
    cr_assert_eq(alpn_list_validate(guard_place(buf, len), len, ALPN_ROLE_CLIENT, NULL, NULL), ALPN_OK);
    for (size_t cut = 0; cut < len; cut++) {
        int rc = alpn_list_validate(guard_place(buf, cut), cut, ALPN_ROLE_CLIENT, NULL, NULL);
        cr_expect_eq(rc, ALPN_DECODE_ERROR, "truncated to %zu bytes: status %d", cut, rc);
    }
}

Test(list, boundary_lengths)
{
    static uint8_t big[ALPN_EXT_MAX + 1];
    /* A 255-byte name is the longest allowed: list_len = 256 = 0x0100. */
    big[0] = 1;
    big[1] = 0;
    big[2] = 255;
    memset(big + 3, 'a', 255);
    size_t count = 0;
    cr_expect_eq(alpn_list_validate(guard_place(big, 258), 258, ALPN_ROLE_CLIENT, &count, NULL), ALPN_OK);
    cr_expect_eq(count, 1);

    /* The largest list: 65535 bytes = 257 names of 255 bytes (256 bytes each = 65792 > 65535), so build it from
     * 255 names of 256 bytes (65280) + one name of 254 bytes (255) = 65535. */
    size_t pos = 2, names = 0;
    big[0] = 0xff;
    big[1] = 0xff;
    while (pos < 2 + 65280) {
        big[pos] = 255;
        memset(big + pos + 1, 'x', 255);
        pos += 256;
        names++;
    }
    big[pos] = 254;
    memset(big + pos + 1, 'y', 254);
    pos += 255;
    names++;
    cr_assert_eq(pos, ALPN_EXT_MAX);
    cr_expect_eq(alpn_list_validate(guard_place(big, pos), pos, ALPN_ROLE_CLIENT, &count, NULL), ALPN_OK);
    cr_expect_eq(count, names);
    /* One byte more cannot be a valid ProtocolNameList: the length field cannot say 65536. */
    big[pos] = 0;
    alpn_error err;
    cr_expect_eq(alpn_list_validate(guard_place(big, pos + 1), pos + 1, ALPN_ROLE_CLIENT, NULL, &err),
                 ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SRV-MALFORMED-LIST-SHORT");
    cr_expect_eq(err.offset, ALPN_EXT_MAX);
}

Test(list, iterate)
{
    uint8_t buf[64];
    size_t len = guard_hex("000f 026832 0100 08687474702f312e31", buf, sizeof buf);
    const uint8_t *in = guard_place(buf, len);
    alpn_iter it;
    alpn_name n;
    alpn_iter_init(&it, in, len);
    cr_assert(alpn_iter_next(&it, &n));
    cr_expect(n.len == 2 && memcmp(n.data, "h2", 2) == 0);
    cr_assert(alpn_iter_next(&it, &n));
    cr_expect(n.len == 1 && n.data[0] == 0);
    cr_assert(alpn_iter_next(&it, &n));
    cr_expect(n.len == 8 && memcmp(n.data, "http/1.1", 8) == 0);
    cr_expect_not(alpn_iter_next(&it, &n));
    cr_expect_not(alpn_iter_next(&it, &n), "stays at the end");
}

/* tests/cases/list_iterate.json: a malformed list (hex) and how many names the iterator yields before it stops. */
static void check_iterate(const json_t *c)
{
    uint8_t buf[32];
    size_t len = case_hex(c, "list", buf, sizeof buf), got = 0;
    long long yields = case_int(c, "yields", -1);
    alpn_iter it;
    alpn_name n;
    alpn_iter_init(&it, guard_place(buf, len), len);
    while (alpn_iter_next(&it, &n))
        got++;
    cr_expect_eq(got, (size_t)yields, "%s: %zu names, expected %lld", case_name(c), got, yields);
}

Test(list, iterate_malformed_stops_without_overread)
{
    cases_run("list_iterate", check_iterate);
    alpn_iter it;
    alpn_name n;
    alpn_iter_init(&it, NULL, 0);
    cr_expect_not(alpn_iter_next(&it, &n));
}

Test(list, encode)
{
    alpn_name names[] = {{(const uint8_t *)"h2", 2}, {(const uint8_t *)"http/1.1", 8}, {(const uint8_t *)"\0", 1}};
    uint8_t out[32], want[32];
    size_t out_len = 0, want_len = guard_hex("000e 026832 08687474702f312e31 0100", want, sizeof want);
    cr_assert_eq(alpn_list_encode(names, 3, out, sizeof out, &out_len, NULL), ALPN_OK);
    cr_assert_eq(out_len, want_len);
    cr_expect_arr_eq(out, want, want_len);

    /* Too small: nothing written past the capacity, the needed size reported. */
    alpn_error err;
    out_len = 0;
    cr_expect_eq(alpn_list_encode(names, 3, out, 15, &out_len, &err), ALPN_E_BUFFER);
    cr_expect_eq(out_len, 16);
    cr_expect_eq(alpn_list_encode(names, 3, NULL, 0, &out_len, NULL), ALPN_E_BUFFER);
    cr_expect_eq(out_len, 16);
}

Test(list, encode_refusals)
{
    static uint8_t long_name[256];
    memset(long_name, 'z', sizeof long_name);
    uint8_t out[512];
    size_t out_len;
    alpn_error err;
    struct {
        alpn_name names[2];
        size_t n;
        int status;
        size_t index;
    } cases[] = {
        {{{(const uint8_t *)"h2", 2}}, 0, ALPN_E_ARGUMENT, 0},
        {{{(const uint8_t *)"", 0}}, 1, ALPN_E_ARGUMENT, 0},
        {{{(const uint8_t *)"h2", 2}, {NULL, 2}}, 2, ALPN_E_ARGUMENT, 1},
        {{{(const uint8_t *)"h2", 2}, {long_name, 256}}, 2, ALPN_E_ARGUMENT, 1},
        {{{long_name, 255}}, 1, ALPN_OK, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = alpn_list_encode(cases[i].names, cases[i].n, out, sizeof out, &out_len, &err);
        cr_expect_eq(rc, cases[i].status, "case %zu: %d", i, rc);
        if (rc != ALPN_OK) {
            cr_expect_eq(err.offset, cases[i].index, "case %zu: index", i);
            cr_expect_str_eq(err.check, "CLI-OFFER-WELLFORMED");
        }
    }
    cr_expect_eq(alpn_list_encode(NULL, 1, out, sizeof out, &out_len, NULL), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_list_encode(cases[0].names, 1, out, sizeof out, NULL, NULL), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_list_encode(cases[0].names, 1, NULL, 4, &out_len, NULL), ALPN_E_ARGUMENT);
}

Test(list, encode_list_limit)
{
    /* Names of 255 bytes take 256 list bytes each: the 256th (index 255) brings the list to 65536, one over. */
    static uint8_t name[255];
    static alpn_name names[257];
    static uint8_t out[ALPN_EXT_MAX];
    memset(name, 'n', sizeof name);
    for (size_t i = 0; i < 257; i++)
        names[i] = (alpn_name){name, 255};
    size_t out_len;
    alpn_error err;
    cr_expect_eq(alpn_list_encode(names, 257, out, sizeof out, &out_len, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(err.offset, 255);
    /* 255 × 256 = 65280, + a 254-byte name (255) = 65535: exactly the maximum. */
    names[255] = (alpn_name){name, 254};
    cr_expect_eq(alpn_list_encode(names, 256, out, sizeof out, &out_len, &err), ALPN_OK);
    cr_expect_eq(out_len, ALPN_EXT_MAX);
    size_t count;
    cr_expect_eq(alpn_list_validate(out, out_len, ALPN_ROLE_CLIENT, &count, NULL), ALPN_OK);
    cr_expect_eq(count, 256);
}

Test(status, strerror_names_alerts)
{
    static const struct {
        int status;
        const char *text;
    } cases[] = {
        {ALPN_OK, "ok"},
        {ALPN_ILLEGAL_PARAMETER, "illegal_parameter"},
        {ALPN_DECODE_ERROR, "decode_error"},
        {ALPN_UNSUPPORTED_EXTENSION, "unsupported_extension"},
        {ALPN_NO_APPLICATION_PROTOCOL, "no_application_protocol"},
        {ALPN_E_BUFFER, "output buffer too small"},
        {ALPN_E_ARGUMENT, "invalid argument"},
        {ALPN_E_HEADER, "ALPN header syntax error"},
        {12345, "unknown status"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_str_eq(alpn_strerror(cases[i].status), cases[i].text);
}

/* The one alert-name table (RFC 8446 §6, RFC 5246 §7.2, RFC 7301 §3.2): tests/cases/alert_names.json holds a code
 * from each part of the range, the alerts the checks expect, and codes with no name. */
static void check_alert_name(const json_t *c)
{
    const char *want = case_text(c, "alert", NULL);
    cr_assert_not_null(want, "%s: no alert name", case_name(c));
    long long code = case_int(c, "code", LLONG_MIN); /* absent: out of range below */
    cr_assert(code >= INT_MIN && code <= INT_MAX, "%s: code %lld", case_name(c), code);
    cr_expect_str_eq(alpn_alert_name((int)code), want, "alert %lld", code);
}

Test(status, alert_names)
{
    cases_run("alert_names", check_alert_name);
}

/* An alert's level as a peer sent it: the two defined ones by name, any other byte (0, 3, 255) undefined, never
 * "fatal" or "warning" by default. */
Test(status, alert_level_names)
{
    cr_expect_str_eq(alpn_alert_level_name(1), "warning");
    cr_expect_str_eq(alpn_alert_level_name(2), "fatal");
    const int other[] = {0, 3, 255, -1};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        cr_expect_str_eq(alpn_alert_level_name(other[i]), "undefined-level", "level %d", other[i]);
}
