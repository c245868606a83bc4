/*
 * One client check, one connection: read the client's ClientHello, answer with the scenario's ALPN (TLS 1.3:
 * ServerHello, then EncryptedExtensions, Certificate, CertificateVerify and Finished under the handshake keys; TLS
 * 1.2: ServerHello, Certificate, ServerKeyExchange, ServerHelloDone), and read the client's reaction: an alert (TLS
 * 1.3: decrypted with the client's handshake key when protected) or its next handshake message — Finished (TLS 1.3)
 * or ClientKeyExchange (TLS 1.2) — which means it accepted the answer. Every read has the check's deadline.
 * CLI-0RTT-ALPN takes two connections: a full handshake that issues a ticket, then a resumption that accepts the
 * client's early data (decrypted under its early keys until EndOfEarlyData) but selects another ALPN.
 */
#include "client_peer.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_probe.h"

int client_listener_open(client_listener *l, const char *host, int port, char *err, size_t err_cap)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *res;
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    snprintf(l->host, sizeof l->host, "%s", host);
    l->fd = -1;
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        snprintf(err, err_cap, "cannot resolve %.60s: %s", host, gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai != NULL && l->fd < 0; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol), one = 1;
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 8) != 0) {
            snprintf(err, err_cap, "cannot listen on %.60s:%d: %s", host, port, strerror(errno));
            close(fd);
            continue;
        }
        struct sockaddr_storage a;
        socklen_t al = sizeof a;
        if (getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
            close(fd);
            continue;
        }
        l->port = a.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&a)->sin6_port)
                                          : ntohs(((struct sockaddr_in *)&a)->sin_port);
        l->fd = fd;
    }
    freeaddrinfo(res);
    return l->fd >= 0 ? 0 : -1;
}

void client_listener_close(client_listener *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
}

int client_listener_drain(client_listener *l)
{
    int n = 0;
    struct pollfd p = {.fd = l->fd, .events = POLLIN};
    while (n < 64 && poll(&p, 1, 0) == 1) {
        int fd = accept(l->fd, NULL, NULL);
        if (fd < 0)
            break;
        close(fd);
        n++;
    }
    return n;
}

/* State of one connection. */
struct conn {
    int fd;
    double deadline;
    uint8_t in[2 * (5 + WIRE_RECORD_CIPHER_MAX)];
    size_t in_len;
    uint8_t hs[WIRE_HANDSHAKE_MAX + 4]; /* handshake bytes awaiting a whole message */
    size_t hs_len;
    uint8_t transcript[WIRE_HANDSHAKE_MAX + 8192]; /* ClientHello .. our last message (TLS 1.3) */
    size_t transcript_len;
    uint8_t plain[WIRE_RECORD_CIPHER_MAX];
    uint8_t out[16384 + 8192];
    wire_client_hello_info ch;
    wire_suite suite;
    unsigned suite_code; /* TLS 1.3: the suite of our ServerHello */
    wire_hs_keys keys;
    int tls13;
    int sock_errno;
    wire_traffic early; /* client_early_traffic_secret's keys, once 0-RTT is accepted */
    int early_phase;    /* the client's records are under the early keys (until its EndOfEarlyData) */
};

/* What answer_tls13 needs to resume (RFC 8446 §2.2): the PSK of alpncheck's ticket, its suite, the identity's
 * index in the client's pre_shared_key. */
struct resume {
    const uint8_t *psk;
    unsigned suite;
    unsigned identity;
};

/* 1 data, 0 orderly close, -1 deadline, -2 socket error or a full buffer (probe_recv_more). */
static int fill(struct conn *c)
{
    return probe_recv_more(c->fd, c->in, sizeof c->in, &c->in_len, c->deadline, &c->sock_errno);
}

static int send_all(struct conn *c, const uint8_t *p, size_t len)
{
    return probe_send_all(c->fd, p, len, c->deadline);
}

static void send_alert(struct conn *c, unsigned code)
{
    const uint8_t rec[] = {WIRE_CT_ALERT, 0x03, 0x03, 0x00, 0x02, 0x02, (uint8_t)code};
    send_all(c, rec, sizeof rec);
}

static void consume(struct conn *c, size_t used)
{
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
}

/* Reads the ClientHello (RFC 8446 §5.1: it may span records; nothing else may come first). 0, or -1 with
 * o->error_text. */
