/* Server-check catalogue: scenario bytes and judges, without a network. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <string.h>

#include "cases.h"
#include "checks.h"
#include "testkit.h"

static profile std_profile(void)
{
    profile p;
    tk_profile(&p, "h2,http/1.1");
    return p;
}

Test(checks, profile_parse_and_format)
{
    profile p;
    char err[128], buf[128];
    cr_assert_eq(profile_parse(&p, "h2,http/1.1,acme-tls/1", err, sizeof err), 0);
    cr_expect_eq(p.n, 3);
    profile_format(&p, buf, sizeof buf);
    cr_expect_str_eq(buf, "h2, http/1.1, acme-tls/1");
    cr_expect_eq(profile_parse(&p, "h2,,x", err, sizeof err), -1);
    cr_expect(strstr(err, "name 2 is empty") != NULL, "%s", err);
    cr_expect_eq(profile_parse(&p, "", err, sizeof err), -1);
    char long_csv[300];
    memset(long_csv, 'a', 256);
    long_csv[256] = '\0';
    cr_expect_eq(profile_parse(&p, long_csv, err, sizeof err), -1);
    cr_expect(strstr(err, "longer than 255") != NULL);
    cr_expect_eq(profile_parse(&p, "h2,http/1.1,h2", err, sizeof err), -1, "a name given twice");
    cr_expect(strstr(err, "'h2' is given twice") != NULL, "%s", err);
    cr_expect_eq(profile_parse(&p, "h2,H2", err, sizeof err), 0, "names are compared exactly (RFC 7301 §3.1)");
}

/* Every malformed scenario is malformed in exactly the way its ID says: libalpn, the reference, rejects it with
 * that very check ID. Every other scenario that sends ALPN is a valid client offer. */
Test(checks, scenario_bytes_match_their_ids)
{
    profile p = std_profile();
    static scenario s;
    cr_assert_gt(server_check_count(), 20);
    for (size_t i = 0; i < server_check_count(); i++) {
        const char *id = server_check_id(i);
        cr_assert_eq(scenario_build(&s, id, "1.3", &p), 0, "%s", id);
        cr_expect_str_eq(s.id, id);
        if (s.skip_reason || !s.send_alpn)
            continue;
        alpn_error err = {0};
        size_t count = 0;
        int rc = alpn_list_validate(s.ext, s.ext_len, ALPN_ROLE_CLIENT, &count, &err);
        if (strncmp(id, "SRV-MALFORMED-", 14) == 0) {
            cr_expect_eq(rc, ALPN_DECODE_ERROR, "%s: libalpn accepts it", id);
            /* NAME-SHORT and TRAILING-AFTER-MATCH are scenarios, not parser rules: they surface as an overrun. */
            const char *want =
                strcmp(id, "SRV-MALFORMED-NAME-SHORT") == 0 || strcmp(id, "SRV-MALFORMED-TRAILING-AFTER-MATCH") == 0
                    ? "SRV-MALFORMED-NAME-OVERRUN"
                    : id;
            cr_expect(rc != ALPN_DECODE_ERROR || strcmp(err.check, want) == 0, "%s: libalpn says %s", id, err.check);
        } else {
            cr_expect_eq(rc, ALPN_OK, "%s: not a valid offer (%s at %zu)", id, err.check, err.offset);
        }
    }
    cr_expect_null(server_check_id(server_check_count()));
    cr_expect_eq(scenario_build(&s, "SRV-NOT-A-CHECK", "1.3", &p), -1);
}

