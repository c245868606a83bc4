#include "hex.h"

static const char LOWER[] = "0123456789abcdef";
static const char UPPER[] = "0123456789ABCDEF";

int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static size_t encode(const uint8_t *p, size_t len, char *out, const char *digits)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * len] = '\0';
    return 2 * len;
}

size_t hex_encode(const void *p, size_t len, char *out)
{
    return encode(p, len, out, LOWER);
}

size_t hex_encode_upper(const void *p, size_t len, char *out)
{
    return encode(p, len, out, UPPER);
}

int hex_fprint(FILE *f, const void *p, size_t len)
{
    const uint8_t *b = p;
    char chunk[2 * 256 + 1]; /* a few hundred bytes a write, not one fprintf per byte */
    for (size_t i = 0; i < len; i += 256) {
        size_t n = len - i < 256 ? len - i : 256;
        if (fwrite(chunk, 1, encode(b + i, n, chunk, LOWER), f) != 2 * n)
            return -1;
    }
    return 0;
}

size_t hex_escape(uint8_t b, char out[5])
{
    out[0] = '\\';
    out[1] = 'x';
    encode(&b, 1, out + 2, LOWER);
    return 4;
}

static int is_skipped(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':';
}

static int fail(int why, size_t at, size_t *bad_at)
{
    if (bad_at != NULL)
        *bad_at = at;
    return why;
}

long hex_decode(const char *s, size_t len, unsigned flags, uint8_t *out, size_t cap, size_t *bad_at)
{
    int loose = (flags & HEX_LOOSE) != 0, lower_only = (flags & HEX_LOWER_ONLY) != 0;
    size_t i = 0, n = 0, last_digit = 0;
    int hi = -1;
    if (!loose && len % 2 != 0)
        return fail(HEX_ODD, len - 1, bad_at);
    if (loose && len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    for (; i < len; i++) {
        if (loose && is_skipped(s[i]))
            continue;
        int v = hex_digit((unsigned char)s[i]);
        if (v < 0 || (lower_only && s[i] >= 'A' && s[i] <= 'F'))
            return fail(HEX_NOT_HEX, i, bad_at);
        if (hi < 0) {
            hi = v;
            last_digit = i;
            continue;
        }
        if (n >= cap)
            return fail(HEX_TOO_LONG, cap, bad_at);
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    if (hi >= 0)
        return fail(HEX_ODD, last_digit, bad_at);
    return (long)n;
}
