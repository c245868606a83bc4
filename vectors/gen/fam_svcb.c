/*
 * svcb_alpn.json: the alpn SvcParam of SVCB/HTTPS records (RFC 9460 §7.1) in presentation and wire format. Each
 * valid test gives the same list four ways: the wire value, its extension_data (RFC 7301 §3.1), its canonical ALPN
 * header value (RFC 7639 §2) and its canonical presentation value; the generator builds them from the names with
 * its own encoders (below and oracle.c), never with libalpn. Invalid tests carry the SVCB-* rule they break.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vecgen.h"

struct sctx {
    vfile *f;
    json_t *pres, *wire; /* the two groups' tests */
    case_file *cases;    /* gen/cases/svcb_alpn.json */
};

/* The keys of gen/cases/svcb_alpn.json (see vectors/gen/cases/README.md). */
static const case_key svcb_keys[] = {
    {"presentation", CK_TEXT}, {"wire", CK_HEX},    {"names", CK_NAMES},  {"namesHex", CK_HEXNAMES},
    {"check", CK_TEXT},        {"flags", CK_FLAGS}, {"comment", CK_TEXT}, {"source", CK_TEXT},
};

/* Canonical presentation (alpncheck's choice, see alpn.h): unquoted; printable ASCII raw except '"', ';', '(', ')'
 * and '\'; inside an item ',' as "\\," and '\' as "\\\\" (RFC 9460 Appendix A.1 under RFC 1035 §5.1 escaping);
 * everything else \DDD. */
static void canon_pres(const namelist *l, buf *out)
{
    for (size_t i = 0; i < l->n; i++) {
        if (i > 0)
            buf_byte(out, ',');
        for (size_t k = 0; k < l->v[i].n; k++) {
            unsigned o = l->v[i].p[k];
            if (o == ',') {
                buf_str(out, "\\\\,");
            } else if (o == '\\') {
                buf_str(out, "\\\\\\\\");
            } else if (o <= 0x20 || o >= 0x7f || strchr("\";()", (int)o) != NULL) {
                char d[5];
                snprintf(d, sizeof d, "\\%03u", o);
                buf_str(out, d);
            } else {
                buf_byte(out, o);
            }
        }
    }
}

/* The alpn wire value of names: each with its one-octet length. */
static void wire_of(const namelist *l, buf *out)
{
    for (size_t i = 0; i < l->n; i++) {
        buf_byte(out, (unsigned)l->v[i].n);
        buf_put(out, l->v[i].p, l->v[i].n);
    }
}

/* The four forms of a valid list into test t. */
static void forms(json_t *t, const namelist *l, int with_wire, int with_pres)
{
    buf w = {0}, e = {0}, h = {0}, p = {0};
    wire_of(l, &w);
    enc_list(l, &e);
    if (oracle_hformat(l, &h) != NULL)
        abort(); /* every valid alpn list has a header form */
    canon_pres(l, &p);
    if (with_wire)
        json_object_set_new(t, "wire", jhex(w.p, w.n));
    json_object_set_new(t, "ext", jhex(e.p, e.n));
    json_object_set_new(t, "header", json_stringn((const char *)h.p, h.n));
    if (with_pres)
        json_object_set_new(t, "canonical", json_stringn((const char *)p.p, p.n));
    /* Every form converts into every other octet for octet (SVCB-ALPN-ROUNDTRIP). */
    json_object_set_new(t, "check", json_string("SVCB-ALPN-ROUNDTRIP"));
    buf_free(&w);
    buf_free(&e);
    buf_free(&h);
    buf_free(&p);
}

/* What a presentation or wire test expects: every form of the names when valid (l), else the failing check; and the
 * published source, when there is one. */
static void outcome(json_t *t, const namelist *l, int with_wire, const char *check, const char *source)
{
    if (l != NULL)
        forms(t, l, with_wire, 1);
    else
        json_object_set_new(t, "check", json_string(check));
    if (source != NULL)
        json_object_set_new(t, "source", json_string(source));
}

/* A presentation test: text, and the names when valid (l NULL: invalid with check). */
static void pt(struct sctx *c, const uint8_t *text, size_t n, const namelist *l, const char *check, const char *flags,
               const char *comment, const char *source)
{
    json_t *t = vf_test(c->f, c->pres, l != NULL ? "valid" : "invalid", flags, comment);
    json_object_set_new(t, "presentationHex", jhex(text, n));
    if (printable(text, n))
        json_object_set_new(t, "presentation", json_stringn((const char *)text, n));
    outcome(t, l, 1, check, source);
}

static void pts(struct sctx *c, const char *text, const namelist *l, const char *check, const char *flags,
                const char *comment, const char *source)
{
    pt(c, (const uint8_t *)text, strlen(text), l, check, flags, comment, source);
}

