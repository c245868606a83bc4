/*
 * What running one vector file gives: counts of passes, failures, skips and lenient acceptances, one note per test
 * that did not simply pass, and the JSON summary of `alpncheck vectors --json`.
 */
#ifndef ALPN_VEC_RESULT_H
#define ALPN_VEC_RESULT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "vectors_adapter.h"

typedef enum { VEC_NOTE_FAIL = 0, VEC_NOTE_LENIENT, VEC_NOTE_SKIP } vec_note_kind;

/* One test that failed, was accepted leniently, or was skipped. Strings are owned by the note. */
typedef struct {
    vec_note_kind kind;
    long tcid;
    char *comment;
    char *result;   /* "valid", "invalid", "acceptable" */
    char *check;    /* the test's check ID, or NULL */
    char *flags;    /* the test's flags joined with ",", or NULL when none */
    char *expected; /* FAIL and LENIENT: what the vector expects */
    char *got;      /* FAIL and LENIENT: what the backend answered; SKIP: the reason */
} vec_note;

typedef struct {
    char *path;
    char *schema;
    vec_family family;
    size_t passed, failed, skipped, lenient;
    vec_note *notes;
    size_t n_notes, cap_notes;
} vec_file_result;

void vec_file_result_free(vec_file_result *res);

/* {"file", "schema", "family", "passed", "failed", "skipped", "lenient", "failures": [...], "lenientTests": [...],
 *  "skips": [...], "skipReasons": {reason: count}}. */
json_t *vec_file_result_json(const vec_file_result *res);

#endif
