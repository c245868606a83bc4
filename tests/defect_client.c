/* A TLS client with switchable ALPN defects, on the wire engine, for proving that every client check can fail. */
#include "defect_client.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alpn.h"
#include "wire.h"
#include "wire_server.h"

#define READ_MS 5000 /* the bound on every read */
#define GO_ON   (-2) /* a message handler's "keep reading" */

static const char *const names[DEFECT_CLIENT_COUNT] = {
    "none",
    "accept-unoffered",
    "accept-two-names",
    "accept-empty-name",
    "accept-empty-list",
    "accept-trailing",
    "accept-unsolicited",
    "accept-grease",
    "accept-alpn-in-sh",
    "accept-npn-with-alpn",
    "wrong-alert",
    "offer-empty-name",
    "offer-h2c",
    "offer-twice",
    "silent-close",
    "accept-0rtt-alpn-change",
    "accept-0rtt-alpn-added",
};

const char *client_defect_name(client_defect d)
{
    return (unsigned)d < DEFECT_CLIENT_COUNT ? names[d] : "unknown";
}

/* State of one connection. */
struct dc {
    int fd;
    client_defect d;
    int tls13, offer_alpn;
    uint8_t offer[64]; /* our ALPN extension_data */
    size_t offer_len;
    alpn_name offered[5]; /* its names, pointing into offer (an empty one included: the iterator would stop there) */
    size_t n_offered;
    uint8_t x25519_private[32], x25519_public[32];
    uint8_t in[2 * (5 + WIRE_RECORD_CIPHER_MAX)]; /* received bytes not yet parsed */
    size_t in_len;
    uint8_t plain[WIRE_RECORD_CIPHER_MAX];
    uint8_t hs[WIRE_HANDSHAKE_MAX + 4]; /* handshake bytes awaiting a whole message */
    size_t hs_len;
    uint8_t transcript[32768]; /* TLS 1.3: ClientHello .. the last message received */
    size_t transcript_len;
    uint8_t out[16384 + 512];
    int sh_seen, ee_seen, keys_ready;
    wire_alpn_seen sh_alpn, ee_alpn; /* the answer where it was found */
    int sh_npn;
    wire_suite suite;
    unsigned suite_code;
    wire_hs_keys keys;
    /* Resumption (CLI-0RTT-ALPN): the first connection takes a ticket, the second offers it with early data. */
    struct dc_ticket *take;         /* the first connection: where the server's ticket goes */
    const struct dc_ticket *resume; /* the second: the ticket offered */
    uint8_t res_master[48];         /* resumption_master_secret, once our Finished is sent */
    int early_write;                /* our records go under the early keys (RFC 8446 §4.2.10) */
    wire_traffic early;
    int psk_accepted;
};

/* A ticket and what the client keeps with it (RFC 8446 §4.6.1). */
struct dc_ticket {
    int have;
    wire_new_session_ticket nst;
    uint8_t psk[48];
    unsigned suite;
    uint8_t alpn[ALPN_NAME_MAX]; /* the ALPN selected on the ticket's connection */
    size_t alpn_len;
};

/* ---- bytes on the socket ------------------------------------------------------------------------------------ */

static int dial(const char *host, int port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    if (getaddrinfo(host, service, &hints, &res) != 0)
        return -1;
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

static int send_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        if (poll(&pf, 1, READ_MS) != 1)
            return -1;
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* More bytes: 1, or 0 at a close, an error or the deadline. */
static int fill(struct dc *c)
{
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    if (c->in_len == sizeof c->in || poll(&p, 1, READ_MS) != 1)
        return 0;
    ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
    if (n <= 0)
        return 0;
    c->in_len += (size_t)n;
    return 1;
}

/* Half-closes, then reads until the server closes too, so that no reset overtakes what was sent. */
static void hang_up(int fd)
{
    uint8_t sink[4096];
    shutdown(fd, SHUT_WR);
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, READ_MS) != 1 || recv(fd, sink, sizeof sink, 0) <= 0)
            break;
    }
    close(fd);
}

/* One record of the given content type: protected with the client's early key while it sends early data, with its
 * handshake key once there is one (RFC 8446 §5.2), in clear before. 0 or -1. */
