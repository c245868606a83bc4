/* A TLS server with switchable ALPN defects, on the wire engine, for proving that every check can fail. */
#include "defect_server.h"

#include <arpa/inet.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "alpn.h"
#include "wire.h"


static const alpn_name supported[] = {{(const uint8_t *)"h2", 2}, {(const uint8_t *)"http/1.1", 8}};

/* What the ClientHello said. */
struct hello {
    uint8_t msg[70000]; /* the whole handshake message, for the transcript */
    size_t msg_len;
    uint8_t session_id[32];
    size_t session_id_len;
    const uint8_t *alpn;
    size_t alpn_len;
    unsigned alpn_count;
    int npn, tls13;
    uint8_t x25519[32];
};

static int recv_some(int fd, uint8_t *buf, size_t cap, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, ms) != 1)
        return -1;
    ssize_t n = recv(fd, buf, cap, 0);
    return n > 0 ? (int)n : -1;
}

static int read_hello(int fd, struct hello *h)
{
    static uint8_t in[80000];
    size_t in_len = 0, pos = 0;
    h->msg_len = 0;
    for (;;) {
        wire_record rec;
        size_t used;
        int rc = wire_record_parse(in + pos, in_len - pos, &rec, &used);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            int n = recv_some(fd, in + in_len, sizeof in - in_len, 2000);
            if (n <= 0)
                return -1;
            in_len += (size_t)n;
            continue;
        }
        if (rec.type != WIRE_CT_HANDSHAKE || rec.len > sizeof h->msg - h->msg_len)
            return -1;
        memcpy(h->msg + h->msg_len, rec.body, rec.len);
        h->msg_len += rec.len;
        pos += used;
        if (h->msg_len >= 4 && h->msg_len - 4 >= ((size_t)h->msg[1] << 16 | (size_t)h->msg[2] << 8 | h->msg[3]))
            break;
    }
    wire_rd r, body;
    wire_rd_init(&r, h->msg, h->msg_len);
    if (wire_rd_u8(&r) != WIRE_HS_CLIENT_HELLO)
        return -1;
    body = wire_rd_block(&r, 3);
    wire_rd_u16(&body);
    wire_rd_bytes(&body, 32);
    wire_rd sid = wire_rd_block(&body, 1);
    wire_rd_block(&body, 2);
    wire_rd_block(&body, 1);
    wire_rd exts = wire_rd_block(&body, 2);
    if (body.err || sid.len > 32)
        return -1;
    memcpy(h->session_id, sid.p, sid.len);
    h->session_id_len = sid.len;
    h->alpn_count = 0;
    h->npn = h->tls13 = 0;
    int have_share = 0;
    while (wire_rd_left(&exts) > 0) {
        unsigned type = wire_rd_u16(&exts);
        wire_rd data = wire_rd_block(&exts, 2);
        if (exts.err)
            return -1;
        if (type == WIRE_EXT_ALPN && h->alpn_count++ == 0) {
            h->alpn = data.p;
            h->alpn_len = data.len;
        } else if (type == WIRE_EXT_NPN) {
            h->npn = 1;
        } else if (type == WIRE_EXT_SUPPORTED_VERSIONS) {
            wire_rd v = wire_rd_block(&data, 1);
            while (wire_rd_left(&v) >= 2)
                h->tls13 |= wire_rd_u16(&v) == WIRE_TLS13;
        } else if (type == WIRE_EXT_KEY_SHARE) {
            wire_rd shares = wire_rd_block(&data, 2);
            while (wire_rd_left(&shares) > 0) {
                unsigned group = wire_rd_u16(&shares);
                wire_rd key = wire_rd_block(&shares, 2);
                if (!shares.err && group == WIRE_GROUP_X25519 && key.len == 32) {
                    memcpy(h->x25519, key.p, 32);
                    have_share = 1;
                }
            }
        }
    }
    h->tls13 &= have_share;
    return 0;
}

