/* The QUIC client connection after its handshake (harness/wire/quic_client.c in a session): what a server sends in
 * 1-RTT — short header packets, their frames (quic_frame_next_1rtt), CRYPTO data at the application level cut into
 * NewSessionTickets for the client object (wire_client_take, the ticket and its PSK), HANDSHAKE_DONE. The connection
 * is set up once as after the server's Finished and our own, with 1-RTT keys from a fixed secret; each input starts
 * from a copy. The first byte picks the form: even, the rest is the plaintext of a 1-RTT packet that the target
 * seals under the server's keys (so the frames are reached); odd, the rest is a datagram as received.
 * Oracles: the state is one of quic_client_receive's, an error has its text; a kept ticket has an identity within
 * its bound, and allows 0-RTT only with max_early_data_size 0xffffffff (RFC 9001 §4.6.1); tickets only come on a
 * connection whose Finished went out. */
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
    return 0;
}
