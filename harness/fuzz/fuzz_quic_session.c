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
 * client did not fail. Not checked: that the ticket kept is the last valid one of several (that needs the
 * NewSessionTickets parsed out of the CRYPTO stream a second time), nor anything about tickets before our Finished
 * (the template has always sent it). */
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

/* The frames of a plaintext the target sealed, as the client reads them (it reads the same bytes, then the seal's
 * zero padding, which only completes a frame the plaintext cut short or adds PADDING): whether a HANDSHAKE_DONE
 * comes among the frames the client takes (up to a refusal or the first CONNECTION_CLOSE, which ends the packet),
 * and whether one comes before any CONNECTION_CLOSE with no refusal before it. */
static void handshake_done_frames(const uint8_t *frames, size_t len, int *any, int *before_close)
{
    wire_rd r;
    wire_rd_init(&r, frames, len);
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    int closed = 0;
    *any = *before_close = 0;
    while (!closed && quic_frame_next_1rtt(&r, &f, err) == 1) {
        closed = f.type == QUIC_FRAME_CLOSE || f.type == QUIC_FRAME_CLOSE_APP;
        if (f.type == QUIC_FRAME_HANDSHAKE_DONE)
            *any = *before_close = 1;
    }
}

/* RFC 9000 §19.20: the client notes HANDSHAKE_DONE when a frame of the sealed packet is one, and only then. rc: what
 * quic_client_receive returned (an error may stop it before the frame). */
static void check_handshake_done(const uint8_t *frames, size_t len, int rc)
{
    int any, before_close;
    handshake_done_frames(frames, len, &any, &before_close);
    if ((q.handshake_done && !any) || (rc >= 0 && before_close && !q.handshake_done))
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
    if (!(data[0] & 1))
        check_handshake_done(data + 1, size - 1, rc);
    return 0;
}
