/* Judges: observation → verdict, with "expected" and "observed" text a person can act on. Pure functions. A row of the
 * catalogue names the judge of its one connection; the judges of the checks of several connections are called by
 * their runners (run.c). */
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "checks.h"

void peer_text(char *buf, size_t cap, const uint8_t *p, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 5 < cap; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' && p[i] != '"')
            buf[o++] = (char)p[i];
        else
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", p[i]);
    }
    buf[o < cap ? o : cap - 1] = '\0';
}

/* The one name of a server's answer, or NULL when the answer is not a valid one-name list (RFC 7301 §3.1). */
static int answer_name(const observation *o, alpn_name *name)
{
    size_t kept = o->alpn_len < OBS_ALPN_MAX ? o->alpn_len : OBS_ALPN_MAX;
    if (o->alpn_count == 0 || kept != o->alpn_len)
        return 0;
    if (alpn_list_validate(o->alpn, kept, ALPN_ROLE_SERVER, NULL, NULL) != ALPN_OK)
        return 0;
    alpn_iter it;
    alpn_iter_init(&it, o->alpn, kept);
    return alpn_iter_next(&it, name);
}

/* What a CONNECTION_CLOSE that carries no TLS alert says. The frame type says whose code it is: 0x1c carries a
 * transport error code, 0x1d the application's (RFC 9000 §19.19). Of the transport codes (§20.1), APPLICATION_ERROR
 * 0x0c says that the application closed: the 0x1c that stands for a 0x1d in an Initial or Handshake packet
 * (§10.2.3). */
static const char *quic_close_kind(const observation *o)
{
    if (o->quic_close_frame == 0x1d)
        return "an application error";
    if (observation_application_close(o))
        return "APPLICATION_ERROR: an application close";
    return o->quic_close_code == 0 ? "NO_ERROR" : o->quic_close_code == 1 ? "INTERNAL_ERROR" : "a transport error";
}

/* Over QUIC: the server's CONNECTION_CLOSE, its code (an alert when it is a crypto error), frame type and packet. */
static void describe_quic_close(const observation *o, char *buf, size_t cap)
{
    char what[96], reason[4 * 24 + 8] = "";
    int alert = observation_alert(o, NULL);
    if (alert >= 0)
        snprintf(what, sizeof what, " (crypto error: alert %d, %s)", alert, alpn_alert_name(alert));
    else
        snprintf(what, sizeof what, " (%s)", quic_close_kind(o));
    if (o->quic_close_reason_len > 0) {
        size_t kept = o->quic_close_reason_len < sizeof o->quic_close_reason ? o->quic_close_reason_len
                                                                              : sizeof o->quic_close_reason;
        peer_text(reason, sizeof reason, o->quic_close_reason, kept < 24 ? kept : 24);
    }
    snprintf(buf, cap, "CONNECTION_CLOSE 0x%02x, code 0x%llx%s in %s%s%s%s%s", o->quic_close_frame,
             (unsigned long long)o->quic_close_code, what, obs_packet_name(o->quic_close_packet),
             reason[0] ? ", reason \"" : "", reason, reason[0] ? "\"" : "",
             o->hrr ? " after a HelloRetryRequest and the second ClientHello" : "");
}

/* What happened, in one line: the alert, the selection and where, or how the connection ended. */
static void describe(const observation *o, char *buf, size_t cap)
{
    if (o->error) {
        snprintf(buf, cap, o->refused ? "refused without an alert: %s" : "no answer: %s", o->error_text);
        return;
    }
    if (o->transport == OBS_QUIC && o->quic_close) {
        describe_quic_close(o, buf, cap);
        return;
    }
    if (o->alert >= 0) {
        snprintf(buf, cap, "%s alert %d (%s)%s%s", alpn_alert_level_name(o->alert_level), o->alert,
                 alpn_alert_name(o->alert), o->completed ? " after the server's flight" : "",
                 o->hrr ? " after a HelloRetryRequest and the second ClientHello" : "");
        return;
    }
    char sel[160] = "";
    alpn_name n;
    if (o->alpn_count == 0) {
        snprintf(sel, sizeof sel, "without ALPN");
    } else if (answer_name(o, &n)) {
        char t[64];
        peer_text(t, sizeof t, n.data, n.len);
        snprintf(sel, sizeof sel, "with ALPN \"%s\" in %s", t, where_name(o->alpn_where));
    } else {
        snprintf(sel, sizeof sel, "with a malformed or multi-name ALPN answer (%zu bytes) in %s", o->alpn_len,
                 where_name(o->alpn_where));
    }
    if (o->completed)
        snprintf(buf, cap, "handshake completed %s%s%s", sel, o->alpn_count > 1 ? " (ALPN answered twice)" : "",
                 o->hrr ? " after a HelloRetryRequest" : "");
    else if (o->closed)
        snprintf(buf, cap, "connection closed without an alert");
    else
        snprintf(buf, cap, "handshake incomplete %s%s%.150s", sel, o->error_text[0] ? ": " : "", o->error_text);
}

