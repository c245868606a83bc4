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

/* Off: the hook judges nothing, and the client is GnuTLS 3.7.9 alone (the negative control). */
static int rules_on = 1;

void good_client_set_rules(int on)
{
    rules_on = on;
}

struct ctx {
    int offer_alpn;
    int tls13;
    int alert; /* the alert the hook decided on, -1 none */
    /* A resumption with early data: the name the ticket was issued under (RFC 8446 §4.2.10), and whether the rule
     * is enforced (off: GnuTLS 3.7.9's own behaviour, for the negative control). */
    const uint8_t *ticket_alpn;
    size_t ticket_alpn_len;
    int check_ticket_alpn;
};

/* 1 when an extension block (2-byte length, then extensions) holds extension `type`; 0 otherwise or malformed. */
static int has_extension(const uint8_t *p, size_t len, unsigned type)
{
    wire_rd r, block;
    wire_rd_init(&r, p, len);
    block = wire_rd_block(&r, 2);
    while (!r.err && !block.err && wire_rd_left(&block) >= 4) {
        unsigned t = wire_rd_u16(&block);
        wire_rd body = wire_rd_block(&block, 2);
        if (!block.err && !body.err && t == type)
            return 1;
    }
    return 0;
}

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
    if (!incoming || c->alert >= 0 || !rules_on)
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
        /* RFC 8446 §4.2.10: early data is accepted (early_data in EncryptedExtensions) only under the ALPN protocol
         * the ticket was issued with, "if any": none on both sides matches; anything else is illegal_parameter. The
         * answer is one valid name by now. */
        if (c->alert < 0 && c->check_ticket_alpn && c->ticket_alpn != NULL && has_extension(msg->data, msg->size, 42)) {
            int same = a.count == 0 ? c->ticket_alpn_len == 0
                                    : a.len == 3 + c->ticket_alpn_len && a.data[2] == c->ticket_alpn_len &&
                                          memcmp(a.data + 3, c->ticket_alpn, c->ticket_alpn_len) == 0;
            if (!same)
                c->alert = 47;
        }
    }
    return c->alert >= 0 ? GNUTLS_E_USER_ERROR : 0;
}

/* A TCP connection to host:port with 5 s send and receive timeouts, or -1. */
static int dial(const char *host, int port)
{
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
    return fd;
}

/* One session, set up as the header says; flags for gnutls_init. NULL on failure. */
static gnutls_session_t new_session(gnutls_certificate_credentials_t cred, unsigned flags, struct ctx *c, int fd)
{
    gnutls_session_t s = NULL;
    if (gnutls_init(&s, GNUTLS_CLIENT | flags) < 0)
        return NULL;
    if (gnutls_priority_set_direct(s, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", NULL) < 0 ||
        gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred) < 0 ||
        gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9) < 0) {
        gnutls_deinit(s);
        return NULL;
    }
    gnutls_session_set_verify_cert(s, "localhost", 0);
    if (c->offer_alpn) {
        /* RFC 8701 §3.1: a GREASE value among the real names, first as browsers put it. */
        gnutls_datum_t names[] = {
            {(unsigned char *)grease, 2}, {(unsigned char *)"h2", 2}, {(unsigned char *)"http/1.1", 8}};
        if (gnutls_alpn_set_protocols(s, names, 3, 0) < 0) {
            gnutls_deinit(s);
            return NULL;
        }
    }
    gnutls_session_set_ptr(s, c);
    gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_PRE, hook);
    gnutls_transport_set_int(s, fd);
    gnutls_handshake_set_timeout(s, 5000);
    return s;
}

/* Runs the handshake; 0 when it completed, else the alert sent (> 0) or -1. */
static int handshake(gnutls_session_t s, const struct ctx *c)
{
    int hs;
    do {
        hs = gnutls_handshake(s);
    } while (hs < 0 && !gnutls_error_is_fatal(hs));
    if (hs == 0)
        return 0;
    if (c->alert >= 0) {
        gnutls_alert_send(s, GNUTLS_AL_FATAL, (gnutls_alert_description_t)c->alert);
        return c->alert;
    }
    /* GnuTLS refused by itself: the alert it owes. */
    int al = gnutls_error_to_alert(hs, NULL);
    gnutls_alert_send_appropriate(s, hs);
    return al > 0 ? al : -1;
}

