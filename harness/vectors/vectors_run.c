/*
 * Vector runner (vectors/FORMAT.md): validates a whole file first (so a malformed file never half-runs), then runs
 * each test against libalpn or an adapter and judges the outcome:
 *   valid       the backend accepts and produces exactly the expected output;
 *   invalid     the backend rejects (libalpn: with the expected alert and check ID; adapters: the alert, for the
 *               TLS families);
 *   acceptable  rejecting passes; accepting (with exactly the expected names, where the file gives them) is
 *               counted as a lenient acceptance, not as a failure.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alpn.h"
#include "escape.h"
#include "vectors_run.h"

#ifndef ALPN_VECTORS_DIR
#define ALPN_VECTORS_DIR "vectors"
#endif
#ifndef ALPN_VECTORS_INSTALLED
#define ALPN_VECTORS_INSTALLED "../share/alpncheck/vectors"
#endif

/* The vectors of an installed alpncheck: ALPN_VECTORS_INSTALLED relative to the directory of the running program
 * (cmake/install.cmake puts them there), canonical; NULL when that directory does not exist (a build tree). */
static const char *installed_dir(void)
{
    static char resolved[PATH_MAX];
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return NULL;
    size_t room = sizeof exe - (size_t)(slash + 1 - exe);
    if ((size_t)snprintf(slash + 1, room, "%s", ALPN_VECTORS_INSTALLED) >= room)
        return NULL;
    struct stat st;
    if (realpath(exe, resolved) == NULL || stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return resolved;
}

const char *vec_default_dir(void)
{
    const char *env = getenv("ALPNCHECK_VECTORS_DIR");
    if (env != NULL && env[0] != '\0')
        return env;
    const char *installed = installed_dir();
    return installed != NULL ? installed : ALPN_VECTORS_DIR;
}

/* ---- growable byte buffer; a list of names is stored as (4-byte big-endian length, bytes) records ---------- */

typedef struct {
    uint8_t *p;
    size_t len, cap;
} vbuf;

static int vbuf_put(vbuf *b, const void *data, size_t n)
{
    if (n > SIZE_MAX / 2 - b->len)
        return -1;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (p == NULL)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    return 0;
}

static int names_add(vbuf *b, const uint8_t *name, size_t n)
{
    uint8_t hdr[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    return vbuf_put(b, hdr, 4) || vbuf_put(b, name, n) ? -1 : 0;
}

/* Iterates a names buffer: returns 1 with the next name, 0 at the end. */
static int names_next(const vbuf *b, size_t *pos, const uint8_t **name, size_t *n)
{
    if (*pos + 4 > b->len)
        return 0;
    const uint8_t *h = b->p + *pos;
    *n = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
    *name = h + 4;
    *pos += 4 + *n;
    return 1;
}

static int vbuf_eq(const vbuf *a, const vbuf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/* The names of extension_data that alpn_list_validate accepts (client role). Returns 0, or -1 when it is invalid. */
static int names_of_ext(const vbuf *ext, vbuf *names)
{
    names->len = 0;
    if (alpn_list_validate(ext->p, ext->len, ALPN_ROLE_CLIENT, NULL, NULL) != ALPN_OK)
        return -1;
    alpn_iter it;
    alpn_name nm;
    alpn_iter_init(&it, ext->p, ext->len);
    while (alpn_iter_next(&it, &nm))
        if (names_add(names, nm.data, nm.len))
            return -1;
    return 0;
}

/* ---- text for people ---------------------------------------------------------------------------------------- */

#define DESC_MAX 240

/* Appends bytes escaped (printable ASCII as is, '\\' and '"' escaped, others \xNN); stops with "..." when full. */
static void esc_append(char *out, size_t cap, size_t *o, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n && *o + 8 < cap; i++) {
        uint8_t c = p[i];
        int w;
        if (c == '\\' || c == '"')
            w = snprintf(out + *o, cap - *o, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            w = snprintf(out + *o, cap - *o, "%c", c);
        else
            w = snprintf(out + *o, cap - *o, "\\x%02x", c);
        *o += (size_t)w;
    }
    if (*o + 8 >= cap && *o + 4 <= cap)
        *o += (size_t)snprintf(out + *o, cap - *o, "...");
}

static void str_append(char *out, size_t cap, size_t *o, const char *s)
{
    int w = snprintf(out + *o, cap - *o, "%s", s);
    if (w > 0)
        *o = *o + (size_t)w < cap ? *o + (size_t)w : cap - 1;
}

/* Concatenates the strings up to a NULL into out (truncated to cap). */
static void join(char *out, size_t cap, ...)
{
    va_list ap;
    size_t o = 0;
    out[0] = '\0';
    va_start(ap, cap);
    for (const char *s = va_arg(ap, const char *); s != NULL; s = va_arg(ap, const char *))
        str_append(out, cap, &o, s);
    va_end(ap);
}

/* "ok [h2, http/1.1]" */
static void desc_names(char *out, size_t cap, const char *prefix, const vbuf *names)
{
    size_t o = 0, pos = 0, n;
    const uint8_t *name;
    out[0] = '\0';
    str_append(out, cap, &o, prefix);
    str_append(out, cap, &o, "[");
    for (int first = 1; names_next(names, &pos, &name, &n); first = 0) {
        if (!first)
            str_append(out, cap, &o, ", ");
        esc_append(out, cap, &o, name, n);
    }
    str_append(out, cap, &o, "]");
}

/* "ok \"h2, http%2F1.1\"" */
static void desc_value(char *out, size_t cap, const char *prefix, const vbuf *value)
{
    size_t o = 0;
    out[0] = '\0';
    str_append(out, cap, &o, prefix);
    str_append(out, cap, &o, "\"");
    esc_append(out, cap, &o, value->p, value->len);
    str_append(out, cap, &o, "\"");
}

/* ---- outcomes --------------------------------------------------------------------------------------------- */

enum { OUT_OK = 0, OUT_ERR, OUT_SKIP };

typedef struct {
    int kind;
    vbuf data;  /* OUT_OK: names (list, select, hparse) or the value's octets (hformat) */
    long alert; /* OUT_ERR: TLS alert, -1 when not given */
    char check[64];
    char reason[200]; /* OUT_SKIP */
} outcome;

static void out_reset(outcome *o)
{
    o->kind = OUT_ERR;
    o->data.len = 0;
    o->alert = -1;
    o->check[0] = '\0';
    o->reason[0] = '\0';
}

static void out_error(outcome *o, long alert, const char *check)
{
    out_reset(o);
    o->alert = alert;
    snprintf(o->check, sizeof o->check, "%s", check != NULL ? check : "");
}

static void desc_error(char *out, size_t cap, long alert, const char *check)
{
    if (alert >= 0 && check != NULL && check[0] != '\0')
        snprintf(out, cap, "error %ld (%s)", alert, check);
    else if (alert >= 0)
        snprintf(out, cap, "error %ld", alert);
    else if (check != NULL && check[0] != '\0')
        snprintf(out, cap, "error %s", check);
    else
        snprintf(out, cap, "error");
}

/* How an outcome looks: names for list/select/hparse, a value for hformat. */
static void desc_outcome(char *out, size_t cap, const outcome *o, int is_value)
{
    if (o->kind == OUT_ERR)
        desc_error(out, cap, o->alert, o->check);
    else if (o->kind == OUT_SKIP)
        snprintf(out, cap, "skip %s", o->reason);
    else if (is_value)
        desc_value(out, cap, "ok ", &o->data);
    else
        desc_names(out, cap, "ok ", &o->data);
}

/* ---- the file being run --------------------------------------------------------------------------------------- */

enum { RES_VALID = 0, RES_INVALID, RES_ACCEPTABLE };

typedef struct {
    long tcid;
    const char *comment, *result_text, *check;
    int result;
    json_t *flags;
    vbuf ext;      /* list: ext; select: client; hformat: built from names; cross: ext */
    vbuf names;    /* list: names; hparse: names; hformat: names */
    vbuf value;    /* hparse: valueHex; hformat and cross: value */
    vbuf selected; /* select: selected name (as a names buffer of one) */
    int has_names, has_selected, has_value;
    long alert;
    int unencodable; /* hformat: the names have no extension_data form (a name over 255 octets) */
} vcase;

typedef struct {
    const char *path;
    vec_adapter *ad;
    FILE *log;
    vec_file_result *res;
    char *err;
    size_t errcap;
    size_t gi, ti; /* position, for messages */
    long tcid;
    long last_tcid; /* the validation pass: tcIds run 1, 2, 3 ... in file order */
    json_t *notes;  /* the file's notes: every flag is one of its keys */
    int dry;        /* validation pass: extract fields only */
    /* group */
    alpn_role role;
    vbuf server_names; /* select: the server's list */
    alpn_name *server;
    size_t n_server;
    vbuf server_ext; /* select: the server list as extension_data, for adapters */
    int server_unencodable;
    /* scratch */
    vcase c;
    outcome got, got2;
    vbuf line, tmp, tmp2;
    uint8_t *hdr_ext; /* alpn_header_parse output */
} run_ctx;

static int fail_at(run_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_at(run_ctx *x, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (x->tcid >= 0)
        snprintf(x->err, x->errcap, "%s: testGroups[%zu].tests[%zu] (tcId %ld): %s", x->path, x->gi, x->ti, x->tcid,
                 what);
    else
        snprintf(x->err, x->errcap, "%s: testGroups[%zu]: %s", x->path, x->gi, what);
    return -1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes lower-case hex without separators (FORMAT.md) into out (appending). */
static int hex_decode(run_ctx *x, const char *field, const char *s, size_t n, vbuf *out)
{
    if (n % 2 != 0)
        return fail_at(x, "bad hex in '%s': odd number of digits", field);
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0)
            return fail_at(x, "bad hex in '%s' at character %zu (lower-case hex digits only)", field,
                           hi < 0 ? i : i + 1);
        uint8_t b = (uint8_t)(hi << 4 | lo);
        if (vbuf_put(out, &b, 1))
            return fail_at(x, "out of memory");
    }
    return 0;
}

static json_t *field(run_ctx *x, json_t *obj, const char *key, json_type type, const char *type_name)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL) {
        fail_at(x, "missing field '%s'", key);
        return NULL;
    }
    if (json_typeof(v) != type) {
        fail_at(x, "field '%s' is not %s", key, type_name);
        return NULL;
    }
    return v;
}

static int hex_field(run_ctx *x, json_t *obj, const char *key, vbuf *out)
{
    out->len = 0;
    json_t *v = field(x, obj, key, JSON_STRING, "a string");
    return v == NULL ? -1 : hex_decode(x, key, json_string_value(v), json_string_length(v), out);
}

/* An array of hex names into a names buffer. */
static int names_field(run_ctx *x, json_t *obj, const char *key, vbuf *out)
{
    out->len = 0;
    json_t *a = field(x, obj, key, JSON_ARRAY, "an array of hex strings");
    if (a == NULL)
        return -1;
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
    {
        if (!json_is_string(e))
            return fail_at(x, "'%s'[%zu] is not a hex string", key, i);
        x->tmp.len = 0;
        if (hex_decode(x, key, json_string_value(e), json_string_length(e), &x->tmp))
            return -1;
        if (names_add(out, x->tmp.p, x->tmp.len))
            return fail_at(x, "out of memory");
    }
    return 0;
}

static int alert_field(run_ctx *x, json_t *obj, const char *key, long *alert, int allow_null)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL)
        return fail_at(x, "missing field '%s'", key);
    if (json_is_null(v) && allow_null) {
        *alert = -1;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 255)
        return fail_at(x, "field '%s' is not an alert number%s", key, allow_null ? " or null" : "");
    *alert = (long)json_integer_value(v);
    return 0;
}

