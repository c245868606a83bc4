/*
 * Vector runner: loads one test-vector file (vectors/FORMAT.md) and runs every test against libalpn directly or
 * against an external adapter speaking the line protocol of FORMAT.md, counting passes, failures, skips and
 * lenient acceptances, with one note per test that did not simply pass.
 *
 * The pieces, one file each: vec_load (the file, validated before anything runs), vec_libalpn and vec_ask (the two
 * backends: libalpn in-process, the adapter's request and answer lines), vec_judge (each family's verdict),
 * vec_result (notes, counts and the JSON summary), vectors_adapter (the adapter process).
 */
#ifndef ALPN_VECTORS_RUN_H
#define ALPN_VECTORS_RUN_H

#include <stddef.h>
#include <stdio.h>

#include "vec_result.h"
#include "vectors_adapter.h"

#define VEC_FILE_MAX (64u * 1024u * 1024u) /* larger vector files are refused */

/* Loads path, validates the whole file against FORMAT.md, then runs every test against the adapter (NULL: libalpn
 * directly). Failure lines `tcId N (comment): expected ..., got ...` go to log (may be NULL). Returns 0 when the
 * file was run (res filled; failures are counted, not errors), or -1 with a message in err: unreadable file, over
 * VEC_FILE_MAX, not JSON, unknown schema or group type, a missing or malformed field, bad hex, or an adapter
 * error. res must be freed with vec_file_result_free in both cases. */
int vec_run_file(const char *path, vec_adapter *ad, FILE *log, vec_file_result *res, char *err, size_t errcap);

/* The vectors/ directory: $ALPNCHECK_VECTORS_DIR when set, else that of an installed alpncheck
 * (BINDIR/../share/alpncheck/vectors beside the running program) when it exists, written into buf, else the source
 * tree's, compiled in. The result is buf or a string that outlives the call. */
const char *vec_default_dir(char *buf, size_t cap);

#endif
