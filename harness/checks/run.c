/* Running the server checks over a probe callback. */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Monotonic milliseconds, for the duration of checks that take several connections (the probes time their own). */
static double elapsed_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

int id_listed(const char *list, const char *id)
{
    if (list == NULL)
        return 0;
    size_t n = strlen(id);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, id, n) == 0)
            return 1;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return 0;
}

/* Runs over TLS 1.1 and 1.0, once per run, not in the per-version catalogue (RFC 9113 §9.2). */
#define H2_MIN "SRV-H2-MIN-TLS12"

/* Checks that take more than one connection, run after the single-connection catalogue of each version. */
static const char *const multi_ids[] = {"SRV-SERVER-PREFERENCE", "SRV-RESUME-FRESH",      "SRV-PROTOCOL-DEFINITIVE",
                                        "SRV-0RTT-ALPN",         "SRV-0RTT-TICKET-FRESH", "SRV-RENEG-ALPN"};
#define MULTI_COUNT (sizeof multi_ids / sizeof multi_ids[0])

static int known_id(const char *id, size_t len)
{
    for (size_t i = 0; i < MULTI_COUNT; i++) {
        if (strlen(multi_ids[i]) == len && strncmp(id, multi_ids[i], len) == 0)
            return 1;
    }
    for (size_t i = 0; i < server_check_count; i++) {
        const char *k = server_check_id(i);
        if (strlen(k) == len && strncmp(k, id, len) == 0)
            return 1;
    }
    return 0;
}

