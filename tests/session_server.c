/* A complete TLS server on OpenSSL's libssl with switchable session defects; see session_server.h. */
#define _POSIX_C_SOURCE 200809L
#include "session_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define ALPN_MAX 1024

/* The server's state, the listener's context (loopback_server.h). */
typedef struct session_server {
    session_defect d;
    SSL_CTX *ctx;
} session_server;

/* What one connection saw of the client's hellos (RFC 8446 §4.1.2: a second ClientHello after HRR). */
typedef struct {
    int established; /* a handshake completed: a later ClientHello is a TLS 1.2 renegotiation, not a retry */
    int hellos;
    unsigned char first[ALPN_MAX];
    size_t first_len;
    int first_has;
    unsigned char cur[ALPN_MAX];
    size_t cur_len;
    int cur_has;
} conn_state;

static const unsigned char h2[] = "h2", http11[] = "http/1.1";

/* Server preference over a ProtocolNameList body (already validated by OpenSSL, RFC 7301 §3.1): h2, then
 * http/1.1. Returns the name's length and sets *out, or 0 for no overlap. */
static size_t prefer(const unsigned char *list, size_t len, const unsigned char **out)
{
    static const struct {
        const unsigned char *name;
        size_t len;
    } mine[] = {{h2, 2}, {http11, 8}};
    for (size_t m = 0; m < 2; m++) {
        for (size_t i = 0; i < len;) {
            size_t n = list[i];
            if (i + 1 + n > len)
                break;
            if (n == mine[m].len && memcmp(list + i + 1, mine[m].name, n) == 0) {
                *out = list + i + 1;
                return n;
            }
            i += 1 + n;
        }
    }
    return 0;
}

static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                   unsigned int inlen, void *arg)
{
    session_server *s = arg;
    /* The defect: a resumed session skips negotiation (RFC 7301 §3.1 makes ALPN per connection). */
    if (s->d == SESSION_RESUME_NO_ALPN && SSL_session_reused(ssl))
        return SSL_TLSEXT_ERR_NOACK;
    size_t n = prefer(in, inlen, out);
    if (n == 0)
        return SSL_TLSEXT_ERR_ALERT_FATAL; /* RFC 7301 §3.2: no_application_protocol */
    *outlen = (unsigned char)n;
    return SSL_TLSEXT_ERR_OK;
}

static int hello_cb(SSL *ssl, int *al, void *arg)
{
    session_server *s = arg;
    conn_state *c = SSL_get_app_data(ssl);
    const unsigned char *ext = NULL;
    size_t len = 0;
    int has = SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_application_layer_protocol_negotiation, &ext, &len);
    if (len > ALPN_MAX) {
        *al = SSL_AD_DECODE_ERROR; /* larger than this test server keeps; never sent by the harness */
        return SSL_CLIENT_HELLO_ERROR;
    }
    c->cur_has = has;
    c->cur_len = len;
    if (len)
        memcpy(c->cur, ext, len);
    if (c->hellos++ == 0 || c->established) {
        c->first_has = has;
        c->first_len = len;
        if (len)
            memcpy(c->first, ext, len);
        return SSL_CLIENT_HELLO_SUCCESS;
    }
    /* RFC 8446 §4.1.2: the second ClientHello may change only key_share, early_data, cookie and padding. */
    int changed = has != c->first_has || len != c->first_len || (len && memcmp(ext, c->first, len) != 0);
    if (changed && s->d != SESSION_HRR_ACCEPT_CHANGED) {
        *al = SSL_AD_ILLEGAL_PARAMETER;
        return SSL_CLIENT_HELLO_ERROR;
    }
    return SSL_CLIENT_HELLO_SUCCESS;
}

static int ticket_gen(SSL *ssl, void *arg)
{
    (void)ssl;
    (void)arg;
    return 1;
}

/* SESSION_EARLY_IGNORES_TICKET_ALPN: when the ticket or this hello has no ALPN, the ticket is made to carry what
 * this hello will select (possibly nothing), so that OpenSSL's RFC 8446 §4.2.10 comparison succeeds; when both have
 * one it stays, and the comparison is OpenSSL's own. */
static void ignore_missing_alpn(const conn_state *c, SSL_SESSION *sess)
{
    const unsigned char *had = NULL, *sel = NULL;
    size_t had_len = 0;
    SSL_SESSION_get0_alpn_selected(sess, &had, &had_len);
    size_t n = c->cur_has && c->cur_len > 2 ? prefer(c->cur + 2, c->cur_len - 2, &sel) : 0;
    if (had_len == 0 || !c->cur_has)
        SSL_SESSION_set1_alpn_selected(sess, sel, n);
}