static int read_client_hello(struct conn *c, observation *o)
{
    for (;;) {
        if (c->hs_len >= 4) {
            size_t mlen = (size_t)c->hs[1] << 16 | (size_t)c->hs[2] << 8 | c->hs[3];
            if (c->hs[0] != WIRE_HS_CLIENT_HELLO || mlen > WIRE_HANDSHAKE_MAX) {
                snprintf(o->error_text, sizeof o->error_text,
                         "the first handshake message is type %u of %zu bytes, "
                         "not a ClientHello",
                         c->hs[0], mlen);
                return -1;
            }
            if (c->hs_len - 4 >= mlen) {
                if (c->hs_len - 4 > mlen) {
                    snprintf(o->error_text, sizeof o->error_text, "data after the ClientHello in its record");
                    return -1;
                }
                memcpy(c->transcript, c->hs, c->hs_len);
                c->transcript_len = c->hs_len;
                c->hs_len = 0;
                return 0;
            }
        }
        wire_record rec;
        size_t used;
        int rc = wire_record_parse(c->in, c->in_len, &rec, &used);
        if (rc < 0) {
            snprintf(o->error_text, sizeof o->error_text, "not a TLS record (bytes %02x %02x %02x)", c->in[0],
                     c->in_len > 1 ? c->in[1] : 0, c->in_len > 2 ? c->in[2] : 0);
            return -1;
        }
        if (rc == 0) {
            int f = fill(c);
            if (f == 1)
                continue;
            snprintf(o->error_text, sizeof o->error_text, "%s before a whole ClientHello",
                     f == 0    ? "the client closed the connection"
                     : f == -1 ? "the deadline passed"
                               : "socket error");
            return -1;
        }
        if (rec.type != WIRE_CT_HANDSHAKE || rec.len > sizeof c->hs - c->hs_len) {
            snprintf(o->error_text, sizeof o->error_text, "record type %u before the ClientHello was complete",
                     rec.type);
            return -1;
        }
        memcpy(c->hs + c->hs_len, rec.body, rec.len);
        c->hs_len += rec.len;
        consume(c, used);
    }
}

static int append_transcript(struct conn *c, const uint8_t *msg, size_t len)
{
    if (len > sizeof c->transcript - c->transcript_len)
        return -1;
    memcpy(c->transcript + c->transcript_len, msg, len);
    c->transcript_len += len;
    return 0;
}

static int transcript_hash(struct conn *c, uint8_t *out)
{
    return gnutls_hash_fast((gnutls_digest_algorithm_t)c->suite.digest, c->transcript, c->transcript_len, out) < 0 ? -1
                                                                                                                   : 0;
}

static int fail(observation *o, const char *why)
{
    snprintf(o->error_text, sizeof o->error_text, "%s", why);
    return -1;
}

/* TLS 1.3: ServerHello in clear, then the encrypted flight. With r, a resumption (RFC 8446 §2.3): the ServerHello
 * selects the PSK, the key schedule starts from it, EncryptedExtensions accepts early data and no Certificate or
 * CertificateVerify follows; the client's early keys go to c->early. 0, or -1 with o->error_text. */