int validate_ids(const char *list, int (*known)(const char *id, size_t len), const char *kind, char *err,
                 size_t err_cap)
{
    if (list == NULL)
        return 0;
    for (const char *p = list;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (!known(p, len)) {
            snprintf(err, err_cap, "'%.*s' is not a %s check ID", (int)(len > 64 ? 64 : len), p, kind);
            return -1;
        }
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

int validate_id_list(const char *list, char *err, size_t err_cap)
{
    return validate_ids(list, known_id, "server", err, err_cap);
}

/* The names discovery offers: the registry without GREASE (RFC 8701: never selected, so never learnt). */
static void discovery_offer(scenario *s, const profile *learnt)
{
    size_t n = 0;
    const alpn_registry_entry *t = alpn_registry(&n);
    size_t pos = 2;
    for (size_t i = 0; i < n; i++) {
        const alpn_name *name = &t[i].name;
        int have = 0;
        for (size_t j = 0; j < learnt->n; j++)
            have |= learnt->lens[j] == name->len && memcmp(learnt->names[j], name->data, name->len) == 0;
        if (t[i].kind == ALPN_KIND_GREASE || have || pos + 1 + name->len > SCEN_EXT_MAX)
            continue;
        s->ext[pos++] = (uint8_t)name->len;
        memcpy(s->ext + pos, name->data, name->len);
        pos += name->len;
    }
    s->ext[0] = (uint8_t)((pos - 2) >> 8);
    s->ext[1] = (uint8_t)(pos - 2);
    s->ext_len = pos;
}

int discover_profile(probe_fn probe, void *ctx, const char *tls, profile *p, char *err, size_t err_cap)
{
    static scenario s;
    int connections = 0;
    p->n = 0;
    while (p->n < PROFILE_MAX) {
        memset(&s, 0, sizeof s);
        s.id = "DISCOVERY";
        s.tls = tls;
        s.send_alpn = 1;
        s.expect = EXPECT_SELECT;
        discovery_offer(&s, p);
        if (s.ext_len == 2)
            break; /* every known name is supported */
        observation o;
        observation_init(&o);
        probe(ctx, &s, &o);
        connections++;
        if (o.error) {
            snprintf(err, err_cap, "%s", o.error_text);
            return -1;
        }
        alpn_iter it;
        alpn_name name;
        size_t kept = o.alpn_len < OBS_ALPN_MAX ? o.alpn_len : OBS_ALPN_MAX;
        /* Only a well-formed one-name answer naming an offered, not yet learnt name teaches anything; anything
         * else (an alert, no ALPN, garbage) ends discovery. */
        if (o.alpn_count == 0 || kept != o.alpn_len ||
            alpn_list_validate(o.alpn, kept, ALPN_ROLE_SERVER, NULL, NULL) != ALPN_OK)
            break;
        alpn_iter_init(&it, o.alpn, kept);
        if (!alpn_iter_next(&it, &name))
            break;
        int offered = 0;
        alpn_iter oi;
        alpn_name on;
        alpn_iter_init(&oi, s.ext, s.ext_len);
        while (alpn_iter_next(&oi, &on))
            offered |= on.len == name.len && memcmp(on.data, name.data, name.len) == 0;
        if (!offered)
            break;
        memcpy(p->names[p->n], name.data, name.len);
        p->lens[p->n++] = name.len;
    }
    return connections;
}

/* A session check that could run but has no GnuTLS-path callback (e.g. unit tests with a model server). */
static void skip_no_path(result *res)
{
    res->v = VERDICT_SKIP;
    snprintf(res->observed, sizeof res->observed, "not run: no complete-handshake path configured");
}

static void add_result(report *r, const result *res, const run_options *opt, size_t done, size_t total)
{
    const result *stored = report_add(r, res, opt->known);
    if (opt->progress != NULL && stored != NULL)
        opt->progress(opt->progress_ctx, done, total, stored);
}

int run_selects(const run_options *opt, const char *id)
{
    return (opt->only == NULL || id_listed(opt->only, id)) && !id_listed(opt->skip, id);
}

size_t skip_server_checks(const run_options *opt, const char *tls, const char *reason, report *r)
{
    static scenario s;
    static const profile none = {.n = 0};
    size_t before = r->n;
    for (size_t i = 0; i < server_check_count + MULTI_COUNT; i++) {
        const char *id = i < server_check_count ? server_check_id(i) : multi_ids[i - server_check_count];
        if (!run_selects(opt, id) || strcmp(id, H2_MIN) == 0)
            continue;
        observation o;
        observation_init(&o);
        session_observation so = {.alert = -1};
        result res;
        if (i < server_check_count) {
            scenario_build(&s, id, tls, &none);
            s.skip_reason = reason;
            judge(&s, &o, &res);
        } else {
            if (strcmp(id, "SRV-SERVER-PREFERENCE") == 0)
                judge_server_preference(&none, tls, &o, &o, &res);
            else if (strcmp(id, "SRV-RESUME-FRESH") == 0)
                judge_resume_fresh(&none, tls, &so, &so, &res);
            else if (strcmp(id, "SRV-PROTOCOL-DEFINITIVE") == 0)
                judge_protocol_definitive(tls, NULL, &so, &res);
            else if (strcmp(id, "SRV-RENEG-ALPN") == 0)
                judge_reneg(&none, tls, &so, &so, &res);
            else
                judge_0rtt(&none, tls, strcmp(id, "SRV-0RTT-TICKET-FRESH") == 0, &so, &so, &res);
            snprintf(res.observed, sizeof res.observed, "not run: %s", reason);
        }
        report_add(r, &res, opt->known);
    }
    return r->n - before;
}

size_t run_server_checks(probe_fn probe, void *ctx, const profile *p, const run_options *opt, report *r)
{
    static scenario s;
    size_t versions = 0, selected = 0, done = 0, before = r->n;
    while (versions < 2 && opt->tls[versions] != NULL)
        versions++;
    int pref_selected = run_selects(opt, "SRV-SERVER-PREFERENCE");
    int resume_selected = run_selects(opt, "SRV-RESUME-FRESH");
    int speak_selected = run_selects(opt, "SRV-PROTOCOL-DEFINITIVE");
    int early_selected[2] = {run_selects(opt, "SRV-0RTT-ALPN"), run_selects(opt, "SRV-0RTT-TICKET-FRESH")};
    int reneg_selected = run_selects(opt, "SRV-RENEG-ALPN");
    int h2min_selected = run_selects(opt, H2_MIN);
    for (size_t i = 0; i < server_check_count; i++)
        selected += (size_t)run_selects(opt, server_check_id(i));
    selected -= (size_t)h2min_selected;
    size_t total = (selected + (size_t)pref_selected + (size_t)resume_selected + (size_t)speak_selected +
                    (size_t)early_selected[0] + (size_t)early_selected[1] + (size_t)reneg_selected) *
                       versions +
                   2u * h2min_selected;

    for (size_t v = 0; v < versions; v++) {
        const char *tls = opt->tls[v];
        for (size_t i = 0; i < server_check_count; i++) {
            const char *id = server_check_id(i);
            if (!run_selects(opt, id) || strcmp(id, H2_MIN) == 0)
                continue;
            scenario_build(&s, id, tls, p);
            observation o;
            observation_init(&o);
            if (s.skip_reason == NULL)
                probe(ctx, &s, &o);
            result res;
            judge(&s, &o, &res);
            add_result(r, &res, opt, ++done, total);
        }
        if (resume_selected) {
            /* SRV-RESUME-FRESH: a session made with the first supported name, resumed offering only the second. */
            session_observation first = {.alert = -1}, second = {.alert = -1};
            result res;
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            if (p->n >= 2 && opt->resume != NULL) {
                alpn_name a = {p->names[0], p->lens[0]}, b = {p->names[1], p->lens[1]};
                opt->resume(opt->resume_ctx, tls, &a, 1, &b, 1, &first, &second);
            }
            judge_resume_fresh(p, tls, &first, &second, &res);
            res.ms = elapsed_since(&t0);
            if (opt->resume == NULL && p->n >= 2)
                skip_no_path(&res);
            add_result(r, &res, opt, ++done, total);
        }
        if (speak_selected) {
            /* SRV-PROTOCOL-DEFINITIVE: h2 if the server supports it, else http/1.1. */
            const alpn_name *name = NULL;
            alpn_name cand;
            for (int pass = 0; pass < 2 && name == NULL; pass++) {
                for (size_t i = 0; i < p->n && name == NULL; i++) {
                    int h2 = p->lens[i] == 2 && memcmp(p->names[i], "h2", 2) == 0;
                    int h11 = p->lens[i] == 8 && memcmp(p->names[i], "http/1.1", 8) == 0;
                    if ((pass == 0 && h2) || (pass == 1 && h11)) {
                        cand = (alpn_name){p->names[i], p->lens[i]};
                        name = &cand;
                    }
                }
            }
            session_observation so = {.alert = -1};
            result res;
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            if (name != NULL && opt->speak != NULL)
                opt->speak(opt->resume_ctx, tls, name, &so);
            judge_protocol_definitive(tls, name, &so, &res);
            res.ms = elapsed_since(&t0);
            if (name != NULL && opt->speak == NULL)
                skip_no_path(&res);
            add_result(r, &res, opt, ++done, total);
        }
        for (int fresh = 0; fresh < 2; fresh++) {
            if (!early_selected[fresh])
                continue;
            /* SRV-0RTT-ALPN / SRV-0RTT-TICKET-FRESH with the first two supported names (TLS 1.3 only). */
            session_observation control = {.alert = -1}, test = {.alert = -1};
            result res;
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            int runnable = p->n >= 2 && strcmp(tls, "1.3") == 0;
            if (runnable && opt->early != NULL) {
                alpn_name a = {p->names[0], p->lens[0]}, b = {p->names[1], p->lens[1]};
                opt->early(opt->resume_ctx, fresh, &a, &b, &control, &test);
            }
            judge_0rtt(p, tls, fresh, &control, &test, &res);
            res.ms = elapsed_since(&t0);
            if (runnable && opt->early == NULL)
                skip_no_path(&res);
            add_result(r, &res, opt, ++done, total);
        }
        if (reneg_selected) {
            session_observation first = {.alert = -1}, second = {.alert = -1};
            result res;
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            int runnable = p->n >= 2 && strcmp(tls, "1.2") == 0;
            if (runnable && opt->reneg != NULL) {
                alpn_name a = {p->names[0], p->lens[0]}, b = {p->names[1], p->lens[1]};
                opt->reneg(opt->resume_ctx, &a, &b, &first, &second);
            }
            judge_reneg(p, tls, &first, &second, &res);
            res.ms = elapsed_since(&t0);
            if (runnable && opt->reneg == NULL)
                skip_no_path(&res);
            add_result(r, &res, opt, ++done, total);
        }
        if (!pref_selected)
            continue;
        /* SRV-SERVER-PREFERENCE: the first two supported names, offered in both orders. */
        observation ab, ba;
        observation_init(&ab);
        observation_init(&ba);
        if (p->n >= 2) {
            profile two = *p, rev = *p;
            two.n = rev.n = 2;
            memcpy(rev.names[0], p->names[1], p->lens[1]);
            rev.lens[0] = p->lens[1];
            memcpy(rev.names[1], p->names[0], p->lens[0]);
            rev.lens[1] = p->lens[0];
            scenario_build(&s, "SRV-SELECT-SINGLE", tls, &two);
            probe(ctx, &s, &ab);
            scenario_build(&s, "SRV-SELECT-SINGLE", tls, &rev);
            probe(ctx, &s, &ba);
        }
        result res;
        judge_server_preference(p, tls, &ab, &ba, &res);
        add_result(r, &res, opt, ++done, total);
    }
    static const char *const old_versions[] = {"1.1", "1.0"};
    for (size_t v = 0; h2min_selected && v < 2; v++) {
        scenario_build(&s, H2_MIN, old_versions[v], p);
        observation o;
        observation_init(&o);
        if (s.skip_reason == NULL)
            probe(ctx, &s, &o);
        result res;
        judge(&s, &o, &res);
        add_result(r, &res, opt, ++done, total);
    }
    return r->n - before;
}