static SSL_TICKET_RETURN ticket_dec(SSL *ssl, SSL_SESSION *sess, const unsigned char *keyname, size_t keyname_len,
                                    SSL_TICKET_STATUS status, void *arg)
{
    session_server *s = arg;
    (void)keyname;
    (void)keyname_len;
    if (status == SSL_TICKET_FATAL_ERR_MALLOC || status == SSL_TICKET_FATAL_ERR_OTHER)
        return SSL_TICKET_RETURN_ABORT;
    if (status != SSL_TICKET_SUCCESS && status != SSL_TICKET_SUCCESS_RENEW)
        return SSL_TICKET_RETURN_IGNORE_RENEW;
    if (s->d == SESSION_EARLY_ANY_ALPN) {
        /* The defect: the ticket is made to carry whatever this hello will select, so the RFC 8446 §4.2.10
         * comparison of the ticket's ALPN with the new selection always succeeds. */
        const conn_state *c = SSL_get_app_data(ssl);
        const unsigned char *sel = NULL;
        size_t n = c->cur_len > 2 ? prefer(c->cur + 2, c->cur_len - 2, &sel) : 0;
        if (n)
            SSL_SESSION_set1_alpn_selected(sess, sel, n);
    }
    if (s->d == SESSION_EARLY_IGNORES_TICKET_ALPN)
        ignore_missing_alpn(SSL_get_app_data(ssl), sess);
    return status == SSL_TICKET_SUCCESS ? SSL_TICKET_RETURN_USE : SSL_TICKET_RETURN_USE_RENEW;
}