/* Builds extension_data from a names buffer without judging it (empty names and an empty list included), for
 * requests to adapters. Returns -1 when a name is over 255 octets or the list over 65535 (no such encoding). */
static int ext_from_names(const vbuf *names, vbuf *ext)
{
    size_t pos = 0, n, total = 0;
    const uint8_t *name;
    ext->len = 0;
    uint8_t zero[2] = {0, 0};
    if (vbuf_put(ext, zero, 2))
        return -1;
    while (names_next(names, &pos, &name, &n)) {
        if (n > ALPN_NAME_MAX)
            return -1;
        uint8_t l = (uint8_t)n;
        if (vbuf_put(ext, &l, 1) || vbuf_put(ext, name, n))
            return -1;
        total += 1 + n;
    }
    if (total > ALPN_LIST_MAX)
        return -1;
    ext->p[0] = (uint8_t)(total >> 8);
    ext->p[1] = (uint8_t)total;
    return 0;
}

/* ---- notes and tallies ----------------------------------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

static char *flags_text(json_t *flags)
{
    size_t i, len = 0;
    json_t *e;
    if (flags == NULL || json_array_size(flags) == 0)
        return NULL;
    json_array_foreach(flags, i, e) len += (json_is_string(e) ? json_string_length(e) : 0) + 1;
    char *s = calloc(1, len + 1);
    if (s == NULL)
        return NULL;
    json_array_foreach(flags, i, e)
    {
        if (i > 0)
            strcat(s, ",");
        if (json_is_string(e))
            strcat(s, json_string_value(e));
    }
    return s;
}

static void note(run_ctx *x, vec_note_kind kind, const char *expected, const char *got)
{
    vec_file_result *r = x->res;
    if (kind == VEC_NOTE_FAIL)
        r->failed++;
    else if (kind == VEC_NOTE_LENIENT)
        r->lenient++;
    else
        r->skipped++;
    if (kind == VEC_NOTE_FAIL && x->log != NULL)
        fprintf(x->log, "  tcId %ld (%s): expected %s, got %s\n", x->c.tcid, x->c.comment, expected, got);
    if (r->n_notes == r->cap_notes) {
        size_t cap = r->cap_notes ? 2 * r->cap_notes : 32;
        vec_note *p = realloc(r->notes, cap * sizeof *p);
        if (p == NULL)
            return;
        r->notes = p;
        r->cap_notes = cap;
    }
    vec_note *n = &r->notes[r->n_notes++];
    n->kind = kind;
    n->tcid = x->c.tcid;
    n->comment = dup_or_null(x->c.comment);
    n->result = dup_or_null(x->c.result_text);
    n->check = dup_or_null(x->c.check);
    n->flags = flags_text(x->c.flags);
    n->expected = dup_or_null(expected);
    n->got = dup_or_null(got);
}

static void pass(run_ctx *x)
{
    x->res->passed++;
}

static void skip(run_ctx *x, const char *reason)
{
    note(x, VEC_NOTE_SKIP, NULL, reason);
}

/* ---- adapter requests ------------------------------------------------------------------------------------------ */

