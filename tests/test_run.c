/* Running the catalogue: discovery, filters, and libalpn itself as the server's decision logic. */
#include <criterion/criterion.h>
#include <string.h>

#include "run.h"
#include "testkit.h"

/* A server whose ALPN decisions are libalpn's, answering as a conforming TLS stack would: the selection in
 * EncryptedExtensions (TLS 1.3) or ServerHello (TLS 1.2), alert 120 on no overlap, 50 on a malformed list, 47 on a
 * duplicated extension. unreachable turns every connection into an error. */
struct model {
    profile supported;
    alpn_preference pref;
    int unreachable;
    int calls;
};

static int model_probe(void *ctx, const probe_request *s, observation *o)
{
    struct model *m = ctx;
    m->calls++;
    o->version = strcmp(s->tls, "1.3") == 0   ? 0x0304
                 : strcmp(s->tls, "1.2") == 0 ? 0x0303
                 : strcmp(s->tls, "1.1") == 0 ? 0x0302
                                              : 0x0301;
    if (m->unreachable) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "connection refused");
        return 0;
    }
    if (!s->send_alpn) {
        o->completed = 1;
        return 0;
    }
    if (s->duplicate_alpn) {
        o->alert = 47;
        o->alert_level = 2;
        return 0;
    }
    /* RFC 9113 §9.2: a conforming server does not offer h2 below TLS 1.2. */
    alpn_name names[PROFILE_MAX];
    size_t n = 0;
    for (size_t i = 0; i < m->supported.n; i++) {
        if (o->version < 0x0303 && m->supported.lens[i] == 2 && memcmp(m->supported.names[i], "h2", 2) == 0)
            continue;
        names[n++] = (alpn_name){m->supported.names[i], m->supported.lens[i]};
    }
    size_t sel;
    int rc = alpn_select(names, n, s->ext, s->ext_len, m->pref, &sel, NULL, NULL);
    if (rc != ALPN_OK) {
        o->alert = rc;
        o->alert_level = 2;
        return 0;
    }
    alpn_error err;
    cr_assert_eq(alpn_list_encode(&names[sel], 1, o->alpn, sizeof o->alpn, &o->alpn_len, &err), ALPN_OK);
    o->alpn_count = 1;
    o->alpn_where = strcmp(s->tls, "1.3") == 0 ? WHERE_ENCRYPTED_EXTENSIONS : WHERE_SERVER_HELLO;
    o->completed = 1;
    return 0;
}

static struct model make_model(const char *csv, alpn_preference pref)
{
    struct model m;
    memset(&m, 0, sizeof m);
    tk_profile(&m.supported, csv);
    m.pref = pref;
    return m;
}

/* One discovery: the connections it took (-1: unreachable), the profile it found and as text, its info, the error. */
struct discovery_run {
    int n;
    profile p;
    char found[512];
    discovery_info info;
    char err[128];
};

static struct discovery_run run_discovery(probe_fn probe, void *ctx, const char *tls)
{
    struct discovery_run d;
    memset(&d, 0, sizeof d);
    d.n = discover_profile(probe, ctx, tls, &d.p, &d.info, d.err, sizeof d.err);
    profile_format(&d.p, d.found, sizeof d.found);
    return d;
}

Test(run, discovery_learns_names_in_server_order)
{
    struct model m = make_model("http/1.1,h2,imap", ALPN_PREFER_SERVER);
    struct discovery_run d = run_discovery(model_probe, &m, "1.3");
    cr_expect_eq(d.n, 4, "three selections and one no-overlap");
    cr_expect_eq(d.info.connections, 4);
    cr_expect_eq(d.info.fallback, 0);
    cr_expect_str_eq(d.found, "http/1.1, h2, imap");
    char buf[128];
    discovery_describe(&d.info, buf, sizeof buf);
    cr_expect_str_eq(buf, "", "nothing to say when the full offer was answered");
}

Test(run, discovery_ignores_names_outside_the_registry)
{
    struct model m = make_model("my-private-proto,h2", ALPN_PREFER_SERVER);
    struct discovery_run d = run_discovery(model_probe, &m, "1.2");
    cr_expect_str_eq(d.found, "h2", "only names it can offer are learnt (give --alpn for private ones)");
}

Test(run, discovery_reports_an_unreachable_server)
{
    struct model m = make_model("h2", ALPN_PREFER_SERVER);
    m.unreachable = 1;
    struct discovery_run d = run_discovery(model_probe, &m, "1.3");
    cr_expect_eq(d.n, -1);
    cr_expect_str_eq(d.err, "connection refused");
}

/* A server that refuses some ClientHellos before ALPN selection: fatal alert 80 (or a close, with close_instead)
 * for an offer holding acme-tls/1 (as Caddy does when no TLS-ALPN-01 challenge is pending), for one of more than
 * max_names names, or for every offer (refuse_all). Otherwise the model answers. Counts what it was offered. */