static int offered(const scenario *s, const alpn_name *n)
{
    if (alpn_list_validate(s->ext, s->ext_len, ALPN_ROLE_CLIENT, NULL, NULL) != ALPN_OK)
        return 0;
    alpn_iter it;
    alpn_name o;
    alpn_iter_init(&it, s->ext, s->ext_len);
    while (alpn_iter_next(&it, &o)) {
        if (o.len == n->len && memcmp(o.data, n->data, n->len) == 0)
            return 1;
    }
    return 0;
}

static int is_name(const alpn_name *n, const uint8_t *p, size_t len)
{
    return n->len == len && memcmp(n->data, p, len) == 0;
}

/* A MUST broken is FAIL, a SHOULD broken is WARN, an INFO check only reports. */
static verdict broken(level l)
{
    return l == LEVEL_MUST ? VERDICT_FAIL : l == LEVEL_SHOULD ? VERDICT_WARN : VERDICT_PASS;
}

/* What every judge of one connection does first: the row's facts and what is expected; then SKIP when the scenario
 * does not apply, what was observed, and ERROR when nothing could be observed. Returns 1 when a verdict is still to
 * be reached. */
static int begin(const scenario *s, const observation *o, const char *expected, result *out)
{
    check_result_init(out, s->row, s->tls);
    out->ms = o->ms;
    snprintf(out->expected, sizeof out->expected, "%s", expected);
    if (s->skip_reason != NULL) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed, "not run: %s", s->skip_reason);
        return 0;
    }
    describe(o, out->observed, sizeof out->observed);
    /* A refusal by closing is judged like a close without an alert after an answer (no alert, nothing completed,
     * nothing selected); anything else that left nothing to observe is ERROR. */
    if (o->error && !o->refused) {
        out->v = VERDICT_ERROR;
        return 0;
    }
    return 1;
}

/* Replaces the observed text by "not run: <why> (<what was observed>)" and gives SKIP. */
static void not_run(result *out, const char *why)
{
    char seen[REPORT_TEXT_MAX];
    snprintf(seen, sizeof seen, "%s", out->observed);
    out->v = VERDICT_SKIP;
    snprintf(out->observed, sizeof out->observed, "not run: %s (%.400s)", why, seen);
}

static verdict select_verdict(const scenario *s, const observation *o, int in_ee)
{
    level lvl = s->row->lvl;
    alpn_name n;
    if (observation_alert(o, NULL) >= 0 || !o->completed || o->alpn_count == 0)
        return broken(lvl);
    /* RFC 7301 §3.1: exactly one name, and it must be one the client offered; RFC 8701 §3.1: never GREASE. */
    if (!answer_name(o, &n) || !offered(s, &n) || alpn_is_grease(n.data, n.len))
        return broken(lvl);
    if (s->expect_name_len > 0 && !is_name(&n, s->expect_name, s->expect_name_len))
        return broken(lvl);
    /* RFC 8446 §4.2: one extension of a type per message. */
    if (o->alpn_count > 1)
        return broken(lvl);
    /* RFC 8446 §4.2: in TLS 1.3 the answer belongs in EncryptedExtensions, never in ServerHello. */
    if (in_ee && o->alpn_where != WHERE_ENCRYPTED_EXTENSIONS)
        return broken(lvl);
    /* NPN draft / RFC 7301 §3: a server that selected via ALPN must not also answer NPN. */
    if (s->send_npn && o->npn_seen)
        return broken(lvl);
    return VERDICT_PASS;
}

