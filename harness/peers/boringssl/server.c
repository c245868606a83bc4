/* A BoringSSL server for the alpncheck matrix (Debian's android-libboringssl): listens on 127.0.0.1:PORT with the
 * given certificate, chooses from the ALPN list (default h2,http/1.1, the server's order first) in the
 * SSL_CTX_set_alpn_select_cb callback, as nginx does with OpenSSL, and answers with a minimal HTTP response.
 *   usage: boringssl-server PORT CERT KEY [ALPN-LIST] */
#include "peer_net.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>

struct alpn {
    unsigned char wire[1024];
    unsigned len;
};

/* RFC 7301 §3.2: no protocol in common ends the handshake with no_application_protocol (BoringSSL sends it for
 * SSL_TLSEXT_ERR_ALERT_FATAL). BoringSSL has checked the client's list before calling this. */
static int select_alpn(SSL *ssl, const uint8_t **out, uint8_t *out_len, const uint8_t *in, unsigned in_len, void *arg)
{
    const struct alpn *ours = arg;
    uint8_t *chosen;
    (void)ssl;
    if (SSL_select_next_proto(&chosen, out_len, ours->wire, ours->len, in, in_len) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

static long tls_read(void *ssl, void *buf, size_t len)
{
    return SSL_read(ssl, buf, len > 65536 ? 65536 : (int)len);
}
static long tls_write(void *ssl, void *buf, size_t len)
{
    return SSL_write(ssl, buf, len > 65536 ? 65536 : (int)len);
}

static void serve(void *ctx, int fd)
{
    SSL *ssl = SSL_new(ctx);
    int rc = ssl != NULL && SSL_set_fd(ssl, fd) ? SSL_accept(ssl) : -1;
    if (rc != 1) {
        printf("handshake failed (SSL_get_error %d)\n", ssl != NULL ? SSL_get_error(ssl, rc) : -1);
        ERR_print_errors_fp(stdout);
        fflush(stdout);
        return;
    }
    const uint8_t *proto;
    unsigned len;
    SSL_get0_alpn_selected(ssl, &proto, &len);
    peer_print_negotiated("negotiated", proto, len, SSL_get_version(ssl));
    peer_answer(proto, len, tls_read, tls_write, ssl, "BoringSSL");
    SSL_shutdown(ssl);
    SSL_free(ssl);
}

int main(int argc, char **argv)
{
    struct peer_server_args a;
    struct alpn ours; /* main never returns while connections are served: it outlives them */
    if (peer_server_args(argc, argv, &a) != 0)
        return 2;
    int len = peer_alpn_wire(a.alpn, ours.wire, sizeof ours.wire);
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    if (len < 0 || ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, a.cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, a.key, SSL_FILETYPE_PEM) != 1) {
        fprintf(stderr, "%s: bad ALPN list, certificate or key\n", argv[0]);
        ERR_print_errors_fp(stderr);
        return 2;
    }
    ours.len = (unsigned)len;
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, &ours);
    return peer_serve(&a, OPENSSL_VERSION_TEXT, serve, ctx);
}
