/* protocol_name_list.json: ProtocolNameList encodings, client role (offers) and server role (answers). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vecgen.h"

struct lctx {
    vfile *f;
    json_t *tests;
    role r;
    case_file *cases; /* gen/cases/protocol_name_list.json */
    const vcase *at;  /* the case whose tests are written now; NULL while the generator writes its own */
};

/* The keys of gen/cases/protocol_name_list.json (see vectors/gen/cases/README.md). */
static const case_key list_keys[] = {
    {"ext", CK_HEX},      {"names", CK_NAMES}, {"namesHex", CK_HEXNAMES}, {"flags", CK_FLAGS},
    {"comment", CK_TEXT}, {"what", CK_TEXT},   {"source", CK_TEXT},
};

static void add(struct lctx *c, const buf *ext, const char *flags, const char *comment, const char *source)
{
    namelist names = {0};
    const char *bad = oracle_pnl(ext->p, ext->n, c->r, &names);
    json_t *t = vf_test(c->f, c->tests, bad ? "invalid" : "valid", flags, comment);
    json_object_set_new(t, "ext", jhex(ext->p, ext->n));
    if (bad != NULL) {
        json_object_set_new(t, "alert", json_integer(50));
        /* RFC 7301 §3.1's "exactly one" name is a prose rule on a list that decodes: a receiver may call its breach
         * illegal_parameter (RFC 8446 §6.2) as well as decode_error, as CLI-REJECT-MULTIPLE does. */
        if (strcmp(bad, "CLI-REJECT-MULTIPLE") == 0)
            json_object_set_new(t, "alertAlso", json_integer(47));
        json_object_set_new(t, "check", json_string(bad));
    } else {
        json_object_set_new(t, "names", jnames(&names));
    }
    if (source != NULL)
        json_object_set_new(t, "source", json_string(source));
    nl_free(&names);
}

/* The encoding of l into *ext and its description into desc, what every mutation below starts from. */
static void encode_described(const namelist *l, buf *ext, char desc[DESC_CAP])
{
    *ext = (buf){0};
    enc_list(l, ext);
    describe_list(l, desc);
}

/* A test of the mutated encoding m (freed here), its comment formatted as printf does. */
__attribute__((format(printf, 4, 5))) static void add_mutant(struct lctx *c, buf *m, const char *flags, const char *fmt,
                                                             ...)
{
    char cm[DESC_CAP + 200];
    va_list ap;
    va_start(ap, fmt);
    case_vfmt(c->at, cm, sizeof cm, fmt, ap);
    va_end(ap);
    add(c, m, flags, cm, NULL);
    buf_free(m);
}

/* A test of the encoding of l. */
static void add_list(struct lctx *c, const namelist *l, const char *flags, const char *what)
{
    buf ext;
    char desc[DESC_CAP];
    encode_described(l, &ext, desc);
    add_mutant(c, &ext, flags, "%s: %s", what, desc);
}

/* A list of one name (n octets at name). */
static void add_one(struct lctx *c, const uint8_t *name, size_t n, const char *flags, const char *what)
{
    namelist l = nl_one(name, n);
    add_list(c, &l, flags, what);
    nl_free(&l);
}

/* The cases of set: an extension_data as it stands (ext, with comment and source) or a list to encode (names or
 * namesHex, and what: the comment is what and the list's description). The oracle gives the outcome. */
static void list_set(struct lctx *c, const char *set)
{
    vcase k;
    for (size_t at = 0; case_next(c->cases, set, &at, &k);) {
        c->at = &k;
        if (case_has(&k, "ext")) {
            buf ext = case_hex(&k, "ext");
            add(c, &ext, case_text(&k, "flags"), case_text(&k, "comment"), case_opt(&k, "source"));
            buf_free(&ext);
        } else {
            namelist l = case_names(&k);
            add_list(c, &l, case_text(&k, "flags"), case_text(&k, "what"));
            nl_free(&l);
        }
        c->at = NULL;
    }
}

