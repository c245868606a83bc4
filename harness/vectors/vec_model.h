/*
 * The vector runner's model of one test while it runs: the test as loaded (vec_case), its group (vec_group), what a
 * backend answered (vec_outcome), and where in the file the runner is (vec_where), for every error message.
 */
#ifndef ALPN_VEC_MODEL_H
#define ALPN_VEC_MODEL_H

#include <jansson.h>
#include <stddef.h>

#include "alpn.h"
#include "vec_buf.h"

/* The expectation of a test (FORMAT.md, "result"). */
typedef enum { RES_VALID = 0, RES_INVALID, RES_ACCEPTABLE } vec_expect;

typedef struct {
    long tcid;
    const char *comment, *result_text, *check; /* owned by the loaded JSON document */
    vec_expect result;
    json_t *flags;
    vbuf ext;                               /* list: ext; select: client; hformat: built from names; cross: ext */
    vbuf names;                             /* list: names; hparse: names; hformat: names */
    vbuf value;                             /* hparse: valueHex; hformat and cross: value */
    vbuf selected;                          /* select: selected name (as a names buffer of one) */
    int has_names, has_selected, has_value; /* the test gives names, a selected name, a value */
    long alert;
    long alert_also; /* list: another alert a receiver may send instead (alertAlso), -1 when none */
    int unencodable; /* hformat: the names have no extension_data form (a name over 255 octets) */
    vbuf canon;      /* altsvc: canonical value; svcb: canonical presentation */
    vbuf wire;       /* svcb: the alpn value in wire format */
    vbuf hdr;        /* svcb: the canonical ALPN header value */
} vec_case;

typedef struct {
    alpn_role role;    /* list */
    vbuf server_names; /* select: the server's list */
    alpn_name *server; /* select: the same names as libalpn takes them */
    size_t n_server;
    vbuf server_ext; /* select: the server list as extension_data, for adapters */
    int server_unencodable;
    int svcb_wire; /* svcb: the group's tests give wire values (else presentation values) */
} vec_group;

enum { OUT_OK = 0, OUT_ERR, OUT_SKIP };

typedef struct {
    int kind;
    vbuf data;  /* OUT_OK: names (list, select, hparse) or the value's octets (hformat) */
    long alert; /* OUT_ERR: TLS alert, -1 when not given */
    char check[64];
    char reason[200]; /* OUT_SKIP */
} vec_outcome;

/* Where the runner is, for messages: testGroups[gi].tests[ti] (tcId). */
typedef struct {
    const char *path;
    size_t gi, ti;
    long tcid; /* -1 outside a test */
    char *err;
    size_t errcap;
} vec_where;

/* Writes "PATH: testGroups[G].tests[T] (tcId N): what" (or the group's position outside a test) into w->err.
 * Returns -1, for `return vec_fail(...)`. */
int vec_fail(const vec_where *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An outcome emptied to an error without alert or check (OUT_ERR), and one set to a rejection. */
void outcome_reset(vec_outcome *o);
void outcome_error(vec_outcome *o, long alert, const char *check);

void vec_case_free(vec_case *c);
void vec_group_free(vec_group *g);

#endif
