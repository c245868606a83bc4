/*
 * The checks that need complete handshakes can fail too: SRV-HRR-ALPN-CHANGED, SRV-RESUME-FRESH,
 * SRV-PROTOCOL-DEFINITIVE, the four SRV-0RTT-* checks and SRV-RENEG-ALPN run over real loopback
 * connections (wire path and GnuTLS path, as `alpncheck server` runs them) against an in-process OpenSSL server
 * with exactly one defect; that defect's checks report FAIL (or WARN), every other one PASS.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "gnutls_probe.h"
#include "run.h"
#include "server_probe.h"
#include "session_server.h"
#include "testkit.h"

#define SESSION_IDS                                                                                                    \
    "SRV-HRR-ALPN-CHANGED,SRV-RESUME-FRESH,SRV-PROTOCOL-DEFINITIVE,SRV-0RTT-ALPN,SRV-0RTT-TICKET-FRESH,"               \
    "SRV-0RTT-ALPN-ADDED,SRV-0RTT-ALPN-OMITTED,SRV-RENEG-ALPN"
#define SESSION_CHECKS 8

static report r;

/* Runs the eight checks over TLS 1.3 and 1.2 against a server with defect d. */
static void run_against(session_defect d, const char *name)
{
    loopback_server *srv = session_server_start(d);
    cr_assert_not_null(srv, "cannot start the OpenSSL test server");
    server_target t;
    tk_loopback_target(&t, loopback_server_port(srv), 2000);
    profile p;
    tk_profile(&p, "h2,http/1.1");
    run_options opt = {.tls = {"1.3", "1.2"}, .only = SESSION_IDS};
    opt.resume = gnutls_resume_probe;
    opt.speak = gnutls_speak_probe;
    opt.early = gnutls_early_probe;
    opt.reneg = gnutls_reneg_probe;
    opt.resume_ctx = &t;
    report_init(&r, "test", name);
    run_server_checks(server_probe, &t, &p, &opt, &r);
    loopback_server_stop(srv);
}

static const result *find(const char *id, const char *tls)
{
    for (size_t i = 0; i < r.n; i++)
        if (strcmp(r.results[i].id, id) == 0 && strcmp(r.results[i].tls, tls) == 0)
            return &r.results[i];
    cr_assert_fail("no result for %s over TLS %s", id, tls);
    return NULL;
}

/* Exactly the (id, tls, verdict) triples listed; every other result PASS, or SKIP where the check does not apply
 * to the version (0-RTT and HRR exist in TLS 1.3 only, renegotiation in TLS 1.2 only). */
static void expect_only(const char *const *triples)
{
    cr_assert_eq(r.n, 2 * SESSION_CHECKS, "%d checks over two versions, got %zu results", SESSION_CHECKS, r.n);
    for (size_t i = 0; i < r.n; i++) {
        const result *res = &r.results[i];
        const char *want = NULL;
        for (size_t k = 0; triples[k]; k += 3)
            if (strcmp(triples[k], res->id) == 0 && strcmp(triples[k + 1], res->tls) == 0)
                want = triples[k + 2];
        int version_bound = (strstr(res->id, "0RTT") || strstr(res->id, "HRR")) ? strcmp(res->tls, "1.3") != 0
                            : strstr(res->id, "RENEG")                          ? strcmp(res->tls, "1.2") != 0
                                                                                : 0;
        if (want == NULL)
            want = version_bound ? "SKIP" : "PASS";
        cr_expect_str_eq(verdict_name(res->v), want, "%s TLS %s: %s, expected %s (%s)", res->id, res->tls,
                         verdict_name(res->v), want, res->observed);
    }
}

Test(session_defects, conforming_server_passes, .timeout = 60)
{
    run_against(SESSION_OK, "conforming");
    const char *none[] = {NULL};
    expect_only(none);
    cr_expect_eq(report_exit_code(&r), 0);
    /* The default OpenSSL 3 server refuses client-initiated renegotiation; the INFO check reports it. */
    cr_expect(strstr(find("SRV-RENEG-ALPN", "1.2")->observed, "renegotiation refused") != NULL ||
                  strstr(find("SRV-RENEG-ALPN", "1.2")->observed, "renegotiation failed") != NULL,
              "%s", find("SRV-RENEG-ALPN", "1.2")->observed);
}

Test(session_defects, resumption_without_fresh_negotiation_fails, .timeout = 60)
{
    run_against(SESSION_RESUME_NO_ALPN, "resume-no-alpn");
    /* Without ALPN on resumption, no 0-RTT can carry the ticket's protocol: the 0-RTT checks have no control. But a
     * ticket without ALPN can: its resumption selects nothing, as in the ticket, so early data is rightly taken. */
    const char *want[] = {"SRV-RESUME-FRESH",
                          "1.3",
                          "FAIL",
                          "SRV-RESUME-FRESH",
                          "1.2",
                          "FAIL",
                          "SRV-0RTT-TICKET-FRESH",
                          "1.3",
                          "SKIP",
                          "SRV-0RTT-ALPN",
                          "1.3",
                          "SKIP",
                          "SRV-0RTT-ALPN-OMITTED",
                          "1.3",
                          "SKIP",
                          NULL};
    expect_only(want);
    const char *added = find("SRV-0RTT-ALPN-ADDED", "1.3")->observed;
    cr_expect(strstr(added, "early data ACCEPTED; resumed without ALPN") != NULL, "%s", added);
}