/* A wire test: the value, and whether it is valid (its names) or the check. */
static void wt(struct sctx *c, const buf *w, const namelist *l, const char *check, const char *flags,
               const char *comment, const char *source)
{
    json_t *t = vf_test(c->f, c->wire, l != NULL ? "valid" : "invalid", flags, comment);
    json_object_set_new(t, "wire", jhex(w->p, w->n));
    outcome(t, l, 0, check, source);
}

/* What case k expects: its names (names or namesHex, into *l) when it is valid, else NULL and *check, the rule it
 * breaks. */
static const namelist *case_outcome(const vcase *k, namelist *l, const char **check)
{
    *l = (namelist){0};
    *check = NULL;
    if (case_has(k, "names") || case_has(k, "namesHex")) {
        *l = case_names(k);
        /* forms() holds every valid list to have a header form (one to 255 octets a name, at least one name). */
        buf h = {0};
        const char *bad = oracle_hformat(l, &h);
        buf_free(&h);
        if (bad != NULL)
            case_die(k, "the names are no valid alpn list (%s): give the check it fails instead", bad);
        return l;
    }
    *check = case_text(k, "check");
    return NULL;
}

/* The cases of set in one form: presentation (the text) or wire (the value of the names when valid, else wire, the
 * value as it stands); with the names or the check it fails, flags, comment, source. */
static void svcb_set(struct sctx *c, const char *set, int wire)
{
    vcase k;
    for (size_t at = 0; case_next(c->cases, set, &at, &k);) {
        namelist l;
        const char *check, *flags = case_text(&k, "flags"), *comment = case_text(&k, "comment");
        const namelist *ok = case_outcome(&k, &l, &check);
        if (wire) {
            buf w = {0};
            if (ok != NULL)
                wire_of(ok, &w);
            else
                w = case_hex(&k, "wire");
            wt(c, &w, ok, check, flags, comment, case_opt(&k, "source"));
            buf_free(&w);
        } else {
            pts(c, case_text(&k, "presentation"), ok, check, flags, comment, case_opt(&k, "source"));
        }
        nl_free(&l);
    }
}

/* ---- presentation ------------------------------------------------------------------------------------------------ */

/* text is 'a' followed by an escape of octet o. At the list level (RFC 9460 Appendix A.1) a decoded ',' separates
 * (leaving the item after it empty) and a decoded '\' escapes the next octet (here: none). */
static void escaped_octet(struct sctx *c, const char *text, unsigned o, const char *comment)
{
    if (o == ',' || o == '\\') {
        pts(c, text, NULL, o == ',' ? "SVCB-ALPN-ID-EMPTY" : "SVCB-ALPN-LIST", "SvcbEscape", comment, NULL);
        return;
    }
    uint8_t two[2] = {'a', (uint8_t)o};
    namelist l2 = nl_one(two, 2);
    pts(c, text, &l2, NULL, "SvcbEscape", comment, NULL);
    nl_free(&l2);
}

static void pres_octets(struct sctx *c)
{
    char cm[120];
    for (unsigned o = 0; o < 256; o++) {
        uint8_t oc = (uint8_t)o;
        namelist l = nl_one(&oc, 1);
        buf p = {0};
        canon_pres(&l, &p);
        snprintf(cm, sizeof cm, "one-octet alpn-id 0x%02x in canonical presentation", o);
        pt(c, p.p, p.n, &l, NULL, "SingleOctet SvcbEscape", cm, NULL);
        buf_free(&p);
        /* RFC 1035 §5.1: \DDD is the octet. */
        char d[8];
        snprintf(d, sizeof d, "a\\%03u", o);
        snprintf(cm, sizeof cm, "decimal escape \\%03u after 'a'", o);
        escaped_octet(c, d, o, cm);
        /* RFC 1035 §5.1: \X for a non-digit X is X itself. */
        if (o >= 0x21 && o <= 0x7e && (o < '0' || o > '9')) {
            char x[8] = {'a', '\\', (char)o, 0};
            snprintf(cm, sizeof cm, "escape \\%c after 'a'", (char)o);
            escaped_octet(c, x, o, cm);
        }
        /* Outside quotes, whitespace, '"', ';', '(' and ')' and controls must be escaped. */
        if (o <= 0x20 || o == 0x7f || strchr("\";()", (int)o) != NULL) {
            uint8_t raw[3] = {'a', (uint8_t)o, 'b'};
            snprintf(cm, sizeof cm, "raw octet 0x%02x in an unquoted value", o);
            pt(c, raw, 3, NULL, "SVCB-CHAR-STRING", "SvcbCharString", cm, NULL);
            if (o != '"') {
                uint8_t q[5] = {'"', 'a', (uint8_t)o, 'b', '"'};
                namelist lq = nl_one(q + 1, 3);
                snprintf(cm, sizeof cm, "raw octet 0x%02x inside quotes", o);
                pt(c, q, 5, &lq, NULL, "SvcbCharString", cm, NULL);
                nl_free(&lq);
            }
        }
        nl_free(&l);
    }
}