static void select_judge(const scenario *s, const observation *o, int in_ee, result *out)
{
    char expected[REPORT_TEXT_MAX], name[64];
    peer_text(name, sizeof name, s->expect_name, s->expect_name_len);
    if (s->expect_name_len > 0)
        snprintf(expected, sizeof expected, "handshake completes with exactly \"%s\" selected%s%s", name,
                 in_ee ? ", in EncryptedExtensions" : "", s->send_npn ? ", and no NPN answer" : "");
    else
        snprintf(expected, sizeof expected, "handshake completes with exactly one offered, supported name selected");
    if (!begin(s, o, expected, out))
        return;
    out->v = select_verdict(s, o, in_ee);
    if (s->send_npn && o->npn_seen && out->v != VERDICT_PASS)
        strncat(out->observed, "; the server also answered NPN", sizeof out->observed - strlen(out->observed) - 1);
}

void judge_select(const scenario *s, const observation *o, result *out)
{
    select_judge(s, o, 0, out);
}

void judge_select_in_ee(const scenario *s, const observation *o, result *out)
{
    select_judge(s, o, 1, out);
}

/* Expected: a fatal alert with this code (or any code when want < 0). Another fatal alert, a warning, or a close
 * without an alert is a rejection with the wrong signal: WARN. Carrying on is the failure (for 120: ALPACA). */
static verdict reject_verdict(const scenario *s, const observation *o, int want)
{
    int lvl, alert = observation_alert(o, &lvl);
    /* Over QUIC, a close with another code (NO_ERROR, INTERNAL_ERROR, a crypto error of another alert) is such a
     * wrong signal too (RFC 9001 §8.1 names the code). */
    if (alert >= 0) {
        if (lvl == 2 && (want < 0 || alert == want))
            return VERDICT_PASS;
        return o->completed ? broken(s->row->lvl) : VERDICT_WARN;
    }
    if (o->completed)
        return broken(s->row->lvl);
    return VERDICT_WARN; /* closed or stalled without an alert */
}

/* What a refusal with alert want (-1: any) looks like on the scenario's transport: a fatal alert record, or over
 * QUIC a CONNECTION_CLOSE 0x1c with the crypto error 0x0100 + alert (RFC 9001 §4.8), then what else is expected. */
static void reject_judge(const scenario *s, const observation *o, int want, const char *then, result *out)
{
    char expected[REPORT_TEXT_MAX];
    if (s->transport == CHECK_TRANSPORT_QUIC && want >= 0)
        snprintf(expected, sizeof expected,
                 "CONNECTION_CLOSE 0x%x (crypto error: alert %d, %s) in an Initial or Handshake packet%s", 0x100 + want,
                 want, alpn_alert_name(want), then);
    else if (s->transport == CHECK_TRANSPORT_QUIC)
        snprintf(expected, sizeof expected, "CONNECTION_CLOSE with a crypto error 0x01XX (a TLS alert)%s", then);
    else if (want >= 0)
        snprintf(expected, sizeof expected, "fatal alert %d (%s)%s", want, alpn_alert_name(want), then);
    else
        snprintf(expected, sizeof expected, "a fatal alert%s", then);
    if (begin(s, o, expected, out))
        out->v = reject_verdict(s, o, want);
}

/* RFC 7301 §3.2: no overlap is answered with the fatal alert no_application_protocol; RFC 9001 §8.1: over QUIC also
 * a hello without ALPN, as CONNECTION_CLOSE 0x178. */
void judge_no_overlap(const scenario *s, const observation *o, result *out)
{
    reject_judge(s, o, 120, ", no selection", out);
}

/* RFC 7301 §3.1 with RFC 8446 §6.2: a list that does not parse is a decode_error. */
void judge_decode_error(const scenario *s, const observation *o, result *out)
{
    reject_judge(s, o, 50, "", out);
}

/* RFC 8446 §4.2: a ClientHello with two extensions of a type is refused; which alert is the stack's choice. */
void judge_any_fatal(const scenario *s, const observation *o, result *out)
{
    reject_judge(s, o, -1, "", out);
}

/* RFC 8446 §4.2 / RFC 5246 §7.4.1.4: no answer to an extension the client did not send. */
void judge_no_alpn(const scenario *s, const observation *o, result *out)
{
    if (!begin(s, o, "handshake completes without an ALPN answer", out))
        return;
    if (o->alpn_count > 0)
        out->v = broken(s->row->lvl);
    else if (o->completed && observation_alert(o, NULL) < 0)
        out->v = VERDICT_PASS;
    else
        out->v = VERDICT_ERROR; /* the baseline handshake itself failed: nothing to judge */
}

