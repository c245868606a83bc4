/*
 * Every server check can fail: the catalogue runs over real loopback connections against a server with exactly one
 * defect, and exactly the checks that defect breaks report FAIL (or WARN/ERROR); all others still PASS or SKIP.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "defect_server.h"
#include "run.h"
#include "server_probe.h"
#include "testkit.h"

#define MAX_EXPECT 24

struct defect_case {
    const char *name;
    defect d;
    /* "ID=VERDICT" for both versions, or "ID@1.3=VERDICT" for one; every other result must be PASS or SKIP. */
    const char *expect[MAX_EXPECT];
};

static const struct defect_case cases[] = {
    {"conforming", DEFECT_NONE, {NULL}},
    {"first-match parsing", DEFECT_FIRST_MATCH,
     {"SRV-MALFORMED-EMPTY-NAME-LATER=FAIL", "SRV-MALFORMED-LIST-SHORT=FAIL", "SRV-MALFORMED-NAME-OVERRUN=FAIL",
      "SRV-MALFORMED-TRAILING-AFTER-MATCH=FAIL", "SRV-SERVER-PREFERENCE=WARN"}},
    {"no alert 120", DEFECT_NO_ALERT,
     {"SRV-NO-OVERLAP-ALERT=FAIL", "SRV-NO-PREFIX-MATCH=FAIL", "SRV-CASE-SENSITIVE=FAIL", "SRV-NUL-IN-NAME=FAIL",
      "SRV-GREASE-ONLY=FAIL"}},
    {"wrong alert", DEFECT_WRONG_ALERT,
     {"SRV-NO-OVERLAP-ALERT=WARN", "SRV-NO-PREFIX-MATCH=WARN", "SRV-CASE-SENSITIVE=WARN", "SRV-NUL-IN-NAME=WARN",
      "SRV-GREASE-ONLY=WARN", "SRV-MALFORMED-EMPTY-EXT=WARN", "SRV-MALFORMED-ONE-BYTE=WARN",
      "SRV-MALFORMED-EMPTY-LIST=WARN", "SRV-MALFORMED-EMPTY-NAME=WARN", "SRV-MALFORMED-EMPTY-NAME-LATER=WARN",
      "SRV-MALFORMED-LIST-SHORT=WARN", "SRV-MALFORMED-LIST-LONG=WARN", "SRV-MALFORMED-NAME-OVERRUN=WARN",
      "SRV-MALFORMED-NAME-SHORT=WARN", "SRV-MALFORMED-TRAILING-AFTER-MATCH=WARN"}},
    {"client preference", DEFECT_CLIENT_PREFERENCE, {"SRV-SERVER-PREFERENCE=WARN"}},
    {"case-insensitive names", DEFECT_CASE_INSENSITIVE, {"SRV-CASE-SENSITIVE=FAIL"}},
    {"prefix matching", DEFECT_PREFIX_MATCH, {"SRV-NO-PREFIX-MATCH=FAIL", "SRV-NUL-IN-NAME=FAIL"}},
    {"C-string comparison", DEFECT_C_STRING, {"SRV-NUL-IN-NAME=FAIL"}},
    {"selects GREASE", DEFECT_SELECT_GREASE, {"SRV-GREASE-IGNORED=FAIL", "SRV-GREASE-ONLY=FAIL"}},
    {"echoes the first offer", DEFECT_ECHO_FIRST,
     {"SRV-SELECT-OFFERED=FAIL", "SRV-UNKNOWN-IGNORED=FAIL", "SRV-NO-OVERLAP-ALERT=FAIL", "SRV-NO-PREFIX-MATCH=FAIL",
      "SRV-CASE-SENSITIVE=FAIL", "SRV-NUL-IN-NAME=FAIL", "SRV-LONG-NAME=FAIL", "SRV-MANY-NAMES=WARN",
      "SRV-MANY-TINY-NAMES=WARN", "SRV-GREASE-IGNORED=FAIL", "SRV-GREASE-ONLY=FAIL", "SRV-NO-H2C=FAIL",
      "SRV-SERVER-PREFERENCE=WARN"}},
    {"ALPN in the TLS 1.3 ServerHello", DEFECT_ALPN_IN_SH, {"SRV-TLS13-IN-EE@1.3=FAIL"}},
    {"unsolicited answer", DEFECT_UNSOLICITED, {"SRV-NO-UNSOLICITED=FAIL"}},
    {"two names in the answer", DEFECT_TWO_NAMES,
     {"SRV-SELECT-OFFERED=FAIL", "SRV-SELECT-SINGLE=FAIL", "SRV-UNKNOWN-IGNORED=FAIL", "SRV-LONG-NAME=FAIL",
      "SRV-MANY-NAMES=WARN", "SRV-MANY-TINY-NAMES=WARN", "SRV-GREASE-IGNORED=FAIL", "SRV-TLS13-IN-EE@1.3=FAIL",
      "SRV-NO-NPN-WITH-ALPN@1.2=WARN", "SRV-SERVER-PREFERENCE=ERROR"}},
    {"accepts a duplicated extension", DEFECT_IGNORE_DUPLICATE, {"SRV-DUPLICATE-EXTENSION=FAIL"}},
    {"selects h2c", DEFECT_H2C, {"SRV-NO-H2C=FAIL"}},
    {"answers NPN too", DEFECT_NPN_TOO, {"SRV-NO-NPN-WITH-ALPN@1.2=WARN"}},
    {"silent on no overlap", DEFECT_STALL_ON_NO_OVERLAP,
     {"SRV-NO-OVERLAP-ALERT=ERROR", "SRV-NO-PREFIX-MATCH=ERROR", "SRV-CASE-SENSITIVE=ERROR", "SRV-NUL-IN-NAME=ERROR",
      "SRV-GREASE-ONLY=ERROR"}},
};

