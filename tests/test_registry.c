/* Registry: the GREASE rule, exact lookups, table integrity, and the generator's refusal of bad data. Every looked-up
 * input is placed so that it ends at an unreadable page (guard.h): reading one byte past a name faults. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alpn.h"
#include "cases.h"
#include "guard.h"

/* The case's name (hex), placed so that it ends at an unreadable page; its length in *len. */
static const uint8_t *placed_name(const json_t *c, size_t *len)
{
    uint8_t buf[ALPN_NAME_MAX + 8];
    *len = case_hex(c, "hex", buf, sizeof buf);
    return guard_place(buf, *len);
}

/* tests/cases/registry_grease.json: the 16 reserved values of RFC 8701 §2, written out rather than computed so that a
 * wrong rule cannot hide behind a wrong generator, then near misses that each break one part of the rule (exactly two
 * bytes, both equal, low nibble 0xA). A GREASE value is also in the table as grease. */
static void check_grease(const json_t *c)
{
    size_t len;
    const uint8_t *in = placed_name(c, &len);
    long long grease = case_int(c, "grease", -1);
    int got = alpn_is_grease(in, len);
    cr_expect_eq(got, grease, "%s: GREASE %d, expected %lld", case_name(c), got, grease);
    if (grease == 1) {
        const alpn_registry_entry *e = alpn_registry_find(in, len);
        cr_expect(e != NULL && e->kind == ALPN_KIND_GREASE, "%s is in the table as grease", case_name(c));
    }
}

Test(registry, grease_values_and_near_misses)
{
    cases_run("registry_grease", check_grease);
    /* Nothing to read: must not dereference. */
    cr_expect_eq(alpn_is_grease(NULL, 0), 0);
    cr_expect_eq(alpn_is_grease(NULL, 2), 0);
    cr_expect_eq(alpn_is_grease(guard_place("", 0), 0), 0);
}

/* Exhaustive over all two-byte names: the rule admits exactly the 16 values and nothing else. */
Test(registry, exactly_sixteen_two_byte_values_are_grease)
{
    size_t count = 0;
    for (unsigned v = 0; v < 0x10000; v++) {
        uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
        int g = alpn_is_grease(b, 2);
        count += (size_t)g;
        if (g)
            cr_expect(b[0] == b[1] && (b[0] & 0x0f) == 0x0a, "0x%04x is not a GREASE value", v);
    }
    cr_expect_eq(count, 16);
}

/* tests/cases/registry_lookup.json: a name (hex) and the kind its entry has, or unknown when it has none: names in
 * the IANA registry, unregistered names seen in practice, then names that differ from registered ones in case, a
 * NUL, a prefix or a suffix (RFC 7301 §3.1: exact bytes only). */
static const char *const kind_words[] = {"registered", "grease", "unregistered", "unknown"};
static const int kind_codes[] = {ALPN_KIND_REGISTERED, ALPN_KIND_GREASE, ALPN_KIND_UNREGISTERED, -1 /* no entry */};

static void check_lookup(const json_t *c)
{
    const char *what = case_name(c);
    size_t len;
    const uint8_t *in = placed_name(c, &len);
    int kind = CASE_CODE(c, "kind", kind_words, kind_codes), found = kind != -1;
    const alpn_registry_entry *e = alpn_registry_find(in, len);
    cr_expect_eq(e != NULL, found, "%s: found %d, expected %d", what, e != NULL, found);
    if (e == NULL || !found)
        return;
    cr_expect_eq(e->kind, kind, "%s: kind %d, expected %d", what, (int)e->kind, kind);
    cr_expect(e->name.len == len && memcmp(e->name.data, in, len) == 0, "%s: entry holds another name", what);
    /* A lookup hit is never GREASE unless it is a GREASE entry. */
    cr_expect_eq(alpn_is_grease(in, len), kind == ALPN_KIND_GREASE, "%s: grease", what);
}

