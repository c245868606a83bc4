/* header_parse.json, header_format.json, cross_format.json: the HTTP ALPN field (RFC 7639 §2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vecgen.h"
#include "hex.h"

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

/* flags plus extra, without repeating a key. */
static void merge_flags(char *out, size_t cap, const char *flags, const char *extra)
{
    snprintf(out, cap, "%s", flags);
    if (extra[0] == '\0')
        return;
    size_t n = strlen(extra);
    for (const char *p = strstr(out, extra); p != NULL; p = strstr(p + 1, extra))
        if ((p == out || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return;
    size_t o = strlen(out);
    snprintf(out + o, cap - o, "%s%s", o ? " " : "", extra);
}

/* ---- header_parse.json ---- */

struct hctx {
    vfile *f;
    json_t *tests;
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
    if (r.lenient_check != NULL && strcmp(r.strict_check, r.lenient_check) != 0) {
        fprintf(stderr, "vecgen: ambiguous header test (strict %s, lenient %s): %s\n", r.strict_check, r.lenient_check,
                comment);
        exit(2);
    }
    char fl[300];
    merge_flags(fl, sizeof fl, flags, r.strict_check ? flag_for(r.strict_check, result) : "");
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

static void hps(struct hctx *c, const char *v, const char *flags, const char *comment, const char *source)
{
    hp(c, (const uint8_t *)v, strlen(v), flags, comment, source);
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

static void hp_syntax(struct hctx *c)
{
    static const struct {
        const char *v, *flags, *comment;
    } cases[] = {
        {"h2, http%2F1.1", "", "two names, canonical"},
        {"h2,http%2F1.1", "", "two names without space after the comma"},
        {"h2 ,http%2F1.1", "Ows", "space before the comma"},
        {"h2  ,   http%2F1.1", "Ows", "several spaces around the comma"},
        {"h2\t,\thttp%2F1.1", "Ows", "tabs around the comma"},
        {" h2", "Ows", "leading space of the field value"},
        {"h2 ", "Ows", "trailing space of the field value"},
        {"\t h2, h3 \t", "Ows", "leading and trailing OWS of the field value"},
        {"h2, h2", "Duplicate", "the same name twice"},
        {"h2,,h3", "", "an empty element between two names"},
        {", ,h2", "", "two empty elements before a name"},
        {",h2", "", "a leading comma"},
        {"h2,", "", "a trailing comma"},
        {"h2, ,h3", "", "an empty element of one space"},
        {" , h2 , ", "Ows", "empty elements and whitespace around one name"},
        {"h2,,,,,,,,,,h3", "", "ten empty elements"},
        {",,h2,%e3%81%bb", "", "an empty element, then lower-case hex"},
        {"", "", "empty field value"},
        {",", "", "a single comma"},
        {", ,", "", "only empty elements"},
        {" ", "Ows", "only a space"},
        {"\t", "Ows", "only a tab"},
        {",,,,", "", "only commas"},
        {"h2 h3", "", "space inside an element"},
        {"h2\th3", "", "tab inside an element"},
        {"h2;q=1", "", "a parameter after the name"},
        {"\"h2\"", "", "a quoted string"},
        {"h2, \"h3\"", "", "a quoted second name"},
        {"http/1.1", "", "raw '/' (must be %2F)"},
        {"h2, http/1.1", "", "raw '/' in the second name"},
        {"h2\r\n h3", "", "obs-fold inside the value"},
        {"h2(comment)", "", "a comment"},
        {"h2=", "", "raw '='"},
        {"%", "", "a lone percent sign"},
        {"%2", "", "percent and one hex digit"},
        {"h2%", "", "a name ending in a percent sign"},
        {"h2%4", "", "a name ending in a percent sign and one hex digit"},
        {"%2G", "", "percent with a non-hex second digit"},
        {"%G2", "", "percent with a non-hex first digit"},
        {"%%25", "", "percent followed by percent"},
        {"%-1", "", "percent, minus, digit"},
        {"% 20", "", "percent, space"},
        {"%2, h2", "", "percent and one digit before a comma"},
        {"h2, %", "", "a lone percent sign as the second name"},
        {"%25", "", "percent itself, encoded"},
        {"100%25", "", "a name with an encoded percent"},
        {"%2525", "", "encoded percent followed by 25"},
        {"%E3%81%BB", "Utf8", "UTF-8 of U+307B, canonical"},
        {"%e3%81%bb", "Utf8", "UTF-8 of U+307B, lower-case hex"},
        {"%E3%81%bB", "Utf8", "UTF-8 of U+307B, mixed-case hex in the last escape"},
        {"%eA", "", "mixed case escape"},
        {"%Ea", "", "mixed case escape"},
        {"%6a", "", "encoded tchar 'j' with lower-case hex"},
        {"h%32", "", "h2 with the '2' percent-encoded"},
        {"%68%32", "", "h2 fully percent-encoded"},
        {"h2%00x", "NulInName", "NUL inside a name, encoded"},
        {"%00", "NulInName", "a name that is a single NUL"},
        {"%00%00", "NulInName", "two NULs"},
        {"h2%00", "NulInName", "h2 followed by an encoded NUL"},
        {"%FF%80", "HighBytes", "high octets"},
        {"%0A%0A", "Grease", "GREASE 0x0A0A"},
        {"%FA%FA, h2", "Grease", "GREASE 0xFAFA, then h2"},
        {"H2", "", "upper-case H2 (a different name, valid)"},
        {"h2c", "", "h2c"},
        {"!#$&'*+-.^_`|~", "", "every tchar special except '%'"},
        {"%21%23", "", "encoded tchar specials"},
        {"%2C", "", "an encoded comma is a name, not a separator"},
        {"a%2Cb, c", "", "encoded comma inside a name"},
        {"%20", "", "an encoded space"},
        {"%20h2%20", "", "encoded spaces around h2"},
        {"%09", "", "an encoded tab"},
        {"%22h2%22", "", "encoded quotes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        hps(c, cases[i].v, cases[i].flags, cases[i].comment, NULL);
    /* A raw NUL and raw CR/LF inside the value. */
    hp(c, (const uint8_t *)"h2\0x", 4, "NulInName", "raw NUL inside a name", NULL);
    hp(c, (const uint8_t *)"\0", 1, "NulInName", "a raw NUL alone", NULL);
    hp(c, (const uint8_t *)"h2\r\n", 4, "", "raw CR LF after the name", NULL);
    hp(c, (const uint8_t *)"\xe3\x81\xbb", 3, "Utf8", "raw UTF-8 of U+307B", NULL);
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
    char cm[200], d[100];
    buf all = {0};
    for (size_t i = 0; i < g_registry.n; i++) {
        buf b = {0};
        oracle_pid(g_registry.v[i].p, g_registry.v[i].n, &b);
        describe_name(g_registry.v[i].p, g_registry.v[i].n, d, sizeof d);
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

/* Cases from RFC 7639 and from other projects' published tests (inputs and outcomes only). */
static void hp_external(struct hctx *c)
{
    hps(c, "h2", "RfcExample", "RFC 7639 example: HTTP/2", "RFC 7639 section 2");
    hps(c, "http%2F1.1", "RfcExample", "RFC 7639 example: HTTP/1.1 with '/' encoded", "RFC 7639 section 2");
    hps(c, "h2, http%2F1.1", "RfcExample", "RFC 7639 example: the CONNECT request's field value", "RFC 7639 section 2");
    hps(c, "%E3%81%BB", "RfcExample Utf8", "RFC 7639 example: a non-ASCII name encoded octet by octet",
        "RFC 7639 section 2");
    hps(c, "http%2f1.1", "RfcExample", "RFC 7639 section 2: upper-case hex MUST be used (lower-case spelling)",
        "RFC 7639 section 2");
    hps(c, "h%32", "RfcExample", "RFC 7639 section 2: tchar MUST NOT be encoded ('2' encoded)", "RFC 7639 section 2");
    hps(c, "http%2F1.1, h2", "RfcExample", "RFC 7639 section 2.3 style: http/1.1 preferred, then h2",
        "RFC 7639 section 2");
}

/* Chromium (Alt-Svc protocol-id percent-decoding), lpeg_patterns (RFC 7639 grammar) and .NET (Alt-Svc parser). */
static void hp_projects(struct hctx *c)
{
    static const struct {
        const char *v, *comment, *source;
    } cases[] = {
        {"foo", "a plain token", "Chromium net/spdy/spdy_alt_svc_wire_format_test.cc (PercentDecodeValid)"},
        {"%2ca%5Cb", "lower-case %2c and upper-case %5C (Chromium decodes both)",
         "Chromium net/spdy/spdy_alt_svc_wire_format_test.cc (PercentDecodeValid)"},
        {"a%3Db%25c", "encoded '=' and '%' decode to a=b%c",
         "Chromium net/spdy/spdy_alt_svc_wire_format_test.cc (FuzzHeaderFieldValue)"},
        {"a%", "percent at the end", "Chromium net/spdy/spdy_alt_svc_wire_format_test.cc (PercentDecodeInvalid)"},
        {"a%x", "percent and a non-hex character",
         "Chromium net/spdy/spdy_alt_svc_wire_format_test.cc (PercentDecodeInvalid)"},
        {"a%b", "percent and one hex digit at the end",
         "Chromium net/spdy/spdy_alt_svc_wire_format_test.cc (PercentDecodeInvalid)"},
        {"%J22", "percent and a non-hex first digit",
         "Chromium net/spdy/spdy_alt_svc_wire_format_test.cc (PercentDecodeInvalid)"},
        {"%9z", "percent and a non-hex second digit",
         "Chromium net/spdy/spdy_alt_svc_wire_format_test.cc (PercentDecodeInvalid)"},
        {"%20", "an encoded space decodes to SP", "lpeg_patterns spec/http_alpn_spec.lua"},
        {"%25", "an encoded percent decodes to '%'", "lpeg_patterns spec/http_alpn_spec.lua"},
        {"%41", "an encoded 'A' (a tchar; lpeg_patterns rejects it)", "lpeg_patterns spec/http_alpn_spec.lua"},
        {"%26", "an encoded '&' (a tchar; lpeg_patterns rejects it)", "lpeg_patterns spec/http_alpn_spec.lua"},
        {"%2", "percent and one hex digit (rejected)", "lpeg_patterns spec/http_alpn_spec.lua"},
        {"%1a", "lower-case hex (lpeg_patterns rejects it)", "lpeg_patterns spec/http_alpn_spec.lua"},
        {"h2, h2", "two entries with the same protocol-id h2 (RFC 7838 section 3 example)",
         ".NET src/libraries/System.Net.Http/tests/UnitTests/Headers/AltSvcHeaderParserTest.cs"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        hps(c, cases[i].v, "ExternalTest", cases[i].comment, cases[i].source);
}

/* curl: the protocol-ids of its Alt-Svc parser test (one field value with two alternatives) and of the
 * Alt-Svc cache its test loads. curl has no ALPN header parser of its own; these are the ids it exchanges. */
static void hp_curl(struct hctx *c)
{
    static const char unit[] = "curl tests/unit/unit1654.c";
    static const char data[] = "curl tests/data/test1654";
    hps(c, "h2", "ExternalTest", "the alternative of curl's first Alt-Svc value h2=\"example.com:8080\"", unit);
    hps(c, "h3", "ExternalTest", "the alternative of curl's Alt-Svc value h3=\":8080\"", unit);
    hps(c, "h2, h3", "ExternalTest", "the two protocol-ids of curl's Alt-Svc value with two alternatives", unit);
    hps(c, "clear", "ExternalTest",
        "curl's Alt-Svc keyword 'clear' is a plain token, so a valid protocol-id in an ALPN header", unit);
    hps(c, "h1", "ExternalTest", "curl's name for HTTP/1.1 in its Alt-Svc cache: a valid token, not registered", data);
    hps(c, "h1, h2, h3", "ExternalTest", "the three protocol-ids of curl's Alt-Svc cache", data);
}

void fam_hparse(vfile *f)
{
    struct hctx c = {f, NULL};
    c.tests = vf_group(f, vf_group_new(f));
    hp_external(&c);
    hp_projects(&c);
    hp_syntax(&c);
    hp_lengths(&c);
    hp_registry(&c);
    hp_octets(&c);
    hp_curl(&c); /* last, so that the tcIds above stay as published */
}

/* ---- header_format.json ---- */

static void hf(vfile *f, json_t *tests, const namelist *l, const char *flags, const char *what, const char *source)
{
    buf out = {0};
    char d[400], cm[600];
    const char *bad = oracle_hformat(l, &out);
    describe_list(l, d, sizeof d);
    snprintf(cm, sizeof cm, "%s: %s", what, d);
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
    namelist l;
    char cm[100];

    l = nl_of("h2", NULL), hf(f, tests, &l, "RfcExample", "RFC 7639 example", "RFC 7639 section 2"), nl_free(&l);
    l = nl_of("http/1.1", NULL), hf(f, tests, &l, "RfcExample", "RFC 7639 example", "RFC 7639 section 2"), nl_free(&l);
    l = nl_of("h2", "http/1.1", NULL), hf(f, tests, &l, "RfcExample", "RFC 7639 example", "RFC 7639 section 2"),
    nl_free(&l);
    l = nl_of("\xe3\x81\xbb", NULL), hf(f, tests, &l, "RfcExample Utf8", "RFC 7639 example", "RFC 7639 section 2"),
    nl_free(&l);

    l = nl_of("a=b%c", NULL);
    hf(f, tests, &l, "ExternalTest", "Chromium serializes a=b%c as a%3Db%25c",
       "Chromium net/spdy/spdy_alt_svc_wire_format_test.cc (FuzzAlternativeService)");
    nl_free(&l);
    for (unsigned o = 0; o < 256; o++) {
        uint8_t oc = (uint8_t)o;
        l = (namelist){0};
        nl_add(&l, &oc, 1);
        snprintf(cm, sizeof cm, "single octet 0x%02x", o);
        hf(f, tests, &l, "SingleOctet PercentEncoding", cm, NULL);
        nl_free(&l);
    }
    static const unsigned fills[] = {'a', 0x00, '%', 0xff, ' ', '~'};
    for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++) {
        buf b = {0};
        buf_fill(&b, fills[i], 255);
        l = (namelist){0};
        nl_add(&l, b.p, b.n);
        hf(f, tests, &l, "NameLength BoundaryLength", "a 255-octet name", NULL);
        nl_adds(&l, "h2");
        hf(f, tests, &l, "NameLength BoundaryLength", "a 255-octet name, then h2", NULL);
        nl_free(&l);
        buf_free(&b);
    }
    for (size_t i = 0; i < g_registry.n; i++) {
        l = (namelist){0};
        nl_add(&l, g_registry.v[i].p, g_registry.v[i].n);
        hf(f, tests, &l, "Registry", "registry name", NULL);
        nl_free(&l);
    }
    hf(f, tests, &g_registry, "Registry", "every registry name", NULL);
    for (unsigned i = 0; i < 16; i++) {
        uint8_t gv[2];
        grease_value(i, gv);
        l = (namelist){0};
        nl_add(&l, gv, 2);
        hf(f, tests, &l, "Grease", "GREASE value", NULL);
        nl_free(&l);
    }
    l = nl_of("h2", "h2", "h2", NULL), hf(f, tests, &l, "Duplicate", "duplicates", NULL), nl_free(&l);
    l = nl_of("a", "b", "c", NULL), hf(f, tests, &l, "", "one-octet names", NULL), nl_free(&l);
    l = (namelist){0}, nl_add(&l, "h2\0x", 4), nl_add(&l, "\0", 1);
    hf(f, tests, &l, "NulInName", "names with NUL", NULL), nl_free(&l);
    l = nl_of("%", "%%", "100%", "%25", NULL), hf(f, tests, &l, "", "percent signs", NULL), nl_free(&l);
    l = nl_of("a b", "a,b", "a;b", "\"a\"", NULL), hf(f, tests, &l, "", "separators inside names", NULL), nl_free(&l);
    for (unsigned i = 0; i < 150; i++) {
        l = random_list();
        hf(f, tests, &l, "", "pseudo-random names", NULL);
        nl_free(&l);
    }

    l = (namelist){0}, hf(f, tests, &l, "NoNames", "no names", NULL);
    l = (namelist){0}, nl_add(&l, "", 0), hf(f, tests, &l, "EmptyName", "one empty name", NULL), nl_free(&l);
    l = nl_of("h2", NULL), nl_add(&l, "", 0), hf(f, tests, &l, "EmptyName", "h2, then an empty name", NULL),
    nl_free(&l);
    l = (namelist){0}, nl_add(&l, "", 0), nl_adds(&l, "h2");
    hf(f, tests, &l, "EmptyName", "an empty name, then h2", NULL), nl_free(&l);
    buf b = {0};
    buf_fill(&b, 'a', 256);
    l = (namelist){0}, nl_add(&l, b.p, b.n), hf(f, tests, &l, "NameLength", "a 256-octet name", NULL);
    nl_free(&l);
    l = nl_of("h2", NULL), nl_add(&l, b.p, b.n), hf(f, tests, &l, "NameLength", "h2, then a 256-octet name", NULL);
    nl_free(&l);
    buf_free(&b);
    /* Last, so that the tcIds above stay as published. */
    l = nl_of("h2", "h3", NULL);
    hf(f, tests, &l, "ExternalTest", "the alternatives of curl's two-alternative Alt-Svc value",
       "curl tests/unit/unit1654.c");
    nl_free(&l);
    l = nl_of("h1", "h2", "h3", NULL);
    hf(f, tests, &l, "ExternalTest", "the protocol-ids of curl's Alt-Svc cache", "curl tests/data/test1654");
    nl_free(&l);
}

/* ---- cross_format.json ---- */

static void cf(vfile *f, json_t *tests, const namelist *l, const char *flags, const char *what)
{
    buf ext = {0}, value = {0};
    char d[400], cm[600];
    enc_list(l, &ext);
    if (oracle_pnl(ext.p, ext.n, ROLE_CLIENT, NULL) != NULL || oracle_hformat(l, &value) != NULL) {
        fprintf(stderr, "vecgen: cross_format valid case is not valid: %s\n", what);
        exit(2);
    }
    describe_list(l, d, sizeof d);
    snprintf(cm, sizeof cm, "%s: %s", what, d);
    json_t *t = vf_test(f, tests, "valid", flags, cm);
    json_object_set_new(t, "ext", jhex(ext.p, ext.n));
    json_object_set_new(t, "value", json_stringn((const char *)value.p, value.n));
    json_object_set_new(t, "check", json_string("HDR-CANONICAL"));
    buf_free(&ext);
    buf_free(&value);
}

static void cf_bad_ext(vfile *f, json_t *tests, const char *hex, const char *what)
{
    buf ext = hex_literal(hex);
    const char *bad = oracle_pnl(ext.p, ext.n, ROLE_CLIENT, NULL);
    if (bad == NULL) {
        fprintf(stderr, "vecgen: cross_format malformed ext is valid: %s\n", what);
        exit(2);
    }
    json_t *t = vf_test(f, tests, "invalid", "MalformedExt", what);
    json_object_set_new(t, "ext", jhex(ext.p, ext.n));
    json_object_set_new(t, "check", json_string(bad));
    buf_free(&ext);
}

/* A valid list and a spelling of it that a strict parser rejects. */
static void cf_bad_value(vfile *f, json_t *tests, const namelist *l, const uint8_t *v, size_t n, const char *what)
{
    buf ext = {0};
    hdr_result r;
    enc_list(l, &ext);
    oracle_hparse(v, n, &r);
    if (r.strict_check == NULL || !printable(v, n)) {
        fprintf(stderr, "vecgen: cross_format non-canonical value is accepted or unprintable: %s\n", what);
        exit(2);
    }
    char fl[100], cm[300];
    merge_flags(fl, sizeof fl, "NonCanonical", flag_for(r.strict_check, r.lenient_check ? "invalid" : "acceptable"));
    snprintf(cm, sizeof cm, "non-canonical value for the list: %s", what);
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
    namelist l;
    char cm[100];

    l = nl_of("h2", "http/1.1", NULL), cf(f, tests, &l, "RfcExample", "RFC 7639 section 2 example"), nl_free(&l);
    for (unsigned o = 0; o < 256; o++) {
        uint8_t oc = (uint8_t)o;
        l = (namelist){0};
        nl_add(&l, &oc, 1);
        snprintf(cm, sizeof cm, "single octet 0x%02x", o);
        cf(f, tests, &l, "SingleOctet", cm);
        nl_free(&l);
    }
    /* Every octet once, in one 255-octet name (0x01..0xff) and one 1-octet name (0x00). */
    buf b = {0};
    for (unsigned o = 1; o < 256; o++)
        buf_byte(&b, o);
    l = (namelist){0}, nl_add(&l, b.p, b.n), nl_add(&l, "\0", 1);
    cf(f, tests, &l, "BoundaryLength NulInName HighBytes", "every octet value in two names");
    nl_free(&l);
    buf_free(&b);
    for (size_t i = 0; i < g_registry.n; i++) {
        l = (namelist){0};
        nl_add(&l, g_registry.v[i].p, g_registry.v[i].n);
        cf(f, tests, &l, "Registry", "registry name");
        nl_free(&l);
    }
    cf(f, tests, &g_registry, "Registry", "every registry name");
    l = (namelist){0};
    for (unsigned i = 0; i < 256; i++) {
        buf_fill(&b, 'a' + i % 26, i == 255 ? 254 : 255);
        b.p[0] = (uint8_t)i; /* every octet value once, as the first octet of a name */
        nl_add(&l, b.p, b.n);
        buf_free(&b);
    }
    cf(f, tests, &l, "LargeList BoundaryLength", "a 65535-byte list: 256 names, each starting with another octet");
    nl_free(&l);
    for (unsigned i = 0; i < 16; i++) {
        uint8_t gv[2];
        grease_value(i, gv);
        l = nl_of("h2", NULL);
        nl_add(&l, gv, 2);
        cf(f, tests, &l, "Grease", "h2 and a GREASE value");
        nl_free(&l);
    }
    for (unsigned i = 0; i < 150; i++) {
        l = random_list();
        cf(f, tests, &l, "", "pseudo-random names");
        nl_free(&l);
    }

    static const struct {
        const char *hex, *what;
    } bad_ext[] = {
        {"", "malformed ext: empty"},
        {"00", "malformed ext: one byte"},
        {"0000", "malformed ext: empty list"},
        {"000100", "malformed ext: one empty name"},
        {"000302683200", "malformed ext: h2, then an empty name"},
        {"0004026832", "malformed ext: list length past the extension"},
        {"00030268320000", "malformed ext: bytes after the list"},
        {"000402683203", "malformed ext: second name runs past the list"},
        {"0003016832", "malformed ext: name length one too short"},
    };
    for (size_t i = 0; i < sizeof bad_ext / sizeof bad_ext[0]; i++)
        cf_bad_ext(f, tests, bad_ext[i].hex, bad_ext[i].what);

    static const struct {
        const char *names[3];
        const char *value, *what;
    } bad_val[] = {
        {{"http/1.1"}, "http/1.1", "raw '/'"},
        {{"http/1.1"}, "http%2f1.1", "lower-case hex"},
        {{"http/1.1"}, "%68ttp%2F1.1", "an encoded tchar"},
        {{"h2", "http/1.1"}, "h2,,http%2F1.1", "an empty element"},
        {{"h2", "http/1.1"}, "h2, http%2F1.1,", "a trailing comma"},
        {{"h2"}, ",h2", "a leading comma"},
        {{"%"}, "%", "a raw percent sign"},
        {{"a b"}, "a b", "a raw space"},
        {{"a b"}, "\"a b\"", "a quoted string"},
        {{"\xe3\x81\xbb"}, "%e3%81%bb", "lower-case UTF-8 escapes"},
        {{"h2"}, "%68%32", "h2 fully encoded"},
        {{"a"}, "%61", "an encoded letter"},
    };
    for (size_t i = 0; i < sizeof bad_val / sizeof bad_val[0]; i++) {
        l = (namelist){0};
        for (size_t k = 0; k < 3 && bad_val[i].names[k] != NULL; k++)
            nl_adds(&l, bad_val[i].names[k]);
        cf_bad_value(f, tests, &l, (const uint8_t *)bad_val[i].value, strlen(bad_val[i].value), bad_val[i].what);
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
            cf_bad_value(f, tests, &l, v.p, v.n, cm);
            nl_free(&l);
        }
        buf_free(&v);
    }
}
