/* A QUIC client connection: the wire client object's handshake in CRYPTO frames (RFC 9001 §4), packet protection of
 * every level from its exported secrets, Retry and Version Negotiation (RFC 9000 §17.2.5, §6); in a session, 1-RTT
 * packets, tickets and 0-RTT (RFC 9001 §4.6). */
#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>

#include "quic_client.h"

/* Initial keys of both directions from the Destination Connection ID we send to (RFC 9001 §5.2). */
static int initial_keys(quic_client *q)
{
    return quic_spaces_initial(&q->sp, q->dcid, q->dcid_len);
}

/* Moves the TLS object's queued messages onto our CRYPTO streams (Initial, Handshake). 0 or -1. */
static int drain_outbox(quic_client *q)
{
    wire_level level;
    if (quic_spaces_queue(&q->sp, &q->tls.conn.out, &level) != 0)
        return QUIC_FAIL(q, "handshake message at level %d cannot be carried", (int)level);
    return 0;
}

int quic_client_start(quic_client *q, uint32_t version, const wire_client_params *p)
{
    memset(q, 0, sizeof *q);
    quic_spaces_init(&q->sp, version, WIRE_FROM_SERVER);
    if (!quic_version_known(version))
        return QUIC_FAIL(q, "QUIC version 0x%08x is not spoken", version);
    if (gnutls_rnd(GNUTLS_RND_NONCE, q->odcid, sizeof q->odcid) < 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, q->scid, sizeof q->scid) < 0)
        return QUIC_FAIL(q, "no randomness");
    /* RFC 9000 §7.2: the first Destination Connection ID is random, at least 8 bytes. */
    memcpy(q->dcid, q->odcid, sizeof q->odcid);
    q->dcid_len = sizeof q->odcid;
    quic_tp tp;
    quic_tp_client_default(&tp, q->scid, sizeof q->scid);
    wire_wr w;
    wire_wr_init(&w, q->tp, sizeof q->tp);
    if (quic_tp_build(&w, &tp) != 0 || initial_keys(q) != 0)
        return QUIC_FAIL(q, "transport parameters or Initial keys failed");
    q->tp_len = w.len;
    wire_client_params tls = *p;
    tls.quic_tp = q->tp;
    tls.quic_tp_len = q->tp_len;
    if (tls.version != WIRE_TLS13 || wire_client_start(&q->tls, &tls) != 0)
        return QUIC_FAIL(q, "ClientHello: %s", tls.version != WIRE_TLS13 ? "QUIC needs TLS 1.3" : q->tls.conn.error);
    return drain_outbox(q);
}

int quic_client_start_session(quic_client *q, uint32_t version, const wire_client_params *p, const quic_tp *remembered)
{
    if (quic_client_start(q, version, p) != 0)
        return -1;
    q->session = 1;
    q->remembered = remembered;
    const wire_conn *c = &q->tls.conn;
    /* RFC 9001 §5.1, §4.6.1: 0-RTT packets are protected with keys from client_early_traffic_secret, under the
     * ticket's suite (RFC 8446 §4.2.10). */
    if (c->have & WIRE_HAVE(WIRE_LEVEL_EARLY, WIRE_FROM_CLIENT)) {
        if (quic_keys_from_secret(version, p->resume->suite, c->secret[WIRE_LEVEL_EARLY][WIRE_FROM_CLIENT],
                                  &q->tx_early) != 0)
            return QUIC_FAIL(q, "0-RTT keys failed");
        q->early_ok = 1;
    }
    return 0;
}

/* Seals frames as the next packet of space s onto w; a datagram with an Initial is padded to 1200 bytes. */
static int seal_space(quic_client *q, int s, wire_wr *w, const uint8_t *frames, size_t len)
{
    quic_packet_spec spec = {.dcid = q->dcid,
                             .dcid_len = q->dcid_len,
                             .scid = q->scid,
                             .scid_len = sizeof q->scid,
                             .token = q->token,
                             .token_len = q->token_len};
    /* RFC 9000 §14.1: a client's datagram carrying an Initial packet is at least 1200 bytes long. */
    size_t min_len = s == QUIC_SPACE_INITIAL && w->len < 1200 ? 1200 - w->len : 0;
    return quic_spaces_seal(&q->sp, s, w, &spec, frames, len, min_len);
}

