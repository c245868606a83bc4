/* An mbedTLS 2.28 server for the alpncheck matrix (Debian's libmbedtls, TLS 1.2 only: 1.3 is not built in 2.28):
 * listens on 127.0.0.1:PORT with the given certificate, offers the ALPN list (default h2,http/1.1) through
 * mbedtls_ssl_conf_alpn_protocols and answers with a minimal HTTP response.
 *   usage: mbedtls-server PORT CERT KEY [ALPN-LIST] */
#define _POSIX_C_SOURCE 200809L
#include "mbedtls_peer.h"
#include "peer_net.h"

#include <mbedtls/version.h>
#include <string.h>

static long tls_read(void *ssl, void *buf, size_t len)
{
    return mbedtls_ssl_read(ssl, buf, len);
}
static long tls_write(void *ssl, void *buf, size_t len)
{
    return mbedtls_ssl_write(ssl, buf, len);
}

struct server {
    const mbedtls_ssl_config *conf;
    struct mbed_rng *rng;
};

static void serve(void *arg, int fd)
{
    const mbedtls_ssl_config *conf = ((struct server *)arg)->conf;
    struct mbed_rng *rng = ((struct server *)arg)->rng;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_init(&ssl);
    /* Each connection is a forked child: a fresh seed, or every child would draw the same "random" bytes. */
    int rc = mbedtls_ctr_drbg_reseed(&rng->drbg, NULL, 0);
    if (rc == 0)
        rc = mbedtls_ssl_setup(&ssl, conf);
    mbedtls_ssl_set_bio(&ssl, &fd, mbed_send, mbed_recv, NULL);
    if (rc == 0)
        rc = mbedtls_ssl_handshake(&ssl);
    if (rc != 0) {
        mbed_error(stdout, "handshake failed", rc);
        return;
    }
    const char *proto = mbedtls_ssl_get_alpn_protocol(&ssl);
    size_t len = proto ? strlen(proto) : 0;
    peer_print_negotiated("negotiated", (const unsigned char *)proto, len, mbedtls_ssl_get_version(&ssl));
    peer_answer((const unsigned char *)proto, len, tls_read, tls_write, &ssl, "mbedTLS");
    mbedtls_ssl_close_notify(&ssl);
    mbedtls_ssl_free(&ssl);
}

/* E for a server with A's certificate, KEY and ALPN list (NAMES, which must outlive E); mbedTLS's code. */
static int server_config(struct mbed_end *e, const struct peer_server_args *a, const char **names,
                         mbedtls_pk_context *key)
{
    mbedtls_pk_init(key);
    int rc = mbed_config(e, MBEDTLS_SSL_IS_SERVER, a->cert);
    if (rc == 0)
        rc = mbedtls_pk_parse_keyfile(key, a->key, NULL);
    if (rc == 0)
        rc = mbedtls_ssl_conf_own_cert(&e->conf, &e->crt, key);
    if (rc == 0)
        rc = mbedtls_ssl_conf_alpn_protocols(&e->conf, names);
    return rc;
}

int main(int argc, char **argv)
{
    struct peer_server_args a;
    struct peer_names names;
    struct mbed_end e;
    mbedtls_pk_context key;
    if (peer_server_args(argc, argv, &a) != 0)
        return 2;
    if (peer_alpn_names(a.alpn, &names) != 0)
        return 2;
    int rc = server_config(&e, &a, names.v, &key);
    if (rc != 0) {
        mbed_error(stderr, argv[0], rc);
        return 2;
    }
    struct server sv = {&e.conf, &e.rng};
    return peer_serve(&a, MBEDTLS_VERSION_STRING_FULL, serve, &sv);
}
