/* Client checks: the scenario of a catalogue row, the server's crafted answers and the judge of the client's
 * reaction. Pure functions. */
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "client_checks.h"
#include "table_text.h"

size_t client_check_count(void)
{
    size_t n = 0;
    for (size_t k = 0; k < check_catalogue_count; k++)
        n += check_catalogue[k].family == CHECK_FAMILY_CLIENT;
    return n;
}

const char *client_check_id(size_t i)
{
    for (size_t k = 0; k < check_catalogue_count; k++) {
        if (check_catalogue[k].family == CHECK_FAMILY_CLIENT && i-- == 0)
            return check_catalogue[k].id;
    }
    return NULL;
}

int client_scenario_of(client_scenario *s, const check_entry *c, const char *tls)
{
    return client_scenario_over(s, c, tls, CHECK_TRANSPORT_TCP);
}

int client_scenario_over(client_scenario *s, const check_entry *c, const char *tls, unsigned transport)
{
    if (c == NULL || c->family != CHECK_FAMILY_CLIENT)
        return -1;
    memset(s, 0, sizeof *s);
    s->row = c;
    s->id = c->id;
    s->answer = c->client.answer;
    s->expect = c->client.expect;
    s->expect_alert = c->client.alert;
    s->expect_alert_also = c->client.alert_also;
    s->tls = strcmp(tls, "1.2") == 0 ? "1.2" : "1.3";
    s->no_alpn_offer = c->client.answer == CLIENT_ANSWER_UNSOLICITED;
    s->resumption = c->client.answer == CLIENT_ANSWER_0RTT_CHANGE || c->client.answer == CLIENT_ANSWER_0RTT_ADDED;
    s->ticket_no_alpn = c->client.answer == CLIENT_ANSWER_0RTT_ADDED;
    /* A row for another transport is SKIP first: its reason is the precise one. */
    if ((s->skip_reason = check_transport_skip(c, transport)) == NULL && !check_applies(c, s->tls))
        s->skip_reason = c->outside;
    return 0;
}

int client_scenario_build(client_scenario *s, const char *id, const char *tls)
{
    return client_scenario_of(s, check_find(id), tls);
}

static int known_client_id(const char *id, size_t len)
{
    const check_entry *c = check_find_n(id, len);
    return c != NULL && c->family == CHECK_FAMILY_CLIENT;
}

int validate_client_id_list(const char *list, char *err, size_t err_cap)
{
    return validate_ids(list, known_client_id, "client", err, err_cap);
}

/* ---- answers ------------------------------------------------------------------------------------------------ */

static int offered(const uint8_t *offer, size_t len, const char *name)
{
    alpn_iter it;
    alpn_name n;
    alpn_iter_init(&it, offer, len);
    while (alpn_iter_next(&it, &n)) {
        if (n.len == strlen(name) && memcmp(n.data, name, n.len) == 0)
            return 1;
    }
    return 0;
}

/* Appends one name to a list being built in a->ext (after its 2-byte length). */
static void put_name(client_answer *a, const uint8_t *name, size_t len)
{
    if (a->ext_len + 1 + len > sizeof a->ext)
        return;
    a->ext[a->ext_len++] = (uint8_t)len;
    memcpy(a->ext + a->ext_len, name, len);
    a->ext_len += len;
}

static void close_list(client_answer *a, size_t extra)
{
    size_t n = a->ext_len - 2 - extra;
    a->ext[0] = (uint8_t)(n >> 8);
    a->ext[1] = (uint8_t)n;
}

