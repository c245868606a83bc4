/* The shared hex codec (harness/common/hex.h): decoding in its three dialects, encoding, the \xNN escape. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "hex.h"
#include "testkit.h"

struct decode_case {
    const char *name;
    const char *in;
    unsigned flags;
    size_t cap;
    long rc;          /* byte count, or a HEX_* failure */
    const char *want; /* the bytes, as a C string, when rc >= 0 */
    size_t bad_at;    /* when rc < 0 */
};

#define L  HEX_LOOSE
#define LO HEX_LOWER_ONLY

static const struct decode_case decode_cases[] = {
    /* name                       input            flags cap rc            bytes          bad_at */
    {"empty", "", 0, 8, 0, "", 0},
    {"lower", "6832", 0, 8, 2, "h2", 0},
    {"upper", "4A4b", 0, 8, 2, "JK", 0},
    {"exact cap", "6832", 0, 2, 2, "h2", 0},
    {"one over cap", "683233", 0, 2, HEX_TOO_LONG, NULL, 2},
    {"odd, strict: by length first", "6Z8", 0, 8, HEX_ODD, NULL, 2},
    {"not hex at 2", "68zz", 0, 8, HEX_NOT_HEX, NULL, 2},
    {"not hex at 1", "6g", 0, 8, HEX_NOT_HEX, NULL, 1},
    {"space is not a digit strictly", "68 32", 0, 8, HEX_ODD, NULL, 4},
    {"space strictly, even length", "68 320", 0, 8, HEX_NOT_HEX, NULL, 2},
    {"0x strictly", "0x6832", 0, 8, HEX_NOT_HEX, NULL, 1},
    {"lower only: upper refused", "68AA", LO, 8, HEX_NOT_HEX, NULL, 2},
    {"lower only: lower", "68aa", LO, 8, 2, "h\xaa", 0},
    {"loose: separators", " 68:32\t\r\n", L, 8, 2, "h2", 0},
    {"loose: 0x", "0x6832", L, 8, 2, "h2", 0},
    {"loose: 0X", "0X6832", L, 8, 2, "h2", 0},
    {"loose: 0x only at the start", "680x32", L, 8, HEX_NOT_HEX, NULL, 3},
    {"loose: odd names the last digit", "68 3 ", L, 8, HEX_ODD, NULL, 3},
    {"loose: a pair across a separator", "6 8", L, 8, 1, "h", 0},
    {"loose: too long reports cap", "00 00 00", L, 2, HEX_TOO_LONG, NULL, 2},
    {"loose: bad digit after separators", "00 zz", L, 8, HEX_NOT_HEX, NULL, 3},
};

Test(hex, decode_table)
{
    for (size_t i = 0; i < sizeof decode_cases / sizeof decode_cases[0]; i++) {
        const struct decode_case *c = &decode_cases[i];
        size_t len = strlen(c->in), bad_at = 12345;
        uint8_t out[16];
        /* The input ends right before an unreadable page: the decoder must not look one byte further. */
        long rc = hex_decode(guard_place_str(c->in, len), len, c->flags, out, c->cap, &bad_at);
        cr_assert_eq(rc, c->rc, "%s: rc %ld, want %ld", c->name, rc, c->rc);
        if (rc >= 0)
            cr_assert_eq(memcmp(out, c->want, (size_t)rc), 0, "%s: wrong bytes", c->name);
        else
            cr_assert_eq(bad_at, c->bad_at, "%s: bad_at %zu, want %zu", c->name, bad_at, c->bad_at);
    }
}

Test(hex, decode_without_bad_at)
{
    uint8_t out[4];
    cr_assert_eq(hex_decode("zz", 2, 0, out, sizeof out, NULL), HEX_NOT_HEX);
}

Test(hex, every_byte_round_trips_in_both_cases)
{
    uint8_t all[256], back[256];
    char text[2 * 256 + 1];
    for (size_t i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    cr_assert_eq(hex_encode(all, 256, text), 512);
    cr_assert_eq(text[512], '\0');
    cr_assert_eq(strncmp(text, "000102", 6), 0);
    cr_assert_str_eq(text + 500, "fafbfcfdfeff");
    cr_assert_eq(hex_decode(text, 512, HEX_LOWER_ONLY, back, sizeof back, NULL), 256);
    cr_assert_eq(memcmp(all, back, 256), 0);
    cr_assert_eq(hex_encode_upper(all, 256, text), 512);
    cr_assert_str_eq(text + 500, "FAFBFCFDFEFF");
    cr_assert_eq(hex_decode(text, 512, HEX_LOWER_ONLY, back, sizeof back, NULL), HEX_NOT_HEX);
    cr_assert_eq(hex_decode(text, 512, 0, back, sizeof back, NULL), 256);
    cr_assert_eq(memcmp(all, back, 256), 0);
}

Test(hex, encode_nothing)
{
    char text[1] = {'x'};
    cr_assert_eq(hex_encode(NULL, 0, text), 0);
    cr_assert_eq(text[0], '\0');
}

Test(hex, digit)
{
    const char *digits = "0123456789abcdefABCDEF";
    const int values[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 10, 11, 12, 13, 14, 15};
    for (size_t i = 0; digits[i]; i++)
        cr_assert_eq(hex_digit(digits[i]), values[i], "'%c'", digits[i]);
    for (int c = 0; c < 256; c++)
        if (strchr(digits, c) == NULL || c == 0)
            cr_assert_eq(hex_digit(c), -1, "0x%02x is not a digit", c);
}

Test(hex, escape)
{
    char out[5];
    cr_assert_eq(hex_escape(0x00, out), 4);
    cr_assert_str_eq(out, "\\x00");
    hex_escape(0xAB, out);
    cr_assert_str_eq(out, "\\xab");
}

/* Over a write larger than its internal chunk, the output is the encoding of every byte in order. */
Test(hex, fprint_long_input)
{
    uint8_t in[1000];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)(i * 7);
    char want[2 * sizeof in + 1];
    hex_encode(in, sizeof in, want);
    tk_capture c;
    cr_assert_eq(hex_fprint(tk_capture_open(&c), in, sizeof in), 0);
    char *buf = tk_capture_take(&c);
    cr_assert_eq(c.len, 2 * sizeof in);
    cr_assert_str_eq(buf, want);
    free(buf);
}