/* A 0-RTT packet with a PING after the Initial (RFC 9000 §12.3: in the application packet number space), once, and
 * again with a retransmission, as long as the server's handshake keys have not come (RFC 9001 §4.6.1: the client
 * then knows whether 0-RTT was accepted). The PING asks for an acknowledgment and nothing else: alpncheck has no
 * application data to send early, so the server's transport parameters limit nothing here (RFC 9000 §7.4.1). */
static int seal_early(quic_client *q, wire_wr *w, int again)
{
    if (!q->early_ok || (q->early_sent && !again) || (q->sp.rx_ok & 1u << QUIC_SPACE_HANDSHAKE) ||
        w->cap - w->len < 128)
        return 0;
    static const uint8_t ping[] = {QUIC_FRAME_PING};
    quic_packet_spec spec = {.type = QUIC_PT_0RTT,
                             .version = q->sp.version,
                             .dcid = q->dcid,
                             .dcid_len = q->dcid_len,
                             .scid = q->scid,
                             .scid_len = sizeof q->scid};
    uint64_t pn = q->sp.next_pn[QUIC_SPACE_APP]++;
    if (!q->early_sent)
        q->early_pn = pn;
    q->early_sent = 1;
    return quic_seal_packet(w, &q->tx_early, &spec, pn, quic_pn_size(pn, UINT64_MAX), ping, sizeof ping, 0);
}

long quic_client_datagram(quic_client *q, uint8_t *out, size_t cap, int again)
{
    if (cap < 1200 || drain_outbox(q) != 0)
        return cap < 1200 ? QUIC_FAIL(q, "datagram buffer under 1200 bytes") : -1;
    int last = q->session ? QUIC_SPACE_APP : QUIC_SPACE_HANDSHAKE;
    for (int s = 0; again && s <= last; s++) {
        /* Once the server's ServerHello arrived (the handshake keys exist) it holds our whole ClientHello: repeat only
         * the ACKs then. An Initial of the server before that may only acknowledge some of a ClientHello that spans
         * several Initial packets (RFC 9000 §13.3: lost CRYPTO data is sent again), so the stream goes again. We send
         * no CRYPTO data in 1-RTT packets: there, only the ACKs go again. */
        if (s <= QUIC_SPACE_HANDSHAKE && !(s == QUIC_SPACE_INITIAL && (q->sp.rx_ok & 1u << QUIC_SPACE_HANDSHAKE)))
            q->sp.crypto_sent[s] = 0;
        q->sp.ack_pending[s] |= (q->sp.have_rx >> s) & 1u;
    }
    wire_wr w;
    wire_wr_init(&w, out, cap < QUIC_DATAGRAM_MAX ? cap : QUIC_DATAGRAM_MAX);
    for (int s = 0; s <= last; s++) {
        if (s == QUIC_SPACE_HANDSHAKE && seal_early(q, &w, again) != 0)
            return QUIC_FAIL(q, "cannot seal a 0-RTT packet");
        /* Header (at most 1 + 4 + 2 * 21 + token + 2 + 4) and tag (16) around the frames. */
        size_t overhead = 1 + 4 + 2 * (1 + QUIC_CID_MAX) + 2 + q->token_len + 2 + 4 + 16;
        if (!(q->sp.tx_ok & 1u << s) || w.len + overhead + 32 > w.cap)
            continue;
        uint8_t frames[QUIC_DATAGRAM_MAX];
        wire_wr fw;
        wire_wr_init(&fw, frames, sizeof frames);
        size_t taken = quic_spaces_frames(&q->sp, s, &fw, w.cap - w.len - overhead);
        if (fw.err)
            return QUIC_FAIL(q, "frames do not fit");
        if (fw.len == 0)
            continue;
        if (seal_space(q, s, &w, frames, fw.len) != 0)
            return QUIC_FAIL(q, "cannot seal a packet");
        quic_spaces_sent(&q->sp, s, taken); /* 1-RTT packets carry ACKs only: no CRYPTO stream of ours there */
    }
    return (long)w.len;
}

