/*
 * Every client check can fail: the client catalogue runs in-process (alpncheck's listener and server role on
 * loopback) against a test client with exactly one ALPN defect, and exactly the checks that defect breaks report
 * FAIL (or WARN); all others keep the conforming client's verdict. Also: a client that never connects, and one that
 * sends garbage instead of a ClientHello, are ERRORs.
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
#include "defect_client.h"
#include "server_probe.h"
#include "testkit.h"

#define TIMEOUT_MS 3000

/* ---- the client under test, a thread per check -------------------------------------------------------------- */

enum client_kind { KIND_DEFECT_CLIENT, KIND_ABSENT, KIND_GARBAGE };

struct thread_driver {
    enum client_kind kind;
    client_defect d;
    const uint8_t *garbage; /* KIND_GARBAGE: sent instead of a ClientHello */
    size_t garbage_len;
    int port;
    char tls[4];
    int offer_alpn;
    int resumption; /* CLI-0RTT-ALPN: two connections, the second resuming with early data */
    pthread_t thread;
    int running;
};

static void *defect_client_thread(void *arg)
{
    struct thread_driver *td = arg;
    if (td->resumption)
        defect_client_run_0rtt("127.0.0.1", td->port, td->d);
    else
        defect_client_run("127.0.0.1", td->port, td->tls, td->offer_alpn, td->d);
    return NULL;
}

/* Sends the garbage, half-closes, and reads until alpncheck closes. */
static void *garbage_thread(void *arg)
{
    struct thread_driver *td = arg;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    a.sin_port = htons((uint16_t)td->port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return NULL;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        send(fd, td->garbage, td->garbage_len, MSG_NOSIGNAL) == (ssize_t)td->garbage_len) {
        uint8_t sink[512];
        shutdown(fd, SHUT_WR);
        for (;;) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (poll(&p, 1, 5000) != 1 || recv(fd, sink, sizeof sink, 0) <= 0)
                break;
        }
    }
    close(fd);
    return NULL;
}

static int driver_start(void *ctx, const client_request *s, char *err, size_t err_cap)
{
    struct thread_driver *td = ctx;
    snprintf(td->tls, sizeof td->tls, "%s", s->tls);
    td->offer_alpn = !s->no_alpn_offer;
    td->resumption = s->resumption;
    td->running = 0;
    if (td->kind == KIND_ABSENT)
        return 0;
    if (pthread_create(&td->thread, NULL, td->kind == KIND_GARBAGE ? garbage_thread : defect_client_thread, td) != 0) {
        snprintf(err, err_cap, "pthread_create failed");
        return -1;
    }
    td->running = 1;
    return 0;
}

static int driver_finish(void *ctx)
{
    struct thread_driver *td = ctx;
    if (td->running)
        pthread_join(td->thread, NULL);
    td->running = 0;
    return -1; /* in-process: no exit status */
}

/* Runs the selected client checks against the driver's client; returns the milliseconds it took. */
static double run_catalogue(struct thread_driver *td, wire_identity *id, const char *only, const char *tls0,
                            const char *tls1, report *r)
{
    static client_listener l;
    char err[200] = "";
    memset(&l, 0, sizeof l);
    cr_assert_eq(client_listener_open(&l, "127.0.0.1", 0, err, sizeof err), 0, "listener: %s", err);
    l.timeout_ms = TIMEOUT_MS;
    l.id = id;
    td->port = l.port;
    client_driver drv = {.start = driver_start, .finish = driver_finish, .ctx = td};
    run_options opt = {.tls = {tls0, tls1}, .only = only};
    report_init(r, "test", client_defect_name(td->d));
    double start = probe_now_ms();
    run_client_checks(client_serve, &l, &drv, &opt, r);
    client_listener_close(&l);
    return probe_now_ms() - start;
}

static wire_identity *identity(void)
{
    char err[200] = "";
    wire_identity *id = wire_identity_create(err, sizeof err);
    cr_assert_not_null(id, "identity: %s", err);
    return id;
}

/* ---- expectations ------------------------------------------------------------------------------------------- */

