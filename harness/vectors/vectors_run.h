/*
 * Vector runner: loads one test-vector file (vectors/FORMAT.md) and runs every test against libalpn directly or
 * against an external adapter speaking the line protocol of FORMAT.md, counting passes, failures, skips and
 * lenient acceptances, with one note per test that did not simply pass.
 */
#ifndef ALPN_VECTORS_RUN_H
#define ALPN_VECTORS_RUN_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#define VEC_FILE_MAX    (64u * 1024u * 1024u) /* larger vector files are refused */
#define VEC_LINE_MAX    300000u               /* adapter protocol: longest line, newline excluded */
#define VEC_DEADLINE_MS 5000                  /* adapter protocol: every read (and write) completes within this */

typedef enum {
    VEC_FAM_LIST = 0, /* protocol_name_list.json */
    VEC_FAM_SELECT,   /* selection.json */
    VEC_FAM_HPARSE,   /* header_parse.json */
    VEC_FAM_HFORMAT,  /* header_format.json */
    VEC_FAM_CROSS,    /* cross_format.json */
    VEC_FAM_COUNT
} vec_family;

/* Short name of a family as the adapter protocol spells it ("list", "select", "hparse", "hformat", "cross"). */
const char *vec_family_name(vec_family f);

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

/* An external adapter process (FORMAT.md, "Adapter line protocol"). */
typedef struct vec_adapter vec_adapter;

/* Starts CMD with `sh -c` on pipes and reads its handshake line. Returns the adapter, or NULL with a message in
 * err (the child is then already killed and reaped). deadline_ms bounds every read and write (VEC_DEADLINE_MS). */
vec_adapter *vec_adapter_start(const char *cmd, int deadline_ms, char *err, size_t errcap);

/* The NAME of the handshake line, and whether it announced a family (cross: both hformat and hparse). */
const char *vec_adapter_name(const vec_adapter *ad);
int vec_adapter_has(const vec_adapter *ad, vec_family f);

/* Sends one request line (without newline) and returns the response line in *resp (NUL-terminated, owned by the
 * adapter, valid until the next call). Returns 0, or -1 with a message in err on a deadline, a dead adapter or an
 * overlong line; the adapter is unusable after an error. */
int vec_adapter_request(vec_adapter *ad, const char *line, size_t len, const char **resp, char *err, size_t errcap);

/* Sends `quit`, waits briefly for the adapter to exit, then kills its process group and reaps it; frees ad.
 * Returns 0 when it exited by itself with status 0, else -1. NULL is accepted. */
int vec_adapter_stop(vec_adapter *ad);

/* Loads path, validates the whole file against FORMAT.md, then runs every test against the adapter (NULL: libalpn
 * directly). Failure lines `tcId N (comment): expected ..., got ...` go to log (may be NULL). Returns 0 when the
 * file was run (res filled; failures are counted, not errors), or -1 with a message in err: unreadable file, over
 * VEC_FILE_MAX, not JSON, unknown schema or group type, a missing or malformed field, bad hex, or an adapter
 * error. res must be freed with vec_file_result_free in both cases. */
int vec_run_file(const char *path, vec_adapter *ad, FILE *log, vec_file_result *res, char *err, size_t errcap);

void vec_file_result_free(vec_file_result *res);

/* {"file", "schema", "family", "passed", "failed", "skipped", "lenient", "failures": [...], "lenientTests": [...],
 *  "skips": [...], "skipReasons": {reason: count}}. */
json_t *vec_file_result_json(const vec_file_result *res);

/* The vectors/ directory: $ALPNCHECK_VECTORS_DIR when set, else that of an installed alpncheck
 * (BINDIR/../share/alpncheck/vectors beside the running program) when it exists, else the source tree's, compiled
 * in. */
const char *vec_default_dir(void);

#endif
