/* Judging the Alt-Svc (RFC 7838) and SVCB alpn (RFC 9460 §7.1) families against libalpn (adapters:
 * vec_judge_remote.c). */
#include <stdlib.h>
#include <string.h>

#include "vec_judge.h"
#include "vec_text.h"

/* ---- altsvc ------------------------------------------------------------------------------------------------------ */

/* The canonical form libalpn gives value in mode, or its rejection. */
static void altsvc_canon(const vbuf *value, alpn_hdr_mode mode, vec_outcome *o)
{
    alpn_error err = {0};
    size_t need = 0;
    outcome_reset(o);
    int rc = alpn_altsvc_format((const char *)value->p, value->len, mode, NULL, 0, &need, &err);
    if (rc == ALPN_E_BUFFER) {
        char *out = malloc(need);
        rc = out != NULL ? alpn_altsvc_format((const char *)value->p, value->len, mode, out, need, &need, &err) : rc;
        if (rc == ALPN_OK) {
            o->kind = OUT_OK;
            vbuf_put(&o->data, out, need);
        }
        free(out);
    }
    if (rc != ALPN_OK)
        outcome_error(o, -1, rc == ALPN_E_BUFFER ? "out of memory" : err.check);
}

/* valid: both modes give the canonical form; invalid: both reject, strict with the check; acceptable: strict
 * rejects with the check, lenient rejects or gives the canonical form (counted as lenient). */
int judge_altsvc(vec_judge *j)
{
    const vec_case *c = j->c;
    const vec_outcome *s = &j->got, *l = &j->got2;
    altsvc_canon(&c->value, ALPN_HDR_STRICT, &j->got);
    altsvc_canon(&c->value, ALPN_HDR_LENIENT, &j->got2);
    char exp[DESC_MAX], gs[DESC_MAX], gl[DESC_MAX], got[2 * DESC_MAX + 32];
    desc_outcome(gs, sizeof gs, s, 1);
    desc_outcome(gl, sizeof gl, l, 1);
    join(got, sizeof got, "strict ", gs, "; lenient ", gl, (char *)NULL);
    int strict_ok, lenient_ok, lenient_accepted = 0;
    if (c->result == RES_VALID) {
        strict_ok = s->kind == OUT_OK && vbuf_eq(&s->data, &c->canon);
        lenient_ok = l->kind == OUT_OK && vbuf_eq(&l->data, &c->canon);
        desc_value(exp, sizeof exp, "ok ", &c->canon);
    } else {
        strict_ok = s->kind == OUT_ERR && strcmp(s->check, c->check) == 0;
        lenient_ok = l->kind == OUT_ERR;
        if (c->result == RES_ACCEPTABLE && l->kind == OUT_OK)
            lenient_ok = lenient_accepted = vbuf_eq(&l->data, &c->canon);
        desc_error(exp, sizeof exp, -1, c->check);
    }
    if (!strict_ok || !lenient_ok)
        judge_note(j, VEC_NOTE_FAIL, exp, got);
    else if (lenient_accepted)
        judge_note(j, VEC_NOTE_LENIENT, exp, got);
    else
        judge_pass(j);
    return 0;
}

/* ---- svcb_alpn --------------------------------------------------------------------------------------------------- */

static int same(const void *a, size_t an, const vbuf *b)
{
    return an == b->len && (an == 0 || memcmp(a, b->p, an) == 0);
}

/* The wire value w in every other form must be what the test gives; returns NULL or which form differed. Scratch
 * buffers hold 4 bytes per octet, the most any form needs (\DDD; %HH plus ", "). */
static const char *forms_differ(const vec_case *c, const uint8_t *w, size_t wn)
{
    size_t cap = 4 * (wn + c->canon.len + c->hdr.len) + 16, n = 0, m = 0;
    uint8_t *a = malloc(cap), *b = malloc(cap);
    const char *why = NULL;
    alpn_header_result hr = {.ext = b, .ext_cap = cap};
    if (a == NULL || b == NULL)
        why = "out of memory";
    else if (alpn_svcb_alpn_format(w, wn, (char *)a, cap, &n, NULL) != ALPN_OK || !same(a, n, &c->canon))
        why = "canonical presentation";
    else if (alpn_svcb_alpn_parse((const char *)c->canon.p, c->canon.len, a, cap, &n, NULL) != ALPN_OK ||
             n != wn || memcmp(a, w, wn) != 0)
        why = "wire value of the canonical presentation";
    else if (alpn_svcb_alpn_to_ext(w, wn, a, cap, &n, NULL) != ALPN_OK || !same(a, n, &c->ext))
        why = "extension_data";
    else if (alpn_header_format(c->ext.p, c->ext.len, (char *)a, cap, &m, NULL) != ALPN_OK || !same(a, m, &c->hdr))
        why = "ALPN header";
    else if (alpn_header_parse((const char *)c->hdr.p, c->hdr.len, ALPN_HDR_STRICT, &hr, NULL) != ALPN_OK ||
             !same(b, hr.ext_len, &c->ext))
        why = "extension_data of the ALPN header";
    else if (alpn_svcb_alpn_from_ext(c->ext.p, c->ext.len, a, cap, &n, NULL) != ALPN_OK || n != wn ||
             memcmp(a, w, wn) != 0)
        why = "wire value of the extension_data";
    free(a);
    free(b);
    return why;
}

/* A presentation test is parsed into wire form first; a wire test is validated. Valid tests then go through every
 * form; invalid tests must be rejected with their check. */
int judge_svcb(vec_judge *j, const vec_group *g)
{
    const vec_case *c = j->c;
    alpn_error err = {0};
    size_t wn = 0;
    uint8_t *w = malloc(c->value.len + c->wire.len + 1);
    if (w == NULL)
        return judge_note(j, VEC_NOTE_FAIL, "a verdict", "out of memory"), 0;
    int rc;
    if (g->svcb_wire) {
        rc = alpn_svcb_alpn_validate(c->wire.p, c->wire.len, NULL, &err);
        if (rc == ALPN_OK && c->wire.len > 0)
            memcpy(w, c->wire.p, wn = c->wire.len);
    } else {
        rc = alpn_svcb_alpn_parse((const char *)c->value.p, c->value.len, w, c->value.len + 1, &wn, &err);
    }
    char exp[DESC_MAX], got[DESC_MAX];
    if (c->result == RES_INVALID) {
        desc_error(exp, sizeof exp, -1, c->check);
        desc_error(got, sizeof got, -1, rc == ALPN_OK ? "accepted" : err.check);
        if (rc != ALPN_OK && strcmp(err.check, c->check) == 0)
            judge_pass(j);
        else
            judge_note(j, VEC_NOTE_FAIL, exp, got);
        free(w);
        return 0;
    }
    const char *why = rc != ALPN_OK ? err.check : !same(w, wn, &c->wire) ? "wire value" : forms_differ(c, w, wn);
    if (why == NULL) {
        judge_pass(j);
    } else {
        join(got, sizeof got, "differs: ", why, (char *)NULL);
        judge_note(j, VEC_NOTE_FAIL, "valid, the same list in every form", got);
    }
    free(w);
    return 0;
}