static int line_add(vbuf *l, const char *s)
{
    return vbuf_put(l, s, strlen(s));
}

static int line_hex(vbuf *l, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    if (n == 0)
        return line_add(l, " -");
    if (line_add(l, " "))
        return -1;
    for (size_t i = 0; i < n; i++) {
        char h[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
        if (vbuf_put(l, h, 2))
            return -1;
    }
    return 0;
}

static int adapter_hex(const char *tok, size_t n, vbuf *out)
{
    out->len = 0;
    if (n == 1 && tok[0] == '-')
        return 0;
    if (n % 2 != 0)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        /* Adapters may answer in either case; only hex digits count (0x10-0x19 | 0x20 would read as digits). */
        int hi = hexval(tolower((unsigned char)tok[i])), lo = hexval(tolower((unsigned char)tok[i + 1]));
        if (hi < 0 || lo < 0)
            return -1;
        uint8_t b = (uint8_t)(hi << 4 | lo);
        if (vbuf_put(out, &b, 1))
            return -1;
    }
    return 0;
}

enum { ANS_NAMES, ANS_ONE_NAME, ANS_VALUE };

/* Sends x->line and parses the answer into o. answer: what `ok` carries; errors carry an alert number (TLS
 * families) or a check ID. Returns 0, or -1 (x->err set) on an adapter failure or a garbled answer. */
static int ask(run_ctx *x, int answer, int alert_errors, outcome *o)
{
    const char *resp;
    char why[300];
    out_reset(o);
    if ((size_t)x->line.len > VEC_LINE_MAX) {
        o->kind = OUT_SKIP;
        snprintf(o->reason, sizeof o->reason, "request over the protocol's %u-byte line limit", VEC_LINE_MAX);
        return 0;
    }
    if (vec_adapter_request(x->ad, (const char *)x->line.p, x->line.len, &resp, why, sizeof why) != 0)
        return fail_at(x, "%s", why);
    const char *sp = strchr(resp, ' ');
    size_t kw = sp != NULL ? (size_t)(sp - resp) : strlen(resp);
    const char *rest = sp != NULL ? sp + 1 : resp + kw;
    if (kw == 4 && strncmp(resp, "skip", 4) == 0) {
        o->kind = OUT_SKIP;
        snprintf(o->reason, sizeof o->reason, "%s", rest[0] ? rest : "(no reason given)");
        return 0;
    }
    if (kw == 5 && strncmp(resp, "error", 5) == 0) {
        o->kind = OUT_ERR;
        if (rest[0] == '\0' || strcmp(rest, "-") == 0)
            return 0;
        if (alert_errors) {
            char *end;
            long a = strtol(rest, &end, 10);
            if (*end != '\0' || end == rest || a < 0 || a > 255)
                return fail_at(x, "garbled adapter answer (error needs an alert number 0-255): '%.80s'", resp);
            o->alert = a;
        } else {
            snprintf(o->check, sizeof o->check, "%s", rest);
        }
        return 0;
    }
    if (kw == 2 && strncmp(resp, "ok", 2) == 0) {
        o->kind = OUT_OK;
        size_t count = 0;
        const char *p = rest;
        while (*p != '\0') {
            const char *e = strchr(p, ' ');
            size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
            if (n > 0) {
                if (adapter_hex(p, n, &x->tmp2) != 0)
                    return fail_at(x, "garbled adapter answer (bad hex): '%.80s'", resp);
                int bad = answer == ANS_VALUE ? vbuf_put(&o->data, x->tmp2.p, x->tmp2.len)
                                              : names_add(&o->data, x->tmp2.p, x->tmp2.len);
                if (bad)
                    return fail_at(x, "out of memory");
                count++;
            }
            p += n + (e != NULL);
        }
        if ((answer == ANS_ONE_NAME || answer == ANS_VALUE) && count != 1)
            return fail_at(x, "garbled adapter answer ('ok' needs exactly one hex field here): '%.80s'", resp);
        return 0;
    }
    return fail_at(x, "garbled adapter answer (not ok/error/skip): '%.80s'", resp);
}

static int start_line(run_ctx *x, const char *req)
{
    char head[64];
    x->line.len = 0;
    snprintf(head, sizeof head, "%s %ld", req, x->c.tcid);
    return line_add(&x->line, head);
}

/* ---- judging -------------------------------------------------------------------------------------------------- */

/* Accept-or-reject judgement shared by the families: exp_ok is the expected output when accepting is right
 * (valid; acceptable with names), exp_alert/exp_check the expected rejection (libalpn only compares the check).
 * is_value: outputs are a value (hformat), not names. Returns after counting. */
