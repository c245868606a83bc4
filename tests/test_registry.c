/* Registry: the GREASE rule, exact lookups, table integrity, and the generator's refusal of bad data. Every looked-up
 * input is placed so that it ends at an unreadable page (guard.h): reading one byte past a name faults. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alpn.h"
#include "guard.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Decodes hex and places it at a guard page; returns the placed pointer and its length in *len. */
static const uint8_t *placed_hex(const char *hex, size_t *len)
{
    uint8_t buf[ALPN_NAME_MAX + 8];
    *len = guard_hex(hex, buf, sizeof buf);
    cr_assert_neq(*len, (size_t)-1, "bad test hex '%s'", hex);
    return guard_place(buf, *len);
}

/* RFC 8701 §2: the 16 reserved values, written out rather than computed, so a wrong rule cannot hide behind a
 * wrong generator. */
static const char *const grease_values[] = {
    "0a0a", "1a1a", "2a2a", "3a3a", "4a4a", "5a5a", "6a6a", "7a7a",
    "8a8a", "9a9a", "aaaa", "baba", "caca", "dada", "eaea", "fafa",
};

Test(registry, every_grease_value_is_grease_and_in_the_table)
{
    for (size_t i = 0; i < N_ELEMS(grease_values); i++) {
        size_t len;
        const uint8_t *in = placed_hex(grease_values[i], &len);
        cr_expect_eq(alpn_is_grease(in, len), 1, "%s is GREASE", grease_values[i]);
        const alpn_registry_entry *e = alpn_registry_find(in, len);
        cr_expect(e != NULL && e->kind == ALPN_KIND_GREASE, "%s is in the table as grease", grease_values[i]);
    }
}

struct grease_case {
    const char *hex;
    int grease;
    const char *why;
};

/* RFC 8701 §2: exactly two bytes, both equal, low nibble 0xA. Each near miss breaks one of those. */
static const struct grease_case grease_cases[] = {
    {"0a0b", 0, "second byte differs in the low nibble"},
    {"0b0b", 0, "low nibble B"},
    {"1a0a", 0, "bytes differ in the high nibble"},
    {"a0a0", 0, "nibbles swapped"},
    {"0a", 0, "one byte"},
    {"0a0a0a", 0, "three bytes"},
    {"0a0a0a0a", 0, "two GREASE values back to back"},
    {"0000", 0, "equal bytes, low nibble 0"},
    {"aaaa", 1, "0xAAAA is in the set (high nibble A)"},
    {"5a5a", 1, "middle of the set"},
};

