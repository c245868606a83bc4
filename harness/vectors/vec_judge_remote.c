/* Judging an adapter on the Alt-Svc (RFC 7838) and SVCB alpn (RFC 9460 §7.1) families (vectors/FORMAT.md): the
 * implementation behind the adapter answers `altsvc`, `svcbparse` and `svcbprint`, and libalpn only turns the
 * test's own expectation (its canonical form) into what the answer is compared with. */
#include <stdlib.h>
#include <string.h>

#include "vec_judge.h"
#include "vec_text.h"

/* ---- altsvc ------------------------------------------------------------------------------------------------------ */

typedef struct {
    vbuf *out;
    const vbuf *known; /* NULL: every protocol is kept */
    int oom;
} alt_collect;

static int kept(const vbuf *known, const uint8_t *name, size_t n)
{
    size_t pos = 0, kn;
    const uint8_t *k;
    if (known == NULL)
        return 1;
    while (names_next(known, &pos, &k, &kn))
        if (kn == n && memcmp(k, name, n) == 0)
            return 1;
    return 0;
}

/* One alternative as the record FORMAT.md gives it: protocol ID length (1 octet), protocol ID, host length (2
 * octets: a parser may keep a host over 255), host (empty: the origin's), port (2 octets); all big-endian. */
static int collect_alt(void *ctx, const alpn_altsvc_alt *alt)
{
    alt_collect *a = ctx;
    if (!kept(a->known, alt->name, alt->name_len))
        return 0;
    uint8_t rec[2 * 256 + 5];
    size_t n = 0;
    rec[n++] = (uint8_t)alt->name_len;
    memcpy(rec + n, alt->name, alt->name_len);
    n += alt->name_len;
    rec[n++] = (uint8_t)(alt->host_len >> 8);
    rec[n++] = (uint8_t)alt->host_len;
    memcpy(rec + n, alt->host, alt->host_len);
    n += alt->host_len;
    rec[n++] = (uint8_t)(alt->port >> 8);
    rec[n++] = (uint8_t)alt->port;
    a->oom |= names_add(a->out, rec, n);
    return 0;
}

/* The alternatives of the test's canonical form that the adapter's implementation keeps, as records in out. 0, or
 * -1 when the canonical form does not parse (a broken vector file) or out of memory. */
static int expected_alts(const vec_judge *j, vbuf *out)
{
    alt_collect a = {.out = out, .known = vec_adapter_altsvc_known(j->ad)};
    alpn_altsvc_result r = {.on_alt = collect_alt, .ctx = &a};
    alpn_error err = {0};
    out->len = 0;
    if (alpn_altsvc_parse((const char *)j->c->canon.p, j->c->canon.len, ALPN_HDR_STRICT, &r, &err) != ALPN_OK)
        return -1;
    return a.oom ? -1 : 0;
}

/* Records as people read them: `ok [h2="host:443", h3=":443"]` (the bytes escaped as desc_value escapes them). */
static void desc_alts(char *out, size_t cap, const vbuf *recs)
{
    vbuf t = {0};
    size_t pos = 0, n;
    const uint8_t *r;
    int oom = 0;
    while (names_next(recs, &pos, &r, &n)) {
        size_t pl = n > 0 ? r[0] : 0, hl = n > pl + 2 ? (size_t)(r[pl + 1] << 8 | r[pl + 2]) : 0;
        char port[8] = "?";
        if (n == pl + hl + 5)
            snprintf(port, sizeof port, "%u", (unsigned)(r[n - 2] << 8 | r[n - 1]));
        else
            pl = hl = 0; /* not a record (a broken adapter): show nothing but "?" */
        oom |= (t.len > 0 && vbuf_str(&t, ", ")) || vbuf_put(&t, r + 1, pl) || vbuf_str(&t, "=\"") ||
               vbuf_put(&t, r + pl + 3, hl) || vbuf_str(&t, ":") || vbuf_str(&t, port) || vbuf_str(&t, "\"");
    }
    if (oom)
        snprintf(out, cap, "ok (out of memory)");
    else if (recs->len == 0)
        snprintf(out, cap, "ok (no alternative kept)");
    else
        desc_value(out, cap, "ok ", &t);
    vbuf_free(&t);
}

/* valid: exactly the expected alternatives (a "clear" keeps none); invalid: a rejection, or nothing kept;
 * acceptable: the same, or exactly the expected alternatives (lenient). */
int judge_altsvc_adapter(vec_judge *j)
{
    const vec_case *c = j->c;
    vec_outcome *o = &j->got;
    int has_exp = c->result != RES_INVALID && c->canon.len > 0;
    if (has_exp && expected_alts(j, &j->tmp) != 0)
        return vec_fail(j->ask.at, "the test's canonical form does not parse, or out of memory");
    if (vec_ask_altsvc(&j->ask, c->tcid, &c->value, o))
        return -1;
    char exp[DESC_MAX], got[DESC_MAX];
    if (o->kind == OUT_SKIP)
        return judge_skip(j, o->reason), 0;
    if (o->kind == OUT_OK)
        desc_alts(got, sizeof got, &o->data);
    else
        desc_outcome(got, sizeof got, o, 0);
    int same_as_exp = has_exp && o->kind == OUT_OK && vbuf_eq(&o->data, &j->tmp);
    int refused = o->kind == OUT_ERR || o->data.len == 0;
    if (has_exp)
        desc_alts(exp, sizeof exp, &j->tmp);
    else
        desc_error(exp, sizeof exp, -1, c->check);
    if (c->result == RES_VALID ? same_as_exp : refused)
        judge_pass(j);
    else if (c->result == RES_ACCEPTABLE && same_as_exp)
        judge_note(j, VEC_NOTE_LENIENT, "error (strict)", got);
    else
        judge_note(j, VEC_NOTE_FAIL, exp, got);
    return 0;
}

/* ---- svcb_alpn --------------------------------------------------------------------------------------------------- */

/* A presentation test is asked as `svcbparse` (the answer is the wire value); a wire test as `svcbprint`, whose
 * answer libalpn parses back, so that any correct spelling of the same list passes (RFC 9460 Appendix A.1 allows
 * several). Invalid tests must be refused. */
int judge_svcb_adapter(vec_judge *j, const vec_group *g)
{
    const vec_case *c = j->c;
    vec_outcome *o = &j->got;
    if (g->svcb_wire ? vec_ask_svcbprint(&j->ask, c->tcid, &c->wire, o)
                     : vec_ask_svcbparse(&j->ask, c->tcid, &c->value, o))
        return -1;
    if (g->svcb_wire && o->kind == OUT_OK) {
        size_t wn = 0;
        alpn_error err = {0};
        j->tmp.len = 0;
        if (vbuf_put(&j->tmp, o->data.p, o->data.len + 1) != 0)
            return vec_fail(j->ask.at, "out of memory");
        int rc = alpn_svcb_alpn_parse((const char *)o->data.p, o->data.len, j->tmp.p, j->tmp.len, &wn, &err);
        if (rc != ALPN_OK) {
            char got[DESC_MAX], what[DESC_MAX];
            desc_value(what, sizeof what, "ok ", &o->data);
            join(got, sizeof got, what, " (not a presentation value: ", err.check, ")", (char *)NULL);
            return judge_note(j, VEC_NOTE_FAIL, c->result == RES_VALID ? "ok" : "error", got), 0;
        }
        o->data.len = 0;
        if (vbuf_put(&o->data, j->tmp.p, wn) != 0)
            return vec_fail(j->ask.at, "out of memory");
    }
    judge_outcome(j, o, &c->wire, -1, c->check, 0, 1);
    return 0;
}