static void judge(run_ctx *x, const outcome *got, const vbuf *exp_ok, long exp_alert, const char *exp_check,
                  int compare_check, int is_value)
{
    char exp[DESC_MAX], g[DESC_MAX];
    if (got->kind == OUT_SKIP) {
        skip(x, got->reason);
        return;
    }
    desc_outcome(g, sizeof g, got, is_value);
    if (x->c.result == RES_VALID) {
        if (got->kind == OUT_OK && (exp_ok == NULL || vbuf_eq(&got->data, exp_ok))) {
            pass(x);
            return;
        }
        if (exp_ok == NULL)
            snprintf(exp, sizeof exp, "ok");
        else if (is_value)
            desc_value(exp, sizeof exp, "ok ", exp_ok);
        else
            desc_names(exp, sizeof exp, "ok ", exp_ok);
        note(x, VEC_NOTE_FAIL, exp, g);
        return;
    }
    desc_error(exp, sizeof exp, exp_alert, compare_check ? exp_check : NULL);
    if (got->kind == OUT_ERR) {
        int alert_ok = exp_alert < 0 || got->alert == exp_alert;
        int check_ok = !compare_check || exp_check == NULL || strcmp(got->check, exp_check) == 0;
        if (alert_ok && check_ok)
            pass(x);
        else
            note(x, VEC_NOTE_FAIL, exp, g);
        return;
    }
    /* Accepted. */
    if (x->c.result == RES_ACCEPTABLE && (exp_ok == NULL || vbuf_eq(&got->data, exp_ok))) {
        char e2[DESC_MAX];
        join(e2, sizeof e2, exp, " (strict)", (char *)NULL);
        note(x, VEC_NOTE_LENIENT, e2, g);
        return;
    }
    if (x->c.result == RES_ACCEPTABLE) { /* accepted, with other names than a lenient parser may yield */
        char e2[DESC_MAX + 8];
        if (is_value)
            desc_value(g, sizeof g, "ok ", exp_ok);
        else
            desc_names(g, sizeof g, "ok ", exp_ok);
        join(e2, sizeof e2, exp, " or ", g, (char *)NULL);
        desc_outcome(g, sizeof g, got, is_value);
        note(x, VEC_NOTE_FAIL, e2, g);
        return;
    }
    note(x, VEC_NOTE_FAIL, exp, g);
}

/* ---- libalpn backend ------------------------------------------------------------------------------------------ */

static void lib_list(const vbuf *ext, alpn_role role, outcome *o)
{
    alpn_error err;
    out_reset(o);
    int rc = alpn_list_validate(ext->p, ext->len, role, NULL, &err);
    if (rc != ALPN_OK) {
        out_error(o, rc < ALPN_INTERNAL ? rc : -1, err.check);
        return;
    }
    o->kind = OUT_OK;
    alpn_iter it;
    alpn_name nm;
    alpn_iter_init(&it, ext->p, ext->len);
    while (alpn_iter_next(&it, &nm))
        names_add(&o->data, nm.data, nm.len);
}

static void lib_hparse(run_ctx *x, const vbuf *value, alpn_hdr_mode mode, outcome *o)
{
    alpn_error err;
    alpn_header_result res = {.ext = x->hdr_ext, .ext_cap = ALPN_EXT_MAX};
    out_reset(o);
    int rc = alpn_header_parse((const char *)value->p, value->len, mode, &res, &err);
    if (rc != ALPN_OK) {
        out_error(o, -1, rc == ALPN_E_BUFFER ? "list over 65535 octets" : err.check);
        return;
    }
    o->kind = OUT_OK;
    vbuf ext = {.p = x->hdr_ext, .len = res.ext_len};
    alpn_iter it;
    alpn_name nm;
    alpn_iter_init(&it, ext.p, ext.len);
    while (alpn_iter_next(&it, &nm))
        names_add(&o->data, nm.data, nm.len);
}

static void lib_hformat_ext(const vbuf *ext, outcome *o)
{
    alpn_error err;
    size_t need = 0;
    out_reset(o);
    int rc = alpn_header_format(ext->p, ext->len, NULL, 0, &need, &err);
    if (rc == ALPN_E_BUFFER) {
        char *buf = malloc(need);
        rc = buf != NULL ? alpn_header_format(ext->p, ext->len, buf, need, &need, &err) : ALPN_E_BUFFER;
        if (rc == ALPN_OK) {
            o->kind = OUT_OK;
            vbuf_put(&o->data, buf, need);
        }
        free(buf);
    } else if (rc == ALPN_OK) {
        o->kind = OUT_OK; /* empty output */
    }
    if (rc != ALPN_OK)
        out_error(o, -1, err.check);
}

/* hformat with libalpn: the extension_data is built with alpn_list_encode, which refuses invalid name lists. */
static void lib_hformat_names(const vbuf *names, outcome *o)
{
    size_t n = 0, pos = 0, len;
    const uint8_t *name;
    while (names_next(names, &pos, &name, &len))
        n++;
    alpn_name *arr = calloc(n ? n : 1, sizeof *arr);
    out_reset(o);
    if (arr == NULL) {
        out_error(o, -1, "out of memory");
        return;
    }
    pos = 0;
    for (size_t i = 0; names_next(names, &pos, &name, &len); i++)
        arr[i] = (alpn_name){name, len};
    alpn_error err;
    size_t need = 0;
    int rc = alpn_list_encode(arr, n, NULL, 0, &need, &err);
    if (rc == ALPN_E_BUFFER) {
        uint8_t *buf = malloc(need);
        rc = buf != NULL ? alpn_list_encode(arr, n, buf, need, &need, &err) : ALPN_E_BUFFER;
        if (rc == ALPN_OK) {
            vbuf ext = {.p = buf, .len = need};
            lib_hformat_ext(&ext, o);
        }
        free(buf);
    }
    if (rc != ALPN_OK)
        out_error(o, -1, err.check);
    free(arr);
}

/* ---- families -------------------------------------------------------------------------------------------------- */

static int run_list(run_ctx *x)
{
    vcase *c = &x->c;
    if (x->ad == NULL) {
        lib_list(&c->ext, x->role, &x->got);
        judge(x, &x->got, c->has_names ? &c->names : NULL, c->alert, c->check, 1, 0);
        return 0;
    }
    if (start_line(x, "list") || line_add(&x->line, x->role == ALPN_ROLE_CLIENT ? " client" : " server") ||
        line_hex(&x->line, c->ext.p, c->ext.len))
        return fail_at(x, "out of memory");
    if (ask(x, ANS_NAMES, 1, &x->got))
        return -1;
    judge(x, &x->got, c->has_names ? &c->names : NULL, c->alert, c->check, 0, 0);
    return 0;
}

