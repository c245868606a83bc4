/*
 * The hand-picked cases of the families (gen/cases/<vector file>.json): a JSON array, one object a case, every case
 * in a "set" that the family's C code walks where those cases belong in the output. Everything about a case file is
 * checked, and any fault ends vecgen with exit 2: a typo must never make the vectors silently fewer. The file must
 * exist and hold a non-empty array of objects; every key is one the family declares, of its kind; hex is hex; every
 * set the code asks for has cases, and every case is in a set the code asked for (cases_close).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vecgen.h"

const char *cases_dir = VECGEN_CASES_DIR;

struct case_file {
    char path[4096];
    json_t *all;
    const case_key *keys;
    size_t nkeys;
    unsigned char *used;  /* per case: its set was walked */
    unsigned long *taken; /* per case: bit k, keys[k] was read */
};

/* The message of a fault in case index of f (f NULL: in a test the generator builds itself), and exit 2. */
__attribute__((format(printf, 3, 0), noreturn)) static void vfail(const case_file *f, size_t index, const char *fmt,
                                                                  va_list ap)
{
    if (f != NULL)
        fprintf(stderr, "vecgen: %s, case %zu (line %zu): ", f->path, index + 1, index + 2);
    else
        fputs("vecgen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    exit(2);
}

__attribute__((format(printf, 3, 4), noreturn)) static void case_fail(const case_file *f, size_t index, const char *fmt,
                                                                      ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(f, index, fmt, ap);
}

static int hex_ok(const char *s)
{
    buf b = {0};
    int ok = buf_hex(&b, s, strlen(s)) == 0;
    buf_free(&b);
    return ok;
}

/* Whether every space-separated word of s is a flag: an unknown one is a case fault here, where the case is known. */
static int flags_ok(const char *s)
{
    while (*(s += strspn(s, " ")) != '\0') {
        size_t n = strcspn(s, " ");
        if (!note_known(s, n))
            return 0;
        s += n;
    }
    return 1;
}

/* What each case_kind asks for, in the messages. */
static const char *const kind_words[] = {
    "a string", "a string of hex digit pairs", "an array of printable ASCII strings",
    "an array of strings of hex digit pairs", "a string of known flags (keys of the notes) separated by spaces"};
_Static_assert(sizeof kind_words / sizeof kind_words[0] == CK_FLAGS + 1, "a word for every case_kind");

/* Whether v has the JSON type and contents that kind k asks for. */
static int kind_ok(const json_t *v, case_kind k)
{
    if (k == CK_TEXT || k == CK_HEX || k == CK_FLAGS)
        return json_is_string(v) && (k == CK_TEXT || (k == CK_HEX ? hex_ok : flags_ok)(json_string_value(v)));
    if (!json_is_array(v))
        return 0;
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return 0;
        const char *s = json_string_value(e);
        if (k == CK_HEXNAMES ? !hex_ok(s) : !printable((const uint8_t *)s, strlen(s)))
            return 0;
    }
    return 1;
}

static void check_case(const case_file *f, size_t index, const json_t *o)
{
    if (!json_is_object(o))
        case_fail(f, index, "not a JSON object");
    if (!json_is_string(json_object_get(o, "set")))
        case_fail(f, index, "no \"set\" (a string)");
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        if (strcmp(key, "set") == 0)
            continue;
        size_t k = 0;
        while (k < f->nkeys && strcmp(f->keys[k].key, key) != 0)
            k++;
        if (k == f->nkeys)
            case_fail(f, index, "unknown key \"%s\"", key);
        if (!kind_ok(v, f->keys[k].kind))
            case_fail(f, index, "\"%s\" is not %s", key, kind_words[f->keys[k].kind]);
    }
}

case_file *cases_open(const char *name, const case_key *keys, size_t nkeys)
{
    case_file *f = calloc(1, sizeof *f);
    json_error_t err;
    if (f == NULL)
        abort();
    snprintf(f->path, sizeof f->path, "%s/%s", cases_dir, name);
    f->all = json_load_file(f->path, JSON_REJECT_DUPLICATES, &err);
    if (f->all == NULL) {
        if (err.line > 0)
            fprintf(stderr, "vecgen: %s:%d: %s\n", f->path, err.line, err.text);
        else
            fprintf(stderr, "vecgen: %s\n", err.text);
        exit(2);
    }
    if (!json_is_array(f->all) || json_array_size(f->all) == 0) {
        fprintf(stderr, "vecgen: %s: not a non-empty JSON array of cases\n", f->path);
        exit(2);
    }
    f->keys = keys;
    f->nkeys = nkeys;
    f->used = calloc(json_array_size(f->all), 1);
    f->taken = calloc(json_array_size(f->all), sizeof *f->taken);
    if (f->used == NULL || f->taken == NULL || nkeys > 8 * sizeof *f->taken)
        abort();
    for (size_t i = 0; i < json_array_size(f->all); i++)
        check_case(f, i, json_array_get(f->all, i));
    return f;
}

