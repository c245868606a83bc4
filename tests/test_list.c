/* ProtocolNameList codec: validation in both roles, iteration, encoding. */
#include <criterion/criterion.h>
#include <string.h>

#include "alpn.h"
#include "testkit.h"
#include "guard.h"

struct validate_case {
    const char *name;
    alpn_role role;
    const char *hex;
    int status;
    size_t count;      /* names, when status is ALPN_OK */
    const char *check; /* failing check ID, when not */
    size_t offset;
};

static const struct validate_case validate_cases[] = {
    /* name                     role              input hex                    status          n  check  off */
    {"h2", ALPN_ROLE_CLIENT, "0003 026832", ALPN_OK, 1, NULL, 0},
    {"h2 http/1.1", ALPN_ROLE_CLIENT, "000c 026832 08687474702f312e31", ALPN_OK, 2, NULL, 0},
    {"one-byte name", ALPN_ROLE_CLIENT, "0002 0161", ALPN_OK, 1, NULL, 0},
    {"NUL is a name byte", ALPN_ROLE_CLIENT, "0004 03680078", ALPN_OK, 1, NULL, 0},
    {"single NUL name", ALPN_ROLE_CLIENT, "0002 0100", ALPN_OK, 1, NULL, 0},
    {"duplicates allowed", ALPN_ROLE_CLIENT, "0006 026832 026832", ALPN_OK, 2, NULL, 0},
    {"empty ext", ALPN_ROLE_CLIENT, "", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-EMPTY-EXT", 0},
    {"one byte", ALPN_ROLE_CLIENT, "00", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-ONE-BYTE", 0},
    {"empty list", ALPN_ROLE_CLIENT, "0000", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-EMPTY-LIST", 0},
    {"empty list + bytes", ALPN_ROLE_CLIENT, "0000 026832", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-EMPTY-LIST", 0},
    {"empty name", ALPN_ROLE_CLIENT, "0001 00", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-EMPTY-NAME", 2},
    {"empty name later", ALPN_ROLE_CLIENT, "0004 026832 00", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-EMPTY-NAME-LATER", 5},
    {"list long", ALPN_ROLE_CLIENT, "0004 026832", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-LIST-LONG", 0},
    {"list long by far", ALPN_ROLE_CLIENT, "ffff 026832", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-LIST-LONG", 0},
    {"list short", ALPN_ROLE_CLIENT, "0003 026832 026832", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-LIST-SHORT", 5},
    {"one trailing byte", ALPN_ROLE_CLIENT, "0003 026832 00", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-LIST-SHORT", 5},
    {"name overrun", ALPN_ROLE_CLIENT, "0003 036832", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-NAME-OVERRUN", 2},
    {"last name overrun", ALPN_ROLE_CLIENT, "0006 026832 056869", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-NAME-OVERRUN",
     5},
    {"name short misaligns", ALPN_ROLE_CLIENT, "000c 026832 07687474702f312e31", ALPN_DECODE_ERROR, 0,
     "SRV-MALFORMED-NAME-OVERRUN", 13},
    {"list of 1 byte", ALPN_ROLE_CLIENT, "0001 05", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-NAME-OVERRUN", 2},
    {"garbage after match", ALPN_ROLE_CLIENT, "0005 026832 ff00", ALPN_DECODE_ERROR, 0, "SRV-MALFORMED-NAME-OVERRUN",
     5},
    /* Server role: exactly one name (RFC 7301 §3.1). */
    {"srv h2", ALPN_ROLE_SERVER, "0003 026832", ALPN_OK, 1, NULL, 0},
    {"srv two names", ALPN_ROLE_SERVER, "0006 026832 026833", ALPN_DECODE_ERROR, 0, "CLI-REJECT-MULTIPLE", 5},
    {"srv empty ext", ALPN_ROLE_SERVER, "", ALPN_DECODE_ERROR, 0, "CLI-REJECT-MALFORMED", 0},
    {"srv one byte", ALPN_ROLE_SERVER, "00", ALPN_DECODE_ERROR, 0, "CLI-REJECT-MALFORMED", 0},
    {"srv empty list", ALPN_ROLE_SERVER, "0000", ALPN_DECODE_ERROR, 0, "CLI-REJECT-EMPTY-LIST", 0},
    {"srv empty name", ALPN_ROLE_SERVER, "0001 00", ALPN_DECODE_ERROR, 0, "CLI-REJECT-EMPTY-NAME", 2},
    {"srv empty 2nd name", ALPN_ROLE_SERVER, "0004 026832 00", ALPN_DECODE_ERROR, 0, "CLI-REJECT-EMPTY-NAME", 5},
    {"srv trailing", ALPN_ROLE_SERVER, "0003 026832 00", ALPN_DECODE_ERROR, 0, "CLI-REJECT-MALFORMED", 5},
    {"srv list long", ALPN_ROLE_SERVER, "0009 026832", ALPN_DECODE_ERROR, 0, "CLI-REJECT-MALFORMED", 0},
    {"srv overrun", ALPN_ROLE_SERVER, "0003 096832", ALPN_DECODE_ERROR, 0, "CLI-REJECT-MALFORMED", 2},
    /* Malformed beats multiple: the whole list is walked before the name count is judged. */
    {"srv second name overruns", ALPN_ROLE_SERVER, "0006 026832 036833", ALPN_DECODE_ERROR, 0,
     "CLI-REJECT-MALFORMED", 5},
    {"srv three names, third empty", ALPN_ROLE_SERVER, "0007 026832 026833 00", ALPN_DECODE_ERROR, 0,
     "CLI-REJECT-EMPTY-NAME", 8},
    {"srv three names", ALPN_ROLE_SERVER, "0009 026832 026833 026834", ALPN_DECODE_ERROR, 0, "CLI-REJECT-MULTIPLE",
     5},
};

Test(list, validate_table)
{
    uint8_t buf[256];
    for (size_t i = 0; i < sizeof validate_cases / sizeof validate_cases[0]; i++) {
        const struct validate_case *c = &validate_cases[i];
        size_t len = guard_hex(c->hex, buf, sizeof buf);
        cr_assert_neq(len, (size_t)-1, "bad hex in case %s", c->name);
        const uint8_t *in = guard_place(buf, len);
        size_t count = 999;
        alpn_error err = {0};
        int rc = alpn_list_validate(in, len, c->role, &count, &err);
        cr_expect_eq(rc, c->status, "%s: status %d, expected %d", c->name, rc, c->status);
        if (c->status == ALPN_OK) {
            cr_expect_eq(count, c->count, "%s: count %zu, expected %zu", c->name, count, c->count);
        } else {
            tk_expect_error_at(c->name, &err, c->check, c->offset);
            cr_expect_eq(err.status, c->status, "%s: err.status", c->name);
            cr_expect_not_null(err.detail, "%s: detail", c->name);
        }
    }
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

Test(list, iterate_malformed_stops_without_overread)
{
    static const char *inputs[] = {"", "00", "0000", "0001 00", "0009 026832", "0005 026832 09", "0003 036832"};
    static const size_t yields[] = {0, 0, 0, 0, 1, 1, 0};
    uint8_t buf[32];
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        size_t len = guard_hex(inputs[i], buf, sizeof buf);
        alpn_iter it;
        alpn_name n;
        size_t got = 0;
        alpn_iter_init(&it, guard_place(buf, len), len);
        while (alpn_iter_next(&it, &n))
            got++;
        cr_expect_eq(got, yields[i], "input %s: %zu names, expected %zu", inputs[i], got, yields[i]);
    }
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

/* The one alert-name table (RFC 8446 §6, RFC 5246 §7.2, RFC 7301 §3.2): a code from each part of the range, the
 * alerts the checks expect, and codes with no name. */
Test(status, alert_names)
{
    static const struct {
        int code;
        const char *name;
    } cases[] = {
        {0, "close_notify"},          {10, "unexpected_message"},     {40, "handshake_failure"},
        {47, "illegal_parameter"},    {50, "decode_error"},           {70, "protocol_version"},
        {80, "internal_error"},       {110, "unsupported_extension"}, {116, "certificate_required"},
        {120, "no_application_protocol"}, {1, "unknown alert"},       {121, "unknown alert"},
        {-1, "unknown alert"},        {256, "unknown alert"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_str_eq(alpn_alert_name(cases[i].code), cases[i].name, "alert %d", cases[i].code);
}
