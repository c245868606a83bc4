/* The QUIC client connection (harness/wire/quic_client.c) over UDP (harness/peer/quic_probe.c) against a real QUIC
 * server: ngtcp2's gtlsserver (Debian package ngtcp2-server, GnuTLS), started on 127.0.0.1 on a free UDP port with a
 * private P-256 certificate made for the test, and stopped after it. The handshake must reach the server's Finished
 * with the ALPN answer read from EncryptedExtensions under the Handshake keys; an unknown protocol must end in the
 * server's CONNECTION_CLOSE 0x178 (no_application_protocol, RFC 9001 §8.1). And against a hostile one, a forked
 * process on a free UDP port that floods the probe: the probe must end at its budget, not hold on past its deadline. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "quic_probe.h"
#include "testkit.h"

static char dir[] = "/tmp/alpn-quic-XXXXXX";
static char port[8];
static pid_t server = -1;

/* gtlsserver with address validation (validate: -V, a Retry first) or without. */
static void start(int validate)
{
    cr_assert_not_null(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost "
             "-days 1 -keyout key.pem -out cert.pem >openssl.log 2>&1",
             dir);
    cr_assert_eq(system(cmd), 0, "openssl req failed (see %s/openssl.log)", dir);
    snprintf(port, sizeof port, "%d", tk_free_port(SOCK_DGRAM));
    server = fork();
    cr_assert_neq(server, -1);
    if (server == 0) {
        char log[300];
        snprintf(log, sizeof log, "%s/server.log", dir);
        if (chdir(dir) != 0 || freopen(log, "w", stdout) == NULL || freopen(log, "a", stderr) == NULL)
            _exit(126);
        execl("/usr/sbin/gtlsserver", "gtlsserver", "--quiet", "--timeout=5s", validate ? "-V" : "--quiet",
              "127.0.0.1", port, "key.pem", "cert.pem", (char *)NULL);
        _exit(127);
    }
}