/* Every prefix of the encoding of l (all of them when short, a sample when long), then every cut of the list
 * content with the list length made to match. */
static void truncations(struct lctx *c, const namelist *l)
{
    buf ext;
    char desc[DESC_CAP];
    encode_described(l, &ext, desc);
    for (size_t k = 0; k < ext.n; k++) {
        if (ext.n > 40 && !(k < 4 || k == ext.n / 2 || k + 3 >= ext.n))
            continue;
        buf cut = buf_copy(ext.p, k);
        add_mutant(c, &cut, k < 2 ? "Truncated EmptyList" : "Truncated", "extension_data cut to %zu of %zu bytes: %s",
                   k, ext.n, desc);
    }
    for (size_t k = 1; k + 2 < ext.n; k++) {
        if (ext.n > 40 && !(k < 3 || k == ext.n / 2 || k + 4 >= ext.n))
            continue;
        buf cut = {0};
        buf_u16(&cut, k);
        buf_put(&cut, ext.p + 2, k);
        add_mutant(c, &cut, "TruncatedList", "list content cut to %zu of %zu bytes, list length %zu: %s", k, ext.n - 2,
                   k, desc);
    }
    buf_free(&ext);
}

/* Every length field of the encoding of l changed by +1 and by -1. */
static void off_by_one(struct lctx *c, const namelist *l)
{
    buf ext;
    char desc[DESC_CAP];
    encode_described(l, &ext, desc);
    size_t list_len = (size_t)ext.p[0] << 8 | ext.p[1];
    for (int d = -1; d <= 1; d += 2) {
        buf m = buf_copy(ext.p, ext.n);
        m.p[0] = (uint8_t)((list_len + (size_t)d) >> 8);
        m.p[1] = (uint8_t)(list_len + (size_t)d);
        add_mutant(c, &m, "LengthOffByOne", "list length %zu written as %zu: %s", list_len, list_len + (size_t)d, desc);
    }
    size_t pos = 2;
    for (size_t i = 0; i < l->n; i++) {
        size_t n = ext.p[pos];
        for (int d = -1; d <= 1; d += 2) {
            if (d > 0 && n == 255)
                continue; /* 256 does not fit the length byte; see the NameLength256 tests */
            buf m = buf_copy(ext.p, ext.n);
            m.p[pos] = (uint8_t)(n + (size_t)d);
            add_mutant(c, &m, n + (size_t)d == 0 ? "LengthOffByOne EmptyName" : "LengthOffByOne",
                       "length of name %zu (%zu) written as %zu: %s", i + 1, n, n + (size_t)d, desc);
        }
        pos += 1 + n;
    }
    buf_free(&ext);
}

/* Every truncation and every +-1 length error of the encoding of l. */
static void mutations(struct lctx *c, const namelist *l)
{
    truncations(c, l);
    off_by_one(c, l);
}

/* mutations of each list of set (names or namesHex). */
static void mutation_set(struct lctx *c, const char *set)
{
    vcase k;
    for (size_t at = 0; case_next(c->cases, set, &at, &k);) {
        namelist l = case_names(&k);
        c->at = &k;
        mutations(c, &l);
        c->at = NULL;
        nl_free(&l);
    }
}

