/*
 * alpncheck client against the reference GnuTLS client (good_client.c), in process: the listener and the scenarios
 * of `alpncheck client`, the client in a thread per check. A client that follows every rule passes every check that
 * applies to it; the checks that do not apply are SKIPped with the reason.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "client_checks.h"
#include "client_peer.h"
#include "good_client.h"

struct driver {
    pthread_t thread;
    int port;
    const char *ca;
    int offer_alpn;
    int resume;            /* the scenario takes a resumption with early data */
    int check_ticket_alpn; /* the client enforces RFC 8446 §4.2.10's ALPN rule (off: negative control) */
    int started;
    int rc;
};

static void *client_thread(void *arg)
{
    struct driver *d = arg;
    d->rc = d->resume ? good_client_run_0rtt("127.0.0.1", d->port, d->ca, d->check_ticket_alpn)
                      : good_client_run("127.0.0.1", d->port, d->ca, d->offer_alpn);
    return NULL;
}

static int start(void *ctx, const client_request *s, char *err, size_t err_cap)
{
    struct driver *d = ctx;
    d->offer_alpn = !s->no_alpn_offer;
    d->started = 0;
    d->resume = s->resumption;
    d->started = pthread_create(&d->thread, NULL, client_thread, d) == 0;
    if (!d->started)
        snprintf(err, err_cap, "pthread_create failed");
    return d->started ? 0 : -1;
}

static int finish(void *ctx)
{
    struct driver *d = ctx;
    if (d->started)
        pthread_join(d->thread, NULL);
    d->started = 0;
    return -1;
}

static report rep;

static void run_all_with(const char *only, int check_ticket_alpn)
{
    char err[256];
    wire_identity *id = wire_identity_create(err, sizeof err);
    cr_assert_not_null(id, "%s", err);
    client_listener l;
    memset(&l, 0, sizeof l);
    cr_assert_eq(client_listener_open(&l, "127.0.0.1", 0, err, sizeof err), 0, "%s", err);
    l.timeout_ms = 5000;
    l.id = id;
    struct driver d = {.port = l.port, .ca = wire_identity_ca_pem(id), .check_ticket_alpn = check_ticket_alpn};
    client_driver drv = {.start = start, .finish = finish, .ctx = &d};
    run_options ro = {.tls = {"1.3", "1.2"}, .only = only};
    report_init(&rep, "test", "good_client");
    run_client_checks(client_serve, &l, &drv, &ro, &rep);
    client_listener_close(&l);
    wire_identity_free(id);
}

static void run_all(const char *only)
{
    run_all_with(only, 1);
}

static const result *find(const char *id, const char *tls)
{
    for (size_t i = 0; i < rep.n; i++) {
        if (strcmp(rep.results[i].id, id) == 0 && strcmp(rep.results[i].tls, tls) == 0)
            return &rep.results[i];
    }
    return NULL;
}

Test(client_gnutls, every_applicable_check_passes)
{
    run_all(NULL);
    cr_assert_eq(rep.n, 2 * client_check_count());
    for (size_t i = 0; i < rep.n; i++) {
        const result *r = &rep.results[i];
        /* Not applicable: ALPN in ServerHello and 0-RTT are TLS 1.3 matters, NPN a TLS 1.2 one, and GnuTLS 3.7.9
         * has no NPN; the CONNECT checks need alpncheck to be the client's proxy. */
        int na = ((strcmp(r->id, "CLI-TLS13-ALPN-IN-SH") == 0 || strncmp(r->id, "CLI-0RTT-", 9) == 0) &&
                  strcmp(r->tls, "1.2") == 0) ||
                 strcmp(r->id, "CLI-NPN-AND-ALPN") == 0 ||
                 strncmp(r->id, "CLI-PROXY-", 10) == 0 || /* it connects straight, not through alpncheck as a proxy */
                 !(check_get(r->id)->transport & CHECK_TRANSPORT_TCP); /* QUIC only: this is TCP */
        cr_expect_eq(r->v, na ? VERDICT_SKIP : VERDICT_PASS, "%s TLS %s: %s, observed: %s", r->id, r->tls,
                     verdict_name(r->v), r->observed);
    }
}

Test(client_gnutls, rejections_carry_the_specific_alert)
{
    run_all("CLI-REJECT-MULTIPLE,CLI-REJECT-UNSOLICITED,CLI-TLS13-ALPN-IN-SH,CLI-ACCEPT-VALID,CLI-REJECT-GREASE");
    const result *r = find("CLI-REJECT-MULTIPLE", "1.3");
    cr_assert_not_null(r);
    cr_expect(strstr(r->observed, "fatal alert 50") != NULL, "%s", r->observed);
    /* The GREASE value is named as such in the report, and is what the server selected. */
    r = find("CLI-REJECT-GREASE", "1.3");
    cr_assert_not_null(r);
    cr_expect(strstr(r->observed, "offered GREASE 0x3A3A, \"h2\", \"http/1.1\"; answered GREASE 0x3A3A in "
                                  "EncryptedExtensions; the client sent fatal alert 47") != NULL,
              "%s", r->observed);
    r = find("CLI-REJECT-UNSOLICITED", "1.2");
    cr_assert_not_null(r);
    cr_expect(strstr(r->observed, "no ALPN offered") != NULL && strstr(r->observed, "fatal alert 110") != NULL, "%s",
              r->observed);
    r = find("CLI-TLS13-ALPN-IN-SH", "1.3");
    cr_assert_not_null(r);
    cr_expect(strstr(r->observed, "in ServerHello") != NULL && strstr(r->observed, "fatal alert 47") != NULL, "%s",
              r->observed);
    /* The valid answer is the second real name, so that a client assuming its first choice is caught. */
    r = find("CLI-ACCEPT-VALID", "1.3");
    cr_assert_not_null(r);
    cr_expect(strstr(r->observed, "answered \"http/1.1\" in EncryptedExtensions") != NULL, "%s", r->observed);
    cr_expect(strstr(r->observed, "went on with the handshake (Finished)") != NULL, "%s", r->observed);
    r = find("CLI-ACCEPT-VALID", "1.2");
    cr_assert_not_null(r);
    cr_expect(strstr(r->observed, "(ClientKeyExchange)") != NULL, "%s", r->observed);
}

