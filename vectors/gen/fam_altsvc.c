/*
 * altsvc.json: the HTTP Alt-Svc field value (RFC 7838 §3). Every test is built from parts whose meaning the
 * generator knows (a protocol name, a host, a port, parameters) with at most one fault put in, so the expected
 * outcome follows from the construction and from the RFC rules restated here, never from libalpn:
 *   valid       strict and lenient parsers accept; canonical = the canonical form of what they parse;
 *   acceptable  a sender's fault a recipient may tolerate: check = what a strict parser reports, canonical = what a
 *               lenient parser's canonical form is;
 *   invalid     both reject; check = the rule a strict parser reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vecgen.h"

struct actx {
    vfile *f;
    json_t *tests;
    case_file *cases; /* gen/cases/altsvc.json */
};

/* The keys of gen/cases/altsvc.json (see vectors/gen/cases/README.md). */
static const case_key altsvc_keys[] = {
    {"value", CK_TEXT},         {"result", CK_TEXT},  {"check", CK_TEXT},       {"canonical", CK_TEXT},
    {"flags", CK_FLAGS},        {"comment", CK_TEXT}, {"source", CK_TEXT},      {"port", CK_TEXT},
    {"canonicalPort", CK_TEXT}, {"ma", CK_TEXT},      {"canonicalMa", CK_TEXT}, {"persist", CK_TEXT},
};

/* One test: value (n octets), its expected result, the check (invalid/acceptable) and the canonical form (valid,
 * acceptable). */
static void at(struct actx *c, const uint8_t *v, size_t n, const char *result, const char *check, const buf *canon,
               const char *flags, const char *comment, const char *source)
{
    json_t *t = vf_test(c->f, c->tests, result, flags, comment);
    json_object_set_new(t, "valueHex", jhex(v, n));
    if (printable(v, n))
        json_object_set_new(t, "value", json_stringn((const char *)v, n));
    /* A valid test exercises the canonical form (ALTSVC-CANONICAL); the others name the rule broken. */
    json_object_set_new(t, "check", json_string(check != NULL ? check : "ALTSVC-CANONICAL"));
    if (canon != NULL)
        json_object_set_new(t, "canonical", json_stringn((const char *)canon->p, canon->n));
    if (source != NULL)
        json_object_set_new(t, "source", json_string(source));
}

/* A test given as text: canon NULL for invalid, "=" for "the value is its own canonical form". */
static void ats(struct actx *c, const char *v, const char *result, const char *check, const char *canon,
                const char *flags, const char *comment, const char *source)
{
    buf cb = {0};
    if (canon != NULL)
        buf_str(&cb, strcmp(canon, "=") == 0 ? v : canon);
    at(c, (const uint8_t *)v, strlen(v), result, check, canon != NULL ? &cb : NULL, flags, comment, source);
    buf_free(&cb);
}

/* The cases of set, each a whole test: value, result, check (not valid), canonical (not invalid; "=" for the value
 * itself), flags, comment, source. */
static void ats_set(struct actx *c, const char *set)
{
    vcase k;
    for (size_t at = 0; case_next(c->cases, set, &at, &k);) {
        const char *result = case_text(&k, "result"), *canon = case_opt(&k, "canonical"),
                   *flags = case_text(&k, "flags");
        int valid = strcmp(result, "valid") == 0, invalid = strcmp(result, "invalid") == 0;
        if ((!valid && !invalid && strcmp(result, "acceptable") != 0) || valid == case_has(&k, "check") ||
            invalid == (canon != NULL))
            case_die(&k, "result (valid, acceptable, invalid), check and canonical do not agree");
        /* The flag's note says why a recipient may accept what a strict parser rejects. */
        if (!valid && !invalid && flags[strspn(flags, " ")] == '\0')
            case_die(&k, "an acceptable test needs a flag");
        ats(c, case_text(&k, "value"), result, case_opt(&k, "check"), canon, flags, case_text(&k, "comment"),
            case_opt(&k, "source"));
    }
}

/* name="host:port" with the name in canonical protocol-id form. */
static void alt_of(buf *b, const uint8_t *name, size_t n, const char *host_port)
{
    oracle_pid(name, n, b);
    buf_str(b, "=\"");
    buf_str(b, host_port);
    buf_byte(b, '"');
}

/* ---- the protocol-id: RFC 7639 percent-encoding (RFC 7838 §3) ---------------------------------------------------- */