/* Encodings of a 65535-byte list, and attempts at a 65536-byte one. */
static void large_lists(struct lctx *c)
{
    namelist l = {0};
    buf name = {0};
    /* 255 names of 255 octets (255 * 256 = 65280 bytes) and one of 254 (255 bytes): exactly 65535. */
    for (unsigned i = 0; i < 255; i++) {
        buf_free(&name);
        buf_fill(&name, 'a' + i % 26, 255);
        name.p[0] = (uint8_t)(i + 1); /* names start with octets 0x01..0xff, so they all differ */
        nl_add(&l, name.p, name.n);
    }
    buf_free(&name);
    buf_fill(&name, 'z', 254);
    nl_add(&l, name.p, name.n);
    add_list(c, &l, "LargeList BoundaryLength", "list of exactly 65535 bytes (255 x 255-octet names, one of 254)");

    /* 21845 names of 2 octets (3 bytes each) = 65535 bytes; the supported-looking name last. */
    namelist m = {0};
    for (unsigned i = 0; i < 21844; i++) {
        uint8_t two[2] = {(uint8_t)('a' + i % 26), (uint8_t)('a' + (i / 26) % 26)};
        nl_add(&m, two, 2);
    }
    nl_adds(&m, "h2");
    add_list(c, &m, "LargeList BoundaryLength Duplicate", "list of exactly 65535 bytes (21845 two-octet names)");
    nl_free(&m);

    /* 65536 bytes: 256 x 255-octet names. Three ways an encoder can try to write that. */
    namelist big = {0};
    nl_addl(&big, &l);
    nl_free(&l);
    big.v[255].p[0] = 'y';
    buf_fill(&big.v[255], 'y', 1); /* the last name becomes 255 octets: 256 * 256 = 65536 */
    buf ext = {0};
    enc_list(&big, &ext); /* the length field holds 65536 mod 65536 = 0 */
    add(c, &ext, "LargeList EmptyList",
        "65536 bytes of names (256 x 255 octets) with the list length written mod 2^16 = 0", NULL);
    ext.p[0] = ext.p[1] = 0xff;
    add(c, &ext, "LargeList TrailingData",
        "65536 bytes of names with the list length capped at 65535: one byte follows the list", NULL);
    ext.n--;
    add(c, &ext, "LargeList TruncatedList",
        "65536 bytes of names cut to the 65535 the list length allows: the last name runs past the list", NULL);
    buf_free(&ext);
    buf_free(&name);
    nl_free(&big);
}

/* Name lengths 0, 1, 2, 254, 255 and attempts at 256, alone and after "h2". */
static void name_lengths(struct lctx *c)
{
    static const size_t lens[] = {1, 2, 254, 255};
    char cm[300];
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        namelist l = nl_filled('a', lens[i]);
        snprintf(cm, sizeof cm, "one name of %zu octet(s)", lens[i]);
        add_list(c, &l, "BoundaryLength", cm);
        if (c->r == ROLE_CLIENT) {
            namelist two = nl_of("h2", NULL);
            nl_addl(&two, &l);
            snprintf(cm, sizeof cm, "h2, then a name of %zu octet(s)", lens[i]);
            add_list(c, &two, "BoundaryLength", cm);
            nl_free(&two);
            two = nl_of(NULL, NULL);
            nl_addl(&two, &l);
            nl_adds(&two, "h2");
            snprintf(cm, sizeof cm, "a name of %zu octet(s), then h2", lens[i]);
            add_list(c, &two, "BoundaryLength", cm);
            nl_free(&two);
        }
        nl_free(&l);
    }
    list_set(c, "zero-length-names");

    /* 256 octets cannot be expressed: the encodings an encoder might produce instead. */
    buf ext = {0};
    buf_u16(&ext, 257);
    buf_byte(&ext, 0xff);
    buf_fill(&ext, 'a', 256);
    add(c, &ext, "NameLength256", "256 octets of name with length 255: the extra 'a' (0x61) is read as a length", NULL);
    ext.p[2 + 1 + 255] = 0;
    add(c, &ext, "NameLength256 EmptyName", "a 255-octet name whose 256th octet is 0x00: read as an empty second name",
        NULL);
    ext.p[2 + 1 + 255] = 1;
    add(c, &ext, "NameLength256", "a 255-octet name whose 256th octet is 0x01: a second name running past the list",
        NULL);
    buf_free(&ext);
    buf_u16(&ext, 257);
    buf_byte(&ext, 0x00); /* 256 mod 256 */
    buf_fill(&ext, 'a', 256);
    add(c, &ext, "NameLength256 EmptyName", "a 256-octet name with its length written mod 256 = 0", NULL);
    buf_free(&ext);
    buf_u16(&ext, 260);
    buf_str(&ext, "\002h2");
    buf_byte(&ext, 0x00);
    buf_fill(&ext, 'a', 255);
    buf_byte(&ext, 'a');
    add(c, &ext, "NameLength256 EmptyName", "h2, then a 256-octet name with its length written mod 256 = 0", NULL);
    buf_free(&ext);
}