Test(registry, lookups_are_exact)
{
    cases_run("registry_lookup", check_lookup);
    cr_expect_null(alpn_registry_find(NULL, 0));
    cr_expect_null(alpn_registry_find(NULL, 2));
    cr_expect_null(alpn_registry_find(guard_place("h2", 2), 0), "an empty name is never in the table");
}

Test(registry, table_integrity)
{
    size_t n = 0, kinds[3] = {0};
    const alpn_registry_entry *t = alpn_registry(&n);
    cr_assert_not_null(t);
    cr_expect_eq(alpn_registry(NULL), t);
    for (size_t i = 0; i < n; i++) {
        cr_assert_lt((unsigned)t[i].kind, 3u, "entry %zu: kind %d", i, (int)t[i].kind);
        kinds[t[i].kind]++;
        /* RFC 7301 §3.1: ProtocolName<1..2^8-1>. */
        cr_expect(t[i].name.len >= 1 && t[i].name.len <= ALPN_NAME_MAX, "entry %zu: length %zu", i, t[i].name.len);
        cr_expect(t[i].protocol != NULL && t[i].protocol[0] != '\0', "entry %zu: no protocol", i);
        cr_expect(t[i].reference != NULL && t[i].reference[0] != '\0', "entry %zu: no reference", i);
        /* The computed rule and the data file agree on every entry. */
        cr_expect_eq(alpn_is_grease(t[i].name.data, t[i].name.len), t[i].kind == ALPN_KIND_GREASE, "entry %zu", i);
        for (size_t j = 0; j < i; j++)
            cr_expect(t[j].name.len != t[i].name.len || memcmp(t[j].name.data, t[i].name.data, t[i].name.len) != 0,
                      "entries %zu and %zu hold the same name", j, i);
        const uint8_t *in = guard_place(t[i].name.data, t[i].name.len);
        cr_expect_eq(alpn_registry_find(in, t[i].name.len), &t[i], "entry %zu is found as itself", i);
    }
    cr_expect_eq(kinds[ALPN_KIND_GREASE], 16);
    cr_expect_geq(kinds[ALPN_KIND_REGISTERED], 30);
    cr_expect_geq(kinds[ALPN_KIND_UNREGISTERED], 1);
    /* Data-file order: the IANA registry's first entry comes first. */
    cr_expect(n > 0 && t[0].name.len == 8 && memcmp(t[0].name.data, "http/0.9", 8) == 0);
}

/* ----- the generator ------------------------------------------------------------------------------------------ */

struct gen_run {
    char dir[32];
    char in[64];
    char out[64];
};

static int run_generator(struct gen_run *r, const char *tsv)
{
    const char *src = getenv("ALPN_SOURCE_DIR");
    cr_assert_not_null(src, "ALPN_SOURCE_DIR must point at the source tree (ctest sets it)");
    FILE *f = fopen(r->in, "w");
    cr_assert_not_null(f);
    fputs(tsv, f);
    cr_assert_eq(fclose(f), 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cmake -DIN='%s' -DOUT='%s' -P '%s/cmake/gen_registry.cmake' >/dev/null 2>&1", r->in,
             r->out, src);
    int rc = system(cmd);
    cr_assert_neq(rc, -1, "system() failed");
    return rc;
}

static void gen_setup(struct gen_run *r)
{
    snprintf(r->dir, sizeof r->dir, "/tmp/alpn-gen-XXXXXX");
    cr_assert_not_null(mkdtemp(r->dir));
    snprintf(r->in, sizeof r->in, "%s/r.tsv", r->dir);
    snprintf(r->out, sizeof r->out, "%s/r.c", r->dir);
}

static void gen_teardown(struct gen_run *r)
{
    remove(r->in);
    remove(r->out);
    rmdir(r->dir);
}