/* The conforming client's verdicts: PASS, except the checks that do not apply to a version. */
static verdict baseline(const char *id, const char *tls)
{
    /* These clients connect straight to alpncheck, never through it as their proxy. */
    if (strncmp(id, "CLI-PROXY-", 10) == 0)
        return VERDICT_SKIP;
    /* These run over TCP: the QUIC-only rows say so (test_quic_server and integration_quic_client play QUIC). */
    if (!(check_get(id)->transport & CHECK_TRANSPORT_TCP))
        return VERDICT_SKIP;
    if (((strcmp(id, "CLI-TLS13-ALPN-IN-SH") == 0 || strncmp(id, "CLI-0RTT-", 9) == 0) && strcmp(tls, "1.2") == 0) ||
        (strcmp(id, "CLI-NPN-AND-ALPN") == 0 && strcmp(tls, "1.3") == 0))
        return VERDICT_SKIP;
    return VERDICT_PASS;
}

#define MAX_EXPECT 16

/* What a defect changes, as test_defects.c writes it (tk_expected_verdict): "ID=VERDICT" for both versions, or
 * "ID@1.3=VERDICT" for one. Every other result keeps its baseline. */
static const char *const expectations[DEFECT_CLIENT_COUNT][MAX_EXPECT] = {
    [DEFECT_CLIENT_ACCEPT_UNOFFERED] = {"CLI-REJECT-UNOFFERED=WARN"},
    [DEFECT_CLIENT_ACCEPT_TWO_NAMES] = {"CLI-REJECT-MULTIPLE=FAIL"},
    [DEFECT_CLIENT_ACCEPT_EMPTY_NAME] = {"CLI-REJECT-EMPTY-NAME=FAIL"},
    [DEFECT_CLIENT_ACCEPT_EMPTY_LIST] = {"CLI-REJECT-EMPTY-LIST=FAIL"},
    [DEFECT_CLIENT_ACCEPT_TRAILING] = {"CLI-REJECT-MALFORMED=FAIL"},
    [DEFECT_CLIENT_ACCEPT_UNSOLICITED] = {"CLI-REJECT-UNSOLICITED=FAIL"},
    [DEFECT_CLIENT_ACCEPT_GREASE] = {"CLI-REJECT-GREASE=FAIL"},
    [DEFECT_CLIENT_ACCEPT_ALPN_IN_SH] = {"CLI-TLS13-ALPN-IN-SH@1.3=FAIL"},
    [DEFECT_CLIENT_ACCEPT_NPN_WITH_ALPN] = {"CLI-NPN-AND-ALPN@1.2=WARN"},
    /* It never compares the selection with the ticket's; the other compares only when the ticket has a protocol. */
    [DEFECT_CLIENT_ACCEPT_0RTT_ALPN_CHANGE] = {"CLI-0RTT-ALPN@1.3=WARN", "CLI-0RTT-ALPN-ADDED@1.3=WARN"},
    [DEFECT_CLIENT_ACCEPT_0RTT_ALPN_ADDED] = {"CLI-0RTT-ALPN-ADDED@1.3=WARN"},
    /* A rejection with another alert than the specific one is WARN; where any fatal alert will do, it passes. */
    [DEFECT_CLIENT_WRONG_ALERT] = {"CLI-REJECT-MULTIPLE=WARN", "CLI-REJECT-EMPTY-NAME=WARN",
                                   "CLI-REJECT-EMPTY-LIST=WARN", "CLI-REJECT-MALFORMED=WARN",
                                   "CLI-REJECT-UNSOLICITED=WARN", "CLI-TLS13-ALPN-IN-SH@1.3=WARN",
                                   "CLI-NPN-AND-ALPN@1.2=WARN", "CLI-0RTT-ALPN@1.3=WARN",
                                   "CLI-0RTT-ALPN-ADDED@1.3=WARN"},
    /* A malformed offer fails CLI-OFFER-WELLFORMED, and alpncheck cannot build answers to it: the answer checks
     * are SKIPped (client_answer_build: "the client's ALPN offer is malformed"). */
    [DEFECT_CLIENT_OFFER_EMPTY_NAME] = {"CLI-OFFER-WELLFORMED=FAIL", "CLI-ACCEPT-VALID=SKIP",
                                        "CLI-REJECT-UNOFFERED=SKIP", "CLI-REJECT-MULTIPLE=SKIP",
                                        "CLI-REJECT-EMPTY-NAME=SKIP", "CLI-REJECT-EMPTY-LIST=SKIP",
                                        "CLI-REJECT-MALFORMED=SKIP", "CLI-REJECT-GREASE=SKIP",
                                        "CLI-TLS13-ALPN-IN-SH@1.3=SKIP", "CLI-NPN-AND-ALPN@1.2=SKIP",
                                        "CLI-NO-ALPN-ANSWER=SKIP", "CLI-ALERT-120=SKIP", "CLI-0RTT-ALPN@1.3=SKIP",
                                        "CLI-0RTT-ALPN-ADDED@1.3=SKIP"},
    [DEFECT_CLIENT_OFFER_H2C] = {"CLI-OFFER-NO-H2C=FAIL"},
    [DEFECT_CLIENT_OFFER_TWICE] = {"CLI-OFFER-WELLFORMED=FAIL"},
    /* Rejected, but without an alert: WARN (client_judge, CLIENT_EXPECT_ALERT). */
    [DEFECT_CLIENT_SILENT_CLOSE] = {"CLI-REJECT-UNOFFERED=WARN", "CLI-REJECT-MULTIPLE=WARN",
                                    "CLI-REJECT-EMPTY-NAME=WARN", "CLI-REJECT-EMPTY-LIST=WARN",
                                    "CLI-REJECT-MALFORMED=WARN", "CLI-REJECT-UNSOLICITED=WARN",
                                    "CLI-REJECT-GREASE=WARN", "CLI-TLS13-ALPN-IN-SH@1.3=WARN",
                                    "CLI-NPN-AND-ALPN@1.2=WARN", "CLI-0RTT-ALPN@1.3=WARN",
                                    "CLI-0RTT-ALPN-ADDED@1.3=WARN"},
};

