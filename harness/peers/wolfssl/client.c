/* A wolfSSL 5.5 client for the alpncheck matrix (Debian's libwolfssl): connects to HOST:PORT, verifies the server
 * against CA-FILE for SERVER-NAME (default localhost), offers the ALPN list (wolfSSL_UseALPN with
 * WOLFSSL_ALPN_FAILED_ON_MISMATCH; an empty list sends no ALPN extension) and prints the negotiated protocol.
 * Exit 0 after a completed handshake, 1 when it failed, 2 on usage errors.
 *   usage: wolfssl-client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME] */
#include "peer_net.h"

#include <stdio.h>
#include <string.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

/* A WOLFSSL for A's server with its ALPN offer, or NULL. */
static WOLFSSL *client_ssl(const struct peer_client_args *a, char *alpn)
{
    unsigned char check[1024];
    WOLFSSL_CTX *ctx = wolfSSL_CTX_new(wolfTLS_client_method());
    if ((alpn[0] && peer_alpn_wire(alpn, check, sizeof check) < 0) || ctx == NULL ||
        wolfSSL_CTX_load_verify_locations(ctx, a->ca, NULL) != WOLFSSL_SUCCESS)
        return NULL;
    wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, NULL);
    WOLFSSL *ssl = wolfSSL_new(ctx);
    if (ssl == NULL ||
        wolfSSL_UseSNI(ssl, WOLFSSL_SNI_HOST_NAME, a->name, (unsigned short)strlen(a->name)) != WOLFSSL_SUCCESS ||
        wolfSSL_check_domain_name(ssl, a->name) != WOLFSSL_SUCCESS ||
        (alpn[0] &&
         wolfSSL_UseALPN(ssl, alpn, (unsigned)strlen(alpn), WOLFSSL_ALPN_FAILED_ON_MISMATCH) != WOLFSSL_SUCCESS))
        return NULL;
    return ssl;
}

int main(int argc, char **argv)
{
    struct peer_client_args a;
    char alpn[1024];
    if (peer_client_args(argc, argv, &a) != 0)
        return 2;
    wolfSSL_Init();
    snprintf(alpn, sizeof alpn, "%s", a.alpn); /* wolfSSL_UseALPN takes the comma-separated list, not const */
    WOLFSSL *ssl = client_ssl(&a, alpn);
    if (ssl == NULL) {
        fprintf(stderr, "%s: bad ALPN list, CA file %s or server name\n", argv[0], a.ca);
        return 2;
    }
    int fd = peer_connect(a.host, a.port);
    int rc = fd >= 0 && wolfSSL_set_fd(ssl, fd) == WOLFSSL_SUCCESS ? wolfSSL_connect(ssl) : -1;
    if (rc != WOLFSSL_SUCCESS) {
        char why[WOLFSSL_MAX_ERROR_SZ];
        fprintf(stderr, "handshake failed: %s\n",
                wolfSSL_ERR_error_string((unsigned long)wolfSSL_get_error(ssl, rc), why));
        return 1;
    }
    char *proto = NULL;
    unsigned short len = 0;
    if (wolfSSL_ALPN_GetProtocol(ssl, &proto, &len) != WOLFSSL_SUCCESS)
        len = 0;
    peer_print_negotiated("negotiated:", (unsigned char *)proto, len, wolfSSL_get_version(ssl));
    wolfSSL_shutdown(ssl);
    wolfSSL_free(ssl);
    return 0;
}