/* Whatever else happens, expect_name is not selected; refusing the hello is fine. */
static void never_selected(const scenario *s, const observation *o, int old_tls_only, result *out)
{
    char expected[REPORT_TEXT_MAX], name[64];
    peer_text(name, sizeof name, s->expect_name, s->expect_name_len);
    snprintf(expected, sizeof expected, "\"%s\" is never selected", name);
    if (!begin(s, o, expected, out))
        return;
    /* RFC 9113 §9.2: only judged when the server really negotiated the old version. */
    if (old_tls_only && (o->version == 0 || o->version >= 0x0303)) {
        char why[64];
        snprintf(why, sizeof why, "the server does not negotiate TLS %s", s->tls);
        not_run(out, why);
        return;
    }
    alpn_name n;
    out->v = answer_name(o, &n) && is_name(&n, s->expect_name, s->expect_name_len) ? broken(s->row->lvl) : VERDICT_PASS;
}

/* RFC 9113 §3.2: "h2c" is not negotiated over TLS. */
void judge_never_selected(const scenario *s, const observation *o, result *out)
{
    never_selected(s, o, 0, out);
}

/* RFC 9113 §9.2: HTTP/2 needs TLS 1.2 or later, so "h2" is not selected over TLS 1.0 or 1.1. */
void judge_no_h2_below_tls12(const scenario *s, const observation *o, result *out)
{
    never_selected(s, o, 1, out);
}

/* RFC 8446 §4.1.2: a second ClientHello whose ALPN list changed after a HelloRetryRequest should be refused with
 * illegal_parameter. */
void judge_hrr_abort(const scenario *s, const observation *o, result *out)
{
    if (!begin(s, o, "a HelloRetryRequest, then fatal alert 47 (illegal_parameter) for the changed second ClientHello",
               out))
        return;
    if (!o->hrr) {
        /* RFC 8446 §4.2.8: an empty key_share obliges a retry; a server that does otherwise cannot be judged on the
         * second hello. */
        not_run(out, "no HelloRetryRequest came");
    } else {
        int lvl, alert = observation_alert(o, &lvl);
        /* Another fatal alert refuses, with the wrong code. */
        out->v = alert == 47 && lvl == 2 ? VERDICT_PASS : alert >= 0 && lvl == 2 ? VERDICT_WARN : broken(s->row->lvl);
    }
}

void judge(const scenario *s, const observation *o, result *out)
{
    s->row->server.judge(s, o, out);
}

/* The fixed part of a result: what the check is, from its catalogue row, which it returns. tls is normalised to
 * "1.2" or "1.3". */
static const check_entry *result_head(result *out, const char *id, const char *tls)
{
    const check_entry *c = check_get(id);
    check_result_init(out, c, strcmp(tls, "1.2") == 0 ? "1.2" : "1.3");
    out->id = id;
    return c;
}

/* The checks that need the server's first `need` supported names (two to compare, one to offer): SKIP ("not run:
 * ...") when it has fewer, or when the row does not apply to out->tls. Returns 1 when skipped. */
static int skip_without_names(const check_entry *row, const profile *p, size_t need, result *out)
{
    if (p->n >= need && check_applies(row, out->tls))
        return 0;
    out->v = VERDICT_SKIP;
    snprintf(out->observed, sizeof out->observed, "not run: %s",
             p->n >= need ? row->outside
             : need == 1  ? "the server supports no known name"
                          : "the server supports fewer than two known names");
    return 1;
}

void judge_server_preference(const profile *p, const char *tls, const observation *ab, const observation *ba,
                             result *out)
{
    const check_entry *row = result_head(out, "SRV-SERVER-PREFERENCE", tls);
    out->ms = ab->ms + ba->ms;
    if (skip_without_names(row, p, 2, out)) {
        snprintf(out->expected, sizeof out->expected, "the same name selected for both orders");
        return;
    }
    char a[40], b[40];
    peer_text(a, sizeof a, p->names[0], p->lens[0]);
    peer_text(b, sizeof b, p->names[1], p->lens[1]);
    snprintf(out->expected, sizeof out->expected,
             "the same name selected whether the client offers \"%s, %s\" or \"%s, %s\" (server preference)", a, b, b,
             a);
    char d1[OBS_TEXT_MAX + 64], d2[OBS_TEXT_MAX + 64];
    describe(ab, d1, sizeof d1);
    describe(ba, d2, sizeof d2);
    snprintf(out->observed, sizeof out->observed, "offer \"%s, %s\": %.160s; offer \"%s, %s\": %.160s", a, b, d1, b, a,
             d2);
    if (ab->error || ba->error) {
        out->v = VERDICT_ERROR;
        return;
    }
    alpn_name n1, n2;
    if (!answer_name(ab, &n1) || !answer_name(ba, &n2)) {
        out->v = VERDICT_ERROR; /* no selection to compare; the selection checks report why */
        return;
    }
    /* RFC 7301 §3.2: the server SHOULD select its most preferred protocol among the client's. */
    out->v = n1.len == n2.len && memcmp(n1.data, n2.data, n1.len) == 0 ? VERDICT_PASS : VERDICT_WARN;
}

