/*
 * vecgen OUTDIR REGISTRY_TSV [CASES_DIR]: writes the seven vector files of vectors/FORMAT.md into OUTDIR.
 *
 * Output is deterministic: keys sorted, 2-space indent, no dates, the only randomness a fixed-seed PRNG. The
 * registry names are read from REGISTRY_TSV (src/registry.tsv) so the vectors follow the table without vecgen
 * linking libalpn.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vecgen.h"
#include "hex.h"

/* ---- memory ---- */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "vecgen: out of memory\n");
        exit(2);
    }
    return q;
}

void buf_put(buf *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 16;
        while (cap < b->n + n)
            cap *= 2;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->p + b->n, d, n);
    b->n += n;
}

void buf_byte(buf *b, unsigned c)
{
    uint8_t x = (uint8_t)c;
    buf_put(b, &x, 1);
}

void buf_u16(buf *b, size_t v)
{
    buf_byte(b, (unsigned)(v >> 8) & 0xff);
    buf_byte(b, (unsigned)v & 0xff);
}

void buf_str(buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

void buf_fill(buf *b, unsigned c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_byte(b, c);
}

void buf_free(buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

buf buf_copy(const uint8_t *d, size_t n)
{
    buf b = {0};
    buf_put(&b, d, n);
    return b;
}

void nl_add(namelist *l, const void *d, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = buf_copy(d, n);
}

namelist nl_one(const void *d, size_t n)
{
    namelist l = {0};
    nl_add(&l, d, n);
    return l;
}

namelist nl_filled(unsigned c, size_t n)
{
    buf b = {0};
    buf_fill(&b, c, n);
    namelist l = nl_one(b.p, b.n);
    buf_free(&b);
    return l;
}

int buf_hex(buf *b, const char *hex, size_t len)
{
    size_t at = b->n;
    buf_fill(b, 0, len / 2); /* room for the bytes, which the decoder writes */
    if (hex_decode(hex, len, 0, b->p + at, len / 2, NULL) < 0) {
        b->n = at;
        return -1;
    }
    return 0;
}

void nl_adds(namelist *l, const char *s)
{
    nl_add(l, s, strlen(s));
}

void nl_addl(namelist *l, const namelist *src)
{
    for (size_t i = 0; i < src->n; i++)
        nl_add(l, src->v[i].p, src->v[i].n);
}

void nl_free(namelist *l)
{
    for (size_t i = 0; i < l->n; i++)
        buf_free(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

namelist nl_of(const char *first, ...)
{
    namelist l = {0};
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s != NULL; s = va_arg(ap, const char *))
        nl_adds(&l, s);
    va_end(ap);
    return l;
}

void enc_list(const namelist *l, buf *ext)
{
    size_t total = 0;
    for (size_t i = 0; i < l->n; i++)
        total += 1 + l->v[i].n;
    buf_u16(ext, total);
    for (size_t i = 0; i < l->n; i++) {
        buf_byte(ext, (unsigned)l->v[i].n & 0xff);
        buf_put(ext, l->v[i].p, l->v[i].n);
    }
}

/* ---- registry ---- */

namelist g_registry;

int registry_load(const char *path)
{
    FILE *fp = fopen(path, "r");
    char line[512];
    if (fp == NULL) {
        perror(path);
        return -1;
    }
    while (fgets(line, sizeof line, fp) != NULL) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *tab = strchr(line, '\t');
        if (tab == NULL || strncmp(tab + 1, "grease", 6) == 0)
            continue;
        buf name = {0};
        if (buf_hex(&name, line, (size_t)(tab - line)) != 0) {
            fprintf(stderr, "%s: bad hex: %s", path, line);
            buf_free(&name);
            fclose(fp);
            return -1;
        }
        nl_add(&g_registry, name.p, name.n);
        buf_free(&name);
    }
    fclose(fp);
    if (g_registry.n < 10) {
        fprintf(stderr, "%s: too few names\n", path);
        return -1;
    }
    return 0;
}

/* ---- PRNG ---- */

static uint32_t prng_state = 1;

void prng_seed(uint32_t s)
{
    prng_state = s ? s : 1;
}

uint32_t prng_next(void)
{
    uint32_t x = prng_state; /* Marsaglia's xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return prng_state = x;
}

int printable(const uint8_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] < 0x20 || v[i] > 0x7e)
            return 0;
    return 1;
}

/* ---- notes (Wycheproof-style flags) ---- */

struct note {
    const char *key, *bug_type, *description, *effect, *link;
};

#define RFC7301_31 "https://www.rfc-editor.org/rfc/rfc7301#section-3.1"
#define RFC7301_32 "https://www.rfc-editor.org/rfc/rfc7301#section-3.2"
#define RFC7639_2  "https://www.rfc-editor.org/rfc/rfc7639#section-2"
#define RFC9110_L  "https://www.rfc-editor.org/rfc/rfc9110#section-5.6.1"
#define RFC9110_T  "https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2"
#define RFC8701    "https://www.rfc-editor.org/rfc/rfc8701#section-3"
#define RFC7838_3  "https://www.rfc-editor.org/rfc/rfc7838#section-3"
#define RFC7838_31 "https://www.rfc-editor.org/rfc/rfc7838#section-3.1"
#define RFC9460_71 "https://www.rfc-editor.org/rfc/rfc9460#section-7.1.1"
#define RFC9460_A1 "https://www.rfc-editor.org/rfc/rfc9460#appendix-A.1"
#define RFC1035_51 "https://www.rfc-editor.org/rfc/rfc1035#section-5.1"

static const struct note notes[] = {
    {"BoundaryLength", "EDGE_CASE", "A name of 1, 2, 254 or 255 octets, or a list at its smallest or largest size.",
     "Off-by-one limits reject valid peers or let oversized data through.", RFC7301_31},
    {"LargeList", "EDGE_CASE", "A protocol_name_list of (or trying to be) 65535 or 65536 bytes.",
     "A 16-bit length that overflows or is checked against the wrong bound.", RFC7301_31},
    {"Truncated", "MALFORMED", "A valid extension_data cut short at every possible byte.",
     "Reading past the end of the extension.", RFC7301_31},
    {"TruncatedList", "MALFORMED", "A valid list cut short with the list length made to match the remaining bytes.",
     "A last name that runs past the list is read out of bounds or truncated silently.", RFC7301_31},
    {"LengthOffByOne", "MALFORMED",
     "One length field (the list length or one name length) of a valid encoding changed by +1 or -1.",
     "Lengths that are not checked against each other lead to misparsed or over-read names.", RFC7301_31},
    {"EmptyList", "MALFORMED", "No extension_data, one byte, or a protocol_name_list of length 0.",
     "protocol_name_list<2..2^16-1> is never empty; accepting it hides a broken peer.", RFC7301_31},
    {"EmptyName", "MALFORMED", "A name of length 0, first or after valid names.",
     "RFC 7301 3.1: empty strings MUST NOT be included; first-match parsers stop before seeing it.", RFC7301_31},
    {"NameLength256", "MALFORMED",
     "An attempt at a 256-octet name: a 255-length name followed by an extra byte, or length 256 written mod 256.",
     "ProtocolName<1..2^8-1> cannot hold 256 octets; encoders that wrap the length byte produce these.", RFC7301_31},
    {"TrailingData", "MALFORMED", "Bytes after the list, or garbage inside the list after a valid name.",
     "Parsers that stop at the first match or ignore trailing bytes accept malformed offers.", RFC7301_31},
    {"MultipleNames", "MALFORMED", "A server answer (ServerHello/EncryptedExtensions) with more than one name.",
     "RFC 7301 3.1: the server's list MUST contain exactly one name; a client must abort, with decode_error or, "
     "since the list decodes, illegal_parameter (RFC 8446 6.2; the tests' alertAlso).",
     RFC7301_31},
    {"Grease", "EDGE_CASE", "GREASE values (RFC 8701): reserved two-byte names 0x0A0A ... 0xFAFA.",
     "Servers treat them as unknown and never select them; parsers must accept them as ordinary names.", RFC8701},
    {"Registry", "BASIC", "Names from the IANA ALPN registry and well-known unregistered names.",
     "Basic interoperability with deployed protocols.", "https://www.iana.org/assignments/tls-extensiontype-values/"},
    {"NulInName", "EDGE_CASE", "A name containing octet 0x00.",
     "C-string handling truncates the name at the NUL and matches the wrong protocol.", RFC7301_31},
    {"HighBytes", "EDGE_CASE", "Octets 0x80-0xFF in a name.",
     "Signed-char bugs and text-only assumptions; names are opaque octets.", RFC7301_31},
    {"Duplicate", "EDGE_CASE", "The same name more than once in a list.",
     "RFC 7301 does not forbid duplicates; a receiver must not reject or miscount them.", RFC7301_31},
    {"ServerPreference", "BASIC", "The client offers several supported names; the server's preference decides.",
     "RFC 7301 3.2: the server selects its most highly preferred protocol that the client also offers.", RFC7301_32},
    {"NoOverlap", "BASIC", "No name of the offer is supported by the server.",
     "RFC 7301 3.2: fatal no_application_protocol (120); continuing without ALPN opens cross-protocol attacks.",
     RFC7301_32},
    {"CaseSensitive", "SEMANTIC", "The offer differs from a supported name only in letter case.",
     "Names are opaque bytes: case folding selects a protocol the client did not offer.", RFC7301_31},
    {"PrefixMatch", "SEMANTIC", "The offer is a prefix or an extension of a supported name (http/1., h2x).",
     "Prefix comparison (strncmp with the wrong length) selects a protocol the client did not offer.", RFC7301_31},
    {"LongList", "EDGE_CASE", "Hundreds or thousands of names, the supported one last.",
     "Fixed-size buffers, quadratic matching, or giving up after N names.", RFC7301_31},
    {"MalformedOffer", "MALFORMED", "A malformed client offer: the server must answer decode_error, not select.",
     "A partial match in a malformed list is a parser differential between server and client.", RFC7301_31},
    {"PercentEncoding", "BASIC", "Canonical percent-encoding: non-tchar octets and '%' as %HH, upper-case hex.",
     "RFC 7639 2: one spelling per name so that plain string comparison works.", RFC7639_2},
    {"LowerCaseHex", "LENIENT", "Percent-encoding with lower-case hex digits.",
     "RFC 7639 2: upper-case hex MUST be used; a lenient recipient may decode it anyway (same octets).", RFC7639_2},
    {"PctEncodedTchar", "LENIENT", "A token character other than '%' percent-encoded.",
     "RFC 7639 2: tchar octets MUST NOT be encoded; a lenient recipient may decode it anyway (same octets).",
     RFC7639_2},
    {"PctTruncated", "MALFORMED", "'%' not followed by two hex digits (also a raw '%').",
     "The octet is unknown; guessing it produces a name the sender never meant.", RFC7639_2},
    {"RawNonTchar", "MALFORMED", "A raw octet that is not a tchar (space inside a name, '/', '\"', ';', CTL, >= 0x80).",
     "protocol-id is a token; such octets must be percent-encoded by the sender.", RFC9110_T},
    {"EmptyListElement", "LENIENT",
     "Empty list elements (\", ,h2\", \"h2,\"). RFC 9110 5.6.1: a sender MUST NOT generate them, a recipient MUST "
     "accept and ignore a reasonable number of them. These tests are 'acceptable': a strict parser (judging a "
     "sender) rejects them with HDR-LIST; a recipient should accept them, and a lenient parser that does is "
     "conforming.",
     "A recipient that rejects them refuses valid-enough peers; a sender that emits them is non-conforming.",
     RFC9110_L},
    {"NoNames", "MALFORMED", "A field value without any protocol-id (empty, only commas or whitespace).",
     "RFC 7639 2: ALPN = 1#protocol-id requires at least one name.", RFC7639_2},
    {"Ows", "EDGE_CASE", "Optional whitespace (SP, HTAB) around list separators and around the field value.",
     "RFC 9110 5.6.1: OWS \",\" OWS separates elements; whitespace inside an element is not allowed.", RFC9110_L},
    {"NameLength", "EDGE_CASE", "A decoded name of 255 octets (the maximum) or 256 octets (one too many).",
     "RFC 7639 2 carries ALPN names, which are 1..255 octets (RFC 7301 3.1).", RFC7639_2},
    {"OversizedList", "EDGE_CASE",
     "A field value whose names would need more than the 65535 bytes of a ClientHello's protocol_name_list.",
     "RFC 7639 2: the field SHOULD carry the names of the ClientHello (HDR-SAME-AS-TLS), which cannot hold these; "
     "no MUST is broken, so a recipient may take the names.",
     RFC7639_2},
    {"Utf8", "EDGE_CASE", "A name holding UTF-8 (non-ASCII) octets.",
     "RFC 7639 2: such octets are percent-encoded one by one; raw UTF-8 is not a token.", RFC7639_2},
    {"NonCanonical", "MALFORMED", "A field value that is not the canonical form of the list it claims to carry.",
     "Canonical form makes comparison of field values by string possible (RFC 7639 2).", RFC7639_2},
    {"MalformedExt", "MALFORMED", "A malformed extension_data has no header form.",
     "A formatter must reject it instead of inventing names.", RFC7301_31},
    {"SingleOctet", "BASIC", "A one-octet name, for every octet value.",
     "Every octet has exactly one canonical spelling (raw tchar or %HH).", RFC7639_2},
    {"RfcExample", "BASIC", "An example given in the RFC text itself.", "The RFC's own examples must work.", RFC7639_2},
    {"AltSvcSyntax", "MALFORMED", "An Alt-Svc alternative without its protocol-id \"=\" alt-authority shape.",
     "RFC 7838 3: alternative = protocol-id \"=\" alt-authority, nothing around the \"=\".", RFC7838_3},
    {"AltSvcClear", "EDGE_CASE", "The Alt-Svc value \"clear\": alone, in another case, or mixed with alternatives.",
     "RFC 7838 3: clear is case-sensitive and is the whole value; treating it loosely drops or keeps alternatives "
     "wrongly.",
     RFC7838_3},
    {"AltSvcHost", "EDGE_CASE", "Octets and shapes of the host in an alt-authority (reg-name, IPv4, IPv6 literal).",
     "RFC 7838 3 takes uri-host from RFC 3986 3.2.2; a parser that takes anything connects to junk hosts.",
     RFC7838_3},
    {"AltSvcPort", "EDGE_CASE", "The port of an alt-authority at and past its bounds, empty or not a number.",
     "RFC 7838 3: the port is required; a 16-bit port that overflows names another service.", RFC7838_3},
    {"AltSvcQuoted", "MALFORMED", "quoted-string syntax: closing quote, control characters, quoted-pairs.",
     "RFC 9110 5.6.4: quoted-pairs only for '\"' and '\\' (SHOULD NOT otherwise); an unclosed quote swallows the "
     "rest of the field.",
     "https://www.rfc-editor.org/rfc/rfc9110#section-5.6.4"},
    {"AltSvcMa", "EDGE_CASE", "The ma parameter: delta-seconds at 2^31 and beyond, leading zeros, quoted, not a number.",
     "RFC 7838 3.1 and RFC 9111 1.2.2: larger values count as 2147483648; a value that is not a number is ignored.",
     RFC7838_31},
    {"AltSvcPersist", "EDGE_CASE", "The persist parameter with 1 and with other values.",
     "RFC 7838 3.1: only persist=1 has a meaning; clients MUST ignore other values.", RFC7838_31},
    {"AltSvcParam", "EDGE_CASE", "Parameter syntax: unknown parameters kept, OWS, empty parameters, missing parts.",
     "RFC 7838 3 with RFC 9110 5.6.6: parameter = token \"=\" ( token / quoted-string ).", RFC7838_3},
    {"SvcbEscape", "EDGE_CASE", "Character-string escapes \\DDD and \\X in an alpn presentation value.",
     "RFC 1035 5.1: escapes are undone before the comma-separated list is split (RFC 9460 Appendix A.1), so \\044 "
     "separates and \\092 escapes.",
     RFC1035_51},
    {"SvcbCharString", "MALFORMED", "Presentation values that are not valid character-strings.",
     "RFC 1035 5.1: an unquoted value ends at whitespace and special characters must be escaped; \\DDD is at most 255.",
     RFC1035_51},
    {"SvcbListEscape", "EDGE_CASE", "The list-level escapes \\, and \\\\ of RFC 9460 Appendix A.1.",
     "A comma or backslash inside an alpn-id survives only when escaped for the list and again for the zone file.",
     RFC9460_A1},
    {"SvcbEmpty", "MALFORMED", "An alpn value without alpn-ids, or with an empty one.",
     "RFC 9460 7.1.1: at least one alpn-id, each 1..255 octets.", RFC9460_71},
    {"ExternalTest", "BASIC", "Inputs and outcomes taken from another project's published tests (see source).",
     "Agreement with what other implementations test.", RFC7301_31},
};
#define N_NOTES (sizeof notes / sizeof notes[0])

static int note_index(const char *key, size_t len)
{
    for (size_t i = 0; i < N_NOTES; i++)
        if (strlen(notes[i].key) == len && strncmp(notes[i].key, key, len) == 0)
            return (int)i;
    return -1;
}

int note_known(const char *key, size_t len)
{
    return note_index(key, len) >= 0;
}

/* ---- output ---- */

struct vfile {
    vec_family family;
    json_t *root, *groups;
    size_t tests;
    unsigned char used[N_NOTES];
};

vfile *vf_new(vec_family family, const char *const *header)
{
    vfile *f = xrealloc(NULL, sizeof *f);
    memset(f, 0, sizeof *f);
    f->family = family;
    f->root = json_object();
    f->groups = json_array();
    json_t *h = json_array();
    for (size_t i = 0; header[i] != NULL; i++)
        json_array_append_new(h, json_string(header[i]));
    json_object_set_new(f->root, "algorithm", json_string("ALPN"));
    json_object_set_new(f->root, "schema", json_string(vec_families[family].schema));
    json_object_set_new(f->root, "generatorVersion", json_string("1"));
    json_object_set_new(f->root, "header", h);
    json_object_set_new(f->root, "testGroups", f->groups);
    return f;
}

json_t *vf_group_new(const vfile *f)
{
    json_t *group = json_object();
    json_object_set_new(group, "type", json_string(vec_families[f->family].group_type));
    return group;
}

json_t *vf_group(vfile *f, json_t *group)
{
    json_t *tests = json_array();
    json_object_set_new(group, "tests", tests);
    json_array_append_new(f->groups, group);
    return tests;
}

json_t *vf_test(vfile *f, json_t *tests, const char *result, const char *flags, const char *comment)
{
    json_t *t = json_object(), *fl = json_array();
    for (const char *p = flags; *p != '\0';) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        int k = note_index(p, n);
        if (k < 0) {
            fprintf(stderr, "vecgen: unknown flag '%.*s' in %s\n", (int)n, p, comment);
            exit(2);
        }
        f->used[k] = 1;
        json_array_append_new(fl, json_stringn(p, n));
        p += n;
    }
    if (strcmp(result, "acceptable") == 0 && json_array_size(fl) == 0) {
        fprintf(stderr, "vecgen: acceptable test without a flag: %s\n", comment);
        exit(2);
    }
    json_object_set_new(t, "tcId", json_integer((json_int_t)++f->tests));
    json_object_set_new(t, "comment", json_string(comment));
    json_object_set_new(t, "flags", fl);
    json_object_set_new(t, "result", json_string(result));
    json_array_append_new(tests, t);
    return t;
}

size_t vf_count(const vfile *f)
{
    return f->tests;
}

int vf_write(vfile *f, const char *dir)
{
    json_t *nt = json_object();
    for (size_t i = 0; i < N_NOTES; i++) {
        if (!f->used[i])
            continue;
        json_t *n = json_object(), *links = json_array();
        json_array_append_new(links, json_string(notes[i].link));
        json_object_set_new(n, "bugType", json_string(notes[i].bug_type));
        json_object_set_new(n, "description", json_string(notes[i].description));
        json_object_set_new(n, "effect", json_string(notes[i].effect));
        json_object_set_new(n, "links", links);
        json_object_set_new(nt, notes[i].key, n);
    }
    json_object_set_new(f->root, "notes", nt);
    json_object_set_new(f->root, "numberOfTests", json_integer((json_int_t)f->tests));

    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, vec_families[f->family].file);
    char *text = json_dumps(f->root, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    FILE *fp = fopen(path, "w");
    if (text == NULL || fp == NULL) {
        perror(path);
        return -1;
    }
    int bad = fputs(text, fp) < 0 || fputc('\n', fp) == EOF;
    bad |= fclose(fp) != 0;
    free(text);
    json_decref(f->root);
    printf("%-28s %6zu tests\n", vec_families[f->family].file, f->tests);
    free(f);
    return bad ? -1 : 0;
}

json_t *jhex(const uint8_t *d, size_t n)
{
    char *s = xrealloc(NULL, 2 * n + 1);
    json_t *j = json_stringn(s, hex_encode(d, n, s));
    free(s);
    return j;
}

json_t *jnames(const namelist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, jhex(l->v[i].p, l->v[i].n));
    return a;
}

/* Bounded by construction (vecgen.h); case_fmt only guards the bound. */
void describe_name(const uint8_t *d, size_t n, char out[DESC_NAME_CAP])
{
    if (is_grease(d, n)) {
        case_fmt(NULL, out, DESC_NAME_CAP, "GREASE 0x%02x%02x", d[0], d[1]);
        return;
    }
    size_t same = 0;
    while (same < n && d[same] == d[0])
        same++;
    if (n > 16 && same == n) {
        if (d[0] > 0x20 && d[0] < 0x7f)
            case_fmt(NULL, out, DESC_NAME_CAP, "%zu x '%c'", n, d[0]);
        else
            case_fmt(NULL, out, DESC_NAME_CAP, "%zu x 0x%02x", n, d[0]);
        return;
    }
    int printable = n > 0;
    for (size_t i = 0; i < n; i++)
        if (d[i] < 0x21 || d[i] > 0x7e || d[i] == '"' || d[i] == '\\')
            printable = 0;
    if (printable && n <= 40) {
        case_fmt(NULL, out, DESC_NAME_CAP, "\"%.*s\"", (int)n, (const char *)d);
        return;
    }
    char hex[2 * 24 + 1];
    hex_encode(d, n < 24 ? n : 24, hex);
    /* At most 2 + 48 + 13 characters and the digits of n. */
    case_fmt(NULL, out, DESC_NAME_CAP, "%s%s", n == 0 ? "empty" : "0x", hex);
    if (n > 24) {
        size_t o = strlen(out);
        case_fmt(NULL, out + o, DESC_NAME_CAP - o, "... (%zu octets)", n);
    }
}

void describe_list(const namelist *l, char out[DESC_CAP])
{
    char one[DESC_NAME_CAP], last[DESC_NAME_CAP];
    if (l->n > 6) {
        describe_name(l->v[0].p, l->v[0].n, one);
        describe_name(l->v[l->n - 1].p, l->v[l->n - 1].n, last);
        case_fmt(NULL, out, DESC_CAP, "%zu names, first %s, last %s", l->n, one, last);
        return;
    }
    case_fmt(NULL, out, DESC_CAP, "[");
    for (size_t i = 0; i < l->n; i++) {
        describe_name(l->v[i].p, l->v[i].n, one);
        size_t o = strlen(out);
        case_fmt(NULL, out + o, DESC_CAP - o, "%s%s", i ? ", " : "", one);
    }
    size_t o = strlen(out);
    case_fmt(NULL, out + o, DESC_CAP - o, "]");
}

/* ---- main ---- */

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: vecgen OUTDIR REGISTRY_TSV [CASES_DIR]\n"
                        "  writes the vector files of vectors/FORMAT.md into OUTDIR;\n"
                        "  REGISTRY_TSV is src/registry.tsv (names used in the registry cases);\n"
                        "  CASES_DIR holds the hand-picked cases (default: vectors/gen/cases of the source tree)\n");
        return 2;
    }
    if (argc == 4)
        cases_dir = argv[3];
    if (registry_load(argv[2]) != 0)
        return 1;

    static const char *const h_list[] = {
        "ProtocolNameList (extension_data of the ALPN extension, RFC 7301 3.1), client and server role.",
        "client: a ClientHello offer, one or more names; server: a ServerHello/EncryptedExtensions answer, exactly "
        "one name.",
        "Invalid tests carry alert 50 (decode_error) and the CHECKS.md ID of the first violation met by a receiver "
        "reading left to right: extension size, list length against the extension, each name, then (server) the "
        "name count; a CLI-REJECT-MULTIPLE test (a server answer that decodes to more than one name) also allows alert 47 "
        "(alertAlso).",
        NULL};
    static const char *const h_select[] = {
        "Server-preference selection (RFC 7301 3.2): the server's most preferred name that the client offered.",
        "Names match by exact octets; GREASE values (RFC 8701) are never selected; no overlap is alert 120; a "
        "malformed offer is alert 50 and selects nothing, whatever it contains.",
        NULL};
    static const char *const h_hparse[] = {
        "HTTP ALPN field value (RFC 7639 2): ALPN = 1#protocol-id, percent-encoded tokens.",
        "valid: strict and lenient parsers accept with names; invalid: both reject (check = the rule broken); "
        "acceptable: a sender violation a recipient may tolerate (lower-case hex, an encoded tchar, empty list "
        "elements); check = what a strict parser reports, names = what a lenient parser yields.",
        "Leading and trailing OWS of the value is not part of the field value (RFC 9110 5.5) and is ignored.", NULL};
    static const char *const h_hformat[] = {
        "Canonical ALPN field value of a list of names (RFC 7639 2): tchar octets other than '%' raw, every "
        "other octet and '%' as %HH with upper-case hex, elements joined by \", \".",
        "Invalid: no names (HDR-LIST), an empty name or one over 255 octets (HDR-NAME-LENGTH).", NULL};
    static const char *const h_altsvc[] = {
        "HTTP Alt-Svc field value (RFC 7838 3): clear, or alternatives protocol-id=\"[host]:port\" with ; parameters.",
        "valid: strict and lenient parsers accept; canonical = the canonical form (alpn.h: canonical protocol-ids, no "
        "quoted-pairs, no leading zeros, \", \" and \"; \", lower-case parameter names, ma as a number, persist only as "
        "persist=1). acceptable: a sender's fault a recipient may tolerate; check = what a strict parser reports, "
        "canonical = the canonical form of what a lenient parser reads. invalid: both reject; check = the strict "
        "parser's rule.",
        NULL};
    static const char *const h_svcb[] = {
        "SVCB/HTTPS alpn SvcParam (RFC 9460 7.1): presentation form (a character-string, RFC 1035 5.1, holding a "
        "comma-separated list, RFC 9460 Appendix A.1) and wire form (length-prefixed alpn-ids filling the value).",
        "valid: the same list as wire value, TLS extension_data, canonical ALPN header value (RFC 7639) and "
        "canonical presentation (unquoted; \\, and \\\\ inside items; \\DDD for octets that are not plain printable "
        "ASCII). invalid: check = the SVCB-* rule broken.",
        NULL};
    static const char *const h_cross[] = {
        "extension_data and the canonical field value of the same list: format(ext) = value and parse(value) = the "
        "names of ext.",
        "Invalid: a malformed ext (no value; check = SRV-MALFORMED-*), or a valid ext with a non-canonical value "
        "that a strict parser rejects (check = the HDR-* ID it reports; format(ext) is then the canonical form, not "
        "value).",
        NULL};

    struct {
        vec_family family;
        const char *const *header;
        void (*fn)(vfile *);
    } fams[] = {
        {VEC_FAM_LIST, h_list, fam_list},
        {VEC_FAM_SELECT, h_select, fam_select},
        {VEC_FAM_HPARSE, h_hparse, fam_hparse},
        {VEC_FAM_HFORMAT, h_hformat, fam_hformat},
        {VEC_FAM_CROSS, h_cross, fam_cross},
        {VEC_FAM_ALTSVC, h_altsvc, fam_altsvc},
        {VEC_FAM_SVCB, h_svcb, fam_svcb},
    };
    size_t total = 0;
    for (size_t i = 0; i < sizeof fams / sizeof fams[0]; i++) {
        vfile *f = vf_new(fams[i].family, fams[i].header);
        prng_seed(0x7301u + (uint32_t)i);
        fams[i].fn(f);
        total += vf_count(f);
        if (vf_write(f, argv[1]) != 0)
            return 1;
    }
    printf("%-28s %6zu tests\n", "total", total);
    nl_free(&g_registry);
    return 0;
}
