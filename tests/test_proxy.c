/* The proxy checks' pure parts: the HTTP head parser that reads a proxy's answer (and a client's CONNECT), the
 * CONNECT request builder, and the judge of one CONNECT's observation. The real proxies are in integration_proxy.sh. */
#include <criterion/criterion.h>
#include <string.h>

#include "http_head.h"
#include "proxy_checks.h"

static http_head_status response(const char *text, http_head *h)
{
    return http_parse_response((const uint8_t *)text, strlen(text), h);
}

static http_head_status request(const char *text, http_head *h)
{
    return http_parse_request((const uint8_t *)text, strlen(text), h);
}

Test(http_head, status_line_fields_and_tunnel_bytes)
{
    http_head h;
    const char *a = "HTTP/1.1 200 Connection established\r\nProxy-Agent: x\r\n\r\n\x16\x03";
    cr_assert_eq(response(a, &h), HTTP_HEAD_COMPLETE);
    cr_expect_eq(h.status, 200);
    cr_expect_eq(h.reason_len, strlen("Connection established"));
    cr_expect_eq(memcmp(h.reason, "Connection established", h.reason_len), 0);
    cr_expect_eq(h.head_len, strlen(a) - 2, "the bytes after the empty line belong to the tunnel");
    size_t i = 0;
    const http_field *f = http_field_next(&h, "proxy-agent", &i);
    cr_assert_not_null(f, "field names compare without case");
    cr_expect_eq(f->value_len, 1);
    cr_expect_null(http_field_next(&h, "proxy-agent", &i));
}

Test(http_head, lenient_where_the_rfc_allows)
{
    http_head h;
    cr_expect_eq(response("HTTP/1.0 200\n\n", &h), HTTP_HEAD_COMPLETE, "bare LF and no reason phrase");
    cr_expect_eq(h.status, 200);
    cr_expect_eq(h.reason_len, 0);
    cr_expect_eq(response("HTTP/1.1 403 \r\nA:  b \t\r\n\r\n", &h), HTTP_HEAD_COMPLETE);
    cr_expect_eq(h.fields[0].value_len, 1, "whitespace around a value is not part of it");
}

Test(http_head, incomplete_heads_wait_for_more)
{
    http_head h;
    cr_expect_eq(response("", &h), HTTP_HEAD_INCOMPLETE);
    cr_expect_eq(response("HTTP/1.1 200 OK\r\n", &h), HTTP_HEAD_INCOMPLETE);
    cr_expect_eq(response("HTTP/1.1 200 OK\r\n\r", &h), HTTP_HEAD_INCOMPLETE);
}

Test(http_head, malformed_answers_name_the_offset)
{
    static const struct {
        const char *text;
        size_t at;
    } bad[] = {
        {"\x16\x03\x03 not http\r\n\r\n", 0},
        {"HTTP/1.1 20 OK\r\n\r\n", 9},
        {"HTTP/1.1 600 Nope\r\n\r\n", 9},
        {"HTTP/1.1 200OK\r\n\r\n", 12},
        {"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", 19},
        {"HTTP/1.1 200 OK\r\nName : v\r\n\r\n", 21},
        {"HTTP/1.1 200 OK\r\n folded\r\n\r\n", 17},
        {"HTTP/1.1 200 O\rK\r\n\r\n", 14},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        http_head h;
        cr_expect_eq(response(bad[i].text, &h), HTTP_HEAD_MALFORMED, "case %zu", i);
        cr_expect_eq(h.error_at, bad[i].at, "case %zu: offset %zu", i, h.error_at);
        cr_expect_not_null(h.error);
    }
}

Test(http_head, a_head_without_end_is_bounded)
{
    static uint8_t big[HTTP_HEAD_MAX + 10];
    memset(big, 'a', sizeof big);
    memcpy(big, "HTTP/1.1 200 OK\r\n", 17);
    http_head h;
    cr_expect_eq(http_parse_response(big, sizeof big, &h), HTTP_HEAD_TOO_LONG);
    cr_expect_eq(http_parse_response(big, HTTP_HEAD_MAX - 1, &h), HTTP_HEAD_INCOMPLETE);
}

Test(http_head, many_fields_are_counted_beyond_those_kept)
{
    char text[8192] = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < HTTP_FIELDS_MAX + 5; i++)
        strcat(text, "X: y\r\n");
    strcat(text, "\r\n");
    http_head h;
    cr_assert_eq(response(text, &h), HTTP_HEAD_COMPLETE);
    cr_expect_eq(h.n_fields, HTTP_FIELDS_MAX);
    cr_expect_eq(h.fields_seen, HTTP_FIELDS_MAX + 5);
}