/* How one session ended: no answer, an alert, or what it selected. */
static void session_outcome_text(const session_observation *o, char *buf, size_t cap)
{
    char name[64];
    if (o->error)
        snprintf(buf, cap, "no answer: %.150s", o->error_text);
    else if (o->alert >= 0)
        snprintf(buf, cap, "fatal alert %d (%s)", o->alert, alpn_alert_name(o->alert));
    else if (!o->has_selected)
        snprintf(buf, cap, "%s without ALPN", o->resumed ? "resumed" : "full handshake");
    else {
        peer_text(name, sizeof name, o->selected, o->selected_len);
        snprintf(buf, cap, "%s, \"%s\" selected", o->resumed ? "resumed" : "full handshake", name);
    }
}

/* A session's outcome and, when there is one, its note. */
static void session_text(const session_observation *o, char *buf, size_t cap)
{
    session_outcome_text(o, buf, cap);
    size_t used = strlen(buf);
    if (o->note[0] != '\0' && used + 3 < cap)
        snprintf(buf + used, cap - used, "; %s", o->note);
}

void judge_resume_fresh(const profile *p, const char *tls, const session_observation *first,
                        const session_observation *second, result *out)
{
    const check_entry *row = result_head(out, "SRV-RESUME-FRESH", tls);
    if (skip_without_names(row, p, 2, out)) {
        snprintf(out->expected, sizeof out->expected, "the resumed connection negotiates afresh");
        return;
    }
    char a[40], b[40], t1[OBS_TEXT_MAX + 64], t2[OBS_TEXT_MAX + 64];
    peer_text(a, sizeof a, p->names[0], p->lens[0]);
    peer_text(b, sizeof b, p->names[1], p->lens[1]);
    snprintf(out->expected, sizeof out->expected,
             "full handshake offering \"%s\" selects it; resuming offering only \"%s\" selects \"%s\" (or alert "
             "120), never \"%s\"",
             a, b, b, a);
    session_text(first, t1, sizeof t1);
    session_text(second, t2, sizeof t2);
    snprintf(out->observed, sizeof out->observed, "first: %.200s; second: %.200s", t1, t2);
    if (first->error || second->error || !first->completed || !first->has_selected ||
        first->selected_len != p->lens[0] || memcmp(first->selected, p->names[0], p->lens[0]) != 0) {
        out->v = VERDICT_ERROR; /* no session with A to resume: nothing to judge */
        return;
    }
    if (second->alert == 120) {
        out->v = VERDICT_PASS;
        return;
    }
    if (!second->completed || !second->resumed) {
        out->v = second->completed ? VERDICT_SKIP : VERDICT_ERROR;
        if (out->v == VERDICT_SKIP)
            snprintf(out->observed, sizeof out->observed, "not run: the server did not resume the session (%.200s)",
                     t2);
        return;
    }
    int is_b = second->has_selected && second->selected_len == p->lens[1] &&
               memcmp(second->selected, p->names[1], p->lens[1]) == 0;
    out->v = is_b ? VERDICT_PASS : VERDICT_FAIL;
}

