/*
 * One server check, one connection: send the scenario's ClientHello, read the server's flight until an alert, the
 * end of the flight (TLS 1.3 Finished, TLS 1.2 ServerHelloDone), a close or the deadline, and record what was seen.
 * For TLS 1.3 the handshake keys are derived from our X25519 share so that EncryptedExtensions can be read.
 */
#include "server_probe.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"

double probe_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int probe_left_ms(double deadline)
{
    double left = deadline - probe_now_ms();
    return left > 0 ? (int)left + 1 : 0;
}

int probe_dial(const server_target *t, double deadline, char *err, size_t err_cap)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(t->host, t->port, &hints, &res);
    if (rc != 0) {
        snprintf(err, err_cap, "cannot resolve %.100s: %s", t->host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        /* Handshake messages go out at once (no Nagle delay on our small flights). */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            snprintf(err, err_cap, "connect: %s", strerror(errno));
            close(fd);
            fd = -1;
            continue;
        }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (poll(&p, 1, probe_left_ms(deadline)) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 ||
            soerr != 0) {
            snprintf(err, err_cap, "connect: %s", soerr ? strerror(soerr) : "timed out");
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

int probe_send_all(int fd, const uint8_t *p, size_t len, double deadline)
{
    while (len > 0) {
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        if (poll(&pf, 1, probe_left_ms(deadline)) != 1) {
            errno = ETIMEDOUT;
            return -1;
        }
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int probe_recv_more(int fd, uint8_t *buf, size_t cap, size_t *len, double deadline, int *sock_errno)
{
    if (*len >= cap) {
        *sock_errno = ENOBUFS;
        return -2;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, probe_left_ms(deadline)) != 1)
        return -1;
    ssize_t n = recv(fd, buf + *len, cap - *len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 1;
    if (n < 0) {
        *sock_errno = errno;
        return -2;
    }
    *len += (size_t)n;
    return n > 0;
}

/* Connection state while reading the server's flight. */
struct conn {
    int fd;
    double deadline;
    uint8_t in[2 * (5 + WIRE_RECORD_CIPHER_MAX)]; /* unparsed received bytes */
    size_t in_len;
    uint8_t hs[WIRE_HANDSHAKE_MAX + 4]; /* handshake bytes awaiting a whole message */
    size_t hs_len;
    uint8_t plain[WIRE_RECORD_CIPHER_MAX];
    uint8_t ch[5 + 4 + 70000]; /* our ClientHello message, for the transcript */
    size_t ch_len;
    int tls13, keys_ready, sock_errno;
    const probe_request *s;
    wire_client_hello hello;
    gnutls_hash_hd_t transcript; /* after a HelloRetryRequest: message_hash(CH1) || HRR || CH2 so far */
    int retried;
    wire_suite suite;
    wire_hs_keys keys;
    uint8_t x25519_private[32];
    uint8_t p256_private[32];
};

/* Reads more bytes (see probe_recv_more). A buffer that is full without a whole record cannot happen with bounded
 * records. */
static int fill(struct conn *c)
{
    return probe_recv_more(c->fd, c->in, sizeof c->in, &c->in_len, c->deadline, &c->sock_errno);
}

static void note_alpn(observation *o, const wire_alpn_seen *a, alpn_where where)
{
    if (a->count == 0)
        return;
    if (o->alpn_count == 0) {
        o->alpn_where = where;
        o->alpn_len = a->len;
        memcpy(o->alpn, a->data, a->len < OBS_ALPN_MAX ? a->len : OBS_ALPN_MAX);
    }
    o->alpn_count += a->count;
}

/* Answers a HelloRetryRequest with a second ClientHello: an X25519 share, the cookie echoed, and the scenario's
 * second ALPN list when it has one (RFC 8446 §4.1.2: otherwise the hello is unchanged). Returns 0 or -1. */
static int retry(struct conn *c, const wire_server_hello *sh, const uint8_t *msg, size_t len, observation *o)
{
    /* RFC 8446 §4.1.4: a second HelloRetryRequest is an error; so is one for a group we do not offer. */
    if (c->retried || !c->tls13 || sh->version != WIRE_TLS13 || wire_suite_for(sh->cipher, &c->suite) != 0) {
        snprintf(o->error_text, sizeof o->error_text, "unusable HelloRetryRequest (version 0x%04x, suite 0x%04x%s)",
                 sh->version, sh->cipher, c->retried ? ", a second one" : "");
        return -1;
    }
    /* RFC 8446 §4.2.8: the requested group must be one we offered (x25519, secp256r1, secp384r1): we can share the
     * first two. */
    if (sh->key_share_group != 0 && sh->key_share_group != WIRE_GROUP_X25519 &&
        sh->key_share_group != WIRE_GROUP_SECP256R1) {
        snprintf(o->error_text, sizeof o->error_text,
                 "HelloRetryRequest for group 0x%04x: alpncheck shares X25519 and secp256r1 only", sh->key_share_group);
        return -1;
    }
    c->hello.p256 = sh->key_share_group == WIRE_GROUP_SECP256R1;
    if (c->hello.p256 && wire_p256_keypair(c->p256_private, c->hello.p256_public) != 0) {
        snprintf(o->error_text, sizeof o->error_text, "cannot make a secp256r1 key");
        return -1;
    }
    if (sh->cookie_len > sizeof sh->cookie) {
        snprintf(o->error_text, sizeof o->error_text, "HelloRetryRequest cookie of %zu bytes", sh->cookie_len);
        return -1;
    }
    /* RFC 8446 §4.4.1: the transcript restarts as message_hash (type 254) of Hash(ClientHello1), then HRR. */
    uint8_t ch1_hash[48], synthetic[4];
    if (gnutls_hash_fast((gnutls_digest_algorithm_t)c->suite.digest, c->ch, c->ch_len, ch1_hash) < 0 ||
        gnutls_hash_init(&c->transcript, (gnutls_digest_algorithm_t)c->suite.digest) < 0) {
        snprintf(o->error_text, sizeof o->error_text, "transcript hash failed");
        return -1;
    }
    synthetic[0] = 254;
    synthetic[1] = 0;
    synthetic[2] = 0;
    synthetic[3] = (uint8_t)c->suite.hash_len;
    gnutls_hash(c->transcript, synthetic, 4);
    gnutls_hash(c->transcript, ch1_hash, c->suite.hash_len);
    gnutls_hash(c->transcript, msg, len);

    c->hello.empty_key_share = 0;
    c->hello.cookie = sh->cookie;
    c->hello.cookie_len = sh->cookie_len;
    if (c->s->has_ext2) {
        c->hello.alpn = c->s->ext2;
        c->hello.alpn_len = c->s->ext2_len;
    }
    wire_wr w;
    wire_wr_init(&w, c->ch, sizeof c->ch);
    wire_build_client_hello(&w, &c->hello);
    static uint8_t out[sizeof c->ch + 8 * 5];
    wire_wr rw;
    wire_wr_init(&rw, out, sizeof out);
    wire_write_records(&rw, WIRE_CT_HANDSHAKE, WIRE_TLS12, c->ch, w.len);
    if (w.err || rw.err || probe_send_all(c->fd, out, rw.len, c->deadline) != 0) {
        snprintf(o->error_text, sizeof o->error_text, "cannot send the second ClientHello");
        return -1;
    }
    c->ch_len = w.len;
    gnutls_hash(c->transcript, c->ch, c->ch_len);
    c->retried = 1;
    o->hrr = 1;
    return 0;
}

/* Handles one complete handshake message. Returns 1 when the server's flight is complete, -1 to stop with
 * o->error set, 0 to go on. */
static int on_handshake(struct conn *c, const uint8_t *msg, size_t len, observation *o)
{
    unsigned type = msg[0];
    const uint8_t *body = msg + 4;
    size_t body_len = len - 4;
    if (type == WIRE_HS_SERVER_HELLO) {
        static wire_server_hello sh;
        if (wire_parse_server_hello(body, body_len, &sh) != 0) {
            snprintf(o->error_text, sizeof o->error_text, "malformed ServerHello");
            return -1;
        }
        o->version = (uint16_t)sh.version;
        o->npn_seen |= sh.npn;
        note_alpn(o, &sh.alpn, sh.is_hrr ? WHERE_HELLO_RETRY_REQUEST : WHERE_SERVER_HELLO);
        if (sh.is_hrr)
            return retry(c, &sh, msg, len, o);
        if (!c->tls13)
            return 0;
        unsigned want = c->hello.p256 ? WIRE_GROUP_SECP256R1 : WIRE_GROUP_X25519;
        if (sh.version != WIRE_TLS13 || wire_suite_for(sh.cipher, &c->suite) != 0 || !sh.key_share_ok ||
            sh.key_share_group != want) {
            snprintf(o->error_text, sizeof o->error_text,
                     "ServerHello not usable for TLS 1.3 (version 0x%04x, suite 0x%04x, key share 0x%04x %s)",
                     sh.version, sh.cipher, sh.key_share_group, sh.key_share_ok ? "present" : "missing");
            return -1;
        }
        /* RFC 8446 §7.1: handshake traffic secrets over Hash(ClientHello || ServerHello). */
        uint8_t shared[32], th[48];
        gnutls_hash_hd_t h;
        int ecdh = c->hello.p256 ? wire_p256_shared(c->p256_private, sh.key_share, shared)
                                 : wire_x25519_shared(c->x25519_private, sh.key_share, shared);
        if (ecdh != 0 || gnutls_hash_init(&h, (gnutls_digest_algorithm_t)c->suite.digest) < 0) {
            snprintf(o->error_text, sizeof o->error_text, "key exchange failed");
            return -1;
        }
        if (c->retried) {
            /* RFC 8446 §4.4.1: the transcript so far began with message_hash(ClientHello1). */
            gnutls_hash_deinit(h, NULL);
            h = c->transcript;
            c->transcript = NULL;
        } else {
            gnutls_hash(h, c->ch, c->ch_len);
        }
        gnutls_hash(h, msg, len);
        gnutls_hash_deinit(h, th);
        if (wire_derive_handshake_keys(&c->suite, shared, sizeof shared, th, &c->keys) != 0) {
            snprintf(o->error_text, sizeof o->error_text, "key schedule failed");
            return -1;
        }
        c->keys_ready = 1;
        return 0;
    }
    if (type == WIRE_HS_ENCRYPTED_EXTENSIONS) {
        wire_rd r;
        wire_alpn_seen a = {0};
        int npn = 0;
        wire_rd_init(&r, body, body_len);
        if (wire_parse_extensions(&r, &a, &npn) != 0 || wire_rd_left(&r) != 0) {
            snprintf(o->error_text, sizeof o->error_text, "malformed EncryptedExtensions");
            return -1;
        }
        note_alpn(o, &a, WHERE_ENCRYPTED_EXTENSIONS);
        o->npn_seen |= npn;
        return 0;
    }
    if (type == WIRE_HS_CERTIFICATE_REQUEST && c->tls13) {
        /* RFC 8446 §4.3.2: CertificateRequest carries extensions; ALPN there is misplaced. */
        wire_rd r;
        wire_alpn_seen a = {0};
        wire_rd_init(&r, body, body_len);
        wire_rd_block(&r, 1); /* certificate_request_context */
        if (!r.err && wire_parse_extensions(&r, &a, NULL) == 0)
            note_alpn(o, &a, WHERE_OTHER);
        return 0;
    }
    /* The end of the server's first flight. */
    if ((c->tls13 && type == WIRE_HS_FINISHED) || (!c->tls13 && type == WIRE_HS_SERVER_HELLO_DONE))
        return 1;
    return 0;
}

/* Appends handshake bytes and handles every complete message. Same returns as on_handshake. */
static int feed_handshake(struct conn *c, const uint8_t *p, size_t len, observation *o)
{
    if (len > sizeof c->hs - c->hs_len) {
        snprintf(o->error_text, sizeof o->error_text, "handshake message over %u bytes", WIRE_HANDSHAKE_MAX);
        return -1;
    }
    memcpy(c->hs + c->hs_len, p, len);
    c->hs_len += len;
    size_t off = 0;
    int rc = 0;
    while (rc == 0 && c->hs_len - off >= 4) {
        size_t mlen = (size_t)c->hs[off + 1] << 16 | (size_t)c->hs[off + 2] << 8 | c->hs[off + 3];
        if (mlen > WIRE_HANDSHAKE_MAX) {
            snprintf(o->error_text, sizeof o->error_text, "handshake message of %zu bytes", mlen);
            return -1;
        }
        if (c->hs_len - off - 4 < mlen)
            break;
        rc = on_handshake(c, c->hs + off, 4 + mlen, o);
        off += 4 + mlen;
    }
    memmove(c->hs, c->hs + off, c->hs_len - off);
    c->hs_len -= off;
    return rc;
}

static void on_alert(const uint8_t *p, size_t len, observation *o)
{
    /* RFC 8446 §6: an alert is level (1 warning, 2 fatal) and description. */
    if (len >= 2 && o->alert < 0) {
        o->alert_level = p[0];
        o->alert = p[1];
    }
}

/* Reads records until the flight is complete, an alert arrives, the peer closes, or the deadline passes. */
static void read_flight(struct conn *c, observation *o)
{
    int got_any = 0;
    for (;;) {
        wire_record rec;
        size_t used;
        int rc = wire_record_parse(c->in, c->in_len, &rec, &used);
        if (rc < 0) {
            o->error = 1;
            snprintf(o->error_text, sizeof o->error_text, "not a TLS record (bytes %02x %02x %02x)", c->in[0],
                     c->in_len > 1 ? c->in[1] : 0, c->in_len > 2 ? c->in[2] : 0);
            return;
        }
        if (rc == 0) {
            int f = fill(c);
            if (f == 1)
                continue;
            if (got_any) {
                /* Closed, reset or stalled after some answer: the observation says how far the handshake got. */
                o->closed = f != -1;
                return;
            }
            o->error = 1;
            /* A close (FIN) or a reset before a single byte answers the ClientHello; a stall, another socket error
             * or a cut-off first record does not. */
            o->refused = c->in_len == 0 && (f == 0 || (f == -2 && c->sock_errno == ECONNRESET));
            if (c->in_len > 0 && f != -1)
                snprintf(o->error_text, sizeof o->error_text, "%s after %zu bytes of an incomplete record",
                         f == 0 ? "connection closed" : strerror(c->sock_errno), c->in_len);
            else if (f == 0)
                snprintf(o->error_text, sizeof o->error_text, "connection closed before any answer");
            else if (f == -2)
                snprintf(o->error_text, sizeof o->error_text, "%s before any answer", strerror(c->sock_errno));
            else
                snprintf(o->error_text, sizeof o->error_text, "no answer before the deadline");
            return;
        }
        got_any = 1;
        int hr = 0;
        if (rec.type == WIRE_CT_ALERT) {
            on_alert(rec.body, rec.len, o);
            return;
        } else if (rec.type == WIRE_CT_HANDSHAKE) {
            hr = feed_handshake(c, rec.body, rec.len, o);
        } else if (rec.type == WIRE_CT_APPDATA && c->keys_ready) {
            unsigned inner = 0;
            long n = wire_decrypt_record(&c->suite, &c->keys.server, c->in, used, c->plain, &inner);
            if (n < 0) {
                o->error = 1;
                snprintf(o->error_text, sizeof o->error_text, "cannot decrypt the server's handshake record");
                return;
            }
            if (inner == WIRE_CT_ALERT) {
                on_alert(c->plain, (size_t)n, o);
                return;
            }
            if (inner == WIRE_CT_HANDSHAKE)
                hr = feed_handshake(c, c->plain, (size_t)n, o);
        }
        /* ChangeCipherSpec (RFC 8446 §5 middlebox compatibility) and anything else: ignored. */
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
        if (hr < 0) {
            o->error = 1;
            return;
        }
        if (hr > 0) {
            o->completed = 1;
            return;
        }
    }
}

int server_probe(void *ctx, const probe_request *s, observation *o)
{
    static struct conn c;
    const server_target *t = ctx;
    double start = probe_now_ms();
    memset(&c, 0, sizeof c);
    c.deadline = start + t->timeout_ms;
    c.tls13 = strcmp(s->tls, "1.3") == 0;

    c.s = s;
    wire_client_hello ch = {
        .empty_key_share = s->force_hrr,
        .version = c.tls13                      ? WIRE_TLS13
                   : strcmp(s->tls, "1.1") == 0 ? WIRE_TLS11
                   : strcmp(s->tls, "1.0") == 0 ? WIRE_TLS10
                                                : WIRE_TLS12,
        .sni = t->sni,
        .send_alpn = s->send_alpn,
        .alpn = s->ext,
        .alpn_len = s->ext_len,
        .duplicate_alpn = s->duplicate_alpn,
        .send_npn = s->send_npn,
    };
    if (gnutls_rnd(GNUTLS_RND_NONCE, ch.random, sizeof ch.random) < 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, ch.session_id, sizeof ch.session_id) < 0 ||
        wire_x25519_keypair(c.x25519_private, ch.x25519_public) != 0) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "no randomness");
        return 0;
    }
    c.hello = ch;
    wire_wr w;
    wire_wr_init(&w, c.ch, sizeof c.ch);
    wire_build_client_hello(&w, &ch);
    if (w.err) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "ClientHello does not fit");
        return 0;
    }
    c.ch_len = w.len;
    static uint8_t out[sizeof c.ch + 8 * 5];
    wire_wr rw;
    wire_wr_init(&rw, out, sizeof out);
    /* RFC 8446 §5.1: the first ClientHello's record version may be 0x0301 for compatibility. */
    wire_write_records(&rw, WIRE_CT_HANDSHAKE, 0x0301, c.ch, c.ch_len);

    c.fd = probe_dial(t, c.deadline, o->error_text, sizeof o->error_text);
    if (c.fd < 0) {
        o->error = 1;
        o->ms = probe_now_ms() - start;
        return 0;
    }
    errno = 0;
    if (probe_send_all(c.fd, out, rw.len, c.deadline) == 0 || errno == EPIPE || errno == ECONNRESET) {
        /* A server that hung up while a long ClientHello was still going out answered it: what it sent before
         * (an alert), or nothing (refused). */
        read_flight(&c, o);
    } else {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "cannot send the ClientHello: %s", strerror(errno));
    }
    close(c.fd);
    if (c.transcript != NULL)
        gnutls_hash_deinit(c.transcript, NULL);
    o->ms = probe_now_ms() - start;
    return 0;
}
