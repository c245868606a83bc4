/*
 * The QUIC server connection (quic_server.h) against alpncheck's own QUIC client connection (quic_client.h) in
 * memory: both sides of a handshake over QUIC v1 and v2, the crafted answers (no ALPN, ALPN in ServerHello), the
 * client's CONNECTION_CLOSE, a ClientHello spanning several Initials, the anti-amplification limit and the datagrams a
 * server must drop.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "quic_client.h"
#include "quic_server.h"
#include "wire_server.h"

/* About 1 MiB each: file scope. */
static quic_client qc;
static quic_server qs;
static uint8_t dgram[1500];
static wire_identity *ident;

static void setup(void)
{
    char err[200];
    ident = wire_identity_create(err, sizeof err);
    cr_assert_not_null(ident, "%s", err);
}

static void teardown(void)
{
    wire_identity_free(ident);
}

TestSuite(quic_server, .init = setup, .fini = teardown);

/* Starts our client offering alpn[0..len) over version, and the server. */
static void start(uint32_t version, const uint8_t *alpn, size_t len)
{
    wire_client_params p = {.version = WIRE_TLS13, .sni = "localhost", .send_alpn = 1, .alpn = alpn, .alpn_len = len};
    cr_assert_eq(quic_client_start(&qc, version, &p), 0, "%s", qc.error);
    quic_server_start(&qs, ident);
}

/* Client datagrams to the server until the server has something to say. Returns the last state. */
static int client_to_server(int again)
{
    int state = QUIC_SERVER_MORE;
    long n;
    while (state == QUIC_SERVER_MORE && (n = quic_client_datagram(&qc, dgram, sizeof dgram, again)) > 0) {
        again = 0;
        state = quic_server_receive(&qs, dgram, (size_t)n);
        cr_assert_geq(state, 0, "%s", qs.error);
    }
    return state;
}

/* Server datagrams to the client, all of them. Returns the client's last state. */
static int server_to_client(void)
{
    int state = QUIC_CLIENT_MORE;
    long n;
    while ((n = quic_server_datagram(&qs, dgram, sizeof dgram, 0)) > 0) {
        cr_assert_leq(qs.sent, 3 * qs.received + (qs.validated ? 1u << 20 : 0),
                      "RFC 9000 §8.1: at most three times what was received before validation");
        state = quic_client_receive(&qc, dgram, (size_t)n);
        cr_assert_geq(state, 0, "%s", qc.error);
    }
    cr_assert_geq(n, 0, "%s", qs.error);
    return state;
}

/* A whole handshake with answer a: the client's Finished reaches the server and verifies. */
static void handshake(uint32_t version, const wire_server_answer *a)
{
    cr_assert_eq(client_to_server(0), QUIC_SERVER_HELLO);
    cr_expect_eq(qs.sp.version, version);
    cr_expect_str_empty(qs.client_tp_error);
    cr_assert_eq(quic_server_answer(&qs, a), 0, "%s", qs.error);
    cr_assert_eq(server_to_client(), QUIC_CLIENT_DONE, "%s", qc.error);
    /* Our client checked the server's transport parameters against its IDs (RFC 9000 §7.3). */
    cr_expect_eq(qc.server_tp, 1);
    cr_expect_str_empty(qc.tp_error);
    cr_assert_eq(wire_client_finish(&qc.tls), 0);
    cr_assert_eq(client_to_server(0), QUIC_SERVER_DONE, "%s", qs.error);
    cr_expect_eq(qs.tls.client_finished_ok, 1);
    cr_expect_eq(qs.validated, 1);
    /* HANDSHAKE_DONE follows in 1-RTT (RFC 9001 §4.1.2). */
    cr_expect_gt(quic_server_datagram(&qs, dgram, sizeof dgram, 0), 0);
    cr_expect_eq(qs.done_sent, 1);
}

static const uint8_t offer[] = "\x00\x0c\x02h3\x08http/1.1";
static const uint8_t answer_h3[] = "\x00\x03\x02h3";

static void valid_handshake(uint32_t version)
{
    start(version, offer, sizeof offer - 1);
    wire_server_answer a = {.alpn = 1, .alpn_data = answer_h3, .alpn_len = sizeof answer_h3 - 1};
    handshake(version, &a);
    cr_expect_eq(qc.tls.alpn.count, 1);
    cr_expect_eq(qc.tls.alpn_where, WIRE_WHERE_ENCRYPTED_EXTENSIONS);
    cr_expect_eq(qc.tls.alpn.len, sizeof answer_h3 - 1);
    cr_expect_arr_eq(qc.tls.alpn.data, answer_h3, sizeof answer_h3 - 1);
}

Test(quic_server, loopback_v1)
{
    valid_handshake(QUIC_V1);
}
Test(quic_server, loopback_v2)
{
    valid_handshake(QUIC_V2);
}

Test(quic_server, crafted_answers)
{
    /* No ALPN at all: the flight completes, the client sees no answer. */
    start(QUIC_V1, offer, sizeof offer - 1);
    wire_server_answer none = {.alpn = 0};
    handshake(QUIC_V1, &none);
    cr_expect_eq(qc.tls.alpn.count, 0);
    /* ALPN in the ServerHello (RFC 8446 §4.2 forbids it there). */
    start(QUIC_V1, offer, sizeof offer - 1);
    wire_server_answer in_sh = {
        .alpn = 1, .alpn_in_server_hello = 1, .alpn_data = answer_h3, .alpn_len = sizeof answer_h3 - 1};
    handshake(QUIC_V1, &in_sh);
    cr_expect_eq(qc.tls.alpn_where, WIRE_WHERE_SERVER_HELLO);
}

