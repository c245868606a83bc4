/* RFC 7639 header parsing, strict and lenient. Oracles: lenient accepts whatever strict accepts, with the same names;
 * the canonical form is a fixed point; parse(format(names)) == names; and extension_data → header → extension_data
 * returns the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "alpn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t ext_a[ALPN_EXT_MAX], ext_b[ALPN_EXT_MAX], ext_c[ALPN_EXT_MAX];
static char canon[4 * ALPN_EXT_MAX], canon2[4 * ALPN_EXT_MAX];

static int parse(const char *v, size_t n, alpn_hdr_mode mode, uint8_t *ext, size_t *ext_len)
{
    alpn_header_result r = {.ext = ext, .ext_cap = ALPN_EXT_MAX};
    int rc = alpn_header_parse(v, n, mode, &r, NULL);
    *ext_len = r.ext_len;
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *v = (const char *)data;
    size_t a_len = 0, b_len = 0, c_len = 0, f_len = 0, f2_len = 0;
    int strict = parse(v, size, ALPN_HDR_STRICT, ext_a, &a_len);
    int lenient = parse(v, size, ALPN_HDR_LENIENT, ext_b, &b_len);
    if (strict == ALPN_OK && (lenient != ALPN_OK || a_len != b_len || memcmp(ext_a, ext_b, a_len) != 0))
        abort();
    if (lenient == ALPN_OK) {
        if (alpn_header_format(ext_b, b_len, canon, sizeof canon, &f_len, NULL) != ALPN_OK)
            abort();
        /* The canonical form parses strictly to the same names and formats to itself. */
        if (parse(canon, f_len, ALPN_HDR_STRICT, ext_c, &c_len) != ALPN_OK || c_len != b_len ||
            memcmp(ext_c, ext_b, c_len) != 0)
            abort();
        if (alpn_header_format(ext_c, c_len, canon2, sizeof canon2, &f2_len, NULL) != ALPN_OK || f2_len != f_len ||
            memcmp(canon, canon2, f_len) != 0)
            abort();
    }
    /* The input as extension_data: a valid list survives the trip through the header form. */
    if (alpn_list_validate(data, size, ALPN_ROLE_CLIENT, NULL, NULL) == ALPN_OK) {
        if (alpn_header_format(data, size, canon, sizeof canon, &f_len, NULL) != ALPN_OK ||
            parse(canon, f_len, ALPN_HDR_STRICT, ext_c, &c_len) != ALPN_OK || c_len != size ||
            memcmp(ext_c, data, size) != 0)
            abort();
    }
    return 0;
}