static int in_set(const case_file *f, size_t i, const char *set)
{
    return strcmp(json_string_value(json_object_get(json_array_get(f->all, i), "set")), set) == 0;
}

int case_next(case_file *f, const char *set, size_t *at, vcase *c)
{
    size_t n = json_array_size(f->all);
    if (*at == 0) {
        size_t i = 0;
        while (i < n && !in_set(f, i, set))
            i++;
        if (i == n) {
            fprintf(stderr, "vecgen: %s: no case in set \"%s\"\n", f->path, set);
            exit(2);
        }
    }
    while (*at < n && !in_set(f, *at, set))
        ++*at;
    if (*at == n)
        return 0;
    f->used[*at] = 1;
    *c = (vcase){f, json_array_get(f->all, *at), *at};
    ++*at;
    return 1;
}

void cases_close(case_file *f)
{
    for (size_t i = 0; i < json_array_size(f->all); i++) {
        const json_t *o = json_array_get(f->all, i);
        const char *set = json_string_value(json_object_get(o, "set"));
        if (!f->used[i])
            case_fail(f, i, "set \"%s\" is not one the generator reads", set);
        for (size_t k = 0; k < f->nkeys; k++)
            if (json_object_get(o, f->keys[k].key) != NULL && !(f->taken[i] >> k & 1))
                case_fail(f, i, "\"%s\" means nothing in set \"%s\"", f->keys[k].key, set);
    }
    json_decref(f->all);
    free(f->used);
    free(f->taken);
    free(f);
}

void case_die(const vcase *c, const char *why, ...)
{
    va_list ap;
    va_start(ap, why);
    vfail(c != NULL ? c->file : NULL, c != NULL ? c->index : 0, why, ap);
}

void case_vfmt(const vcase *c, char *out, size_t cap, const char *fmt, va_list ap)
{
    int n = vsnprintf(out, cap, fmt, ap);
    if (n < 0 || (size_t)n >= cap)
        case_die(c, "a value is too long: a text made from it needs %d of at most %zu characters: \"%.40s...\"", n,
                 cap - 1, out);
}

void case_fmt(const vcase *c, char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    case_vfmt(c, out, cap, fmt, ap);
    va_end(ap);
}

int case_has(const vcase *c, const char *key)
{
    return json_object_get(c->o, key) != NULL;
}

/* The value of key in c, which counts as read (see cases_close). */
static const json_t *take(const vcase *c, const char *key)
{
    for (size_t k = 0; k < c->file->nkeys; k++)
        if (strcmp(c->file->keys[k].key, key) == 0)
            c->file->taken[c->index] |= 1ul << k;
    return json_object_get(c->o, key);
}

const char *case_opt(const vcase *c, const char *key)
{
    return json_string_value(take(c, key));
}

const char *case_text(const vcase *c, const char *key)
{
    const char *s = case_opt(c, key);
    if (s == NULL)
        case_fail(c->file, c->index, "no \"%s\"", key);
    return s;
}

/* Which of the two keys c has, 1 for text_key, 0 for hex_key; a case must have exactly one. */
static int text_or_hex(const vcase *c, const char *text_key, const char *hex_key)
{
    int text = case_has(c, text_key);
    if (text == case_has(c, hex_key))
        case_fail(c->file, c->index, "needs one of \"%s\" and \"%s\"", text_key, hex_key);
    return text;
}

/* The bytes of s: its characters (text) or the hex digit pairs it holds (checked by cases_open). b.p is never NULL,
 * so that an empty value is still a string to those who take one. */
static buf bytes_of(const char *s, int text)
{
    buf b = {0};
    buf_byte(&b, 0);
    b.n = 0;
    if (text)
        buf_str(&b, s);
    else
        buf_hex(&b, s, strlen(s));
    return b;
}

buf case_hex(const vcase *c, const char *key)
{
    return bytes_of(case_text(c, key), 0);
}

buf case_bytes(const vcase *c, const char *text_key, const char *hex_key)
{
    int text = text_or_hex(c, text_key, hex_key);
    return bytes_of(case_text(c, text ? text_key : hex_key), text);
}

namelist case_names(const vcase *c)
{
    int text = text_or_hex(c, "names", "namesHex");
    namelist l = {0};
    size_t i;
    const json_t *e;
    json_array_foreach(take(c, text ? "names" : "namesHex"), i, e)
    {
        buf b = bytes_of(json_string_value(e), text);
        nl_add(&l, b.p, b.n);
        buf_free(&b);
    }
    return l;
}
