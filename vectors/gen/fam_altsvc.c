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
    static const char *const truncated[] = {"%=\":1\"", "h%4=\":1\"", "%G1=\":1\"", "%4G=\":1\"", "h2%=\":1\""};
    for (size_t i = 0; i < sizeof truncated / sizeof truncated[0]; i++)
        ats(c, truncated[i], "invalid", "HDR-PCT-TRUNCATED", NULL, "PctTruncated", "'%' without two hex digits", NULL);
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
    ats(c, "=\":1\"", "invalid", "ALTSVC-ALTERNATIVE", NULL, "AltSvcSyntax", "empty protocol-id", NULL);
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
    static const struct {
        const char *v, *check;
        const char *comment;
    } hosts[] = {
        {"h2=\":1\"", NULL, "no host: the origin's host"},
        {"h2=\"example.com:1\"", NULL, "registered name"},
        {"h2=\"192.0.2.1:1\"", NULL, "IPv4 address"},
        {"h2=\"[2001:db8::1]:1\"", NULL, "IPv6 literal"},
        {"h2=\"[::ffff:192.0.2.1]:1\"", NULL, "IPv6 literal with an embedded IPv4 address"},
        {"h2=\"a%41b:1\"", NULL, "percent-encoded octet in a registered name"},
        {"h2=\"a%4:1\"", "ALTSVC-AUTHORITY", "truncated percent-encoding in the host"},
        {"h2=\"[]:1\"", "ALTSVC-AUTHORITY", "empty IPv6 literal"},
        {"h2=\"[::g]:1\"", "ALTSVC-AUTHORITY", "non-hex character in an IPv6 literal"},
        {"h2=\"[::1:1\"", "ALTSVC-AUTHORITY", "IPv6 literal not closed"},
        {"h2=\"::1:1\"", "ALTSVC-AUTHORITY", "IPv6 address without brackets"},
        {"h2=\"a:b:1\"", "ALTSVC-AUTHORITY", "colon inside the host"},
        {"h2=\"example.com\"", "ALTSVC-AUTHORITY", "no colon and port"},
        {"h2=\"\"", "ALTSVC-AUTHORITY", "empty alt-authority"},
        {"h2=:443", "ALTSVC-AUTHORITY", "alt-authority not quoted"},
        {"h2=", "ALTSVC-AUTHORITY", "nothing after '='"},
    };
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
        ats(c, hosts[i].v, hosts[i].check ? "invalid" : "valid", hosts[i].check, hosts[i].check ? NULL : "=",
            "AltSvcHost", hosts[i].comment, NULL);
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
    static const struct {
        const char *port, *canon, *check;
    } p[] = {
        {"0", "0", NULL},         {"1", "1", NULL},         {"443", "443", NULL},       {"65535", "65535", NULL},
        {"00443", "443", NULL},   {"065535", "65535", NULL}, {"65536", NULL, "ALTSVC-PORT"},
        {"99999", NULL, "ALTSVC-PORT"}, {"100000", NULL, "ALTSVC-PORT"}, {"", NULL, "ALTSVC-PORT"},
        {"4a3", NULL, "ALTSVC-PORT"},   {"-1", NULL, "ALTSVC-PORT"},    {"44 3", NULL, "ALTSVC-PORT"},
        {"0x1bb", NULL, "ALTSVC-PORT"},
    };
    char v[64], canon[64], cm[80];
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
        snprintf(v, sizeof v, "h2=\"a:%s\"", p[i].port);
        snprintf(canon, sizeof canon, "h2=\"a:%s\"", p[i].canon ? p[i].canon : "");
        snprintf(cm, sizeof cm, "port '%s'", p[i].port);
        ats(c, v, p[i].check ? "invalid" : "valid", p[i].check, p[i].check ? NULL : canon, "AltSvcPort", cm, NULL);
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
    ats(c, "h2=\":1\"; x=\"a\\\"b\\\\c\"", "valid", NULL, "=", "AltSvcQuoted", "quoted-pairs of '\"' and '\\' kept",
        NULL);
    ats(c, "h2=\":1", "invalid", "ALTSVC-QUOTED", NULL, "AltSvcQuoted", "authority quote not closed", NULL);
    ats(c, "h2=\":1\\", "invalid", "ALTSVC-QUOTED", NULL, "AltSvcQuoted", "backslash at the end", NULL);
    ats(c, "h2=\":1\"; x=\"a", "invalid", "ALTSVC-QUOTED", NULL, "AltSvcQuoted", "parameter quote not closed", NULL);
}

/* ---- parameters (RFC 7838 §3.1, RFC 9110 §5.6.6) ------------------------------------------------------------------ */