Test(registry, grease_rule_and_near_misses)
{
    for (size_t i = 0; i < N_ELEMS(grease_cases); i++) {
        const struct grease_case *c = &grease_cases[i];
        size_t len;
        const uint8_t *in = placed_hex(c->hex, &len);
        cr_expect_eq(alpn_is_grease(in, len), c->grease, "%s (%s)", c->hex, c->why);
    }
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

struct lookup_case {
    const char *hex;
    const char *what;
    int found;
    alpn_kind kind;
};

static const struct lookup_case lookup_cases[] = {
    /* Registered (IANA). */
    {"687474702f302e39", "http/0.9", 1, ALPN_KIND_REGISTERED},
    {"687474702f312e30", "http/1.0", 1, ALPN_KIND_REGISTERED},
    {"687474702f312e31", "http/1.1", 1, ALPN_KIND_REGISTERED},
    {"737064792f31", "spdy/1", 1, ALPN_KIND_REGISTERED},
    {"737064792f32", "spdy/2", 1, ALPN_KIND_REGISTERED},
    {"737064792f33", "spdy/3", 1, ALPN_KIND_REGISTERED},
    {"7374756e2e7475726e", "stun.turn", 1, ALPN_KIND_REGISTERED},
    {"7374756e2e6e61742d646973636f76657279", "stun.nat-discovery", 1, ALPN_KIND_REGISTERED},
    {"6832", "h2", 1, ALPN_KIND_REGISTERED},
    {"683263", "h2c", 1, ALPN_KIND_REGISTERED},
    {"776562727463", "webrtc", 1, ALPN_KIND_REGISTERED},
    {"632d776562727463", "c-webrtc", 1, ALPN_KIND_REGISTERED},
    {"667470", "ftp", 1, ALPN_KIND_REGISTERED},
    {"696d6170", "imap", 1, ALPN_KIND_REGISTERED},
    {"706f7033", "pop3", 1, ALPN_KIND_REGISTERED},
    {"6d616e6167657369657665", "managesieve", 1, ALPN_KIND_REGISTERED},
    {"636f6170", "coap", 1, ALPN_KIND_REGISTERED},
    {"786d70702d636c69656e74", "xmpp-client", 1, ALPN_KIND_REGISTERED},
    {"786d70702d736572766572", "xmpp-server", 1, ALPN_KIND_REGISTERED},
    {"61636d652d746c732f31", "acme-tls/1", 1, ALPN_KIND_REGISTERED},
    {"6d717474", "mqtt", 1, ALPN_KIND_REGISTERED},
    {"646f74", "dot", 1, ALPN_KIND_REGISTERED},
    {"6e74736b652f31", "ntske/1", 1, ALPN_KIND_REGISTERED},
    {"73756e727063", "sunrpc", 1, ALPN_KIND_REGISTERED},
    {"6833", "h3", 1, ALPN_KIND_REGISTERED},
    {"736d62", "smb", 1, ALPN_KIND_REGISTERED},
    {"697263", "irc", 1, ALPN_KIND_REGISTERED},
    {"6e6e7470", "nntp", 1, ALPN_KIND_REGISTERED},
    {"6e6e7370", "nnsp", 1, ALPN_KIND_REGISTERED},
    {"646f71", "doq", 1, ALPN_KIND_REGISTERED},
    {"7369702f32", "sip/2", 1, ALPN_KIND_REGISTERED},
    {"7464732f382e30", "tds/8.0", 1, ALPN_KIND_REGISTERED},
    {"6469636f6d", "dicom", 1, ALPN_KIND_REGISTERED},
    {"706f737467726573716c", "postgresql", 1, ALPN_KIND_REGISTERED},
    {"7261646975732f312e30", "radius/1.0", 1, ALPN_KIND_REGISTERED},
    {"7261646975732f312e31", "radius/1.1", 1, ALPN_KIND_REGISTERED},
    /* Unregistered but seen in practice. */
    {"68322d3134", "h2-14", 1, ALPN_KIND_UNREGISTERED},
    {"68322d3137", "h2-17", 1, ALPN_KIND_UNREGISTERED},
    {"737064792f332e31", "spdy/3.1", 1, ALPN_KIND_UNREGISTERED},
    {"68332d3239", "h3-29", 1, ALPN_KIND_UNREGISTERED},
    {"68712d696e7465726f70", "hq-interop", 1, ALPN_KIND_UNREGISTERED},
    {"677270632d657870", "grpc-exp", 1, ALPN_KIND_UNREGISTERED},
    /* RFC 7301 §3.1: exact bytes only — case, NUL, prefixes and superstrings of registered names are unknown. */
    {"4832", "H2 (upper case)", 0, 0},
    {"485454502f312e31", "HTTP/1.1 (upper case)", 0, 0},
    {"683200", "h2 NUL", 0, 0},
    {"006832", "NUL h2", 0, 0},
    {"687474702f312e", "http/1. (prefix)", 0, 0},
    {"683278", "h2x (superstring)", 0, 0},
    {"68", "h (prefix of h2)", 0, 0},
    {"6832202020", "h2 with trailing spaces", 0, 0},
    {"0a0a0a", "GREASE plus one byte", 0, 0},
    {"ff", "lone high byte", 0, 0},
};

Test(registry, lookups_are_exact)
{
    for (size_t i = 0; i < N_ELEMS(lookup_cases); i++) {
        const struct lookup_case *c = &lookup_cases[i];
        size_t len;
        const uint8_t *in = placed_hex(c->hex, &len);
        const alpn_registry_entry *e = alpn_registry_find(in, len);
        cr_expect_eq(e != NULL, c->found, "%s: found %d, expected %d", c->what, e != NULL, c->found);
        if (e == NULL || !c->found)
            continue;
        cr_expect_eq(e->kind, c->kind, "%s: kind %d, expected %d", c->what, (int)e->kind, (int)c->kind);
        cr_expect(e->name.len == len && memcmp(e->name.data, in, len) == 0, "%s: entry holds another name", c->what);
        /* A lookup hit is never GREASE unless it is a GREASE entry. */
        cr_expect_eq(alpn_is_grease(in, len), c->kind == ALPN_KIND_GREASE, "%s: grease", c->what);
    }
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

struct bad_tsv {
    const char *what;
    const char *tsv;
};

static const struct bad_tsv bad_tsvs[] = {
    {"odd hex", "683\tregistered\tx\ty\n"},
    {"non-hex digit", "6g32\tregistered\tx\ty\n"},
    {"upper-case hex", "6A32\tregistered\tx\ty\n"},
    {"hex with a separator", "68:32\tregistered\tx\ty\n"},
    {"empty name", "\tregistered\tx\ty\n"},
    {"unknown kind", "6832\tofficial\tx\ty\n"},
    {"kind in upper case", "6832\tGREASE\tx\ty\n"},
    {"three columns", "6832\tregistered\tx\n"},
    {"five columns", "6832\tregistered\tx\ty\tz\n"},
    {"bad line after a good one", GOOD_LINE "6833\tregistered\tx\n"},
    {"duplicate", GOOD_LINE "6832\tunregistered\tx\ty\n"},
    {"empty protocol", "6832\tregistered\t\ty\n"},
    {"empty reference", "6832\tregistered\tx\t\n"},
    {"no entries", "#hex\tkind\tprotocol\treference\n"},
};

Test(registry, generator_refuses_bad_lines)
{
    for (size_t i = 0; i < N_ELEMS(bad_tsvs); i++) {
        struct gen_run r;
        gen_setup(&r);
        int rc = run_generator(&r, bad_tsvs[i].tsv);
        cr_expect_neq(rc, 0, "%s: cmake accepted it", bad_tsvs[i].what);
        gen_teardown(&r);
    }
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