void client_answer_build(const client_scenario *s, const uint8_t *offer, size_t offer_len, unsigned offer_count,
                         int offer_npn, client_answer *a)
{
    memset(a, 0, sizeof *a);
    a->alert = -1;
    a->send = 1;
    a->ext_len = 2;
    a->in_server_hello = strcmp(s->tls, "1.2") == 0;

    /* The offered names that are not GREASE: the valid answer is the second of them (or the only one), so that a
     * client which assumes its first preference is caught. */
    alpn_name names[2] = {{NULL, 0}, {NULL, 0}}, grease = {NULL, 0}, n;
    size_t real = 0;
    int valid = offer_count > 0 && alpn_list_validate(offer, offer_len, ALPN_ROLE_CLIENT, NULL, NULL) == ALPN_OK;
    alpn_iter it;
    alpn_iter_init(&it, offer, valid ? offer_len : 0);
    while (alpn_iter_next(&it, &n)) {
        if (alpn_is_grease(n.data, n.len)) {
            if (grease.data == NULL)
                grease = n;
        } else if (real < 2) {
            names[real++] = n;
        }
    }
    const alpn_name *pick = real >= 2 ? &names[1] : real == 1 ? &names[0] : NULL;

    if (s->answer == CLIENT_ANSWER_UNSOLICITED) {
        if (offer_count > 0) {
            a->skip_reason = "the client offered ALPN (give a command that offers none: --exec-no-alpn)";
        } else {
            put_name(a, (const uint8_t *)"http/1.1", 8);
            close_list(a, 0);
        }
        return;
    }
    if (offer_count == 0) {
        a->send = 0;
        a->skip_reason = "the client offered no ALPN";
        return;
    }
    if (pick == NULL) {
        a->send = 0;
        a->skip_reason = valid ? "the client offered only GREASE values" : "the client's ALPN offer is malformed";
        return;
    }
    put_name(a, pick->data, pick->len);
    switch (s->answer) {
    case CLIENT_ANSWER_VALID:
    case CLIENT_ANSWER_UNSOLICITED:
        break;
    case CLIENT_ANSWER_UNOFFERED: {
        /* An unoffered name the client knows, when there is one: some clients accept h2 after offering only
         * http/1.1. */
        static const char *const candidates[] = {"h2", "http/1.1", "alpncheck-unoffered", "alpncheck-unoffered-2"};
        a->ext_len = 2;
        for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
            if (!offered(offer, offer_len, candidates[i])) {
                put_name(a, (const uint8_t *)candidates[i], strlen(candidates[i]));
                break;
            }
        }
        break;
    }
    case CLIENT_ANSWER_TWO_NAMES: {
        /* The valid name first, so that a client reading only the first name sees an offered one. */
        const alpn_name *other = real >= 2 ? &names[0] : NULL;
        if (other != NULL)
            put_name(a, other->data, other->len);
        else
            put_name(a, (const uint8_t *)(offered(offer, offer_len, "h2") ? "http/1.1" : "h2"),
                     offered(offer, offer_len, "h2") ? 8 : 2);
        break;
    }
    case CLIENT_ANSWER_EMPTY_NAME:
        /* RFC 7301 §3.1: ProtocolName<1..2^8-1> — a zero-length name is malformed. */
        a->ext_len = 3;
        a->ext[2] = 0;
        break;
    case CLIENT_ANSWER_EMPTY_LIST:
        /* protocol_name_list<2..2^16-1>: an empty list is malformed. */
        a->ext_len = 2;
        break;
    case CLIENT_ANSWER_MALFORMED:
        /* RFC 8446 §4.2: the list must fill extension_data; a stray byte after it is a decode error. */
        close_list(a, 0);
        a->ext[a->ext_len++] = 0x00;
        return;
    case CLIENT_ANSWER_GREASE:
        if (grease.data == NULL) {
            a->skip_reason = "the client offered no GREASE value in its ALPN list (RFC 8701 §3.1)";
            break;
        }
        a->ext_len = 2;
        put_name(a, grease.data, grease.len);
        break;
    case CLIENT_ANSWER_IN_SERVER_HELLO:
        a->in_server_hello = 1;
        break;
    case CLIENT_ANSWER_WITH_NPN:
        if (!offer_npn) {
            a->skip_reason = "the client offered no NPN";
            break;
        }
        /* NPN's ServerHello extension: the server's protocols, each with an 8-bit length, no outer length. */
        a->npn = 1;
        a->npn_data[0] = (uint8_t)pick->len;
        memcpy(a->npn_data + 1, pick->data, pick->len);
        a->npn_len = 1 + pick->len;
        break;
    case CLIENT_ANSWER_0RTT_CHANGE:
        /* RFC 8446 §4.2.10: the ticket holds the valid answer (names[1], from the first connection); the resumed
         * connection selects the other offered name, so that only the ticket rule is broken, not RFC 7301. */
        if (real < 2) {
            a->skip_reason = "the client offers one name only (another offered name than the ticket's is needed)";
            break;
        }
        a->ext_len = 2;
        put_name(a, names[0].data, names[0].len);
        break;
    case CLIENT_ANSWER_0RTT_ADDED:
        /* RFC 8446 §4.2.10: the ticket has no protocol (its connection was answered without ALPN); the resumed
         * connection selects the valid name, which is offered, so that only the ticket rule is broken. */
        break;
    case CLIENT_ANSWER_NONE:
        a->send = 0;
        break;
    case CLIENT_ANSWER_ALERT_120:
        a->send = 0;
        a->alert = 120;
        break;
    }
    if (a->skip_reason != NULL) {
        /* Not applicable: the client gets the valid answer, so that it ends normally. */
        a->ext_len = 2;
        a->npn = 0;
        put_name(a, pick->data, pick->len);
        a->in_server_hello = strcmp(s->tls, "1.2") == 0;
    }
    close_list(a, 0);
}

