/* header_parse.json, header_format.json, cross_format.json: the HTTP ALPN field (RFC 7639 §2). */
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "vecgen.h"

/* Flags implied by the HDR-* ID a test fails with. */
static const char *flag_for(const char *check, const char *result)
{
    static const struct {
        const char *check, *flag;
    } flags[] = {
        {"HDR-PCT-UPPER", "LowerCaseHex"},     {"HDR-PCT-NOT-TCHAR", "PctEncodedTchar"},
        {"HDR-PCT-TRUNCATED", "PctTruncated"}, {"HDR-TOKEN", "RawNonTchar"},
        {"HDR-NAME-LENGTH", "NameLength"},     {"HDR-SAME-AS-TLS", "OversizedList"},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (strcmp(check, flags[i].check) == 0)
            return flags[i].flag;
    }
    if (strcmp(check, "HDR-LIST") == 0)
        return strcmp(result, "acceptable") == 0 ? "EmptyListElement" : "NoNames";
    return "";
}

/* flags (of case k, NULL for the generator's own) plus extra, without repeating a key. */
static void merge_flags(const vcase *k, char *out, size_t cap, const char *flags, const char *extra)
{
    case_fmt(k, out, cap, "%s", flags);
    if (extra[0] == '\0')
        return;
    size_t n = strlen(extra);
    for (const char *p = strstr(out, extra); p != NULL; p = strstr(p + 1, extra))
        if ((p == out || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return;
    size_t o = strlen(out);
    case_fmt(k, out + o, cap - o, "%s%s", o ? " " : "", extra);
}

/* ---- header_parse.json ---- */

struct hctx {
    vfile *f;
    json_t *tests;
    case_file *cases; /* gen/cases/header_parse.json */
    const vcase *at;  /* the case hp writes now; NULL while the generator writes its own tests */
};

/* The keys of gen/cases/header_parse.json (see vectors/gen/cases/README.md). */
static const case_key hparse_keys[] = {
    {"value", CK_TEXT}, {"valueHex", CK_HEX}, {"flags", CK_FLAGS}, {"comment", CK_TEXT}, {"source", CK_TEXT},
};

static void hp(struct hctx *c, const uint8_t *v, size_t n, const char *flags, const char *comment, const char *source)
{
    hdr_result r;
    const char *result;
    oracle_hparse(v, n, &r);
    if (r.strict_check == NULL)
        result = "valid";
    else if (r.lenient_check == NULL)
        result = "acceptable";
    else
        result = "invalid";
    /* An invalid test must name one rule: the strict and the lenient parser have to fail on the same one. */
    if (r.lenient_check != NULL && strcmp(r.strict_check, r.lenient_check) != 0)
        case_die(c->at, "ambiguous header test (strict %s, lenient %s): %s", r.strict_check, r.lenient_check, comment);
    char fl[300];
    merge_flags(c->at, fl, sizeof fl, flags, r.strict_check ? flag_for(r.strict_check, result) : "");
    json_t *t = vf_test(c->f, c->tests, result, fl, comment);
    json_object_set_new(t, "valueHex", jhex(v, n));
    if (printable(v, n))
        json_object_set_new(t, "value", json_stringn((const char *)v, n));
    if (r.lenient_check == NULL)
        json_object_set_new(t, "names", jnames(&r.names));
    if (r.strict_check != NULL)
        json_object_set_new(t, "check", json_string(r.strict_check));
    if (source != NULL)
        json_object_set_new(t, "source", json_string(source));
    hdr_result_free(&r);
}

/* The cases of set: a field value (value, or valueHex for octets that are not text), flags, comment and the source
 * of a published case; the oracle gives the outcome. */
static void hp_set(struct hctx *c, const char *set)
{
    vcase k;
    for (size_t at = 0; case_next(c->cases, set, &at, &k);) {
        buf v = case_bytes(&k, "value", "valueHex");
        c->at = &k;
        hp(c, v.p, v.n, case_text(&k, "flags"), case_text(&k, "comment"), case_opt(&k, "source"));
        c->at = NULL;
        buf_free(&v);
    }
}

static void lower_hex(buf *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->p[i] >= 'A' && b->p[i] <= 'F')
            b->p[i] = (uint8_t)(b->p[i] - 'A' + 'a');
}

static void pct(buf *b, unsigned octet, int lower)
{
    uint8_t o = (uint8_t)octet;
    char text[4] = "%";
    if (lower)
        hex_encode(&o, 1, text + 1);
    else
        hex_encode_upper(&o, 1, text + 1);
    buf_str(b, text);
}

static void hp_octets(struct hctx *c)
{
    char cm[200];
    for (unsigned o = 0; o < 256; o++) {
        buf b = {0}, e = {0};
        uint8_t oc = (uint8_t)o;
        oracle_pid(&oc, 1, &b);
        snprintf(cm, sizeof cm, "octet 0x%02x in canonical form, alone", o);
        hp(c, b.p, b.n, "SingleOctet PercentEncoding", cm, NULL);
        buf_str(&e, "x");
        buf_put(&e, b.p, b.n);
        buf_str(&e, "y");
        snprintf(cm, sizeof cm, "octet 0x%02x in canonical form between x and y", o);
        hp(c, e.p, e.n, "PercentEncoding", cm, NULL);
        buf_free(&e);
        if (b.p[0] == '%' && (b.p[1] > '9' || b.p[2] > '9')) {
            lower_hex(&b);
            snprintf(cm, sizeof cm, "octet 0x%02x percent-encoded with lower-case hex", o);
            hp(c, b.p, b.n, "LowerCaseHex", cm, NULL);
        }
        buf_free(&b);
        if (is_tchar(o) && o != '%') {
            pct(&b, o, 0);
            snprintf(cm, sizeof cm, "token character 0x%02x ('%c') percent-encoded", o, o);
            hp(c, b.p, b.n, "PctEncodedTchar", cm, NULL);
            buf_free(&b);
            pct(&b, o, 1);
            if (b.p[1] > '9' || b.p[2] > '9') {
                snprintf(cm, sizeof cm, "token character 0x%02x ('%c') percent-encoded in lower case", o, o);
                hp(c, b.p, b.n, "PctEncodedTchar LowerCaseHex", cm, NULL);
            }
            buf_free(&b);
        }
        if (!is_tchar(o) || o == '%') {
            buf_byte(&b, o);
            snprintf(cm, sizeof cm, "octet 0x%02x raw, alone", o);
            hp(c, b.p, b.n, "", cm, NULL);
            buf_free(&b);
            buf_str(&b, "h2");
            buf_byte(&b, o);
            buf_str(&b, "x");
            snprintf(cm, sizeof cm, "octet 0x%02x raw between h2 and x", o);
            hp(c, b.p, b.n, "", cm, NULL);
            buf_free(&b);
        }
    }
}

static void hp_lengths(struct hctx *c)
{
    buf b = {0};
    buf_fill(&b, 'a', 255);
    hp(c, b.p, b.n, "NameLength", "a name of 255 raw octets", NULL);
    buf_byte(&b, 'a');
    hp(c, b.p, b.n, "NameLength", "a name of 256 raw octets", NULL);
    buf_free(&b);
    for (unsigned i = 0; i < 255; i++)
        pct(&b, 0xff, 0);
    hp(c, b.p, b.n, "NameLength", "a name of 255 octets, all percent-encoded (765 characters)", NULL);
    pct(&b, 0x00, 0);
    hp(c, b.p, b.n, "NameLength", "a name of 256 octets, all percent-encoded", NULL);
    buf_free(&b);
    buf_fill(&b, 'b', 254);
    buf_str(&b, "%20");
    hp(c, b.p, b.n, "NameLength", "254 raw octets and an encoded space: 255 octets", NULL);
    buf_str(&b, "%20");
    hp(c, b.p, b.n, "NameLength", "254 raw octets and two encoded spaces: 256 octets", NULL);
    buf_free(&b);
    buf_str(&b, "h2, ");
    buf_fill(&b, 'c', 256);
    buf_str(&b, ", h3");
    hp(c, b.p, b.n, "NameLength", "a 256-octet second name", NULL);
    buf_free(&b);
    buf_fill(&b, 'c', 255);
    buf_str(&b, ", ");
    buf_fill(&b, 'd', 255);
    hp(c, b.p, b.n, "NameLength", "two names of 255 octets", NULL);
    buf_free(&b);
    /* Decoded lists around the 65535-byte protocol_name_list of a ClientHello. */
    for (unsigned i = 0; i < 256; i++) {
        if (i > 0)
            buf_str(&b, ",");
        buf_fill(&b, 'a' + i % 26, i == 255 ? 254 : 255);
    }
    hp(c, b.p, b.n, "NameLength LargeList", "255 names of 255 octets and one of 254: exactly 65535 bytes as a list",
       NULL);
    buf_byte(&b, 'z');
    hp(c, b.p, b.n, "LargeList", "256 names of 255 octets: 65536 bytes as a list, more than a ClientHello can offer",
       NULL);
    buf_free(&b);
}

static void hp_registry(struct hctx *c)
{
    char cm[200], d[DESC_NAME_CAP];
    buf all = {0};
    for (size_t i = 0; i < g_registry.n; i++) {
        buf b = {0};
        oracle_pid(g_registry.v[i].p, g_registry.v[i].n, &b);
        describe_name(g_registry.v[i].p, g_registry.v[i].n, d);
        snprintf(cm, sizeof cm, "registry name %s, canonical", d);
        hp(c, b.p, b.n, "Registry", cm, NULL);
        if (i > 0)
            buf_str(&all, ", ");
        buf_put(&all, b.p, b.n);
        buf_free(&b);
    }
    hp(c, all.p, all.n, "Registry", "every registry name, canonical list", NULL);
    buf_free(&all);
    for (unsigned i = 0; i < 16; i++) {
        uint8_t g[2];
        buf b = {0};
        grease_value(i, g);
        oracle_pid(g, 2, &b);
        snprintf(cm, sizeof cm, "GREASE 0x%02x%02x, canonical", g[0], g[1]);
        hp(c, b.p, b.n, "Grease", cm, NULL);
        lower_hex(&b);
        if (memchr(b.p, 'a', b.n) != NULL) {
            snprintf(cm, sizeof cm, "GREASE 0x%02x%02x, lower-case hex", g[0], g[1]);
            hp(c, b.p, b.n, "Grease", cm, NULL);
        }
        buf_free(&b);
    }
}

void fam_hparse(vfile *f)
{
    struct hctx c = {f, NULL, cases_open("header_parse.json", hparse_keys, sizeof hparse_keys / sizeof hparse_keys[0]),
                     NULL};
    c.tests = vf_group(f, vf_group_new(f));
    hp_set(&c, "rfc");      /* RFC 7639 */
    hp_set(&c, "projects"); /* Chromium, lpeg_patterns, .NET */
    hp_set(&c, "syntax");
    hp_lengths(&c);
    hp_registry(&c);
    hp_octets(&c);
    hp_set(&c, "curl"); /* last, so that the tcIds above stay as published */
    cases_close(c.cases);
}

/* ---- header_format.json ---- */

/* A test of the names l, from case k (NULL for the generator's own): what (the comment's start), the oracle formats. */
static void hf(vfile *f, json_t *tests, const vcase *k, const namelist *l, const char *flags, const char *what,
               const char *source)
{
    buf out = {0};
    char d[DESC_CAP], cm[DESC_CAP + 200];
    const char *bad = oracle_hformat(l, &out);
    describe_list(l, d);
    case_fmt(k, cm, sizeof cm, "%s: %s", what, d);
    json_t *t = vf_test(f, tests, bad ? "invalid" : "valid", flags, cm);
    json_object_set_new(t, "names", jnames(l));
    if (bad != NULL)
        json_object_set_new(t, "check", json_string(bad));
    else
        json_object_set_new(t, "value", json_stringn((const char *)out.p, out.n));
    if (bad == NULL) {
        /* What a valid test exercises: the spelling of '%' when a name holds one, else the canonical form. */
        int percent = 0;
        for (size_t i = 0; i < l->n; i++)
            percent |= memchr(l->v[i].p, '%', l->v[i].n) != NULL;
        json_object_set_new(t, "check", json_string(percent ? "HDR-PCT-PERCENT" : "HDR-CANONICAL"));
    }
    if (source != NULL)
        json_object_set_new(t, "source", json_string(source));
    buf_free(&out);
}

/* The keys of gen/cases/header_format.json and gen/cases/cross_format.json (see vectors/gen/cases/README.md). */
static const case_key hformat_keys[] = {
    {"names", CK_NAMES}, {"namesHex", CK_HEXNAMES}, {"flags", CK_FLAGS}, {"what", CK_TEXT}, {"source", CK_TEXT},
};
static const case_key cross_keys[] = {
    {"names", CK_NAMES}, {"namesHex", CK_HEXNAMES}, {"flags", CK_FLAGS}, {"what", CK_TEXT},
    {"ext", CK_HEX},     {"comment", CK_TEXT},      {"value", CK_TEXT},
};

/* The cases of set: names (names, or namesHex), flags, what (the comment's start), source; the oracle formats. */
static void hf_set(vfile *f, json_t *tests, case_file *cases, const char *set)
{
    vcase k;
    for (size_t at = 0; case_next(cases, set, &at, &k);) {
        namelist l = case_names(&k);
        hf(f, tests, &k, &l, case_text(&k, "flags"), case_text(&k, "what"), case_opt(&k, "source"));
        nl_free(&l);
    }
}

static namelist random_list(void)
{
    namelist l = {0};
    unsigned n = prng_next() % 4 + 1;
    for (unsigned i = 0; i < n; i++) {
        buf b = {0};
        unsigned len = prng_next() % 12 + 1;
        for (unsigned k = 0; k < len; k++) {
            unsigned x = prng_next();
            /* Half the octets from the tchar-rich printable range, half from anywhere. */
            buf_byte(&b, x & 0x100 ? 0x21 + (x >> 9) % 94 : (x >> 9) & 0xff);
        }
        nl_add(&l, b.p, b.n);
        buf_free(&b);
    }
    return l;
}

void fam_hformat(vfile *f)
{
    json_t *tests = vf_group(f, vf_group_new(f));
    case_file *cases = cases_open("header_format.json", hformat_keys, sizeof hformat_keys / sizeof hformat_keys[0]);
    namelist l;
    char cm[100];

    hf_set(f, tests, cases, "rfc");
    for (unsigned o = 0; o < 256; o++) {
        uint8_t oc = (uint8_t)o;
        l = (namelist){0};
        nl_add(&l, &oc, 1);
        snprintf(cm, sizeof cm, "single octet 0x%02x", o);
        hf(f, tests, NULL, &l, "SingleOctet PercentEncoding", cm, NULL);
        nl_free(&l);
    }
    static const unsigned fills[] = {'a', 0x00, '%', 0xff, ' ', '~'};
    for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++) {
        buf b = {0};
        buf_fill(&b, fills[i], 255);
        l = (namelist){0};
        nl_add(&l, b.p, b.n);
        hf(f, tests, NULL, &l, "NameLength BoundaryLength", "a 255-octet name", NULL);
        nl_adds(&l, "h2");
        hf(f, tests, NULL, &l, "NameLength BoundaryLength", "a 255-octet name, then h2", NULL);
        nl_free(&l);
        buf_free(&b);
    }
    for (size_t i = 0; i < g_registry.n; i++) {
        l = (namelist){0};
        nl_add(&l, g_registry.v[i].p, g_registry.v[i].n);
        hf(f, tests, NULL, &l, "Registry", "registry name", NULL);
        nl_free(&l);
    }
    hf(f, tests, NULL, &g_registry, "Registry", "every registry name", NULL);
    for (unsigned i = 0; i < 16; i++) {
        uint8_t gv[2];
        grease_value(i, gv);
        l = (namelist){0};
        nl_add(&l, gv, 2);
        hf(f, tests, NULL, &l, "Grease", "GREASE value", NULL);
        nl_free(&l);
    }
    hf_set(f, tests, cases, "lists");
    for (unsigned i = 0; i < 150; i++) {
        l = random_list();
        hf(f, tests, NULL, &l, "", "pseudo-random names", NULL);
        nl_free(&l);
    }

    hf_set(f, tests, cases, "invalid");
    buf b = {0};
    buf_fill(&b, 'a', 256);
    l = (namelist){0}, nl_add(&l, b.p, b.n), hf(f, tests, NULL, &l, "NameLength", "a 256-octet name", NULL);
    nl_free(&l);
    l = nl_of("h2", NULL), nl_add(&l, b.p, b.n);
    hf(f, tests, NULL, &l, "NameLength", "h2, then a 256-octet name", NULL);
    nl_free(&l);
    buf_free(&b);
    /* Last, so that the tcIds above stay as published. */
    hf_set(f, tests, cases, "curl");
    cases_close(cases);
}