/* The expected verdict of (id, tls) with defect d; *listed says whether the table names it. */
static verdict expected(client_defect d, const char *id, const char *tls, int *listed)
{
    const char *want = tk_expected_verdict(expectations[d], MAX_EXPECT, id, tls);
    *listed = want != NULL;
    if (want == NULL)
        return baseline(id, tls);
    for (int v = 0; v < VERDICT_COUNT; v++) {
        if (strcmp(verdict_name((verdict)v), want) == 0)
            return (verdict)v;
    }
    cr_assert_fail("%s: no verdict %s", id, want);
    return VERDICT_ERROR;
}

/* Both versions of every check: client_check_count() results per version. */
static void expect_all(client_defect d, const report *r, double ms)
{
    size_t listed_results = 0, changed = 0;
    cr_expect_eq(r->n, 2 * client_check_count(), "[%s] %zu results, expected %zu", client_defect_name(d), r->n,
                 2 * client_check_count());
    for (size_t i = 0; i < r->n; i++) {
        const result *res = &r->results[i];
        int listed;
        verdict want = expected(d, res->id, res->tls, &listed);
        listed_results += (size_t)listed;
        changed += (size_t)(res->v != baseline(res->id, res->tls));
        cr_expect_eq(res->v, want, "[%s] %s TLS %s: %s, expected %s — observed: %s", client_defect_name(d), res->id,
                     res->tls, verdict_name(res->v), verdict_name(want), res->observed);
    }
    /* Every entry of the table names a result (two when it covers both versions). */
    size_t lines = tk_expected_results(expectations[d], MAX_EXPECT);
    cr_expect_eq(listed_results, lines, "[%s] the table names %zu results, %zu matched", client_defect_name(d), lines,
                 listed_results);
    if (d != DEFECT_CLIENT_NONE)
        cr_expect_gt(changed, 0, "[%s] the defect changes no verdict", client_defect_name(d));
    fprintf(stderr, "client defect %-20s %zu results in %4.0f ms\n", client_defect_name(d), r->n, ms);
}

/* ---- tests -------------------------------------------------------------------------------------------------- */

Test(client_checks, conforming_client_passes, .timeout = 60)
{
    static report r;
    struct thread_driver td = {.kind = KIND_DEFECT_CLIENT, .d = DEFECT_CLIENT_NONE};
    wire_identity *id = identity();
    double ms = run_catalogue(&td, id, NULL, "1.3", "1.2", &r);
    wire_identity_free(id);
    expect_all(DEFECT_CLIENT_NONE, &r, ms);
    cr_expect_eq(report_exit_code(&r), 0, "the conforming client passes");
}

Test(client_checks, each_defect_fails_exactly_its_checks, .timeout = 120)
{
    static report r;
    wire_identity *id = identity();
    for (int d = DEFECT_CLIENT_NONE + 1; d < DEFECT_CLIENT_COUNT; d++) {
        struct thread_driver td = {.kind = KIND_DEFECT_CLIENT, .d = (client_defect)d};
        double ms = run_catalogue(&td, id, NULL, "1.3", "1.2", &r);
        expect_all((client_defect)d, &r, ms);
    }
    wire_identity_free(id);
}