void judge_protocol_definitive(const char *tls, const alpn_name *name, const session_observation *o, result *out)
{
    result_head(out, "SRV-PROTOCOL-DEFINITIVE", tls);
    if (name == NULL) {
        out->v = VERDICT_SKIP;
        snprintf(out->expected, sizeof out->expected, "the selected protocol is spoken");
        snprintf(out->observed, sizeof out->observed, "not run: the server supports neither h2 nor http/1.1");
        return;
    }
    int h2 = name->len == 2 && memcmp(name->data, "h2", 2) == 0;
    snprintf(out->expected, sizeof out->expected, "%s",
             h2 ? "\"h2\" selected, then an HTTP/2 SETTINGS frame first (RFC 9113 §3.4)"
                : "\"http/1.1\" selected, then an answer starting \"HTTP/1.\"");
    char sel[OBS_TEXT_MAX + 64];
    session_text(o, sel, sizeof sel);
    if (o->error || !o->completed) {
        out->v = VERDICT_ERROR;
        snprintf(out->observed, sizeof out->observed, "%s", sel);
        return;
    }
    if (!o->has_selected || o->selected_len != name->len || memcmp(o->selected, name->data, name->len) != 0) {
        /* Not this check's business: the selection checks judge what was selected. */
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed, "not run: the handshake did not select it (%.300s)", sel);
        return;
    }
    if (o->app_len == 0) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed,
                 "not run: the server sent nothing after the handshake (not an HTTP server?)");
        return;
    }
    char first[4 * 24 + 8];
    peer_text(first, sizeof first, o->app, o->app_len < 24 ? o->app_len : 24);
    if (o->echoed) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed,
                 "not run: the server echoes what it receives (\"%s\"): not an HTTP server", first);
        return;
    }
    /* RFC 9113 §4.1: a frame header is length (3), type (1), flags (1), stream (4); SETTINGS is type 4, stream 0. */
    int ok = h2 ? o->app_len >= 9 && o->app[3] == 0x04 && (o->app[5] & 0x7f) == 0 && o->app[6] == 0 && o->app[7] == 0 &&
                      o->app[8] == 0
                : o->app_len >= 7 && memcmp(o->app, "HTTP/1.", 7) == 0;
    snprintf(out->observed, sizeof out->observed, "%s; the server's first bytes: \"%s\"", sel, first);
    out->v = ok ? VERDICT_PASS : VERDICT_FAIL;
}

/* The four 0-RTT sequences: the row each judges and what it expects. */
static const struct {
    const char *id;
    const char *expected;
    size_t names; /* supported names it needs */
} early_checks[] = {
    [EARLY_OTHER_PROTOCOL] = {"SRV-0RTT-ALPN", "early data refused: the offered protocol differs from the ticket's", 2},
    [EARLY_RENEWED_TICKET] = {"SRV-0RTT-TICKET-FRESH",
                              "early data refused: the renewed ticket belongs to the new protocol", 2},
    [EARLY_ALPN_ADDED] = {"SRV-0RTT-ALPN-ADDED",
                          "early data refused: the ticket has no protocol and this hello offers one (accepting it "
                          "is only right when nothing is selected)",
                          1},
    [EARLY_ALPN_OMITTED] = {"SRV-0RTT-ALPN-OMITTED",
                            "early data refused: the ticket has a protocol and this hello offers no ALPN", 1},
};

void judge_0rtt(const profile *p, const char *tls, early_sequence seq, const session_observation *control,
                const session_observation *test, result *out)
{
    if ((unsigned)seq >= sizeof early_checks / sizeof early_checks[0])
        seq = EARLY_OTHER_PROTOCOL;
    const check_entry *row = result_head(out, early_checks[seq].id, tls);
    snprintf(out->expected, sizeof out->expected, "%s", early_checks[seq].expected);
    if (skip_without_names(row, p, early_checks[seq].names, out))
        return;
    char c[OBS_TEXT_MAX + 64], t[OBS_TEXT_MAX + 64];
    session_text(control, c, sizeof c);
    session_text(test, t, sizeof t);
    if (control->error || test->error) {
        out->v = VERDICT_ERROR;
        snprintf(out->observed, sizeof out->observed, "control: %.200s; test: %.200s", c, t);
        return;
    }
    if (!control->early_accepted) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed,
                 "not run: the server accepts no early data even with the ticket's own protocol (%.300s)", c);
        return;
    }
    snprintf(out->observed, sizeof out->observed, "early data %s; %.300s",
             test->early_accepted ? "ACCEPTED" : "refused", t);
    /* RFC 8446 §4.2.10: the server may accept early data only when "the selected ALPN protocol, if any" is the
     * ticket's. A ticket without ALPN, resumed by a hello offering one, may take early data only if nothing is
     * selected. In the other sequences the test cannot select the ticket's protocol, so any acceptance fails. */
    int fail = test->early_accepted && (seq != EARLY_ALPN_ADDED || test->has_selected);
    out->v = fail ? VERDICT_FAIL : VERDICT_PASS;
}

