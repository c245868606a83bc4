/*
 * Byte buffers of the vector runner, and lists of names held in one buffer as records of (4-byte big-endian length,
 * bytes): a vector may give any list (empty names, names over 255 octets, lists over 64 KiB), so the runner keeps it
 * as given and decides only when judging whether it has an extension_data form.
 */
#ifndef ALPN_VEC_BUF_H
#define ALPN_VEC_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "alpn.h"

typedef struct {
    uint8_t *p;
    size_t len, cap;
} vbuf;

/* Appends n bytes (vbuf_put) or a string (vbuf_str). 0, or -1 when out of memory. */
int vbuf_put(vbuf *b, const void *data, size_t n);
int vbuf_str(vbuf *b, const char *s);
/* Appends the bytes of the hex digits s[0..n) (hex_decode with flags). 0; HEX_ODD or HEX_NOT_HEX with *bad_at set;
 * HEX_TOO_LONG when out of memory (too long to hold). Nothing is appended on failure. */
int vbuf_put_unhex(vbuf *b, const char *s, size_t n, unsigned flags, size_t *bad_at);
/* Appends p[0..n) as lower-case hex digits. 0, or -1 when out of memory. */
int vbuf_put_hex(vbuf *b, const uint8_t *p, size_t n);
int vbuf_eq(const vbuf *a, const vbuf *b);
void vbuf_free(vbuf *b);

/* Appends a name record. 0, or -1 when out of memory. */
int names_add(vbuf *names, const uint8_t *name, size_t n);
/* Iterates a names buffer from *pos (start at 0): returns 1 with the next name, 0 at the end. */
int names_next(const vbuf *names, size_t *pos, const uint8_t **name, size_t *n);
/* The names as libalpn takes them, pointing into the buffer (which must outlive the array); *n their count. A new
 * array (never NULL for an empty list) to free, or NULL when out of memory. */
alpn_name *names_array(const vbuf *names, size_t *n);

/* Appends the names of extension_data that libalpn has already found valid. 0, or -1 when out of memory. */
int names_put_ext(vbuf *names, const uint8_t *ext, size_t len);
/* The names of extension_data that alpn_list_validate accepts (client role) into names. 0, or -1 when it is
 * invalid. */
int names_of_ext(const vbuf *ext, vbuf *names);
/* Builds extension_data from names without judging them (empty names and an empty list included), as requests to
 * adapters carry it. 0, or -1 when a name is over 255 octets or the list over 65535 (no such encoding). */
int ext_from_names(const vbuf *names, vbuf *ext);

#endif