struct picky {
    struct model m;
    int refuse_acme;
    size_t max_names; /* 0: no limit */
    int refuse_all;
    int close_instead;
    int no_overlap_alert; /* nonzero: this alert instead of 120 when nothing overlaps */
    int offers, acme_offers, refused;
};

static int offers_name(const probe_request *s, const char *name)
{
    alpn_iter it;
    alpn_name n;
    alpn_iter_init(&it, s->ext, s->ext_len);
    while (alpn_iter_next(&it, &n)) {
        if (n.len == strlen(name) && memcmp(n.data, name, n.len) == 0)
            return 1;
    }
    return 0;
}

static int picky_probe(void *ctx, const probe_request *s, observation *o)
{
    struct picky *k = ctx;
    size_t names = 0;
    alpn_iter it;
    alpn_name n;
    alpn_iter_init(&it, s->ext, s->ext_len);
    while (alpn_iter_next(&it, &n))
        names++;
    k->offers++;
    k->acme_offers += offers_name(s, "acme-tls/1");
    if (k->refuse_all || (k->refuse_acme && offers_name(s, "acme-tls/1")) || (k->max_names && names > k->max_names)) {
        k->refused++;
        if (k->close_instead) { /* what server_probe reports for a close before any answer */
            o->error = 1;
            o->refused = 1;
            snprintf(o->error_text, sizeof o->error_text, "connection closed before any answer");
        } else {
            o->alert = 80;
            o->alert_level = 2;
        }
        return 0;
    }
    model_probe(&k->m, s, o);
    if (k->no_overlap_alert && o->alert == 120)
        o->alert = k->no_overlap_alert;
    return 0;
}

/* Issue 14: Caddy fails every handshake that offers acme-tls/1 (RFC 8737 §3-4: a TLS-ALPN-01 validation), so an
 * offer of the whole registry taught nothing and every check was SKIP. Discovery must never offer it. */
Test(run, discovery_never_offers_acme_tls)
{
    struct picky k = {.m = make_model("h2,http/1.1", ALPN_PREFER_SERVER), .refuse_acme = 1};
    struct discovery_run d = run_discovery(picky_probe, &k, "1.3");
    cr_expect_str_eq(d.found, "h2, http/1.1");
    cr_expect_eq(k.acme_offers, 0, "acme-tls/1 offered %d times", k.acme_offers);
    cr_expect_eq(d.n, 3, "two selections and one no-overlap, as for any server (%d)", d.n);
    cr_expect_eq(d.info.fallback, 0);
    cr_expect_eq(d.info.excluded, 1);
    cr_assert_not_null(discovery_excluded((const uint8_t *)"acme-tls/1", 10));
    cr_expect_not_null(strstr(discovery_excluded((const uint8_t *)"acme-tls/1", 10), "RFC 8737"));
    cr_expect_null(discovery_excluded((const uint8_t *)"acme-tls/10", 11), "exact bytes only");
    cr_expect_null(discovery_excluded((const uint8_t *)"h2", 2));
}

/* A server that refuses long offers: the halves, then smaller ones, until one is answered; the names found are
 * then offered together, so the profile is in the server's order although they came from different subsets. */
Test(run, discovery_falls_back_to_smaller_offers)
{
    struct picky k = {.m = make_model("h2,http/1.1,imap", ALPN_PREFER_SERVER), .max_names = 8};
    struct discovery_run d = run_discovery(picky_probe, &k, "1.3");
    cr_expect_str_eq(d.found, "h2, http/1.1, imap");
    cr_expect_eq(d.info.fallback, 1);
    cr_expect_eq(d.info.first_refusal_alert, 80);
    cr_expect_eq(d.info.refused_offers, k.refused);
    cr_expect_eq(d.n, k.offers, "every connection counted");
    cr_expect_leq(d.n, DISCOVERY_MAX_CONNECTIONS);
    cr_expect_eq(d.info.order_unknown, 0);
    char buf[512];
    discovery_describe(&d.info, buf, sizeof buf);
    char want[200];
    snprintf(want, sizeof want,
             "the full offer was refused with alert 80 (internal_error); discovered with smaller offers (%d of %d "
             "refused)",
             k.refused, d.n);
    cr_expect_str_eq(buf, want);
}

/* Every offer of more than one name refused, by closing the connection: no subset helps, so the common names alone
 * find h2 and http/1.1 (a close is a refusal, not an unreachable server). Offered together for their order they
 * are refused again: the order stays the one found, and the profile text says so. */