static void stop_server(void)
{
    if (server > 0) {
        kill(server, SIGTERM);
        waitpid(server, NULL, 0);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        cr_log_warn("could not remove %s", dir);
}

static void start_server(void)
{
    start(0);
}

static void start_validating_server(void)
{
    start(1);
}

TestSuite(quic_probe, .init = start_server, .fini = stop_server, .timeout = 60);

static quic_client conn;

static int probe(uint32_t version, const char *alpn_list, size_t len, char *err)
{
    wire_client_params p = {.version = WIRE_TLS13, .sni = "localhost", .send_alpn = 1,
                            .alpn = (const uint8_t *)alpn_list, .alpn_len = len};
    return quic_probe("127.0.0.1", port, version, &p, 5000, &conn, err, 256);
}

Test(quic_probe, h3_answer_in_encrypted_extensions)
{
    char err[256] = "";
    /* extension_data: ProtocolNameList of one name, h3 (RFC 9114 §3.1). */
    int rc = probe(QUIC_V1, "\x00\x03\x02h3", 5, err);
    cr_assert_eq(rc, QUIC_CLIENT_DONE, "handshake: %d %s", rc, err);
    cr_expect_eq(conn.tls.alpn.count, 1);
    cr_expect_eq(conn.tls.alpn_where, WIRE_WHERE_ENCRYPTED_EXTENSIONS);
    cr_expect_eq(conn.tls.alpn.len, 5);
    cr_expect_arr_eq(conn.tls.alpn.data, "\x00\x03\x02h3", 5);
    cr_expect_eq(conn.tls.server_finished_ok, 1, "the server's Finished verifies");
    cr_expect_eq(conn.server_tp, 1);
    cr_expect_str_eq(conn.tp_error, "", "transport parameters: %s", conn.tp_error);
}

Test(quic_probe, unknown_protocol_closes_with_0x178)
{
    char err[256] = "";
    int rc = probe(QUIC_V1, "\x00\x08\x07unknown", 10, err);
    cr_assert_eq(rc, QUIC_CLIENT_CLOSED, "expected the server's CONNECTION_CLOSE: %d %s", rc, err);
    cr_expect_eq(conn.close.frame, QUIC_FRAME_CLOSE);
    /* RFC 9001 §8.1: no_application_protocol as a crypto error, 0x0100 + 120. */
    cr_expect_eq(conn.close.code, 0x178, "close code 0x%llx", (unsigned long long)conn.close.code);
    cr_expect_eq(conn.tls.alpn.count, 0);
}

/* ngtcp2 0.12.1 predates RFC 9369's version number: a version 2 Initial gets a Version Negotiation (RFC 9000 §6),
 * which must end the attempt with the server's versions noted, version 1 among them. */
Test(quic_probe, version_2_gets_version_negotiation)
{
    char err[256] = "";
    int rc = probe(QUIC_V2, "\x00\x03\x02h3", 5, err);
    cr_assert_eq(rc, -1, "expected Version Negotiation, got %d", rc);
    cr_expect(strstr(err, "Version Negotiation") != NULL, "%s", err);
    cr_assert_gt(conn.vn_count, 0);
    int v1 = 0;
    for (size_t i = 0; i < conn.vn_count; i++)
        v1 |= memcmp(conn.vn_versions + 4 * i, "\x00\x00\x00\x01", 4) == 0;
    cr_expect(v1, "version 1 listed");
}

/* With address validation the server answers the first Initial with a Retry (RFC 9000 §8.1.2): its tag must verify
 * (RFC 9001 §5.8), the ClientHello go again with the token, and the server's transport parameters name the Retry's
 * Source Connection ID (RFC 9000 §7.3). */
Test(quic_probe_retry, retry_then_handshake, .init = start_validating_server, .fini = stop_server, .timeout = 60)
{
    char err[256] = "";
    int rc = probe(QUIC_V1, "\x00\x03\x02h3", 5, err);
    cr_assert_eq(rc, QUIC_CLIENT_DONE, "handshake: %d %s", rc, err);
    cr_expect_eq(conn.retried, 1, "a Retry was taken");
    cr_expect_gt(conn.token_len, 0);
    cr_expect_eq(conn.tls.alpn_where, WIRE_WHERE_ENCRYPTED_EXTENSIONS);
    cr_expect_str_eq(conn.tp_error, "", "transport parameters: %s", conn.tp_error);
}

/* quic_server_probe, the probe_fn of alpncheck server --quic: the same request → observation contract as over TCP.
 * The server's 0x178 close is alert 120 for the judges (RFC 9001 §4.8), its Finished a completed handshake, and a
 * request for TLS 1.2 is refused without a datagram (RFC 9001 §4.2). */
static quic_target target; /* about 1 MiB: file scope */
static int probe_timeout_ms = 5000;

static void probe_request_of(const char *tls, const char *ext, size_t len, observation *o)
{
    memset(&target, 0, sizeof target);
    snprintf(target.t.host, sizeof target.t.host, "127.0.0.1");
    snprintf(target.t.port, sizeof target.t.port, "%s", port);
    snprintf(target.t.sni, sizeof target.t.sni, "localhost");
    target.t.timeout_ms = probe_timeout_ms;
    target.version = QUIC_V1;
    probe_request r = {.tls = tls, .send_alpn = ext != NULL, .ext = (const uint8_t *)ext, .ext_len = len};
    observation_init(o);
    cr_assert_eq(quic_server_probe(&target, &r, o), 0);
}

Test(quic_probe, probe_fn_fills_the_observation)
{
    observation o;
    probe_request_of("1.3", "\x00\x08\x07unknown", 10, &o);
    cr_assert_eq(o.error, 0, "%s", o.error_text);
    cr_expect_eq(o.transport, OBS_QUIC);
    cr_expect_eq(o.quic_close, 1);
    cr_expect_eq(o.quic_close_frame, 0x1c);
    cr_expect_eq(o.quic_close_code, 0x178);
    cr_expect_eq(o.quic_close_packet, OBS_PACKET_INITIAL);
    int alert_level;
    cr_expect_eq(observation_alert(&o, &alert_level), 120);
    cr_expect_eq(alert_level, 2);
    cr_expect_eq(o.closed, 0, "a crypto error is an alert, not a close without one");
    cr_expect_eq(o.completed, 0);

    probe_request_of("1.3", "\x00\x03\x02h3", 5, &o);
    cr_assert_eq(o.error, 0, "%s", o.error_text);
    cr_expect_eq(o.completed, 1);
    cr_expect_eq(o.quic_close, 0);
    cr_expect_eq(o.alpn_where, WHERE_ENCRYPTED_EXTENSIONS);
    cr_expect_eq(o.alpn_len, 5);
    cr_expect_eq(o.version, 0x0304);
    cr_expect_gt(o.ms, 0);

    /* No ALPN: gtlsserver closes with internal_error (0x150), an alert of the wrong kind for RFC 9001 §8.1. */
    probe_request_of("1.3", NULL, 0, &o);
    cr_expect_eq(o.quic_close_code, 0x150);
    cr_expect_eq(observation_alert(&o, NULL), 80);

    probe_request_of("1.2", "\x00\x03\x02h3", 5, &o);
    cr_expect_eq(o.error, 1);
    cr_expect(strstr(o.error_text, "TLS 1.3 only") != NULL, "%s", o.error_text);
}

/* ---- a hostile server: floods without end ------------------------------------------------------------------------ */

static pid_t flood = -1;
static volatile unsigned *heard; /* datagrams the flooder received from the probe (shared memory) */

/* Forks the flooder on 127.0.0.1:port: it waits up to 10 s for the probe's first datagram, then sends datagrams of
 * dlen bytes of byte fill back to it without pause (for at most 60 s, or until the probe's port is gone), counting
 * in *heard every datagram of the probe meanwhile. */
static void start_flood(size_t dlen, uint8_t fill)
{
    heard = mmap(NULL, sizeof *heard, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq((void *)heard, MAP_FAILED);
    *heard = 0;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
    flood = fork();
    cr_assert_neq(flood, -1);
    if (flood != 0) {
        close(fd);
        return;
    }
    uint8_t d[1500], in[2048];
    memset(d, fill, sizeof d);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    if (poll(&p, 1, 10000) != 1 || recvfrom(fd, in, sizeof in, 0, (struct sockaddr *)&from, &fl) < 0 ||
        connect(fd, (struct sockaddr *)&from, fl) != 0 || fcntl(fd, F_SETFL, O_NONBLOCK) != 0)
        _exit(1);
    (*heard)++;
    for (time_t end = time(NULL) + 60; time(NULL) < end;) {
        if (send(fd, d, dlen, 0) < 0 && errno == ECONNREFUSED)
            _exit(0); /* the probe's socket is closed */
        while (recv(fd, in, sizeof in, 0) >= 0)
            (*heard)++;
    }
    _exit(0);
}

static void stop_flood(void)
{
    if (flood > 0) {
        kill(flood, SIGKILL);
        waitpid(flood, NULL, 0);
    }
    flood = -1;
}

TestSuite(quic_probe_hostile, .fini = stop_flood, .timeout = 60);

/* Datagrams of junk (short-header packets for no connection of ours, which the connection drops) faster than the
 * probe reads: before, the deadline was only tested when no datagram waited, and the probe never ended. Now the
 * byte budget ends it, long before its 10 s deadline, and the check is ERROR saying why. */
Test(quic_probe_hostile, junk_flood_is_cut_off_at_the_budget)
{
    start_flood(1200, 0x40);
    observation o;
    probe_timeout_ms = 10000;
    double start = probe_now_ms();
    probe_request_of("1.3", "\x00\x03\x02h3", 5, &o);
    cr_expect_eq(o.error, 1);
    cr_expect_eq(o.completed, 0);
    cr_expect(strstr(o.error_text, "the server sent more than 1 MiB on this connection") != NULL, "%s", o.error_text);
    cr_expect_lt(probe_now_ms() - start, 10000, "cut off by the budget, not the deadline");
}

/* Empty datagrams: before, each one counted as the retransmission timer, so the probe sent its whole Initial flight
 * again for every empty datagram, without end. Now they count against the datagram budget and cause nothing. */
Test(quic_probe_hostile, empty_datagrams_cause_no_sending)
{
    start_flood(0, 0);
    char err[256] = "";
    int rc = probe(QUIC_V1, "\x00\x03\x02h3", 5, err);
    cr_expect_eq(rc, QUIC_PROBE_CUT_OFF, "rc %d: %s", rc, err);
    cr_expect(strstr(err, "more than 1024 datagrams") != NULL, "%s", err);
    /* The first flight, and at most a few retransmissions (one per 250 ms) while the flood lasts. */
    cr_expect_leq(*heard, 12, "the probe sent %u datagrams", *heard);
}