/* ---- the ALPN decision, correct or defective ---------------------------------------------------------------- */

enum outcome { SELECTED, NO_OVERLAP, MALFORMED };

static int same(defect d, const alpn_name *server, const alpn_name *client)
{
    size_t cl = client->len;
    if (d == DEFECT_C_STRING) {
        const uint8_t *nul = memchr(client->data, 0, client->len);
        if (nul != NULL)
            cl = (size_t)(nul - client->data);
    }
    if (d == DEFECT_PREFIX_MATCH) {
        size_t n = server->len < cl ? server->len : cl;
        return n > 0 && memcmp(server->data, client->data, n) == 0;
    }
    if (server->len != cl)
        return 0;
    for (size_t i = 0; i < cl; i++) {
        uint8_t a = server->data[i], b = client->data[i];
        if (d == DEFECT_CASE_INSENSITIVE && b >= 'A' && b <= 'Z')
            b = (uint8_t)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

static enum outcome decide(defect d, const uint8_t *ext, size_t len, alpn_name *answer)
{
    alpn_iter it;
    alpn_name c;
    if (d == DEFECT_FIRST_MATCH) {
        /* Checks the outer length, then takes the first supported name it walks to; damage after it goes unseen. */
        if (len < 2 || (((size_t)ext[0] << 8) | ext[1]) == 0 || (((size_t)ext[0] << 8) | ext[1]) > len - 2)
            return MALFORMED;
        size_t end = 2 + (((size_t)ext[0] << 8) | ext[1]);
        for (size_t pos = 2; pos < end;) {
            size_t n = ext[pos];
            if (n == 0 || n > end - pos - 1)
                return MALFORMED;
            alpn_name name = {ext + pos + 1, n};
            for (size_t i = 0; i < 2; i++) {
                if (same(d, &supported[i], &name)) {
                    *answer = supported[i];
                    return SELECTED;
                }
            }
            pos += 1 + n;
        }
        return NO_OVERLAP;
    }
    if (alpn_list_validate(ext, len, ALPN_ROLE_CLIENT, NULL, NULL) != ALPN_OK)
        return MALFORMED;
    alpn_iter_init(&it, ext, len);
    if (d == DEFECT_ECHO_FIRST && alpn_iter_next(&it, answer))
        return SELECTED;
    if (d == DEFECT_H2C || d == DEFECT_SELECT_GREASE) {
        alpn_iter_init(&it, ext, len);
        while (alpn_iter_next(&it, &c)) {
            if ((d == DEFECT_H2C && c.len == 3 && memcmp(c.data, "h2c", 3) == 0) ||
                (d == DEFECT_SELECT_GREASE && alpn_is_grease(c.data, c.len))) {
                *answer = c;
                return SELECTED;
            }
        }
    }
    /* Server preference: the outer loop over the server's list (the client's with the defect). */
    if (d == DEFECT_CLIENT_PREFERENCE) {
        alpn_iter_init(&it, ext, len);
        while (alpn_iter_next(&it, &c)) {
            for (size_t i = 0; i < 2; i++) {
                if (same(d, &supported[i], &c)) {
                    *answer = supported[i];
                    return SELECTED;
                }
            }
        }
        return NO_OVERLAP;
    }
    for (size_t i = 0; i < 2; i++) {
        alpn_iter_init(&it, ext, len);
        while (alpn_iter_next(&it, &c)) {
            if (same(d, &supported[i], &c)) {
                *answer = supported[i];
                return SELECTED;
            }
        }
    }
    return NO_OVERLAP;
}

/* ---- answering ---------------------------------------------------------------------------------------------- */

static void send_bytes(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

static void send_alert(int fd, unsigned code)
{
    const uint8_t rec[] = {WIRE_CT_ALERT, 0x03, 0x03, 0x00, 0x02, 0x02, (uint8_t)code};
    send_bytes(fd, rec, sizeof rec);
}

/* The ALPN extension of the answer (one name, or two with the defect), or nothing when answer is NULL. */
static void alpn_ext(wire_wr *w, defect d, const alpn_name *answer)
{
    if (answer == NULL)
        return;
    wire_wr_u16(w, WIRE_EXT_ALPN);
    size_t e = wire_wr_open(w, 2), list = wire_wr_open(w, 2);
    wire_wr_u8(w, (unsigned)answer->len);
    wire_wr_bytes(w, answer->data, answer->len);
    if (d == DEFECT_TWO_NAMES) {
        wire_wr_u8(w, 8);
        wire_wr_bytes(w, "http/1.1", 8);
    }
    wire_wr_close(w, list, 2);
    wire_wr_close(w, e, 2);
}

/* A ServerHello up to its extensions: legacy version, random, the client's session id, suite, no compression.
 * Returns the message's length position for wire_wr_close(w, m, 3). */
static size_t server_hello_start(wire_wr *w, const struct hello *h, const uint8_t random[32], unsigned suite)
{
    wire_wr_u8(w, WIRE_HS_SERVER_HELLO);
    size_t m = wire_wr_open(w, 3);
    wire_wr_u16(w, WIRE_TLS12);
    wire_wr_bytes(w, random, 32);
    size_t sid = wire_wr_open(w, 1);
    wire_wr_bytes(w, h->session_id, h->session_id_len);
    wire_wr_close(w, sid, 1);
    wire_wr_u16(w, suite);
    wire_wr_u8(w, 0);
    return m;
}

static void answer_tls13(int fd, struct hello *h, defect d, const alpn_name *answer)
{
    static uint8_t sh[512], out[4096], flight[1024];
    uint8_t priv[32], pub[32], shared[32], random[32], th[32];
    if (wire_x25519_keypair(priv, pub) != 0 || wire_x25519_shared(priv, h->x25519, shared) != 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, random, sizeof random) < 0)
        return;
    wire_wr w;
    wire_wr_init(&w, sh, sizeof sh);
    size_t m = server_hello_start(&w, h, random, 0x1301);
    size_t exts = wire_wr_open(&w, 2);
    wire_wr_u16(&w, WIRE_EXT_SUPPORTED_VERSIONS);
    wire_wr_u16(&w, 2);
    wire_wr_u16(&w, WIRE_TLS13);
    wire_wr_u16(&w, WIRE_EXT_KEY_SHARE);
    wire_wr_u16(&w, 36);
    wire_wr_u16(&w, WIRE_GROUP_X25519);
    wire_wr_u16(&w, 32);
    wire_wr_bytes(&w, pub, 32);
    if (d == DEFECT_ALPN_IN_SH)
        alpn_ext(&w, d, answer);
    wire_wr_close(&w, exts, 2);
    wire_wr_close(&w, m, 3);

    gnutls_hash_hd_t hh;
    wire_suite s;
    wire_hs_keys k;
    if (w.err || gnutls_hash_init(&hh, GNUTLS_DIG_SHA256) < 0)
        return;
    gnutls_hash(hh, h->msg, h->msg_len);
    gnutls_hash(hh, sh, w.len);
    gnutls_hash_deinit(hh, th);
    wire_suite_for(0x1301, &s);
    if (wire_derive_handshake_keys(&s, shared, 32, th, &k) != 0)
        return;

    /* EncryptedExtensions and a Finished (its contents unchecked by the probe) in one protected record. */
    wire_wr f;
    wire_wr_init(&f, flight, sizeof flight);
    wire_wr_u8(&f, WIRE_HS_ENCRYPTED_EXTENSIONS);
    size_t ee = wire_wr_open(&f, 3), eexts = wire_wr_open(&f, 2);
    if (d != DEFECT_ALPN_IN_SH)
        alpn_ext(&f, d, answer);
    wire_wr_close(&f, eexts, 2);
    wire_wr_close(&f, ee, 3);
    wire_wr_u8(&f, WIRE_HS_FINISHED);
    wire_wr_u24(&f, 32);
    wire_wr_bytes(&f, th, 32);

    wire_wr o;
    wire_wr_init(&o, out, sizeof out);
    wire_write_records(&o, WIRE_CT_HANDSHAKE, WIRE_TLS12, sh, w.len);
    if (f.err || wire_encrypt_record(&s, &k.server, WIRE_CT_HANDSHAKE, flight, f.len, &o) != 0)
        return;
    send_bytes(fd, out, o.len);
}

static void answer_tls12(int fd, struct hello *h, defect d, const alpn_name *answer)
{
    static uint8_t msg[512], out[1024];
    uint8_t random[32];
    if (gnutls_rnd(GNUTLS_RND_NONCE, random, sizeof random) < 0)
        return;
    wire_wr w;
    wire_wr_init(&w, msg, sizeof msg);
    size_t m = server_hello_start(&w, h, random, 0xc02f);
    size_t exts = wire_wr_open(&w, 2);
    alpn_ext(&w, d, answer);
    if (d == DEFECT_NPN_TOO && h->npn) {
        wire_wr_u16(&w, WIRE_EXT_NPN);
        wire_wr_u16(&w, 3);
        wire_wr_bytes(&w, "\x02h2", 3);
    }
    wire_wr_close(&w, exts, 2);
    wire_wr_close(&w, m, 3);
    wire_wr_u8(&w, WIRE_HS_SERVER_HELLO_DONE);
    wire_wr_u24(&w, 0);
    wire_wr o;
    wire_wr_init(&o, out, sizeof out);
    wire_write_records(&o, WIRE_CT_HANDSHAKE, WIRE_TLS12, msg, w.len);
    if (!w.err && !o.err)
        send_bytes(fd, out, o.len);
}

static void handle(int fd, defect d)
{
    static struct hello h;
    if (read_hello(fd, &h) != 0)
        return;
    alpn_name answer = {NULL, 0};
    int have_answer = 0;
    /* RFC 8446 §4.2: two extensions of one type → illegal_parameter. */
    if (h.alpn_count > 1 && d != DEFECT_IGNORE_DUPLICATE) {
        send_alert(fd, 47);
        return;
    }
    if (h.alpn_count > 0) {
        switch (decide(d, h.alpn, h.alpn_len, &answer)) {
        case SELECTED:
            have_answer = 1;
            break;
        case MALFORMED:
            send_alert(fd, d == DEFECT_WRONG_ALERT ? 40 : 50);
            return;
        case NO_OVERLAP:
            if (d == DEFECT_STALL_ON_NO_OVERLAP) {
                uint8_t sink[256];
                while (recv_some(fd, sink, sizeof sink, 3000) > 0) {
                }
                return;
            }
            if (d != DEFECT_NO_ALERT) {
                send_alert(fd, d == DEFECT_WRONG_ALERT ? 40 : 120);
                return;
            }
            break;
        }
    } else if (d == DEFECT_UNSOLICITED) {
        answer = supported[0];
        have_answer = 1;
    }
    if (h.tls13)
        answer_tls13(fd, &h, d, have_answer ? &answer : NULL);
    else
        answer_tls12(fd, &h, d, have_answer ? &answer : NULL);
}

/* One connection: the defect's answer, then the client reads everything and closes first, so that no reset races
 * the answer. */
static void serve(void *ctx, int fd)
{
    handle(fd, *(const defect *)ctx);
    uint8_t sink[256];
    while (recv_some(fd, sink, sizeof sink, 1000) > 0) {
    }
}

loopback_server *defect_server_start(defect d)
{
    defect *ctx = malloc(sizeof *ctx);
    if (ctx == NULL)
        return NULL;
    *ctx = d;
    return loopback_server_start((loopback_service){serve, free, ctx});
}
