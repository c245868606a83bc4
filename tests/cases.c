#include "cases.h"

#include "guard.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The case file open now, through which the accessors (given only a case) mark the keys they read. File-level state
 * is enough: a test reads one case file at a time (opening another abandons the first, whose cases then fail when
 * read), and Criterion runs each test in its own process. */
static case_file *open_file;

/* Member key of case c, marked as read. c must be the case cases_at gave last: a case read out of turn would escape
 * the check for unread keys. */
static json_t *member(const json_t *c, const char *key)
{
    cr_assert(open_file != NULL && c == open_file->current, "%s: read when it is not the current case of an open file",
              case_name(c));
    json_object_del(open_file->unread, key);
    return json_object_get(c, key);
}

/* The end of the current case (if any): every key but "name" must have been read, else the test fails naming it. */
static void case_done(case_file *f)
{
    if (f->unread == NULL)
        return;
    char keys[256] = "";
    size_t used = 0;
    const char *k;
    json_t *v;
    json_object_foreach(f->unread, k, v)
    {
        int w = snprintf(keys + used, sizeof keys - used, "%s\"%s\"", used ? ", " : "", k);
        if (w < 0 || (size_t)w >= sizeof keys - used)
            break;
        used += (size_t)w;
    }
    size_t left = json_object_size(f->unread);
    json_decref(f->unread);
    f->unread = NULL;
    /* Not fatal: the test goes on to its other cases, and fails all the same. */
    cr_expect_eq(left, 0, "%s: case \"%s\": %s never read (a misspelt key, or one this test has no use for)", f->file,
                 case_name(f->current), keys);
}

/* The number of cases tests/cases/README.md gives for name.json (its row "| name.json | N | ..."), or -1 without one. */
static long declared_count(const char *src, const char *name)
{
    char path[512], row[128], line[4096];
    snprintf(path, sizeof path, "%s/tests/cases/README.md", src);
    int w = snprintf(row, sizeof row, "| %s.json | ", name);
    FILE *fp = fopen(path, "r");
    if (fp == NULL || w < 0 || (size_t)w >= sizeof row) {
        if (fp != NULL)
            fclose(fp);
        return -1;
    }
    long n = -1;
    while (n < 0 && fgets(line, sizeof line, fp) != NULL) {
        char *end;
        if (strncmp(line, row, (size_t)w) == 0) {
            n = strtol(line + w, &end, 10);
            if (end == line + w || strncmp(end, " |", 2) != 0)
                n = -1;
        }
    }
    fclose(fp);
    return n;
}

void cases_open(case_file *f, const char *name)
{
    f->current = NULL;
    f->unread = NULL;
    const char *src = getenv("ALPN_SOURCE_DIR");
    cr_assert_not_null(src, "ALPN_SOURCE_DIR must point at the source tree (ctest sets it)");
    int w = snprintf(f->file, sizeof f->file, "%s/tests/cases/%s.json", src, name);
    cr_assert(w > 0 && (size_t)w < sizeof f->file, "case file path too long");
    json_error_t err;
    f->root = json_load_file(f->file, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &err);
    cr_assert_not_null(f->root, "%s:%d: %s", f->file, err.line, err.text);
    cr_assert(json_is_array(f->root), "%s: not a JSON array", f->file);
    f->n = json_array_size(f->root);
    cr_assert_gt(f->n, 0, "%s: no cases", f->file);
    /* A case dropped (or added) without the README's count changing fails: a shorter file would pass unnoticed. */
    long want = declared_count(src, name);
    cr_assert_geq(want, 0, "tests/cases/README.md has no row \"| %s.json | N | ...\" with its number of cases", name);
    cr_assert_eq(f->n, (size_t)want, "%s: %zu cases, tests/cases/README.md says %ld", f->file, f->n, want);
    for (size_t i = 0; i < f->n; i++)
        cr_assert(json_is_object(json_array_get(f->root, i)), "%s: case %zu is not an object", f->file, i);
    open_file = f;
}

void cases_close(case_file *f)
{
    case_done(f);
    json_decref(f->root);
    f->root = NULL;
    f->n = 0;
    f->current = NULL;
    open_file = NULL;
}

json_t *cases_at(case_file *f, size_t i)
{
    cr_assert_lt(i, f->n);
    cr_assert_eq(open_file, f, "%s: not the open case file", f->file);
    case_done(f);
    json_t *c = json_array_get(f->root, i);
    f->current = c;
    f->unread = json_copy(c); /* shallow: the keys are what counts */
    cr_assert_not_null(f->unread);
    json_object_del(f->unread, "name");
    return c;
}