static void pres_lists(struct sctx *c)
{
    svcb_set(c, "lists", 0);
    namelist reg = {0};
    nl_addl(&reg, &g_registry);
    buf p = {0};
    canon_pres(&reg, &p);
    pt(c, p.p, p.n, &reg, NULL, "Registry", "every registered and well-known name, in canonical presentation", NULL);
    buf_free(&p);
    nl_free(&reg);
    /* ALPN identifiers are 1..255 octets (RFC 9460 §7.1); the wire value is at most 65535. */
    static const size_t lens[] = {1, 2, 254, 255, 256};
    char cm[120];
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        namelist l = nl_filled('a', lens[i]);
        buf t = {0};
        buf_fill(&t, 'a', lens[i]);
        snprintf(cm, sizeof cm, "alpn-id of %zu octets", lens[i]);
        pt(c, t.p, t.n, lens[i] <= 255 ? &l : NULL, "SVCB-ALPN-LENGTH", "BoundaryLength", cm, NULL);
        buf_free(&t);
        nl_free(&l);
    }
    /* 256 ids of 255 octets: 65536 octets of wire value, one too many; 255 ids: 65280. */
    for (size_t ids = 255; ids <= 256; ids++) {
        namelist l = {0};
        buf t = {0};
        for (size_t k = 0; k < ids; k++) {
            uint8_t id[255];
            memset(id, 'a' + (int)(k % 26), sizeof id);
            nl_add(&l, id, sizeof id);
            if (k > 0)
                buf_byte(&t, ',');
            buf_put(&t, id, sizeof id);
        }
        snprintf(cm, sizeof cm, "%zu alpn-ids of 255 octets (%zu octets of wire value)", ids, ids * 256);
        pt(c, t.p, t.n, ids == 255 ? &l : NULL, "SVCB-ALPN-LENGTH", "LargeList", cm, NULL);
        buf_free(&t);
        nl_free(&l);
    }
}

/* ---- wire -------------------------------------------------------------------------------------------------------- */

static void wire_cases(struct sctx *c)
{
    char cm[120];
    svcb_set(c, "wire-published", 1);
    namelist h2h3 = nl_of("h2", "h3-19", NULL);
    buf w = {0};
    wire_of(&h2h3, &w);
    /* Every strict prefix of a valid value is malformed where it is cut (RFC 9460 §7.1.1: the pairs fill the
     * value exactly). */
    namelist h2 = nl_of("h2", NULL);
    for (size_t n = 1; n < w.n; n++) {
        buf cut = buf_copy(w.p, n);
        snprintf(cm, sizeof cm, "h2,h3-19 cut to %zu octets", n);
        /* Cut after the first pair, what is left is the valid value h2. */
        wt(c, &cut, n == 3 ? &h2 : NULL, "SVCB-ALPN-OVERRUN", "Truncated", cm, NULL);
        buf_free(&cut);
    }
    nl_free(&h2);
    buf_free(&w);
    for (unsigned o = 0; o < 256; o++) {
        uint8_t oc = (uint8_t)o;
        namelist l = nl_one(&oc, 1);
        wire_of(&l, &w);
        snprintf(cm, sizeof cm, "one-octet alpn-id 0x%02x", o);
        wt(c, &w, &l, NULL, "SingleOctet", cm, NULL);
        buf_free(&w);
        nl_free(&l);
    }
    svcb_set(c, "wire-malformed", 1);
    static const size_t lens[] = {1, 254, 255};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        namelist l = nl_filled(0x80 + (unsigned)i, lens[i]);
        wire_of(&l, &w);
        snprintf(cm, sizeof cm, "one alpn-id of %zu octets 0x%02x", lens[i], 0x80 + (unsigned)i);
        wt(c, &w, &l, NULL, "BoundaryLength HighBytes", cm, NULL);
        buf_free(&w);
        nl_free(&l);
    }
    nl_free(&h2h3);
}

void fam_svcb(vfile *f)
{
    json_t *pg = vf_group_new(f), *wg = vf_group_new(f);
    json_object_set_new(pg, "form", json_string("presentation"));
    json_object_set_new(wg, "form", json_string("wire"));
    struct sctx c = {f, vf_group(f, pg), NULL,
                     cases_open("svcb_alpn.json", svcb_keys, sizeof svcb_keys / sizeof svcb_keys[0])};
    svcb_set(&c, "published", 0);
    pres_lists(&c);
    svcb_set(&c, "escapes", 0);
    pres_octets(&c);
    c.wire = vf_group(f, wg);
    wire_cases(&c);
    cases_close(c.cases);
}
