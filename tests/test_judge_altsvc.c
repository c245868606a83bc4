/* SRV-ALT-SVC's judge (RFC 7838 §3): the Alt-Svc field lines of an HTTP/1.1 answer, without a network. */
#include <criterion/criterion.h>
#include <string.h>

#include "checks.h"

/* An answer over a handshake that selected http/1.1, with the given Alt-Svc field values (NULL-terminated). */
static void answer(altsvc_observation *o, const char *const *values)
{
    memset(o, 0, sizeof *o);
    o->session = (session_observation){.alert = -1, .completed = 1, .has_selected = 1, .selected_len = 8};
    memcpy(o->session.selected, "http/1.1", 8);
    o->answered = 1;
    o->status = 200;
    for (; values != NULL && *values != NULL; values++, o->fields++) {
        if (o->fields < ALTSVC_OBS_FIELDS) {
            size_t n = strlen(*values);
            memcpy(o->value[o->fields], *values, n < ALTSVC_OBS_VALUE_MAX ? n : ALTSVC_OBS_VALUE_MAX);
            o->value_len[o->fields] = n;
        }
    }
}

static result judged(const char *tls, const altsvc_observation *o)
{
    result r;
    judge_alt_svc(tls, o, &r);
    cr_assert_str_eq(r.id, "SRV-ALT-SVC");
    return r;
}

#define HAS(r, s) cr_expect(strstr((r).observed, (s)) != NULL, "missing \"%s\" in: %s", (s), (r).observed)
#define HASNT(r, s) cr_expect(strstr((r).observed, (s)) == NULL, "unexpected \"%s\" in: %s", (s), (r).observed)

Test(judge_altsvc, the_row_is_a_server_check_at_should_level)
{
    const check_entry *c = check_find("SRV-ALT-SVC");
    cr_assert_not_null(c);
    cr_expect_eq(c->family, CHECK_FAMILY_SERVER);
    cr_expect_eq(c->lvl, LEVEL_SHOULD);
    cr_expect(strstr(c->ref, "7838 §3") != NULL, "%s", c->ref);
    cr_expect(c->server.full_handshakes && c->server.run == run_alt_svc);
}

Test(judge_altsvc, no_field_passes)
{
    altsvc_observation o;
    answer(&o, NULL);
    result r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_PASS, "%s", r.observed);
    HAS(r, "HTTP 200 answer without Alt-Svc");
    cr_expect_str_eq(r.tls, "1.3");
}

Test(judge_altsvc, a_valid_value_passes_listing_its_alternatives)
{
    static const char *const v[] = {"h2=\"alt.example:8443\"; ma=60, h2=\":443\"", NULL};
    altsvc_observation o;
    answer(&o, v);
    result r = judged("1.2", &o);
    cr_expect_eq(r.v, VERDICT_PASS, "%s", r.observed);
    HAS(r, "h2 on alt.example:8443, h2 on :443");
    HASNT(r, "h3");
}

Test(judge_altsvc, h3_is_named_with_its_port)
{
    static const char *const v[] = {"h3=\":4433\"; ma=2592000", NULL};
    altsvc_observation o;
    answer(&o, v);
    result r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_PASS, "%s", r.observed);
    HAS(r, "advertises h3 on port 4433 (HTTP/3 over QUIC: try alpncheck server --quic)");
    /* A draft version is another protocol: listed, not taken for h3. */
    static const char *const draft[] = {"h3-29=\":4433\"", NULL};
    answer(&o, draft);
    r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_PASS, "%s", r.observed);
    HAS(r, "h3-29 on :4433");
    HASNT(r, "advertises h3");
}

Test(judge_altsvc, clear_passes)
{
    static const char *const v[] = {"clear", NULL};
    altsvc_observation o;
    answer(&o, v);
    result r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_PASS, "%s", r.observed);
    HAS(r, "clear (withdraws every alternative)");
}

Test(judge_altsvc, an_invalid_value_warns_with_the_rule_and_the_byte)
{
    static const char *const v[] = {"h2=\":443\"; ma=1d", NULL};
    altsvc_observation o;
    answer(&o, v);
    result r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_WARN, "%s", r.observed);
    HAS(r, "breaks ALTSVC-MA at byte 11");
    HAS(r, "a lenient client still uses: h2 on :443");
}

Test(judge_altsvc, a_percent_encoding_error_names_the_hdr_rule_and_lenient_failures_say_so)
{
    static const char *const v[] = {"h%3f=\":443\"", NULL};
    altsvc_observation o;
    answer(&o, v);
    result r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_WARN, "%s", r.observed);
    HAS(r, "breaks HDR-PCT-UPPER at byte 1");
    static const char *const broken[] = {"h2=\":443", NULL};
    answer(&o, broken);
    r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_WARN, "%s", r.observed);
    HAS(r, "a lenient client ignores it too (ALTSVC-");
}

Test(judge_altsvc, two_field_lines_are_each_judged)
{
    static const char *const good[] = {"h2=\":443\"", "h3=\":443\"", NULL};
    altsvc_observation o;
    answer(&o, good);
    result r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_PASS, "%s", r.observed);
    HAS(r, "and 1 more field line: h2 on :443, h3 on :443");
    HAS(r, "advertises h3 on port 443");
    /* The second line is the broken one: it is named, not the valid first. */
    static const char *const bad[] = {"h2=\":443\"", "h3=\":443\"; persist=1", "h3=\":99999\"", NULL};
    answer(&o, bad);
    r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_WARN, "%s", r.observed);
    HAS(r, "field line 3:");
    HAS(r, "ALTSVC-PORT");
}

Test(judge_altsvc, peer_bytes_are_escaped)
{
    static const char *const v[] = {"h2=\":443\"; x=\"\x1b[31m\"", NULL};
    altsvc_observation o;
    answer(&o, v);
    result r = judged("1.3", &o);
    HASNT(r, "\x1b");
    HAS(r, "\\x1b");
}

Test(judge_altsvc, a_value_longer_than_kept_is_not_judged)
{
    altsvc_observation o;
    answer(&o, NULL);
    o.fields = 1;
    memset(o.value[0], 'a', ALTSVC_OBS_VALUE_MAX);
    o.value_len[0] = ALTSVC_OBS_VALUE_MAX + 1;
    result r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_ERROR, "%s", r.observed);
}

Test(judge_altsvc, no_http11_or_no_answer_skips_and_no_handshake_is_an_error)
{
    altsvc_observation o;
    answer(&o, NULL);
    o.session.completed = 0;
    o.session.alert = 120;
    result r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_SKIP, "%s", r.observed);
    HAS(r, "did not select http/1.1 (fatal alert 120");

    answer(&o, NULL);
    o.session.has_selected = 0;
    r = judged("1.2", &o);
    cr_expect_eq(r.v, VERDICT_SKIP, "%s", r.observed);

    answer(&o, NULL);
    o.answered = 0;
    snprintf(o.head_error, sizeof o.head_error, "the server sent nothing after the request");
    r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_SKIP, "%s", r.observed);
    HAS(r, "no HTTP/1.1 answer to GET / (the server sent nothing");

    answer(&o, NULL);
    o.session.completed = 0;
    o.session.error = 1;
    snprintf(o.session.error_text, sizeof o.session.error_text, "connection refused");
    r = judged("1.3", &o);
    cr_expect_eq(r.v, VERDICT_ERROR, "%s", r.observed);
}
