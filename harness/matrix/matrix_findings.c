/*
 * The findings of the matrix (reports/findings.md and the findings section of matrix.html): every non-PASS
 * behaviour a peer showed, written as a report its maintainer can act on. Grouping: the same check with the same
 * verdict and the same observed text on one TLS stack is one finding, listing every peer (and TLS version) that
 * showed it. Read from the matrix document only, so the page never says more than the matrix.
 */
#include <string.h>

#include "escape.h"
#include "matrix.h"
#include "matrix_render.h"

/* Verdicts that are findings, most serious first; SKIP (not applicable), PASS and XFAIL (declared known) are not. */
static const char *const FINDING_VERDICTS[] = {"FAIL", "XPASS", "WARN", "ERROR"};
#define N_FINDING_VERDICTS (sizeof FINDING_VERDICTS / sizeof FINDING_VERDICTS[0])

static int severity(const char *v)
{
    for (size_t i = 0; i < N_FINDING_VERDICTS; i++)
        if (strcmp(v, FINDING_VERDICTS[i]) == 0)
            return (int)i;
    return -1;
}

static void append_once(json_t *array, const char *s)
{
    size_t i;
    json_t *x;
    json_array_foreach(array, i, x) if (strcmp(json_string_value(x), s) == 0) return;
    json_array_append_new(array, json_string(s));
}

/* The finding of (stack, column, verdict, observed) in the index, made on first sight. */
static json_t *finding_for(json_t *found, json_t *index, const char *role, const json_t *peer, size_t j,
                           const json_t *col, const json_t *cell, const char *v)
{
    char *key = NULL;
    size_t len = 0;
    FILE *k = open_memstream(&key, &len);
    if (k == NULL)
        return NULL;
    fprintf(k, "%s\x1f%s\x1f%s\x1f%s\x1f%s", role, mx_str(peer, "stack"), mx_str(col, "id"), v,
            mx_str(cell, "observed"));
    fclose(k);
    json_t *e = json_object_get(index, key);
    if (e == NULL) {
        e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:i, s:[], s:[]}", "role", role, "stack",
                      mx_str(peer, "stack"), "id", mx_str(col, "id"), "title", mx_str(col, "title"), "level",
                      mx_str(col, "level"), "ref", mx_str(col, "ref"), "verdict", v, "expected",
                      mx_str(cell, "expected"), "observed", mx_str(cell, "observed"), "col", (json_int_t)j, "severity",
                      severity(v), "tls", "peers");
        if (e != NULL) {
            json_object_set(e, "sent", json_object_get(cell, "sent"));
            json_object_set(e, "received", json_object_get(cell, "received"));
            json_object_set(index, key, e);
            json_array_append_new(found, e);
        }
    }
    free(key);
    return e;
}

/* Every finding of one table, in the order the peers and columns first show them. */
static void findings_of_table(const json_t *t, json_t *found, json_t *index)
{
    const char *role = mx_str(t, "role");
    const json_t *cols = json_object_get(t, "columns");
    size_t i, j;
    json_t *p, *c;
    json_array_foreach(json_object_get(t, "peers"), i, p)
    {
        if (!mx_is_run(p))
            continue;
        json_array_foreach(cols, j, c)
        {
            const json_t *cell;
            const char *v = mx_cell_verdict(p, j, &cell);
            if (v == NULL || severity(v) < 0)
                continue;
            json_t *e = finding_for(found, index, role, p, j, c, cell, v);
            if (e == NULL)
                continue;
            append_once(json_object_get(e, "tls"), mx_str(c, "tls"));
            json_t *peers = json_object_get(e, "peers");
            size_t k;
            json_t *q;
            int seen = 0;
            json_array_foreach(peers, k, q) seen |= strcmp(mx_str(q, "name"), mx_str(p, "name")) == 0;
            if (!seen)
                json_array_append_new(peers, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", mx_str(p, "name"),
                                                       "version", mx_str(p, "version"), "tls", mx_str(c, "tls"),
                                                       "start", mx_str(p, "start"), "check", mx_str(p, "check"),
                                                       "command", mx_str(p, "command")));
        }
    }
}

