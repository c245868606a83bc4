#include "vec_judge.h"

#include <stdlib.h>
#include <string.h>

#include "vec_libalpn.h"
#include "vec_text.h"

int vec_judge_init(vec_judge *j, vec_family family, vec_adapter *ad, FILE *log, vec_file_result *res,
                   const vec_where *at)
{
    *j = (vec_judge){.family = family, .ad = ad, .log = log, .res = res, .ask = {.ad = ad, .at = at}};
    j->hdr_ext = malloc(ALPN_EXT_MAX);
    if (j->hdr_ext == NULL) {
        snprintf(at->err, at->errcap, "out of memory");
        return -1;
    }
    return 0;
}

void vec_judge_free(vec_judge *j)
{
    vec_asker_free(&j->ask);
    vbuf_free(&j->got.data);
    vbuf_free(&j->got2.data);
    vbuf_free(&j->tmp);
    free(j->hdr_ext);
    j->hdr_ext = NULL;
}

/* ---- notes and tallies ------------------------------------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

/* The flags joined with ",", or NULL when there are none. */
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

void judge_pass(vec_judge *j)
{
    j->res->passed++;
}

void judge_note(vec_judge *j, vec_note_kind kind, const char *expected, const char *got)
{
    vec_file_result *r = j->res;
    const vec_case *c = j->c;
    if (kind == VEC_NOTE_FAIL)
        r->failed++;
    else if (kind == VEC_NOTE_LENIENT)
        r->lenient++;
    else
        r->skipped++;
    if (kind == VEC_NOTE_FAIL && j->log != NULL)
        fprintf(j->log, "  tcId %ld (%s): expected %s, got %s\n", c->tcid, c->comment, expected, got);
    if (r->n_notes == r->cap_notes) {
        size_t cap = r->cap_notes ? 2 * r->cap_notes : 32;
        vec_note *p = realloc(r->notes, cap * sizeof *p);
        if (p == NULL)
            return;
        r->notes = p;
        r->cap_notes = cap;
    }
    r->notes[r->n_notes++] = (vec_note){.kind = kind,
                                        .tcid = c->tcid,
                                        .comment = dup_or_null(c->comment),
                                        .result = dup_or_null(c->result_text),
                                        .check = dup_or_null(c->check),
                                        .flags = flags_text(c->flags),
                                        .expected = dup_or_null(expected),
                                        .got = dup_or_null(got)};
}

void judge_skip(vec_judge *j, const char *reason)
{
    judge_note(j, VEC_NOTE_SKIP, NULL, reason);
}

/* ---- the shared judgement ---------------------------------------------------------------------------------------- */

/* An acceptance of an acceptable test: lenient when the output is the expected one (or any is allowed), else a
 * failure that says both what strictness and what leniency would have given. */
static void judge_accepted(vec_judge *j, const vec_outcome *got, const vbuf *exp_ok, const char *exp, int is_value)
{
    char g[DESC_MAX], alt[DESC_MAX];
    desc_outcome(g, sizeof g, got, is_value);
    if (exp_ok == NULL || vbuf_eq(&got->data, exp_ok)) {
        char strict[DESC_MAX];
        join(strict, sizeof strict, exp, " (strict)", (char *)NULL);
        judge_note(j, VEC_NOTE_LENIENT, strict, g);
        return;
    }
    char either[DESC_MAX + 8];
    desc_ok(alt, sizeof alt, exp_ok, is_value);
    join(either, sizeof either, exp, " or ", alt, (char *)NULL);
    judge_note(j, VEC_NOTE_FAIL, either, g);
}

void judge_outcome(vec_judge *j, const vec_outcome *got, const vbuf *exp_ok, long exp_alert, const char *exp_check,
                   int compare_check, int is_value)
{
    char exp[DESC_MAX], g[DESC_MAX];
    if (got->kind == OUT_SKIP) {
        judge_skip(j, got->reason);
        return;
    }
    desc_outcome(g, sizeof g, got, is_value);
    if (j->c->result == RES_VALID) {
        if (got->kind == OUT_OK && (exp_ok == NULL || vbuf_eq(&got->data, exp_ok))) {
            judge_pass(j);
            return;
        }
        desc_ok(exp, sizeof exp, exp_ok, is_value);
        judge_note(j, VEC_NOTE_FAIL, exp, g);
        return;
    }
    desc_error(exp, sizeof exp, exp_alert, compare_check ? exp_check : NULL);
    /* A test may name a second alert that a receiver may send instead (alertAlso: a well-formed answer that breaks
     * a prose rule is illegal_parameter as much as decode_error, RFC 8446 §6.2). */
    long also = exp_alert >= 0 && exp_alert == j->c->alert ? j->c->alert_also : -1;
    if (also >= 0) {
        size_t n = strlen(exp);
        snprintf(exp + n, sizeof exp - n, " (or %ld)", also);
    }
    if (got->kind == OUT_ERR) {
        int alert_ok = exp_alert < 0 || got->alert == exp_alert || (also >= 0 && got->alert == also);
        int check_ok = !compare_check || exp_check == NULL || strcmp(got->check, exp_check) == 0;
        if (alert_ok && check_ok)
            judge_pass(j);
        else
            judge_note(j, VEC_NOTE_FAIL, exp, g);
        return;
    }
    if (j->c->result == RES_ACCEPTABLE)
        judge_accepted(j, got, exp_ok, exp, is_value);
    else
        judge_note(j, VEC_NOTE_FAIL, exp, g);
}

