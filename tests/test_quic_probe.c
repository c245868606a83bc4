/* The QUIC client connection (harness/wire/quic_client.c) over UDP (harness/peer/quic_probe.c) against a real QUIC
 * server: ngtcp2's gtlsserver (Debian package ngtcp2-server, GnuTLS), started on 127.0.0.1 on a free UDP port with a
 * private P-256 certificate made for the test, and stopped after it. The handshake must reach the server's Finished
 * with the ALPN answer read from EncryptedExtensions under the Handshake keys; an unknown protocol must end in the
 * server's CONNECTION_CLOSE 0x178 (no_application_protocol, RFC 9001 §8.1). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
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
    cr_expect_eq(conn.close_frame, QUIC_FRAME_CLOSE);
    /* RFC 9001 §8.1: no_application_protocol as a crypto error, 0x0100 + 120. */
    cr_expect_eq(conn.close_code, 0x178, "close code 0x%llx", (unsigned long long)conn.close_code);
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
