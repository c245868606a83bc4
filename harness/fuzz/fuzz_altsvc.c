/*
 * RFC 7838 Alt-Svc field value, strict and lenient. Oracles:
 *   lenient accepts whatever strict accepts, with the same number of alternatives and the same canonical form;
 *   the canonical form of what lenient accepts parses strictly, to as many alternatives, and formats to itself
 *   (parse ∘ format is a fixed point, ALTSVC-CANONICAL);
 *   a failure names a check and an offset inside the input; a short output buffer gives ALPN_E_BUFFER and the size.
 */
#include <stdlib.h>
#include <string.h>

#include "alpn.h"
#include "buffer_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX (4u * 4096u + 64u)
static char canon[OUT_MAX], again[OUT_MAX];

static int parse(const char *v, size_t n, alpn_hdr_mode mode, size_t *count, int *clear)
{
    alpn_deviation devs[4];
    alpn_altsvc_result r = {.devs = devs, .devs_cap = 4};
    alpn_error err = {0};
    int rc = alpn_altsvc_parse(v, n, mode, &r, &err);
    if (rc != ALPN_OK && (rc != ALPN_E_HEADER || err.check == NULL || err.offset > n))
        abort();
    *count = r.count;
    *clear = r.clear;
    return rc;
}

static int format(const void *ctx, void *out, size_t cap, size_t *need)
{
    const write_ctx *c = ctx;
    return alpn_altsvc_format(c->in, c->len, c->mode, out, cap, need, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    const char *v = (const char *)data;
    size_t ns = 0, nl = 0, nc = 0, n1 = 0, n2 = 0;
    int cs = 0, cl = 0, cc = 0;
    int strict = parse(v, size, ALPN_HDR_STRICT, &ns, &cs);
    int lenient = parse(v, size, ALPN_HDR_LENIENT, &nl, &cl);
    if (strict == ALPN_OK && (lenient != ALPN_OK || ns != nl || cs != cl))
        abort();
    if (lenient != ALPN_OK)
        return 0;
    if (alpn_altsvc_format(v, size, ALPN_HDR_LENIENT, canon, sizeof canon, &n1, NULL) != ALPN_OK)
        abort();
    if (strict == ALPN_OK) {
        if (alpn_altsvc_format(v, size, ALPN_HDR_STRICT, again, sizeof again, &n2, NULL) != ALPN_OK || n2 != n1 ||
            memcmp(again, canon, n1) != 0)
            abort();
    }
    if (parse(canon, n1, ALPN_HDR_STRICT, &nc, &cc) != ALPN_OK || nc != nl || cc != cl)
        abort();
    if (alpn_altsvc_format(canon, n1, ALPN_HDR_STRICT, again, sizeof again, &n2, NULL) != ALPN_OK || n2 != n1 ||
        memcmp(again, canon, n1) != 0)
        abort();
    /* One byte short: the buffer error and the size needed, nothing written past it (an exact-size block: ASan). */
    if (n1 > 0) {
        const write_ctx in = {v, size, ALPN_HDR_LENIENT};
        buffer_contract(format, &in, n1 - 1, n1);
    }
    return 0;
}
