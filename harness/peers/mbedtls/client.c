/* An mbedTLS 2.28 client for the alpncheck matrix (Debian's libmbedtls, TLS 1.2 only): connects to HOST:PORT,
 * verifies the server against CA-FILE for SERVER-NAME (default localhost), offers the ALPN list
 * (mbedtls_ssl_conf_alpn_protocols; an empty list sends no ALPN extension) and prints the negotiated protocol.
 * Exit 0 after a completed handshake, 1 when it failed, 2 on usage errors.
 *   usage: mbedtls-client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME] */
#define _POSIX_C_SOURCE 200809L
#include "mbedtls_peer.h"
#include "peer_net.h"

#include <string.h>

/* E (trusting A's CA, offering NAMES, NULL: no ALPN) and SSL for A's server; mbedTLS's code. */
static int client_setup(mbedtls_ssl_context *ssl, struct mbed_end *e, const struct peer_client_args *a,
                        const char **names)
{
    mbedtls_ssl_init(ssl);
    int rc = mbed_config(e, MBEDTLS_SSL_IS_CLIENT, a->ca);
    if (rc == 0 && names != NULL)
        rc = mbedtls_ssl_conf_alpn_protocols(&e->conf, names);
    if (rc != 0)
        return rc;
    mbedtls_ssl_conf_authmode(&e->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&e->conf, &e->crt, NULL);
    rc = mbedtls_ssl_setup(ssl, &e->conf);
    return rc == 0 ? mbedtls_ssl_set_hostname(ssl, a->name) : rc; /* SNI and the name the certificate must hold */
}

int main(int argc, char **argv)
{
    struct peer_client_args a;
    struct peer_names names;
    struct mbed_end e;
    mbedtls_ssl_context ssl;
    if (peer_client_args(argc, argv, &a) != 0)
        return 2;
    if (a.alpn[0] && peer_alpn_names(a.alpn, &names) != 0)
        return 2;
    int rc = client_setup(&ssl, &e, &a, a.alpn[0] ? names.v : NULL);
    if (rc != 0) {
        mbed_error(stderr, argv[0], rc);
        return 2;
    }
    int fd = peer_connect(a.host, a.port);
    if (fd < 0)
        return 1;
    mbedtls_ssl_set_bio(&ssl, &fd, mbed_send, mbed_recv, NULL);
    rc = mbedtls_ssl_handshake(&ssl);
    if (rc != 0) {
        mbed_error(stderr, "handshake failed", rc);
        return 1;
    }
    const char *proto = mbedtls_ssl_get_alpn_protocol(&ssl);
    peer_print_negotiated("negotiated:", (const unsigned char *)proto, proto ? strlen(proto) : 0,
                          mbedtls_ssl_get_version(&ssl));
    mbedtls_ssl_close_notify(&ssl);
    return 0;
}
