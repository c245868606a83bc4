/* A QUIC server connection: the client's Initials in, the wire server object's crafted flight out in CRYPTO frames
 * (RFC 9001 §4), Initial and Handshake packet protection from the secrets it exports, the client's reaction read. */
#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>

#include "quic_server.h"

/* Worst-case bytes around a packet's frames: long header with two 20-byte IDs, empty token, 2-byte Length, 4-byte
 * packet number, AEAD tag. */
#define PACKET_OVERHEAD (1 + 4 + 2 * (1 + QUIC_CID_MAX) + 1 + 2 + 4 + 16)

void quic_server_start(quic_server *q, const wire_identity *id)
{
    memset(q, 0, sizeof *q);
    wire_server_start(&q->tls, id, 1);
    quic_spaces_init(&q->sp, 0, WIRE_FROM_CLIENT);
}

/* The client's first Initial (h, in a datagram of dgram_len bytes): its version and IDs, the Initial keys of both
 * directions from its Destination Connection ID (RFC 9001 §5.2), our ID. 0; 1 when the packet cannot start a
 * connection (dropped). Our transport parameters wait for quic_server_answer: most datagrams that start a connection
 * never bring a whole ClientHello, and only the answer carries them. */
static int first_initial(quic_server *q, const quic_header *h, size_t dgram_len)
{
    /* RFC 9000 §14.1: a server discards an Initial in a datagram under 1200 bytes; §7.2: the client's first
     * Destination Connection ID is at least 8 bytes. */
    if (h->type != QUIC_PT_INITIAL || dgram_len < 1200 || h->dcid_len < 8 || h->dcid_len > QUIC_CID_MAX ||
        h->scid_len > QUIC_CID_MAX || !quic_version_known(h->version))
        return 1;
    q->sp.version = h->version;
    if (quic_spaces_initial(&q->sp, h->dcid, h->dcid_len) != 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, q->scid, sizeof q->scid) < 0)
        return 1;
    memcpy(q->odcid, h->dcid, h->dcid_len);
    q->odcid_len = h->dcid_len;
    memcpy(q->dcid, h->scid, h->scid_len);
    q->dcid_len = h->scid_len;
    q->started = 1;
    return 0;
}

/* The client's quic_transport_parameters (RFC 9001 §8.2): parsed as a client's, and its initial_source_connection_id
 * must be the Source Connection ID of its Initial (RFC 9000 §7.3). What is wrong goes to client_tp_error. */
static void client_tp(quic_server *q)
{
    const wire_client_hello_info *ch = &q->tls.ch;
    quic_tp tp;
    q->client_tp = ch->quic_tp != NULL;
    if (!q->client_tp)
        snprintf(q->client_tp_error, sizeof q->client_tp_error, "no quic_transport_parameters (RFC 9001 §8.2)");
    else if (quic_tp_parse(ch->quic_tp, ch->quic_tp_len, 0, &tp, q->client_tp_error) != 0)
        return;
    else if (tp.initial_scid_len != q->dcid_len || memcmp(tp.initial_scid, q->dcid, q->dcid_len) != 0)
        snprintf(q->client_tp_error, sizeof q->client_tp_error,
                 "initial_source_connection_id is not its Source Connection ID (RFC 9000 §7.3)");
}

/* One whole handshake message of space s. A quic_server_state or -1. */
static int take_message(quic_server *q, int s, const uint8_t *msg, size_t len)
{
    if (s == QUIC_SPACE_INITIAL) {
        /* RFC 9001 §4.1.3: the client sends nothing but its ClientHello in Initial packets. */
        if (q->hello || msg[0] != WIRE_HS_CLIENT_HELLO)
            return QUIC_FAIL(q, "the client sent handshake message type %u in an Initial packet", msg[0]);
        if (wire_server_take_client_hello(&q->tls, msg, len) != 0)
            return QUIC_FAIL(q, "%s", q->tls.conn.error);
        q->hello = 1;
        client_tp(q);
        return QUIC_SERVER_HELLO;
    }
    if (!q->answered)
        return QUIC_FAIL(q, "the client sent handshake message type %u before our flight", msg[0]);
    if (wire_server_take(&q->tls, quic_space_level[s], msg, len) == 1 && q->tls.client_finished) {
        q->complete = 1;
        quic_spaces_install(&q->sp, &q->tls.conn);
        return QUIC_SERVER_DONE;
    }
    return QUIC_SERVER_MORE;
}

/* Whole handshake messages of space s now available. A quic_server_state or -1. */
static int deliver(quic_server *q, int s)
{
    const uint8_t *msg;
    size_t len;
    int rc = 0, state = QUIC_SERVER_MORE;
    while (state == QUIC_SERVER_MORE && (rc = wire_msg_reader_next(&q->sp.reader[s], &msg, &len)) == 1)
        state = take_message(q, s, msg, len);
    if (state == QUIC_SERVER_MORE && rc < 0)
        return QUIC_FAIL(q, "the client's handshake message claims %zu bytes", len);
    return state;
}