static void set_timeout(int fd, int ms)
{
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static int selected_h2(SSL *ssl)
{
    const unsigned char *sel = NULL;
    unsigned sel_len = 0;
    SSL_get0_alpn_selected(ssl, &sel, &sel_len);
    return sel_len == 2 && memcmp(sel, h2, 2) == 0;
}

/* The first answer in the selected protocol (RFC 9113 §3.4: a SETTINGS frame first; HTTP/1.1: a status line). */
static void answer(session_server *s, SSL *ssl)
{
    const unsigned char *sel = NULL;
    unsigned sel_len = 0;
    SSL_get0_alpn_selected(ssl, &sel, &sel_len);
    static const unsigned char settings[9] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    static const char ok11[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    if (selected_h2(ssl) && s->d != SESSION_SPEAKS_HTTP1)
        SSL_write(ssl, settings, sizeof settings);
    else if (sel_len > 0)
        SSL_write(ssl, ok11, sizeof ok11 - 1);
}

/* After the handshake: answer the client's first bytes, then read until the client closes, which also serves a
 * renegotiation. */
static void serve(session_server *s, SSL *ssl)
{
    unsigned char buf[4096];
    int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0)
        return;
    answer(s, ssl);
    for (int i = 0; i < 64 && SSL_read(ssl, buf, sizeof buf) > 0; i++)
        ;
}

/* SESSION_EARLY_CLOSES: whether the early data so far (len bytes) ends the connection before the handshake does.
 * With h2 selected, bytes that are not the connection preface are a connection error (RFC 9113 §3.4); otherwise a
 * whole HTTP/1.x request head is answered at once as 0.5-RTT data (RFC 8446 §2.3), and the answer ends the
 * connection, as HTTP/1.0 without keep-alive does. */
static int early_ends_connection(SSL *ssl, const unsigned char *data, size_t len)
{
    static const char magic[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    static const char ok10[] = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
    if (selected_h2(ssl))
        return memcmp(data, magic, len < sizeof magic - 1 ? len : sizeof magic - 1) != 0;
    if (len < 4 || memcmp(data + len - 4, "\r\n\r\n", 4) != 0)
        return 0;
    size_t written;
    SSL_write_early_data(ssl, ok10, sizeof ok10 - 1, &written);
    return 1;
}

/* SESSION_TICKET_AFTER_DATA: the first answer unprompted, then the TLS 1.3 ticket (RFC 8446 §4.6.1: "at any time
 * after" the client's Finished); automatic tickets are off for this server. */
static void answer_then_ticket(session_server *s, SSL *ssl)
{
    if (SSL_version(ssl) != TLS1_3_VERSION)
        return;
    answer(s, ssl);
    if (SSL_new_session_ticket(ssl) == 1)
        SSL_do_handshake(ssl); /* sends the queued ticket */
}

static void handle(session_server *s, int fd)
{
    set_timeout(fd, 1500);
    conn_state c;
    memset(&c, 0, sizeof c);
    SSL *ssl = SSL_new(s->ctx);
    if (ssl == NULL)
        return;
    SSL_set_app_data(ssl, &c);
    SSL_set_fd(ssl, fd);
    unsigned char early[4096];
    size_t got, have = 0;
    int r;
    /* RFC 8446 §4.2.10: early data is read before the handshake completes; OpenSSL decides whether to accept. */
    do {
        r = SSL_read_early_data(ssl, early + have, sizeof early - have, &got);
        if (r != SSL_READ_EARLY_DATA_SUCCESS)
            break;
        have = have + got < sizeof early ? have + got : 0; /* the start is all early_ends_connection reads */
        if (s->d == SESSION_EARLY_CLOSES && early_ends_connection(ssl, early, have)) {
            SSL_free(ssl); /* no close_notify, no wait for the client's Finished: the listener closes fd */
            return;
        }
    } while (r == SSL_READ_EARLY_DATA_SUCCESS);
    if (r == SSL_READ_EARLY_DATA_FINISH && SSL_accept(ssl) == 1) {
        c.established = 1;
        if (s->d == SESSION_TICKET_AFTER_DATA)
            answer_then_ticket(s, ssl);
        serve(s, ssl);
    }
    SSL_shutdown(ssl);
    SSL_free(ssl);
}

/* One connection, for the listener (loopback_server.h). */
static void serve_one(void *ctx, int fd)
{
    handle(ctx, fd);
}

static void session_free(void *ctx)
{
    session_server *s = ctx;
    SSL_CTX_free(s->ctx);
    free(s);
}

/* A throw-away P-256 key and self-signed certificate for localhost; the harness does not verify it. */
static int load_identity(SSL_CTX *ctx)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    int ok = key != NULL && x != NULL;
    if (ok) {
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_gmtime_adj(X509_getm_notBefore(x), -60);
        X509_gmtime_adj(X509_getm_notAfter(x), 3600);
        X509_set_pubkey(x, key);
        X509_NAME *name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
        X509_set_issuer_name(x, name);
        ok = X509_sign(x, key, EVP_sha256()) > 0 && SSL_CTX_use_certificate(ctx, x) == 1 &&
             SSL_CTX_use_PrivateKey(ctx, key) == 1;
    }
    X509_free(x);
    EVP_PKEY_free(key);
    return ok ? 0 : -1;
}

loopback_server *session_server_start(session_defect d)
{
    session_server *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->d = d;
    s->ctx = SSL_CTX_new(TLS_server_method());
    if (s->ctx == NULL || load_identity(s->ctx) != 0) {
        session_free(s);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION);
    SSL_CTX_set_alpn_select_cb(s->ctx, alpn_cb, s);
    SSL_CTX_set_client_hello_cb(s->ctx, hello_cb, s);
    SSL_CTX_set_session_ticket_cb(s->ctx, ticket_gen, ticket_dec, s);
    /* Resumed sessions are found in the server's cache (OpenSSL's anti-replay for early data) by this context. */
    static const unsigned char sid_ctx[] = "alpncheck-test";
    SSL_CTX_set_session_id_context(s->ctx, sid_ctx, sizeof sid_ctx - 1);
    SSL_CTX_set_max_early_data(s->ctx, 16384);
    SSL_CTX_set_recv_max_early_data(s->ctx, 16384);
    /* With anti-replay on, OpenSSL keeps 0-RTT tickets stateful (looked up in its cache, no decryption callback);
     * the defect lives in that callback, so this server trades anti-replay for it. */
    if (d == SESSION_EARLY_ANY_ALPN || d == SESSION_EARLY_IGNORES_TICKET_ALPN)
        SSL_CTX_set_options(s->ctx, SSL_OP_NO_ANTI_REPLAY);
    if (d == SESSION_TICKET_AFTER_DATA)
        SSL_CTX_set_num_tickets(s->ctx, 0);
    if (d == SESSION_RENEG_ALLOWED)
        SSL_CTX_set_options(s->ctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
    return loopback_server_start((loopback_service){serve_one, session_free, s});
}