Test(client_gnutls, a_client_that_never_connects_is_an_error_at_the_deadline)
{
    char err[256];
    wire_identity *id = wire_identity_create(err, sizeof err);
    cr_assert_not_null(id);
    client_listener l;
    memset(&l, 0, sizeof l);
    cr_assert_eq(client_listener_open(&l, "127.0.0.1", 0, err, sizeof err), 0);
    l.timeout_ms = 300;
    l.id = id;
    client_scenario s;
    client_scenario_build(&s, "CLI-ACCEPT-VALID", "1.3");
    client_request req;
    client_request_of(&s, &s, &req);
    observation o;
    observation_init(&o);
    client_serve(&l, &req, &o);
    cr_expect(o.error);
    cr_expect(strstr(o.error_text, "did not connect") != NULL, "%s", o.error_text);
    cr_expect(o.ms >= 250 && o.ms < 2000, "%.0f ms", o.ms);
    result res;
    client_judge(&s, &o, &res);
    cr_expect_eq(res.v, VERDICT_ERROR);
    client_listener_close(&l);
    wire_identity_free(id);
}

/* CLI-0RTT-ALPN and CLI-0RTT-ALPN-ADDED can be broken (a WARN: a SHOULD): GnuTLS 3.7.9 alone takes early data
 * accepted under another name than the ticket's, or under a name where the ticket has none (the hook's rule off);
 * with the rule the same client refuses it with illegal_parameter. */
Test(client_gnutls, zero_rtt_alpn_rule_is_what_passes)
{
    static const char *const ids[] = {"CLI-0RTT-ALPN", "CLI-0RTT-ALPN-ADDED"};
    for (size_t i = 0; i < 2; i++) {
        run_all_with(ids[i], 0);
        const result *r = find(ids[i], "1.3");
        cr_assert_not_null(r);
        cr_expect_eq(r->v, VERDICT_WARN, "%s: %s: %s", ids[i], verdict_name(r->v), r->observed);
        run_all_with(ids[i], 1);
        r = find(ids[i], "1.3");
        cr_assert_not_null(r);
        cr_expect_eq(r->v, VERDICT_PASS, "%s: %s: %s", ids[i], verdict_name(r->v), r->observed);
        cr_expect(strstr(r->observed, "fatal alert 47") != NULL, "%s", r->observed);
    }
}

/* The negative control for the whole catalogue: without the hook's rules the client is GnuTLS 3.7.9 alone, and the
 * checks show what it does not enforce — the findings gnutls-cli has in the matrix, and it takes a selected GREASE
 * value when it offered one. */
Test(client_gnutls, gnutls_alone_shows_its_findings)
{
    static const char *const fail[] = {"CLI-REJECT-MULTIPLE", "CLI-REJECT-EMPTY-NAME", "CLI-REJECT-MALFORMED",
                                       "CLI-REJECT-GREASE"};
    good_client_set_rules(0);
    run_all_with(NULL, 0);
    good_client_set_rules(1);
    cr_assert_eq(rep.n, 2 * client_check_count());
    for (size_t i = 0; i < rep.n; i++) {
        const result *r = &rep.results[i];
        int tls12 = strcmp(r->tls, "1.2") == 0;
        verdict want = VERDICT_PASS;
        for (size_t k = 0; k < sizeof fail / sizeof fail[0]; k++) {
            if (strcmp(r->id, fail[k]) == 0)
                want = VERDICT_FAIL;
        }
        /* SHOULD rows: the RFCs name no client action there (a WARN). */
        if (strcmp(r->id, "CLI-REJECT-UNOFFERED") == 0)
            want = VERDICT_WARN;
        if (strncmp(r->id, "CLI-0RTT-", 9) == 0)
            want = tls12 ? VERDICT_SKIP : VERDICT_WARN;
        /* RFC 8446 §4.2: refused, but with unsupported_extension (110) where illegal_parameter (47) is due. */
        if (strcmp(r->id, "CLI-TLS13-ALPN-IN-SH") == 0)
            want = tls12 ? VERDICT_SKIP : VERDICT_WARN;
        if (strcmp(r->id, "CLI-NPN-AND-ALPN") == 0 || strncmp(r->id, "CLI-PROXY-", 10) == 0 ||
            !(check_get(r->id)->transport & CHECK_TRANSPORT_TCP))
            want = VERDICT_SKIP;
        cr_expect_eq(r->v, want, "%s TLS %s: %s, expected %s; observed: %s", r->id, r->tls, verdict_name(r->v),
                     verdict_name(want), r->observed);
    }
}