void judge_reneg(const profile *p, const char *tls, const session_observation *first, const session_observation *second,
                 result *out)
{
    const check_entry *row = result_head(out, "SRV-RENEG-ALPN", tls);
    snprintf(out->expected, sizeof out->expected, "reported only: refused, or renegotiated with a fresh selection");
    if (skip_without_names(row, p, 2, out))
        return;
    char a[OBS_TEXT_MAX + 64], b[OBS_TEXT_MAX + 64];
    session_text(first, a, sizeof a);
    if (first->error || !first->completed) {
        out->v = VERDICT_ERROR;
        snprintf(out->observed, sizeof out->observed, "first handshake: %.400s", a);
        return;
    }
    if (second->alert >= 0)
        snprintf(b, sizeof b, "renegotiation refused with alert %d (%s)", second->alert,
                 alpn_alert_name(second->alert));
    else if (second->error)
        snprintf(b, sizeof b, "renegotiation failed: %.150s", second->error_text);
    else
        session_text(second, b, sizeof b);
    snprintf(out->observed, sizeof out->observed, "first: %.200s; renegotiation: %.250s", a, b);
    out->v = VERDICT_PASS;
}

/* ---- SRV-ALT-SVC ------------------------------------------------------------------------------------------------ */

/* Appends s to a text, keeping it NUL-terminated and cut at its end. */
static void text_cat(char *buf, size_t cap, const char *s)
{
    size_t used = strlen(buf);
    if (used + 1 < cap)
        snprintf(buf + used, cap - used, "%s", s);
}

/* The alternatives the parser delivered, as one line ("h3 on :443, h2 on alt.example:8443"), and the first h3. */
typedef struct {
    char text[220];
    size_t count;
    int h3_port; /* -1: no h3 alternative */
} altsvc_listing;

static int list_alternative(void *ctx, const alpn_altsvc_alt *alt)
{
    altsvc_listing *l = ctx;
    char name[48], host[80], one[160];
    peer_text(name, sizeof name, alt->name, alt->name_len);
    peer_text(host, sizeof host, (const uint8_t *)alt->host, alt->host_len);
    snprintf(one, sizeof one, "%s%s on %s:%u", l->count ? ", " : "", name, host, alt->port);
    text_cat(l->text, sizeof l->text, one);
    /* RFC 9114 §3.1: "h3" is HTTP/3 over QUIC, at the alternative's UDP port. */
    if (l->h3_port < 0 && alt->name_len == 2 && memcmp(alt->name, "h3", 2) == 0)
        l->h3_port = alt->port;
    l->count++;
    return 0;
}

/* One field value through libalpn's parser in mode, its alternatives added to l. Returns the parse status. */
static int parse_alt_svc(const uint8_t *v, size_t len, alpn_hdr_mode mode, altsvc_listing *l, alpn_error *err)
{
    alpn_altsvc_result res = {.on_alt = NULL};
    /* Parse once without the callback: alternatives before a violation are delivered too, and must not be listed
     * as valid. */
    int rc = alpn_altsvc_parse((const char *)v, len, mode, &res, err);
    if (rc != ALPN_OK)
        return rc;
    if (res.clear) {
        text_cat(l->text, sizeof l->text, l->count ? ", clear" : "clear");
        text_cat(l->text, sizeof l->text, " (withdraws every alternative)");
        l->count++;
        return ALPN_OK;
    }
    res = (alpn_altsvc_result){.on_alt = list_alternative, .ctx = l};
    return alpn_altsvc_parse((const char *)v, len, mode, &res, err);
}

/* A field value as a report shows it: escaped, quoted, cut after `show` bytes. */
static void altsvc_shown(const altsvc_observation *o, size_t i, size_t show, char *buf, size_t cap)
{
    char esc[4 * 120 + 8];
    if (show > 120)
        show = 120;
    peer_text(esc, sizeof esc, o->value[i], o->value_len[i] < show ? o->value_len[i] : show);
    snprintf(buf, cap, "Alt-Svc \"%s%s\"", esc, o->value_len[i] > show ? "..." : "");
}

/* The first field line that fails the strict parse: the row's level broken, with the rule, the byte and what a
 * lenient client would still use. Returns 1 when one did. */