/* ---- judging ------------------------------------------------------------------------------------------------ */

/* "h2, http/1.1" for a valid list; hex for anything else. */
static void list_text(char *buf, size_t cap, const uint8_t *ext, size_t len, alpn_role role)
{
    size_t o = 0;
    buf[0] = '\0';
    if (alpn_list_validate(ext, len, role, NULL, NULL) != ALPN_OK) {
        o += (size_t)snprintf(buf, cap, "bytes ");
        for (size_t i = 0; i < len && o + 3 < cap; i++)
            o += (size_t)snprintf(buf + o, cap - o, "%02x", ext[i]);
        return;
    }
    alpn_iter it;
    alpn_name n;
    alpn_iter_init(&it, ext, len);
    while (alpn_iter_next(&it, &n) && o + 8 < cap) {
        char t[80];
        if (alpn_is_grease(n.data, n.len)) { /* RFC 8701: 0x3A3A would read as "::" */
            o += (size_t)snprintf(buf + o, cap - o, "%sGREASE 0x%02X%02X", o ? ", " : "", n.data[0], n.data[1]);
            continue;
        }
        peer_text(t, sizeof t, n.data, n.len);
        o += (size_t)snprintf(buf + o, cap - o, "%s\"%s\"", o ? ", " : "", t);
    }
}

/* Certificate alerts (RFC 8446 §6.2): the client refused the certificate, not the ALPN answer. */
static int certificate_alert(int a)
{
    return (a >= 42 && a <= 46) || a == 48;
}

/* A QUIC client's CONNECTION_CLOSE (RFC 9000 §19.19): its code, as an alert when it is one (RFC 9001 §4.8), and the
 * packet that carried it. */
static void quic_close_text(const observation *o, char *buf, size_t cap)
{
    int alert = observation_alert(o, NULL);
    char what[80] = "";
    if (alert >= 0)
        snprintf(what, sizeof what, ", alert %d (%s)", alert, alpn_alert_name(alert));
    else if (observation_application_close(o))
        snprintf(what, sizeof what, ", an application close");
    snprintf(buf, cap, "the client %ssent CONNECTION_CLOSE 0x%x with code 0x%llx%s in %s",
             o->accepted ? "completed the handshake (Finished), then " : "", o->quic_close_frame,
             (unsigned long long)o->quic_close_code, what, obs_packet_name(o->quic_close_packet));
}

static void reaction(const observation *o, char *buf, size_t cap)
{
    char exit_text[48] = "";
    int alert_level, alert = observation_alert(o, &alert_level);
    if (o->client_exit >= 0)
        snprintf(exit_text, sizeof exit_text, "; the client command exited with %d", o->client_exit);
    if (o->quic_close) {
        char close[200];
        quic_close_text(o, close, sizeof close);
        snprintf(buf, cap, "%s%s", close, exit_text);
    } else if (o->transport == OBS_QUIC && o->closed)
        snprintf(buf, cap, "the client ended without a CONNECTION_CLOSE%s", exit_text);
    else if (alert >= 0)
        snprintf(buf, cap, "the client sent %s alert %d (%s)%s", alpn_alert_level_name(alert_level), alert,
                 alpn_alert_name(alert), exit_text);
    else if (o->accepted)
        snprintf(buf, cap, "the client went on with the handshake (%s)%s",
                 o->version == 0x0303 ? "ClientKeyExchange" : "Finished", exit_text);
    else if (o->closed)
        snprintf(buf, cap, "the client closed the connection without an alert%s", exit_text);
    else
        snprintf(buf, cap, "no reaction from the client before the deadline%s", exit_text);
}