Test(run, discovery_offers_common_names_alone_when_everything_larger_is_refused)
{
    struct picky k = {.m = make_model("http/1.1,h2", ALPN_PREFER_SERVER), .max_names = 1, .close_instead = 1};
    struct discovery_run d = run_discovery(picky_probe, &k, "1.2");
    cr_assert_geq(d.n, 0, "not unreachable: %s", d.err);
    cr_expect_str_eq(d.found, "h2, http/1.1", "the order found: h2 is tried alone first");
    cr_expect_eq(d.info.first_refusal_alert, -1);
    cr_expect_eq(d.info.order_unknown, 1);
    char buf[512];
    discovery_describe(&d.info, buf, sizeof buf);
    cr_expect_not_null(strstr(buf, "the full offer was refused by closing the connection"), "%s", buf);
    cr_expect_not_null(strstr(buf, "the server would not order the names found"), "%s", buf);
    cr_expect_leq(d.n, DISCOVERY_MAX_CONNECTIONS);
}

/* A server that refuses every offer: an empty profile, within the connection bound. */
Test(run, discovery_of_a_server_refusing_everything_is_bounded)
{
    struct picky k = {.m = make_model("h2", ALPN_PREFER_SERVER), .refuse_all = 1};
    struct discovery_run d = run_discovery(picky_probe, &k, "1.3");
    cr_expect_eq(d.p.n, 0);
    cr_expect_eq(d.n, k.offers);
    cr_expect_eq(d.info.refused_offers, d.n);
    /* 1 full offer, 2 + 4 + 8 while splitting the ~60 candidates down to 8 or fewer, then the common names. */
    cr_expect_leq(d.n, 25, "%d connections", d.n);
    cr_expect_gt(d.n, 1);
}

/* No overlap answered with handshake_failure (40) instead of 120 after some selections: not a refusal of the hello
 * (SRV-NO-OVERLAP-ALERT judges it), so no smaller offers. */
Test(run, discovery_reads_a_late_refusal_as_no_overlap)
{
    struct picky k = {.m = make_model("h2,http/1.1", ALPN_PREFER_SERVER), .no_overlap_alert = 40};
    struct discovery_run d = run_discovery(picky_probe, &k, "1.3");
    cr_expect_str_eq(d.found, "h2, http/1.1");
    cr_expect_eq(d.n, 3);
    cr_expect_eq(d.info.fallback, 0);
}

/* The reference implementation, as a server, conforms: no FAIL, WARN or ERROR in either version. */
Test(run, libalpn_as_server_passes_everything)
{
    static report r;
    struct model m = make_model("h2,http/1.1", ALPN_PREFER_SERVER);
    run_options opt = {.tls = {"1.3", "1.2"}};
    report_init(&r, "test", "model");
    size_t n = run_server_checks(model_probe, &m, &m.supported, &opt, &r);
    cr_expect_eq(n, 2 * (server_check_count() + 9));
    for (size_t i = 0; i < r.n; i++)
        cr_expect(r.results[i].v == VERDICT_PASS || r.results[i].v == VERDICT_SKIP, "%s TLS %s: %s — %s",
                  r.results[i].id, r.results[i].tls, verdict_name(r.results[i].v), r.results[i].observed);
    cr_expect_eq(r.counts[VERDICT_SKIP], 26,
                 "TLS13-IN-EE and HRR-ALPN-CHANGED on 1.2, NPN on 1.3, RESUME-FRESH, PROTOCOL-DEFINITIVE and the four "
                 "0-RTT checks, RENEG-ALPN and ALT-SVC without a session path, HRR-ALPN-CHANGED on 1.3 (the model sends no "
                 "HelloRetryRequest), the three QUIC-only checks on both");
    cr_expect_eq(report_exit_code(&r), 0);
}

Test(run, client_preference_is_a_should_warning)
{
    static report r;
    struct model m = make_model("h2,http/1.1", ALPN_PREFER_CLIENT);
    run_options opt = {.tls = {"1.3"}, .only = "SRV-SERVER-PREFERENCE,SRV-SELECT-OFFERED"};
    report_init(&r, "test", "model");
    cr_assert_eq(run_server_checks(model_probe, &m, &m.supported, &opt, &r), 2);
    cr_expect_str_eq(r.results[0].id, "SRV-SELECT-OFFERED");
    cr_expect_eq(r.results[0].v, VERDICT_PASS);
    cr_expect_str_eq(r.results[1].id, "SRV-SERVER-PREFERENCE");
    cr_expect_eq(r.results[1].v, VERDICT_WARN, "%s", r.results[1].observed);
}