Test(checks, scenario_sizes_and_contents)
{
    profile p = std_profile();
    static scenario s;
    size_t count;

    scenario_build(&s, "SRV-MANY-NAMES", "1.3", &p);
    cr_expect_gt(s.ext_len, 16384, "the hello must span records");
    cr_expect_eq(alpn_list_validate(s.ext, s.ext_len, ALPN_ROLE_CLIENT, &count, NULL), ALPN_OK);
    cr_expect_eq(count, 301);
    cr_expect(s.ext[s.ext_len - 3] == 2 && memcmp(s.ext + s.ext_len - 2, "h2", 2) == 0, "supported name last");

    scenario_build(&s, "SRV-MANY-TINY-NAMES", "1.2", &p);
    cr_expect_eq(alpn_list_validate(s.ext, s.ext_len, ALPN_ROLE_CLIENT, &count, NULL), ALPN_OK);
    cr_expect_eq(count, 10001);

    /* No name of a no-overlap scenario may be supported, or the scenario would test nothing. */
    static const char *const no_overlap[] = {"SRV-NO-OVERLAP-ALERT", "SRV-NO-PREFIX-MATCH", "SRV-CASE-SENSITIVE",
                                             "SRV-NUL-IN-NAME", "SRV-GREASE-ONLY"};
    alpn_name server[2] = {{p.names[0], p.lens[0]}, {p.names[1], p.lens[1]}};
    for (size_t i = 0; i < 5; i++) {
        scenario_build(&s, no_overlap[i], "1.3", &p);
        size_t sel;
        cr_expect_eq(alpn_select(server, 2, s.ext, s.ext_len, ALPN_PREFER_SERVER, &sel, NULL, NULL),
                     ALPN_NO_APPLICATION_PROTOCOL, "%s overlaps the profile", no_overlap[i]);
    }
    scenario_build(&s, "SRV-NO-PREFIX-MATCH", "1.3", &p);
    cr_expect(memmem(s.ext, s.ext_len, "\x07http/1.", 8) != NULL, "truncated http/1.1 offered");
    cr_expect(memmem(s.ext, s.ext_len, "\x03h2x", 4) != NULL, "extended h2 offered");
    scenario_build(&s, "SRV-CASE-SENSITIVE", "1.3", &p);
    cr_expect(memmem(s.ext, s.ext_len, "\x02H2", 3) != NULL);
    scenario_build(&s, "SRV-NUL-IN-NAME", "1.3", &p);
    cr_expect(memmem(s.ext, s.ext_len, "\x04h2\0x", 5) != NULL);
    scenario_build(&s, "SRV-GREASE-ONLY", "1.3", &p);
    cr_expect_eq(alpn_list_validate(s.ext, s.ext_len, ALPN_ROLE_CLIENT, &count, NULL), ALPN_OK);
    cr_expect_eq(count, 16);

    scenario_build(&s, "SRV-NO-UNSOLICITED", "1.3", &p);
    cr_expect_eq(s.send_alpn, 0);
    scenario_build(&s, "SRV-DUPLICATE-EXTENSION", "1.3", &p);
    cr_expect_eq(s.duplicate_alpn, 1);
}

Test(checks, skips_with_reasons)
{
    profile p = std_profile(), digits;
    char err[64];
    static scenario s;
    scenario_build(&s, "SRV-TLS13-IN-EE", "1.2", &p);
    cr_expect_not_null(s.skip_reason);
    scenario_build(&s, "SRV-NO-NPN-WITH-ALPN", "1.3", &p);
    cr_expect_not_null(s.skip_reason);
    scenario_build(&s, "SRV-NO-NPN-WITH-ALPN", "1.2", &p);
    cr_expect_null(s.skip_reason);
    cr_assert_eq(profile_parse(&digits, "123", err, sizeof err), 0);
    scenario_build(&s, "SRV-CASE-SENSITIVE", "1.3", &digits);
    cr_expect_not_null(s.skip_reason, "no letters to upper-case");
    profile empty = {.n = 0};
    scenario_build(&s, "SRV-NO-UNSOLICITED", "1.3", &empty);
    cr_expect_eq(s.send_alpn, 0, "no ALPN extension even without a profile");
    scenario_build(&s, "SRV-SELECT-OFFERED", "1.3", &empty);
    cr_expect_not_null(s.skip_reason);

    observation o;
    observation_init(&o);
    result r;
    judge(&s, &o, &r);
    cr_expect_eq(r.v, VERDICT_SKIP);
    cr_expect(strstr(r.observed, "not run:") != NULL);
}

/* Observation helpers. */
enum obs_kind {
    O_SELECT_EE,
    O_SELECT_SH,
    O_NO_ALPN,
    O_ALERT,
    O_WARN_ALERT,
    O_CLOSED,
    O_ERROR,
    O_REFUSED,
    O_TWO_NAMES,
    O_TWICE
};

/* The kinds as tests/cases/judge.json spells them, and what each word stands for. */
static const char *const obs_kinds[] = {"select_ee", "select_sh", "no_alpn", "alert",     "warn_alert",
                                        "closed",    "error",     "refused", "two_names", "twice"};
static const enum obs_kind obs_kind_codes[] = {O_SELECT_EE, O_SELECT_SH, O_NO_ALPN, O_ALERT,     O_WARN_ALERT,
                                               O_CLOSED,    O_ERROR,     O_REFUSED, O_TWO_NAMES, O_TWICE};