static int send_record(struct dc *c, unsigned type, const uint8_t *p, size_t len)
{
    wire_wr w;
    wire_wr_init(&w, c->out, sizeof c->out);
    if (c->early_write || c->keys_ready) {
        if (wire_encrypt_record(&c->suite, c->early_write ? &c->early : &c->keys.client, type, p, len, &w) != 0)
            return -1;
    } else {
        wire_write_records(&w, (int)type, WIRE_TLS12, p, len);
    }
    return w.err ? -1 : send_all(c->fd, c->out, w.len);
}

/* Refuses the server's flight with a fatal alert — or, with the defects, the wrong one or none. Returns what
 * defect_client_run reports. */
static int reject(struct dc *c, int alert)
{
    if (c->d == DEFECT_CLIENT_SILENT_CLOSE)
        return DEFECT_CLIENT_CLOSED;
    if (c->d == DEFECT_CLIENT_WRONG_ALERT)
        alert = 40;                              /* handshake_failure */
    const uint8_t body[2] = {2, (uint8_t)alert}; /* RFC 8446 §6: fatal, description */
    send_record(c, WIRE_CT_ALERT, body, sizeof body);
    return alert;
}

/* ---- the ALPN rules, correct or defective ------------------------------------------------------------------- */

static void offer_name(struct dc *c, const char *name, size_t len)
{
    c->offered[c->n_offered].data = c->offer + c->offer_len + 1;
    c->offered[c->n_offered++].len = len;
    c->offer[c->offer_len++] = (uint8_t)len;
    memcpy(c->offer + c->offer_len, name, len);
    c->offer_len += len;
}

/* GREASE first as Chrome does (RFC 8701 §3.1), then h2 and http/1.1; the defects add an empty name or h2c. */
static void build_offer(struct dc *c)
{
    c->offer_len = 2;
    offer_name(c, "\x3a\x3a", 2);
    offer_name(c, "h2", 2);
    if (c->d == DEFECT_CLIENT_OFFER_EMPTY_NAME)
        offer_name(c, "", 0);
    offer_name(c, "http/1.1", 8);
    if (c->d == DEFECT_CLIENT_OFFER_H2C)
        offer_name(c, "h2c", 3);
    c->offer[0] = (uint8_t)((c->offer_len - 2) >> 8);
    c->offer[1] = (uint8_t)(c->offer_len - 2);
}

static int was_offered(const struct dc *c, const alpn_name *n)
{
    for (size_t i = 0; i < c->n_offered; i++) {
        if (c->offered[i].len == n->len && memcmp(c->offered[i].data, n->data, n->len) == 0)
            return 1;
    }
    return 0;
}

/* The selected name of the server's extension_data: 0 with *sel (len 0 for "no protocol", which only the defects
 * produce), or decode_error. */
static int selected_name(client_defect d, const uint8_t *ext, size_t len, alpn_name *sel)
{
    alpn_iter it;
    sel->data = NULL;
    sel->len = 0;
    if (d == DEFECT_CLIENT_ACCEPT_TRAILING && len >= 2 && 2 + ((size_t)ext[0] << 8 | ext[1]) <= len)
        len = 2 + ((size_t)ext[0] << 8 | ext[1]); /* the defect: what follows the list goes unseen */
    if ((d == DEFECT_CLIENT_ACCEPT_EMPTY_LIST && len == 2 && ext[0] == 0 && ext[1] == 0) ||
        (d == DEFECT_CLIENT_ACCEPT_EMPTY_NAME && len == 3 && ext[0] == 0 && ext[1] == 1 && ext[2] == 0))
        return 0;
    if (d == DEFECT_CLIENT_ACCEPT_TWO_NAMES) {
        /* The defect: any valid list, of which only the first name is read. */
        if (alpn_list_validate(ext, len, ALPN_ROLE_CLIENT, NULL, NULL) != ALPN_OK)
            return ALPN_DECODE_ERROR;
    } else if (alpn_list_validate(ext, len, ALPN_ROLE_SERVER, NULL, NULL) != ALPN_OK) {
        /* RFC 7301 §3.1: the server's ProtocolNameList "MUST contain exactly one ProtocolName", a non-empty one
         * (ProtocolName<1..2^8-1>), filling extension_data: two names, an empty name or list, trailing bytes. */
        return ALPN_DECODE_ERROR;
    }
    alpn_iter_init(&it, ext, len);
    alpn_iter_next(&it, sel);
    return 0;
}

