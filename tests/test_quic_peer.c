/* What both QUIC roles of the peer layer share (harness/peer/quic_peer.c): the loop that sends a connection's
 * datagrams, over real UDP sockets on loopback, and the peer's CONNECTION_CLOSE, as a connection object notes it, read
 * into an observation. */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "quic_peer.h"

static quic_close_info close_info(quic_ptype type, uint64_t frame, uint64_t code, const char *reason)
{
    quic_close_info c;
    memset(&c, 0, sizeof c);
    c.type = type;
    c.frame = frame;
    c.code = code;
    c.reason_len = strlen(reason);
    memcpy(c.reason, reason, c.reason_len);
    return c;
}

Test(quic_observe_close, packet_type_of_each_space)
{
    static const struct {
        quic_ptype type;
        obs_packet want;
    } cases[] = {
        {QUIC_PT_INITIAL, OBS_PACKET_INITIAL},
        {QUIC_PT_HANDSHAKE, OBS_PACKET_HANDSHAKE},
        {QUIC_PT_SHORT, OBS_PACKET_1RTT},
        {QUIC_PT_0RTT, OBS_PACKET_1RTT}, /* neither Initial nor Handshake: an application-data packet */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        quic_close_info c = close_info(cases[i].type, 0x1c, 0x0a, "");
        observation o;
        observation_init(&o);
        quic_observe_close(&c, &o);
        cr_expect_eq(o.quic_close_packet, cases[i].want, "packet type %d: %s, expected %s", (int)cases[i].type,
                     obs_packet_name(o.quic_close_packet), obs_packet_name(cases[i].want));
    }
}

Test(quic_observe_close, frame_code_and_reason)
{
    /* A crypto error (RFC 9001 §4.8): 0x0100 + no_application_protocol is the alert, not a close without one. */
    quic_close_info c = close_info(QUIC_PT_INITIAL, 0x1c, 0x178, "no overlap");
    observation o;
    observation_init(&o);
    o.transport = OBS_QUIC;
    quic_observe_close(&c, &o);
    cr_expect_eq(o.quic_close, 1);
    cr_expect_eq(o.quic_close_frame, 0x1c);
    cr_expect_eq(o.quic_close_code, 0x178);
    cr_expect_eq(o.quic_close_reason_len, 10);
    cr_expect_eq(memcmp(o.quic_close_reason, "no overlap", 10), 0);
    cr_expect_eq(observation_alert(&o, NULL), 120);
    cr_expect_eq(o.closed, 0);

    /* An application close (0x1d) with a reason longer than the observation keeps: its first bytes, its full length. */
    char long_reason[200];
    memset(long_reason, 'r', sizeof long_reason - 1);
    long_reason[sizeof long_reason - 1] = '\0';
    c = close_info(QUIC_PT_SHORT, 0x1d, 0x0c, long_reason);
    observation_init(&o);
    o.transport = OBS_QUIC;
    quic_observe_close(&c, &o);
    cr_expect_eq(o.quic_close_frame, 0x1d);
    cr_expect_eq(o.quic_close_code, 0x0c);
    cr_expect_eq(o.quic_close_reason_len, sizeof long_reason - 1);
    cr_expect_eq(memcmp(o.quic_close_reason, long_reason, sizeof o.quic_close_reason), 0);
    cr_expect_eq(observation_alert(&o, NULL), -1);
    cr_expect_eq(o.closed, 1, "a close that is no TLS alert ends the connection without one");
}

/* A datagram source as a connection object is one: `count` datagrams of `len` bytes (byte i of datagram k is k),
 * then nothing more, or -1 after `fail_after` of them. It notes the again flag of every call. */
struct source {
    int count, fail_after, made;
    size_t len;
    int again_seen[8];
    int calls;
    char error[32];
};

static long next_datagram(void *ctx, uint8_t *d, size_t cap, int again)
{
    struct source *s = ctx;
    if (s->calls < 8)
        s->again_seen[s->calls] = again;
    s->calls++;
    if (s->made == s->fail_after) {
        snprintf(s->error, sizeof s->error, "no keys for that space");
        return -1;
    }
    if (s->made == s->count)
        return 0;
    cr_assert_geq(cap, s->len);
    memset(d, s->made, s->len);
    s->made++;
    return (long)s->len;
}