/* What each expectation asks of the client, as the report's "expected" line; CLIENT_EXPECT_ALERT with a named alert
 * says which (set_expected). */
static const char *const EXPECTED_TEXT[] = {
    [CLIENT_EXPECT_WELLFORMED] = "one ALPN extension holding a valid list: non-empty, no empty names, no trailing bytes",
    [CLIENT_EXPECT_NO_H2C] = "\"h2c\" is not offered",
    [CLIENT_EXPECT_ACCEPT] = "the client completes the handshake with the selected name",
    [CLIENT_EXPECT_ALERT] = "a fatal alert (any), no handshake completion",
    [CLIENT_EXPECT_REPORT] = "reported only: what the client does",
    [CLIENT_EXPECT_PROXY_FIELD] = "reported only: the ALPN field of the client's CONNECT, if any",
    [CLIENT_EXPECT_PROXY_SAME] = "the CONNECT's ALPN field names the protocols the ClientHello offers (GREASE aside)",
    [CLIENT_EXPECT_PROXY_CANONICAL] = "the CONNECT's ALPN field is valid and canonical (RFC 7639 §2)",
};

static void set_expected(const client_scenario *s, result *out)
{
    const char *text = TABLE_TEXT(EXPECTED_TEXT, s->expect, NULL); /* NULL for 0, no expectation */
    if (s->expect == CLIENT_EXPECT_ALERT && s->expect_alert >= 0 && s->expect_alert_also > 0)
        snprintf(out->expected, sizeof out->expected, "fatal alert %d (%s) or %d (%s)", s->expect_alert,
                 alpn_alert_name(s->expect_alert), s->expect_alert_also, alpn_alert_name(s->expect_alert_also));
    else if (s->expect == CLIENT_EXPECT_ALERT && s->expect_alert >= 0)
        snprintf(out->expected, sizeof out->expected, "fatal alert %d (%s)", s->expect_alert,
                 alpn_alert_name(s->expect_alert));
    else if (text != NULL)
        snprintf(out->expected, sizeof out->expected, "%s", text);
}

static int is_proxy_expectation(client_expectation e)
{
    return e == CLIENT_EXPECT_PROXY_FIELD || e == CLIENT_EXPECT_PROXY_SAME || e == CLIENT_EXPECT_PROXY_CANONICAL;
}

/* The next name of it that is not a GREASE value (RFC 8701: those belong to TLS; a header need not repeat them). */
static int next_real_name(alpn_iter *it, alpn_name *n)
{
    while (alpn_iter_next(it, n))
        if (!alpn_is_grease(n->data, n->len))
            return 1;
    return 0;
}

