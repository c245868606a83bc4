/* The read loops of alpncheck as a server (harness/peer/client_peer.c read_client_hello, then read_reaction), without
 * the socket: the input is what a client sends, read as records, reassembled into handshake messages
 * (stream_oracle.h); the first message must be a whole ClientHello with nothing after it in its record, which the wire
 * server object takes; then (as after our flight) the client's records are opened at the level its hello implies and
 * its handshake messages go to the server object until it accepts or stalls, an alert, or the end of the input.
 * Oracles: those of stream_oracle.h, and what the server object holds: a ClientHello taken lies in its copy of the
 * message, with the ALPN extension inside it. */
#include "stream_oracle.h"
#include "wire_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include <stddef.h>

static wire_server_conn sv, fresh;
static int fresh_ready;
static fuzz_stream st;

/* The object's large buffers, not restored per input (restore.h): the template's are empty. */
static const restore_range big[] = {
    {offsetof(wire_server_conn, conn.out.buf), sizeof fresh.conn.out.buf, 0},
    {offsetof(wire_server_conn, ch_msg), sizeof fresh.ch_msg, 0},
};

/* Records until a whole ClientHello; 0 when the server object took it. */
static int read_client_hello(void)
{
    for (;;) {
        const uint8_t *hs;
        size_t held = wire_msg_reader_pending(&st.hs, &hs);
        if (held >= 4) {
            size_t mlen = (size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3];
            if (hs[0] != WIRE_HS_CLIENT_HELLO || mlen > wire_handshake_max(WIRE_HS_CLIENT_HELLO))
                return -1;
            if (held - 4 >= mlen) {
                if (held - 4 > mlen)
                    return -1; /* data after the ClientHello in its record */
                return wire_server_take_client_hello(&sv, hs, held);
            }
        }
        stream_record r;
        if (stream_next(&st, 0, &r) <= 0 || r.type != WIRE_CT_HANDSHAKE || stream_add(&st, r.body, r.len) != 0)
            return -1;
    }
}

/* What the server object kept of the hello lies inside its copy of the message. */
static void hello_kept(void)
{
    const uint8_t *body = sv.ch_msg + 4;
    size_t len = sv.ch_len - 4;
    if (sv.ch_len < 4 || sv.ch_len > sizeof sv.ch_msg || sv.ch.session_id_len > 32)
        abort();
    if (sv.ch.alpn_count > 0 &&
        (sv.ch.alpn < body || sv.ch.alpn_len > len || (size_t)(sv.ch.alpn - body) > len - sv.ch.alpn_len))
        abort();
}

/* The client's reaction to our flight, as read_reaction reads it. */
static void read_reaction(void)
{
    /* After our flight the client writes under its handshake key, or its early key when it resumes with 0-RTT. */
    for (int i = 0; i < FUZZ_SUITES; i++)
        if (wire_ch_offers_suite(&sv.ch, fuzz_suite_codes[i])) {
            st.rl = *fuzz_carrier(fuzz_suite_codes[i]);
            st.suite_code = fuzz_suite_codes[i];
            break;
        }
    st.rl.read_level = sv.ch.psk && sv.ch.early_data ? WIRE_LEVEL_EARLY : WIRE_LEVEL_HANDSHAKE;
    stream_reset_messages(&st);
    for (;;) {
        stream_record r;
        if (stream_next(&st, sv.tls13, &r) <= 0 || r.type == WIRE_CT_ALERT)
            return;
        if (r.type != WIRE_CT_HANDSHAKE)
            continue;
        if (stream_add(&st, r.body, r.len) != 0)
            return;
        const uint8_t *msg;
        size_t mlen;
        while (stream_message(&st, &msg, &mlen) == 1) {
            if (wire_server_take(&sv, r.level, msg, mlen) == 1)
                return;
            stream_follow(&st, &sv.conn); /* EndOfEarlyData: the handshake key from here */
        }
        if (st.stopped)
            return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fresh_ready) {
        wire_server_start(&fresh, NULL, 1);
        fresh_ready = 1;
    }
    stream_start(&st, data, size);
    object_restore(&sv, &fresh, sizeof sv, big, sizeof big / sizeof big[0]);
    if (read_client_hello() != 0)
        return 0;
    hello_kept();
    /* The check plays the version the hello offers best (the identity and the flight are not needed to read on). */
    sv.tls13 = sv.ch.offers_tls13;
    read_reaction();
    return 0;
}