Test(quic_server, client_connection_close)
{
    start(QUIC_V1, offer, sizeof offer - 1);
    cr_assert_eq(client_to_server(0), QUIC_SERVER_HELLO);
    wire_server_answer none = {.alpn = 0};
    cr_assert_eq(quic_server_answer(&qs, &none), 0, "%s", qs.error);
    server_to_client();
    /* RFC 9001 §8.1: no_application_protocol as CONNECTION_CLOSE 0x0178; our client sends it in Initial and
     * Handshake packets, and the server notes the first. */
    long n = quic_client_close(&qc, dgram, sizeof dgram, 0x178);
    cr_assert_gt(n, 0);
    cr_assert_eq(quic_server_receive(&qs, dgram, (size_t)n), QUIC_SERVER_CLOSED, "%s", qs.error);
    cr_expect_eq(qs.close.frame, QUIC_FRAME_CLOSE);
    cr_expect_eq(qs.close.code, 0x178);
    cr_expect_eq(qs.close.type, QUIC_PT_INITIAL);
}

Test(quic_server, server_close_reaches_the_client)
{
    start(QUIC_V1, offer, sizeof offer - 1);
    cr_assert_eq(client_to_server(0), QUIC_SERVER_HELLO);
    /* Instead of a ServerHello: no_application_protocol (RFC 9001 §4.8) in an Initial. */
    long n = quic_server_close(&qs, dgram, sizeof dgram, 0x178);
    cr_assert_gt(n, 0, "%s", qs.error);
    cr_assert_eq(quic_client_receive(&qc, dgram, (size_t)n), QUIC_CLIENT_CLOSED, "%s", qc.error);
    cr_expect_eq(qc.close.code, 0x178);
    cr_expect_eq(qc.close.type, QUIC_PT_INITIAL);
}

Test(quic_server, client_hello_spans_several_initials)
{
    /* An offer of 3000 bytes: the ClientHello takes three Initial packets, reassembled before the answer. */
    static uint8_t big[3002];
    big[0] = 0x0b;
    big[1] = 0xb8;
    for (size_t i = 2; i < sizeof big; i += 100) {
        big[i] = 99;
        memset(big + i + 1, 'a' + (int)(i / 100) % 26, 99);
    }
    start(QUIC_V1, big, sizeof big);
    /* The answer is the first offered name. */
    uint8_t one[102] = {0x00, 100};
    memcpy(one + 2, big + 2, 100);
    wire_server_answer a = {.alpn = 1, .alpn_data = one, .alpn_len = sizeof one};
    handshake(QUIC_V1, &a);
    cr_expect_eq(qs.tls.ch.alpn_len, sizeof big);
    cr_expect_eq(qs.tls.ch.alpn[3], 'a');
    cr_expect_arr_eq(qc.tls.alpn.data, one, sizeof one);
}

Test(quic_server, drops_what_starts_no_connection)
{
    start(QUIC_V1, offer, sizeof offer - 1);
    long n = quic_client_datagram(&qc, dgram, sizeof dgram, 0);
    cr_assert_geq(n, 1200);
    /* RFC 9000 §14.1: an Initial in a datagram under 1200 bytes is dropped (here: cut short). */
    uint8_t copy[1500];
    memcpy(copy, dgram, (size_t)n);
    cr_expect_eq(quic_server_receive(&qs, copy, 1199), QUIC_SERVER_MORE);
    cr_expect_eq(qs.started, 0);
    cr_expect_eq(qs.received, 0);
    /* Garbage, and a datagram whose packet does not open: nothing taken, no error. */
    memset(copy, 0xc3, sizeof copy);
    cr_expect_eq(quic_server_receive(&qs, copy, sizeof copy), QUIC_SERVER_MORE);
    memcpy(copy, dgram, (size_t)n);
    copy[n - 1] ^= 1;
    cr_expect_eq(quic_server_receive(&qs, copy, (size_t)n), QUIC_SERVER_MORE);
    cr_expect_eq(qs.hello, 0);
    /* The real one still starts it. */
    cr_expect_eq(quic_server_receive(&qs, dgram, (size_t)n), QUIC_SERVER_HELLO, "%s", qs.error);
}

Test(quic_server, anti_amplification_limit)
{
    start(QUIC_V1, offer, sizeof offer - 1);
    cr_assert_eq(client_to_server(0), QUIC_SERVER_HELLO);
    wire_server_answer a = {.alpn = 1, .alpn_data = answer_h3, .alpn_len = sizeof answer_h3 - 1};
    cr_assert_eq(quic_server_answer(&qs, &a), 0, "%s", qs.error);
    /* Sending the flight again and again: never more than three times the 1200 bytes received (RFC 9000 §8.1). */
    long n, total = 0;
    for (int i = 0; i < 10 && (n = quic_server_datagram(&qs, dgram, sizeof dgram, 1)) > 0; i++)
        total += n;
    cr_expect_leq((size_t)total, 3 * qs.received);
    cr_expect_gt(total, 0);
    cr_expect_eq(quic_server_datagram(&qs, dgram, sizeof dgram, 1), 0);
}
