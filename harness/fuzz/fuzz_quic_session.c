/* The QUIC client connection after its handshake (harness/wire/quic_client.c in a session): what a server sends in
 * 1-RTT — short header packets, their frames (quic_frame_next_1rtt), CRYPTO data at the application level cut into
 * NewSessionTickets for the client object (wire_client_take, the ticket and its PSK), HANDSHAKE_DONE. The connection
 * is set up once as after the server's Finished and our own, with 1-RTT keys from a fixed secret; each input starts
 * from a copy. The first byte picks the form: even, the rest is the plaintext of a 1-RTT packet that the target
 * seals under the server's keys (so the frames are reached); odd, the rest is a datagram as received.
 * Oracles: the state is one of quic_client_receive's, an error has its text; when a ticket was taken, the ticket kept
 * has an identity within its bound and allows 0-RTT only with max_early_data_size 0xffffffff (RFC 9001 §4.6.1); when
 * none was, the ticket kept is byte for byte the template's; for a sealed plaintext, HANDSHAKE_DONE is noted only
 * when one of the frames the client takes is one, and always when one comes before any CONNECTION_CLOSE and the
 * client did not fail; for a sealed plaintext the client did not fail on, whose whole application-level CRYPTO
 * messages are all NewSessionTickets, the client took as many tickets as were valid by its own rules and keeps the
 * last valid one (RFC 8446 §4.6.1), its identity and PSK byte for byte: the target rebuilds the CRYPTO stream from
 * the frames itself and parses the tickets by hand (valid_ticket says what valid means). Not checked: tickets in a
 * stream that also holds other messages, tickets from a raw datagram (odd first byte: the fuzzer cannot forge a
 * packet that opens), anything about tickets before our Finished (the template has always sent it). */
#include <stdlib.h>
#include <string.h>

#include "quic_client.h"
#include "quic_restore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static quic_client ready, q; /* about 1 MiB each: copied per input without the unused bytes of the large buffers */
static quic_restore_plan plan;
static quic_keys server_tx;
static int is_ready;
static uint8_t dgram[4096];

/* A session whose handshake is over: 1-RTT keys both ways from fixed secrets, the suite chosen, our Finished sent
 * (so that tickets are taken) with a fixed resumption secret. */
static void setup(void)
{
    static const uint8_t h3[] = {0x00, 0x03, 0x02, 'h', '3'};
    wire_client_params p = {.version = WIRE_TLS13, .sni = "localhost", .send_alpn = 1, .alpn = h3, .alpn_len = 5};
    uint8_t secret[32];
    memset(secret, 0x5a, sizeof secret);
    if (quic_client_start_session(&ready, QUIC_V1, &p, NULL) != 0 ||
        wire_conn_select_suite(&ready.tls.conn, 0x1301) != 0 ||
        quic_keys_from_secret(QUIC_V1, 0x1301, secret, &ready.sp.rx[QUIC_SPACE_APP]) != 0 ||
        quic_keys_from_secret(QUIC_V1, 0x1301, secret, &ready.sp.tx[QUIC_SPACE_APP]) != 0)
        abort();
    server_tx = ready.sp.rx[QUIC_SPACE_APP];
    ready.sp.rx_ok |= 1u << QUIC_SPACE_APP;
    ready.sp.tx_ok |= 1u << QUIC_SPACE_APP;
    ready.complete = ready.tls.completed = ready.tls.finished_sent = 1;
    memset(ready.tls.resumption_secret, 0xa5, sizeof ready.tls.resumption_secret);
    wire_outbox_clear(&ready.tls.conn.out);
    plan_outbox(&plan, offsetof(quic_client, tls.conn.out), &ready.tls.conn.out);
    plan_spaces(&plan, offsetof(quic_client, sp), &ready.sp);
    is_ready = 1;
}

/* The input's plaintext as a 1-RTT packet to our Source ID. Its length, or 0 when it does not fit. */
static size_t seal(const uint8_t *frames, size_t len)
{
    quic_packet_spec s = {.type = QUIC_PT_SHORT, .version = QUIC_V1, .dcid = q.scid, .dcid_len = sizeof q.scid};
    wire_wr w;
    wire_wr_init(&w, dgram, sizeof dgram);
    return quic_seal_packet(&w, &server_tx, &s, 0, 2, frames, len, 0) == 0 ? w.len : 0;
}