Test(run, filters_and_probe_counts)
{
    static report r;
    struct model m = make_model("h2,http/1.1", ALPN_PREFER_SERVER);
    run_options opt = {.tls = {"1.2", "1.3"}, .skip = "SRV-SERVER-PREFERENCE,SRV-MANY-NAMES"};
    report_init(&r, "test", "model");
    size_t n = run_server_checks(model_probe, &m, &m.supported, &opt, &r);
    cr_expect_eq(n, 2 * server_check_count() + 14, "all but MANY-NAMES, plus the eight session checks");
    /* Skipped scenarios do not connect: TLS13-IN-EE and HRR-ALPN-CHANGED on 1.2, NPN on 1.3, RESUME-FRESH,
     * PROTOCOL-DEFINITIVE, RENEG-ALPN, ALT-SVC and the four 0-RTT checks (no session path) on both, the three QUIC-only checks
     * on both. */
    cr_expect_eq((size_t)m.calls, n - 25, "calls %d of %zu results", m.calls, n);
    for (size_t i = 0; i < r.n; i++)
        cr_expect_str_neq(r.results[i].id, "SRV-MANY-NAMES");
}

static size_t progress_calls, progress_last_done, progress_total;
static void on_progress(void *ctx, size_t done, size_t total, const result *last)
{
    (void)ctx;
    cr_assert_not_null(last);
    progress_calls++;
    progress_last_done = done;
    progress_total = total;
}

Test(run, progress_counts_to_the_total)
{
    static report r;
    struct model m = make_model("h2", ALPN_PREFER_SERVER);
    run_options opt = {.tls = {"1.3", "1.2"}, .progress = on_progress};
    report_init(&r, "test", "model");
    run_server_checks(model_probe, &m, &m.supported, &opt, &r);
    cr_expect_eq(progress_calls, r.n);
    cr_expect_eq(progress_last_done, progress_total);
    cr_expect_eq(progress_total, r.n);
}

Test(run, id_lists)
{
    char err[128];
    cr_expect(id_listed("SRV-A,SRV-B", "SRV-B"));
    cr_expect_not(id_listed("SRV-AB", "SRV-A"));
    cr_expect_not(id_listed(NULL, "SRV-A"));
    cr_expect_eq(validate_id_list("SRV-SELECT-OFFERED,SRV-SERVER-PREFERENCE", err, sizeof err), 0);
    cr_expect_eq(validate_id_list(NULL, err, sizeof err), 0);
    cr_expect_eq(validate_id_list("SRV-SELECT-OFFERED,SRV-NOPE", err, sizeof err), -1);
    cr_expect_str_eq(err, "'SRV-NOPE' is not a server check ID");
    cr_expect_eq(validate_id_list("", err, sizeof err), -1);
}

Test(run, version_skips_carry_the_reason)
{
    static report r;
    run_options opt = {.tls = {"1.2"}, .only = "SRV-SELECT-OFFERED,SRV-SERVER-PREFERENCE"};
    report_init(&r, "test", "model");
    cr_assert_eq(skip_server_checks(&opt, "1.2", "the server does not speak TLS 1.2", &r), 2);
    for (size_t i = 0; i < r.n; i++) {
        cr_expect_eq(r.results[i].v, VERDICT_SKIP);
        cr_expect_str_eq(r.results[i].tls, "1.2");
        cr_expect(strstr(r.results[i].observed, "does not speak TLS 1.2") != NULL, "%s", r.results[i].observed);
    }
}

static int model_resume(void *ctx, const char *tls, const alpn_name *a, size_t na, const alpn_name *b, size_t nb,
                        session_observation *first, session_observation *second)
{
    int *stale = ctx; /* 1: the resumed session keeps the first protocol (the bug) */
    (void)tls;
    cr_assert(na == 1 && nb == 1);
    *first = (session_observation){.alert = -1, .completed = 1, .has_selected = 1, .selected_len = a->len};
    memcpy(first->selected, a->data, a->len);
    *second = (session_observation){.alert = -1, .completed = 1, .resumed = 1, .has_selected = 1};
    const alpn_name *kept = *stale ? a : b;
    memcpy(second->selected, kept->data, kept->len);
    second->selected_len = kept->len;
    return 0;
}

Test(run, resume_fresh_catches_a_stale_protocol)
{
    static report r;
    struct model m = make_model("h2,http/1.1", ALPN_PREFER_SERVER);
    for (int stale = 0; stale < 2; stale++) {
        run_options opt = {.tls = {"1.3"}, .only = "SRV-RESUME-FRESH", .resume = model_resume, .resume_ctx = &stale};
        report_init(&r, "test", "model");
        cr_assert_eq(run_server_checks(model_probe, &m, &m.supported, &opt, &r), 1);
        cr_expect_eq(r.results[0].v, stale ? VERDICT_FAIL : VERDICT_PASS, "%s", r.results[0].observed);
    }
}