/* ---- the TLS families and header formatting ---------------------------------------------------------------------- */

static int judge_list(vec_judge *j, const vec_group *g)
{
    const vec_case *c = j->c;
    const vbuf *exp_ok = c->has_names ? &c->names : NULL;
    if (j->ad == NULL) {
        vec_lib_list(&c->ext, g->role, &j->got);
        judge_outcome(j, &j->got, exp_ok, c->alert, c->check, 1, 0);
        return 0;
    }
    if (vec_ask_list(&j->ask, c->tcid, g->role, &c->ext, &j->got))
        return -1;
    judge_outcome(j, &j->got, exp_ok, c->alert, c->check, 0, 0);
    return 0;
}

/* The expected outcome of a selection is exact: a selected name, or an alert (120 no overlap, 50 malformed
 * offer). An acceptable test (FORMAT.md): refusing passes, selecting exactly the expected name is lenient. */
static void judge_selection(vec_judge *j, const vec_outcome *o)
{
    const vec_case *c = j->c;
    char exp[DESC_MAX], g[DESC_MAX];
    desc_outcome(g, sizeof g, o, 0);
    if (c->has_selected) {
        desc_names(exp, sizeof exp, "ok ", &c->selected);
        int chosen = o->kind == OUT_OK && vbuf_eq(&o->data, &c->selected);
        if (chosen && c->result == RES_ACCEPTABLE)
            judge_note(j, VEC_NOTE_LENIENT, exp, g);
        else if (chosen || (c->result == RES_ACCEPTABLE && o->kind == OUT_ERR))
            judge_pass(j);
        else
            judge_note(j, VEC_NOTE_FAIL, exp, g);
        return;
    }
    desc_error(exp, sizeof exp, c->alert, NULL);
    if (o->kind == OUT_ERR && (c->alert < 0 || o->alert == c->alert))
        judge_pass(j);
    else if (c->result == RES_ACCEPTABLE && o->kind == OUT_OK)
        judge_note(j, VEC_NOTE_LENIENT, exp, g);
    else
        judge_note(j, VEC_NOTE_FAIL, exp, g);
}

static int judge_select(vec_judge *j, const vec_group *g)
{
    const vec_case *c = j->c;
    vec_outcome *o = &j->got;
    if (j->ad == NULL) {
        vec_lib_select(g, &c->ext, o);
    } else if (g->server_unencodable) {
        judge_skip(j, "the server list has no extension_data form (a name over 255 octets)");
        return 0;
    } else if (vec_ask_select(&j->ask, c->tcid, &g->server_ext, &c->ext, o)) {
        return -1;
    }
    if (o->kind == OUT_SKIP)
        judge_skip(j, o->reason);
    else
        judge_selection(j, o);
    return 0;
}

static int judge_hformat(vec_judge *j)
{
    const vec_case *c = j->c;
    if (j->ad == NULL) {
        vec_lib_hformat_names(&c->names, &j->got);
    } else if (c->unencodable) {
        judge_skip(j, "the names have no extension_data form (a name over 255 octets or a list over 65535)");
        return 0;
    } else if (vec_ask_hformat(&j->ask, c->tcid, &c->ext, &j->got)) {
        return -1;
    }
    judge_outcome(j, &j->got, &c->value, -1, c->check, 0, 1);
    return 0;
}

int vec_judge_test(vec_judge *j, const vec_group *g, const vec_case *c)
{
    j->c = c;
    if (j->ad != NULL && !vec_adapter_has(j->ad, j->family)) {
        char why[120];
        snprintf(why, sizeof why, "adapter %s does not announce %s", vec_adapter_name(j->ad),
                 j->family == VEC_FAM_CROSS ? "both hformat and hparse" : vec_family_name(j->family));
        judge_skip(j, why);
        return 0;
    }
    switch (j->family) {
    case VEC_FAM_LIST:
        return judge_list(j, g);
    case VEC_FAM_SELECT:
        return judge_select(j, g);
    case VEC_FAM_HPARSE:
        return judge_hparse(j);
    case VEC_FAM_HFORMAT:
        return judge_hformat(j);
    case VEC_FAM_ALTSVC:
        return j->ad != NULL ? judge_altsvc_adapter(j) : judge_altsvc(j);
    case VEC_FAM_SVCB:
        return j->ad != NULL ? judge_svcb_adapter(j, g) : judge_svcb(j, g);
    default:
        return judge_cross(j);
    }
}