Test(session_defects, early_data_under_another_protocol_fails, .timeout = 60)
{
    run_against(SESSION_EARLY_ANY_ALPN, "early-any-alpn");
    /* The ticket takes what the hello selects: a ticket without ALPN gets one too (ADDED fails); a hello without
     * ALPN selects nothing, which leaves the ticket's protocol in place and OpenSSL refuses (OMITTED passes). */
    const char *want[] = {
        "SRV-0RTT-ALPN", "1.3",  "FAIL", "SRV-0RTT-TICKET-FRESH", "1.3", "FAIL", "SRV-0RTT-ALPN-ADDED",
        "1.3",           "FAIL", NULL};
    expect_only(want);
}

/* RFC 8446 §4.2.10's "if any": a server that compares protocols only when the ticket and the hello both have one
 * (BoGo's EarlyData-ALPNOmitted) fails exactly the two checks of a missing ALPN, and passes the other 0-RTT ones. */
Test(session_defects, early_data_with_alpn_missing_on_one_side_fails, .timeout = 60)
{
    run_against(SESSION_EARLY_IGNORES_TICKET_ALPN, "early-ignores-ticket-alpn");
    const char *want[] = {"SRV-0RTT-ALPN-ADDED", "1.3", "FAIL", "SRV-0RTT-ALPN-OMITTED", "1.3", "FAIL", NULL};
    expect_only(want);
    cr_expect(strstr(find("SRV-0RTT-ALPN-ADDED", "1.3")->observed, "early data ACCEPTED; resumed, \"h2\" selected") !=
                  NULL,
              "%s", find("SRV-0RTT-ALPN-ADDED", "1.3")->observed);
    cr_expect(strstr(find("SRV-0RTT-ALPN-OMITTED", "1.3")->observed, "early data ACCEPTED; resumed without ALPN") !=
                  NULL,
              "%s", find("SRV-0RTT-ALPN-OMITTED", "1.3")->observed);
}

Test(session_defects, speaking_another_protocol_fails, .timeout = 60)
{
    run_against(SESSION_SPEAKS_HTTP1, "speaks-http1");
    const char *want[] = {"SRV-PROTOCOL-DEFINITIVE", "1.3", "FAIL", "SRV-PROTOCOL-DEFINITIVE", "1.2", "FAIL", NULL};
    expect_only(want);
}

Test(session_defects, changed_hello_after_hrr_warns, .timeout = 60)
{
    run_against(SESSION_HRR_ACCEPT_CHANGED, "hrr-accepts-change");
    const char *want[] = {"SRV-HRR-ALPN-CHANGED", "1.3", "WARN", NULL};
    expect_only(want);
}

/* A conforming server d: every check PASSes, and check id over tls observed what says it happened. */
static void expect_passes_observing(session_defect d, const char *name, const char *id, const char *tls,
                                    const char *what)
{
    run_against(d, name);
    const char *none[] = {NULL};
    expect_only(none);
    const char *obs = find(id, tls)->observed;
    cr_expect(strstr(obs, what) != NULL, "%s %s: %s", id, tls, obs);
}

Test(session_defects, renegotiation_is_reported, .timeout = 60)
{
    /* INFO: PASS either way, but the observation says what happened. OpenSSL 3.0 renegotiates but ignores the new
     * ALPN offer (it reads ALPN on the first handshake only): the report must say so, not echo the offer (GnuTLS
     * 3.7.9 alone reports a stale selection). */
    expect_passes_observing(SESSION_RENEG_ALLOWED, "reneg-allowed", "SRV-RENEG-ALPN", "1.2",
                            "renegotiation: full handshake without ALPN");
}

/* A server may end a connection during 0-RTT before the client's Finished: nginx answers a whole request it finds in
 * the early data and closes (its HTTP/1.0 answer ends the connection), and a client's EndOfEarlyData and Finished
 * then meet a reset. The early data alpncheck sends is only the start of a first message, so the control runs of
 * the 0-RTT checks complete: every check PASSes, every time (the reset lost a race in 13 of 20 runs against nginx,
 * so one run proves little; ten in a row do). */
Test(session_defects, early_data_gives_nothing_to_answer, .timeout = 120)
{
    const char *none[] = {NULL};
    for (int i = 0; i < 10; i++) {
        run_against(SESSION_EARLY_CLOSES, "early-closes");
        expect_only(none);
    }
}

/* RFC 8446 §4.6.1: a TLS 1.3 ticket may follow application data (lighttpd with mod_nss sends h2's SETTINGS first in
 * some runs; this server always does). The ticket must still be kept: every session check PASSes, none SKIPs. */
Test(session_defects, ticket_after_application_data_is_kept, .timeout = 60)
{
    expect_passes_observing(SESSION_TICKET_AFTER_DATA, "ticket-after-data", "SRV-RESUME-FRESH", "1.3",
                            "second: resumed");
}