static int run_select(run_ctx *x)
{
    vcase *c = &x->c;
    outcome *o = &x->got;
    if (x->ad == NULL) {
        alpn_error err;
        size_t sel = 0;
        out_reset(o);
        int rc = alpn_select(x->server, x->n_server, c->ext.p, c->ext.len, ALPN_PREFER_SERVER, &sel, NULL, &err);
        if (rc == ALPN_OK) {
            o->kind = OUT_OK;
            names_add(&o->data, x->server[sel].data, x->server[sel].len);
        } else {
            out_error(o, rc < ALPN_INTERNAL ? rc : -1, rc < ALPN_INTERNAL ? NULL : err.check);
        }
    } else if (x->server_unencodable) {
        skip(x, "the server list has no extension_data form (a name over 255 octets)");
        return 0;
    } else {
        if (start_line(x, "select") || line_hex(&x->line, x->server_ext.p, x->server_ext.len) ||
            line_hex(&x->line, c->ext.p, c->ext.len))
            return fail_at(x, "out of memory");
        if (ask(x, ANS_ONE_NAME, 1, o))
            return -1;
    }
    if (o->kind == OUT_SKIP) {
        skip(x, o->reason);
        return 0;
    }
    /* The expected outcome is exact: a selected name, or an alert (120 no overlap, 50 malformed offer). */
    char exp[DESC_MAX], g[DESC_MAX];
    desc_outcome(g, sizeof g, o, 0);
    if (c->has_selected) {
        desc_names(exp, sizeof exp, "ok ", &c->selected);
        /* An acceptable test (FORMAT.md): refusing passes, selecting exactly the expected name is lenient. */
        if (o->kind == OUT_OK && vbuf_eq(&o->data, &c->selected) && c->result == RES_ACCEPTABLE)
            note(x, VEC_NOTE_LENIENT, exp, g);
        else if (o->kind == OUT_OK && vbuf_eq(&o->data, &c->selected))
            pass(x);
        else if (c->result == RES_ACCEPTABLE && o->kind == OUT_ERR)
            pass(x);
        else
            note(x, VEC_NOTE_FAIL, exp, g);
        return 0;
    }
    desc_error(exp, sizeof exp, c->alert, NULL);
    if (o->kind == OUT_ERR && (c->alert < 0 || o->alert == c->alert))
        pass(x);
    else if (c->result == RES_ACCEPTABLE && o->kind == OUT_OK)
        note(x, VEC_NOTE_LENIENT, exp, g);
    else
        note(x, VEC_NOTE_FAIL, exp, g);
    return 0;
}

static int run_hparse(run_ctx *x)
{
    vcase *c = &x->c;
    const vbuf *exp_ok = c->has_names ? &c->names : NULL;
    if (x->ad != NULL) {
        /* An adapter is judged as a receiver: lenient mode, where acceptable input may be accepted. */
        if (start_line(x, "hparse") || line_add(&x->line, " lenient") || line_hex(&x->line, c->value.p, c->value.len))
            return fail_at(x, "out of memory");
        if (ask(x, ANS_NAMES, 0, &x->got))
            return -1;
        judge(x, &x->got, exp_ok, -1, c->check, 0, 0);
        return 0;
    }
    /* libalpn: strict must accept valid and reject invalid and acceptable with the check ID; lenient must accept
     * valid, reject invalid, and may accept acceptable with exactly the names. */
    char exp[DESC_MAX], g[DESC_MAX], e2[DESC_MAX + 16], g2[DESC_MAX + 16];
    lib_hparse(x, &c->value, ALPN_HDR_STRICT, &x->got);
    lib_hparse(x, &c->value, ALPN_HDR_LENIENT, &x->got2);
    const outcome *s = &x->got, *l = &x->got2;
    int strict_ok, lenient_ok, lenient_accepted = 0;
    if (c->result == RES_VALID) {
        strict_ok = s->kind == OUT_OK && vbuf_eq(&s->data, exp_ok);
        lenient_ok = l->kind == OUT_OK && vbuf_eq(&l->data, exp_ok);
        desc_names(exp, sizeof exp, "ok ", exp_ok);
    } else {
        strict_ok = s->kind == OUT_ERR && (c->check == NULL || strcmp(s->check, c->check) == 0);
        lenient_ok = l->kind == OUT_ERR;
        if (c->result == RES_ACCEPTABLE && l->kind == OUT_OK) {
            lenient_ok = exp_ok == NULL || vbuf_eq(&l->data, exp_ok);
            lenient_accepted = lenient_ok;
        }
        desc_error(exp, sizeof exp, -1, c->check);
    }
    if (!strict_ok) {
        desc_outcome(g, sizeof g, s, 0);
        join(e2, sizeof e2, "strict ", exp, (char *)NULL);
        join(g2, sizeof g2, "strict ", g, (char *)NULL);
        note(x, VEC_NOTE_FAIL, e2, g2);
        return 0;
    }
    if (!lenient_ok) {
        desc_outcome(g, sizeof g, l, 0);
        if (c->result == RES_ACCEPTABLE && exp_ok != NULL) {
            char alt[DESC_MAX];
            desc_names(alt, sizeof alt, "ok ", exp_ok);
            join(e2, sizeof e2, "lenient error or ", alt, (char *)NULL);
        } else {
            join(e2, sizeof e2, "lenient ", c->result == RES_VALID ? exp : "error", (char *)NULL);
        }
        join(g2, sizeof g2, "lenient ", g, (char *)NULL);
        note(x, VEC_NOTE_FAIL, e2, g2);
        return 0;
    }
    if (lenient_accepted) {
        /* Strict rejected it, lenient accepted it with the expected names: counted as lenient. */
        desc_outcome(g, sizeof g, l, 0);
        join(g2, sizeof g2, "lenient ", g, (char *)NULL);
        note(x, VEC_NOTE_LENIENT, "strict error", g2);
        return 0;
    }
    pass(x);
    return 0;
}

static int run_hformat(run_ctx *x)
{
    vcase *c = &x->c;
    if (x->ad == NULL) {
        lib_hformat_names(&c->names, &x->got);
        judge(x, &x->got, &c->value, -1, c->check, 0, 1);
        return 0;
    }
    if (c->unencodable) {
        skip(x, "the names have no extension_data form (a name over 255 octets or a list over 65535)");
        return 0;
    }
    if (start_line(x, "hformat") || line_hex(&x->line, c->ext.p, c->ext.len))
        return fail_at(x, "out of memory");
    if (ask(x, ANS_VALUE, 0, &x->got))
        return -1;
    judge(x, &x->got, &c->value, -1, c->check, 0, 1);
    return 0;
}

