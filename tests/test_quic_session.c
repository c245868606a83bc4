/*
 * A whole QUIC connection of alpncheck's client (quic_client_start_session) against the server object of the wire
 * engine in memory, its messages carried in packets built here with the carrier's own sealing: the client's
 * Finished in a Handshake packet, 1-RTT (short header) packets both ways with keys from the application secrets, a
 * NewSessionTicket in application CRYPTO frames among the frames a server sends after the handshake, HANDSHAKE_DONE;
 * then a second connection resuming with 0-RTT packets under the ticket's early keys (RFC 9001 §4.6, §5.1). And the
 * 1-RTT frame parser against malformed frames.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "guard.h"
#include "testkit_wire.h"
#include "quic.h"
#include "quic_client.h"
#include "wire_conn.h"
#include "wire_server.h"

static quic_client qc, again; /* about 1 MiB each: file scope */
static wire_server_conn sv;
static uint8_t dgram[16384];
static const uint8_t server_cid[8] = {0x5e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x01};
static const uint8_t h3[] = "\x00\x03\x02h3";

/* Packet keys of one of the server object's secrets (level, direction) under its suite. */
static quic_keys keys_of(const wire_conn *c, wire_level lv, int from, unsigned suite)
{
    quic_keys k;
    cr_assert(c->have & WIRE_HAVE(lv, from), "secret of level %d from %d", (int)lv, from);
    cr_assert_eq(quic_keys_from_secret(QUIC_V1, suite, c->secret[lv][from], &k), 0);
    return k;
}

/* The frames of the first packet of type t in the client's datagram d[0..n), opened with k into r; its number. */
static uint64_t client_packet(uint8_t *d, long n, quic_ptype t, const quic_keys *k, wire_rd *r)
{
    cr_assert_gt(n, 0, "%s", qc.error);
    size_t pos = 0;
    while (pos < (size_t)n) {
        quic_header h;
        char err[QUIC_ERROR_MAX];
        cr_assert_eq(quic_parse_header(d + pos, (size_t)n - pos, sizeof server_cid, &h, err), 0, "%s", err);
        if (h.type == t) {
            uint64_t pn;
            size_t off, len;
            cr_assert_eq(quic_open_packet(k, d + pos, &h, UINT64_MAX, &pn, &off, &len, err), 0, "%s", err);
            wire_rd_init(r, d + pos + off, len);
            return pn;
        }
        pos += h.len;
    }
    cr_assert_fail("no packet of type %d in the client's datagram", (int)t);
    return 0;
}

/* The first frame of type want among r's frames of packet type t. */
static quic_frame find_frame(wire_rd *r, quic_ptype t, uint64_t want)
{
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    int rc;
    while ((rc = quic_frame_next(r, t, &f, err)) == 1)
        if (f.type == want)
            return f;
    cr_assert_fail("no frame 0x%llx (%s)", (unsigned long long)want, err);
    return f;
}

/* Appends a server packet of type t (number pn) holding frames to w, sent to the client's Source ID. */
static void server_packet(wire_wr *w, const quic_client *c, quic_ptype t, const quic_keys *k, uint64_t pn,
                          const uint8_t *frames, size_t len)
{
    quic_packet_spec s = {.type = t,
                          .version = QUIC_V1,
                          .dcid = c->scid,
                          .dcid_len = sizeof c->scid,
                          .scid = server_cid,
                          .scid_len = sizeof server_cid};
    cr_assert_eq(quic_seal_packet(w, k, &s, pn, 2, frames, len, 0), 0);
}

/* The server object's queued messages of one level as one CRYPTO frame at offset 0 into fw. */
static void crypto_of_level(wire_wr *fw, wire_level lv)
{
    uint8_t data[8192];
    size_t n = 0;
    const wire_outbox *ob = &sv.conn.out;
    for (size_t i = 0; i < ob->n; i++) {
        if (ob->msg[i].level != lv)
            continue;
        cr_assert_leq(n + ob->msg[i].len, sizeof data);
        memcpy(data + n, ob->buf + ob->msg[i].off, ob->msg[i].len);
        n += ob->msg[i].len;
    }
    quic_wr_crypto(fw, 0, data, n);
}

/* The client's first datagram d[0..n) (opened in place): its ClientHello to the server object (the Initial keys of
 * its first Destination ID), answered (ServerHello in an Initial, the rest of the flight in a Handshake packet, one
 * datagram) into out; resuming with ticket resume when not NULL. */