/* Complete handshakes that selected h2, and http/1.1 (the first and second name of "h2,http/1.1"). */
static const session_observation selected_h2 = {
    .alert = -1, .completed = 1, .has_selected = 1, .selected = "h2", .selected_len = 2};
static const session_observation selected_http11 = {
    .alert = -1, .completed = 1, .has_selected = 1, .selected = "http/1.1", .selected_len = 8};

Test(run, resume_fresh_judge_edges)
{
    profile p;
    tk_profile(&p, "h2,http/1.1");
    const session_observation *ok = &selected_h2, *full = &selected_http11;
    session_observation alert = {.alert = 120};
    session_observation err_obs = {.error = 1, .alert = -1, .error_text = "timed out"};
    result r;
    judge_resume_fresh(&p, "1.3", ok, full, &r);
    cr_expect_eq(r.v, VERDICT_SKIP, "not resumed: %s", r.observed);
    cr_expect(strstr(r.observed, "did not resume") != NULL);
    judge_resume_fresh(&p, "1.3", ok, &alert, &r);
    cr_expect_eq(r.v, VERDICT_PASS, "alert 120 is allowed");
    judge_resume_fresh(&p, "1.3", ok, &err_obs, &r);
    cr_expect_eq(r.v, VERDICT_ERROR);
    judge_resume_fresh(&p, "1.3", full, full, &r);
    cr_expect_eq(r.v, VERDICT_ERROR, "the first handshake did not select the first name");
    profile one;
    tk_profile(&one, "h2");
    judge_resume_fresh(&one, "1.2", ok, ok, &r);
    cr_expect_eq(r.v, VERDICT_SKIP);
}

Test(run, protocol_definitive_judge)
{
    alpn_name h2 = {(const uint8_t *)"h2", 2}, h11 = {(const uint8_t *)"http/1.1", 8};
    static const struct {
        const char *what;
        int h2;
        const char *selected;
        const char *app;
        size_t app_len;
        int error;
        verdict want;
    } cases[] = {
        {"h2 and SETTINGS", 1, "h2", "\x00\x00\x12\x04\x00\x00\x00\x00\x00", 9, 0, VERDICT_PASS},
        {"h2 but HTTP/1.0", 1, "h2", "HTTP/1.0 200 ok\r\n", 17, 0, VERDICT_FAIL},
        {"h2, DATA on stream 1 first", 1, "h2", "\x00\x00\x01\x00\x00\x00\x00\x00\x01", 9, 0, VERDICT_FAIL},
        {"h2, a short answer", 1, "h2", "\x00\x00", 2, 0, VERDICT_FAIL},
        {"h2, nothing sent", 1, "h2", "", 0, 0, VERDICT_SKIP},
        {"http/1.1 answered", 0, "http/1.1", "HTTP/1.1 404 Not Found\r\n", 24, 0, VERDICT_PASS},
        {"http/1.1 but h2 frames", 0, "http/1.1", "\x00\x00\x12\x04\x00\x00\x00\x00\x00", 9, 0, VERDICT_FAIL},
        {"other selection", 1, "http/1.1", "HTTP/1.1 200", 12, 0, VERDICT_SKIP},
        {"no answer at all", 1, "", "", 0, 1, VERDICT_ERROR},
        {"an echo server", 1, "h2", "PRI * HTTP/2.0\r\n", 16, 0, VERDICT_SKIP},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        session_observation o = {.alert = -1, .completed = !cases[i].error, .error = cases[i].error, .spoke = 1};
        o.has_selected = cases[i].selected[0] != 0;
        o.selected_len = strlen(cases[i].selected);
        memcpy(o.selected, cases[i].selected, o.selected_len);
        memcpy(o.app, cases[i].app, cases[i].app_len);
        o.app_len = cases[i].app_len;
        o.echoed = o.app_len > 0 && memcmp(o.app, "PRI * HTTP/2.0", o.app_len < 14 ? o.app_len : 14) == 0;
        result r;
        judge_protocol_definitive("1.3", cases[i].h2 ? &h2 : &h11, &o, &r);
        cr_expect_eq(r.v, cases[i].want, "%s: %s (%s)", cases[i].what, verdict_name(r.v), r.observed);
    }
    result r;
    session_observation none = {.alert = -1};
    judge_protocol_definitive("1.2", NULL, &none, &r);
    cr_expect_eq(r.v, VERDICT_SKIP, "neither h2 nor http/1.1 supported");
}