static int judge_alt_svc_invalid(const altsvc_observation *o, size_t kept, const check_entry *row, result *out)
{
    for (size_t i = 0; i < kept; i++) {
        altsvc_listing strict = {.h3_port = -1}, lenient = {.h3_port = -1};
        alpn_error err = {0}, lerr = {0};
        if (parse_alt_svc(o->value[i], o->value_len[i], ALPN_HDR_STRICT, &strict, &err) == ALPN_OK)
            continue;
        char shown[4 * 120 + 32], more[400];
        altsvc_shown(o, i, 80, shown, sizeof shown);
        char lenient_text[300];
        if (parse_alt_svc(o->value[i], o->value_len[i], ALPN_HDR_LENIENT, &lenient, &lerr) == ALPN_OK)
            snprintf(lenient_text, sizeof lenient_text, "still uses: %s", lenient.count ? lenient.text : "nothing");
        else
            snprintf(lenient_text, sizeof lenient_text, "ignores it too (%s)", lerr.check ? lerr.check : "invalid");
        snprintf(more, sizeof more, " breaks %s at byte %zu (%.100s); a lenient client %.200s",
                 err.check ? err.check : "ALTSVC-LIST", err.offset, err.detail ? err.detail : "invalid", lenient_text);
        snprintf(out->observed, sizeof out->observed, "field line %zu: %.200s", i + 1, shown);
        text_cat(out->observed, sizeof out->observed, more);
        out->v = broken(row->lvl);
        return 1;
    }
    return 0;
}

/* A valid set of field lines: PASS, listing the alternatives and the h3 one. */
static void judge_alt_svc_valid(const altsvc_observation *o, size_t kept, result *out)
{
    altsvc_listing all = {.h3_port = -1};
    for (size_t i = 0; i < kept; i++) {
        alpn_error err;
        parse_alt_svc(o->value[i], o->value_len[i], ALPN_HDR_STRICT, &all, &err);
    }
    char shown[4 * 120 + 32], tail[200] = "";
    altsvc_shown(o, 0, 120, shown, sizeof shown);
    if (o->fields > 1)
        snprintf(tail, sizeof tail, " and %u more field line%s", o->fields - 1, o->fields > 2 ? "s" : "");
    snprintf(out->observed, sizeof out->observed, "HTTP %d answer, %.200s", o->status, shown);
    text_cat(out->observed, sizeof out->observed, tail);
    text_cat(out->observed, sizeof out->observed, ": ");
    text_cat(out->observed, sizeof out->observed, all.text);
    if (all.h3_port >= 0) {
        snprintf(tail, sizeof tail, "; advertises h3 on port %d (HTTP/3 over QUIC: try alpncheck server --quic)",
                 all.h3_port);
        text_cat(out->observed, sizeof out->observed, tail);
    }
    out->v = VERDICT_PASS;
}

void judge_alt_svc(const char *tls, const altsvc_observation *o, result *out)
{
    const check_entry *row = result_head(out, "SRV-ALT-SVC", tls);
    snprintf(out->expected, sizeof out->expected,
             "no Alt-Svc field, or one that parses strictly (RFC 7838 §3), over a handshake offering only http/1.1");
    char sel[OBS_TEXT_MAX + 64];
    session_text(&o->session, sel, sizeof sel);
    if (o->session.error || (!o->session.completed && o->session.alert < 0)) {
        out->v = VERDICT_ERROR;
        snprintf(out->observed, sizeof out->observed, "%s", sel);
        return;
    }
    out->v = VERDICT_SKIP;
    if (!o->session.completed || !o->session.has_selected || o->session.selected_len != 8 ||
        memcmp(o->session.selected, "http/1.1", 8) != 0) {
        snprintf(out->observed, sizeof out->observed, "not run: the server did not select http/1.1 (%.300s)", sel);
        return;
    }
    if (!o->answered) {
        snprintf(out->observed, sizeof out->observed, "not run: no HTTP/1.1 answer to GET / (%.300s)", o->head_error);
        return;
    }
    size_t kept = o->fields < ALTSVC_OBS_FIELDS ? o->fields : ALTSVC_OBS_FIELDS;
    for (size_t i = 0; i < kept; i++) {
        if (o->value_len[i] > ALTSVC_OBS_VALUE_MAX) {
            out->v = VERDICT_ERROR;
            snprintf(out->observed, sizeof out->observed, "an Alt-Svc field of %zu bytes: alpncheck keeps %d",
                     o->value_len[i], ALTSVC_OBS_VALUE_MAX);
            return;
        }
    }
    if (judge_alt_svc_invalid(o, kept, row, out))
        return;
    if (o->fields == 0) {
        out->v = VERDICT_PASS;
        snprintf(out->observed, sizeof out->observed, "HTTP %d answer without Alt-Svc: no alternative services",
                 o->status);
        return;
    }
    judge_alt_svc_valid(o, kept, out);
}
