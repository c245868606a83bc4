/*
 * Judging one test (vectors/FORMAT.md): the backend (libalpn, or the adapter through vec_ask) answers, and the
 * answer is held against the test's expectation:
 *   valid       the backend accepts and produces exactly the expected output;
 *   invalid     the backend rejects (libalpn: with the expected alert and check ID; adapters: the alert, for the
 *               TLS families);
 *   acceptable  rejecting passes; accepting (with exactly the expected names, where the file gives them) is
 *               counted as a lenient acceptance, not as a failure.
 * Every verdict is counted in the file's result, with a note for each test that did not simply pass.
 */
#ifndef ALPN_VEC_JUDGE_H
#define ALPN_VEC_JUDGE_H

#include <stdint.h>
#include <stdio.h>

#include "vec_ask.h"
#include "vec_model.h"
#include "vec_result.h"
#include "vectors_adapter.h"

typedef struct {
    vec_family family;
    vec_adapter *ad; /* NULL: libalpn */
    FILE *log;       /* failure lines, or NULL */
    vec_file_result *res;
    const vec_case *c; /* the test being judged */
    vec_asker ask;
    vec_outcome got, got2;
    vbuf tmp;
    uint8_t *hdr_ext; /* alpn_header_parse output (ALPN_EXT_MAX bytes) */
} vec_judge;

/* Prepares to judge the tests of one file of family. 0, or -1 with "out of memory" in at's message buffer. */
int vec_judge_init(vec_judge *j, vec_family family, vec_adapter *ad, FILE *log, vec_file_result *res,
                   const vec_where *at);
/* Runs test c of group g and counts its verdict. 0, or -1 with a message (an adapter failure). */
int vec_judge_test(vec_judge *j, const vec_group *g, const vec_case *c);
void vec_judge_free(vec_judge *j);

/* ---- for the families' files (vec_judge.c, vec_judge_header.c) ----------------------------------------------------
 */

/* Counts a pass, or a note: FAIL and LENIENT with what was expected and what came; SKIP with the reason. A FAIL also
 * goes to the log as `  tcId N (comment): expected E, got G`. */
void judge_pass(vec_judge *j);
void judge_note(vec_judge *j, vec_note_kind kind, const char *expected, const char *got);
void judge_skip(vec_judge *j, const char *reason);
/* The accept-or-reject judgement the families share: exp_ok is the expected output when accepting is right (valid;
 * acceptable with names; NULL: any output), exp_alert and exp_check the expected rejection (check compared only
 * with compare_check). is_value: outputs are a value (hformat), not names. */
void judge_outcome(vec_judge *j, const vec_outcome *got, const vbuf *exp_ok, long exp_alert, const char *exp_check,
                   int compare_check, int is_value);
int judge_hparse(vec_judge *j);
int judge_cross(vec_judge *j);
/* vec_judge_text.c: Alt-Svc and SVCB alpn against libalpn; vec_judge_remote.c: the same families for an adapter. */
int judge_altsvc(vec_judge *j);
int judge_svcb(vec_judge *j, const vec_group *g);
int judge_altsvc_adapter(vec_judge *j);
int judge_svcb_adapter(vec_judge *j, const vec_group *g);

#endif