/* The frames of an opened packet of space s. A quic_server_state or -1. */
static int take_frames(quic_server *q, int s, const uint8_t *payload, size_t len)
{
    wire_rd r;
    wire_rd_init(&r, payload, len);
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    int rc;
    while ((rc = quic_frame_next(&r, quic_space_type[s], &f, err)) == 1) {
        if (f.type == QUIC_FRAME_CLOSE || f.type == QUIC_FRAME_CLOSE_APP) {
            q->closed = 1;
            quic_close_note(&q->close, &f, quic_space_type[s]);
            return QUIC_SERVER_CLOSED;
        }
        if (s == QUIC_SPACE_APP && f.type == QUIC_FRAME_CRYPTO)
            continue; /* a NewSessionTicket is the server's to send; 1-RTT CRYPTO data of a client is not read */
        if (quic_spaces_take(&q->sp, s, &f, err) != 0)
            return QUIC_FAIL(q, "client's CRYPTO frame: %s", err);
        int got = f.type == QUIC_FRAME_CRYPTO ? deliver(q, s) : QUIC_SERVER_MORE;
        if (got != QUIC_SERVER_MORE)
            return got;
    }
    /* 1-RTT packets carry the frames of an established connection (STREAM, NEW_CONNECTION_ID, ...; RFC 9000 §12.4),
     * which this carrier does not read: the rest of such a packet is skipped, not held against the client. */
    if (rc < 0 && s == QUIC_SPACE_APP)
        return QUIC_SERVER_MORE;
    return rc < 0 ? QUIC_FAIL(q, "client's packet: %s", err) : QUIC_SERVER_MORE;
}

/* 1 when packet h belongs to this connection: our version, and addressed to our ID or (Initial and 0-RTT, before
 * the client has seen ours) to its first Destination Connection ID. */
static int ours(const quic_server *q, const quic_header *h)
{
    if (h->type != QUIC_PT_SHORT && h->version != q->sp.version)
        return 0;
    if (h->dcid_len == sizeof q->scid && memcmp(h->dcid, q->scid, sizeof q->scid) == 0)
        return 1;
    return h->type == QUIC_PT_INITIAL && h->dcid_len == q->odcid_len && memcmp(h->dcid, q->odcid, q->odcid_len) == 0;
}

/* One packet of the client: opened, or dropped. A quic_server_state or -1. */
static int take_packet(quic_server *q, uint8_t *pkt, const quic_header *h)
{
    int s = h->type == QUIC_PT_INITIAL     ? QUIC_SPACE_INITIAL
            : h->type == QUIC_PT_HANDSHAKE ? QUIC_SPACE_HANDSHAKE
            : h->type == QUIC_PT_SHORT     ? QUIC_SPACE_APP
                                           : -1;
    size_t off, len;
    if (s < 0 || !ours(q, h) || quic_spaces_open(&q->sp, s, pkt, h, &off, &len) != 0)
        return QUIC_SERVER_MORE;
    /* RFC 9000 §8.1: a Handshake packet the client could only make from our flight proves its address. */
    if (s == QUIC_SPACE_HANDSHAKE)
        q->validated = 1;
    return take_frames(q, s, pkt + off, len);
}

int quic_server_receive(quic_server *q, uint8_t *dgram, size_t len)
{
    size_t pos = 0;
    int state = QUIC_SERVER_MORE, counted = 0;
    quic_header h;
    uint8_t *pkt;
    while ((pkt = quic_next_packet(dgram, len, &pos, sizeof q->scid, &h)) != NULL) {
        if (!q->started && (pos != h.len || first_initial(q, &h, len) != 0))
            break;
        if (!ours(q, &h))
            continue;
        if (!counted) {
            /* RFC 9000 §8.1: the bytes of datagrams of this connection set what we may send. */
            q->received += len;
            counted = 1;
        }
        int rc = take_packet(q, pkt, &h);
        if (rc < 0)
            return -1;
        if (rc != QUIC_SERVER_MORE)
            state = rc;
        if (rc == QUIC_SERVER_CLOSED)
            return rc;
    }
    return state;
}

int quic_server_answer(quic_server *q, const wire_server_answer *a)
{
    if (!q->hello || q->answered)
        return QUIC_FAIL(q, "no ClientHello to answer");
    /* RFC 9000 §7.3, §18.2: ours name the client's first Destination Connection ID and our Source Connection ID. */
    quic_tp tp;
    quic_tp_server_default(&tp, q->odcid, q->odcid_len, q->scid, sizeof q->scid);
    wire_wr w;
    wire_wr_init(&w, q->tp, sizeof q->tp);
    if (quic_tp_build(&w, &tp) != 0)
        return QUIC_FAIL(q, "our transport parameters do not fit %zu bytes", sizeof q->tp);
    q->tp_len = w.len;
    q->tls.quic_tp = q->tp;
    q->tls.quic_tp_len = q->tp_len;
    if (wire_server_answer13(&q->tls, a) != 0)
        return QUIC_FAIL(q, "%s", q->tls.conn.error);
    wire_level level;
    if (quic_spaces_queue(&q->sp, &q->tls.conn.out, &level) != 0)
        return QUIC_FAIL(q, "handshake message at level %d cannot be carried", (int)level);
    quic_spaces_install(&q->sp, &q->tls.conn);
    q->answered = 1;
    return 0;
}

