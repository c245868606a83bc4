/* The QUIC server connection of alpncheck client --quic (harness/wire/quic_server.c) on what a client sends. The first
 * byte picks the mode, the rest is chunks of a 2-byte length and that many bytes, each one datagram:
 *   0  raw datagrams to a fresh connection (headers, the first Initial's checks, packets that do not open);
 *   1  frames the target seals as the client's Initial packets to a fresh connection (Initial keys of a fixed
 *      Destination Connection ID, padded to 1200 bytes), so that CRYPTO reassembly, the ClientHello parser and the
 *      client's transport parameters see the fuzzer's bytes; once a ClientHello is in, the flight is answered and the
 *      next chunks are sealed as Handshake packets under the client's handshake keys;
 *   2  frames sealed as Handshake packets to a connection that has answered a real ClientHello (its Finished, its
 *      CONNECTION_CLOSE, anything else);
 *   3  the same as 1-RTT packets.
 * A fuzzer cannot forge an AEAD tag, so the target seals with the keys the connection will open with.
 * Oracles: every state is one of quic_server_state, an error has its text; a connection starts only from a datagram of
 * at least 1200 bytes; HELLO comes once, with the client's offer inside its ClientHello; the datagrams the connection
 * sends fit their buffer and, until the client's address is validated, stay within three times what it received
 * (RFC 9000 §8.1); a close is noted with its packet type. */
#include <stdlib.h>
#include <string.h>

#include "quic_client.h"
#include "quic_restore.h"
#include "quic_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* About 1 MiB each: made once, copied per input without their large buffers' unused bytes (quic_restore.h). */
static quic_server fresh, answered, q;
static quic_restore_plan fresh_plan, answered_plan;
static quic_client qc;
static wire_identity *ident;
static quic_keys initial_rx; /* the client's Initial keys for ODCID */
static int ready;
static const uint8_t ODCID[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08}; /* RFC 9001 Appendix A */
static const uint8_t CSCID[8] = {0xc5, 0x5c, 0x1d, 0x00, 0x42, 0x00, 0x00, 0x01};
static const uint8_t OFFER[] = {0x00, 0x03, 0x02, 'h', '3'};
static uint8_t dgram[65536 + 64], out[QUIC_DATAGRAM_MAX];

static void drain(quic_server *s)
{
    long n;
    while ((n = quic_server_datagram(s, out, sizeof out, 0)) > 0) {
        if ((size_t)n > sizeof out || (!s->validated && s->sent > 3 * s->received))
            abort();
    }
    if (n < 0 && s->error[0] == '\0')
        abort();
}

static void plan_server(quic_restore_plan *p, const quic_server *tpl)
{
    plan_outbox(p, offsetof(quic_server, tls.conn.out), &tpl->tls.conn.out);
    plan_add(p, offsetof(quic_server, tls.ch_msg), sizeof tpl->tls.ch_msg, tpl->tls.ch_len);
    plan_spaces(p, offsetof(quic_server, sp), &tpl->sp);
}

static void setup(void)
{
    char err[200];
    ident = wire_identity_create(err, sizeof err);
    wire_client_params p = {
        .version = WIRE_TLS13, .sni = "localhost", .send_alpn = 1, .alpn = OFFER, .alpn_len = sizeof OFFER};
    if (ident == NULL || quic_client_start(&qc, QUIC_V1, &p) != 0 ||
        quic_initial_keys(QUIC_V1, ODCID, sizeof ODCID, WIRE_FROM_CLIENT, NULL, &initial_rx) != 0)
        abort();
    quic_server_start(&fresh, ident);
    quic_server_start(&answered, ident);
    long n = quic_client_datagram(&qc, dgram, sizeof dgram, 0);
    wire_server_answer a = {.alpn = 1, .alpn_data = OFFER, .alpn_len = sizeof OFFER};
    if (n <= 0 || quic_server_receive(&answered, dgram, (size_t)n) != QUIC_SERVER_HELLO ||
        quic_server_answer(&answered, &a) != 0)
        abort();
    drain(&answered);
    plan_server(&fresh_plan, &fresh);
    plan_server(&answered_plan, &answered);
    ready = 1;
}