/* The stacks of a role's findings, most findings first (ties: first seen). */
static json_t *stacks_of(const json_t *found, const char *role)
{
    json_t *counts = json_object(), *order = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(found, i, e)
    {
        if (strcmp(mx_str(e, "role"), role) != 0)
            continue;
        const char *st = mx_str(e, "stack");
        json_int_t n = json_integer_value(json_object_get(counts, st));
        if (n == 0)
            json_array_append_new(order, json_string(st));
        json_object_set_new(counts, st, json_integer(n + 1));
    }
    size_t n = json_array_size(order);
    for (size_t a = 1; a < n; a++) /* insertion sort: stable, and the lists are short */
        for (size_t b = a; b > 0; b--) {
            json_t *x = json_array_get(order, b - 1), *y = json_array_get(order, b);
            if (json_integer_value(json_object_get(counts, json_string_value(y))) <=
                json_integer_value(json_object_get(counts, json_string_value(x))))
                break;
            json_incref(x);
            json_array_set(order, b - 1, y);
            json_array_set_new(order, b, x);
        }
    json_decref(counts);
    return order;
}

json_t *matrix_findings(const json_t *m)
{
    json_t *found = json_array(), *index = json_object();
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(m, "tables"), i, t) findings_of_table(t, found, index);
    json_decref(index);
    /* Ordered by role (the document's table order), stack, severity, then column. */
    json_t *out = json_array();
    json_array_foreach(json_object_get(m, "tables"), i, t)
    {
        json_t *stacks = stacks_of(found, mx_str(t, "role"));
        size_t s, n = json_array_size(json_object_get(t, "columns"));
        json_t *st;
        json_array_foreach(stacks, s, st)
        {
            for (int sev = 0; sev < (int)N_FINDING_VERDICTS; sev++)
                for (size_t j = 0; j < n; j++) {
                    size_t k;
                    json_t *e;
                    json_array_foreach(found, k, e)
                    {
                        if (strcmp(mx_str(e, "role"), mx_str(t, "role")) == 0 &&
                            strcmp(mx_str(e, "stack"), json_string_value(st)) == 0 &&
                            json_integer_value(json_object_get(e, "severity")) == sev &&
                            (size_t)json_integer_value(json_object_get(e, "col")) == j)
                            json_array_append(out, e);
                    }
                }
        }
        json_decref(stacks);
    }
    json_decref(found);
    return out;
}

/* ---- writing ---------------------------------------------------------------------------------------------------- */

/* The role of a finding (the builder accepted only known roles). */
static const mx_role *role_of(const json_t *e)
{
    const mx_role *r = mx_role_of(mx_str(e, "role"));
    return r ? r : &mx_roles[0];
}

/* The ALPN bytes of a finding: hex (checked by the builder, so safe in any markup) or what their absence means. */
static void put_bytes(FILE *f, const findings_format *fx, const json_t *e, const char *key)
{
    const json_t *b = json_object_get(e, key);
    if (json_is_string(b) && mx_is_hex_text(json_string_value(b)))
        mx_printf(f, fx->esc, "%r%r%r", fx->code_open, json_string_value(b)[0] ? json_string_value(b) : "(empty)",
                  fx->code_close);
    else if (json_is_null(b))
        fputs("no ALPN extension", f);
    else
        fputs("not recorded (a check over complete handshakes)", f);
}

static void put_tls_list(FILE *f, const findings_format *fx, const json_t *tls)
{
    size_t i;
    json_t *x;
    json_array_foreach(tls, i, x)
    {
        char label[16];
        mx_tls_label(json_string_value(x), label, sizeof label);
        mx_printf(f, fx->esc, "%r%r", i ? ", " : "", label);
    }
}

/* How to replay the finding against one peer: start it, then the one check at one TLS version, verbose. */
static void put_reproduce(FILE *f, const findings_format *fx, const json_t *e, const json_t *p)
{
    const char *start = mx_str(p, "start"), *check = mx_str(p, "check"), *tls = mx_str(p, "tls");
    mx_printf(f, fx->esc, fx->reproduce_peer, mx_str(p, "name"));
    if (role_of(e)->started && start[0])
        mx_printf(f, fx->esc,
                  "start it with %r%s%r (as make matrix ran it; its configuration is written under "
                  "build/matrix/run/), then ",
                  fx->cmd_open, start, fx->cmd_close);
    else if (role_of(e)->started)
        mx_printf(f, fx->esc, "start it as %s, then ", mx_str(p, "command"));
    if (check[0])
        mx_printf(f, fx->esc, "%r%s --only %s%r%s -v%r", fx->cmd_open, check, mx_str(e, "id"), tls[0] ? " --tls " : "",
                  tls, fx->cmd_close);
    else
        mx_printf(f, fx->esc, "run alpncheck %r with --only %s -v", mx_str(e, "role"), mx_str(e, "id"));
    fputs(fx->reproduce_peer_end, f);
}

/* One labelled field of plain text. */
static void put_field(FILE *f, const findings_format *fx, const char *label, const char *text)
{
    mx_printf(f, fx->esc, fx->field, label);
    mx_printf(f, fx->esc, "%s%r", text, fx->field_end);
}