static int answer_tls13(struct conn *c, const wire_identity *id, const client_answer *a, const struct resume *r,
                        observation *o)
{
    static const unsigned suites[] = {0x1301, 0x1302, 0x1303};
    unsigned suite = r != NULL ? r->suite : 0;
    for (size_t i = 0; i < 3 && suite == 0; i++)
        suite = wire_ch_offers_suite(&c->ch, suites[i]) ? suites[i] : 0;
    if (suite == 0 || wire_suite_for(suite, &c->suite) != 0)
        return fail(o, "the client offers none of TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, "
                       "TLS_CHACHA20_POLY1305_SHA256");
    c->suite_code = suite;
    if (!c->ch.sig_ecdsa_p256 && r == NULL)
        return fail(o, "the client does not accept ecdsa_secp256r1_sha256 signatures");
    /* RFC 8446 §4.2.8: answer one of the client's shares; without X25519 or secp256r1 shares a HelloRetryRequest
     * would be needed, which alpncheck does not send. */
    uint8_t priv[32], pub[65], shared[32];
    size_t pub_len;
    unsigned group;
    if (c->ch.share_x25519) {
        group = WIRE_GROUP_X25519;
        pub_len = 32;
        if (wire_x25519_keypair(priv, pub) != 0 || wire_x25519_shared(priv, c->ch.x25519, shared) != 0)
            return fail(o, "X25519 key exchange failed");
    } else if (c->ch.share_p256) {
        group = WIRE_GROUP_SECP256R1;
        pub_len = 65;
        if (wire_p256_keypair(priv, pub) != 0 || wire_p256_shared(priv, c->ch.p256, shared) != 0)
            return fail(o, "secp256r1 key exchange failed");
    } else {
        return fail(o, "the client sent no X25519 or secp256r1 key share (alpncheck sends no HelloRetryRequest)");
    }
    wire_server_hello_params p = {
        .version = WIRE_TLS13,
        .session_id = c->ch.session_id,
        .session_id_len = c->ch.session_id_len,
        .cipher = suite,
        .group = group,
        .key_share = pub,
        .key_share_len = pub_len,
        .send_alpn = a->send && a->in_server_hello,
        .alpn = a->ext,
        .alpn_len = a->ext_len,
        .psk = r != NULL,
        .psk_identity = r != NULL ? r->identity : 0,
    };
    if (gnutls_rnd(GNUTLS_RND_NONCE, p.random, sizeof p.random) < 0)
        return fail(o, "no randomness");
    uint8_t th[48];
    if (r != NULL) {
        /* RFC 8446 §7.1: client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello). */
        uint8_t early[48], secret[48];
        if (transcript_hash(c, th) != 0 || wire_early_secret(&c->suite, r->psk, early) != 0 ||
            wire_derive_secret(&c->suite, early, "c e traffic", th, secret) != 0 ||
            wire_traffic_keys(&c->suite, secret, &c->early) != 0)
            return fail(o, "cannot derive the client's early traffic keys");
        c->early_phase = 1;
    }
    static uint8_t msg[8192];
    wire_wr w, out;
    wire_wr_init(&w, msg, sizeof msg);
    wire_build_server_hello(&w, &p);
    wire_wr_init(&out, c->out, sizeof c->out);
    wire_write_records(&out, WIRE_CT_HANDSHAKE, WIRE_TLS12, msg, w.len);
    /* RFC 8446 §D.4: in middlebox compatibility mode (a non-empty session id) a dummy change_cipher_spec follows. */
    if (c->ch.session_id_len > 0) {
        static const uint8_t ccs[] = {WIRE_CT_CCS, 0x03, 0x03, 0x00, 0x01, 0x01};
        wire_wr_bytes(&out, ccs, sizeof ccs);
    }
    if (w.err || out.err || append_transcript(c, msg, w.len) != 0 || transcript_hash(c, th) != 0 ||
        wire_derive_handshake_keys_psk(&c->suite, r != NULL ? r->psk : NULL, shared, sizeof shared, th, &c->keys) != 0)
        return fail(o, "cannot build the ServerHello");

    /* EncryptedExtensions and Certificate, then CertificateVerify over Hash(ClientHello .. Certificate), then
     * Finished over Hash(ClientHello .. CertificateVerify). RFC 8446 §2.2: a PSK handshake has no Certificate and no
     * CertificateVerify. */
    uint8_t verify[48];
    wire_wr_init(&w, msg, sizeof msg);
    if (r != NULL) {
        wire_build_encrypted_extensions_early(&w, a->send && !a->in_server_hello, a->ext, a->ext_len);
        if (w.err || append_transcript(c, msg, w.len) != 0 || transcript_hash(c, th) != 0 ||
            wire_finished_verify_data(&c->suite, c->keys.server_secret, th, verify) != 0)
            return fail(o, "cannot build EncryptedExtensions");
    } else {
        size_t leaf_len;
        const uint8_t *leaf = wire_identity_leaf(id, &leaf_len);
        wire_build_encrypted_extensions(&w, a->send && !a->in_server_hello, a->ext, a->ext_len);
        wire_build_certificate(&w, 1, leaf, leaf_len);
        uint8_t input[200], sig[160];
        if (w.err || append_transcript(c, msg, w.len) != 0 || transcript_hash(c, th) != 0)
            return fail(o, "cannot build EncryptedExtensions and Certificate");
        size_t in_len = wire_certificate_verify_input(th, c->suite.hash_len, input);
        long sig_len = wire_identity_sign(id, input, in_len, sig, sizeof sig);
        if (sig_len < 0)
            return fail(o, "cannot sign CertificateVerify");
        size_t cv_at = w.len;
        wire_build_certificate_verify(&w, WIRE_SIG_ECDSA_P256_SHA256, sig, (size_t)sig_len);
        if (w.err || append_transcript(c, msg + cv_at, w.len - cv_at) != 0 || transcript_hash(c, th) != 0 ||
            wire_finished_verify_data(&c->suite, c->keys.server_secret, th, verify) != 0)
            return fail(o, "cannot build CertificateVerify");
    }
    size_t fin_at = w.len;
    wire_build_finished(&w, verify, c->suite.hash_len);
    if (w.err || append_transcript(c, msg + fin_at, w.len - fin_at) != 0)
        return fail(o, "cannot build Finished");
    for (size_t off = 0; off < w.len;) {
        size_t n = w.len - off > WIRE_RECORD_MAX ? WIRE_RECORD_MAX : w.len - off;
        if (wire_encrypt_record(&c->suite, &c->keys.server, WIRE_CT_HANDSHAKE, msg + off, n, &out) != 0)
            return fail(o, "cannot protect the server's flight");
        off += n;
    }
    if (send_all(c, c->out, out.len) != 0)
        return fail(o, "cannot send the server's flight");
    return 0;
}

