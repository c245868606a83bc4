/* The proxy checks (proxy_checks.h). */
#include "proxy_checks.h"

#include "checks.h"

#include <stdio.h>
#include <string.h>

static int known_proxy_id(const char *id, size_t len)
{
    const check_entry *c = check_find_n(id, len);
    return c != NULL && c->family == CHECK_FAMILY_PROXY;
}

int validate_proxy_id_list(const char *list, char *err, size_t err_cap)
{
    return validate_ids(list, known_proxy_id, "proxy", err, err_cap);
}

void proxy_request_of(const check_entry *c, proxy_request *r)
{
    r->alpn_header = c->proxy.alpn_header;
}

/* What the tunnel did with the bytes; 1 when both directions arrived unchanged. */
static int describe_tunnel(const proxy_observation *o, char *buf, size_t cap)
{
    if (!o->arrived) {
        snprintf(buf, cap, "answered %d, but no connection reached the target through the tunnel", o->status);
        return 0;
    }
    if (!o->up_intact) {
        snprintf(buf, cap, "tunnel opened (%d); the target got %zu of %zu bytes of the ClientHello, first difference "
                 "at byte %zu", o->status, o->up_got, o->up_sent, o->first_diff);
        return 0;
    }
    if (!o->down_intact) {
        snprintf(buf, cap, "tunnel opened (%d); the ClientHello arrived unchanged, but alpncheck got %zu of the %zu "
                 "bytes the target sent back, first difference at byte %zu", o->status, o->down_got, o->down_sent,
                 o->first_diff);
        return 0;
    }
    snprintf(buf, cap, "tunnel opened (%d); %zu bytes up and %zu down arrived unchanged", o->status, o->up_sent,
             o->down_sent);
    return 1;
}

/* PRX-ALPN-FORWARDED over a tunnel that worked: what the upstream (alpncheck) received. */
static void judge_forwarded(const check_entry *c, const proxy_observation *o, result *out)
{
    const char *sent = c->proxy.alpn_header;
    if (!o->via_upstream) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed, "the proxy connected to alpncheck's target directly: run with "
                 "--upstream HOST:PORT and configure the proxy to use that address as its upstream (parent) proxy");
        return;
    }
    char got[4 * sizeof o->upstream_alpn + 1];
    peer_text(got, sizeof got, o->upstream_alpn, o->upstream_alpn_len);
    int same = o->upstream_alpn_fields == 1 && o->upstream_alpn_len == strlen(sent) &&
               memcmp(o->upstream_alpn, sent, o->upstream_alpn_len) == 0;
    out->v = same ? VERDICT_PASS : c->lvl == LEVEL_MUST ? VERDICT_FAIL : VERDICT_WARN;
    if (o->upstream_alpn_fields == 0)
        snprintf(out->observed, sizeof out->observed, "the CONNECT the proxy sent upstream carries no ALPN field");
    else
        snprintf(out->observed, sizeof out->observed, "the CONNECT the proxy sent upstream carries %u ALPN field%s, "
                 "the first \"%.200s\"", o->upstream_alpn_fields, o->upstream_alpn_fields == 1 ? "" : "s", got);
}

static void set_expected(const check_entry *c, result *out)
{
    const char *field = c->proxy.alpn_header;
    char with[160];
    snprintf(with, sizeof with, field ? "with \"ALPN: %s\"" : "without an ALPN field", field);
    if (c->proxy.expect == PROXY_EXPECT_FORWARDED)
        snprintf(out->expected, sizeof out->expected, "CONNECT %s reaches the upstream proxy (alpncheck) with that "
                 "field once, unchanged, and the tunnel relays bytes unchanged", with);
    else if (c->proxy.expect == PROXY_EXPECT_REPORT)
        snprintf(out->expected, sizeof out->expected, "reported only: whether CONNECT %s opens a tunnel (either is "
                 "the proxy's policy); an open tunnel relays bytes unchanged", with);
    else
        snprintf(out->expected, sizeof out->expected, "CONNECT %s is answered 2xx and the tunnel relays bytes "
                 "unchanged both ways", with);
}

