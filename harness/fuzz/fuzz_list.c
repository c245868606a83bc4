/* ProtocolNameList in both roles (first byte picks the role). Oracle: whatever validates iterates to the validated
 * count and re-encodes to the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "alpn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    alpn_role role = data[0] & 1 ? ALPN_ROLE_SERVER : ALPN_ROLE_CLIENT;
    const uint8_t *ext = data + 1;
    size_t len = size - 1, count = 0;
    alpn_error err;
    int rc = alpn_list_validate(ext, len, role, &count, &err);
    if (rc != ALPN_OK) {
        if (rc != ALPN_DECODE_ERROR || err.check == NULL || err.offset > len)
            abort();
        return 0;
    }
    static alpn_name names[ALPN_LIST_MAX / 2];
    static uint8_t out[ALPN_EXT_MAX];
    alpn_iter it;
    size_t n = 0, out_len = 0;
    alpn_iter_init(&it, ext, len);
    while (alpn_iter_next(&it, &names[n]))
        n++;
    if (n != count || (role == ALPN_ROLE_SERVER && n != 1))
        abort();
    if (alpn_list_encode(names, n, out, sizeof out, &out_len, NULL) != ALPN_OK || out_len != len ||
        memcmp(out, ext, len) != 0)
        abort();
    return 0;
}