/* The frames of one packet of space s into fw: the ACK owed and our CRYPTO data (quic_spaces_frames), and
 * HANDSHAKE_DONE once the client's Finished is in (1-RTT, RFC 9001 §4.1.2). Returns the CRYPTO bytes taken;
 * *eliciting is set when the packet asks for an acknowledgement. */
static size_t space_frames(quic_server *q, int s, wire_wr *fw, size_t room, int *eliciting)
{
    if (s == QUIC_SPACE_APP && q->complete && !q->done_sent) {
        quic_wr_varint(fw, QUIC_FRAME_HANDSHAKE_DONE);
        q->done_sent = 1;
        *eliciting = 1;
    }
    size_t taken = quic_spaces_frames(&q->sp, s, fw, room);
    *eliciting |= taken > 0;
    return taken;
}

/* Seals frames as the next packet of space s onto w, at least min_len bytes long. */
static int seal_space(quic_server *q, int s, wire_wr *w, const uint8_t *frames, size_t len, size_t min_len)
{
    quic_packet_spec spec = {.dcid = q->dcid, .dcid_len = q->dcid_len, .scid = q->scid, .scid_len = sizeof q->scid};
    return quic_spaces_seal(&q->sp, s, w, &spec, frames, len, min_len);
}

/* What the anti-amplification limit (RFC 9000 §8.1: three times the bytes received, until the client's address is
 * validated) still allows, at most cap. */
static size_t budget(const quic_server *q, size_t cap)
{
    if (q->validated)
        return cap;
    size_t allowed = 3 * q->received > q->sent ? 3 * q->received - q->sent : 0;
    return allowed < cap ? allowed : cap;
}

long quic_server_datagram(quic_server *q, uint8_t *out, size_t cap, int again)
{
    if (again)
        quic_spaces_again(&q->sp);
    size_t limit = budget(q, cap < QUIC_DATAGRAM_MAX ? cap : QUIC_DATAGRAM_MAX);
    uint8_t frames[QUIC_SPACES][QUIC_DATAGRAM_MAX];
    size_t flen[QUIC_SPACES] = {0}, taken[QUIC_SPACES] = {0}, used = 0;
    int eliciting[QUIC_SPACES] = {0}, last = -1;
    /* First the frames of each space, so that the last packet can carry the padding of the datagram. */
    for (int s = 0; s < QUIC_SPACES && limit >= 1200; s++) {
        if (!(q->sp.tx_ok & 1u << s) || used + PACKET_OVERHEAD + 32 > limit)
            continue;
        wire_wr fw;
        wire_wr_init(&fw, frames[s], sizeof frames[s]);
        taken[s] = space_frames(q, s, &fw, limit - used - PACKET_OVERHEAD, &eliciting[s]);
        if (fw.err)
            return QUIC_FAIL(q, "frames do not fit");
        flen[s] = fw.len;
        used += fw.len ? fw.len + PACKET_OVERHEAD : 0;
        last = fw.len ? s : last;
    }
    wire_wr w;
    wire_wr_init(&w, out, limit);
    for (int s = 0; s <= last; s++) {
        if (flen[s] == 0)
            continue;
        /* RFC 9000 §14.1: a datagram carrying an ack-eliciting Initial is expanded to 1200 bytes. */
        size_t min_len = s == last && eliciting[0] && w.len < 1200 ? 1200 - w.len : 0;
        if (seal_space(q, s, &w, frames[s], flen[s], min_len) != 0)
            return QUIC_FAIL(q, "cannot seal a packet");
        quic_spaces_sent(&q->sp, s, taken[s]);
    }
    q->sent += w.len;
    return (long)w.len;
}

long quic_server_close(quic_server *q, uint8_t *out, size_t cap, uint64_t code)
{
    wire_wr w;
    wire_wr_init(&w, out, budget(q, cap));
    uint8_t frames[16];
    wire_wr fw;
    wire_wr_init(&fw, frames, sizeof frames);
    quic_wr_close(&fw, code, 0);
    /* RFC 9000 §10.2.3: before the handshake is confirmed the close goes in every space the client may read. */
    for (int s = 0; s < QUIC_SPACES; s++)
        if ((q->sp.tx_ok & 1u << s) && seal_space(q, s, &w, frames, fw.len, 0) != 0)
            return QUIC_FAIL(q, "cannot seal CONNECTION_CLOSE");
    q->sent += w.len;
    return (long)w.len;
}