static int run_cross(run_ctx *x)
{
    vcase *c = &x->c;
    outcome *f = &x->got, *p = &x->got2;
    if (!c->has_value) {
        /* No header form: formatting ext must be refused (RFC 7301 §3.1: the list is malformed). */
        if (x->ad == NULL) {
            lib_hformat_ext(&c->ext, f);
        } else {
            if (start_line(x, "hformat") || line_hex(&x->line, c->ext.p, c->ext.len))
                return fail_at(x, "out of memory");
            if (ask(x, ANS_VALUE, 0, f))
                return -1;
        }
        judge(x, f, NULL, -1, c->check, x->ad == NULL && c->check != NULL && strncmp(c->check, "SRV-", 4) == 0, 1);
        return 0;
    }
    if (x->ad == NULL) {
        lib_hformat_ext(&c->ext, f);
        lib_hparse(x, &c->value, ALPN_HDR_STRICT, p);
    } else {
        if (start_line(x, "hformat") || line_hex(&x->line, c->ext.p, c->ext.len))
            return fail_at(x, "out of memory");
        if (ask(x, ANS_VALUE, 0, f))
            return -1;
        if (start_line(x, "hparse") || line_add(&x->line, " strict") || line_hex(&x->line, c->value.p, c->value.len))
            return fail_at(x, "out of memory");
        if (ask(x, ANS_NAMES, 0, p))
            return -1;
        if (f->kind == OUT_SKIP || p->kind == OUT_SKIP) {
            skip(x, f->kind == OUT_SKIP ? f->reason : p->reason);
            return 0;
        }
    }
    int ext_ok = names_of_ext(&c->ext, &x->tmp) == 0;
    int fwd = f->kind == OUT_OK && vbuf_eq(&f->data, &c->value);
    int back = p->kind == OUT_OK && ext_ok && vbuf_eq(&p->data, &x->tmp);
    char exp[DESC_MAX], g[DESC_MAX], e2[2 * DESC_MAX], g2[2 * DESC_MAX];
    desc_outcome(g, sizeof g, f, 1);
    desc_outcome(g2, sizeof g2, p, 0);
    char gboth[2 * DESC_MAX + 32];
    join(gboth, sizeof gboth, "format ", g, "; parse ", g2, (char *)NULL);
    if (c->result == RES_VALID) {
        if (fwd && back) {
            pass(x);
            return 0;
        }
        desc_value(exp, sizeof exp, "", &c->value);
        if (ext_ok)
            desc_names(g, sizeof g, "ok ", &x->tmp);
        else
            snprintf(g, sizeof g, "(ext is not a valid list)");
        join(e2, sizeof e2, "format ok ", exp, "; parse ", g, (char *)NULL);
        note(x, VEC_NOTE_FAIL, e2, gboth);
        return 0;
    }
    /* Invalid: the pair must not correspond; a malformed ext must be refused by the formatter (libalpn). */
    int must_refuse = x->ad == NULL && c->check != NULL && strncmp(c->check, "SRV-MALFORMED", 13) == 0;
    int ok = !(fwd && back) && (!must_refuse || f->kind == OUT_ERR);
    join(e2, sizeof e2, "no correspondence", c->check ? " (" : "", c->check ? c->check : "", c->check ? ")" : "",
         (char *)NULL);
    if (ok)
        pass(x);
    else if (c->result == RES_ACCEPTABLE && fwd && back)
        note(x, VEC_NOTE_LENIENT, e2, gboth);
    else
        note(x, VEC_NOTE_FAIL, e2, gboth);
    return 0;
}

/* ---- file loading and validation -------------------------------------------------------------------------------- */

static const struct {
    const char *schema, *group_type;
    vec_family family;
} schemas[] = {
    {"protocol_name_list.schema.json", "ProtocolNameList", VEC_FAM_LIST},
    {"selection.schema.json", "Selection", VEC_FAM_SELECT},
    {"header_parse.schema.json", "HeaderParse", VEC_FAM_HPARSE},
    {"header_format.schema.json", "HeaderFormat", VEC_FAM_HFORMAT},
    {"cross_format.schema.json", "CrossFormat", VEC_FAM_CROSS},
};

static int load_group(run_ctx *x, json_t *g, vec_family fam)
{
    if (fam == VEC_FAM_LIST) {
        json_t *r = field(x, g, "role", JSON_STRING, "a string");
        if (r == NULL)
            return -1;
        if (strcmp(json_string_value(r), "client") == 0)
            x->role = ALPN_ROLE_CLIENT;
        else if (strcmp(json_string_value(r), "server") == 0)
            x->role = ALPN_ROLE_SERVER;
        else
            return fail_at(x, "role is '%s', not client or server", json_string_value(r));
    }
    if (fam == VEC_FAM_SELECT) {
        json_t *pref = field(x, g, "preference", JSON_STRING, "a string");
        if (pref == NULL)
            return -1;
        if (strcmp(json_string_value(pref), "server") != 0)
            return fail_at(x, "preference '%s' is not supported (only \"server\")", json_string_value(pref));
        if (names_field(x, g, "server", &x->server_names))
            return -1;
        size_t n = 0, pos = 0, len;
        const uint8_t *name;
        while (names_next(&x->server_names, &pos, &name, &len))
            n++;
        free(x->server);
        x->server = calloc(n ? n : 1, sizeof *x->server);
        if (x->server == NULL)
            return fail_at(x, "out of memory");
        pos = 0;
        for (x->n_server = 0; names_next(&x->server_names, &pos, &name, &len); x->n_server++)
            x->server[x->n_server] = (alpn_name){name, len};
        /* A server list with a name over 255 octets cannot be sent to an adapter; libalpn must refuse it. */
        x->server_unencodable = ext_from_names(&x->server_names, &x->server_ext) != 0;
    }
    return 0;
}