/* TLS 1.2: ServerHello, Certificate, ServerKeyExchange (ECDHE, signed), ServerHelloDone. 0 or -1. */
static int answer_tls12(struct conn *c, const wire_identity *id, const client_answer *a, observation *o)
{
    /* ECDHE_ECDSA suites with AES-GCM, ChaCha20 or AES-CBC: only the key exchange and signature matter here. */
    static const unsigned suites[] = {0xc02b, 0xc02c, 0xcca9, 0xc023, 0xc024, 0xc009, 0xc00a};
    unsigned suite = 0;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0] && suite == 0; i++)
        suite = wire_ch_offers_suite(&c->ch, suites[i]) ? suites[i] : 0;
    if (suite == 0)
        return fail(o, "the client offers no ECDHE_ECDSA cipher suite for TLS 1.2");
    if (!c->ch.sig_ecdsa_p256)
        return fail(o, "the client does not accept ecdsa_secp256r1_sha256 signatures");
    uint8_t priv[32], pub[65];
    size_t pub_len;
    unsigned group;
    if (c->ch.group_x25519) {
        group = WIRE_GROUP_X25519;
        pub_len = 32;
        if (wire_x25519_keypair(priv, pub) != 0)
            return fail(o, "no X25519 key");
    } else if (c->ch.group_p256) {
        group = WIRE_GROUP_SECP256R1;
        pub_len = 65;
        if (wire_p256_keypair(priv, pub) != 0)
            return fail(o, "no secp256r1 key");
    } else {
        return fail(o, "the client supports neither X25519 nor secp256r1");
    }
    wire_server_hello_params p = {
        .version = WIRE_TLS12,
        .session_id = c->ch.session_id,
        .session_id_len = c->ch.session_id_len,
        .cipher = suite,
        .send_alpn = a->send,
        .alpn = a->ext,
        .alpn_len = a->ext_len,
        .send_npn = a->npn,
        .npn = a->npn_data,
        .npn_len = a->npn_len,
        .reneg_info = c->ch.reneg_info || c->ch.scsv,
        .ems = c->ch.ems,
        .ec_point_formats = c->ch.ec_point_formats,
    };
    if (gnutls_rnd(GNUTLS_RND_NONCE, p.random, sizeof p.random) < 0)
        return fail(o, "no randomness");
    static uint8_t msg[8192];
    uint8_t params[80], signed_data[64 + 80], sig[160];
    wire_wr w, pw;
    wire_wr_init(&pw, params, sizeof params);
    wire_build_ecdhe_params(&pw, group, pub, pub_len);
    /* RFC 8422 §5.4: the signature covers client_random, server_random and the ECDH parameters. */
    memcpy(signed_data, c->ch.random, 32);
    memcpy(signed_data + 32, p.random, 32);
    memcpy(signed_data + 64, params, pw.len);
    long sig_len = pw.err ? -1 : wire_identity_sign(id, signed_data, 64 + pw.len, sig, sizeof sig);
    if (sig_len < 0)
        return fail(o, "cannot sign ServerKeyExchange");
    size_t leaf_len;
    const uint8_t *leaf = wire_identity_leaf(id, &leaf_len);
    wire_wr_init(&w, msg, sizeof msg);
    wire_build_server_hello(&w, &p);
    wire_build_certificate(&w, 0, leaf, leaf_len);
    wire_build_server_key_exchange(&w, params, pw.len, WIRE_SIG_ECDSA_P256_SHA256, sig, (size_t)sig_len);
    wire_build_server_hello_done(&w);
    wire_wr out;
    wire_wr_init(&out, c->out, sizeof c->out);
    wire_write_records(&out, WIRE_CT_HANDSHAKE, WIRE_TLS12, msg, w.len);
    if (w.err || out.err)
        return fail(o, "cannot build the server's flight");
    if (send_all(c, c->out, out.len) != 0)
        return fail(o, "cannot send the server's flight");
    return 0;
}

static void on_alert(const uint8_t *p, size_t len, observation *o)
{
    /* RFC 8446 §6: level (1 warning, 2 fatal), description. */
    if (len >= 2 && o->alert < 0) {
        o->alert_level = p[0];
        o->alert = p[1];
    }
}

/* A handshake message from the client after our flight: its Finished (TLS 1.3, whole: it stays at the start of
 * c->hs) or ClientKeyExchange (TLS 1.2) means it accepted everything so far. Returns 1 when the reaction is known. */
