/*
 * RFC 7639 ALPN header field, strict and lenient, with the input read as a field value:
 *   lenient accepts whatever strict accepts, with the same names; lenient lists at least one deviation for what only
 *     it accepts; the canonical form of what parses is a fixed point (format → parse strict → format gives the same
 *     string) and parses to the same names without deviations;
 *   as one token (no ',', SP, HTAB): alpn_pid_decode agrees with a one-element field value in both modes.
 * fuzz_header_format reads the input as extension_data and as one name. Buffers too small (exact-size heap blocks, so
 * ASan sees a write past them) give ALPN_E_BUFFER and the size needed.
 */
#include "header_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t ext_strict[ALPN_EXT_MAX], ext_lenient[ALPN_EXT_MAX];
static char canon_again[CANON_MAX];

static int parse_names(const void *ctx, void *out, size_t cap, size_t *need)
{
    const write_ctx *c = ctx;
    alpn_header_result r = {.ext = out, .ext_cap = cap};
    int rc = alpn_header_parse(c->in, c->len, c->mode, &r, NULL);
    *need = r.ext_len;
    return rc;
}

static int decode_pid(const void *ctx, void *out, size_t cap, size_t *need)
{
    const write_ctx *c = ctx;
    return alpn_pid_decode(c->in, c->len, c->mode, out, cap, need, NULL);
}

/* The input as a field value, parsed in both modes (kept for one_token, which compares the same parses). */
static void header_value(const char *v, size_t size, parsed *strict_out, parsed *lenient_out)
{
    parsed strict = parse(v, size, ALPN_HDR_STRICT, ext_strict);
    parsed lenient = parse(v, size, ALPN_HDR_LENIENT, ext_lenient);
    *strict_out = strict;
    *lenient_out = lenient;
    if (strict.rc == ALPN_OK &&
        (lenient.rc != ALPN_OK || lenient.len != strict.len || memcmp(ext_lenient, ext_strict, strict.len) != 0))
        abort();
    /* Lenient mode lists every deviation it accepted: what strict rejects, lenient accepts only with one listed. */
    if (strict.rc != ALPN_OK && lenient.rc == ALPN_OK && lenient.n_devs == 0)
        abort();
    if (lenient.rc != ALPN_OK)
        return;
    /* Too little room for the names of valid input keeps the buffer contract, the size needed in ext_len. */
    const write_ctx in = {v, size, ALPN_HDR_LENIENT};
    buffer_contract(parse_names, &in, size % lenient.len, lenient.len);
    size_t f_len = 0, f2_len = 0;
    if (alpn_header_format(ext_lenient, lenient.len, canon, sizeof canon, &f_len, NULL) != ALPN_OK)
        abort();
    /* HDR-CANONICAL: the canonical form parses strictly, without deviations, to the same names ... */
    parsed again = parse(canon, f_len, ALPN_HDR_STRICT, ext_again);
    if (again.rc != ALPN_OK || again.len != lenient.len || memcmp(ext_again, ext_lenient, again.len) != 0)
        abort();
    parsed again_lenient = parse(canon, f_len, ALPN_HDR_LENIENT, ext_again);
    if (again_lenient.rc != ALPN_OK || again_lenient.n_devs != 0)
        abort();
    /* ... and formats to itself. */
    if (alpn_header_format(ext_again, again.len, canon_again, sizeof canon_again, &f2_len, NULL) != ALPN_OK ||
        f2_len != f_len || memcmp(canon, canon_again, f_len) != 0)
        abort();
}

/* A token without list syntax (no ',', SP or HTAB) decodes with alpn_pid_decode exactly as a one-element field value
 * parses, in both modes; too little room is ALPN_E_BUFFER with the size needed. The field value parses of the same
 * bytes are header_value's (strict into ext_strict, lenient into ext_lenient), not parsed a second time. */
static void one_token(const char *tok, size_t size, const parsed *strict, const parsed *lenient)
{
    static uint8_t name[ALPN_EXT_MAX];
    if (memchr(tok, ',', size) != NULL || memchr(tok, ' ', size) != NULL || memchr(tok, '\t', size) != NULL)
        return;
    for (int m = 0; m < 2; m++) {
        alpn_hdr_mode mode = m == 0 ? ALPN_HDR_STRICT : ALPN_HDR_LENIENT;
        const parsed *p = m == 0 ? strict : lenient;
        const uint8_t *ext = m == 0 ? ext_strict : ext_lenient;
        size_t n = 0;
        int rc = alpn_pid_decode(tok, size, mode, name, sizeof name, &n, NULL);
        if ((rc == ALPN_OK) != (p->rc == ALPN_OK))
            abort();
        if (rc != ALPN_OK)
            continue;
        if (p->count != 1 || p->len != 3 + n || ext[2] != n || memcmp(ext + 3, name, n) != 0)
            abort();
        const write_ctx in = {tok, size, mode};
        buffer_contract(decode_pid, &in, size % n, n);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parsed strict, lenient;
    header_value((const char *)data, size, &strict, &lenient);
    one_token((const char *)data, size, &strict, &lenient);
    return 0;
}