void proxy_judge(const check_entry *c, const proxy_observation *o, result *out)
{
    check_result_init(out, c, "");
    out->ms = o->ms;
    set_expected(c, out);
    if (o->error) {
        out->v = VERDICT_ERROR;
        snprintf(out->observed, sizeof out->observed, "%s", o->error_text);
        return;
    }
    if (!o->established) {
        char reason[4 * sizeof o->reason + 1];
        peer_text(reason, sizeof reason, o->reason, o->reason_len);
        snprintf(out->observed, sizeof out->observed, "refused: %d %s", o->status, reason);
        /* INFO reports either way; a refusal of the baseline itself is the run's problem, not a verdict (the runner
         * makes it ERROR); otherwise refusing only because of the field breaks the row's level (RFC 7639 §2.3). */
        out->v = c->proxy.expect == PROXY_EXPECT_REPORT  ? VERDICT_PASS
                 : c->proxy.expect == PROXY_EXPECT_INTACT ? VERDICT_ERROR
                 : c->lvl == LEVEL_MUST                   ? VERDICT_FAIL
                                                          : VERDICT_WARN;
        return;
    }
    /* RFC 9110 §9.3.6: after a 2xx answer the proxy relays data both ways; altering or losing it is never policy. */
    out->v = describe_tunnel(o, out->observed, sizeof out->observed) ? VERDICT_PASS : VERDICT_FAIL;
    if (c->proxy.expect == PROXY_EXPECT_FORWARDED && out->v == VERDICT_PASS)
        judge_forwarded(c, o, out);
}

static size_t proxy_checks_selected(const run_options *opt)
{
    size_t n = 0;
    for (size_t i = 0; i < check_catalogue_count; i++)
        n += check_catalogue[i].family == CHECK_FAMILY_PROXY && run_selects(opt, check_catalogue[i].id);
    return n;
}

/* The baseline: CONNECT without an ALPN field, played once. Every other check compares with it, so when it does not
 * get a tunnel, why is the reason of all of them. */
static const char *baseline(proxy_fn probe, void *ctx, proxy_observation *o, char *why, size_t cap)
{
    const check_entry *c = check_get("PRX-TUNNEL-INTACT");
    proxy_request req;
    proxy_request_of(c, &req);
    probe(ctx, &req, o);
    if (o->error) {
        snprintf(why, cap, "%s", o->error_text);
        return why;
    }
    if (!o->established) {
        char reason[4 * sizeof o->reason + 1];
        peer_text(reason, sizeof reason, o->reason, o->reason_len);
        snprintf(why, cap, "the proxy answered %d %.60s to CONNECT without an ALPN field: allow CONNECT to "
                 "alpncheck's target in its configuration", o->status, reason);
        return why;
    }
    return NULL;
}

size_t run_proxy_checks(proxy_fn probe, void *ctx, const run_options *opt, report *r, int *baseline_refused)
{
    size_t before = r->n, done = 0, total = proxy_checks_selected(opt);
    proxy_observation base;
    char why[OBS_TEXT_MAX + 200];
    const char *stop = baseline(probe, ctx, &base, why, sizeof why);
    *baseline_refused = stop != NULL;
    for (size_t i = 0; i < check_catalogue_count; i++) {
        const check_entry *c = &check_catalogue[i];
        if (c->family != CHECK_FAMILY_PROXY || !run_selects(opt, c->id))
            continue;
        result res;
        proxy_observation o;
        if (stop != NULL) {
            proxy_observation_init(&o);
            o.error = 1;
            snprintf(o.error_text, sizeof o.error_text, "not run: %.180s", why);
        } else if (c->proxy.alpn_header == NULL) {
            o = base; /* the baseline is this check's own connection */
        } else {
            proxy_request req;
            proxy_request_of(c, &req);
            probe(ctx, &req, &o);
        }
        proxy_judge(c, &o, &res);
        const result *stored = report_add(r, &res, opt->known);
        if (opt->progress != NULL && stored != NULL)
            opt->progress(opt->progress_ctx, ++done, total, stored);
    }
    return r->n - before;
}