static void pid_octets(struct actx *c)
{
    char cm[160];
    for (unsigned o = 0; o < 256; o++) {
        uint8_t oc = (uint8_t)o;
        buf v = {0};
        alt_of(&v, &oc, 1, ":443");
        snprintf(cm, sizeof cm, "protocol name of the one octet 0x%02x in canonical form", o);
        at(c, v.p, v.n, "valid", NULL, &v, "SingleOctet PercentEncoding", cm, NULL);
        buf_free(&v);
        static const char hexd[] = "0123456789ABCDEF";
        char lower[4] = {'%', (char)(hexd[o >> 4] | 0x20), (char)(hexd[o & 15] | 0x20), 0};
        int has_letter = (o >> 4) >= 10 || (o & 15) >= 10;
        buf canon = {0};
        alt_of(&canon, &oc, 1, ":443");
        if (o != '%' && is_tchar(o)) {
            /* RFC 7639 §2: a tchar other than '%' MUST NOT be encoded. */
            char upper[4] = {'%', hexd[o >> 4], hexd[o & 15], 0};
            buf_str(&v, upper);
            buf_str(&v, "=\":443\"");
            snprintf(cm, sizeof cm, "token character 0x%02x percent-encoded", o);
            at(c, v.p, v.n, "acceptable", "HDR-PCT-NOT-TCHAR", &canon, "PctEncodedTchar", cm, NULL);
            buf_free(&v);
        } else if (has_letter) {
            /* RFC 7639 §2: upper-case hex MUST be used. */
            buf_str(&v, lower);
            buf_str(&v, "=\":443\"");
            snprintf(cm, sizeof cm, "octet 0x%02x percent-encoded with lower-case hex", o);
            at(c, v.p, v.n, "acceptable", "HDR-PCT-UPPER", &canon, "LowerCaseHex", cm, NULL);
            buf_free(&v);
        }
        /* A raw octet that is neither tchar nor one of the characters that end a protocol-id. */
        if (!is_tchar(o) && strchr("= \t,;\"", (int)o) == NULL) {
            buf_str(&v, "h");
            buf_byte(&v, o);
            buf_str(&v, "=\":443\"");
            snprintf(cm, sizeof cm, "raw octet 0x%02x inside a protocol-id", o);
            at(c, v.p, v.n, "invalid", "HDR-TOKEN", NULL, "RawNonTchar", cm, NULL);
            buf_free(&v);
        }
        buf_free(&canon);
    }
    ats_set(c, "pct-truncated");
}

static void pid_lengths(struct actx *c)
{
    static const size_t lens[] = {1, 2, 254, 255, 256};
    char cm[120];
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        for (int enc = 0; enc < 2; enc++) {
            uint8_t name[256];
            memset(name, enc ? '/' : 'a', sizeof name);
            buf v = {0};
            alt_of(&v, name, lens[i], ":1");
            snprintf(cm, sizeof cm, "protocol name of %zu octets%s", lens[i], enc ? ", each percent-encoded" : "");
            if (lens[i] <= 255)
                at(c, v.p, v.n, "valid", NULL, &v, "NameLength", cm, NULL);
            else
                at(c, v.p, v.n, "invalid", "HDR-NAME-LENGTH", NULL, "NameLength", cm, NULL);
            buf_free(&v);
        }
    }
    ats_set(c, "protocol-id");
}

/* ---- the alt-authority (RFC 7838 §3, RFC 3986 §3.2.2-3.2.3) ------------------------------------------------------- */

static int regname_char(unsigned o)
{
    return (o >= 'a' && o <= 'z') || (o >= 'A' && o <= 'Z') || (o >= '0' && o <= '9') ||
           (o != 0 && strchr("-._~!$&'()*+,;=", (int)o) != NULL);
}

static void host_octets(struct actx *c)
{
    char cm[120];
    for (unsigned o = 0; o < 256; o++) {
        if (o == '"' || o == '\\' || o == ':' || o == '%')
            continue;
        buf v = {0};
        buf_str(&v, "h2=\"a");
        buf_byte(&v, o);
        buf_str(&v, "b:1\"");
        int control = (o < 0x20 && o != '\t') || o == 0x7f;
        snprintf(cm, sizeof cm, "octet 0x%02x in the host", o);
        if (regname_char(o))
            at(c, v.p, v.n, "valid", NULL, &v, "AltSvcHost", cm, NULL);
        else
            at(c, v.p, v.n, "invalid", control ? "ALTSVC-QUOTED" : "ALTSVC-AUTHORITY", NULL,
               control ? "AltSvcQuoted" : "AltSvcHost", cm, NULL);
        buf_free(&v);
    }
    ats_set(c, "hosts");
    /* RFC 1035 §2.3.4: 255 octets is the longest name. */
    for (size_t n = 254; n <= 256; n++) {
        buf v = {0};
        buf_str(&v, "h2=\"");
        buf_fill(&v, 'a', n);
        buf_str(&v, ":1\"");
        snprintf(cm, sizeof cm, "host of %zu octets", n);
        at(c, v.p, v.n, n <= 255 ? "valid" : "invalid", n <= 255 ? NULL : "ALTSVC-AUTHORITY", n <= 255 ? &v : NULL,
           "AltSvcHost", cm, NULL);
        buf_free(&v);
    }
}