static char *slurp(const char *path)
{
    static char buf[8192];
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s was not written", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

#define GOOD_LINE "6832\tregistered\tHTTP/2\tRFC 9113\n"

/* tests/cases/registry_bad_tsv.json: registry data files (tsv) the generator must refuse. */
static void check_bad_tsv(const json_t *c)
{
    const char *tsv = case_text(c, "tsv", NULL);
    cr_assert_not_null(tsv, "%s: no tsv", case_name(c));
    struct gen_run r;
    gen_setup(&r);
    int rc = run_generator(&r, tsv);
    cr_expect_neq(rc, 0, "%s: cmake accepted it", case_name(c));
    gen_teardown(&r);
}

Test(registry, generator_refuses_bad_lines)
{
    cases_run("registry_bad_tsv", check_bad_tsv);
}

/* RFC 7301 §3.1: 255 bytes is the longest name; 256 must be refused. */
Test(registry, generator_name_length_limit)
{
    static char tsv[2 * 256 + 64];
    for (size_t len = 255; len <= 256; len++) {
        size_t pos = 0;
        for (size_t j = 0; j < len; j++)
            pos += (size_t)snprintf(tsv + pos, sizeof tsv - pos, "61");
        snprintf(tsv + pos, sizeof tsv - pos, "\tregistered\tx\ty\n");
        struct gen_run r;
        gen_setup(&r);
        int rc = run_generator(&r, tsv);
        cr_expect_eq(rc == 0, len == 255, "%zu-byte name: cmake exit %d", len, rc);
        if (rc == 0)
            cr_expect_not_null(strstr(slurp(r.out), ", 255}"), "explicit length 255");
        gen_teardown(&r);
    }
}

/* Text that C or CMake would misread comes out intact: quotes and backslashes escaped, '?' escaped against
 * trigraphs, ';' and '[' kept inside their column, NUL and high bytes in a name as escapes with an explicit
 * length, CRLF line ends accepted. */
Test(registry, generator_output)
{
    struct gen_run r;
    gen_setup(&r);
    int rc = run_generator(&r, "#hex\tkind\tprotocol\treference\r\n"
                               "00ff68\tunregistered\ta\"b\\c?\?=\tRFC 1; [RFC 2\r\n"
                               "0a0a\tgrease\tGREASE\tRFC 8701\n");
    cr_assert_eq(rc, 0, "cmake exit %d", rc);
    const char *c = slurp(r.out);
    cr_expect_not_null(strstr(c, "#include \"alpn.h\""), "%s", c);
    cr_expect_not_null(strstr(c, "{{(const uint8_t *)\"\\x00\\xff\\x68\", 3}, ALPN_KIND_UNREGISTERED, "
                                 "\"a\\\"b\\\\c\\?\\?=\", \"RFC 1; [RFC 2\"},"), "%s", c);
    cr_expect_not_null(strstr(c, "{{(const uint8_t *)\"\\x0a\\x0a\", 2}, ALPN_KIND_GREASE, \"GREASE\", \"RFC 8701\"},"),
                       "%s", c);
    cr_expect_not_null(strstr(c, "alpn_registry_table_len = 2;"), "%s", c);
    gen_teardown(&r);
}

/* An unchanged table is not rewritten (its timestamp stays), so rebuilds stay incremental; a changed one is. */
Test(registry, generator_writes_only_on_change)
{
    struct gen_run r;
    gen_setup(&r);
    cr_assert_eq(run_generator(&r, GOOD_LINE), 0);
    struct stat before, after;
    cr_assert_eq(stat(r.out, &before), 0);
    cr_assert_eq(run_generator(&r, GOOD_LINE), 0);
    cr_assert_eq(stat(r.out, &after), 0);
    cr_expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec,
              "unchanged output was rewritten");
    cr_assert_eq(run_generator(&r, GOOD_LINE "6833\tregistered\tHTTP/3\tRFC 9114\n"), 0);
    cr_expect_not_null(strstr(slurp(r.out), "alpn_registry_table_len = 2;"));
    gen_teardown(&r);
}