static int load_test(run_ctx *x, json_t *t, vec_family fam)
{
    vcase *c = &x->c;
    c->has_names = c->has_selected = c->has_value = c->unencodable = 0;
    c->alert = -1;
    c->names.len = c->ext.len = c->value.len = c->selected.len = 0;
    json_t *v;
    if ((v = field(x, t, "tcId", JSON_INTEGER, "an integer")) == NULL)
        return -1;
    c->tcid = x->tcid = (long)json_integer_value(v);
    if ((v = field(x, t, "comment", JSON_STRING, "a string")) == NULL)
        return -1;
    c->comment = json_string_value(v);
    if ((c->flags = field(x, t, "flags", JSON_ARRAY, "an array")) == NULL)
        return -1;
    if (x->dry) {
        /* FORMAT.md: tcIds unique, from 1, in file order; flags are keys of notes. */
        if (c->tcid != x->last_tcid + 1)
            return fail_at(x, "tcId %ld out of order (expected %ld: tcIds run 1, 2, 3 ... in file order)", c->tcid,
                           x->last_tcid + 1);
        x->last_tcid = c->tcid;
        size_t k;
        json_t *fl;
        json_array_foreach(c->flags, k, fl)
        {
            if (!json_is_string(fl) || json_object_get(x->notes, json_string_value(fl)) == NULL)
                return fail_at(x, "flag %zu is not a key of the file's notes", k);
        }
    }
    if ((v = field(x, t, "result", JSON_STRING, "a string")) == NULL)
        return -1;
    c->result_text = json_string_value(v);
    if (strcmp(c->result_text, "valid") == 0)
        c->result = RES_VALID;
    else if (strcmp(c->result_text, "invalid") == 0)
        c->result = RES_INVALID;
    else if (strcmp(c->result_text, "acceptable") == 0)
        c->result = RES_ACCEPTABLE;
    else
        return fail_at(x, "result '%s' is not valid, invalid or acceptable", c->result_text);
    /* FORMAT.md: an acceptable test says why with at least one flag. */
    if (c->result == RES_ACCEPTABLE && json_array_size(c->flags) == 0)
        return fail_at(x, "an acceptable test without a flag saying why");
    v = json_object_get(t, "check");
    if (v != NULL && !json_is_string(v))
        return fail_at(x, "field 'check' is not a string");
    c->check = v != NULL ? json_string_value(v) : NULL;
    if (c->result == RES_INVALID && c->check == NULL)
        return fail_at(x, "missing field 'check' (required for invalid tests)");

    switch (fam) {
    case VEC_FAM_LIST:
        if (hex_field(x, t, "ext", &c->ext))
            return -1;
        if (c->result == RES_VALID || json_object_get(t, "names") != NULL) {
            if (names_field(x, t, "names", &c->names))
                return -1;
            c->has_names = 1;
        }
        if (c->result == RES_INVALID && alert_field(x, t, "alert", &c->alert, 0))
            return -1;
        if (c->result == RES_ACCEPTABLE && json_object_get(t, "alert") != NULL &&
            alert_field(x, t, "alert", &c->alert, 1))
            return -1;
        break;
    case VEC_FAM_SELECT:
        if (hex_field(x, t, "client", &c->ext))
            return -1;
        v = json_object_get(t, "selected");
        if (v == NULL)
            return fail_at(x, "missing field 'selected'");
        if (!json_is_null(v)) {
            if (!json_is_string(v))
                return fail_at(x, "field 'selected' is not a hex string or null");
            x->tmp.len = 0;
            if (hex_decode(x, "selected", json_string_value(v), json_string_length(v), &x->tmp) ||
                names_add(&c->selected, x->tmp.p, x->tmp.len))
                return -1;
            c->has_selected = 1;
        }
        if (alert_field(x, t, "alert", &c->alert, 1))
            return -1;
        if (c->has_selected == (c->alert >= 0))
            return fail_at(x, "exactly one of 'selected' and 'alert' must be non-null");
        break;
    case VEC_FAM_HPARSE:
        if (hex_field(x, t, "valueHex", &c->value))
            return -1;
        if (c->result != RES_INVALID || json_object_get(t, "names") != NULL) {
            if (names_field(x, t, "names", &c->names))
                return -1;
            c->has_names = 1;
        }
        if (c->result == RES_ACCEPTABLE && c->check == NULL)
            return fail_at(x, "missing field 'check' (required for acceptable tests)");
        break;
    case VEC_FAM_HFORMAT:
        if (names_field(x, t, "names", &c->names))
            return -1;
        c->unencodable = ext_from_names(&c->names, &c->ext) != 0;
        if (c->result == RES_VALID || json_object_get(t, "value") != NULL) {
            if ((v = field(x, t, "value", JSON_STRING, "a string")) == NULL)
                return -1;
            if (vbuf_put(&c->value, json_string_value(v), json_string_length(v)))
                return fail_at(x, "out of memory");
        }
        break;
    case VEC_FAM_CROSS:
        if (hex_field(x, t, "ext", &c->ext))
            return -1;
        /* An invalid test whose ext is malformed has no header form and may come without a value. */
        if (c->result == RES_VALID || json_object_get(t, "value") != NULL) {
            if ((v = field(x, t, "value", JSON_STRING, "a string")) == NULL)
                return -1;
            if (vbuf_put(&c->value, json_string_value(v), json_string_length(v)))
                return fail_at(x, "out of memory");
            c->has_value = 1;
        }
        break;
    default:
        return fail_at(x, "internal: unknown family");
    }
    return 0;
}

static int run_test(run_ctx *x, vec_family fam)
{
    if (x->ad != NULL && !vec_adapter_has(x->ad, fam)) {
        char why[120];
        snprintf(why, sizeof why, "adapter %s does not announce %s", vec_adapter_name(x->ad),
                 fam == VEC_FAM_CROSS ? "both hformat and hparse" : vec_family_name(fam));
        skip(x, why);
        return 0;
    }
    switch (fam) {
    case VEC_FAM_LIST:
        return run_list(x);
    case VEC_FAM_SELECT:
        return run_select(x);
    case VEC_FAM_HPARSE:
        return run_hparse(x);
    case VEC_FAM_HFORMAT:
        return run_hformat(x);
    default:
        return run_cross(x);
    }
}

/* One pass over every group and test: validation only (dry) or validation and running. */
static int walk(run_ctx *x, json_t *groups, vec_family fam, const char *group_type)
{
    size_t gi, ti;
    json_t *g, *t;
    json_array_foreach(groups, gi, g)
    {
        x->gi = gi;
        x->tcid = -1;
        if (!json_is_object(g))
            return fail_at(x, "not an object");
        json_t *type = field(x, g, "type", JSON_STRING, "a string");
        if (type == NULL)
            return -1;
        if (strcmp(json_string_value(type), group_type) != 0)
            return fail_at(x, "group type '%s' in a file of schema %s (expected '%s')", json_string_value(type),
                           x->res->schema, group_type);
        if (load_group(x, g, fam))
            return -1;
        json_t *tests = field(x, g, "tests", JSON_ARRAY, "an array");
        if (tests == NULL)
            return -1;
        json_array_foreach(tests, ti, t)
        {
            x->ti = ti;
            x->tcid = -1;
            if (!json_is_object(t))
                return fail_at(x, "test is not an object");
            if (load_test(x, t, fam))
                return -1;
            if (!x->dry && run_test(x, fam))
                return -1;
        }
    }
    return 0;
}