static void ports(struct actx *c)
{
    char v[64], canon[64], cm[80];
    vcase k;
    /* Each case is a port and either its canonical spelling or the check it fails. */
    for (size_t at = 0; case_next(c->cases, "ports", &at, &k);) {
        const char *port = case_text(&k, "port"), *check = case_opt(&k, "check");
        case_fmt(&k, v, sizeof v, "h2=\"a:%s\"", port);
        case_fmt(&k, canon, sizeof canon, "h2=\"a:%s\"", check ? "" : case_text(&k, "canonicalPort"));
        case_fmt(&k, cm, sizeof cm, "port '%s'", port);
        ats(c, v, check ? "invalid" : "valid", check, check ? NULL : canon, "AltSvcPort", cm, NULL);
    }
}

/* RFC 9110 §5.6.4: a quoted-pair of a character other than '"' and '\' is a sender's fault. */
static void quoted_pairs(struct actx *c)
{
    char cm[80];
    for (unsigned o = 0x21; o < 0x7f; o++) {
        if (!regname_char(o))
            continue;
        char v[32], canon[32];
        snprintf(v, sizeof v, "h2=\"a\\%cb:1\"", (char)o);
        snprintf(canon, sizeof canon, "h2=\"a%cb:1\"", (char)o);
        snprintf(cm, sizeof cm, "needless quoted-pair \\%c in the authority", (char)o);
        ats(c, v, "acceptable", "ALTSVC-QUOTED", canon, "AltSvcQuoted", cm, NULL);
    }
    ats_set(c, "quoted");
}

/* ---- parameters (RFC 7838 §3.1, RFC 9110 §5.6.6) ------------------------------------------------------------------ */

static void parameters(struct actx *c)
{
    char v[96], canon[96], cm[96];
    vcase k;
    for (size_t at = 0; case_next(c->cases, "ma", &at, &k);) {
        case_fmt(&k, v, sizeof v, "h3=\":443\"; ma=%s", case_text(&k, "ma"));
        case_fmt(&k, canon, sizeof canon, "h3=\":443\"; ma=%s", case_text(&k, "canonicalMa"));
        case_fmt(&k, cm, sizeof cm, "ma=%s (RFC 9111 1.2.2: delta-seconds saturate at 2^31)", case_text(&k, "ma"));
        ats(c, v, "valid", NULL, canon, "AltSvcMa", cm, NULL);
    }
    for (size_t at = 0; case_next(c->cases, "ma-ignored", &at, &k);) {
        const char *ma = case_text(&k, "ma");
        case_fmt(&k, v, sizeof v, "h3=\":443\"; ma=%s", ma);
        case_fmt(&k, cm, sizeof cm, "ma=%s is not delta-seconds; a recipient ignores it", ma);
        /* A quoted-pair in the value is a fault of its own that strict mode meets first. */
        ats(c, v, "acceptable", strchr(ma, '\\') ? "ALTSVC-QUOTED" : "ALTSVC-MA", "h3=\":443\"", "AltSvcMa", cm, NULL);
    }
    for (size_t at = 0; case_next(c->cases, "persist-ignored", &at, &k);) {
        case_fmt(&k, v, sizeof v, "h3=\":443\"; persist=%s", case_text(&k, "persist"));
        case_fmt(&k, cm, sizeof cm, "persist=%s: only 1 has a meaning (RFC 7838 3.1)", case_text(&k, "persist"));
        ats(c, v, "acceptable", "ALTSVC-PERSIST", "h3=\":443\"", "AltSvcPersist", cm, NULL);
    }
    ats_set(c, "parameters");
}

/* ---- the list and "clear" (RFC 7838 §3, RFC 9110 §5.6.1) --------------------------------------------------------- */

static void lists(struct actx *c)
{
    ats_set(c, "lists");
    /* Long lists: 1, 2, 100 and 1000 alternatives. */
    static const size_t counts[] = {1, 2, 100, 1000};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        buf v = {0};
        for (size_t k = 0; k < counts[i]; k++) {
            char alt[48];
            snprintf(alt, sizeof alt, "%sh%zu=\":%zu\"", k ? ", " : "", k % 10, 1000 + k);
            buf_str(&v, alt);
        }
        char cm[64];
        snprintf(cm, sizeof cm, "%zu alternatives", counts[i]);
        at(c, v.p, v.n, "valid", NULL, &v, "LongList", cm, NULL);
        buf_free(&v);
    }
}

void fam_altsvc(vfile *f)
{
    struct actx c = {f, vf_group(f, vf_group_new(f)),
                     cases_open("altsvc.json", altsvc_keys, sizeof altsvc_keys / sizeof altsvc_keys[0])};
    ats_set(&c, "published");
    lists(&c);
    pid_octets(&c);
    pid_lengths(&c);
    host_octets(&c);
    ports(&c);
    quoted_pairs(&c);
    parameters(&c);
    cases_close(c.cases);
}