/* The client's verdict on the server's ALPN answer so far (ServerHello, and TLS 1.3 EncryptedExtensions once
 * seen): 0 to go on, or the alert to send. */
static int judge_answer(const struct dc *c)
{
    client_defect d = c->d;
    unsigned count = c->sh_alpn.count + c->ee_alpn.count;
    if (count == 0)
        return 0; /* RFC 7301 §3.2: no answer, no protocol; the client goes on */
    /* RFC 8446 §4.2 / RFC 5246 §7.4.1.4: an extension in a response must have been in the ClientHello; else
     * unsupported_extension. */
    if (!c->offer_alpn)
        return d == DEFECT_CLIENT_ACCEPT_UNSOLICITED ? 0 : ALPN_UNSUPPORTED_EXTENSION;
    /* RFC 8446 §4.2: in TLS 1.3 ALPN belongs in EncryptedExtensions; an extension where it may not appear is an
     * illegal_parameter. */
    if (c->tls13 && c->sh_alpn.count > 0 && d != DEFECT_CLIENT_ACCEPT_ALPN_IN_SH)
        return ALPN_ILLEGAL_PARAMETER;
    /* RFC 8446 §4.2: at most one extension of a type; one answer (only the defect reads ServerHello's). */
    if (count > 1)
        return ALPN_ILLEGAL_PARAMETER;
    /* NPN draft (draft-agl-tls-nextprotoneg) and RFC 7301 §3: a server negotiates ALPN or NPN, never both. */
    if (!c->tls13 && c->sh_npn && d != DEFECT_CLIENT_ACCEPT_NPN_WITH_ALPN)
        return ALPN_ILLEGAL_PARAMETER;
    const wire_alpn_seen *a = c->sh_alpn.count > 0 ? &c->sh_alpn : &c->ee_alpn;
    if (a->len > WIRE_ALPN_KEEP)
        return ALPN_DECODE_ERROR; /* longer than any one-name list */
    alpn_name sel;
    if (selected_name(d, a->data, a->len, &sel) != 0)
        return ALPN_DECODE_ERROR;
    if (sel.len == 0)
        return 0;
    /* RFC 8701 §3.1: GREASE values are never negotiated; a client rejects one selected by the server. */
    if (alpn_is_grease(sel.data, sel.len) && d != DEFECT_CLIENT_ACCEPT_GREASE)
        return ALPN_ILLEGAL_PARAMETER;
    /* RFC 7301 §3.1–3.2: the selected protocol is one of those the client advertised. */
    if (!was_offered(c, &sel) && d != DEFECT_CLIENT_ACCEPT_UNOFFERED)
        return ALPN_ILLEGAL_PARAMETER;
    return 0;
}

/* ---- the handshake ------------------------------------------------------------------------------------------ */

static int append_transcript(struct dc *c, const uint8_t *msg, size_t len)
{
    if (len > sizeof c->transcript - c->transcript_len)
        return -1;
    memcpy(c->transcript + c->transcript_len, msg, len);
    c->transcript_len += len;
    return 0;
}

static int transcript_hash(const struct dc *c, uint8_t *out)
{
    return gnutls_hash_fast((gnutls_digest_algorithm_t)c->suite.digest, c->transcript, c->transcript_len, out) < 0 ? -1
                                                                                                                   : 0;
}