int vec_run_file(const char *path, vec_adapter *ad, FILE *log, vec_file_result *res, char *err, size_t errcap)
{
    memset(res, 0, sizeof *res);
    res->path = strdup(path);
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errcap, "%s: not a regular file", path);
        return -1;
    }
    if ((unsigned long long)st.st_size > VEC_FILE_MAX) {
        snprintf(err, errcap, "%s: %lld bytes, over the %u MB limit of a vector file", path, (long long)st.st_size,
                 VEC_FILE_MAX >> 20);
        return -1;
    }
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        snprintf(err, errcap, "%s:%d:%d: not valid JSON: %s", path, jerr.line, jerr.column, jerr.text);
        return -1;
    }
    run_ctx x = {.path = path, .ad = ad, .log = log, .res = res, .err = err, .errcap = errcap, .tcid = -1};
    int rc = -1;
    json_t *schema = json_object_get(root, "schema"), *groups = json_object_get(root, "testGroups");
    json_t *alg = json_object_get(root, "algorithm");
    size_t si = sizeof schemas / sizeof schemas[0];
    if (!json_is_object(root)) {
        snprintf(err, errcap, "%s: not a JSON object", path);
        goto out;
    }
    if (!json_is_string(alg) || strcmp(json_string_value(alg), "ALPN") != 0) {
        snprintf(err, errcap, "%s: field 'algorithm' is missing or not \"ALPN\"", path);
        goto out;
    }
    if (!json_is_string(schema)) {
        snprintf(err, errcap, "%s: missing field 'schema'", path);
        goto out;
    }
    for (si = 0; si < sizeof schemas / sizeof schemas[0]; si++)
        if (strcmp(json_string_value(schema), schemas[si].schema) == 0)
            break;
    if (si == sizeof schemas / sizeof schemas[0]) {
        snprintf(err, errcap,
                 "%s: unknown schema '%s' (known: protocol_name_list, selection, header_parse, "
                 "header_format, cross_format .schema.json)",
                 path, json_string_value(schema));
        goto out;
    }
    x.notes = json_object_get(root, "notes");
    if (!json_is_object(x.notes)) {
        snprintf(err, errcap, "%s: missing field 'notes' (an object of flags)", path);
        goto out;
    }
    res->schema = strdup(schemas[si].schema);
    res->family = schemas[si].family;
    if (!json_is_array(groups)) {
        snprintf(err, errcap, "%s: missing field 'testGroups' (an array)", path);
        goto out;
    }
    x.hdr_ext = malloc(ALPN_EXT_MAX);
    if (x.hdr_ext == NULL) {
        snprintf(err, errcap, "out of memory");
        goto out;
    }
    x.dry = 1;
    if (walk(&x, groups, schemas[si].family, schemas[si].group_type))
        goto out;
    json_t *nt = json_object_get(root, "numberOfTests");
    size_t total = 0, gi;
    json_t *g;
    json_array_foreach(groups, gi, g) total += json_array_size(json_object_get(g, "tests"));
    if (nt != NULL && (!json_is_integer(nt) || json_integer_value(nt) < 0 || (size_t)json_integer_value(nt) != total)) {
        snprintf(err, errcap, "%s: numberOfTests is not the number of tests (%zu)", path, total);
        goto out;
    }
    x.dry = 0;
    rc = walk(&x, groups, schemas[si].family, schemas[si].group_type);
out:
    free(x.c.ext.p);
    free(x.c.names.p);
    free(x.c.value.p);
    free(x.c.selected.p);
    free(x.got.data.p);
    free(x.got2.data.p);
    free(x.line.p);
    free(x.tmp.p);
    free(x.tmp2.p);
    free(x.server_names.p);
    free(x.server_ext.p);
    free(x.server);
    free(x.hdr_ext);
    json_decref(root);
    return rc;
}

void vec_file_result_free(vec_file_result *res)
{
    for (size_t i = 0; i < res->n_notes; i++) {
        vec_note *n = &res->notes[i];
        free(n->comment);
        free(n->result);
        free(n->check);
        free(n->flags);
        free(n->expected);
        free(n->got);
    }
    free(res->notes);
    free(res->path);
    free(res->schema);
    memset(res, 0, sizeof *res);
}

json_t *vec_file_result_json(const vec_file_result *res)
{
    /* Reasons, answers and check names come from the adapter, another program: esc_json keeps bytes that are not
     * UTF-8 from making jansson drop the field (or the whole summary). */
    json_t *fails = json_array(), *len = json_array(), *skips = json_array(), *reasons = json_object();
    for (size_t i = 0; i < res->n_notes; i++) {
        const vec_note *n = &res->notes[i];
        json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o}", "tcId", (json_int_t)n->tcid, "comment",
                              esc_json_str(n->comment), "result", esc_json_str(n->result), "check",
                              esc_json_str(n->check), "flags", esc_json_str(n->flags));
        if (n->kind == VEC_NOTE_SKIP) {
            const char *why = n->got ? n->got : "";
            json_object_set_new(o, "reason", esc_json_str(why));
            json_array_append_new(skips, o);
            char *key = esc_utf8_dup(why, strlen(why), NULL); /* an object key must be UTF-8 too */
            if (key != NULL) {
                json_t *c = json_object_get(reasons, key);
                json_object_set_new(reasons, key, json_integer(c ? json_integer_value(c) + 1 : 1));
                free(key);
            }
            continue;
        }
        json_object_set_new(o, "expected", esc_json_str(n->expected ? n->expected : ""));
        json_object_set_new(o, "got", esc_json_str(n->got ? n->got : ""));
        json_array_append_new(n->kind == VEC_NOTE_FAIL ? fails : len, o);
    }
    return json_pack("{s:o, s:o, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "file", esc_json_str(res->path),
                     "schema", esc_json_str(res->schema), "family", vec_family_name(res->family), "passed",
                     (json_int_t)res->passed, "failed", (json_int_t)res->failed, "skipped", (json_int_t)res->skipped,
                     "lenient", (json_int_t)res->lenient, "failures", fails, "lenientTests", len, "skips", skips,
                     "skipReasons", reasons);
}
