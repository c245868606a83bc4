/*
 * The client checks over QUIC end to end in one process: run_client_checks with the peer layer's client_serve_quic on
 * a UDP loopback listener, against a reference QUIC client in a thread (alpncheck's own QUIC client connection,
 * quic_client.h) that applies libalpn's rules to the server's answer: it completes the handshake (its Finished) after a
 * valid answer and closes with the alert the RFCs name otherwise — 0x0178 without ALPN (RFC 9001 §8.1), 0x0100 + 47
 * for ALPN in the ServerHello (RFC 8446 §4.2), 0x0100 + 50 for a malformed list, 0x0100 + 47 for a name it did not
 * offer. Every row that applies over QUIC passes; the same client without the rules (it completes whatever the answer)
 * fails exactly the rows that want a rejection; one that closes with NO_ERROR is a WARN where a specific close is due.
 * Empty datagrams from the client (before its Initial and after the server's flight) change nothing.
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_checks.h"
#include "client_peer.h"
#include "quic_client.h"
#include "server_probe.h"

#define TIMEOUT_MS 3000

enum client_rules { RULES_LIBALPN, RULES_NONE, RULES_NO_ERROR };
#define CLOSE_NO_ERROR UINT64_MAX /* verdict_of: close with NO_ERROR (0x0) */

struct quic_driver {
    enum client_rules rules;
    int empties; /* empty datagrams to send before the Initial (one) and after the server's first datagram */
    int junk;    /* 64-byte datagrams of junk to send after the server's first datagram */
    int port;
    pthread_t thread;
    quic_client qc; /* about 1 MiB: the driver is static */
};

static const uint8_t OFFER[] = {0x00, 0x0e, 0x02, 'h', '3', 0x0a, 'h', 'q', '-', 'i', 'n', 't', 'e', 'r', 'o', 'p'};

/* The close code the reference client sends for the server's flight, 0 to complete the handshake. */
static uint64_t verdict_of(const struct quic_driver *d)
{
    const wire_client_conn *tls = &d->qc.tls;
    if (d->rules == RULES_NONE)
        return 0;
    if (d->rules == RULES_NO_ERROR)
        return CLOSE_NO_ERROR;
    if (tls->alpn.count == 0)
        return 0x178; /* RFC 9001 §8.1 */
    if (tls->alpn_where == WIRE_WHERE_SERVER_HELLO)
        return 0x100 + 47; /* RFC 8446 §4.2 illegal_parameter */
    if (alpn_list_validate(tls->alpn.data, tls->alpn.len, ALPN_ROLE_SERVER, NULL, NULL) != ALPN_OK)
        return 0x100 + 50; /* RFC 7301 §3.1 decode_error */
    alpn_iter it;
    alpn_name n;
    alpn_iter_init(&it, OFFER, sizeof OFFER);
    while (alpn_iter_next(&it, &n))
        if (n.len == tls->alpn.data[2] && memcmp(n.data, tls->alpn.data + 3, n.len) == 0)
            return 0;
    return 0x100 + 47; /* RFC 7301 §3.2: a name it did not offer */
}

static void send_all(int fd, quic_client *q)
{
    uint8_t d[QUIC_DATAGRAM_MAX];
    long n;
    while ((n = quic_client_datagram(q, d, sizeof d, 0)) > 0)
        (void)send(fd, d, (size_t)n, 0);
}

/* One connection: our Initial, the server's flight, then our Finished or our close; then it waits a moment for the
 * server's HANDSHAKE_DONE or close. */