Test(http_head, connect_requests_round_trip)
{
    char req[256];
    size_t n = http_connect_request(req, sizeof req, "127.0.0.1:443", "h2, http%2F1.1");
    cr_assert_gt(n, 0);
    http_head h;
    cr_assert_eq(http_parse_request((const uint8_t *)req, n, &h), HTTP_HEAD_COMPLETE);
    cr_expect_eq(h.head_len, n);
    cr_expect_eq(h.method_len, 7);
    cr_expect_eq(memcmp(h.method, "CONNECT", 7), 0);
    cr_expect_eq(memcmp(h.target, "127.0.0.1:443", h.target_len), 0);
    size_t i = 0;
    const http_field *alpn = http_field_next(&h, "ALPN", &i);
    cr_assert_not_null(alpn);
    cr_expect_eq(alpn->value_len, strlen("h2, http%2F1.1"));
    n = http_connect_request(req, sizeof req, "127.0.0.1:443", NULL);
    cr_assert_eq(http_parse_request((const uint8_t *)req, n, &h), HTTP_HEAD_COMPLETE);
    i = 0;
    cr_expect_null(http_field_next(&h, "alpn", &i), "no ALPN field when none is asked for");
    cr_expect_eq(http_connect_request(req, sizeof req, "a:1", "h2\r\nX: injected"), 0, "CR LF would split the head");
    cr_expect_eq(http_connect_request(req, 20, "127.0.0.1:443", "h2"), 0, "too small");
    cr_expect_eq(request("\r\nCONNECT a:1 HTTP/1.1\r\n\r\n", &h), HTTP_HEAD_COMPLETE, "a leading empty line");
    cr_expect_eq(request("CONNECT a:1 HTTP/2\r\n\r\n", &h), HTTP_HEAD_MALFORMED);
    cr_expect_eq(request("CONNECT  HTTP/1.1\r\n\r\n", &h), HTTP_HEAD_MALFORMED);
}

/* ---- the judge ---------------------------------------------------------------------------------------------- */

static proxy_observation tunnel_ok(void)
{
    proxy_observation o;
    proxy_observation_init(&o);
    o.status = 200;
    o.established = o.arrived = o.up_intact = o.down_intact = 1;
    o.up_sent = o.up_got = 200;
    o.down_sent = o.down_got = 261;
    return o;
}

static verdict judged(const char *id, const proxy_observation *o, result *r)
{
    const check_entry *c = check_find(id);
    cr_assert_not_null(c, "%s", id);
    proxy_judge(c, o, r);
    return r->v;
}

Test(proxy_judge, verdicts_follow_level_and_tunnel)
{
    result r;
    proxy_observation o = tunnel_ok();
    cr_expect_eq(judged("PRX-TUNNEL-INTACT", &o, &r), VERDICT_PASS);
    cr_expect_eq(judged("HDR-PROXY-TOLERANT", &o, &r), VERDICT_PASS);
    cr_expect_str_eq(r.tls, "");

    /* Refusing only because of the field: the row's level (SHOULD → WARN); INFO reports it. */
    o.established = o.arrived = 0;
    o.status = 403;
    memcpy(o.reason, "Forbidden\x1b[31m", 14);
    o.reason_len = 14;
    cr_expect_eq(judged("HDR-PROXY-TOLERANT", &o, &r), VERDICT_WARN);
    cr_expect(strstr(r.observed, "403 Forbidden\\x1b[31m") != NULL, "escaped reason: %s", r.observed);
    cr_expect_eq(judged("PRX-ALPN-MALFORMED", &o, &r), VERDICT_PASS);
    cr_expect_eq(judged("PRX-TUNNEL-INTACT", &o, &r), VERDICT_ERROR, "the baseline refused: nothing to judge");

    /* A tunnel that changes bytes is a FAIL whatever the row (RFC 9110 §9.3.6). */
    o = tunnel_ok();
    o.down_intact = 0;
    o.down_got = 4;
    o.first_diff = 4;
    cr_expect_eq(judged("PRX-ALPN-MALFORMED", &o, &r), VERDICT_FAIL);
    cr_expect(strstr(r.observed, "first difference at byte 4") != NULL, "%s", r.observed);
    o = tunnel_ok();
    o.arrived = 0;
    cr_expect_eq(judged("PRX-ALPN-REGISTERED", &o, &r), VERDICT_FAIL);

    proxy_observation_init(&o);
    o.error = 1;
    strcpy(o.error_text, "cannot reach the proxy");
    cr_expect_eq(judged("PRX-ALPN-GREASE", &o, &r), VERDICT_ERROR);
    cr_expect_str_eq(r.observed, "cannot reach the proxy");
}