/* One 0-RTT case: the defect, the verdict, and what the observation must say. */
struct zero_rtt_case {
    client_defect d;
    verdict v;
    const char *seen;
};

/* Plays the 0-RTT check id against each case's client; the observation must show the ticket and the answer. */
static void zero_rtt_cases(const char *id, const struct zero_rtt_case *cases, size_t n, const char *ticket,
                           const char *answer)
{
    static report r;
    wire_identity *w = identity();
    for (size_t i = 0; i < n; i++) {
        struct thread_driver td = {.kind = KIND_DEFECT_CLIENT, .d = cases[i].d};
        run_catalogue(&td, w, id, "1.3", NULL, &r);
        cr_assert_eq(r.n, 1);
        const char *obs = r.results[0].observed;
        cr_expect_eq(r.results[0].v, cases[i].v, "[%s] %s: %s", client_defect_name(cases[i].d),
                     verdict_name(r.results[0].v), obs);
        cr_expect_not_null(strstr(obs, ticket), "observed: %s", obs);
        cr_expect_not_null(strstr(obs, answer), "observed: %s", obs);
        cr_expect_not_null(strstr(obs, cases[i].seen), "observed: %s", obs);
    }
    wire_identity_free(w);
}

/* The 0-RTT checks really resume: the binder verified (else ERROR), the 0-RTT record decrypted under the early keys,
 * and the verdict follows the client's check of the ticket's ALPN (RFC 8446 §4.2.10). CLI-0RTT-ALPN: the ticket
 * holds the valid answer (the second offered name), the resumption selects the first. CLI-0RTT-ALPN-ADDED ("if
 * any"): the first connection is answered without ALPN, so the ticket has no protocol, and the resumption selects
 * the valid name, which only a client that compares even then refuses. */
Test(client_checks, zero_rtt_resumes_with_early_data, .timeout = 30)
{
    static const struct {
        const char *id, *ticket, *answer;
        struct zero_rtt_case cases[3];
    } checks[] = {
        {"CLI-0RTT-ALPN",
         "ticket for \"http/1.1\", resumed with early data (1 0-RTT records)",
         "answered \"h2\" in EncryptedExtensions, early data accepted",
         {{DEFECT_CLIENT_NONE, VERDICT_PASS, "fatal alert 47"},
          {DEFECT_CLIENT_ACCEPT_0RTT_ALPN_CHANGE, VERDICT_WARN, "went on with the handshake (Finished)"}}},
        {"CLI-0RTT-ALPN-ADDED",
         "ticket without ALPN, resumed with early data (1 0-RTT records)",
         "answered \"http/1.1\" in EncryptedExtensions, early data accepted",
         {{DEFECT_CLIENT_NONE, VERDICT_PASS, "fatal alert 47"},
          {DEFECT_CLIENT_ACCEPT_0RTT_ALPN_CHANGE, VERDICT_WARN, "went on with the handshake (Finished)"},
          {DEFECT_CLIENT_ACCEPT_0RTT_ALPN_ADDED, VERDICT_WARN, "went on with the handshake (Finished)"}}},
    };
    for (size_t k = 0; k < sizeof checks / sizeof checks[0]; k++)
        zero_rtt_cases(checks[k].id, checks[k].cases, checks[k].cases[2].seen != NULL ? 3 : 2, checks[k].ticket,
                       checks[k].answer);
}

Test(client_checks, client_that_never_connects_is_an_error, .timeout = 30)
{
    static report r;
    struct thread_driver td = {.kind = KIND_ABSENT};
    wire_identity *id = identity();
    double ms = run_catalogue(&td, id, "CLI-ACCEPT-VALID", "1.3", NULL, &r);
    wire_identity_free(id);
    cr_assert_eq(r.n, 1);
    cr_expect_eq(r.results[0].v, VERDICT_ERROR, "%s: %s", verdict_name(r.results[0].v), r.results[0].observed);
    cr_expect_not_null(strstr(r.results[0].observed, "did not connect"), "observed: %s", r.results[0].observed);
    /* The check's deadline, not the test's, ends the wait. */
    cr_expect_geq(ms, TIMEOUT_MS - 100, "gave up after %.0f ms", ms);
    cr_expect_lt(ms, TIMEOUT_MS + 1000, "waited %.0f ms for a %d ms deadline", ms, TIMEOUT_MS);
}

