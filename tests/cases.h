/*
 * Hand-picked unit cases as data: tests/cases/NAME.json is an array of objects, one case each, read by the test that
 * owns it. The cases are data because they are data: a reader (or another implementation) sees every input and its
 * expected outcome in one place, without C escapes or struct layouts, and the C test keeps only the assertions.
 *
 * Every accessor fails the calling test (a Criterion assertion) on a file that is missing or not an array of
 * objects, on an empty array (a table that tested nothing is not a pass), on a key of the wrong type and on a word
 * outside its list. Every accessor also marks the key it read: when the test moves on to the next case (cases_at),
 * closes the file (cases_close) or cases_run's per-case function returns, a key of the case that was never read
 * ("name" aside) fails the test, naming the file, the case and the key. So a typo in a case file never turns into a
 * case that silently asserts less, and a key that does not apply to a case cannot sit in it.
 *
 * One case file is open at a time (opening another abandons the first): the accessors take only the case, and find the
 * record of its keys through the open file. Criterion runs each test in its own process, so that is per test.
 */
#ifndef ALPN_TEST_CASES_H
#define ALPN_TEST_CASES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

typedef struct {
    json_t *root; /* the array */
    size_t n;     /* its length, at least 1 */
    char file[512];
    const json_t *current; /* the case cases_at gave last (NULL before the first) */
    json_t *unread;        /* its keys no accessor has read yet, "name" aside (an object used as a set) */
} case_file;

/* Loads $ALPN_SOURCE_DIR/tests/cases/<name>.json (strings may hold \u0000, which only the keys read with a length
 * or as bytes take: see case_text and case_bytes). */
void cases_open(case_file *f, const char *name);
/* Fails the test if the last case has a key never read; then releases the file. */
void cases_close(case_file *f);

/* Case i (i < f->n), after failing the test if the previous case has a key never read. The accessors below read
 * only the case cases_at gave last. */
json_t *cases_at(case_file *f, size_t i);

/* The case's "name" (every case file gives one), for messages. */
const char *case_name(const json_t *c);

/* A string member: NULL when the key is absent or JSON null; *len (if given) its length, NULs included. Without len
 * the caller takes a C string, so a string holding a NUL (\u0000) fails the test rather than be cut short. */
const char *case_text(const json_t *c, const char *key, size_t *len);

/* An integer member, or dflt when absent. */
long long case_int(const json_t *c, const char *key, long long dflt);

/* A string member that must be one of words[0..n): its index; when absent, dflt (a negative dflt: required). */
int case_word(const json_t *c, const char *key, const char *const *words, size_t n, int dflt);

/* A string member of hex digits (whitespace and ':' ignored) decoded into out: the byte count. */
size_t case_hex(const json_t *c, const char *key, uint8_t *out, size_t cap);

/* An array of strings (C strings: no NUL in them): up to max into out, the count returned (0 when absent). */
size_t case_texts(const json_t *c, const char *key, const char **out, size_t max);

#define CASE_WORD(c, key, words, dflt) case_word((c), (key), (words), sizeof(words) / sizeof((words)[0]), (dflt))

/* codes[i] for the required word words[i] under key: the word's value. words and codes must be arrays (not pointers)
 * of the same length, which the compiler checks (a static assertion), so a word added to one list and not the other
 * does not compile instead of indexing past the end. */
#define CASE_CODE(c, key, words, codes) ((codes)[CASE_WORD((c), (key), (words), -1) + CASE_SAME_LENGTH(words, codes)])
/* 0, when arrays a and b have as many elements; else a compile error. */
#define CASE_SAME_LENGTH(a, b)                                                                                         \
    (0 * sizeof(struct {                                                                                               \
         _Static_assert(sizeof(a) / sizeof((a)[0]) == sizeof(b) / sizeof((b)[0]), #a " and " #b " differ in length");  \
         int same;                                                                                                     \
     }))

/* Bytes given either as a string under key (text: NULs and controls as JSON escapes) or as hex under key "_hex" (for
 * bytes that are not UTF-8 text, which a JSON string cannot hold): copied into out, their count returned; (size_t)-1
 * when the case gives neither (giving both, or more than cap bytes, fails the test). */
size_t case_bytes(const json_t *c, const char *key, uint8_t *out, size_t cap);

/* The bytes case_bytes reads (under key or key "_hex"), NUL-terminated in buf, for a caller that takes a C string:
 * buf, or NULL when the case gives neither; a NUL among the bytes, or more than cap - 1 of them, fails the test. */
const char *case_bytes_str(const json_t *c, const char *key, char *buf, size_t cap);

/* Opens tests/cases/<name>.json, hands every case to check in file order, closes it: the loop every table test runs. */
void cases_run(const char *name, void (*check)(const json_t *c));

#endif