static observation make_obs(enum obs_kind k, const char *name, int alert)
{
    observation o;
    observation_init(&o);
    o.version = 0x0304;
    switch (k) {
    case O_SELECT_EE:
    case O_SELECT_SH:
    case O_TWICE: {
        size_t l = strlen(name);
        o.alpn[0] = 0;
        o.alpn[1] = (uint8_t)(l + 1);
        o.alpn[2] = (uint8_t)l;
        memcpy(o.alpn + 3, name, l);
        o.alpn_len = l + 3;
        o.alpn_count = k == O_TWICE ? 2 : 1;
        o.alpn_where = k == O_SELECT_SH ? WHERE_SERVER_HELLO : WHERE_ENCRYPTED_EXTENSIONS;
        o.completed = 1;
        break;
    }
    case O_TWO_NAMES:
        memcpy(o.alpn, "\x00\x06\x02h2\x02h3", 8);
        o.alpn_len = 8;
        o.alpn_count = 1;
        o.alpn_where = WHERE_ENCRYPTED_EXTENSIONS;
        o.completed = 1;
        break;
    case O_NO_ALPN:
        o.completed = 1;
        break;
    case O_ALERT:
        o.alert = alert;
        o.alert_level = 2;
        break;
    case O_WARN_ALERT:
        o.alert = alert;
        o.alert_level = 1;
        break;
    case O_CLOSED:
        o.closed = 1;
        break;
    case O_ERROR:
        o.error = 1;
        snprintf(o.error_text, sizeof o.error_text, "timed out after 5000 ms");
        break;
    case O_REFUSED:
        o.error = 1;
        o.refused = 1;
        snprintf(o.error_text, sizeof o.error_text, "connection closed before any answer");
        break;
    }
    return o;
}

/* Verdicts as the case files spell them (verdict_name's words), and the verdict each stands for. */
static const char *const verdicts[] = {"PASS", "FAIL", "WARN", "SKIP", "ERROR"};
static const verdict verdict_codes[] = {VERDICT_PASS, VERDICT_FAIL, VERDICT_WARN, VERDICT_SKIP, VERDICT_ERROR};

/* tests/cases/judge.json: a check run over one TLS version, what the server did (a kind of observation, the ALPN
 * name it chose or the alert it sent), the verdict and a piece of the observed text. */
Test(checks, judges)
{
    profile p = std_profile();
    static scenario s;
    case_file f;
    cases_open(&f, "judge");
    for (size_t i = 0; i < f.n; i++) {
        const json_t *c = cases_at(&f, i);
        const char *name = case_name(c), *id = case_text(c, "check", NULL), *tls = case_text(c, "tls", NULL);
        const char *observed_has = case_text(c, "observed_has", NULL);
        cr_assert(id && tls, "%s: a check and a TLS version", name);
        enum obs_kind kind = CASE_CODE(c, "observe", obs_kinds, obs_kind_codes);
        verdict want = CASE_CODE(c, "verdict", verdicts, verdict_codes);
        /* A name only where the server answered one, an alert only where it sent one: elsewhere the key stays unread
         * and fails the case, since make_obs would ignore it. */
        int names = kind == O_SELECT_EE || kind == O_SELECT_SH || kind == O_TWICE;
        const char *alpn = names ? case_text(c, "alpn", NULL) : NULL;
        cr_assert(alpn || !names, "%s: which name", name);
        long long alert = kind == O_ALERT || kind == O_WARN_ALERT ? case_int(c, "alert", -1) : 0;
        cr_assert(alert >= 0 && alert <= 255, "%s: an alert (0-255)", name);
        cr_assert_eq(scenario_build(&s, id, tls, &p), 0, "%s", name);
        observation o = make_obs(kind, alpn, (int)alert);
        result r;
        judge(&s, &o, &r);
        cr_expect_eq(r.v, want, "%s: %s, expected %s (observed: %s)", name, verdict_name(r.v), verdict_name(want),
                     r.observed);
        cr_expect(r.expected[0] != '\0' && r.observed[0] != '\0', "%s: texts", name);
        if (observed_has)
            cr_expect(strstr(r.observed, observed_has) != NULL, "%s: observed \"%s\" lacks \"%s\"", name, r.observed,
                      observed_has);
        cr_expect_str_eq(r.tls, tls);
    }
    cases_close(&f);
}

/* Over QUIC the observed text names the server's CONNECTION_CLOSE by what its frame type and code say (RFC 9000
 * §19.19, §20.1): a crypto error is the alert (RFC 9001 §4.8); APPLICATION_ERROR (0x0c) in a 0x1c frame is the
 * application's close that stands for a 0x1d in an Initial or Handshake packet (§10.2.3), not a transport error. */