/* 1 when every name of valid list a, GREASE values aside, is in valid list b. */
static int names_within(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
    alpn_iter ia, ib;
    alpn_name na, nb;
    alpn_iter_init(&ia, a, la);
    while (next_real_name(&ia, &na)) {
        int found = 0;
        alpn_iter_init(&ib, b, lb);
        while (!found && next_real_name(&ib, &nb))
            found = na.len == nb.len && memcmp(na.data, nb.data, na.len) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

/* 1 when two valid lists name the same protocols, GREASE values aside. In any order: RFC 7639 §2 makes the field
 * the set of protocols that might be used in the tunnel, not a preference order. */
static int same_names(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
    return names_within(a, la, b, lb) && names_within(b, lb, a, la);
}

static verdict broken(level l)
{
    return l == LEVEL_MUST ? VERDICT_FAIL : VERDICT_WARN;
}

/* CLI-PROXY-*: the CONNECT's ALPN field against RFC 7639 §2 and the ClientHello that followed it. */
static void judge_proxy_field(const client_scenario *s, const observation *o, result *out)
{
    char field[sizeof o->connect_alpn * 4 + 1];
    peer_text(field, sizeof field, (const uint8_t *)o->connect_alpn, strlen(o->connect_alpn));
    if (o->connect_alpn_fields == 0) {
        out->v = s->expect == CLIENT_EXPECT_PROXY_FIELD ? VERDICT_PASS : VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed,
                 "%sthe CONNECT carries no ALPN field (RFC 7639 makes it optional)",
                 out->v == VERDICT_SKIP ? "not run: " : "");
        return;
    }
    if (o->connect_alpn_fields > 1)
        snprintf(out->observed, sizeof out->observed, "CONNECT with %u ALPN field lines, together \"ALPN: %.200s\"",
                 o->connect_alpn_fields, field);
    else
        snprintf(out->observed, sizeof out->observed, "CONNECT with \"ALPN: %.200s\"", field);
    if (s->expect == CLIENT_EXPECT_PROXY_FIELD) {
        out->v = VERDICT_PASS;
        return;
    }
    if (o->connect_alpn_len >= sizeof o->connect_alpn) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed, "not run: the field is longer than the %zu bytes kept",
                 sizeof o->connect_alpn - 1);
        return;
    }
    /* A field of at most 255 characters decodes to at most 255 name bytes and their length bytes. */
    uint8_t names[2 * sizeof o->connect_alpn + 2];
    alpn_header_result res = {.ext = names, .ext_cap = sizeof names};
    alpn_error e;
    memset(&e, 0, sizeof e);
    int strict = alpn_header_parse(o->connect_alpn, strlen(o->connect_alpn), ALPN_HDR_STRICT, &res, &e);
    size_t n = strlen(out->observed);
    if (s->expect == CLIENT_EXPECT_PROXY_CANONICAL) {
        out->v = strict == ALPN_OK ? VERDICT_PASS : broken(s->row->lvl);
        if (strict != ALPN_OK)
            snprintf(out->observed + n, sizeof out->observed - n, ": %s at byte %zu", e.check ? e.check : "invalid",
                     e.offset);
        return;
    }
    /* SAME: compare the names leniently decoded with the offer, GREASE aside on both sides. */
    if (alpn_header_parse(o->connect_alpn, strlen(o->connect_alpn), ALPN_HDR_LENIENT, &res, &e) != ALPN_OK ||
        alpn_list_validate(o->offer, o->offer_len, ALPN_ROLE_CLIENT, NULL, NULL) != ALPN_OK) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed + n, sizeof out->observed - n, "; not run: %s cannot be read as a list of names",
                 o->offer_count == 0 ? "the ClientHello offers no ALPN, and" : "the field or the offer");
        return;
    }
    char offer[200];
    list_text(offer, sizeof offer, o->offer, o->offer_len, ALPN_ROLE_CLIENT);
    out->v = same_names(res.ext, res.ext_len, o->offer, o->offer_len) ? VERDICT_PASS : broken(s->row->lvl);
    snprintf(out->observed + n, sizeof out->observed - n, "; the ClientHello offered %.200s", offer);
}

