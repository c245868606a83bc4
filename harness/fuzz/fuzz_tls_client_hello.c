/* The wire engine's ClientHello parser (alpncheck client reads it from the client under test). Oracles: no crash,
 * no read outside the input (ASan), and what a successful parse reports lies inside the input and its bounds. */
#include <stdlib.h>
#include <string.h>

#include "wire_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static wire_client_hello_info ch;
    if (wire_parse_client_hello(data, size, &ch) != 0)
        return 0;
    /* The first ALPN extension's data points into the body and ends inside it. */
    if (ch.alpn_count > 0 && (ch.alpn < data || ch.alpn_len > size || (size_t)(ch.alpn - data) > size - ch.alpn_len))
        abort();
    if (ch.alpn_count == 0 && ch.alpn_len != 0)
        abort();
    /* RFC 8446 §4.1.2: legacy_session_id<0..32>; the suites kept and the SNI are bounded. */
    if (ch.session_id_len > 32 || ch.n_suites > WIRE_CH_SUITES_KEEP || memchr(ch.sni, 0, sizeof ch.sni) == NULL)
        abort();
    /* Every extension takes at least its 4-byte header. */
    if (ch.n_extensions > size / 4)
        abort();
    /* RFC 8446 §4.2.11: the PSK identities and binders kept point inside the body, binders of 32 bytes or more;
     * Truncate(ClientHello) drops no more than the body. */
    if (ch.n_psks > WIRE_CH_PSK_KEEP || ch.psk_binders_len > size)
        abort();
    /* n_binders is (size_t)-1 when the binders do not match the identities one for one (RFC 8446 §4.2.11: one per
     * identity); otherwise as many are kept as identities, and each identity's binder is checked with it. */
    int binders_match = ch.n_binders != (size_t)-1;
    if (binders_match && ch.n_binders != ch.n_psks)
        abort();
    for (size_t i = 0; i < ch.n_psks; i++) {
        const uint8_t *id = ch.psks[i].identity, *b = ch.psks[i].binder;
        if (id < data || ch.psks[i].identity_len > size || (size_t)(id - data) > size - ch.psks[i].identity_len)
            abort();
        if (binders_match &&
            (b < data || ch.psks[i].binder_len < 32 || (size_t)(b - data) > size - ch.psks[i].binder_len))
            abort();
    }
    return 0;
}