/* The runner: a baseline refusal makes every selected check ERROR with the proxy's answer, without more CONNECTs. */
static int calls;
static int refusing_probe(void *ctx, const proxy_request *r, proxy_observation *o)
{
    (void)ctx;
    (void)r;
    calls++;
    proxy_observation_init(o);
    o->status = 407;
    memcpy(o->reason, "Proxy Authentication Required", 29);
    o->reason_len = 29;
    return 0;
}

static int good_probe(void *ctx, const proxy_request *r, proxy_observation *o)
{
    const char **seen = ctx;
    seen[calls++] = r->alpn_header;
    *o = tunnel_ok();
    return 0;
}

Test(proxy_run, baseline_refusal_stops_the_run)
{
    static report rep;
    report_init(&rep, "test", "proxy");
    run_options opt = {.tls = {"1.3", NULL}};
    int refused = 0;
    calls = 0;
    size_t n = run_proxy_checks(refusing_probe, NULL, &opt, &rep, &refused);
    cr_expect(refused);
    cr_expect_eq(calls, 1);
    cr_assert_gt(n, 5);
    for (size_t i = 0; i < n; i++) {
        cr_expect_eq(rep.results[i].v, VERDICT_ERROR, "%s", rep.results[i].id);
        cr_expect(strstr(rep.results[i].observed, "407 Proxy Authentication Required") != NULL, "%s",
                  rep.results[i].observed);
    }
    cr_expect_eq(report_exit_code(&rep), 2);
}

Test(proxy_run, one_connect_per_check_with_its_field)
{
    static report rep;
    report_init(&rep, "test", "proxy");
    run_options opt = {.tls = {"1.3", NULL}, .skip = "PRX-ALPN-ENCODED"};
    const char *seen[32] = {0};
    int refused = 1;
    calls = 0;
    size_t n = run_proxy_checks(good_probe, seen, &opt, &rep, &refused);
    cr_expect_not(refused);
    cr_expect_eq((size_t)calls, n, "the baseline is the first check's own connection");
    cr_expect_null(seen[0], "the baseline carries no ALPN field");
    for (int i = 1; i < calls; i++) {
        cr_assert_not_null(seen[i]);
        cr_expect_neq(strcmp(seen[i], "h2, x%20y%2Cz"), 0, "--skip left PRX-ALPN-ENCODED out");
    }
    cr_expect_eq(report_exit_code(&rep), 0);
}

Test(proxy_judge, forwarded_field_is_read_at_the_upstream)
{
    result r;
    proxy_observation o = tunnel_ok();
    cr_expect_eq(judged("PRX-ALPN-FORWARDED", &o, &r), VERDICT_SKIP, "no chaining: nothing to read");
    cr_expect(strstr(r.observed, "--upstream") != NULL, "%s", r.observed);
    o.via_upstream = 1;
    cr_expect_eq(judged("PRX-ALPN-FORWARDED", &o, &r), VERDICT_WARN, "dropped");
    cr_expect(strstr(r.observed, "carries no ALPN field") != NULL, "%s", r.observed);
    const char *sent = check_find("PRX-ALPN-FORWARDED")->proxy.alpn_header;
    memcpy(o.upstream_alpn, sent, strlen(sent));
    o.upstream_alpn_len = strlen(sent);
    o.upstream_alpn_fields = 1;
    cr_expect_eq(judged("PRX-ALPN-FORWARDED", &o, &r), VERDICT_PASS);
    o.upstream_alpn_fields = 2;
    cr_expect_eq(judged("PRX-ALPN-FORWARDED", &o, &r), VERDICT_WARN, "repeated");
    o.upstream_alpn_fields = 1;
    o.upstream_alpn[0] = 0x07;
    cr_expect_eq(judged("PRX-ALPN-FORWARDED", &o, &r), VERDICT_WARN, "changed");
    cr_expect(strstr(r.observed, "\\x072") != NULL, "the proxy's byte is escaped: %s", r.observed);
    o.up_intact = 0;
    cr_expect_eq(judged("PRX-ALPN-FORWARDED", &o, &r), VERDICT_FAIL, "a broken tunnel outweighs the field");
}