/* What the frames of a plaintext the target sealed give, read here as the client reads them (it reads the same
 * bytes, then the seal's zero padding, which only completes a frame the plaintext cut short or adds PADDING), up to
 * a refusal or the first CONNECTION_CLOSE, which ends the packet: whether a HANDSHAKE_DONE comes among those frames
 * and whether one comes before any CONNECTION_CLOSE; and the application level's CRYPTO stream, rebuilt here without
 * quic_crypto.c into shadow[] (shadow_have[] marks the bytes received, shadow_hi bounds what is marked). A byte is
 * what the first frame to carry it says: the client refuses a frame that contradicts a byte it holds and ignores
 * one below what it handed out, so for a client that did not fail the two agree. An input holds fewer than
 * sizeof dgram bytes of CRYPTO data, so nothing from that offset on can join the bytes from offset 0. */
typedef struct {
    int hd_any, hd_before_close;
    size_t stream_len; /* the CRYPTO bytes contiguous from offset 0: what the client can have cut messages from */
} sealed_view;

static uint8_t shadow[sizeof dgram], shadow_have[sizeof dgram];
static size_t shadow_hi;

static void shadow_crypto(const quic_frame *f)
{
    if (f->crypto_off >= sizeof shadow)
        return;
    size_t off = (size_t)f->crypto_off, n = f->data_len < sizeof shadow - off ? f->data_len : sizeof shadow - off;
    for (size_t i = 0; i < n; i++)
        if (!shadow_have[off + i]) {
            shadow[off + i] = f->data[i];
            shadow_have[off + i] = 1;
        }
    if (off + n > shadow_hi)
        shadow_hi = off + n;
}

static sealed_view read_sealed(const uint8_t *frames, size_t len)
{
    sealed_view v = {0};
    memset(shadow_have, 0, shadow_hi);
    shadow_hi = 0;
    wire_rd r;
    wire_rd_init(&r, frames, len);
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    int closed = 0;
    while (!closed && quic_frame_next_1rtt(&r, &f, err) == 1) {
        closed = f.type == QUIC_FRAME_CLOSE || f.type == QUIC_FRAME_CLOSE_APP;
        if (f.type == QUIC_FRAME_HANDSHAKE_DONE)
            v.hd_any = v.hd_before_close = 1;
        if (f.type == QUIC_FRAME_CRYPTO)
            shadow_crypto(&f);
    }
    while (v.stream_len < shadow_hi && shadow_have[v.stream_len])
        v.stream_len++;
    return v;
}

/* RFC 9000 §19.20: the client notes HANDSHAKE_DONE when a frame of the sealed packet is one, and only then. rc: what
 * quic_client_receive returned (an error may stop it before the frame). */
static void check_handshake_done(const sealed_view *v, int rc)
{
    if ((q.handshake_done && !v->hd_any) || (rc >= 0 && v->hd_before_close && !q.handshake_done))
        abort();
}

static size_t be(const uint8_t *p, size_t n)
{
    size_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* A NewSessionTicket body (RFC 8446 §4.6.1) read by hand, by the client's rules for taking one (take_ticket and
 * wire_parse_new_session_ticket in harness/wire): uint32 ticket_lifetime, uint32 ticket_age_add,
 * ticket_nonce<0..255>, ticket<1..2^16-1> of at most WIRE_TICKET_KEEP bytes (alpncheck keeps no longer one), an
 * extensions block that ends the body, each extension whole; early_data's body exactly a uint32
 * max_early_data_size (RFC 8446 §4.2.10), the last one counting when there are several; other extensions unread.
 * Not refused, as the client does not: a lifetime over 7 days, repeated extensions. 1 with the ticket the client
 * should keep in t (0-RTT only with max_early_data_size 0xffffffff, RFC 9001 §4.6.1; the PSK from the template's
 * resumption secret and the nonce, RFC 8446 §4.6.1), or 0. */