static void *client_thread(void *arg)
{
    struct quic_driver *d = arg;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    a.sin_port = htons((uint16_t)d->port);
    wire_client_params p = {
        .version = WIRE_TLS13, .sni = "localhost", .send_alpn = 1, .alpn = OFFER, .alpn_len = sizeof OFFER};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || quic_client_start(&d->qc, QUIC_V1, &p) != 0)
        goto out;
    if (d->empties > 0)
        (void)send(fd, "", 0, 0);
    send_all(fd, &d->qc);
    static uint8_t buf[65536];
    int state = QUIC_CLIENT_MORE, empties = d->empties;
    while (state == QUIC_CLIENT_MORE) {
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        ssize_t n = poll(&pf, 1, TIMEOUT_MS) == 1 ? recv(fd, buf, sizeof buf, 0) : -1;
        if (n <= 0)
            goto out;
        for (; empties > 0; empties--)
            (void)send(fd, "", 0, 0);
        static const uint8_t junk[64] = {0x40};
        /* Paced, so that they are read rather than dropped by a full receive buffer. */
        for (; d->junk > 0; d->junk--) {
            (void)send(fd, junk, sizeof junk, 0);
            usleep(50);
        }
        state = quic_client_receive(&d->qc, buf, (size_t)n);
        send_all(fd, &d->qc);
    }
    if (state != QUIC_CLIENT_DONE)
        goto out;
    uint64_t code = verdict_of(d);
    if (code == 0 && wire_client_finish(&d->qc.tls) == 0) {
        send_all(fd, &d->qc);
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (poll(&pf, 1, 1000) == 1)
            (void)recv(fd, buf, sizeof buf, 0);
    } else {
        long n = quic_client_close(&d->qc, buf, sizeof buf, code == CLOSE_NO_ERROR ? 0 : code);
        if (n > 0)
            (void)send(fd, buf, (size_t)n, 0);
    }
out:
    if (fd >= 0)
        close(fd);
    return NULL;
}

static int driver_start(void *ctx, const client_request *s, char *err, size_t err_cap)
{
    struct quic_driver *d = ctx;
    (void)s;
    if (pthread_create(&d->thread, NULL, client_thread, d) != 0) {
        snprintf(err, err_cap, "pthread_create failed");
        return -1;
    }
    return 0;
}

static int driver_finish(void *ctx)
{
    struct quic_driver *d = ctx;
    pthread_join(d->thread, NULL);
    return -1; /* in-process: no exit status */
}

static struct quic_driver drv_state;
static report rep;

/* text must be in what check id observed. */
static void expect_observed(const char *id, const char *text)
{
    for (size_t i = 0; i < rep.n; i++) {
        if (strcmp(rep.results[i].id, id) == 0) {
            cr_expect(strstr(rep.results[i].observed, text) != NULL, "%s: '%s' not in: %s", id, text,
                      rep.results[i].observed);
            return;
        }
    }
    cr_assert_fail("no result for %s", id);
}

static void run_quic_with(enum client_rules rules, int empties, int junk, const char *only)
{
    static client_listener l;
    char err[200] = "";
    wire_identity *id = wire_identity_create(err, sizeof err);
    cr_assert_not_null(id, "%s", err);
    memset(&l, 0, sizeof l);
    l.quic = 1;
    cr_assert_eq(client_listener_open(&l, "127.0.0.1", 0, err, sizeof err), 0, "listener: %s", err);
    l.timeout_ms = TIMEOUT_MS;
    l.id = id;
    drv_state.rules = rules;
    drv_state.empties = empties;
    drv_state.junk = junk;
    drv_state.port = l.port;
    client_driver drv = {.start = driver_start, .finish = driver_finish, .ctx = &drv_state};
    run_options opt = {.tls = {"1.3", NULL}, .transport = CHECK_TRANSPORT_QUIC, .only = only};
    report_init(&rep, "test", "quic");
    run_client_checks(client_serve_quic, &l, &drv, &opt, &rep);
    client_listener_close(&l);
    wire_identity_free(id);
    if (only == NULL)
        cr_assert_eq(rep.n, client_check_count(), "one result per client check over TLS 1.3: %zu", rep.n);
}

static void run_quic(enum client_rules rules, int empties)
{
    run_quic_with(rules, empties, 0, NULL);
}

/* The verdict a row gets over QUIC: SKIP where it does not apply (its not_quic reason, or no GREASE offered), else
 * what the client's rules make of it. */