static int on_client_handshake(struct conn *c, const uint8_t *p, size_t len, observation *o)
{
    if (len > sizeof c->hs - c->hs_len)
        return fail(o, "client handshake data over the bound"), 1;
    memcpy(c->hs + c->hs_len, p, len);
    c->hs_len += len;
    while (c->hs_len >= 1) {
        unsigned type = c->hs[0];
        if (!c->tls13) {
            if (type != 16 /* client_key_exchange */ && type != WIRE_HS_CERTIFICATE)
                return 0;
            o->accepted = 1;
            return 1;
        }
        if (c->hs_len < 4)
            return 0;
        size_t whole = 4 + ((size_t)c->hs[1] << 16 | (size_t)c->hs[2] << 8 | c->hs[3]);
        if (c->hs_len < whole)
            return 0;
        if (type == WIRE_HS_FINISHED) {
            o->accepted = 1;
            return 1;
        }
        if (type != WIRE_HS_END_OF_EARLY_DATA)
            return 0;
        /* RFC 8446 §4.5: EndOfEarlyData ends the early keys; the client's next records are under its handshake
         * key. */
        c->early_phase = 0;
        memmove(c->hs, c->hs + whole, c->hs_len - whole);
        c->hs_len -= whole;
    }
    return 0;
}

/* Reads the client's records until an alert, its next handshake message, a close or the deadline. */
static void read_reaction(struct conn *c, observation *o)
{
    c->hs_len = 0;
    for (;;) {
        wire_record rec;
        size_t used;
        int rc = wire_record_parse(c->in, c->in_len, &rec, &used);
        if (rc < 0) {
            o->error = 1;
            snprintf(o->error_text, sizeof o->error_text, "the client sent something that is not a TLS record");
            return;
        }
        if (rc == 0) {
            int f = fill(c);
            if (f == 1)
                continue;
            /* An orderly close or a reset, both without an alert; the deadline leaves all flags clear. */
            o->closed = f == 0 || f == -2;
            return;
        }
        int done = 0;
        if (rec.type == WIRE_CT_ALERT) {
            on_alert(rec.body, rec.len, o);
            done = 1;
        } else if (rec.type == WIRE_CT_HANDSHAKE) {
            done = on_client_handshake(c, rec.body, rec.len, o);
        } else if (rec.type == WIRE_CT_APPDATA && c->tls13) {
            unsigned inner = 0;
            long n = -1;
            if (c->early_phase) {
                /* RFC 8446 §4.2.10: once 0-RTT is accepted, the client's records are under its early keys until
                 * EndOfEarlyData (§4.5). A record that does not decrypt under them is taken as the switch to the
                 * handshake key (a client that drops early data to send its alert there); AEAD failures leave the
                 * sequence number alone, so trying costs nothing. */
                n = wire_decrypt_record(&c->suite, &c->early, c->in, used, c->plain, &inner);
                if (n >= 0 && inner == WIRE_CT_APPDATA)
                    o->early_records++;
                c->early_phase = n >= 0;
            }
            if (n < 0)
                n = wire_decrypt_record(&c->suite, &c->keys.client, c->in, used, c->plain, &inner);
            if (n < 0) {
                o->error = 1;
                snprintf(o->error_text, sizeof o->error_text,
                         "cannot decrypt the client's record with its handshake key");
                return;
            }
            if (inner == WIRE_CT_ALERT) {
                on_alert(c->plain, (size_t)n, o);
                done = 1;
            } else if (inner == WIRE_CT_HANDSHAKE) {
                done = on_client_handshake(c, c->plain, (size_t)n, o);
            }
        }
        /* change_cipher_spec (RFC 8446 §5 compatibility) is skipped. */
        consume(c, used);
        if (done)
            return;
    }
}

/* Waits for a connection by c->deadline in short slices, so that a client command that ended without connecting is
 * noticed at once instead of at the deadline, and accepts it into c->fd. 0; 1 when the deadline passed; 2 when the
 * command ended (its status in *status); -1 when accept failed (errno). */
