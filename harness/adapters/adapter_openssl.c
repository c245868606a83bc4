/*
 * alpn-adapter-openssl: OpenSSL's SSL_select_next_proto behind the vector line protocol (vectors/FORMAT.md).
 *
 * Only `select` is announced: OpenSSL has no public parser of a ProtocolNameList to offer for `list` (its
 * extension parser is internal to the handshake), and nothing for the HTTP header.
 *
 * What is tested is the function as an ALPN server callback calls it, unchanged:
 *   SSL_select_next_proto(&out, &outlen, server, server_len, client, client_len)
 * with the server's list first (its preference decides, RFC 7301 §3.2) and both lists as protocol_name_list bodies
 * (no 2-byte length: the adapter strips it without checking it; an offer under 2 bytes becomes an empty body). The
 * function validates nothing: whatever it returns for a malformed offer is reported as it is. OPENSSL_NPN_NEGOTIATED
 * gives `ok NAME`; OPENSSL_NPN_NO_OVERLAP (for which it points out at the client's first name, the NPN fallback)
 * gives `error 120`, the alert an ALPN server sends for no overlap (RFC 7301 §3.2).
 */
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <stdio.h>

#include "adapter_io.h"

static void do_select(const adapter_select_args *a)
{
    if (a->server_len < 2) {
        adapter_skip("server list under 2 bytes");
        return;
    }
    unsigned char *out = NULL, outlen = 0;
    int rc = SSL_select_next_proto(&out, &outlen, a->server + 2, (unsigned int)(a->server_len - 2), a->client_body,
                                   a->client_body_len);
    adapter_selected(rc == OPENSSL_NPN_NEGOTIATED ? out : NULL, outlen);
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "openssl-%s", OpenSSL_version(OPENSSL_VERSION_STRING));
    adapter_select_loop("alpn-adapter-openssl", name, do_select, "OpenSSL has no public function for this family");
    return 0;
}