static void put_finding(FILE *f, const findings_format *fx, const json_t *e, size_t n)
{
    const char *v = mx_known_verdict(mx_str(e, "verdict"));
    size_t i;
    json_t *p;
    mx_printf(f, fx->esc, fx->entry_head, n, v ? v : "ERROR", v ? v : "ERROR", mx_str(e, "id"), mx_str(e, "title"));
    mx_printf(f, fx->esc, fx->field, "Peers");
    json_array_foreach(json_object_get(e, "peers"), i, p)
        mx_printf(f, fx->esc, "%r%s (%s)", i ? ", " : "", mx_str(p, "name"), mx_str(p, "version"));
    fputs(fx->field_end, f);
    put_field(f, fx, role_of(e)->tls_stack ? "TLS stack" : "Proxy", mx_str(e, "stack"));
    mx_printf(f, fx->esc, fx->field, "TLS versions");
    put_tls_list(f, fx, json_object_get(e, "tls"));
    fputs(fx->field_end, f);
    mx_printf(f, fx->esc, fx->field, "Requirement");
    mx_printf(f, fx->esc, "%s, RFC %s: %s%r", mx_str(e, "level"), mx_str(e, "ref"), mx_str(e, "expected"),
              fx->field_end);
    put_field(f, fx, "Observed", mx_str(e, "observed"));
    if (role_of(e)->sent_label != NULL) {
        mx_printf(f, fx->esc, fx->field, role_of(e)->sent_label);
        put_bytes(f, fx, e, "sent");
        fputs(fx->field_end, f);
        mx_printf(f, fx->esc, fx->field, role_of(e)->received_label);
        put_bytes(f, fx, e, "received");
        fputs(fx->field_end, f);
    }
    mx_printf(f, fx->esc, fx->field, "Reproduce");
    fputs(fx->reproduce_begin, f);
    json_array_foreach(json_object_get(e, "peers"), i, p) put_reproduce(f, fx, e, p);
    fputs(fx->reproduce_end, f);
    fputs(fx->field_end, f);
    fputs(fx->entry_end, f);
}

int matrix_findings_write(const json_t *m, FILE *f, const findings_format *fx)
{
    json_t *all = matrix_findings(m);
    mx_printf(f, fx->esc, fx->head, json_array_size(all), mx_str(m, "generated"),
              mx_str(json_object_get(m, "tool"), "version"), mx_str(m, "platform"));
    const char *role = "", *stack = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e)
    {
        if (strcmp(mx_str(e, "role"), role) != 0) {
            role = mx_str(e, "role");
            stack = NULL;
            mx_printf(f, fx->esc, fx->role_head, role_of(e)->findings_head);
        }
        if (stack == NULL || strcmp(mx_str(e, "stack"), stack) != 0) {
            stack = mx_str(e, "stack");
            mx_printf(f, fx->esc, fx->stack_head, stack);
        }
        put_finding(f, fx, e, i + 1);
    }
    if (json_array_size(all) == 0)
        fputs(fx->none, f);
    fputs(fx->tail, f);
    json_decref(all);
    return ferror(f) ? -1 : 0;
}

static const findings_format FINDINGS_MD = {
    .esc = esc_md,
    .head = "# alpncheck findings\n\n%z findings, generated %s from `reports/matrix.json` by alpnmatrix (alpncheck %s, "
            "%s); `make matrix` rewrites this page, do not edit it. One finding per distinct non-PASS behaviour per "
            "TLS stack: the same check with the same verdict and the same observed behaviour on one stack is one "
            "finding that lists its peers. FAIL: a MUST broken. WARN: a SHOULD broken, or refused with the wrong alert "
            "or none. ERROR: no answer could be obtained (look at the peer's log before reporting it). SKIP cells are "
            "not findings. The versions tested are in each finding's peer list and in `reports/matrix.md`.\n",
    .role_head = "\n## %r\n",
    .stack_head = "\n### %s\n",
    .entry_head = "\n#### %z. %-%r `%s`: %s\n\n",
    .field = "- **%r:** ",
    .field_end = "\n",
    .code_open = "`",
    .code_close = "`",
    .cmd_open = "",
    .cmd_close = "",
    .reproduce_begin = "\n",
    .reproduce_peer = "  - %s: ",
    .reproduce_peer_end = "\n",
    .reproduce_end = "",
    .entry_end = "",
    .none = "\nNo findings: every check that ran passed or did not apply.\n",
    .tail = "",
};

int matrix_write_findings(const json_t *m, FILE *f)
{
    return matrix_findings_write(m, f, &FINDINGS_MD);
}