static gnutls_certificate_credentials_t credentials(const char *ca_pem)
{
    gnutls_certificate_credentials_t cred = NULL;
    gnutls_datum_t ca = {.data = (unsigned char *)ca_pem, .size = (unsigned)strlen(ca_pem)};
    if (gnutls_certificate_allocate_credentials(&cred) < 0)
        return NULL;
    if (gnutls_certificate_set_x509_trust_mem(cred, &ca, GNUTLS_X509_FMT_PEM) != 1) {
        gnutls_certificate_free_credentials(cred);
        return NULL;
    }
    return cred;
}

int good_client_run(const char *host, int port, const char *ca_pem, int offer_alpn)
{
    struct ctx c = {.offer_alpn = offer_alpn, .alert = -1};
    int fd = dial(host, port), rc = -1;
    if (fd < 0)
        return -1;
    gnutls_certificate_credentials_t cred = credentials(ca_pem);
    gnutls_session_t s = cred != NULL ? new_session(cred, 0, &c, fd) : NULL;
    if (s != NULL) {
        rc = handshake(s, &c);
        gnutls_deinit(s);
    }
    if (cred != NULL)
        gnutls_certificate_free_credentials(cred);
    close(fd);
    return rc;
}

int good_client_run_0rtt(const char *host, int port, const char *ca_pem, int check_ticket_alpn)
{
    struct ctx c = {.offer_alpn = 1, .alert = -1, .check_ticket_alpn = check_ticket_alpn};
    gnutls_certificate_credentials_t cred = credentials(ca_pem);
    gnutls_datum_t ticket = {NULL, 0}, proto = {NULL, 0};
    uint8_t alpn[256];
    size_t alpn_len = 0;
    gnutls_session_t s = NULL;
    int rc = -1, fd = cred != NULL ? dial(host, port) : -1;
    if (fd < 0)
        goto out;
    /* The first connection: a full handshake, then the NewSessionTicket that follows it (RFC 8446 §4.6.1). */
    s = new_session(cred, 0, &c, fd);
    if (s != NULL && handshake(s, &c) == 0) {
        /* The ticket's protocol; none when the server answered without ALPN (CLI-0RTT-ALPN-ADDED). */
        if (gnutls_alpn_get_selected_protocol(s, &proto) == 0 && proto.size < sizeof alpn) {
            memcpy(alpn, proto.data, proto.size);
            alpn_len = proto.size;
        }
        gnutls_record_set_timeout(s, 100);
        uint8_t buf[256];
        for (int i = 0; i < 30 && !(gnutls_session_get_flags(s) & GNUTLS_SFLAGS_SESSION_TICKET); i++) {
            ssize_t n = gnutls_record_recv(s, buf, sizeof buf);
            if (n == 0 || (n < 0 && gnutls_error_is_fatal((int)n) && n != GNUTLS_E_TIMEDOUT))
                break;
        }
        if (!(gnutls_session_get_flags(s) & GNUTLS_SFLAGS_SESSION_TICKET) || gnutls_session_get_data2(s, &ticket) < 0)
            ticket.data = NULL;
        gnutls_bye(s, GNUTLS_SHUT_WR);
    }
    if (s != NULL)
        gnutls_deinit(s);
    close(fd);
    if (ticket.data == NULL || (fd = dial(host, port)) < 0)
        goto out;
    /* The second: the ticket, with early data (RFC 8446 §4.2.10). */
    c.alert = -1;
    c.ticket_alpn = alpn;
    c.ticket_alpn_len = alpn_len;
    s = new_session(cred, GNUTLS_ENABLE_EARLY_DATA, &c, fd);
    static const char early[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    /* GnuTLS 3.7.9 buffers early data for the handshake and returns 0 for it (a negative value is an error). */
    if (s != NULL && gnutls_session_set_data(s, ticket.data, ticket.size) == 0 &&
        gnutls_record_send_early_data(s, early, sizeof early - 1) >= 0)
        rc = handshake(s, &c);
    if (s != NULL)
        gnutls_deinit(s);
    close(fd);
out:
    if (ticket.data != NULL)
        gnutls_free(ticket.data);
    if (cred != NULL)
        gnutls_certificate_free_credentials(cred);
    return rc;
}