static void parameters(struct actx *c)
{
    static const struct {
        const char *ma, *canon;
    } ma[] = {
        {"0", "0"},
        {"1", "1"},
        {"86400", "86400"},
        {"2147483647", "2147483647"},
        {"2147483648", "2147483648"},
        {"2147483649", "2147483648"},
        {"99999999999999999999", "2147483648"},
        {"007", "7"},
        {"\"60\"", "60"},
    };
    char v[96], canon[96], cm[96];
    for (size_t i = 0; i < sizeof ma / sizeof ma[0]; i++) {
        snprintf(v, sizeof v, "h3=\":443\"; ma=%s", ma[i].ma);
        snprintf(canon, sizeof canon, "h3=\":443\"; ma=%s", ma[i].canon);
        snprintf(cm, sizeof cm, "ma=%s (RFC 9111 1.2.2: delta-seconds saturate at 2^31)", ma[i].ma);
        ats(c, v, "valid", NULL, canon, "AltSvcMa", cm, NULL);
    }
    static const char *const bad_ma[] = {"-1", "1.5", "0x10", "1e3", "\"\"", "\"6 0\"", "\"\\60\"", "ten"};
    for (size_t i = 0; i < sizeof bad_ma / sizeof bad_ma[0]; i++) {
        snprintf(v, sizeof v, "h3=\":443\"; ma=%s", bad_ma[i]);
        snprintf(cm, sizeof cm, "ma=%s is not delta-seconds; a recipient ignores it", bad_ma[i]);
        /* A quoted-pair in the value is a fault of its own that strict mode meets first. */
        ats(c, v, "acceptable", strchr(bad_ma[i], '\\') ? "ALTSVC-QUOTED" : "ALTSVC-MA", "h3=\":443\"", "AltSvcMa",
            cm, NULL);
    }
    static const char *const persist[] = {"0", "2", "11", "true", "\"\""};
    for (size_t i = 0; i < sizeof persist / sizeof persist[0]; i++) {
        snprintf(v, sizeof v, "h3=\":443\"; persist=%s", persist[i]);
        snprintf(cm, sizeof cm, "persist=%s: only 1 has a meaning (RFC 7838 3.1)", persist[i]);
        ats(c, v, "acceptable", "ALTSVC-PERSIST", "h3=\":443\"", "AltSvcPersist", cm, NULL);
    }
    ats(c, "h3=\":443\"; persist=1", "valid", NULL, "=", "AltSvcPersist", "persist=1", NULL);
    ats(c, "h3=\":443\"; persist=\"1\"", "valid", NULL, "h3=\":443\"; persist=1", "AltSvcPersist", "persist=\"1\"",
        NULL);
    static const struct {
        const char *v, *canon, *comment;
    } unknown[] = {
        {"h3=\":1\"; foo=bar", "=", "unknown parameter kept"},
        {"h3=\":1\"; Foo=Bar", "h3=\":1\"; foo=Bar", "parameter name lower-cased, value kept"},
        {"h3=\":1\"; foo=\"bar\"", "h3=\":1\"; foo=bar", "quoted token value unquoted"},
        {"h3=\":1\"; foo=\"a b\"", "=", "quoted value with a space stays quoted"},
        {"h3=\":1\"; foo=\"\"", "=", "empty quoted value"},
        {"h3=\":1\"; foo=\"a,b;c\"", "=", "separators inside a quoted value"},
        {"h3=\":1\"; a=1; b=2; c=3", "=", "three parameters in order"},
        {"h3=\":1\"; ma=5; ma=6", "h3=\":1\"; ma=5", "second ma: the first counts"},
        {"h3=\":1\";ma=5", "h3=\":1\"; ma=5", "no space after ';'"},
        {"h3=\":1\"  ;\tma=5", "h3=\":1\"; ma=5", "OWS around ';'"},
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        ats(c, unknown[i].v, "valid", NULL, unknown[i].canon, "AltSvcParam", unknown[i].comment, NULL);
    static const struct {
        const char *v, *result, *check, *canon, *comment;
    } faults[] = {
        {"h3=\":1\"; ma =5", "acceptable", "ALTSVC-PARAM", "h3=\":1\"; ma=5", "space before '=' of a parameter"},
        {"h3=\":1\"; ma= 5", "acceptable", "ALTSVC-PARAM", "h3=\":1\"; ma=5", "space after '=' of a parameter"},
        {"h3=\":1\";; ma=5", "acceptable", "ALTSVC-PARAM", "h3=\":1\"; ma=5", "empty parameter"},
        {"h3=\":1\";", "acceptable", "ALTSVC-PARAM", "h3=\":1\"", "trailing ';'"},
        {"h3=\":1\"; =5", "invalid", "ALTSVC-PARAM", NULL, "parameter without a name"},
        {"h3=\":1\"; ma", "invalid", "ALTSVC-PARAM", NULL, "parameter without '=' and value"},
        {"h3=\":1\"; ma=", "invalid", "ALTSVC-PARAM", NULL, "parameter without a value"},
        {"h3=\":1\"; m@=5", "invalid", "ALTSVC-PARAM", NULL, "parameter name not a token"},
        {"h3=\":1\" ma=5", "invalid", "ALTSVC-PARAM", NULL, "parameter without ';'"},
        {"h3=\":1\"x", "invalid", "ALTSVC-PARAM", NULL, "junk after the authority"},
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        ats(c, faults[i].v, faults[i].result, faults[i].check, faults[i].canon, "AltSvcParam", faults[i].comment,
            NULL);
}

/* ---- the list and "clear" (RFC 7838 §3, RFC 9110 §5.6.1) --------------------------------------------------------- */

static void lists(struct actx *c)
{
    static const struct {
        const char *v, *result, *check, *canon, *flags, *comment;
    } l[] = {
        {"clear", "valid", NULL, "=", "AltSvcClear", "clear"},
        {" \tclear \t", "valid", NULL, "clear", "AltSvcClear Ows", "clear with OWS around the field value"},
        {"Clear", "acceptable", "ALTSVC-CLEAR", "clear", "AltSvcClear", "clear is case-sensitive"},
        {"CLEAR", "acceptable", "ALTSVC-CLEAR", "clear", "AltSvcClear", "clear in upper case"},
        {"clear, h2=\":1\"", "invalid", "ALTSVC-CLEAR", NULL, "AltSvcClear", "clear together with an alternative"},
        {"h2=\":1\", clear", "invalid", "ALTSVC-CLEAR", NULL, "AltSvcClear", "an alternative, then clear"},
        {"clear; ma=1", "invalid", "ALTSVC-CLEAR", NULL, "AltSvcClear", "clear with a parameter"},
        {"clearx", "invalid", "ALTSVC-ALTERNATIVE", NULL, "AltSvcSyntax", "a token that is not clear, without '='"},
        {"clear=\":1\"", "valid", NULL, "=", "AltSvcClear", "a protocol named clear"},
        {"h2=\":1\",h3=\":2\"", "valid", NULL, "h2=\":1\", h3=\":2\"", "Ows", "no space after ','"},
        {"h2=\":1\" \t, \th3=\":2\"", "valid", NULL, "h2=\":1\", h3=\":2\"", "Ows", "OWS around ','"},
        {"h2=\":1\", , h3=\":2\"", "acceptable", "ALTSVC-LIST", "h2=\":1\", h3=\":2\"", "EmptyListElement",
         "empty element between alternatives"},
        {",h2=\":1\"", "acceptable", "ALTSVC-LIST", "h2=\":1\"", "EmptyListElement", "leading empty element"},
        {"h2=\":1\",", "acceptable", "ALTSVC-LIST", "h2=\":1\"", "EmptyListElement", "trailing empty element"},
        {"h2 =\":1\"", "acceptable", "ALTSVC-ALTERNATIVE", "h2=\":1\"", "AltSvcSyntax", "space before '='"},
        {"h2= \":1\"", "acceptable", "ALTSVC-ALTERNATIVE", "h2=\":1\"", "AltSvcSyntax", "space after '='"},
        {"", "invalid", "ALTSVC-LIST", NULL, "NoNames", "empty field value"},
        {" \t ", "invalid", "ALTSVC-LIST", NULL, "NoNames", "only whitespace"},
        {",", "invalid", "ALTSVC-LIST", NULL, "NoNames", "only a comma"},
        {"h2", "invalid", "ALTSVC-ALTERNATIVE", NULL, "AltSvcSyntax", "protocol-id without '='"},
        {"h2\":1\"", "invalid", "ALTSVC-ALTERNATIVE", NULL, "AltSvcSyntax", "quote right after the protocol-id"},
    };
    for (size_t i = 0; i < sizeof l / sizeof l[0]; i++)
        ats(c, l[i].v, l[i].result, l[i].check, l[i].canon, l[i].flags, l[i].comment, NULL);
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

/* ---- published examples ------------------------------------------------------------------------------------------- */

static void published(struct actx *c)
{
    static const struct {
        const char *v, *source, *comment;
    } rfc[] = {
        {"h2=\"new.example.org:80\"", "RFC 7838 section 3", "HTTP/2 on another host and port"},
        {"h2=\"alt.example.com:8000\", h2=\":443\"", "RFC 7838 section 3", "two alternatives, most preferred first"},
        {"w%3Dx%3Ay#z=\":443\"", "RFC 7838 section 3", "protocol name w=x:y#z escaped"},
        {"x%25y=\":443\"", "RFC 7838 section 3", "protocol name x%y: '%' escaped"},
        {"h2=\":443\"; ma=3600", "RFC 7838 section 3.1", "freshness of one hour"},
        {"h2=\":443\"; ma=2592000; persist=1", "RFC 7838 section 3.1", "thirty days, kept across network changes"},
    };
    for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++)
        ats(c, rfc[i].v, "valid", NULL, "=", "RfcExample", rfc[i].comment, rfc[i].source);
}

void fam_altsvc(vfile *f)
{
    struct actx c = {f, vf_group(f, vf_group_new(f))};
    published(&c);
    lists(&c);
    pid_octets(&c);
    pid_lengths(&c);
    host_octets(&c);
    ports(&c);
    quoted_pairs(&c);
    parameters(&c);
}
