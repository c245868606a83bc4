/* Judging the header families (RFC 7639): parsing in both of libalpn's modes, and the cross format, where a list and
 * its header value must correspond in both directions. */
#include <string.h>

#include "vec_judge.h"
#include "vec_libalpn.h"
#include "vec_text.h"

/* ---- hparse ------------------------------------------------------------------------------------------------------ */

/* libalpn's strict mode failed: what it should have done and what it did. */
static void strict_failed(vec_judge *j, const char *exp, const vec_outcome *s)
{
    char g[DESC_MAX], e2[DESC_MAX + 16], g2[DESC_MAX + 16];
    desc_outcome(g, sizeof g, s, 0);
    join(e2, sizeof e2, "strict ", exp, (char *)NULL);
    join(g2, sizeof g2, "strict ", g, (char *)NULL);
    judge_note(j, VEC_NOTE_FAIL, e2, g2);
}

/* libalpn's lenient mode failed: valid input must give the names, other input an error (or, when acceptable, the
 * expected names). */
static void lenient_failed(vec_judge *j, const char *exp, const vbuf *exp_ok, const vec_outcome *l)
{
    const vec_case *c = j->c;
    char g[DESC_MAX], e2[DESC_MAX + 16], g2[DESC_MAX + 16];
    desc_outcome(g, sizeof g, l, 0);
    if (c->result == RES_ACCEPTABLE && exp_ok != NULL) {
        char alt[DESC_MAX];
        desc_names(alt, sizeof alt, "ok ", exp_ok);
        join(e2, sizeof e2, "lenient error or ", alt, (char *)NULL);
    } else {
        join(e2, sizeof e2, "lenient ", c->result == RES_VALID ? exp : "error", (char *)NULL);
    }
    join(g2, sizeof g2, "lenient ", g, (char *)NULL);
    judge_note(j, VEC_NOTE_FAIL, e2, g2);
}

/* libalpn: strict must accept valid and reject invalid and acceptable with the check ID; lenient must accept valid,
 * reject invalid, and may accept acceptable with exactly the names. */
static void hparse_libalpn(vec_judge *j, const vbuf *exp_ok)
{
    const vec_case *c = j->c;
    const vec_outcome *s = &j->got, *l = &j->got2;
    char exp[DESC_MAX];
    vec_lib_hparse(&c->value, ALPN_HDR_STRICT, j->hdr_ext, &j->got);
    vec_lib_hparse(&c->value, ALPN_HDR_LENIENT, j->hdr_ext, &j->got2);
    int strict_ok, lenient_ok, lenient_accepted = 0;
    if (c->result == RES_VALID) {
        strict_ok = s->kind == OUT_OK && vbuf_eq(&s->data, exp_ok);
        lenient_ok = l->kind == OUT_OK && vbuf_eq(&l->data, exp_ok);
        desc_names(exp, sizeof exp, "ok ", exp_ok);
    } else {
        strict_ok = s->kind == OUT_ERR && (c->check == NULL || strcmp(s->check, c->check) == 0);
        lenient_ok = l->kind == OUT_ERR;
        if (c->result == RES_ACCEPTABLE && l->kind == OUT_OK)
            lenient_ok = lenient_accepted = exp_ok == NULL || vbuf_eq(&l->data, exp_ok);
        desc_error(exp, sizeof exp, -1, c->check);
    }
    if (!strict_ok) {
        strict_failed(j, exp, s);
    } else if (!lenient_ok) {
        lenient_failed(j, exp, exp_ok, l);
    } else if (lenient_accepted) {
        /* Strict rejected it, lenient accepted it with the expected names: counted as lenient. */
        char g[DESC_MAX], g2[DESC_MAX + 16];
        desc_outcome(g, sizeof g, l, 0);
        join(g2, sizeof g2, "lenient ", g, (char *)NULL);
        judge_note(j, VEC_NOTE_LENIENT, "strict error", g2);
    } else {
        judge_pass(j);
    }
}