static void client_cases(struct lctx *c)
{
    uint8_t g[2];
    namelist l;

    list_set(c, "offers");
    /* Registry names, one by one and all together. */
    for (size_t i = 0; i < g_registry.n; i++) {
        add_one(c, g_registry.v[i].p, g_registry.v[i].n, "Registry", "registry name alone");
    }
    add_list(c, &g_registry, "Registry", "every registry name in one offer");
    /* GREASE: each value alone, in front of h2, and all 16 with h2 in the middle. */
    namelist all = {0};
    for (unsigned i = 0; i < 16; i++) {
        grease_value(i, g);
        l = nl_one(g, 2);
        add_list(c, &l, "Grease", "GREASE value alone");
        nl_adds(&l, "h2");
        add_list(c, &l, "Grease", "GREASE value, then h2");
        nl_free(&l);
        nl_add(&all, g, 2);
        if (i == 7)
            nl_adds(&all, "h2");
    }
    add_list(c, &all, "Grease", "all 16 GREASE values with h2 among them");
    nl_free(&all);
    /* NUL and high bytes. */
    list_set(c, "octets");
    l = nl_filled(0xff, 255);
    nl_adds(&l, "h2");
    add_list(c, &l, "HighBytes BoundaryLength", "255 octets 0xff, then h2");
    nl_free(&l);
    list_set(c, "duplicates");
    /* Many one-octet names. */
    l = (namelist){0};
    for (unsigned i = 0; i < 1000; i++) {
        uint8_t b = (uint8_t)(i % 255 + 1);
        nl_add(&l, &b, 1);
    }
    add_list(c, &l, "Duplicate LongList", "1000 one-octet names");
    nl_free(&l);
    list_set(c, "empty-names"); /* first and later */

    name_lengths(c);
    list_set(c, "list-lengths");
    list_set(c, "trailing"); /* garbage after a valid name, bytes after the list */
    list_set(c, "tlsfuzzer");
    large_lists(c);

    /* Every truncation and every +-1 length error of several valid encodings. */
    mutation_set(c, "mutation-bases");
    l = nl_filled('b', 255);
    nl_adds(&l, "h2");
    mutations(c, &l);
    nl_free(&l);
    l = nl_of("h2", NULL);
    namelist lng = nl_filled(0x80, 254);
    nl_addl(&l, &lng);
    nl_free(&lng);
    mutations(c, &l);
    nl_free(&l);
}

static void server_cases(struct lctx *c)
{
    list_set(c, "answers");
    for (size_t i = 0; i < g_registry.n; i++) {
        add_one(c, g_registry.v[i].p, g_registry.v[i].n, "Registry", "answer with one registry name");
    }
    list_set(c, "answer-octets");
    list_set(c, "answer-counts"); /* zero, two and more names */

    name_lengths(c);
    list_set(c, "list-lengths");
    list_set(c, "trailing");

    mutation_set(c, "answer-mutation-bases");
    namelist l = nl_filled('c', 255);
    mutations(c, &l);
    nl_free(&l);
}

void fam_list(vfile *f)
{
    struct lctx c = {f, NULL, ROLE_CLIENT,
                     cases_open("protocol_name_list.json", list_keys, sizeof list_keys / sizeof list_keys[0]), NULL};
    json_t *g = vf_group_new(f);
    json_object_set_new(g, "role", json_string("client"));
    c.tests = vf_group(f, g);
    client_cases(&c);

    c.r = ROLE_SERVER;
    g = vf_group_new(f);
    json_object_set_new(g, "role", json_string("server"));
    c.tests = vf_group(f, g);
    server_cases(&c);
    cases_close(c.cases);
}
