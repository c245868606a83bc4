/* Registry: GREASE rule, exact lookups, table integrity, and the generator's refusal of bad data. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alpn.h"
#include "guard.h"

struct lookup_case {
    const char *name;
    const char *hex;
    int found;
    alpn_kind kind;
    int grease;
};

static const struct lookup_case lookup_cases[] = {
    {"h2", "6832", 1, ALPN_KIND_REGISTERED, 0},
    {"http/1.1", "687474702f312e31", 1, ALPN_KIND_REGISTERED, 0},
    {"h3", "6833", 1, ALPN_KIND_REGISTERED, 0},
    {"acme-tls/1", "61636d652d746c732f31", 1, ALPN_KIND_REGISTERED, 0},
    {"h2c", "683263", 1, ALPN_KIND_REGISTERED, 0},
    {"tds/8.0", "7464732f382e30", 1, ALPN_KIND_REGISTERED, 0},
    {"radius/1.1", "7261646975732f312e31", 1, ALPN_KIND_REGISTERED, 0},
    {"h2-14", "68322d3134", 1, ALPN_KIND_UNREGISTERED, 0},
    {"spdy/3.1", "737064792f332e31", 1, ALPN_KIND_UNREGISTERED, 0},
    {"GREASE 0a0a", "0a0a", 1, ALPN_KIND_GREASE, 1},
    {"GREASE aaaa", "aaaa", 1, ALPN_KIND_GREASE, 1},
    {"GREASE fafa", "fafa", 1, ALPN_KIND_GREASE, 1},
    /* Near misses: exact bytes only (RFC 7301 §3.1). */
    {"upper-case H2", "4832", 0, 0, 0},
    {"h2 + NUL", "683200", 0, 0, 0},
    {"prefix http/1.", "687474702f312e", 0, 0, 0},
    {"superstring h2x", "683278", 0, 0, 0},
    {"h", "68", 0, 0, 0},
    /* Near-miss GREASE (RFC 8701 §2: both bytes equal, low nibble A). */
    {"0a0b", "0a0b", 0, 0, 0},
    {"0b0b", "0b0b", 0, 0, 0},
    {"a0a0", "a0a0", 0, 0, 0},
    {"0a", "0a", 0, 0, 0},
    {"0a0a0a", "0a0a0a", 0, 0, 0},
    {"0a1a", "0a1a", 0, 0, 0},
};

Test(registry, lookups)
{
    uint8_t buf[64];
    for (size_t i = 0; i < sizeof lookup_cases / sizeof lookup_cases[0]; i++) {
        const struct lookup_case *c = &lookup_cases[i];
        size_t len = guard_hex(c->hex, buf, sizeof buf);
        const uint8_t *in = guard_place(buf, len);
        const alpn_registry_entry *e = alpn_registry_find(in, len);
        cr_expect_eq(e != NULL, c->found, "%s: found %d", c->name, e != NULL);
        if (e != NULL && c->found)
            cr_expect_eq(e->kind, c->kind, "%s: kind %d", c->name, e->kind);
        cr_expect_eq(alpn_is_grease(in, len), c->grease, "%s: grease", c->name);
    }
    cr_expect_null(alpn_registry_find(NULL, 2));
    cr_expect_null(alpn_registry_find((const uint8_t *)"h2", 0));
    cr_expect_eq(alpn_is_grease(NULL, 2), 0);
}

Test(registry, all_sixteen_grease_values)
{
    for (unsigned hi = 0; hi < 16; hi++) {
        uint8_t v[2] = {(uint8_t)(hi << 4 | 0x0a), (uint8_t)(hi << 4 | 0x0a)};
        const uint8_t *in = guard_place(v, 2);
        cr_expect(alpn_is_grease(in, 2), "0x%02x%02x", v[0], v[1]);
        const alpn_registry_entry *e = alpn_registry_find(in, 2);
        cr_expect(e != NULL && e->kind == ALPN_KIND_GREASE, "0x%02x%02x in table as GREASE", v[0], v[1]);
    }
    /* And no other two-byte value is GREASE. */
    size_t count = 0;
    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            uint8_t v[2] = {(uint8_t)a, (uint8_t)b};
            count += (size_t)alpn_is_grease(v, 2);
        }
    }
    cr_expect_eq(count, 16);
}

Test(registry, table_integrity)
{
    size_t n = 0, kinds[3] = {0};
    const alpn_registry_entry *t = alpn_registry(&n);
    cr_assert_geq(n, 46);
    for (size_t i = 0; i < n; i++) {
        cr_expect(t[i].name.len >= 1 && t[i].name.len <= ALPN_NAME_MAX, "entry %zu length", i);
        cr_expect(t[i].protocol[0] && t[i].reference[0], "entry %zu text", i);
        cr_expect_eq(alpn_is_grease(t[i].name.data, t[i].name.len), t[i].kind == ALPN_KIND_GREASE, "entry %zu", i);
        cr_assert_lt((unsigned)t[i].kind, 3);
        kinds[t[i].kind]++;
        cr_expect_eq(alpn_registry_find(t[i].name.data, t[i].name.len), &t[i], "entry %zu is found as itself", i);
    }
    cr_expect_eq(kinds[ALPN_KIND_GREASE], 16);
    cr_expect_geq(kinds[ALPN_KIND_REGISTERED], 30);
    cr_expect_geq(kinds[ALPN_KIND_UNREGISTERED], 5);
    cr_expect_eq(alpn_registry(NULL), t);
}

/* The generator refuses each kind of malformed line (so the table can only be built from clean data). */
Test(registry, generator_refuses_bad_lines)
{
    const char *src = getenv("ALPN_SOURCE_DIR");
    cr_assert_not_null(src, "ALPN_SOURCE_DIR is set by ctest");
    static const struct {
        const char *what;
        const char *tsv;
        int ok;
    } cases[] = {
        {"good", "#hex\tkind\tprotocol\treference\n6832\tregistered\tHTTP/2\tRFC 9113\n", 1},
        {"odd hex", "683\tregistered\tx\ty\n", 0},
        {"upper-case hex", "6A32\tregistered\tx\ty\n", 0},
        {"empty name", "\tregistered\tx\ty\n", 0},
        {"unknown kind", "6832\tofficial\tx\ty\n", 0},
        {"three columns", "6832\tregistered\tx\n", 0},
        {"duplicate", "6832\tregistered\tx\ty\n6832\tgrease\tx\ty\n", 0},
        {"no entries", "#only a comment\n", 0},
        {"256 bytes", NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dir[] = "/tmp/alpn-gen-XXXXXX";
        cr_assert_not_null(mkdtemp(dir));
        char in[96], out[96], cmd[512];
        snprintf(in, sizeof in, "%s/r.tsv", dir);
        snprintf(out, sizeof out, "%s/r.c", dir);
        FILE *f = fopen(in, "w");
        cr_assert_not_null(f);
        if (cases[i].tsv) {
            fputs(cases[i].tsv, f);
        } else {
            for (int j = 0; j < 256; j++)
                fputs("61", f);
            fputs("\tregistered\tx\ty\n", f);
        }
        fclose(f);
        snprintf(cmd, sizeof cmd, "cmake -DIN=%s -DOUT=%s -P %s/cmake/gen_registry.cmake >/dev/null 2>&1", in, out,
                 src);
        int rc = system(cmd);
        cr_expect_eq(rc == 0, cases[i].ok, "%s: cmake exit %d", cases[i].what, rc);
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        cr_assert_eq(system(cmd), 0);
    }
}
