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

Test(judge_altsvc, the_row_is_a_server_check_at_should_level)
{
    const check_entry *c = check_find("SRV-ALT-SVC");
    cr_assert_not_null(c);
    cr_expect_eq(c->family, CHECK_FAMILY_SERVER);
    cr_expect_eq(c->lvl, LEVEL_SHOULD);
    cr_expect(strstr(c->ref, "7838 §3") != NULL, "%s", c->ref);
    cr_expect(c->server.full_handshakes && c->server.run == run_alt_svc);
}

/* An answer with the given field values, judged over TLS 1.3: the verdict, a text the observation must hold and one it
 * must not (NULL: none). */
struct field_case {
    const char *name;
    const char *values[4]; /* NULL-terminated */
    verdict v;
    const char *has, *hasnt;
};

static const struct field_case field_cases[] = {
    {"none", {NULL}, VERDICT_PASS, "HTTP 200 answer without Alt-Svc", "advertises"},
    {"valid, two alternatives",
     {"h2=\"alt.example:8443\"; ma=60, h2=\":443\"", NULL},
     VERDICT_PASS,
     "h2 on alt.example:8443, h2 on :443",
     "h3"},
    {"h3 with its port",
     {"h3=\":4433\"; ma=2592000", NULL},
     VERDICT_PASS,
     "advertises h3 on port 4433 (HTTP/3 over QUIC: try alpncheck server --quic)",
     NULL},
    /* A draft version is another protocol: listed, not taken for h3. */
    {"h3-29 is not h3", {"h3-29=\":4433\"", NULL}, VERDICT_PASS, "h3-29 on :4433", "advertises h3"},
    {"clear", {"clear", NULL}, VERDICT_PASS, "clear (withdraws every alternative)", NULL},
    {"ma=1d",
     {"h2=\":443\"; ma=1d", NULL},
     VERDICT_WARN,
     "breaks ALTSVC-MA at byte 11 (ma is not a number of seconds; it is ignored); a lenient client still uses: h2 on "
     ":443",
     NULL},
    {"lower-case percent-encoding", {"h%3f=\":443\"", NULL}, VERDICT_WARN, "breaks HDR-PCT-UPPER at byte 1", NULL},
    {"unclosed quote", {"h2=\":443", NULL}, VERDICT_WARN, "a lenient client ignores it too (ALTSVC-", NULL},
    {"two valid field lines",
     {"h2=\":443\"", "h3=\":443\"", NULL},
     VERDICT_PASS,
     "and 1 more field line: h2 on :443, h3 on :443; advertises h3 on port 443",
     NULL},
    /* The third line is the broken one: it is named, not the valid ones before it. */
    {"third line broken",
     {"h2=\":443\"", "h3=\":443\"; persist=1", "h3=\":99999\"", NULL},
     VERDICT_WARN,
     "field line 3: Alt-Svc \"h3=\\x22:99999\\x22\" breaks ALTSVC-PORT",
     "field line 1"},
    /* A terminal escape in a parameter (invalid there) is shown escaped, never as is. */
    {"escaped",
     {"h2=\":443\"; x=\"\x1b[31m\"", NULL},
     VERDICT_WARN,
     "x=\\x22\\x1b[31m\\x22\" breaks ALTSVC-QUOTED at byte 14",
     "\x1b"},
};

Test(judge_altsvc, field_values)
{
    for (size_t i = 0; i < sizeof field_cases / sizeof field_cases[0]; i++) {
        const struct field_case *c = &field_cases[i];
        altsvc_observation o;
        answer(&o, c->values);
        result r = judged("1.3", &o);
        cr_expect_eq(r.v, c->v, "%s: %s — %s", c->name, verdict_name(r.v), r.observed);
        cr_expect(strstr(r.observed, c->has) != NULL, "%s: missing \"%s\" in: %s", c->name, c->has, r.observed);
        if (c->hasnt != NULL)
            cr_expect(strstr(r.observed, c->hasnt) == NULL, "%s: unexpected \"%s\" in: %s", c->name, c->hasnt,
                      r.observed);
    }
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
