/*
 * Over-read guard for parser tests: copies an input so that its last byte sits right before a PROT_NONE page.
 * Reading one byte past the end faults even without AddressSanitizer (see STYLE.md, picohttpparser).
 */
#ifndef ALPN_TEST_GUARD_H
#define ALPN_TEST_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* Returns a pointer p with p[0..len) = data[0..len) and p + len the first byte of an inaccessible page. The
 * buffer is valid until the next guard_place() call in this thread of the test process; len may be 0. Inputs up
 * to GUARD_MAX bytes. Aborts the test process if the mapping cannot be made. */
#define GUARD_MAX (2u * 65536u + 4096u)
const uint8_t *guard_place(const void *data, size_t len);

/* Same, for text (parsers that take const char *). */
static inline const char *guard_place_str(const char *s, size_t len) { return (const char *)guard_place(s, len); }

/* Decodes a hex string (hex_decode with HEX_LOOSE: whitespace and ':' ignored) into out; returns the byte count, or
 * (size_t)-1 on a bad digit, an odd count or when out_cap is too small. */
size_t guard_hex(const char *hex, uint8_t *out, size_t out_cap);

#endif