long quic_client_close(quic_client *q, uint8_t *out, size_t cap, uint64_t code)
{
    wire_wr w;
    wire_wr_init(&w, out, cap);
    uint8_t frames[16];
    wire_wr fw;
    wire_wr_init(&fw, frames, sizeof frames);
    /* RFC 9000 §19.19: CONNECTION_CLOSE 0x1c, the error code, frame type 0 (none), an empty reason. */
    quic_wr_close(&fw, code, 0);
    for (int s = 0; s <= (q->session ? QUIC_SPACE_APP : QUIC_SPACE_HANDSHAKE); s++)
        if ((q->sp.tx_ok & 1u << s) && seal_space(q, s, &w, frames, fw.len) != 0)
            return QUIC_FAIL(q, "cannot seal CONNECTION_CLOSE");
    return (long)w.len;
}

/* The server's quic_transport_parameters in EncryptedExtensions (RFC 9001 §8.2), checked against the connection IDs
 * of this connection (RFC 9000 §7.3); what is wrong goes to tp_error, which the peer layer reports. */
static void server_tp(quic_client *q, const uint8_t *msg, size_t len)
{
    wire_rd r, exts, data;
    unsigned type;
    wire_rd_init(&r, msg + 4, len - 4);
    exts = wire_rd_block(&r, 2);
    while (wire_rd_extension(&exts, &type, &data) == 1) {
        if (type != WIRE_EXT_QUIC_TRANSPORT_PARAMETERS)
            continue;
        quic_tp tp;
        q->server_tp = 1;
        if (quic_tp_parse(data.p, data.len, 1, &tp, q->tp_error) != 0)
            return;
        q->server_params = tp;
        if (tp.original_dcid_len != sizeof q->odcid || memcmp(tp.original_dcid, q->odcid, sizeof q->odcid) != 0)
            snprintf(q->tp_error, sizeof q->tp_error, "original_destination_connection_id is not ours (§7.3)");
        else if (tp.initial_scid_len != q->dcid_len || memcmp(tp.initial_scid, q->dcid, q->dcid_len) != 0)
            snprintf(q->tp_error, sizeof q->tp_error, "initial_source_connection_id is not its Source ID (§7.3)");
        else if (q->retried != (int)QUIC_TP_HAS(&tp, QUIC_TP_RETRY_SCID) ||
                 (q->retried && (tp.retry_scid_len != q->retry_scid_len ||
                                 memcmp(tp.retry_scid, q->retry_scid, q->retry_scid_len) != 0)))
            snprintf(q->tp_error, sizeof q->tp_error, "retry_source_connection_id does not match the Retry (§7.3)");
        return;
    }
    snprintf(q->tp_error, sizeof q->tp_error, "no quic_transport_parameters in EncryptedExtensions (RFC 9001 §8.2)");
}

/* RFC 9000 §7.4.1: a server that accepts 0-RTT must not reduce the limits it gave with the ticket. The ones that
 * bound what a client may send early are compared; a reduction is noted. */
static void check_0rtt_params(quic_client *q)
{
    static const unsigned limits[] = {QUIC_TP_INITIAL_MAX_DATA,
                                      QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_LOCAL,
                                      QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_REMOTE,
                                      QUIC_TP_INITIAL_MAX_STREAM_DATA_UNI,
                                      QUIC_TP_INITIAL_MAX_STREAMS_BIDI,
                                      QUIC_TP_INITIAL_MAX_STREAMS_UNI,
                                      QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT};
    const quic_tp *was = q->remembered, *now = &q->server_params;
    if (was == NULL || !q->tls.early_accepted || !q->server_tp)
        return;
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        unsigned id = limits[i];
        /* An absent integer parameter is 0, except active_connection_id_limit, whose default is 2 (§18.2). */
        uint64_t dflt = id == QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT ? 2 : 0;
        uint64_t a = QUIC_TP_HAS(was, id) ? was->value[id] : dflt, b = QUIC_TP_HAS(now, id) ? now->value[id] : dflt;
        if (b < a) {
            snprintf(q->note, sizeof q->note,
                     "0-RTT accepted with transport parameter 0x%02x reduced from %llu to %llu (RFC 9000 §7.4.1)", id,
                     (unsigned long long)a, (unsigned long long)b);
            return;
        }
    }
}

/* RFC 9001 §4.6.1: a ticket's early_data must say max_early_data_size 0xffffffff; any other value is a
 * PROTOCOL_VIOLATION. Such a ticket is not used for 0-RTT, and the server's value is noted. */