Test(run, zero_rtt_judge)
{
    profile p;
    tk_profile(&p, "h2,http/1.1");
    session_observation took = {.alert = -1, .completed = 1, .resumed = 1, .early_sent = 1, .early_accepted = 1};
    session_observation refused = {.alert = -1, .completed = 1, .resumed = 1, .early_sent = 1};
    session_observation broken = {.alert = -1, .error = 1, .error_text = "timed out"};
    struct {
        int fresh;
        const char *tls;
        const session_observation *control, *test;
        verdict want;
    } cases[] = {
        {0, "1.3", &took, &refused, VERDICT_PASS}, {0, "1.3", &took, &took, VERDICT_FAIL},
        {1, "1.3", &took, &refused, VERDICT_PASS}, {1, "1.3", &took, &took, VERDICT_FAIL},
        {0, "1.3", &refused, &took, VERDICT_SKIP}, {0, "1.3", &broken, &refused, VERDICT_ERROR},
        {0, "1.2", &took, &took, VERDICT_SKIP},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        result r;
        judge_0rtt(&p, cases[i].tls, cases[i].fresh, cases[i].control, cases[i].test, &r);
        cr_expect_eq(r.v, cases[i].want, "case %zu: %s (%s)", i, verdict_name(r.v), r.observed);
        cr_expect_str_eq(r.id, cases[i].fresh ? "SRV-0RTT-TICKET-FRESH" : "SRV-0RTT-ALPN");
    }
    profile one;
    tk_profile(&one, "h2");
    result r;
    judge_0rtt(&one, "1.3", 0, &took, &took, &r);
    cr_expect_eq(r.v, VERDICT_SKIP);
}

/* SRV-0RTT-ALPN-ADDED and -OMITTED (RFC 8446 §4.2.10, "if any"): one name is enough; accepting early data fails,
 * except on a ticket without ALPN when nothing is selected either (the ticket's "none" kept). */
Test(run, zero_rtt_alpn_missing_judge)
{
    profile one, none;
    tk_profile(&one, "h2");
    memset(&none, 0, sizeof none);
    session_observation took = {.alert = -1, .completed = 1, .resumed = 1, .early_sent = 1, .early_accepted = 1};
    session_observation took_h2 = took, refused_h2 = {.alert = -1, .completed = 1, .resumed = 1, .early_sent = 1};
    took_h2.has_selected = refused_h2.has_selected = 1;
    memcpy(took_h2.selected, "h2", 2);
    memcpy(refused_h2.selected, "h2", 2);
    took_h2.selected_len = refused_h2.selected_len = 2;
    session_observation refused = {.alert = -1, .completed = 1, .early_sent = 1}, alerted = {.alert = 120};
    struct {
        early_sequence seq;
        const profile *p;
        const char *tls;
        const session_observation *control, *test;
        verdict want;
        const char *id;
    } cases[] = {
        {EARLY_ALPN_ADDED, &one, "1.3", &took, &refused_h2, VERDICT_PASS, "SRV-0RTT-ALPN-ADDED"},
        {EARLY_ALPN_ADDED, &one, "1.3", &took, &took_h2, VERDICT_FAIL, "SRV-0RTT-ALPN-ADDED"},
        {EARLY_ALPN_ADDED, &one, "1.3", &took, &took, VERDICT_PASS, "SRV-0RTT-ALPN-ADDED"},
        {EARLY_ALPN_ADDED, &one, "1.3", &refused, &took_h2, VERDICT_SKIP, "SRV-0RTT-ALPN-ADDED"},
        {EARLY_ALPN_OMITTED, &one, "1.3", &took_h2, &refused, VERDICT_PASS, "SRV-0RTT-ALPN-OMITTED"},
        {EARLY_ALPN_OMITTED, &one, "1.3", &took_h2, &alerted, VERDICT_PASS, "SRV-0RTT-ALPN-OMITTED"},
        {EARLY_ALPN_OMITTED, &one, "1.3", &took_h2, &took, VERDICT_FAIL, "SRV-0RTT-ALPN-OMITTED"},
        {EARLY_ALPN_OMITTED, &one, "1.2", &took_h2, &took, VERDICT_SKIP, "SRV-0RTT-ALPN-OMITTED"},
        {EARLY_ALPN_OMITTED, &none, "1.3", &took_h2, &took, VERDICT_SKIP, "SRV-0RTT-ALPN-OMITTED"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        result r;
        judge_0rtt(cases[i].p, cases[i].tls, cases[i].seq, cases[i].control, cases[i].test, &r);
        cr_expect_eq(r.v, cases[i].want, "case %zu: %s (%s)", i, verdict_name(r.v), r.observed);
        cr_expect_str_eq(r.id, cases[i].id);
    }
    result r;
    judge_0rtt(&one, "1.2", EARLY_ALPN_ADDED, &took, &took_h2, &r);
    cr_expect_str_eq(r.observed, "not run: 0-RTT exists in TLS 1.3 only");
}

Test(run, reneg_judge_reports)
{
    profile p;
    tk_profile(&p, "h2,http/1.1");
    const session_observation *first = &selected_h2, *changed = &selected_http11;
    session_observation refused = {.alert = 100};
    session_observation failed = {.alert = -1};
    result r;
    judge_reneg(&p, "1.2", first, changed, &r);
    cr_expect(r.v == VERDICT_PASS && strstr(r.observed, "\"http/1.1\" selected") != NULL, "%s", r.observed);
    judge_reneg(&p, "1.2", first, &refused, &r);
    cr_expect(r.v == VERDICT_PASS && strstr(r.observed, "no_renegotiation") != NULL, "%s", r.observed);
    judge_reneg(&p, "1.2", &failed, &refused, &r);
    cr_expect_eq(r.v, VERDICT_ERROR);
    judge_reneg(&p, "1.3", first, changed, &r);
    cr_expect_eq(r.v, VERDICT_SKIP);
    cr_expect_eq(r.lvl, LEVEL_INFO);
}

/* ---- the same rows and judges over QUIC ------------------------------------------------------------------------ */

/* The model as a QUIC server (RFC 9001): a TLS alert leaves as CONNECTION_CLOSE 0x1c with 0x0100 + alert in an
 * Initial packet (§4.8), and a hello without ALPN is closed with 0x178 (§8.1) — or, with generic_close, with this
 * code instead (INTERNAL_ERROR and the like). accept_no_alpn: completes a hello without ALPN. */
struct quic_model {
    struct model m;
    int generic_close; /* -1: none */
    int accept_no_alpn;
    int tls_seen_12;   /* a probe asked for another TLS version than 1.3 */
};

static int quic_model_probe(void *ctx, const probe_request *r, observation *o)
{
    struct quic_model *q = ctx;
    q->tls_seen_12 |= strcmp(r->tls, "1.3") != 0;
    model_probe(&q->m, r, o);
    o->transport = OBS_QUIC;
    o->quic_version = 1;
    if (!r->send_alpn && !q->accept_no_alpn) {
        o->completed = 0;
        o->alert = 120;
    }
    if (o->alert >= 0) {
        o->quic_close = 1;
        o->quic_close_frame = 0x1c;
        o->quic_close_code = q->generic_close >= 0 ? (uint64_t)q->generic_close : 0x100u + (unsigned)o->alert;
        o->quic_close_packet = OBS_PACKET_INITIAL;
        o->closed = q->generic_close >= 0 && (q->generic_close < 0x100 || q->generic_close > 0x1ff);
        o->alert = -1;
    }
    return 0;
}

static const result *find_result(const report *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->results[i].id, id) == 0)
            return &r->results[i];
    cr_assert_fail("%s not in the report", id);
    return NULL;
}