static size_t answer_hello(quic_client *c, uint8_t *d, long n, const wire_ticket *resume, uint8_t *out, size_t cap)
{
    quic_keys cin, sin;
    cr_assert_eq(quic_initial_keys(QUIC_V1, c->odcid, 8, WIRE_FROM_CLIENT, NULL, &cin), 0);
    cr_assert_eq(quic_initial_keys(QUIC_V1, c->odcid, 8, WIRE_FROM_SERVER, NULL, &sin), 0);
    wire_rd r;
    client_packet(d, n, QUIC_PT_INITIAL, &cin, &r);
    quic_frame hello = find_frame(&r, QUIC_PT_INITIAL, QUIC_FRAME_CRYPTO);
    wire_server_start(&sv, tk_identity(), 1);
    cr_assert_eq(wire_server_take_client_hello(&sv, hello.data, hello.data_len), 0, "%s", sv.conn.error);
    if (resume != NULL)
        cr_assert_eq(wire_server_accept_psk(&sv, resume, wire_server_find_ticket(&sv, resume)), 0, "%s", sv.conn.error);
    wire_server_answer a = {.alpn = 1, .alpn_data = h3, .alpn_len = 5};
    cr_assert_eq(wire_server_answer13(&sv, &a), 0, "%s", sv.conn.error);
    uint8_t frames[8192];
    wire_wr w, fw;
    wire_wr_init(&w, out, cap);
    wire_wr_init(&fw, frames, sizeof frames);
    crypto_of_level(&fw, WIRE_LEVEL_INITIAL);
    server_packet(&w, c, QUIC_PT_INITIAL, &sin, 0, frames, fw.len);
    wire_wr_init(&fw, frames, sizeof frames);
    crypto_of_level(&fw, WIRE_LEVEL_HANDSHAKE);
    quic_keys hs = keys_of(&sv.conn, WIRE_LEVEL_HANDSHAKE, WIRE_FROM_SERVER, sv.conn.suite_code);
    server_packet(&w, c, QUIC_PT_HANDSHAKE, &hs, 0, frames, fw.len);
    wire_outbox_clear(&sv.conn.out);
    cr_assert_not(w.err);
    return w.len;
}

/* The client's Finished, from its Handshake packet, to the server object (which then accepts the handshake). */
static void client_finished_to_server(quic_client *c)
{
    long n = quic_client_datagram(c, dgram, sizeof dgram, 0);
    quic_keys k = keys_of(&sv.conn, WIRE_LEVEL_HANDSHAKE, WIRE_FROM_CLIENT, sv.conn.suite_code);
    wire_rd r;
    client_packet(dgram, n, QUIC_PT_HANDSHAKE, &k, &r);
    quic_frame fin = find_frame(&r, QUIC_PT_HANDSHAKE, QUIC_FRAME_CRYPTO);
    cr_assert_eq(fin.data[0], WIRE_HS_FINISHED);
    cr_assert_eq(wire_server_take(&sv, WIRE_LEVEL_HANDSHAKE, fin.data, fin.data_len), 1);
    cr_expect(sv.client_finished_ok, "the client's Finished verifies (RFC 8446 §4.4.4)");
}

/* A server 1-RTT packet (number pn): the ticket queued in the server object (max_early_data_size patched to
 * early_max) in a CRYPTO frame among the frames a server sends after the handshake, then HANDSHAKE_DONE; ack_early
 * adds an ACK of the client's packet 0. */