/* ---- cross_format.json ---- */

/* A valid list l, from case k (NULL for the generator's own), what: the comment's start. */
static void cf(vfile *f, json_t *tests, const vcase *k, const namelist *l, const char *flags, const char *what)
{
    buf ext = {0}, value = {0};
    char d[DESC_CAP], cm[DESC_CAP + 200];
    enc_list(l, &ext);
    if (oracle_pnl(ext.p, ext.n, ROLE_CLIENT, NULL) != NULL || oracle_hformat(l, &value) != NULL)
        case_die(k, "cross_format valid case is not valid: %s", what);
    describe_list(l, d);
    case_fmt(k, cm, sizeof cm, "%s: %s", what, d);
    json_t *t = vf_test(f, tests, "valid", flags, cm);
    json_object_set_new(t, "ext", jhex(ext.p, ext.n));
    json_object_set_new(t, "value", json_stringn((const char *)value.p, value.n));
    json_object_set_new(t, "check", json_string("HDR-CANONICAL"));
    buf_free(&ext);
    buf_free(&value);
}

/* A malformed extension_data case (ext, comment), which has no field value. */
static void cf_bad_ext(vfile *f, json_t *tests, const vcase *k)
{
    buf ext = case_hex(k, "ext");
    const char *what = case_text(k, "comment");
    const char *bad = oracle_pnl(ext.p, ext.n, ROLE_CLIENT, NULL);
    if (bad == NULL)
        case_die(k, "cross_format malformed ext is valid: %s", what);
    json_t *t = vf_test(f, tests, "invalid", "MalformedExt", what);
    json_object_set_new(t, "ext", jhex(ext.p, ext.n));
    json_object_set_new(t, "check", json_string(bad));
    buf_free(&ext);
}

