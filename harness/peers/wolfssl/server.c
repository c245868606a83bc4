/* A wolfSSL 5.5 server for the alpncheck matrix (Debian's libwolfssl): listens on 127.0.0.1:PORT with the given
 * certificate, offers the ALPN list (default h2,http/1.1) through wolfSSL_UseALPN with
 * WOLFSSL_ALPN_FAILED_ON_MISMATCH, the option that makes no protocol in common a no_application_protocol alert
 * (RFC 7301 §3.2) rather than a handshake without ALPN (CONTINUE_ON_MISMATCH), and answers with a minimal HTTP
 * response.
 *   usage: wolfssl-server PORT CERT KEY [ALPN-LIST] */
#include "peer_net.h"

#include <stdio.h>
#include <string.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

static long tls_read(void *ssl, void *buf, size_t len)
{
    return wolfSSL_read(ssl, buf, len > 65536 ? 65536 : (int)len);
}
static long tls_write(void *ssl, void *buf, size_t len)
{
    return wolfSSL_write(ssl, buf, len > 65536 ? 65536 : (int)len);
}

struct server {
    WOLFSSL_CTX *ctx;
    char alpn[1024]; /* wolfSSL_UseALPN takes the comma-separated list, not const */
};

static void serve(void *arg, int fd)
{
    struct server *sv = arg;
    char *alpn = sv->alpn;
    WOLFSSL *ssl = wolfSSL_new(sv->ctx);
    int rc = -1;
    if (ssl != NULL && wolfSSL_set_fd(ssl, fd) == WOLFSSL_SUCCESS &&
        wolfSSL_UseALPN(ssl, alpn, (unsigned)strlen(alpn), WOLFSSL_ALPN_FAILED_ON_MISMATCH) == WOLFSSL_SUCCESS)
        rc = wolfSSL_accept(ssl);
    if (rc != WOLFSSL_SUCCESS) {
        char why[WOLFSSL_MAX_ERROR_SZ];
        printf("handshake failed: %s\n", wolfSSL_ERR_error_string((unsigned long)wolfSSL_get_error(ssl, rc), why));
        fflush(stdout);
        return;
    }
    char *proto = NULL;
    unsigned short len = 0;
    if (wolfSSL_ALPN_GetProtocol(ssl, &proto, &len) != WOLFSSL_SUCCESS)
        len = 0;
    peer_print_negotiated("negotiated", (unsigned char *)proto, len, wolfSSL_get_version(ssl));
    peer_answer((unsigned char *)proto, len, tls_read, tls_write, ssl, "wolfSSL");
    wolfSSL_shutdown(ssl);
    wolfSSL_free(ssl);
}

int main(int argc, char **argv)
{
    struct peer_server_args a;
    struct server sv;
    struct peer_names names; /* only to check the list */
    char library[64];
    if (peer_server_args(argc, argv, &a) != 0)
        return 2;
    wolfSSL_Init();
    sv.ctx = wolfSSL_CTX_new(wolfTLS_server_method());
    if (peer_alpn_names(a.alpn, &names) != 0 || sv.ctx == NULL ||
        wolfSSL_CTX_use_certificate_chain_file(sv.ctx, a.cert) != WOLFSSL_SUCCESS ||
        wolfSSL_CTX_use_PrivateKey_file(sv.ctx, a.key, WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS) {
        fprintf(stderr, "%s: bad ALPN list, certificate or key\n", argv[0]);
        return 2;
    }
    snprintf(sv.alpn, sizeof sv.alpn, "%s", a.alpn);
    snprintf(library, sizeof library, "wolfSSL %s", wolfSSL_lib_version());
    return peer_serve(&a, library, serve, &sv);
}