/* Seals frames as the client's next packet of type t into dgram. Its length, or 0. */
static size_t seal(quic_ptype t, uint64_t pn, const uint8_t *frames, size_t len)
{
    int s = t == QUIC_PT_INITIAL ? QUIC_SPACE_INITIAL : t == QUIC_PT_HANDSHAKE ? QUIC_SPACE_HANDSHAKE : QUIC_SPACE_APP;
    const quic_keys *k = t == QUIC_PT_INITIAL && !q.started ? &initial_rx : &q.sp.rx[s];
    if (t != QUIC_PT_INITIAL && !(q.sp.rx_ok & 1u << s))
        return 0;
    quic_packet_spec spec = {.type = t, .version = QUIC_V1, .scid = CSCID, .scid_len = sizeof CSCID};
    spec.dcid = q.started ? q.scid : ODCID;
    spec.dcid_len = q.started ? sizeof q.scid : sizeof ODCID;
    wire_wr w;
    wire_wr_init(&w, dgram, sizeof dgram);
    /* RFC 9000 §14.1: a client's Initial datagram is at least 1200 bytes. */
    if (quic_seal_packet(&w, k, &spec, pn, 4, frames, len, t == QUIC_PT_INITIAL ? 1200 : 0) != 0 || w.err)
        return 0;
    return w.len;
}

/* One datagram to q; 1 to go on, 0 to stop. */
static int feed(size_t len)
{
    int was_hello = q.hello;
    int rc = quic_server_receive(&q, dgram, len);
    if (rc < -1 || rc > QUIC_SERVER_CLOSED)
        abort();
    if (rc < 0) {
        if (q.error[0] == '\0' || memchr(q.error, 0, sizeof q.error) == NULL)
            abort();
        return 0;
    }
    if (q.started && q.received < 1200)
        abort();
    if (rc == QUIC_SERVER_HELLO) {
        const wire_client_hello_info *ch = &q.tls.ch;
        if (was_hello || !q.hello ||
            (ch->alpn != NULL && (ch->alpn < q.tls.ch_msg || ch->alpn + ch->alpn_len > q.tls.ch_msg + q.tls.ch_len)))
            abort();
        wire_server_answer a = {.alpn = 1, .alpn_data = OFFER, .alpn_len = sizeof OFFER};
        if (quic_server_answer(&q, &a) != 0 && q.error[0] == '\0')
            abort();
    }
    if (rc == QUIC_SERVER_CLOSED && (!q.closed || (q.close.type != QUIC_PT_INITIAL &&
                                                   q.close.type != QUIC_PT_HANDSHAKE && q.close.type != QUIC_PT_SHORT)))
        abort();
    drain(&q);
    return rc != QUIC_SERVER_CLOSED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready)
        setup();
    if (size < 1)
        return 0;
    int mode = data[0] % 4;
    if (mode >= 2)
        quic_restore(&q, &q.sp, &answered, sizeof q, &answered_plan);
    else
        quic_restore(&q, &q.sp, &fresh, sizeof q, &fresh_plan);
    size_t pos = 1;
    for (uint64_t pn = 0; pos + 2 <= size; pn++) {
        size_t len = (size_t)data[pos] << 8 | data[pos + 1];
        pos += 2;
        if (len > size - pos)
            len = size - pos;
        const uint8_t *chunk = data + pos;
        pos += len;
        size_t n = len;
        if (mode == 0)
            memcpy(dgram, chunk, len);
        else if (mode == 1)
            n = seal(q.answered ? QUIC_PT_HANDSHAKE : QUIC_PT_INITIAL, pn, chunk, len);
        else
            n = seal(mode == 2 ? QUIC_PT_HANDSHAKE : QUIC_PT_SHORT, pn, chunk, len);
        if (n > 0 && !feed(n))
            break;
    }
    return 0;
}