static void check_ticket(quic_client *q)
{
    wire_client_ticket *t = &q->tls.ticket;
    if (!t->early_data || t->max_early_data == 0xffffffffu)
        return;
    snprintf(q->note, sizeof q->note, "the ticket's max_early_data_size is 0x%x, not 0xffffffff (RFC 9001 §4.6.1)",
             t->max_early_data);
    t->early_data = 0;
}

/* Whole handshake messages of space s now available, to the TLS object. A quic_client_state or -1. */
static int deliver(quic_client *q, int s)
{
    const uint8_t *msg;
    size_t len;
    int rc;
    while ((rc = wire_msg_reader_next(&q->sp.reader[s], &msg, &len)) == 1) {
        if (msg[0] == WIRE_HS_ENCRYPTED_EXTENSIONS)
            server_tp(q, msg, len);
        unsigned tickets = q->tls.tickets;
        int taken = wire_client_take(&q->tls, quic_space_level[s], msg, len);
        if (taken < 0)
            return QUIC_FAIL(q, "%s", q->tls.conn.error);
        quic_spaces_install(&q->sp, &q->tls.conn);
        if (taken == 1)
            q->complete = 1;
        /* RFC 9001 §4.1.1: our Finished completes the handshake; QUIC has no EndOfEarlyData (§8.3). */
        if (taken == 1 && q->session && !q->tls.finished_sent && wire_client_finish(&q->tls) != 0)
            return QUIC_FAIL(q, "%s", q->tls.conn.error);
        if (msg[0] == WIRE_HS_ENCRYPTED_EXTENSIONS)
            check_0rtt_params(q);
        if (q->tls.tickets != tickets)
            check_ticket(q);
    }
    if (rc < 0)
        return QUIC_FAIL(q, "the server's handshake message claims %zu bytes", len);
    return q->complete ? QUIC_CLIENT_DONE : QUIC_CLIENT_MORE;
}

/* The frames of an opened packet of space s. A quic_client_state or -1. */
static int take_frames(quic_client *q, int s, const uint8_t *payload, size_t len)
{
    wire_rd r;
    wire_rd_init(&r, payload, len);
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    int rc, state = QUIC_CLIENT_MORE;
    while ((rc = s == QUIC_SPACE_APP ? quic_frame_next_1rtt(&r, &f, err)
                                     : quic_frame_next(&r, quic_space_type[s], &f, err)) == 1) {
        q->handshake_done |= f.type == QUIC_FRAME_HANDSHAKE_DONE;
        /* RFC 9000 §12.3: 0-RTT and 1-RTT share a packet number space, so a 1-RTT ACK whose first range holds our
         * first 0-RTT packet says the server opened it. */
        if (s == QUIC_SPACE_APP && (f.type == QUIC_FRAME_ACK || f.type == QUIC_FRAME_ACK_ECN) && q->early_sent &&
            f.ack_largest >= q->early_pn && f.ack_largest - f.ack_first_range <= q->early_pn)
            q->early_acked = 1;
        /* An ACK owed (RFC 9000 §13.2.1), CRYPTO data into the space's stream. */
        if (quic_spaces_take(&q->sp, s, &f, err) != 0)
            return QUIC_FAIL(q, "server's CRYPTO frame: %s", err);
        if (f.type == QUIC_FRAME_CLOSE || f.type == QUIC_FRAME_CLOSE_APP) {
            quic_close_note(&q->close, &f, quic_space_type[s]);
            return QUIC_CLIENT_CLOSED;
        }
        if (f.type != QUIC_FRAME_CRYPTO)
            continue;
        if ((state = deliver(q, s)) < 0)
            return -1;
    }
    return rc < 0 ? QUIC_FAIL(q, "server's packet: %s", err) : state;
}

/* RFC 9000 §17.2.5.2: one Retry, before any Initial of the server, with a valid tag (RFC 9001 §5.8) and a token;
 * anything else is dropped. Accepting it: its Source Connection ID becomes our destination, Initial keys follow it,
 * and the ClientHello is sent again with the token (§17.2.5.3). 0 or -1. */