Test(checks, quic_close_texts)
{
    static const char *const packets[] = {"none", "initial", "handshake", "1rtt"};
    static const obs_packet packet_codes[] = {OBS_PACKET_NONE, OBS_PACKET_INITIAL, OBS_PACKET_HANDSHAKE,
                                              OBS_PACKET_1RTT};
    profile p = std_profile();
    static scenario s;
    cr_assert_eq(scenario_build(&s, "SRV-SELECT-OFFERED", "1.3", &p), 0);
    case_file f;
    cases_open(&f, "judge_quic_close");
    for (size_t i = 0; i < f.n; i++) {
        const json_t *c = cases_at(&f, i);
        const char *name = case_name(c), *want = case_text(c, "observed", NULL);
        size_t reason_len;
        const char *reason = case_text(c, "reason", &reason_len);
        cr_assert_not_null(want, "%s: no observed text", name);
        observation o;
        observation_init(&o);
        o.transport = OBS_QUIC;
        observation_quic_close(&o, (unsigned)case_int(c, "frame", -1), (uint64_t)case_int(c, "code", -1),
                               CASE_CODE(c, "packet", packets, packet_codes), (const uint8_t *)(reason ? reason : ""),
                               reason_len);
        result r;
        judge(&s, &o, &r);
        cr_expect_str_eq(r.observed, want, "%s", name);
        cr_expect_eq(r.v, VERDICT_FAIL, "%s: a close is no selection: %s", name, verdict_name(r.v));
    }
    cases_close(&f);
}

Test(checks, npn_alongside_alpn)
{
    profile p = std_profile();
    static scenario s;
    scenario_build(&s, "SRV-NO-NPN-WITH-ALPN", "1.2", &p);
    observation o = make_obs(O_SELECT_EE, "h2", 0);
    o.alpn_where = WHERE_SERVER_HELLO;
    result r;
    judge(&s, &o, &r);
    cr_expect_eq(r.v, VERDICT_PASS, "%s", r.observed);
    o.npn_seen = 1;
    judge(&s, &o, &r);
    cr_expect_eq(r.v, VERDICT_WARN, "a SHOULD: no RFC forbids the pair");
    cr_expect(strstr(r.observed, "also answered NPN") != NULL, "%s", r.observed);
}

Test(checks, server_preference)
{
    profile p = std_profile();
    observation h2 = make_obs(O_SELECT_EE, "h2", 0), h11 = make_obs(O_SELECT_EE, "http/1.1", 0);
    observation err = make_obs(O_ERROR, NULL, 0), alert = make_obs(O_ALERT, NULL, 120);
    result r;
    judge_server_preference(&p, "1.3", &h2, &h2, &r);
    cr_expect_eq(r.v, VERDICT_PASS);
    judge_server_preference(&p, "1.3", &h11, &h11, &r);
    cr_expect_eq(r.v, VERDICT_PASS, "any consistent choice is server preference");
    judge_server_preference(&p, "1.3", &h2, &h11, &r);
    cr_expect_eq(r.v, VERDICT_WARN, "follows the client's order: a SHOULD broken");
    cr_expect(strstr(r.observed, "offer \"http/1.1, h2\"") != NULL, "%s", r.observed);
    judge_server_preference(&p, "1.2", &err, &h2, &r);
    cr_expect_eq(r.v, VERDICT_ERROR);
    judge_server_preference(&p, "1.2", &alert, &h2, &r);
    cr_expect_eq(r.v, VERDICT_ERROR);
    profile one;
    char e[64];
    profile_parse(&one, "h2", e, sizeof e);
    judge_server_preference(&one, "1.3", &h2, &h2, &r);
    cr_expect_eq(r.v, VERDICT_SKIP);
}

Test(checks, hello_retry_request_judge)
{
    profile p = std_profile();
    static scenario s;
    cr_assert_eq(scenario_build(&s, "SRV-HRR-ALPN-CHANGED", "1.3", &p), 0);
    cr_expect(s.force_hrr && s.has_ext2);
    cr_expect_eq(alpn_list_validate(s.ext2, s.ext2_len, ALPN_ROLE_CLIENT, NULL, NULL), ALPN_OK);
    cr_expect_gt(s.ext2_len, s.ext_len, "the second list differs");
    /* tests/cases/judge_hrr.json: whether the server sent a HelloRetryRequest, then its alert (-1: none) and level or
     * a completed handshake, and the verdict; what a case leaves out stays as observation_init sets it. */
    case_file f;
    cases_open(&f, "judge_hrr");
    for (size_t i = 0; i < f.n; i++) {
        const json_t *c = cases_at(&f, i);
        verdict want = CASE_CODE(c, "verdict", verdicts, verdict_codes);
        observation o;
        observation_init(&o);
        o.hrr = (int)case_int(c, "hrr", o.hrr);
        o.alert = (int)case_int(c, "alert", o.alert);
        o.alert_level = (int)case_int(c, "alert_level", o.alert_level);
        o.completed = (int)case_int(c, "completed", o.completed);
        result r;
        judge(&s, &o, &r);
        cr_expect_eq(r.v, want, "%s: %s (%s)", case_name(c), verdict_name(r.v), r.observed);
    }
    cases_close(&f);
    cr_assert_eq(scenario_build(&s, "SRV-HRR-ALPN-CHANGED", "1.2", &p), 0);
    cr_expect_not_null(s.skip_reason);
}