static size_t server_1rtt(const quic_client *c, uint8_t *out, uint64_t pn, uint32_t early_max, int ack_early)
{
    wire_outbox *ob = &sv.conn.out;
    cr_assert_eq(ob->n, 1);
    uint8_t *nst = ob->buf + ob->msg[0].off;
    size_t len = ob->msg[0].len;
    /* RFC 8446 §4.6.1: the early_data extension (max_early_data_size, 4 bytes) is the message's last. */
    for (int i = 0; i < 4; i++)
        nst[len - 4 + i] = (uint8_t)(early_max >> (24 - 8 * i));
    uint8_t frames[2048];
    wire_wr fw;
    wire_wr_init(&fw, frames, sizeof frames);
    if (ack_early)
        quic_wr_ack(&fw, 0, 0, 0);
    /* NEW_CONNECTION_ID (seq 1, retire 0, 8-byte ID, reset token), MAX_STREAMS, a STREAM frame with offset and
     * length (an HTTP/3 control stream's SETTINGS), then the ticket and HANDSHAKE_DONE. */
    static const uint8_t before[] = {0x18, 0x01, 0x00, 0x08, 1,    2,    3,    4,    5,    6,    7,    8,   0,
                                     0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,   0,
                                     0,    0,    0x12, 0x40, 0x64, 0x0e, 0x03, 0x00, 0x03, 0x00, 0x04, 0x00};
    wire_wr_bytes(&fw, before, sizeof before);
    quic_wr_crypto(&fw, 0, nst, len);
    quic_wr_varint(&fw, QUIC_FRAME_HANDSHAKE_DONE);
    wire_outbox_clear(ob);
    quic_keys k = keys_of(&sv.conn, WIRE_LEVEL_APPLICATION, WIRE_FROM_SERVER, sv.conn.suite_code);
    wire_wr w;
    wire_wr_init(&w, out, sizeof dgram);
    server_packet(&w, c, QUIC_PT_SHORT, &k, pn, frames, fw.len);
    cr_assert_not(w.err);
    return w.len;
}

/* A full connection that ends with the server's ticket (its max_early_data_size set to early_max) in qc. */
static void full_connection(uint32_t early_max, wire_ticket *t)
{
    wire_client_params p = {.version = WIRE_TLS13, .sni = "localhost", .send_alpn = 1, .alpn = h3, .alpn_len = 5};
    cr_assert_eq(quic_client_start_session(&qc, QUIC_V1, &p, NULL), 0, "%s", qc.error);
    uint8_t flight[16384];
    long first = quic_client_datagram(&qc, dgram, sizeof dgram, 0);
    size_t n = answer_hello(&qc, dgram, first, NULL, flight, sizeof flight);
    cr_assert_eq(quic_client_receive(&qc, flight, n), QUIC_CLIENT_DONE, "%s", qc.error);
    cr_expect(qc.tls.finished_sent, "the client's Finished is queued after the server's");
    client_finished_to_server(&qc);
    cr_assert_eq(wire_server_issue_ticket(&sv, t), 0, "%s", sv.conn.error);
    n = server_1rtt(&qc, flight, 7, early_max, 0);
    cr_assert_eq(quic_client_receive(&qc, flight, n), QUIC_CLIENT_DONE, "%s", qc.error);
}

Test(quic_session, finished_1rtt_ticket_and_handshake_done)
{
    wire_ticket t;
    full_connection(0xffffffffu, &t);
    cr_expect(qc.handshake_done);
    cr_assert_eq(qc.tls.tickets, 1, "%s", qc.tls.ticket_error);
    cr_expect_arr_eq(qc.tls.ticket.psk, t.psk, 32, "the ticket's PSK is the server's");
    cr_expect(qc.tls.ticket.early_data && qc.note[0] == '\0', "%s", qc.note);
    /* The client acknowledges the 1-RTT packet in a 1-RTT packet (RFC 9000 §13.2.1). */
    long n = quic_client_datagram(&qc, dgram, sizeof dgram, 0);
    quic_keys k = keys_of(&sv.conn, WIRE_LEVEL_APPLICATION, WIRE_FROM_CLIENT, sv.conn.suite_code);
    wire_rd r;
    client_packet(dgram, n, QUIC_PT_SHORT, &k, &r);
    quic_frame ack = find_frame(&r, QUIC_PT_SHORT, QUIC_FRAME_ACK);
    cr_expect_eq(ack.ack_largest, 7);
    /* On the retransmission timer the ACKs of every space go again, the 1-RTT one included; what was received is
     * still known. */
    unsigned had = qc.sp.have_rx;
    n = quic_client_datagram(&qc, dgram, sizeof dgram, 1);
    cr_expect_eq(qc.sp.have_rx, had);
    client_packet(dgram, n, QUIC_PT_SHORT, &k, &r);
    cr_expect_eq(find_frame(&r, QUIC_PT_SHORT, QUIC_FRAME_ACK).ack_largest, 7);
    /* Its close goes in a 1-RTT packet too (RFC 9000 §10.2.3). */
    n = quic_client_close(&qc, dgram, sizeof dgram, 0);
    client_packet(dgram, n, QUIC_PT_SHORT, &k, &r);
    cr_expect_eq(find_frame(&r, QUIC_PT_SHORT, QUIC_FRAME_CLOSE).error_code, 0);
}

