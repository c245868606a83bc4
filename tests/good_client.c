/* The reference GnuTLS client of the client-check tests: see good_client.h. */
#include "good_client.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "alpn.h"
#include "wire.h"

static const uint8_t grease[] = {0x3a, 0x3a};

struct ctx {
    int offer_alpn;
    int tls13;
    int alert; /* the alert the hook decided on, -1 none */
};

/* 1 when the name is one this client offered (the GREASE value counts as offered, and is refused separately). */
static int offered(const alpn_name *n)
{
    return (n->len == 2 && memcmp(n->data, "h2", 2) == 0) || (n->len == 8 && memcmp(n->data, "http/1.1", 8) == 0) ||
           (n->len == 2 && memcmp(n->data, grease, 2) == 0);
}

/* The alert a client owes an ALPN answer (extension_data), or -1 when the answer is acceptable. */
static int judge_answer(const struct ctx *c, const wire_alpn_seen *a)
{
    /* RFC 8446 §4.2, RFC 5246 §7.4.1.4: an extension the client did not send is unsupported_extension. */
    if (!c->offer_alpn)
        return 110;
    /* RFC 8446 §4.2: at most one extension of a type. */
    if (a->count > 1 || a->len > sizeof a->data)
        return 50;
    /* RFC 7301 §3.1: the answer is a ProtocolNameList with exactly one non-empty name filling the data. */
    alpn_name n;
    alpn_iter it;
    if (alpn_list_validate(a->data, a->len, ALPN_ROLE_SERVER, NULL, NULL) != ALPN_OK)
        return 50;
    alpn_iter_init(&it, a->data, a->len);
    if (!alpn_iter_next(&it, &n))
        return 50;
    /* RFC 7301 §3.2: the server selects one of the client's names; RFC 8701 §3.1: never a GREASE value. */
    if (!offered(&n) || alpn_is_grease(n.data, n.len))
        return 47;
    return -1;
}

/* Sees every received handshake message before GnuTLS processes it. */
static int hook(gnutls_session_t s, unsigned type, unsigned when, unsigned incoming, const gnutls_datum_t *msg)
{
    struct ctx *c = gnutls_session_get_ptr(s);
    (void)when;
    if (!incoming || c->alert >= 0)
        return 0;
    if (type == GNUTLS_HANDSHAKE_SERVER_HELLO) {
        static wire_server_hello sh;
        if (wire_parse_server_hello(msg->data, msg->size, &sh) != 0)
            return 0; /* GnuTLS judges a malformed ServerHello itself */
        c->tls13 = sh.version == WIRE_TLS13;
        if (sh.alpn.count > 0) {
            /* RFC 8446 §4.2: in TLS 1.3 ALPN belongs in EncryptedExtensions; in ServerHello it is illegal. */
            c->alert = c->tls13 ? 47 : judge_answer(c, &sh.alpn);
            /* TLS 1.2 (RFC 7301 §3 and the NPN draft): a server negotiates ALPN or NPN, never both. */
            if (!c->tls13 && c->alert < 0 && sh.npn)
                c->alert = 47;
        }
    } else if (type == GNUTLS_HANDSHAKE_ENCRYPTED_EXTENSIONS) {
        wire_rd r;
        wire_alpn_seen a;
        memset(&a, 0, sizeof a);
        wire_rd_init(&r, msg->data, msg->size);
        if (wire_parse_extensions(&r, &a, NULL) != 0)
            return 0;
        if (a.count > 0)
            c->alert = judge_answer(c, &a);
    }
    return c->alert >= 0 ? GNUTLS_E_USER_ERROR : 0;
}

int good_client_run(const char *host, int port, const char *ca_pem, int offer_alpn)
{
    struct ctx c = {.offer_alpn = offer_alpn, .alert = -1};
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    gnutls_certificate_credentials_t cred = NULL;
    gnutls_session_t s = NULL;
    int rc = -1;
    gnutls_datum_t ca = {.data = (unsigned char *)ca_pem, .size = (unsigned)strlen(ca_pem)};
    if (gnutls_certificate_allocate_credentials(&cred) < 0 ||
        gnutls_certificate_set_x509_trust_mem(cred, &ca, GNUTLS_X509_FMT_PEM) != 1 ||
        gnutls_init(&s, GNUTLS_CLIENT) < 0 ||
        gnutls_priority_set_direct(s, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", NULL) < 0 ||
        gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred) < 0 ||
        gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9) < 0)
        goto out;
    gnutls_session_set_verify_cert(s, "localhost", 0);
    if (offer_alpn) {
        /* RFC 8701 §3.1: a GREASE value among the real names, first as browsers put it. */
        gnutls_datum_t names[] = {
            {(unsigned char *)grease, 2}, {(unsigned char *)"h2", 2}, {(unsigned char *)"http/1.1", 8}};
        if (gnutls_alpn_set_protocols(s, names, 3, 0) < 0)
            goto out;
    }
    gnutls_session_set_ptr(s, &c);
    gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_PRE, hook);
    gnutls_transport_set_int(s, fd);
    gnutls_handshake_set_timeout(s, 5000);
    int hs;
    do {
        hs = gnutls_handshake(s);
    } while (hs < 0 && !gnutls_error_is_fatal(hs));
    if (hs == 0) {
        rc = 0;
    } else if (c.alert >= 0) {
        gnutls_alert_send(s, GNUTLS_AL_FATAL, (gnutls_alert_description_t)c.alert);
        rc = c.alert;
    } else {
        /* GnuTLS refused by itself: the alert it owes. */
        int al = gnutls_error_to_alert(hs, NULL);
        gnutls_alert_send_appropriate(s, hs);
        rc = al > 0 ? al : -1;
    }
out:
    if (s != NULL)
        gnutls_deinit(s);
    if (cred != NULL)
        gnutls_certificate_free_credentials(cred);
    close(fd);
    return rc;
}