/* A valid list and a spelling of it that a strict parser rejects, from case k (NULL for the generator's own). */
static void cf_bad_value(vfile *f, json_t *tests, const vcase *k, const namelist *l, const uint8_t *v, size_t n,
                         const char *what)
{
    buf ext = {0};
    hdr_result r;
    enc_list(l, &ext);
    oracle_hparse(v, n, &r);
    if (r.strict_check == NULL || !printable(v, n))
        case_die(k, "cross_format non-canonical value is accepted or unprintable: %s", what);
    char fl[100], cm[300];
    merge_flags(k, fl, sizeof fl, "NonCanonical", flag_for(r.strict_check, r.lenient_check ? "invalid" : "acceptable"));
    case_fmt(k, cm, sizeof cm, "non-canonical value for the list: %s", what);
    json_t *t = vf_test(f, tests, "invalid", fl, cm);
    json_object_set_new(t, "ext", jhex(ext.p, ext.n));
    json_object_set_new(t, "value", json_stringn((const char *)v, n));
    json_object_set_new(t, "check", json_string(r.strict_check));
    hdr_result_free(&r);
    buf_free(&ext);
}

void fam_cross(vfile *f)
{
    json_t *tests = vf_group(f, vf_group_new(f));
    case_file *cases = cases_open("cross_format.json", cross_keys, sizeof cross_keys / sizeof cross_keys[0]);
    namelist l;
    char cm[100];

    vcase k;
    for (size_t at = 0; case_next(cases, "rfc", &at, &k);) {
        l = case_names(&k);
        cf(f, tests, &k, &l, case_text(&k, "flags"), case_text(&k, "what"));
        nl_free(&l);
    }
    for (unsigned o = 0; o < 256; o++) {
        uint8_t oc = (uint8_t)o;
        l = (namelist){0};
        nl_add(&l, &oc, 1);
        snprintf(cm, sizeof cm, "single octet 0x%02x", o);
        cf(f, tests, NULL, &l, "SingleOctet", cm);
        nl_free(&l);
    }
    /* Every octet once, in one 255-octet name (0x01..0xff) and one 1-octet name (0x00). */
    buf b = {0};
    for (unsigned o = 1; o < 256; o++)
        buf_byte(&b, o);
    l = (namelist){0}, nl_add(&l, b.p, b.n), nl_add(&l, "\0", 1);
    cf(f, tests, NULL, &l, "BoundaryLength NulInName HighBytes", "every octet value in two names");
    nl_free(&l);
    buf_free(&b);
    for (size_t i = 0; i < g_registry.n; i++) {
        l = (namelist){0};
        nl_add(&l, g_registry.v[i].p, g_registry.v[i].n);
        cf(f, tests, NULL, &l, "Registry", "registry name");
        nl_free(&l);
    }
    cf(f, tests, NULL, &g_registry, "Registry", "every registry name");
    l = (namelist){0};
    for (unsigned i = 0; i < 256; i++) {
        buf_fill(&b, 'a' + i % 26, i == 255 ? 254 : 255);
        b.p[0] = (uint8_t)i; /* every octet value once, as the first octet of a name */
        nl_add(&l, b.p, b.n);
        buf_free(&b);
    }
    cf(f, tests, NULL, &l, "LargeList BoundaryLength",
       "a 65535-byte list: 256 names, each starting with another octet");
    nl_free(&l);
    for (unsigned i = 0; i < 16; i++) {
        uint8_t gv[2];
        grease_value(i, gv);
        l = nl_of("h2", NULL);
        nl_add(&l, gv, 2);
        cf(f, tests, NULL, &l, "Grease", "h2 and a GREASE value");
        nl_free(&l);
    }
    for (unsigned i = 0; i < 150; i++) {
        l = random_list();
        cf(f, tests, NULL, &l, "", "pseudo-random names");
        nl_free(&l);
    }

    for (size_t at = 0; case_next(cases, "bad-ext", &at, &k);)
        cf_bad_ext(f, tests, &k);
    for (size_t at = 0; case_next(cases, "bad-value", &at, &k);) {
        const char *v = case_text(&k, "value");
        l = case_names(&k);
        cf_bad_value(f, tests, &k, &l, (const uint8_t *)v, strlen(v), case_text(&k, "what"));
        nl_free(&l);
    }
    /* Every octet whose canonical escape has hex letters, spelled in lower case. */
    for (unsigned o = 0; o < 256; o++) {
        uint8_t oc = (uint8_t)o;
        buf v = {0};
        oracle_pid(&oc, 1, &v);
        if (v.p[0] == '%' && (v.p[1] > '9' || v.p[2] > '9')) {
            lower_hex(&v);
            l = (namelist){0};
            nl_add(&l, &oc, 1);
            snprintf(cm, sizeof cm, "octet 0x%02x with lower-case hex", o);
            cf_bad_value(f, tests, NULL, &l, v.p, v.n, cm);
            nl_free(&l);
        }
        buf_free(&v);
    }
    cases_close(cases);
}