struct garbage_case {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    const char *why; /* expected in the observed text */
};

#define BYTES(s) (const uint8_t *)(s), sizeof(s) - 1

static const struct garbage_case garbage[] = {
    {"HTTP request", BYTES("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"), "not a TLS record"},
    {"record over the length limit", BYTES("\x16\x03\x01\xff\xff"), "not a TLS record"},
    {"ServerHello first", BYTES("\x16\x03\x01\x00\x08\x02\x00\x00\x04\x03\x03\x00\x00"), "type 2"},
    {"ClientHello of 16 MiB", BYTES("\x16\x03\x01\x00\x04\x01\xff\xff\xff"),
     "a ClientHello of 16777215 bytes, more than the 131072 it may hold"},
    {"truncated ClientHello body", BYTES("\x16\x03\x01\x00\x08\x01\x00\x00\x04\x03\x03\x00\x00"),
     "malformed ClientHello"},
    {"alert first", BYTES("\x15\x03\x01\x00\x02\x02\x28"), "record type 21"},
    {"half a record, then a close", BYTES("\x16\x03\x01\x01\x00\x01\x00"), "closed the connection"},
};

Test(client_checks, garbage_instead_of_client_hello_is_an_error, .timeout = 60)
{
    static report r;
    wire_identity *id = identity();
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        const struct garbage_case *g = &garbage[i];
        struct thread_driver td = {.kind = KIND_GARBAGE, .garbage = g->bytes, .garbage_len = g->len};
        run_catalogue(&td, id, "CLI-OFFER-WELLFORMED,CLI-ACCEPT-VALID", "1.3", "1.2", &r);
        cr_expect_eq(r.n, 4, "[%s] %zu results", g->name, r.n);
        for (size_t j = 0; j < r.n; j++) {
            const result *res = &r.results[j];
            cr_expect_eq(res->v, VERDICT_ERROR, "[%s] %s TLS %s: %s (%s)", g->name, res->id, res->tls,
                         verdict_name(res->v), res->observed);
            cr_expect_not_null(strstr(res->observed, "no ClientHello"), "[%s] observed: %s", g->name, res->observed);
            cr_expect_not_null(strstr(res->observed, g->why), "[%s] expected \"%s\" in: %s", g->name, g->why,
                               res->observed);
        }
    }
    wire_identity_free(id);
}

/* The judge on its own: which alerts reject (RFC 8446 §6: the level means nothing in TLS 1.3; close_notify and
 * user_canceled are no errors in either version). */