static verdict expected(const result *r, enum client_rules rules)
{
    const check_entry *c = check_get(r->id);
    if (!(c->transport & CHECK_TRANSPORT_QUIC) || !(c->tls & CHECK_TLS13) || strcmp(r->id, "CLI-REJECT-GREASE") == 0)
        return VERDICT_SKIP;
    /* alpncheck closes with 0x0178 instead of a flight; the client, draining, may send nothing (RFC 9000 §10.2.2),
     * and in process there is no exit status to report: nothing was observed. */
    if (c->client.answer == CLIENT_ANSWER_ALERT_120)
        return VERDICT_ERROR;
    if (c->client.expect != CLIENT_EXPECT_ALERT || rules == RULES_LIBALPN)
        return VERDICT_PASS;
    /* Completing the handshake where a rejection is due fails a MUST (a SHOULD: WARN); a close without an alert is a
     * WARN. */
    return rules == RULES_NONE && c->lvl == LEVEL_MUST ? VERDICT_FAIL : VERDICT_WARN;
}

static void expect_all(enum client_rules rules)
{
    for (size_t i = 0; i < rep.n; i++) {
        const result *r = &rep.results[i];
        verdict want = expected(r, rules);
        /* CLI-ACCEPT-VALID: a close instead of the Finished fails; CLI-ALERT-120 is reported either way. */
        if (rules == RULES_NO_ERROR && strcmp(r->id, "CLI-ACCEPT-VALID") == 0)
            want = VERDICT_FAIL;
        cr_expect_eq(r->v, want, "%s: %s, expected %s — observed: %s", r->id, verdict_name(r->v), verdict_name(want),
                     r->observed);
    }
}

Test(quic_client_checks, reference_client_passes)
{
    run_quic(RULES_LIBALPN, 0);
    expect_all(RULES_LIBALPN);
    expect_observed("CLI-QUIC-NO-ALPN",
                    "CONNECTION_CLOSE 0x1c with code 0x178, alert 120 (no_application_protocol) in an Initial packet");
    expect_observed("CLI-ACCEPT-VALID", "answered \"hq-interop\" in EncryptedExtensions");
    expect_observed("CLI-NPN-AND-ALPN", "QUIC is TLS 1.3 only");
}

Test(quic_client_checks, lax_client_fails_the_rejections)
{
    run_quic(RULES_NONE, 0);
    expect_all(RULES_NONE);
    expect_observed("CLI-QUIC-NO-ALPN", "answered without ALPN; the client went on with the handshake");
}

Test(quic_client_checks, generic_close_is_a_warning)
{
    run_quic(RULES_NO_ERROR, 0);
    expect_all(RULES_NO_ERROR);
    expect_observed("CLI-QUIC-NO-ALPN", "CONNECTION_CLOSE 0x1c with code 0x0 in an Initial packet");
}

/* Empty datagrams hold no QUIC packet: one before the Initial was taken for the end of the wait for it ("no QUIC
 * Initial from the client", every row ERROR), and each one after our flight for silence (the flight sent again, the
 * retransmission wait doubled). Now they are skipped: the verdicts are the reference client's. */
Test(quic_client_checks, empty_datagrams_change_nothing)
{
    run_quic(RULES_LIBALPN, 64);
    expect_all(RULES_LIBALPN);
    expect_observed("CLI-ACCEPT-VALID", "answered \"hq-interop\" in EncryptedExtensions");
}

/* A client that floods after our first datagram: the listener stops at the datagram budget (1024) and the check is
 * ERROR saying so, as a flooding server is for the QUIC server probe; before, the flood was read to the end and the
 * handshake went on. */
Test(quic_client_checks, a_flooding_client_is_cut_off_at_the_budget)
{
    run_quic_with(RULES_LIBALPN, 0, 2000, "CLI-ACCEPT-VALID");
    cr_assert_eq(rep.n, 1);
    cr_expect_eq(rep.results[0].v, VERDICT_ERROR, "%s", verdict_name(rep.results[0].v));
    expect_observed("CLI-ACCEPT-VALID", "the client sent more than 1024 datagrams on this connection");
}