static int take_retry(quic_client *q, const uint8_t *pkt, const quic_header *h)
{
    if (q->retried || q->server_initial || h->version != q->sp.version || h->token_len == 0 ||
        !quic_retry_verify(pkt, h, q->odcid, sizeof q->odcid) ||
        (h->scid_len == q->dcid_len && memcmp(h->scid, q->dcid, q->dcid_len) == 0))
        return 0;
    if (h->token_len > sizeof q->token)
        return QUIC_FAIL(q, "Retry token of %zu bytes, more than alpncheck keeps", h->token_len);
    memcpy(q->token, h->token, h->token_len);
    q->token_len = h->token_len;
    memcpy(q->dcid, h->scid, h->scid_len);
    q->dcid_len = h->scid_len;
    memcpy(q->retry_scid, h->scid, h->scid_len);
    q->retry_scid_len = h->scid_len;
    q->retried = 1;
    q->sp.crypto_sent[QUIC_SPACE_INITIAL] = 0;
    return initial_keys(q) == 0 ? 0 : QUIC_FAIL(q, "Initial keys after Retry failed");
}

/* RFC 9000 §6.2: a Version Negotiation that echoes our IDs, before any other packet of the server, and does not
 * list our version ends the attempt; any other is dropped. 0 or -1. */
static int take_version_negotiation(quic_client *q, const quic_header *h)
{
    if (q->server_initial || q->retried || h->dcid_len != sizeof q->scid ||
        memcmp(h->dcid, q->scid, sizeof q->scid) != 0 || h->scid_len != q->dcid_len ||
        memcmp(h->scid, q->dcid, q->dcid_len) != 0)
        return 0;
    for (size_t i = 0; i < h->n_versions; i++) {
        const uint8_t *v = h->versions + 4 * i;
        if (((uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3]) == q->sp.version)
            return 0;
    }
    q->vn_count = h->n_versions < 16 ? h->n_versions : 16;
    memcpy(q->vn_versions, h->versions, 4 * q->vn_count);
    return QUIC_FAIL(q, "Version Negotiation: the server does not speak version 0x%08x", q->sp.version);
}

/* One Initial, Handshake or (in a session) 1-RTT packet: opened, or dropped. A quic_client_state or -1. */
static int take_packet(quic_client *q, uint8_t *pkt, const quic_header *h)
{
    int s = h->type == QUIC_PT_INITIAL ? QUIC_SPACE_INITIAL
            : h->type == QUIC_PT_SHORT ? QUIC_SPACE_APP
                                       : QUIC_SPACE_HANDSHAKE;
    /* RFC 9000 §17.2.2: a server's Initial with a token is dropped. A short header states no version. */
    if ((s != QUIC_SPACE_APP && h->version != q->sp.version) || (s == QUIC_SPACE_INITIAL && h->token_len != 0))
        return QUIC_CLIENT_MORE;
    size_t off, len;
    if (quic_spaces_open(&q->sp, s, pkt, h, &off, &len) != 0) /* keys missing, or it does not open */
        return QUIC_CLIENT_MORE;
    if (s == QUIC_SPACE_INITIAL && !q->server_initial) {
        /* RFC 9000 §7.2: the Source Connection ID of the server's first Initial is where we send from now on. */
        if (h->scid_len > QUIC_CID_MAX)
            return QUIC_CLIENT_MORE;
        memcpy(q->dcid, h->scid, h->scid_len);
        q->dcid_len = h->scid_len;
        q->server_initial = 1;
    }
    return take_frames(q, s, pkt + off, len);
}

int quic_client_receive(quic_client *q, uint8_t *dgram, size_t len)
{
    size_t pos = 0;
    quic_header h;
    uint8_t *pkt;
    while ((pkt = quic_next_packet(dgram, len, &pos, sizeof q->scid, &h)) != NULL) {
        int rc = QUIC_CLIENT_MORE;
        if (h.type == QUIC_PT_VERSION_NEGOTIATION)
            rc = take_version_negotiation(q, &h);
        else if (h.type == QUIC_PT_RETRY)
            rc = take_retry(q, pkt, &h);
        else if (h.type == QUIC_PT_INITIAL || h.type == QUIC_PT_HANDSHAKE || (h.type == QUIC_PT_SHORT && q->session))
            rc = take_packet(q, pkt, &h);
        if (rc < 0 || rc == QUIC_CLIENT_CLOSED)
            return rc;
    }
    return q->complete ? QUIC_CLIENT_DONE : QUIC_CLIENT_MORE;
}
