/* What the mbedTLS server and client share: the random generator, the socket callbacks and the error text. */
#ifndef MBEDTLS_PEER_H
#define MBEDTLS_PEER_H

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <stdio.h>
#include <sys/socket.h>

struct mbed_rng {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
};

/* CONF initialised, R seeded from the system's entropy; mbedTLS's code. */
static inline int mbed_init(mbedtls_ssl_config *conf, struct mbed_rng *r)
{
    mbedtls_ssl_config_init(conf);
    mbedtls_entropy_init(&r->entropy);
    mbedtls_ctr_drbg_init(&r->drbg);
    return mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func, &r->entropy, NULL, 0);
}

/* What both ends hold alike: the configuration, its random generator and a certificate (the server's own, the
 * client's CA). */
struct mbed_end {
    struct mbed_rng rng;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt crt;
};

/* E's configuration with mbedTLS's defaults for ENDPOINT (MBEDTLS_SSL_IS_SERVER or _CLIENT) over a stream, its
 * generator seeded and used, its certificate read from CERT_FILE; mbedTLS's code. */
static inline int mbed_config(struct mbed_end *e, int endpoint, const char *cert_file)
{
    mbedtls_x509_crt_init(&e->crt);
    int rc = mbed_init(&e->conf, &e->rng);
    if (rc == 0)
        rc = mbedtls_x509_crt_parse_file(&e->crt, cert_file);
    if (rc == 0)
        rc = mbedtls_ssl_config_defaults(&e->conf, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_rng(&e->conf, mbedtls_ctr_drbg_random, &e->rng.drbg);
    return rc;
}

/* The socket as mbedTLS reads and writes it. A read that reaches the socket's deadline (EAGAIN) is an error here, not
 * mbedtls_net_recv's MBEDTLS_ERR_SSL_WANT_READ, which would make the handshake loop wait again for ever. */
static inline int mbed_recv(void *fd, unsigned char *buf, size_t len)
{
    ssize_t n = recv(*(int *)fd, buf, len > 65536 ? 65536 : len, 0);
    return n >= 0 ? (int)n : MBEDTLS_ERR_NET_RECV_FAILED;
}
static inline int mbed_send(void *fd, const unsigned char *buf, size_t len)
{
    ssize_t n = send(*(int *)fd, buf, len > 65536 ? 65536 : len, MSG_NOSIGNAL);
    return n >= 0 ? (int)n : MBEDTLS_ERR_NET_SEND_FAILED;
}

/* "PREFIX: mbedTLS's text for RC" on OUT. */
static inline void mbed_error(FILE *out, const char *prefix, int rc)
{
    char why[200];
    mbedtls_strerror(rc, why, sizeof why);
    fprintf(out, "%s: %s (-0x%04x)\n", prefix, why, (unsigned)-rc);
    fflush(out);
}

#endif