static void quic_run(struct quic_model *q, report *r)
{
    run_options opt = {.tls = {"1.3"}, .transport = CHECK_TRANSPORT_QUIC};
    report_init(r, "test", "quic model");
    size_t n = run_server_checks(quic_model_probe, q, &q->m.supported, &opt, r);
    cr_assert_eq(n, server_check_count() + 9, "every server row once, over TLS 1.3");
    cr_expect_eq(q->tls_seen_12, 0, "QUIC carries TLS 1.3 only");
}

/* libalpn behind a conforming QUIC server: the same judges read its closes as alerts, every check over QUIC passes,
 * and the rows that do not apply over QUIC are SKIP with their reason. */
Test(run, quic_model_passes_with_close_codes_as_alerts)
{
    static report r;
    struct quic_model q = {.m = make_model("h3,h2", ALPN_PREFER_SERVER), .generic_close = -1};
    quic_run(&q, &r);
    for (size_t i = 0; i < r.n; i++)
        cr_expect(r.results[i].v == VERDICT_PASS || r.results[i].v == VERDICT_SKIP, "%s: %s — %s", r.results[i].id,
                  verdict_name(r.results[i].v), r.results[i].observed);
    const result *no_alpn = find_result(&r, "SRV-QUIC-NO-ALPN");
    cr_expect_eq(no_alpn->v, VERDICT_PASS, "%s", no_alpn->observed);
    cr_expect(strstr(no_alpn->expected, "CONNECTION_CLOSE 0x178") != NULL, "%s", no_alpn->expected);
    cr_expect(strstr(no_alpn->observed, "code 0x178 (crypto error: alert 120") != NULL, "%s", no_alpn->observed);
    cr_expect_eq(find_result(&r, "SRV-QUIC-NO-OVERLAP")->v, VERDICT_PASS);
    cr_expect_eq(find_result(&r, "SRV-MALFORMED-EMPTY-LIST")->v, VERDICT_PASS, "0x132 is decode_error");
    cr_expect_eq(find_result(&r, "SRV-QUIC-H3-V1")->v, VERDICT_PASS, "%s", find_result(&r, "SRV-QUIC-H3-V1")->observed);
    const result *reneg = find_result(&r, "SRV-RENEG-ALPN");
    cr_expect_eq(reneg->v, VERDICT_SKIP);
    cr_expect(strstr(reneg->observed, "QUIC is TLS 1.3 only") != NULL, "%s", reneg->observed);
    const result *tcp_only = find_result(&r, "SRV-NO-OVERLAP-ALERT");
    cr_expect_eq(tcp_only->v, VERDICT_SKIP);
    cr_expect(strstr(tcp_only->observed, "SRV-QUIC-NO-OVERLAP") != NULL, "%s", tcp_only->observed);
    cr_expect_eq(report_exit_code(&r), 0);
}

