#include "vec_ask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What `ok` carries: names (list, hparse), exactly one name (select), exactly one value (hformat). */
enum { ANS_NAMES, ANS_ONE_NAME, ANS_VALUE };

/* ---- requests ---------------------------------------------------------------------------------------------------- */

static int start_line(vec_asker *a, const char *req, long tcid)
{
    char head[64];
    a->line.len = 0;
    snprintf(head, sizeof head, "%s %ld", req, tcid);
    return vbuf_str(&a->line, head);
}

/* " HEX", or " -" for no bytes. */
static int add_hex(vec_asker *a, const vbuf *b)
{
    if (b->len == 0)
        return vbuf_str(&a->line, " -");
    return vbuf_str(&a->line, " ") || vbuf_put_hex(&a->line, b->p, b->len);
}

/* ---- answers ----------------------------------------------------------------------------------------------------- */

/* A hex field of an answer: '-' for no bytes, digits of either case (adapters may answer in upper case). */
static int answer_hex(vec_asker *a, const char *tok, size_t n)
{
    a->tok.len = 0;
    if (n == 1 && tok[0] == '-')
        return 0;
    return vbuf_put_unhex(&a->tok, tok, n, 0, NULL) == 0 ? 0 : -1;
}

/* `error REST`: an alert number (TLS families) or a check ID; nothing or '-' when the adapter gives neither. */
static int parse_error(vec_asker *a, const char *resp, const char *rest, int alert_errors, vec_outcome *o)
{
    o->kind = OUT_ERR;
    if (rest[0] == '\0' || strcmp(rest, "-") == 0)
        return 0;
    if (!alert_errors) {
        snprintf(o->check, sizeof o->check, "%s", rest);
        return 0;
    }
    char *end;
    long alert = strtol(rest, &end, 10);
    if (*end != '\0' || end == rest || alert < 0 || alert > 255)
        return vec_fail(a->at, "garbled adapter answer (error needs an alert number 0-255): '%.80s'", resp);
    o->alert = alert;
    return 0;
}

/* `ok HEX...`: the fields separated by spaces, as names or as the octets of a value. */
static int parse_ok(vec_asker *a, const char *resp, const char *rest, int answer, vec_outcome *o)
{
    o->kind = OUT_OK;
    size_t count = 0;
    for (const char *p = rest; *p != '\0';) {
        const char *e = strchr(p, ' ');
        size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
        if (n > 0) {
            if (answer_hex(a, p, n) != 0)
                return vec_fail(a->at, "garbled adapter answer (bad hex): '%.80s'", resp);
            int bad = answer == ANS_VALUE ? vbuf_put(&o->data, a->tok.p, a->tok.len)
                                          : names_add(&o->data, a->tok.p, a->tok.len);
            if (bad)
                return vec_fail(a->at, "out of memory");
            count++;
        }
        p += n + (e != NULL);
    }
    if ((answer == ANS_ONE_NAME || answer == ANS_VALUE) && count != 1)
        return vec_fail(a->at, "garbled adapter answer ('ok' needs exactly one hex field here): '%.80s'", resp);
    return 0;
}

/* Sends a->line and parses the answer into o. alert_errors: errors carry an alert number (TLS families), else a
 * check ID. */
static int ask(vec_asker *a, int answer, int alert_errors, vec_outcome *o)
{
    const char *resp;
    char why[300];
    outcome_reset(o);
    if (a->line.len > VEC_LINE_MAX) {
        o->kind = OUT_SKIP;
        snprintf(o->reason, sizeof o->reason, "request over the protocol's %u-byte line limit", VEC_LINE_MAX);
        return 0;
    }
    if (vec_adapter_request(a->ad, (const char *)a->line.p, a->line.len, &resp, why, sizeof why) != 0)
        return vec_fail(a->at, "%s", why);
    const char *sp = strchr(resp, ' ');
    size_t kw = sp != NULL ? (size_t)(sp - resp) : strlen(resp);
    const char *rest = sp != NULL ? sp + 1 : resp + kw;
    if (kw == 4 && strncmp(resp, "skip", 4) == 0) {
        o->kind = OUT_SKIP;
        snprintf(o->reason, sizeof o->reason, "%s", rest[0] ? rest : "(no reason given)");
        return 0;
    }
    if (kw == 5 && strncmp(resp, "error", 5) == 0)
        return parse_error(a, resp, rest, alert_errors, o);
    if (kw == 2 && strncmp(resp, "ok", 2) == 0)
        return parse_ok(a, resp, rest, answer, o);
    return vec_fail(a->at, "garbled adapter answer (not ok/error/skip): '%.80s'", resp);
}

/* ---- the four questions ------------------------------------------------------------------------------------------ */

int vec_ask_list(vec_asker *a, long tcid, alpn_role role, const vbuf *ext, vec_outcome *o)
{
    if (start_line(a, "list", tcid) || vbuf_str(&a->line, role == ALPN_ROLE_CLIENT ? " client" : " server") ||
        add_hex(a, ext))
        return vec_fail(a->at, "out of memory");
    return ask(a, ANS_NAMES, 1, o);
}

int vec_ask_select(vec_asker *a, long tcid, const vbuf *server_ext, const vbuf *client_ext, vec_outcome *o)
{
    if (start_line(a, "select", tcid) || add_hex(a, server_ext) || add_hex(a, client_ext))
        return vec_fail(a->at, "out of memory");
    return ask(a, ANS_ONE_NAME, 1, o);
}

int vec_ask_hparse(vec_asker *a, long tcid, int strict, const vbuf *value, vec_outcome *o)
{
    if (start_line(a, "hparse", tcid) || vbuf_str(&a->line, strict ? " strict" : " lenient") || add_hex(a, value))
        return vec_fail(a->at, "out of memory");
    return ask(a, ANS_NAMES, 0, o);
}

int vec_ask_hformat(vec_asker *a, long tcid, const vbuf *ext, vec_outcome *o)
{
    if (start_line(a, "hformat", tcid) || add_hex(a, ext))
        return vec_fail(a->at, "out of memory");
    return ask(a, ANS_VALUE, 0, o);
}

/* ---- SVCB alpn and Alt-Svc --------------------------------------------------------------------------------------- */

/* `REQ TCID HEX`, answered by `ok` with one value (svcbparse, svcbprint) or with records (altsvc). */
static int ask_one(vec_asker *a, const char *req, long tcid, const vbuf *arg, int answer, vec_outcome *o)
{
    if (start_line(a, req, tcid) || add_hex(a, arg))
        return vec_fail(a->at, "out of memory");
    return ask(a, answer, 0, o);
}

int vec_ask_svcbparse(vec_asker *a, long tcid, const vbuf *presentation, vec_outcome *o)
{
    return ask_one(a, "svcbparse", tcid, presentation, ANS_VALUE, o);
}

int vec_ask_svcbprint(vec_asker *a, long tcid, const vbuf *wire, vec_outcome *o)
{
    return ask_one(a, "svcbprint", tcid, wire, ANS_VALUE, o);
}

int vec_ask_altsvc(vec_asker *a, long tcid, const vbuf *value, vec_outcome *o)
{
    return ask_one(a, "altsvc", tcid, value, ANS_NAMES, o);
}

void vec_asker_free(vec_asker *a)
{
    vbuf_free(&a->line);
    vbuf_free(&a->tok);
}
