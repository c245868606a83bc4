/*
 * The one hex codec of the harness, the tests and the vector generator: bytes to hex digits, hex digits back to
 * bytes with the offset of the first offending character, and the "\xNN" form in which every escaper shows a byte
 * it does not print as is. No allocation; only hex_fprint does I/O.
 */
#ifndef ALPN_HEX_H
#define ALPN_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The value of one hex digit (0-9, a-f, A-F), or -1. */
int hex_digit(int c);

/* Writes 2 * len lower-case (hex_encode) or upper-case (hex_encode_upper) digits and a NUL into out, which holds
 * 2 * len + 1 bytes. Returns 2 * len. */
size_t hex_encode(const void *p, size_t len, char *out);
size_t hex_encode_upper(const void *p, size_t len, char *out);

/* Writes len bytes to f as lower-case hex digits without separators. Returns 0, or -1 when writing failed. */
int hex_fprint(FILE *f, const void *p, size_t len);

/* Writes "\xNN" (lower-case digits) and a NUL into out. Returns 4. */
size_t hex_escape(uint8_t b, char out[5]);

/* hex_decode flags. HEX_LOOSE: text a person typed or pasted, where whitespace and ':' between digits and a leading
 * "0x" are skipped. HEX_LOWER_ONLY: canonical text (vectors/FORMAT.md), where A-F are not digits. */
#define HEX_LOOSE      1u
#define HEX_LOWER_ONLY 2u

/* hex_decode failures. */
enum { HEX_NOT_HEX = -1, HEX_ODD = -2, HEX_TOO_LONG = -3 };

/* Decodes the hex digits of s[0..len) into out[0..cap). Returns the byte count, or a negative HEX_* with *bad_at set
 * (when bad_at is not NULL): HEX_NOT_HEX, the offset of the first character that is neither a digit nor skipped;
 * HEX_ODD, the offset of the last digit, which has no pair; HEX_TOO_LONG, cap. Without HEX_LOOSE every character
 * must be a digit, so an odd len is HEX_ODD before any character is looked at. */
long hex_decode(const char *s, size_t len, unsigned flags, uint8_t *out, size_t cap, size_t *bad_at);

#endif
