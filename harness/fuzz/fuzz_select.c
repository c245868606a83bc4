/* Selection. Input: a server list (count byte, then 1-byte-length names), then the client's extension_data.
 * Oracles: a valid client list gives a selection or no overlap, never an error; the selected name is in both lists
 * and not GREASE; and it is the best pair in the preference order, found by brute force. */
#include <stdlib.h>
#include <string.h>

#include "alpn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const alpn_name *a, const alpn_name *b)
{
    return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n_server = data[0] % 8, pos = 1;
    alpn_name server[8];
    for (size_t i = 0; i < n_server; i++) {
        if (pos >= size || data[pos] == 0 || data[pos] > size - pos - 1)
            return 0;
        server[i] = (alpn_name){data + pos + 1, data[pos]};
        pos += 1 + data[pos];
    }
    const uint8_t *ext = data + pos;
    size_t ext_len = size - pos;
    int valid = alpn_list_validate(ext, ext_len, ALPN_ROLE_CLIENT, NULL, NULL) == ALPN_OK;
    for (int pref = 0; pref < 2; pref++) {
        size_t sel = 0, ci = 0;
        int rc = alpn_select(server, n_server, ext, ext_len, (alpn_preference)pref, &sel, &ci, NULL);
        if (!valid) {
            if (rc != ALPN_DECODE_ERROR)
                abort();
            continue;
        }
        /* Brute force: the best (server index, client index) pair in the preference order, GREASE excluded. */
        size_t want_s = n_server, want_c = (size_t)-1, c = 0;
        alpn_iter it;
        alpn_name name;
        alpn_iter_init(&it, ext, ext_len);
        for (; alpn_iter_next(&it, &name); c++) {
            if (alpn_is_grease(name.data, name.len))
                continue;
            for (size_t s = 0; s < n_server; s++) {
                if (!same(&server[s], &name))
                    continue;
                int better = pref == ALPN_PREFER_SERVER ? (s < want_s || (s == want_s && c < want_c))
                                                        : (want_c == (size_t)-1 || c < want_c ||
                                                           (c == want_c && s < want_s));
                if (better) {
                    want_s = s;
                    want_c = c;
                }
                break;
            }
        }
        if (want_s == n_server) {
            if (rc != ALPN_NO_APPLICATION_PROTOCOL)
                abort();
        } else if (rc != ALPN_OK || sel != want_s || ci != want_c) {
            abort();
        }
    }
    return 0;
}
