/*
 * RFC 9460 §7.1 alpn in every form. The input is read three ways:
 *   as a wire-format alpn value: when valid, wire → presentation → wire, wire → extension_data → ALPN header →
 *     extension_data → wire give back every octet (SVCB-ALPN-ROUNDTRIP);
 *   as a presentation value: when it parses, the wire value is valid and its canonical presentation parses to the
 *     same wire value and formats to itself;
 *   as SvcParams: when valid, the alpn value found lies inside the input and is valid wire format, and
 *     no-default-alpn comes only with alpn;
 *   as a generic presentation value (key1=...): when it decodes, to no more octets than it has characters.
 * Every failure names a check and an offset inside the input.
 */
#include <stdlib.h>
#include <string.h>

#include "alpn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IN 4096u
static uint8_t wire[MAX_IN + 8], wire2[MAX_IN + 8], ext[MAX_IN + 8], ext2[MAX_IN + 8];
static char pres[4 * MAX_IN + 8], pres2[4 * MAX_IN + 8], hdr[4 * MAX_IN + 8];

static void failed(int rc, const alpn_error *err, size_t size)
{
    if (rc == ALPN_OK || rc == ALPN_E_BUFFER || err->check == NULL || err->offset > size)
        abort();
}

static void wire_forms(const uint8_t *val, size_t n)
{
    size_t pn = 0, wn = 0, en = 0, hn = 0, en2 = 0;
    alpn_header_result r = {.ext = ext2, .ext_cap = sizeof ext2};
    if (alpn_svcb_alpn_format(val, n, pres, sizeof pres, &pn, NULL) != ALPN_OK ||
        alpn_svcb_alpn_parse(pres, pn, wire2, sizeof wire2, &wn, NULL) != ALPN_OK || wn != n ||
        memcmp(wire2, val, n) != 0)
        abort();
    if (alpn_svcb_alpn_to_ext(val, n, ext, sizeof ext, &en, NULL) != ALPN_OK ||
        alpn_header_format(ext, en, hdr, sizeof hdr, &hn, NULL) != ALPN_OK ||
        alpn_header_parse(hdr, hn, ALPN_HDR_STRICT, &r, NULL) != ALPN_OK || r.ext_len != en ||
        memcmp(ext2, ext, en) != 0 || alpn_svcb_alpn_from_ext(ext2, r.ext_len, wire2, sizeof wire2, &en2, NULL) != ALPN_OK ||
        en2 != n || memcmp(wire2, val, n) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_IN)
        return 0;
    alpn_error err = {0};
    int rc = alpn_svcb_alpn_validate(data, size, NULL, &err);
    if (rc == ALPN_OK)
        wire_forms(data, size);
    else
        failed(rc, &err, size);

    size_t wn = 0, pn = 0, pn2 = 0, wn2 = 0;
    memset(&err, 0, sizeof err);
    rc = alpn_svcb_alpn_parse((const char *)data, size, wire, sizeof wire, &wn, &err);
    if (rc == ALPN_OK) {
        if (alpn_svcb_alpn_validate(wire, wn, NULL, NULL) != ALPN_OK ||
            alpn_svcb_alpn_format(wire, wn, pres, sizeof pres, &pn, NULL) != ALPN_OK ||
            alpn_svcb_alpn_parse(pres, pn, wire2, sizeof wire2, &wn2, NULL) != ALPN_OK || wn2 != wn ||
            memcmp(wire2, wire, wn) != 0 || alpn_svcb_alpn_format(wire2, wn2, pres2, sizeof pres2, &pn2, NULL) != ALPN_OK ||
            pn2 != pn || memcmp(pres2, pres, pn) != 0)
            abort();
    } else {
        failed(rc, &err, size);
    }

    const uint8_t *a = NULL;
    size_t alen = 0;
    int nd = 0;
    memset(&err, 0, sizeof err);
    rc = alpn_svcb_params_validate(data, size, &a, &alen, &nd, &err);
    if (rc == ALPN_OK) {
        /* The alpn value is a part of the input, not a copy, nor a read past its end. */
        int in_input = a >= data && alen <= size && (size_t)(a - data) <= size - alen;
        if ((a != NULL && (!in_input || alpn_svcb_alpn_validate(a, alen, NULL, NULL) != ALPN_OK)) || (nd && a == NULL))
            abort();
    } else {
        failed(rc, &err, size);
    }

    size_t gn = 0;
    memset(&err, 0, sizeof err);
    rc = alpn_svcb_value_parse((const char *)data, size, wire, sizeof wire, &gn, &err);
    if (rc == ALPN_OK) {
        /* Every escape is longer than its octet; the quotes add none. */
        if (gn > size)
            abort();
    } else {
        failed(rc, &err, size);
    }
    return 0;
}
