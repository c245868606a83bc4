/* A BoringSSL client for the alpncheck matrix (Debian's android-libboringssl): connects to HOST:PORT, verifies the
 * server against CA-FILE for SERVER-NAME (default localhost), offers the ALPN list (SSL_set_alpn_protos; an empty
 * list sends no ALPN extension) and prints the negotiated protocol. Exit 0 after a completed handshake, 1 when it
 * failed, 2 on usage errors.
 *   usage: boringssl-client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME] */
#include "peer_net.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>

/* An SSL for A's server with its ALPN offer, or NULL after printing why. */
static SSL *client_ssl(const struct peer_client_args *a)
{
    unsigned char wire[1024];
    int len = a->alpn[0] ? peer_alpn_wire(a->alpn, wire, sizeof wire) : 0;
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    if (len < 0 || ctx == NULL || SSL_CTX_load_verify_locations(ctx, a->ca, NULL) != 1) {
        fprintf(stderr, "bad ALPN list or CA file %s\n", a->ca);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL *ssl = SSL_new(ctx);
    SSL_CTX_free(ctx); /* the SSL holds its own reference */
    /* SSL_set_alpn_protos returns 0 on success, unlike the rest of the API. */
    if (ssl == NULL || !SSL_set_tlsext_host_name(ssl, a->name) || !SSL_set1_host(ssl, a->name) ||
        (len > 0 && SSL_set_alpn_protos(ssl, wire, (size_t)len) != 0)) {
        SSL_free(ssl);
        return NULL;
    }
    return ssl;
}

int main(int argc, char **argv)
{
    struct peer_client_args a;
    if (peer_client_args(argc, argv, &a) != 0)
        return 2;
    SSL *ssl = client_ssl(&a);
    if (ssl == NULL) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    int fd = peer_connect(a.host, a.port);
    int rc = fd >= 0 && SSL_set_fd(ssl, fd) ? SSL_connect(ssl) : -1;
    if (rc != 1) {
        fprintf(stderr, "handshake failed (SSL_get_error %d)\n", SSL_get_error(ssl, rc));
        ERR_print_errors_fp(stderr);
        return 1;
    }
    const uint8_t *proto;
    unsigned len;
    SSL_get0_alpn_selected(ssl, &proto, &len);
    peer_print_negotiated("negotiated:", proto, len, SSL_get_version(ssl));
    SSL_shutdown(ssl);
    SSL_free(ssl);
    return 0;
}