static int on_server_hello(struct dc *c, const uint8_t *msg, size_t len)
{
    static const uint8_t x25519_zero[32];
    wire_server_hello sh;
    if (wire_parse_server_hello(msg + 4, len - 4, &sh) != 0)
        return reject(c, ALPN_DECODE_ERROR);
    /* alpncheck sends no HelloRetryRequest; answering one would need a second ClientHello. */
    if (sh.is_hrr)
        return -1;
    /* RFC 8446 §4.1.3: the version offered, and nothing else. */
    if (sh.version != (c->tls13 ? WIRE_TLS13 : WIRE_TLS12))
        return reject(c, 70); /* protocol_version */
    c->sh_seen = 1;
    c->sh_alpn = sh.alpn;
    c->sh_npn = sh.npn;
    int alert = judge_answer(c);
    if (alert != 0)
        return reject(c, alert);
    if (!c->tls13)
        return GO_ON;
    /* RFC 8446 §7.1: handshake traffic secrets from the X25519 secret and Hash(ClientHello || ServerHello). */
    uint8_t shared[32], th[48];
    if (wire_suite_for(sh.cipher, &c->suite) != 0 || !sh.key_share_ok || sh.key_share_group != WIRE_GROUP_X25519)
        return reject(c, ALPN_ILLEGAL_PARAMETER);
    c->suite_code = sh.cipher;
    /* RFC 8446 §4.2.11: a selected_identity we offered (one: index 0), with the ticket's suite; a server that does
     * not resume leaves our early data unread (§4.2.10), and the client's records go under the handshake key. */
    if (sh.psk_selected && (c->resume == NULL || sh.psk_identity != 0 || sh.cipher != c->resume->suite))
        return reject(c, ALPN_ILLEGAL_PARAMETER);
    c->psk_accepted = sh.psk_selected;
    if (!c->psk_accepted)
        c->early_write = 0;
    /* RFC 8446 §7.4.2: an all-zero X25519 secret (RFC 7748 §6.1) is refused. */
    if (wire_x25519_shared(c->x25519_private, sh.key_share, shared) != 0 || memcmp(shared, x25519_zero, 32) == 0 ||
        append_transcript(c, msg, len) != 0 || transcript_hash(c, th) != 0 ||
        wire_derive_handshake_keys_psk(&c->suite, c->psk_accepted ? c->resume->psk : NULL, shared, sizeof shared, th,
                                       &c->keys) != 0)
        return reject(c, 80); /* internal_error */
    c->keys_ready = 1;
    return GO_ON;
}

/* TLS 1.3: checks the server's Finished (RFC 8446 §4.4.4), then sends ours over the transcript through it. */
static int on_finished(struct dc *c, const uint8_t *msg, size_t len)
{
    uint8_t th[48], verify[48];
    if (!c->ee_seen)
        return reject(c, 10); /* unexpected_message: RFC 8446 §4.4.1 order */
    if (transcript_hash(c, th) != 0 || wire_finished_verify_data(&c->suite, c->keys.server_secret, th, verify) != 0)
        return reject(c, 80);
    if (len - 4 != c->suite.hash_len || memcmp(msg + 4, verify, c->suite.hash_len) != 0)
        return reject(c, 51); /* decrypt_error */
    uint8_t fin[4 + 48], th_server[48];
    wire_wr w;
    wire_wr_init(&w, fin, sizeof fin);
    if (append_transcript(c, msg, len) != 0 || transcript_hash(c, th_server) != 0)
        return reject(c, 80);
    if (c->early_write) {
        /* RFC 8446 §4.5: after the server's Finished, EndOfEarlyData under the early keys ends the early data; it
         * belongs to the transcript of our Finished (§4.4.1), which goes under the handshake key. */
        static const uint8_t eoed[4] = {WIRE_HS_END_OF_EARLY_DATA, 0, 0, 0};
        if (send_record(c, WIRE_CT_HANDSHAKE, eoed, sizeof eoed) != 0 || append_transcript(c, eoed, 4) != 0)
            return -1;
        c->early_write = 0;
    }
    if (transcript_hash(c, th) != 0 || wire_finished_verify_data(&c->suite, c->keys.client_secret, th, verify) != 0)
        return reject(c, 80);
    wire_build_finished(&w, verify, c->suite.hash_len);
    if (w.err || send_record(c, WIRE_CT_HANDSHAKE, fin, w.len) != 0)
        return -1;
    if (c->take == NULL)
        return 0;
    /* RFC 8446 §7.1: the server's application traffic secret hashes ClientHello .. server Finished; the resumption
     * master secret ClientHello .. client Finished. Then the NewSessionTicket (§4.6.1) under the former. */
    uint8_t master[48], secret[48];
    if (append_transcript(c, fin, w.len) != 0 || transcript_hash(c, th) != 0 ||
        wire_master_secret(&c->suite, c->keys.handshake_secret, master) != 0 ||
        wire_derive_secret(&c->suite, master, "s ap traffic", th_server, secret) != 0 ||
        wire_traffic_keys(&c->suite, secret, &c->keys.server) != 0 ||
        wire_derive_secret(&c->suite, master, "res master", th, c->res_master) != 0)
        return -1;
    return GO_ON;
}