/* Over QUIC the resumption and 0-RTT rows run on the session path they are given (quic_session.c in the CLI) with
 * the TCP judges, no longer SKIP for alpncheck's want of resumption; the server's reason for no 0-RTT (its note)
 * reaches the SKIP's text. */
Test(run, quic_session_rows_run_on_their_path)
{
    static report r;
    struct quic_model q = {.m = make_model("h3,h2", ALPN_PREFER_SERVER), .generic_close = -1};
    for (int stale = 0; stale < 2; stale++) {
        run_options opt = {.tls = {"1.3"},
                           .transport = CHECK_TRANSPORT_QUIC,
                           .only = "SRV-RESUME-FRESH",
                           .resume = model_resume,
                           .resume_ctx = &stale};
        report_init(&r, "test", "quic model");
        cr_assert_eq(run_server_checks(quic_model_probe, &q, &q.m.supported, &opt, &r), 1);
        cr_expect_eq(r.results[0].v, stale ? VERDICT_FAIL : VERDICT_PASS, "%s", r.results[0].observed);
    }
    profile one;
    tk_profile(&one, "h3");
    session_observation no_ticket = {.alert = -1,
                                     .completed = 1,
                                     .has_selected = 1,
                                     .selected = "h3",
                                     .selected_len = 2,
                                     .note = "the server issued no session ticket"};
    result res;
    judge_0rtt(&one, "1.3", EARLY_ALPN_OMITTED, &no_ticket, &no_ticket, &res);
    cr_expect_eq(res.v, VERDICT_SKIP);
    cr_expect(strstr(res.observed, "(full handshake, \"h3\" selected; the server issued no session ticket)") != NULL,
              "%s", res.observed);
}

/* RFC 9001 §8.1 names the code: INTERNAL_ERROR (0x1), internal_error (0x150) or NO_ERROR instead of 0x178 refuses
 * with the wrong signal (WARN); a server completing a hello without ALPN carries on (FAIL). */
Test(run, quic_generic_close_warns_and_carrying_on_fails)
{
    static report r;
    static const int codes[] = {0x1, 0x150, 0x0, 0x128};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        struct quic_model q = {.m = make_model("h3", ALPN_PREFER_SERVER), .generic_close = codes[i]};
        quic_run(&q, &r);
        const result *res = find_result(&r, "SRV-QUIC-NO-OVERLAP");
        cr_expect_eq(res->v, VERDICT_WARN, "close 0x%x: %s — %s", codes[i], verdict_name(res->v), res->observed);
        cr_expect_eq(find_result(&r, "SRV-QUIC-NO-ALPN")->v, VERDICT_WARN, "close 0x%x", codes[i]);
    }
    struct quic_model q = {.m = make_model("h3", ALPN_PREFER_SERVER), .generic_close = -1, .accept_no_alpn = 1};
    quic_run(&q, &r);
    const result *res = find_result(&r, "SRV-QUIC-NO-ALPN");
    cr_expect_eq(res->v, VERDICT_FAIL, "%s", res->observed);
    cr_expect_eq(report_exit_code(&r), 1);
}

/* RFC 9114 §3.1: a server that follows the client's order into "h3-29" on a v1 connection gets a WARN (SHOULD). */
Test(run, quic_draft_h3_selected_is_a_warning)
{
    static report r;
    struct quic_model q = {.m = make_model("h3-29,h3", ALPN_PREFER_CLIENT), .generic_close = -1};
    quic_run(&q, &r);
    const result *res = find_result(&r, "SRV-QUIC-H3-V1");
    cr_expect_eq(res->v, VERDICT_WARN, "%s", res->observed);
    cr_expect(strstr(res->observed, "h3-29") != NULL, "%s", res->observed);
    /* Without h3 in the profile there is nothing to judge. */
    struct quic_model no_h3 = {.m = make_model("h2", ALPN_PREFER_SERVER), .generic_close = -1};
    quic_run(&no_h3, &r);
    cr_expect_eq(find_result(&r, "SRV-QUIC-H3-V1")->v, VERDICT_SKIP);
}
