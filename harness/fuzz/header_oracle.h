/*
 * What fuzz_header (the input as a field value) and fuzz_header_format (the input as extension_data and as a name)
 * share: a parse of a field value with the checks every parse gets, the writers whose buffer contract they check, and
 * the buffers. Included by exactly one target file; the targets abort() on a violation.
 */
#ifndef FUZZ_HEADER_ORACLE_H
#define FUZZ_HEADER_ORACLE_H

#include <stdlib.h>
#include <string.h>

#include "alpn.h"
#include "buffer_oracle.h"

/* A canonical field value needs at most 3 bytes per name byte plus ", " per name: under 4 bytes per list byte. */
#define CANON_MAX (4u * ALPN_EXT_MAX)

static uint8_t ext_again[ALPN_EXT_MAX];
static char canon[CANON_MAX];

typedef struct {
    int rc;
    size_t len, count, n_devs;
} parsed;

static parsed parse(const char *value, size_t n, alpn_hdr_mode mode, uint8_t *ext)
{
    alpn_deviation devs[4];
    alpn_header_result r = {.ext = ext, .ext_cap = ALPN_EXT_MAX, .devs = devs, .devs_cap = 4};
    alpn_error err = {0};
    parsed p = {alpn_header_parse(value, n, mode, &r, &err), r.ext_len, r.count, r.n_devs};
    if (p.rc == ALPN_OK) {
        /* What the parser hands out is a valid client list holding count names. */
        size_t count = 0;
        if (alpn_list_validate(ext, p.len, ALPN_ROLE_CLIENT, &count, NULL) != ALPN_OK || count != p.count)
            abort();
    } else if (p.rc != ALPN_E_HEADER || err.check == NULL || err.offset > n || p.len != 0 || p.count != 0) {
        abort(); /* buffers are large enough for any input, so ALPN_E_HEADER is the only failure */
    }
    return p;
}

#endif
