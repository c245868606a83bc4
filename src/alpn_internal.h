/* Helpers shared inside libalpn (not part of the public API). */
#ifndef ALPN_INTERNAL_H
#define ALPN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "alpn.h"

/* Fills err (when given) and returns status: every libalpn failure goes through here. */
static inline int alpn_fail(alpn_error *err, int status, size_t offset, const char *check, const char *detail)
{
    if (err != NULL) {
        err->status = status;
        err->offset = offset;
        err->check = check;
        err->detail = detail;
    }
    return status;
}

/* RFC 8701 §2: the GREASE ALPN identifiers are the two-byte sequences {0x?A, 0x?A} with both bytes equal:
 * 0x0A0A, 0x1A1A, ..., 0xFAFA. Inline so that selection pays no call for it. */
static inline int alpn_grease_value(const uint8_t *name, size_t len)
{
    return name != NULL && len == 2 && name[0] == name[1] && (name[0] & 0x0f) == 0x0a;
}

#endif