const char *case_name(const json_t *c)
{
    const char *s = json_string_value(json_object_get(c, "name"));
    return s ? s : "(unnamed case)";
}

const char *case_text(const json_t *c, const char *key, size_t *len)
{
    json_t *v = member(c, key);
    if (v == NULL || json_is_null(v)) {
        if (len)
            *len = 0;
        return NULL;
    }
    cr_assert(json_is_string(v), "%s: \"%s\" is not a string", case_name(c), key);
    const char *s = json_string_value(v);
    if (len)
        *len = json_string_length(v);
    else
        cr_assert_eq(strlen(s), json_string_length(v),
                     "%s: \"%s\" holds a NUL byte, which this key (a C string) cannot take", case_name(c), key);
    return s;
}

long long case_int(const json_t *c, const char *key, long long dflt)
{
    json_t *v = member(c, key);
    if (v == NULL)
        return dflt;
    cr_assert(json_is_integer(v), "%s: \"%s\" is not an integer", case_name(c), key);
    return json_integer_value(v);
}

int case_word(const json_t *c, const char *key, const char *const *words, size_t n, int dflt)
{
    const char *s = case_text(c, key, NULL);
    if (s == NULL) {
        cr_assert_geq(dflt, 0, "%s: no \"%s\"", case_name(c), key);
        return dflt;
    }
    for (size_t i = 0; i < n; i++)
        if (words[i] != NULL && strcmp(words[i], s) == 0)
            return (int)i;
    cr_assert_fail("%s: \"%s\" is \"%s\", not one of its words", case_name(c), key, s);
    return dflt;
}

size_t case_hex(const json_t *c, const char *key, uint8_t *out, size_t cap)
{
    const char *s = case_text(c, key, NULL);
    cr_assert_not_null(s, "%s: no \"%s\"", case_name(c), key);
    size_t n = guard_hex(s, out, cap);
    cr_assert_neq(n, (size_t)-1, "%s: \"%s\" is not hex that fits %zu bytes", case_name(c), key, cap);
    return n;
}

size_t case_texts(const json_t *c, const char *key, const char **out, size_t max)
{
    json_t *a = member(c, key);
    if (a == NULL)
        return 0;
    cr_assert(json_is_array(a), "%s: \"%s\" is not an array", case_name(c), key);
    size_t n = json_array_size(a);
    cr_assert_leq(n, max, "%s: \"%s\" has %zu entries, at most %zu", case_name(c), key, n, max);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(a, i);
        out[i] = json_string_value(v);
        cr_assert_not_null(out[i], "%s: \"%s\"[%zu] is not a string", case_name(c), key, i);
        cr_assert_eq(strlen(out[i]), json_string_length(v), "%s: \"%s\"[%zu] holds a NUL byte", case_name(c), key, i);
    }
    return n;
}

size_t case_bytes(const json_t *c, const char *key, uint8_t *out, size_t cap)
{
    char hex_key[64];
    int w = snprintf(hex_key, sizeof hex_key, "%s_hex", key);
    cr_assert(w > 0 && (size_t)w < sizeof hex_key, "key \"%s\" too long", key);
    size_t len;
    const char *text = case_text(c, key, &len);
    int has_hex = member(c, hex_key) != NULL;
    cr_assert(text == NULL || !has_hex, "%s: both \"%s\" and \"%s\"", case_name(c), key, hex_key);
    if (has_hex)
        return case_hex(c, hex_key, out, cap);
    if (text == NULL)
        return (size_t)-1;
    cr_assert_leq(len, cap, "%s: \"%s\" holds %zu bytes, at most %zu", case_name(c), key, len, cap);
    memcpy(out, text, len);
    return len;
}

const char *case_bytes_str(const json_t *c, const char *key, char *buf, size_t cap)
{
    cr_assert_gt(cap, 0);
    size_t n = case_bytes(c, key, (uint8_t *)buf, cap - 1);
    if (n == (size_t)-1)
        return NULL;
    cr_assert_null(memchr(buf, 0, n), "%s: \"%s\" holds a NUL byte, which this key (a C string) cannot take",
                   case_name(c), key);
    buf[n] = '\0';
    return buf;
}

void cases_run(const char *name, void (*check)(const json_t *c))
{
    case_file f;
    cases_open(&f, name);
    /* cases_at and cases_close end the case before (its unread keys fail the test). */
    for (size_t i = 0; i < f.n; i++)
        check(cases_at(&f, i));
    cases_close(&f);
}