/* The first connection's NewSessionTicket: its PSK (RFC 8446 §4.6.1), suite and the connection's ALPN are kept.
 * 0, or -1 when it is malformed. */
static int on_ticket(struct dc *c, const uint8_t *msg, size_t len)
{
    struct dc_ticket *t = c->take;
    alpn_name sel = {NULL, 0};
    if (wire_parse_new_session_ticket(msg + 4, len - 4, &t->nst) != 0)
        return -1;
    /* RFC 8446 §4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
    if (wire_expand_label(&c->suite, c->res_master, "resumption", t->nst.nonce, t->nst.nonce_len, t->psk,
                          c->suite.hash_len) != 0)
        return -1;
    t->suite = c->suite_code;
    if (c->ee_alpn.count == 1 && c->ee_alpn.len <= WIRE_ALPN_KEEP &&
        selected_name(DEFECT_CLIENT_NONE, c->ee_alpn.data, c->ee_alpn.len, &sel) == 0) {
        memcpy(t->alpn, sel.data, sel.len);
        t->alpn_len = sel.len;
    }
    t->have = 1;
    return 0;
}

/* 1 when an extension block (2-byte length, then extensions) holds the extension type. */
static int has_extension(const uint8_t *p, size_t len, unsigned type)
{
    wire_rd r;
    wire_rd_init(&r, p, len);
    wire_rd exts = wire_rd_block(&r, 2);
    while (!exts.err && wire_rd_left(&exts) > 0) {
        unsigned t = wire_rd_u16(&exts);
        wire_rd_block(&exts, 2);
        if (!exts.err && t == type)
            return 1;
    }
    return 0;
}

/* TLS 1.2: a ClientKeyExchange (RFC 8422 §5.7: the client's ECDHE point). alpncheck looks only at its type. */
static int send_client_key_exchange(struct dc *c)
{
    uint8_t msg[4 + 1 + 32];
    wire_wr w;
    wire_wr_init(&w, msg, sizeof msg);
    wire_wr_u8(&w, 16); /* client_key_exchange */
    size_t m = wire_wr_open(&w, 3), point = wire_wr_open(&w, 1);
    wire_wr_bytes(&w, c->x25519_public, 32);
    wire_wr_close(&w, point, 1);
    wire_wr_close(&w, m, 3);
    return w.err || send_record(c, WIRE_CT_HANDSHAKE, msg, w.len) != 0 ? -1 : 0;
}

/* One whole handshake message. GO_ON, or what defect_client_run returns. */
static int on_message(struct dc *c, const uint8_t *msg, size_t len)
{
    unsigned type = msg[0];
    if (!c->sh_seen)
        return type == WIRE_HS_SERVER_HELLO ? on_server_hello(c, msg, len) : reject(c, 10);
    if (!c->tls13)
        return type == WIRE_HS_SERVER_HELLO_DONE ? send_client_key_exchange(c) : GO_ON;
    if (type == WIRE_HS_FINISHED)
        return on_finished(c, msg, len);
    if (type == WIRE_HS_NEW_SESSION_TICKET)
        return c->take != NULL && on_ticket(c, msg, len) == 0 ? 0 : -1;
    if (append_transcript(c, msg, len) != 0)
        return reject(c, 80);
    if (type == WIRE_HS_ENCRYPTED_EXTENSIONS && !c->ee_seen) {
        wire_rd r;
        int npn = 0;
        wire_rd_init(&r, msg + 4, len - 4);
        if (wire_parse_extensions(&r, &c->ee_alpn, &npn) != 0 || wire_rd_left(&r) != 0)
            return reject(c, ALPN_DECODE_ERROR);
        c->ee_seen = 1;
        int alert = judge_answer(c);
        if (alert != 0)
            return reject(c, alert);
        if (!has_extension(msg + 4, len - 4, WIRE_EXT_EARLY_DATA)) {
            c->early_write = 0; /* RFC 8446 §4.2.10: early data rejected; no EndOfEarlyData */
            return GO_ON;
        }
        /* RFC 8446 §4.2.10: early_data in EncryptedExtensions only answers ours, on a resumption. */
        if (!c->early_write || !c->psk_accepted)
            return reject(c, ALPN_ILLEGAL_PARAMETER);
        /* RFC 8446 §4.2.10: "the client MUST verify that the server's selected_identity is 0 ... and that the
         * selected ALPN protocol matches" the ticket's ("if any": none on both sides matches too), else
         * illegal_parameter. One defect does not look; the other looks only when the ticket has a protocol. */
        alpn_name sel = {NULL, 0};
        if (c->ee_alpn.count == 1)
            selected_name(c->d, c->ee_alpn.data, c->ee_alpn.len, &sel);
        int looks = c->d != DEFECT_CLIENT_ACCEPT_0RTT_ALPN_CHANGE &&
                    (c->d != DEFECT_CLIENT_ACCEPT_0RTT_ALPN_ADDED || c->resume->alpn_len > 0);
        if ((sel.len != c->resume->alpn_len || memcmp(sel.data, c->resume->alpn, sel.len) != 0) && looks)
            return reject(c, ALPN_ILLEGAL_PARAMETER);
        return GO_ON;
    }
    return GO_ON;
}

/* Handshake bytes, possibly several messages or part of one (RFC 8446 §5.1). */
static int feed(struct dc *c, const uint8_t *p, size_t len)
{
    if (len > sizeof c->hs - c->hs_len)
        return reject(c, ALPN_DECODE_ERROR);
    memcpy(c->hs + c->hs_len, p, len);
    c->hs_len += len;
    size_t off = 0;
    int rc = GO_ON;
    while (rc == GO_ON && c->hs_len - off >= 4) {
        size_t mlen = (size_t)c->hs[off + 1] << 16 | (size_t)c->hs[off + 2] << 8 | c->hs[off + 3];
        if (mlen > WIRE_HANDSHAKE_MAX)
            return reject(c, ALPN_DECODE_ERROR);
        if (c->hs_len - off - 4 < mlen)
            break;
        rc = on_message(c, c->hs + off, 4 + mlen);
        off += 4 + mlen;
    }
    memmove(c->hs, c->hs + off, c->hs_len - off);
    c->hs_len -= off;
    return rc;
}

/* Reads the server's records until the client has reacted. */
static int handshake(struct dc *c)
{
    for (;;) {
        wire_record rec;
        size_t used;
        int rc = wire_record_parse(c->in, c->in_len, &rec, &used);
        if (rc < 0)
            return reject(c, ALPN_DECODE_ERROR);
        if (rc == 0) {
            if (!fill(c))
                return -1;
            continue;
        }
        int r = GO_ON;
        if (rec.type == WIRE_CT_ALERT) {
            return -1; /* the server aborted (alert 120, or it could not serve us) */
        } else if (rec.type == WIRE_CT_HANDSHAKE) {
            r = feed(c, rec.body, rec.len);
        } else if (rec.type == WIRE_CT_APPDATA && c->keys_ready) {
            unsigned inner = 0;
            long n = wire_decrypt_record(&c->suite, &c->keys.server, c->in, used, c->plain, &inner);
            if (n < 0)
                r = reject(c, 20); /* RFC 8446 §5.2: bad_record_mac */
            else if (inner == WIRE_CT_ALERT)
                return -1;
            else if (inner == WIRE_CT_HANDSHAKE)
                r = feed(c, c->plain, (size_t)n);
        } else if (rec.type != WIRE_CT_CCS) {
            r = reject(c, 10); /* unexpected_message */
        }
        /* change_cipher_spec: RFC 8446 §5 and §D.4 (middlebox compatibility) — skipped. */
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
        if (r != GO_ON)
            return r;
    }
}

/* One connection; take: keep the server's ticket (TLS 1.3), offer: resume with this ticket and early data. */
static int run_once(const char *host, int port, const char *tls, int offer_alpn, client_defect d,
                    struct dc_ticket *take, const struct dc_ticket *offer)
{
    struct dc *c = calloc(1, sizeof *c);
    if (c == NULL)
        return -1;
    c->fd = -1;
    c->d = d;
    c->tls13 = strcmp(tls, "1.2") != 0;
    c->offer_alpn = offer_alpn;
    c->take = take;
    c->resume = offer;
    build_offer(c);
    wire_suite rs;
    if (offer != NULL && wire_suite_for(offer->suite, &rs) != 0) {
        free(c);
        return -1;
    }
    wire_client_hello ch = {
        .version = c->tls13 ? WIRE_TLS13 : WIRE_TLS12,
        .sni = "localhost",
        .send_alpn = offer_alpn,
        .alpn = c->offer,
        .alpn_len = c->offer_len,
        .duplicate_alpn = d == DEFECT_CLIENT_OFFER_TWICE,
        .send_npn = !c->tls13, /* NPN exists in TLS 1.2 only */
        .early_data = offer != NULL,
        .psk_identity = offer != NULL ? offer->nst.ticket : NULL,
        .psk_identity_len = offer != NULL ? offer->nst.ticket_len : 0,
        /* RFC 8446 §4.2.11.1: the ticket's age in ms (about 0 here) plus ticket_age_add, modulo 2^32. */
        .psk_obfuscated_age = offer != NULL ? offer->nst.age_add : 0,
        .psk_binder_len = offer != NULL ? rs.hash_len : 0,
    };
    int rc = -1;
    const size_t at = sizeof c->out / 2; /* the message in the upper half, its record in the lower */
    wire_wr msg, rec;
    wire_wr_init(&msg, c->out + at, sizeof c->out - at);
    wire_wr_init(&rec, c->out, at);
    if (gnutls_rnd(GNUTLS_RND_NONCE, ch.random, sizeof ch.random) == 0 &&
        gnutls_rnd(GNUTLS_RND_NONCE, ch.session_id, sizeof ch.session_id) == 0 &&
        wire_x25519_keypair(c->x25519_private, c->x25519_public) == 0) {
        memcpy(ch.x25519_public, c->x25519_public, 32);
        wire_build_client_hello(&msg, &ch);
        int ok = !msg.err;
        if (ok && offer != NULL) {
            /* RFC 8446 §4.2.11.2: the binder (the last hash_len bytes) over Truncate(ClientHello): all but the binders
             * list (2-byte length, 1-byte binder length, binder). */
            uint8_t th[48], *hello = c->out + at;
            ok = msg.len > 3 + rs.hash_len &&
                 gnutls_hash_fast((gnutls_digest_algorithm_t)rs.digest, hello, msg.len - 3 - rs.hash_len, th) == 0 &&
                 wire_psk_binder(&rs, offer->psk, th, hello + msg.len - rs.hash_len) == 0;
        }
        /* RFC 8446 §5.1: the first ClientHello's record version may be 0x0301 for compatibility. */
        wire_write_records(&rec, WIRE_CT_HANDSHAKE, WIRE_TLS10, c->out + at, msg.len);
        if (ok && !rec.err && append_transcript(c, c->out + at, msg.len) == 0 && (c->fd = dial(host, port)) >= 0 &&
            send_all(c->fd, c->out, rec.len) == 0) {
            if (offer != NULL) {
                /* RFC 8446 §4.2.10 and §7.1: one 0-RTT record under client_early_traffic_secret =
                 * Derive-Secret(Early Secret, "c e traffic", ClientHello). */
                static const char request[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
                uint8_t th[48], early[48], secret[48];
                c->suite = rs;
                ok = transcript_hash(c, th) == 0 && wire_early_secret(&rs, offer->psk, early) == 0 &&
                     wire_derive_secret(&rs, early, "c e traffic", th, secret) == 0 &&
                     wire_traffic_keys(&rs, secret, &c->early) == 0;
                c->early_write = ok;
                ok = ok && send_record(c, WIRE_CT_APPDATA, (const uint8_t *)request, sizeof request - 1) == 0;
            }
            if (ok)
                rc = handshake(c);
        }
    }
    if (c->fd >= 0)
        hang_up(c->fd);
    free(c);
    return rc;
}

int defect_client_run(const char *host, int port, const char *tls, int offer_alpn, client_defect d)
{
    return run_once(host, port, tls, offer_alpn, d, NULL, NULL);
}

int defect_client_run_0rtt(const char *host, int port, client_defect d)
{
    static struct dc_ticket t;
    memset(&t, 0, sizeof t);
    if (run_once(host, port, "1.3", 1, d, &t, NULL) != 0 || !t.have || !t.nst.early_data)
        return -1;
    return run_once(host, port, "1.3", 1, d, NULL, &t);
}