static int accept_conn(client_listener *l, struct conn *c, int *status)
{
    for (;;) {
        struct pollfd p = {.fd = l->fd, .events = POLLIN};
        int left = probe_left_ms(c->deadline);
        *status = -1;
        if (left > 0 && poll(&p, 1, left < 50 ? left : 50) == 1)
            break;
        if (left == 0)
            return 1;
        /* A command that connected and then ended between the poll and this test still has its connection
         * waiting: one more look before calling it gone. */
        if (l->gone != NULL && l->gone(l->gone_ctx, status)) {
            if (poll(&p, 1, 0) == 1)
                break;
            return 2;
        }
    }
    c->fd = accept(l->fd, NULL, NULL);
    if (c->fd >= 0 && (fcntl(c->fd, F_SETFL, O_NONBLOCK) != 0 || fcntl(c->fd, F_SETFD, FD_CLOEXEC) != 0)) {
        close(c->fd);
        c->fd = -1;
    }
    if (c->fd < 0)
        return -1;
    int one = 1; /* our flight goes out at once; no Nagle wait for the client's reaction */
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

/* Reads and parses a ClientHello on c. 0, or -1 with o->error_text (a decode_error alert has been sent). */
static int take_client_hello(struct conn *c, observation *o)
{
    if (read_client_hello(c, o) == 0 && wire_parse_client_hello(c->transcript + 4, c->transcript_len - 4, &c->ch) == 0)
        return 0;
    if (o->error_text[0] == '\0')
        snprintf(o->error_text, sizeof o->error_text, "malformed ClientHello");
    send_alert(c, 50); /* RFC 8446 §6.2: decode_error */
    return -1;
}

/* The offer and versions of c's ClientHello into o. */
static void note_offer(const struct conn *c, observation *o)
{
    o->hello_seen = 1;
    o->offer_tls12 = c->ch.offers_tls12;
    o->offer_tls13 = c->ch.offers_tls13;
    o->offer_count = c->ch.alpn_count;
    o->offer_len = c->ch.alpn_len;
    memset(o->offer, 0, sizeof o->offer);
    if (c->ch.alpn != NULL) /* no ALPN offered: nothing to copy */
        memcpy(o->offer, c->ch.alpn, c->ch.alpn_len < OBS_OFFER_MAX ? c->ch.alpn_len : OBS_OFFER_MAX);
    o->offer_npn = c->ch.npn;
}

/* alpncheck's ticket (RFC 8446 §4.6.1: opaque to the client): a random identity; the state stays here. */
struct ticket {
    uint8_t id[16];
    uint8_t psk[48];
    unsigned suite;
    uint8_t alpn[ALPN_NAME_MAX];
    size_t alpn_len;
};

/* TLS 1.3, after the client's Finished on c: the application and resumption secrets (RFC 8446 §7.1), then a
 * NewSessionTicket allowing early data (§4.6.1, §4.2.10) under the server's application key. 0 or -1. */
static int issue_ticket(struct conn *c, unsigned suite, const client_answer *a, struct ticket *t, observation *o)
{
    uint8_t th_server[48], th_client[48], master[48], secret[48], res[48], nonce[8];
    size_t fin = 4 + ((size_t)c->hs[1] << 16 | (size_t)c->hs[2] << 8 | c->hs[3]);
    wire_traffic app;
    uint32_t age_add;
    /* RFC 8446 §7.1: the application traffic secrets hash ClientHello .. server Finished, resumption_master_secret
     * ClientHello .. client Finished. */
    if (transcript_hash(c, th_server) != 0 || c->hs_len < fin || append_transcript(c, c->hs, fin) != 0 ||
        transcript_hash(c, th_client) != 0 || wire_master_secret(&c->suite, c->keys.handshake_secret, master) != 0 ||
        wire_derive_secret(&c->suite, master, "s ap traffic", th_server, secret) != 0 ||
        wire_traffic_keys(&c->suite, secret, &app) != 0 ||
        wire_derive_secret(&c->suite, master, "res master", th_client, res) != 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, t->id, sizeof t->id) < 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, nonce, sizeof nonce) < 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, &age_add, sizeof age_add) < 0)
        return fail(o, "cannot derive the resumption secret");
    /* RFC 8446 §4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
    if (wire_expand_label(&c->suite, res, "resumption", nonce, sizeof nonce, t->psk, c->suite.hash_len) != 0)
        return fail(o, "cannot derive the ticket's PSK");
    t->suite = suite;
    t->alpn_len = a->send && a->ext_len >= 3 ? a->ext[2] : 0;
    memcpy(t->alpn, a->ext + 3, t->alpn_len);
    uint8_t msg[128];
    wire_wr w, out;
    wire_wr_init(&w, msg, sizeof msg);
    wire_build_new_session_ticket(&w, 7200, age_add, nonce, sizeof nonce, t->id, sizeof t->id, 16384);
    wire_wr_init(&out, c->out, sizeof c->out);
    if (w.err || wire_encrypt_record(&c->suite, &app, WIRE_CT_HANDSHAKE, msg, w.len, &out) != 0 ||
        send_all(c, c->out, out.len) != 0)
        return fail(o, "cannot send the NewSessionTicket");
    memcpy(o->ticket_alpn, t->alpn, t->alpn_len);
    o->ticket_alpn_len = t->alpn_len;
    return 0;
}

/* After the ticket: lets the client read it and hang up. Discards what it sends (its application data and
 * close_notify, under keys alpncheck does not keep) until it closes, its next connection is waiting, or 2 s pass. */
