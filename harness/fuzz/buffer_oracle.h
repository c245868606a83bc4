/*
 * The output-buffer contract every libalpn writer keeps, as the fuzz targets check it: with room for fewer bytes than
 * it needs, a writer returns ALPN_E_BUFFER with the size needed and writes nothing past the room it was given. The
 * room is an exact-size heap block, so that AddressSanitizer sees any write past it. The targets abort() on a
 * violation.
 */
#ifndef FUZZ_BUFFER_ORACLE_H
#define FUZZ_BUFFER_ORACLE_H

#include <stdlib.h>

#include "alpn.h"

/* Writes into out[0..cap) and sets *need to the size needed; returns the writer's status. */
typedef int (*buffer_write_fn)(const void *ctx, void *out, size_t cap, size_t *need);

/* What most writers behind a buffer_write_fn read: the input, and for the header syntaxes the mode. */
typedef struct {
    const void *in;
    size_t len;
    alpn_hdr_mode mode;
} write_ctx;

/* Calls write once with cap bytes of room (cap < full, chosen by the caller at an input-dependent point); aborts
 * unless it returns ALPN_E_BUFFER and needs exactly full bytes. */
static void buffer_contract(buffer_write_fn write, const void *ctx, size_t cap, size_t full)
{
    void *small = malloc(cap ? cap : 1);
    size_t need = 0;
    int rc = write(ctx, small, cap, &need);
    free(small);
    if (rc != ALPN_E_BUFFER || need != full)
        abort();
}

#endif