/* RFC 9001 §4.6.1: a ticket whose early_data says another max_early_data_size than 0xffffffff is noted and not used
 * for 0-RTT. */
Test(quic_session, ticket_with_tcp_early_data_size_is_noted)
{
    wire_ticket t;
    full_connection(16384, &t);
    cr_assert_eq(qc.tls.tickets, 1);
    cr_expect_not(qc.tls.ticket.early_data);
    cr_expect(strstr(qc.note, "0x4000, not 0xffffffff (RFC 9001 §4.6.1)") != NULL, "%s", qc.note);
}

/* The second connection: ClientHello with the ticket and early_data in an Initial, a 0-RTT packet with a PING under
 * client_early_traffic_secret's keys beside it; the server resumes, accepts early data and acknowledges the 0-RTT
 * packet in 1-RTT. */
Test(quic_session, resumption_with_0rtt_packets)
{
    wire_ticket t;
    full_connection(0xffffffffu, &t);
    wire_client_params p = {.version = WIRE_TLS13,
                            .sni = "localhost",
                            .send_alpn = 1,
                            .alpn = h3,
                            .alpn_len = 5,
                            .resume = &qc.tls.ticket,
                            .resume_age_ms = 20,
                            .early_data = 1};
    cr_assert_eq(quic_client_start_session(&again, QUIC_V1, &p, &qc.server_params), 0, "%s", again.error);
    cr_assert(again.early_ok);
    /* One datagram: the Initial, padded (RFC 9000 §14.1), then the 0-RTT packet; a copy keeps the 0-RTT packet for
     * the check below, as answer_hello opens the Initial in place. */
    long n = quic_client_datagram(&again, dgram, sizeof dgram, 0);
    uint8_t first[16384];
    memcpy(first, dgram, (size_t)n);
    cr_expect(again.early_sent && again.early_pn == 0);
    cr_expect_eq(quic_client_datagram(&again, first + n, sizeof first - (size_t)n, 0), 0, "one 0-RTT packet");
    uint8_t flight[16384];
    size_t fn = answer_hello(&again, dgram, n, &t, flight, sizeof flight);
    cr_expect(sv.ch.early_data && sv.resuming);
    quic_keys early = keys_of(&sv.conn, WIRE_LEVEL_EARLY, WIRE_FROM_CLIENT, t.suite);
    wire_rd r;
    cr_expect_eq(client_packet(first, n, QUIC_PT_0RTT, &early, &r), 0, "the 0-RTT packet is number 0");
    cr_expect_eq(find_frame(&r, QUIC_PT_0RTT, QUIC_FRAME_PING).type, QUIC_FRAME_PING);
    /* A retransmission before the server's answer sends the 0-RTT PING again (number 1). */
    long rn = quic_client_datagram(&again, dgram, sizeof dgram, 1);
    cr_expect_eq(client_packet(dgram, rn, QUIC_PT_0RTT, &early, &r), 1);

    cr_assert_eq(quic_client_receive(&again, flight, fn), QUIC_CLIENT_DONE, "%s", again.error);
    cr_expect(again.tls.resumed && again.tls.early_accepted);
    cr_expect_not(again.early_acked);
    client_finished_to_server(&again);
    cr_assert_eq(wire_server_issue_ticket(&sv, &t), 0);
    fn = server_1rtt(&again, flight, 3, 0xffffffffu, 1);
    cr_expect_eq(quic_client_receive(&again, flight, fn), QUIC_CLIENT_DONE, "%s", again.error);
    cr_expect(again.early_acked, "the server's 1-RTT ACK covers the 0-RTT packet (RFC 9000 §12.3)");
    cr_expect(again.handshake_done && again.tls.tickets == 1);
    cr_expect_eq(again.note[0], '\0', "%s", again.note);
}

/* ---- the frames of 1-RTT packets (RFC 9000 §19) ------------------------------------------------------------- */