/* Two UDP sockets on 127.0.0.1: *rx bound to a free port, whose address goes into *to, and *tx to send from. */
static void socket_pair(int *tx, int *rx, struct sockaddr_in *to)
{
    *rx = socket(AF_INET, SOCK_DGRAM, 0);
    *tx = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert(*rx >= 0 && *tx >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(*rx, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof *to;
    cr_assert_eq(getsockname(*rx, (struct sockaddr *)to, &len), 0);
}

/* The datagrams waiting on rx (up to 8): their count, each one's first byte and length checked against k. */
static int received(int rx, size_t len)
{
    int n = 0;
    uint8_t d[2048];
    struct pollfd p = {.fd = rx, .events = POLLIN};
    while (n < 8 && poll(&p, 1, 1000) == 1) {
        ssize_t got = recv(rx, d, sizeof d, 0);
        cr_assert_eq(got, (ssize_t)len, "datagram %d: %zd bytes", n, got);
        cr_expect_eq(d[0], n, "datagram %d out of order (first byte %d)", n, d[0]);
        n++;
        p.revents = 0;
        if (poll(&p, 1, 0) != 1)
            break;
    }
    return n;
}

Test(quic_send_pending, every_datagram_in_order_again_with_the_first_only, .timeout = 10)
{
    int tx, rx;
    struct sockaddr_in to;
    socket_pair(&tx, &rx, &to);
    struct source s = {.count = 3, .fail_after = -1, .len = 1200};
    quic_datagram_source src = {next_datagram, &s, s.error};
    char err[64] = "";
    /* Unconnected, to an address (the listener's case). */
    cr_expect_eq(quic_send_pending(&src, tx, (struct sockaddr *)&to, sizeof to, 1, err, sizeof err), 0, "%s", err);
    cr_expect_eq(received(rx, 1200), 3);
    cr_expect_eq(s.calls, 4, "three datagrams and the call that says there is none");
    cr_expect(s.again_seen[0] == 1 && s.again_seen[1] == 0 && s.again_seen[2] == 0 && s.again_seen[3] == 0,
              "again goes with the first call only: %d %d %d %d", s.again_seen[0], s.again_seen[1], s.again_seen[2],
              s.again_seen[3]);
    /* Connected (the prober's case). */
    struct source s2 = {.count = 2, .fail_after = -1, .len = 100};
    src.conn = &s2;
    src.error = s2.error;
    cr_assert_eq(connect(tx, (struct sockaddr *)&to, sizeof to), 0);
    cr_expect_eq(quic_send_pending(&src, tx, NULL, 0, 0, err, sizeof err), 0, "%s", err);
    cr_expect_eq(received(rx, 100), 2);
    close(tx);
    close(rx);
}

Test(quic_send_pending, errors_of_the_connection_and_of_the_socket, .timeout = 10)
{
    int tx, rx;
    struct sockaddr_in to;
    socket_pair(&tx, &rx, &to);
    /* The connection fails after one datagram: that one went, and its reason is the error. */
    struct source s = {.count = 3, .fail_after = 1, .len = 50};
    quic_datagram_source src = {next_datagram, &s, s.error};
    char err[64] = "";
    cr_expect_eq(quic_send_pending(&src, tx, (struct sockaddr *)&to, sizeof to, 0, err, sizeof err), -1);
    cr_expect_str_eq(err, "no keys for that space");
    cr_expect_eq(received(rx, 50), 1);
    /* No address on an unconnected socket: the socket's error, and no more datagrams asked for. */
    struct source s2 = {.count = 3, .fail_after = -1, .len = 50};
    src.conn = &s2;
    src.error = s2.error;
    cr_expect_eq(quic_send_pending(&src, tx, NULL, 0, 0, err, sizeof err), -1);
    cr_expect_eq(strncmp(err, "sendto: ", 8), 0, "%s", err);
    cr_expect_eq(s2.calls, 1);
    close(tx);
    close(rx);
}