void client_judge(const client_scenario *s, const observation *o, result *out)
{
    check_result_init(out, s->row, s->tls);
    out->ms = o->ms;
    set_expected(s, out);
    if (s->skip_reason != NULL) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed, "not run: %s", s->skip_reason);
        return;
    }
    if (is_proxy_expectation(s->expect) && !o->proxy_mode) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed,
                 "not run: alpncheck was not the client's proxy (run with "
                 "--proxy and a client configured to use alpncheck as its HTTP proxy)");
        return;
    }
    if (o->error || !o->hello_seen) {
        out->v = VERDICT_ERROR;
        /* An error after a whole ClientHello (a flood cut off, a bad resumption) is not a missing hello. */
        snprintf(out->observed, sizeof out->observed, "%s: %s",
                 o->hello_seen ? "after the ClientHello" : "no ClientHello",
                 o->error ? o->error_text : "the client did not connect");
        return;
    }
    if ((strcmp(s->tls, "1.3") == 0 && !o->offer_tls13) || (strcmp(s->tls, "1.2") == 0 && !o->offer_tls12)) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed, "not run: the client does not offer TLS %s", s->tls);
        return;
    }
    if (is_proxy_expectation(s->expect)) {
        judge_proxy_field(s, o, out);
        return;
    }
    size_t kept = o->offer_len < OBS_OFFER_MAX ? o->offer_len : OBS_OFFER_MAX;
    char offer[200], answer[260], what[240];
    if (o->offer_count == 0)
        snprintf(offer, sizeof offer, "no ALPN offered");
    else if (kept != o->offer_len)
        snprintf(offer, sizeof offer, "an ALPN offer of %zu bytes", o->offer_len);
    else {
        char l[160];
        list_text(l, sizeof l, o->offer, kept, ALPN_ROLE_CLIENT);
        snprintf(offer, sizeof offer, "offered %s%s", l, o->offer_count > 1 ? " (in several ALPN extensions)" : "");
    }
    client_answer a;
    client_answer_build(s, o->offer, kept, o->offer_count, o->offer_npn, &a);
    if (a.alert >= 0)
        snprintf(answer, sizeof answer, "answered fatal alert %d", a.alert);
    else if (!a.send)
        snprintf(answer, sizeof answer, "answered without ALPN");
    else {
        char l[160];
        list_text(l, sizeof l, a.ext, a.ext_len, ALPN_ROLE_SERVER);
        snprintf(answer, sizeof answer, "answered %s in %s%s", l,
                 a.in_server_hello ? "ServerHello" : "EncryptedExtensions", a.npn ? " with NPN" : "");
    }
    reaction(o, what, sizeof what);

    if (s->expect == CLIENT_EXPECT_WELLFORMED || s->expect == CLIENT_EXPECT_NO_H2C) {
        snprintf(out->observed, sizeof out->observed, "%s", offer);
        if (o->offer_count == 0) {
            out->v = s->expect == CLIENT_EXPECT_NO_H2C ? VERDICT_PASS : VERDICT_SKIP;
            if (out->v == VERDICT_SKIP)
                snprintf(out->observed, sizeof out->observed, "not run: the client offered no ALPN");
            return;
        }
        if (kept != o->offer_len) {
            out->v = VERDICT_SKIP;
            snprintf(out->observed, sizeof out->observed, "not run: the offer is longer than the %d bytes kept",
                     OBS_OFFER_MAX);
            return;
        }
        if (s->expect == CLIENT_EXPECT_NO_H2C) {
            /* RFC 9113 §3.2: "h2c" identifies HTTP/2 over cleartext TCP; it is not to be offered in TLS. */
            int h2c = alpn_list_validate(o->offer, kept, ALPN_ROLE_CLIENT, NULL, NULL) == ALPN_OK &&
                      offered(o->offer, kept, "h2c");
            out->v = h2c ? broken(s->row->lvl) : VERDICT_PASS;
            return;
        }
        /* RFC 8446 §4.2: one extension of a type; RFC 7301 §3.1: a list of non-empty names filling the data. */
        alpn_error e;
        memset(&e, 0, sizeof e);
        int rc = alpn_list_validate(o->offer, kept, ALPN_ROLE_CLIENT, NULL, &e);
        if (o->offer_count > 1) {
            out->v = broken(s->row->lvl);
            snprintf(out->observed, sizeof out->observed, "%u ALPN extensions in one ClientHello; %.300s",
                     o->offer_count, offer);
        } else if (rc != ALPN_OK) {
            out->v = broken(s->row->lvl);
            snprintf(out->observed, sizeof out->observed, "%.300s: %s", offer, alpn_strerror(rc));
        } else {
            out->v = VERDICT_PASS;
        }
        return;
    }

    snprintf(out->observed, sizeof out->observed, "%.150s; %.160s; %.180s", offer, answer, what);
    if (a.skip_reason != NULL) {
        out->v = VERDICT_SKIP;
        snprintf(out->observed, sizeof out->observed, "not run: %s (%.300s)", a.skip_reason, offer);
        return;
    }
    if (s->resumption) {
        /* RFC 8446 §4.2.10: the rule applies only when the client resumes with early data. */
        const char *why = !o->second_hello     ? "the client did not resume (no second connection after the ticket)"
                          : !o->resume_offered ? "the client did not resume (its second ClientHello does not offer "
                                                 "alpncheck's ticket in pre_shared_key with psk_dhe_ke)"
                          : !o->early_offered  ? "the client sent no early data (no early_data in its second "
                                                 "ClientHello)"
                                               : NULL;
        char name[300], ticket[320];
        peer_text(name, sizeof name, o->ticket_alpn, o->ticket_alpn_len);
        if (o->ticket_alpn_len > 0)
            snprintf(ticket, sizeof ticket, "for \"%.100s\"", name);
        else
            snprintf(ticket, sizeof ticket, "without ALPN");
        if (o->ticket_issued && why != NULL) {
            out->v = VERDICT_SKIP;
            snprintf(out->observed, sizeof out->observed, "not run: %s; the ticket was issued %.110s", why, ticket);
            return;
        }
        if (o->ticket_issued &&
            snprintf(out->observed, sizeof out->observed,
                     "ticket %.70s, resumed with early data (%u 0-RTT records); %.120s; %.130s, early data "
                     "accepted; %.160s",
                     ticket, o->early_records, offer, answer, what) >= (int)sizeof out->observed)
            out->observed[sizeof out->observed - 2] = '~'; /* cut: marked */
    }
    if (!o->answered) {
        out->v = VERDICT_ERROR;
        snprintf(out->observed, sizeof out->observed, "%.200s; alpncheck could not answer: %.250s", offer,
                 o->error_text[0] ? o->error_text : "unknown reason");
        return;
    }
    /* RFC 8446 §6: in TLS 1.3 the level carries no meaning and every alert but close_notify and user_canceled is
     * an error; RFC 5246 §7.2: in TLS 1.2 a warning-level alert is not fatal, and close_notify never is. */
    int tls13 = strcmp(s->tls, "1.3") == 0;
    /* Over QUIC a TLS alert is a CONNECTION_CLOSE with 0x0100 + alert (RFC 9001 §4.8): the same judgement. */
    int alert_level, alert = observation_alert(o, &alert_level);
    int fatal = alert > 0 && alert != 90 && (tls13 || alert_level != 1);
    if (fatal && certificate_alert(alert) && s->expect != CLIENT_EXPECT_REPORT) {
        /* Refusing our certificate says nothing about ALPN: the client must trust the CA ({ca}). */
        out->v = VERDICT_ERROR;
        strncat(out->observed, " — the client refused the certificate; give it the CA (--ca-out, {ca})",
                sizeof out->observed - strlen(out->observed) - 1);
        return;
    }
    switch (s->expect) {
    case CLIENT_EXPECT_ACCEPT:
        /* Over QUIC a client may close as soon as its handshake is done, and an endpoint that closes sends nothing
         * but CONNECTION_CLOSE (RFC 9000 §10.2), so its Finished can be lost to the close: an application close with
         * no TLS error after our whole flight accepted the answer as well. (A close with APPLICATION_ERROR instead of
         * a TLS alert where an alert is due stays a rejection without the alert, below.) */
        if ((o->accepted || observation_application_close(o)) && alert < 0)
            out->v = VERDICT_PASS;
        else if (alert >= 0 || o->closed)
            out->v = broken(s->row->lvl);
        else
            out->v = VERDICT_ERROR;
        break;
    case CLIENT_EXPECT_ALERT:
        if (o->accepted && !fatal) {
            out->v = broken(s->row->lvl);
        } else if (fatal) {
            /* The right alert passes; another fatal alert still rejects, with the wrong code (CHECKS.md: WARN). */
            out->v = s->expect_alert < 0 || alert == s->expect_alert ||
                             (s->expect_alert_also > 0 && alert == s->expect_alert_also)
                         ? VERDICT_PASS
                         : VERDICT_WARN;
        } else if (o->closed || alert >= 0) {
            out->v = VERDICT_WARN; /* rejected, but without a fatal alert */
        } else {
            out->v = VERDICT_ERROR;
        }
        break;
    default:
        /* INFO: reported, never failed — but only when something happened. */
        out->v = alert >= 0 || o->accepted || o->closed || o->client_exit >= 0 ? VERDICT_PASS : VERDICT_ERROR;
        break;
    }
}