static void judge_alert(const char *id, const char *tls, int alert_level, int alert, result *out)
{
    static const uint8_t offer[] = {0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    client_scenario s;
    cr_assert_eq(client_scenario_build(&s, id, tls), 0);
    observation o;
    observation_init(&o);
    o.hello_seen = o.answered = 1;
    o.offer_tls12 = o.offer_tls13 = 1;
    o.offer_count = 1;
    memcpy(o.offer, offer, sizeof offer);
    o.offer_len = sizeof offer;
    o.alert = alert;
    o.alert_level = alert_level;
    client_judge(&s, &o, out);
}

Test(client_judge, alert_levels_and_non_error_alerts)
{
    result r;
    judge_alert("CLI-REJECT-MULTIPLE", "1.3", 1, 50, &r);
    cr_expect_eq(r.v, VERDICT_PASS, "TLS 1.3 decode_error sent at level warning: %s", verdict_name(r.v));
    judge_alert("CLI-REJECT-MULTIPLE", "1.2", 1, 50, &r);
    cr_expect_neq(r.v, VERDICT_PASS, "TLS 1.2 warning-level alert is no rejection");
    judge_alert("CLI-REJECT-UNOFFERED", "1.3", 2, 0, &r);
    cr_expect_neq(r.v, VERDICT_PASS, "close_notify, even at level fatal, is no rejection");
    judge_alert("CLI-REJECT-UNOFFERED", "1.2", 2, 90, &r);
    cr_expect_neq(r.v, VERDICT_PASS, "user_canceled is no rejection");
    judge_alert("CLI-REJECT-UNOFFERED", "1.2", 2, 47, &r);
    cr_expect_eq(r.v, VERDICT_PASS, "fatal illegal_parameter rejects");
}

/* Two names in the server's list: the list is well-formed and only RFC 7301 §3.1's "exactly one" is broken, so
 * illegal_parameter (RFC 8446 §6.2) passes as well as decode_error; any other fatal alert is still the wrong code. */
Test(client_judge, two_names_take_decode_error_or_illegal_parameter)
{
    result r;
    judge_alert("CLI-REJECT-MULTIPLE", "1.3", 2, 50, &r);
    cr_expect_eq(r.v, VERDICT_PASS, "decode_error: %s", verdict_name(r.v));
    judge_alert("CLI-REJECT-MULTIPLE", "1.2", 2, 47, &r);
    cr_expect_eq(r.v, VERDICT_PASS, "illegal_parameter: %s", verdict_name(r.v));
    judge_alert("CLI-REJECT-MULTIPLE", "1.3", 2, 40, &r);
    cr_expect_eq(r.v, VERDICT_WARN, "handshake_failure: %s", verdict_name(r.v));
    cr_expect_str_eq(r.expected, "fatal alert 50 (decode_error) or 47 (illegal_parameter)");
    /* The malformed lists keep one alert: decode_error. */
    judge_alert("CLI-REJECT-EMPTY-NAME", "1.3", 2, 47, &r);
    cr_expect_eq(r.v, VERDICT_WARN, "illegal_parameter for an empty name: %s", verdict_name(r.v));
}

/* The judge of a QUIC client's CONNECTION_CLOSE: a close its application made (0x1d, or APPLICATION_ERROR 0x0c in a
 * Handshake packet, RFC 9000 §10.2.3) after a valid answer is no rejection, even when the client's Finished was lost
 * to the close (a quic-go client that closes as soon as it has connected); a TLS alert as 0x0100 + alert is one. */
static void judge_quic_close(const char *id, unsigned frame, uint64_t code, int accepted, result *out)
{
    static const uint8_t offer[] = {0x00, 0x06, 0x02, 'h', '3', 0x02, 'h', 'q'};
    client_scenario s;
    cr_assert_eq(client_scenario_build(&s, id, "1.3"), 0);
    observation o;
    observation_init(&o);
    o.transport = OBS_QUIC;
    o.hello_seen = o.answered = 1;
    o.offer_tls13 = 1;
    o.offer_count = 1;
    memcpy(o.offer, offer, sizeof offer);
    o.offer_len = sizeof offer;
    o.accepted = accepted;
    observation_quic_close(&o, frame, code, OBS_PACKET_HANDSHAKE, NULL, 0);
    client_judge(&s, &o, out);
}

Test(client_judge, quic_application_close_is_no_rejection)
{
    result r;
    judge_quic_close("CLI-ACCEPT-VALID", 0x1c, 0x0c, 0, &r);
    cr_expect_eq(r.v, VERDICT_PASS, "APPLICATION_ERROR in a Handshake packet: %s (%s)", verdict_name(r.v), r.observed);
    cr_expect_not_null(strstr(r.observed, "an application close"), "%s", r.observed);
    judge_quic_close("CLI-ACCEPT-VALID", 0x1d, 0, 0, &r);
    cr_expect_eq(r.v, VERDICT_PASS, "application close 0x1d: %s", verdict_name(r.v));
    judge_quic_close("CLI-ACCEPT-VALID", 0x1c, 0x178, 0, &r);
    cr_expect_eq(r.v, VERDICT_FAIL, "no_application_protocol on a valid answer: %s", verdict_name(r.v));
    judge_quic_close("CLI-ACCEPT-VALID", 0x1c, 0x0a, 0, &r);
    cr_expect_eq(r.v, VERDICT_FAIL, "PROTOCOL_VIOLATION is no application close: %s", verdict_name(r.v));
    /* Where a TLS alert is due, APPLICATION_ERROR rejects without it (WARN), as a TCP close without an alert. */
    judge_quic_close("CLI-REJECT-UNOFFERED", 0x1c, 0x0c, 0, &r);
    cr_expect_eq(r.v, VERDICT_WARN, "APPLICATION_ERROR instead of an alert: %s", verdict_name(r.v));
    judge_quic_close("CLI-REJECT-UNOFFERED", 0x1c, 0x178, 0, &r);
    cr_expect_eq(r.v, VERDICT_PASS, "0x178 rejects: %s", verdict_name(r.v));
}