static int valid_ticket(const uint8_t *b, size_t len, wire_client_ticket *t)
{
    memset(t, 0, sizeof *t);
    size_t at = 9;
    if (len < at || len - at < b[8])
        return 0;
    const uint8_t *nonce = b + at;
    size_t nonce_len = b[8];
    at += nonce_len;
    if (len - at < 2 || be(b + at, 2) == 0 || be(b + at, 2) > WIRE_TICKET_KEEP || len - at - 2 < be(b + at, 2))
        return 0;
    t->identity_len = be(b + at, 2);
    memcpy(t->identity, b + at + 2, t->identity_len);
    at += 2 + t->identity_len;
    if (len - at < 2 || len - at - 2 != be(b + at, 2))
        return 0;
    for (at += 2; at < len; at += 4 + be(b + at + 2, 2)) {
        if (len - at < 4 || len - at - 4 < be(b + at + 2, 2))
            return 0;
        if (be(b + at, 2) == WIRE_EXT_EARLY_DATA) {
            if (be(b + at + 2, 2) != 4)
                return 0;
            t->early_data = 1;
            t->max_early_data = (uint32_t)be(b + at + 4, 4);
        }
    }
    t->early_data = t->early_data && t->max_early_data == 0xffffffffu;
    t->lifetime = (uint32_t)be(b, 4);
    t->age_add = (uint32_t)be(b + 4, 4);
    t->suite = 0x1301;
    wire_suite s;
    return wire_suite_for(0x1301, &s) == 0 &&
           wire_expand_label(&s, ready.tls.resumption_secret, "resumption", nonce, nonce_len, t->psk, s.hash_len) == 0;
}

/* RFC 8446 §4.6.1: each NewSessionTicket the client takes replaces the one it kept. The messages in the CRYPTO
 * stream the view rebuilt are cut here (msg_type, uint24 length, body; a message not yet whole waits) and the
 * valid tickets counted; the client must have taken as many, and keep the last one, field for field and its
 * identity and PSK byte for byte. Checked when the client did not fail (rc >= 0: every CRYPTO frame was taken, every
 * message delivered) and every whole message is a NewSessionTicket: what other messages do to a finished client is
 * not modelled here. */
static void check_last_ticket(const sealed_view *v, int rc, unsigned before)
{
    wire_client_ticket want = {0}, t;
    unsigned valid = 0;
    size_t at = 0;
    if (rc < 0)
        return;
    while (v->stream_len - at >= 4 && v->stream_len - at - 4 >= be(shadow + at + 1, 3)) {
        size_t body = be(shadow + at + 1, 3);
        if (shadow[at] != WIRE_HS_NEW_SESSION_TICKET)
            return;
        if (valid_ticket(shadow + at + 4, body, &t)) {
            want = t;
            valid++;
        }
        at += 4 + body;
    }
    const wire_client_ticket *k = &q.tls.ticket;
    if (q.tls.tickets - before != valid)
        abort();
    if (valid > 0 &&
        (k->identity_len != want.identity_len || memcmp(k->identity, want.identity, want.identity_len) ||
         memcmp(k->psk, want.psk, 32) || k->suite != want.suite || k->lifetime != want.lifetime ||
         k->age_add != want.age_add || k->early_data != want.early_data || k->max_early_data != want.max_early_data))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!is_ready)
        setup();
    if (size < 1 || size - 1 > sizeof dgram - 64)
        return 0;
    quic_restore(&q, &q.sp, &ready, sizeof q, &plan);
    size_t n = size - 1;
    if (data[0] & 1)
        memcpy(dgram, data + 1, n);
    else if ((n = seal(data + 1, n)) == 0)
        return 0;
    unsigned before = q.tls.tickets;
    int rc = quic_client_receive(&q, dgram, n);
    if (rc < -1 || rc > QUIC_CLIENT_CLOSED || (rc == -1 && q.error[0] == '\0'))
        abort();
    const wire_client_ticket *t = &q.tls.ticket;
    if (q.tls.tickets != before && (t->identity_len == 0 || t->identity_len > sizeof t->identity ||
                                    (t->early_data && t->max_early_data != 0xffffffffu)))
        abort();
    /* No ticket taken: the ticket kept is untouched (a refused NewSessionTicket changes nothing of it). */
    if (q.tls.tickets == before && memcmp(t, &ready.tls.ticket, sizeof *t) != 0)
        abort();
    if (!(data[0] & 1)) {
        sealed_view v = read_sealed(data + 1, size - 1);
        check_handshake_done(&v, rc);
        check_last_ticket(&v, rc, before);
    }
    return 0;
}