/* One of each frame a server may send in 1-RTT, and where each starts. */
static const uint8_t app_frames[] = {
    0x04, 0x01, 0x02, 0x03,                 /* RESET_STREAM */
    0x05, 0x01, 0x02,                       /* STOP_SENDING */
    0x0f, 0x03, 0x40, 0x10, 0x02, 'h', 'i', /* STREAM with offset 16, length 2 */
    0x08, 0x07,                             /* STREAM without offset or length: to the end... */
};
static const uint8_t app_frames_2[] = {
    0x10, 0x44, 0x00,                                     /* MAX_DATA */
    0x11, 0x00, 0x01,                                     /* MAX_STREAM_DATA */
    0x12, 0x03, 0x13, 0x03,                               /* MAX_STREAMS bidi, uni */
    0x14, 0x01, 0x15, 0x00, 0x01, 0x16, 0x01, 0x17, 0x01, /* DATA_BLOCKED, STREAM_DATA_BLOCKED, STREAMS_BLOCKED x2 */
    0x18, 0x02, 0x01, 0x04, 9,    9,    9,    9,    1,    1,    1, 1, 1, 1, 1, 1, 1, 1, 1,
    1,    1,    1,    1,    1,                                                          /* NEW_CONNECTION_ID */
    0x19, 0x00,                                                                         /* RETIRE_CONNECTION_ID */
    0x1a, 1,    2,    3,    4,    5,    6,    7,    8,    0x1b, 1, 2, 3, 4, 5, 6, 7, 8, /* PATH_CHALLENGE, PATH_RESPONSE
                                                                                         */
    0x31, 0x01, 'x',                                                                    /* DATAGRAM with length */
    0x06, 0x00, 0x01, 0x04,                                                             /* CRYPTO (handshake parser) */
    0x1e,                                                                               /* HANDSHAKE_DONE */
    0x07, 0x01, 0x55,                                                                   /* NEW_TOKEN */
    0x30, 'r',  'e',  's',  't',                                                        /* DATAGRAM to the end */
};

static size_t count_frames(const uint8_t *p, size_t len, uint64_t *last_type, char *err)
{
    wire_rd r;
    wire_rd_init(&r, guard_place(p, len), len);
    quic_frame f;
    size_t n = 0;
    int rc;
    while ((rc = quic_frame_next_1rtt(&r, &f, err)) == 1) {
        n++;
        *last_type = f.type;
    }
    return rc == 0 ? n : (size_t)-1;
}

Test(quic_frames_1rtt, every_type_read_within_bounds)
{
    char err[QUIC_ERROR_MAX];
    uint64_t last = 0;
    cr_expect_eq(count_frames(app_frames, sizeof app_frames, &last, err), 4, "%s", err);
    cr_expect_eq(last, 0x08);
    cr_expect_eq(count_frames(app_frames_2, sizeof app_frames_2, &last, err), 17, "%s", err);
    cr_expect_eq(last, 0x30);
    /* The STREAM frame's data. */
    wire_rd r;
    wire_rd_init(&r, app_frames + 7, 7);
    quic_frame f;
    cr_assert_eq(quic_frame_next_1rtt(&r, &f, err), 1, "%s", err);
    cr_expect(f.data_len == 2 && memcmp(f.data, "hi", 2) == 0);
    /* Every cut of the second list: the frames before the cut, then an error or the end, never a read beyond. */
    for (size_t cut = 0; cut < sizeof app_frames_2; cut++)
        (void)count_frames(app_frames_2, cut, &last, err);
}

Test(quic_frames_1rtt, malformed_frames_are_refused)
{
    static const struct {
        const char *what;
        uint8_t p[8];
        size_t len;
    } bad[] = {
        {"unknown type 0x20", {0x20}, 1},
        {"type not in its shortest encoding", {0x40, 0x10, 0x00}, 3},
        {"STREAM length beyond the packet", {0x0a, 0x00, 0x05, 'a'}, 4},
        {"STREAM offset + length beyond 2^62 - 1", {0x0e, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 8},
        {"NEW_CONNECTION_ID of length 0", {0x18, 0x01, 0x00, 0x00}, 4},
        {"NEW_CONNECTION_ID retiring beyond its sequence", {0x18, 0x01, 0x02, 0x01, 0x09}, 5},
        {"PATH_CHALLENGE short", {0x1a, 1, 2, 3}, 4},
        {"DATAGRAM length beyond the packet", {0x31, 0x09, 'x'}, 3},
        {"MAX_STREAM_DATA truncated", {0x11, 0x01}, 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[QUIC_ERROR_MAX];
        uint64_t last;
        cr_expect_eq(count_frames(bad[i].p, bad[i].len, &last, err), (size_t)-1, "%s", bad[i].what);
        cr_expect(strstr(err, "frame type") != NULL, "%s: %s", bad[i].what, err);
    }
}