static void linger(struct conn *c, const client_listener *l)
{
    double end = probe_now_ms() + (l->timeout_ms < 2000 ? l->timeout_ms : 2000);
    uint8_t sink[4096];
    for (;;) {
        struct pollfd p[2] = {{.fd = c->fd, .events = POLLIN}, {.fd = l->fd, .events = POLLIN}};
        if (poll(p, 2, probe_left_ms(end)) <= 0 || (p[1].revents & POLLIN))
            return;
        ssize_t n = recv(c->fd, sink, sizeof sink, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            return;
    }
}

/* The index of alpncheck's ticket among the client's PSK identities, or -1. */
static int find_ticket(const wire_client_hello_info *ch, const struct ticket *t)
{
    for (size_t i = 0; i < ch->n_psks; i++) {
        if (ch->psks[i].identity_len == sizeof t->id && memcmp(ch->psks[i].identity, t->id, sizeof t->id) == 0)
            return (int)i;
    }
    return -1;
}

/* A full handshake with the valid answer: for a connection on which the scenario cannot be played, so that the
 * client ends normally. */
static void answer_plainly(struct conn *c, const client_listener *l, const client_request *r)
{
    client_answer a;
    static observation scratch;
    observation_init(&scratch);
    r->valid(r->valid_ctx, c->ch.alpn, c->ch.alpn_len, c->ch.alpn_count, c->ch.npn, &a);
    if (answer_tls13(c, l->id, &a, NULL, &scratch) == 0)
        read_reaction(c, &scratch);
    else
        send_alert(c, 40);
}

/* CLI-0RTT-ALPN (RFC 8446 §4.2.10), TLS 1.3, on c holding the first ClientHello: a full handshake with the valid
 * answer that issues a ticket for it, then on the client's second connection a resumption that accepts its early
 * data but selects another offered name; the reaction to that goes to o. The first connection is closed here. */
static void serve_resumption(struct conn *c, client_listener *l, const client_request *s, observation *o)
{
    client_answer a1, a2;
    static observation o1;
    static struct ticket t;
    s->valid(s->valid_ctx, c->ch.alpn, c->ch.alpn_len, c->ch.alpn_count, c->ch.npn, &a1);
    s->answer(s->answer_ctx, c->ch.alpn, c->ch.alpn_len, c->ch.alpn_count, c->ch.npn, &a2);
    if (a2.skip_reason != NULL) {
        /* The judge explains from the offer (SKIP); the client gets an ordinary handshake. */
        o->answered = 1;
        answer_plainly(c, l, s);
        return;
    }
    observation_init(&o1);
    if (answer_tls13(c, l->id, &a1, NULL, o) != 0) {
        send_alert(c, 40);
        return;
    }
    read_reaction(c, &o1);
    if (!o1.accepted) {
        char what[120];
        if (o1.alert >= 0)
            snprintf(what, sizeof what, "the client sent alert %d (%s)", o1.alert, alpn_alert_name(o1.alert));
        else if (o1.error)
            snprintf(what, sizeof what, "%.110s", o1.error_text);
        else
            snprintf(what, sizeof what, "%s", o1.closed ? "the client closed it" : "no Finished before the deadline");
        snprintf(o->error_text, sizeof o->error_text,
                 "the first connection (a full handshake with a valid answer) did not complete: %s", what);
        return;
    }
    memset(&t, 0, sizeof t);
    if (issue_ticket(c, c->suite_code, &a1, &t, o) != 0)
        return;
    linger(c, l);
    close(c->fd);

    /* The second connection: a fresh deadline. */
    unsigned suite = t.suite;
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->tls13 = 1;
    c->deadline = probe_now_ms() + l->timeout_ms;
    int status;
    int rc = accept_conn(l, c, &status);
    if (rc != 0) {
        o->client_exit = status;
        return; /* no second connection: the client did not resume (SKIP) */
    }
    if (take_client_hello(c, o) != 0) {
        o->error = 1;
        char why[OBS_TEXT_MAX];
        snprintf(why, sizeof why, "%s", o->error_text);
        snprintf(o->error_text, sizeof o->error_text, "the second connection: %.170s", why);
        return;
    }
    o->second_hello = 1;
    note_offer(c, o);
    int idx = find_ticket(&c->ch, &t);
    /* RFC 8446 §4.2.9: a PSK with (EC)DHE needs psk_dhe_ke; alpncheck answers no psk_ke. */
    o->resume_offered = idx >= 0 && c->ch.offers_tls13 && c->ch.psk_dhe_ke;
    o->early_offered = c->ch.early_data;
    s->answer(s->answer_ctx, c->ch.alpn, c->ch.alpn_len, c->ch.alpn_count, c->ch.npn, &a2);
    if (!o->resume_offered || !o->early_offered || a2.skip_reason != NULL) {
        o->answered = 1;
        answer_plainly(c, l, s);
        return;
    }
    /* RFC 8446 §4.2.11: pre_shared_key MUST be the last extension (else illegal_parameter), with one binder per
     * identity. */
    if (c->ch.psk_not_last || c->ch.n_binders != c->ch.n_psks || (size_t)idx >= c->ch.n_binders) {
        send_alert(c, 47);
        fail(o, "the second ClientHello's pre_shared_key is not the last extension or lacks binders");
        return;
    }
    /* RFC 8446 §4.2.11: the PSK is used with its own suite's hash; alpncheck resumes with the ticket's suite. */
    if (!wire_ch_offers_suite(&c->ch, suite) || wire_suite_for(suite, &c->suite) != 0) {
        send_alert(c, 40);
        fail(o, "the second ClientHello does not offer the ticket's cipher suite");
        return;
    }
    /* RFC 8446 §4.2.11.2: the binder is an HMAC over Transcript-Hash(Truncate(ClientHello)), the hello without its
     * binders list; a binder that does not verify aborts the handshake (decrypt_error). */
    uint8_t th[48], binder[48];
    if (c->ch.psk_binders_len > c->transcript_len ||
        gnutls_hash_fast((gnutls_digest_algorithm_t)c->suite.digest, c->transcript,
                         c->transcript_len - c->ch.psk_binders_len, th) < 0 ||
        wire_psk_binder(&c->suite, t.psk, th, binder) != 0 || c->ch.psks[idx].binder_len != c->suite.hash_len ||
        memcmp(c->ch.psks[idx].binder, binder, c->suite.hash_len) != 0) {
        send_alert(c, 51);
        fail(o, "the client's PSK binder does not verify (RFC 8446 §4.2.11.2)");
        return;
    }
    /* The other offered name must differ from the ticket's: a client whose second offer puts the ticket's name first
     * cannot be tested this way. */
    if (a2.ext_len >= 3 && a2.ext[2] == t.alpn_len && memcmp(a2.ext + 3, t.alpn, t.alpn_len) == 0) {
        send_alert(c, 40);
        fail(o, "the second offer's first name is the ticket's: no other offered name to select");
        return;
    }
    struct resume r = {.psk = t.psk, .suite = suite, .identity = (unsigned)idx};
    if (answer_tls13(c, l->id, &a2, &r, o) != 0) {
        send_alert(c, 40);
        return;
    }
    o->answered = 1;
    read_reaction(c, o);
}

int client_serve(void *ctx, const client_request *s, observation *o)
{
    static struct conn c;
    client_listener *l = ctx;
    double start = probe_now_ms();
    memset(&c, 0, sizeof c);
    c.fd = -1;
    c.deadline = start + l->timeout_ms;
    c.tls13 = strcmp(s->tls, "1.3") == 0;
    int status, rc = accept_conn(l, &c, &status);
    if (rc != 0) {
        o->error = 1;
        if (rc == 1)
            snprintf(o->error_text, sizeof o->error_text, "the client did not connect to %s:%d within %d ms", l->host,
                     l->port, l->timeout_ms);
        else if (rc == 2)
            snprintf(o->error_text, sizeof o->error_text,
                     "the client command ended (exit status %d) without connecting to %s:%d", status, l->host, l->port);
        else
            snprintf(o->error_text, sizeof o->error_text, "accept: %s", strerror(errno));
        o->client_exit = status;
        o->ms = probe_now_ms() - start;
        return 0;
    }
    if (take_client_hello(&c, o) != 0) {
        o->error = 1;
        close(c.fd);
        o->ms = probe_now_ms() - start;
        return 0;
    }
    note_offer(&c, o);
    o->version = c.tls13 ? WIRE_TLS13 : WIRE_TLS12;

    client_answer a;
    s->answer(s->answer_ctx, c.ch.alpn, c.ch.alpn_len, c.ch.alpn_count, c.ch.npn, &a);
    if ((c.tls13 && !c.ch.offers_tls13) || (!c.tls13 && !c.ch.offers_tls12)) {
        /* RFC 8446 §4.1.3: no common version; the judge reports SKIP. */
        send_alert(&c, 70);
    } else if (s->resumption && c.tls13) {
        serve_resumption(&c, l, s, o);
    } else if (a.alert >= 0) {
        /* RFC 7301 §3.2: no_application_protocol instead of a ServerHello. */
        send_alert(&c, (unsigned)a.alert);
        o->answered = 1;
        read_reaction(&c, o);
    } else if ((c.tls13 ? answer_tls13(&c, l->id, &a, NULL, o) : answer_tls12(&c, l->id, &a, o)) != 0) {
        send_alert(&c, 40); /* handshake_failure: we cannot serve this client */
    } else {
        o->answered = 1;
        read_reaction(&c, o);
    }
    if (c.fd >= 0)
        close(c.fd);
    o->ms = probe_now_ms() - start;
    return 0;
}