int judge_hparse(vec_judge *j)
{
    const vec_case *c = j->c;
    const vbuf *exp_ok = c->has_names ? &c->names : NULL;
    if (j->ad == NULL) {
        hparse_libalpn(j, exp_ok);
        return 0;
    }
    /* An adapter is judged as a receiver: lenient mode, where acceptable input may be accepted. */
    if (vec_ask_hparse(&j->ask, c->tcid, 0, &c->value, &j->got))
        return -1;
    judge_outcome(j, &j->got, exp_ok, -1, c->check, 0, 0);
    return 0;
}

/* ---- cross ------------------------------------------------------------------------------------------------------- */

/* No header form: formatting ext must be refused (RFC 7301 §3.1: the list is malformed). */
static int cross_refused(vec_judge *j)
{
    const vec_case *c = j->c;
    if (j->ad == NULL)
        vec_lib_hformat_ext(&c->ext, &j->got);
    else if (vec_ask_hformat(&j->ask, c->tcid, &c->ext, &j->got))
        return -1;
    int compare_check = j->ad == NULL && c->check != NULL && strncmp(c->check, "SRV-", 4) == 0;
    judge_outcome(j, &j->got, NULL, -1, c->check, compare_check, 1);
    return 0;
}

/* Both directions: ext formatted into got, the value parsed (strictly) into got2. 1 when an adapter skipped one. */
static int cross_both_ways(vec_judge *j)
{
    const vec_case *c = j->c;
    vec_outcome *f = &j->got, *p = &j->got2;
    if (j->ad == NULL) {
        vec_lib_hformat_ext(&c->ext, f);
        vec_lib_hparse(&c->value, ALPN_HDR_STRICT, j->hdr_ext, p);
        return 0;
    }
    if (vec_ask_hformat(&j->ask, c->tcid, &c->ext, f) || vec_ask_hparse(&j->ask, c->tcid, 1, &c->value, p))
        return -1;
    if (f->kind == OUT_SKIP || p->kind == OUT_SKIP) {
        judge_skip(j, f->kind == OUT_SKIP ? f->reason : p->reason);
        return 1;
    }
    return 0;
}

int judge_cross(vec_judge *j)
{
    const vec_case *c = j->c;
    const vec_outcome *f = &j->got, *p = &j->got2;
    if (!c->has_value)
        return cross_refused(j);
    int rc = cross_both_ways(j);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int ext_ok = names_of_ext(&c->ext, &j->tmp) == 0;
    int fwd = f->kind == OUT_OK && vbuf_eq(&f->data, &c->value);
    int back = p->kind == OUT_OK && ext_ok && vbuf_eq(&p->data, &j->tmp);
    char exp[DESC_MAX], g[DESC_MAX], e2[2 * DESC_MAX], g2[2 * DESC_MAX], gboth[2 * DESC_MAX + 32];
    desc_outcome(g, sizeof g, f, 1);
    desc_outcome(g2, sizeof g2, p, 0);
    join(gboth, sizeof gboth, "format ", g, "; parse ", g2, (char *)NULL);
    if (c->result == RES_VALID) {
        if (fwd && back) {
            judge_pass(j);
            return 0;
        }
        desc_value(exp, sizeof exp, "", &c->value);
        if (ext_ok)
            desc_names(g, sizeof g, "ok ", &j->tmp);
        else
            snprintf(g, sizeof g, "(ext is not a valid list)");
        join(e2, sizeof e2, "format ok ", exp, "; parse ", g, (char *)NULL);
        judge_note(j, VEC_NOTE_FAIL, e2, gboth);
        return 0;
    }
    /* Invalid: the pair must not correspond; a malformed ext must be refused by the formatter (libalpn). */
    int must_refuse = j->ad == NULL && c->check != NULL && strncmp(c->check, "SRV-MALFORMED", 13) == 0;
    int ok = !(fwd && back) && (!must_refuse || f->kind == OUT_ERR);
    join(e2, sizeof e2, "no correspondence", c->check ? " (" : "", c->check ? c->check : "", c->check ? ")" : "",
         (char *)NULL);
    if (ok)
        judge_pass(j);
    else if (c->result == RES_ACCEPTABLE && fwd && back)
        judge_note(j, VEC_NOTE_LENIENT, e2, gboth);
    else
        judge_note(j, VEC_NOTE_FAIL, e2, gboth);
    return 0;
}