Test(defects, each_defect_fails_exactly_its_checks, .timeout = 240)
{
    static report r;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct defect_case *c = &cases[i];
        loopback_server *srv = defect_server_start(c->d);
        cr_assert_not_null(srv, "cannot start the defect server");
        server_target t;
        tk_loopback_target(&t, loopback_server_port(srv), 500);
        profile p;
        tk_profile(&p, "h2,http/1.1");
        /* The defect server implements no HelloRetryRequest, so SRV-HRR-ALPN-CHANGED is proven in
         * test_session_defects.c against a complete server, with the session checks. */
        run_options opt = {.tls = {"1.3", "1.2"}, .skip = "SRV-HRR-ALPN-CHANGED"};
        report_init(&r, "test", c->name);
        run_server_checks(server_probe, &t, &p, &opt, &r);
        loopback_server_stop(srv);

        size_t matched = 0, listed = 0;
        while (listed < MAX_EXPECT && c->expect[listed])
            listed++;
        for (size_t j = 0; j < r.n; j++) {
            const result *res = &r.results[j];
            /* NULL: the result must be PASS or SKIP. */
            const char *want = tk_expected_verdict(c->expect, MAX_EXPECT, res->id, res->tls);
            const char *got = verdict_name(res->v);
            if (want != NULL) {
                matched++;
                cr_expect_str_eq(got, want, "[%s] %s TLS %s: %s, expected %s (%s)", c->name, res->id, res->tls, got,
                                 want, res->observed);
            } else {
                cr_expect(res->v == VERDICT_PASS || res->v == VERDICT_SKIP, "[%s] %s TLS %s: %s (%s)", c->name,
                          res->id, res->tls, got, res->observed);
            }
        }
        /* Each listed expectation names at least one result (two when it covers both versions). */
        cr_expect_geq(matched, listed, "[%s] %zu listed expectations, %zu results matched", c->name, listed, matched);
        if (c->d == DEFECT_NONE)
            cr_expect_eq(report_exit_code(&r), 0, "the conforming server passes");
    }
}
