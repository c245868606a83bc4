/*
 * Loading a vector file (vectors/FORMAT.md): the file itself (size, JSON, algorithm, schema, notes, testGroups),
 * then every group and test into the runner's model, with a precise message for the first thing that breaks the
 * format. The runner walks a file twice: once only validating (so that a malformed file never half-runs), then
 * running each test.
 */
#ifndef ALPN_VEC_LOAD_H
#define ALPN_VEC_LOAD_H

#include <jansson.h>
#include <stddef.h>

#include "vec_model.h"
#include "vectors_adapter.h"

struct vec_loader;

/* A schema of FORMAT.md: the family it holds (its "schema" and its groups' "type" are vec_families[family]'s), and
 * how one of its tests' family fields load (0, or -1 with a message in the loader). */
typedef struct {
    vec_family family;
    int (*load)(struct vec_loader *l, json_t *t, vec_case *c);
} vec_schema;

/* Reads path (a regular file of at most VEC_FILE_MAX bytes, JSON without duplicate keys) and checks the document's
 * head: an object with "algorithm": "ALPN", a known "schema", "notes" (an object) and "testGroups" (an array).
 * Returns the document with *schema set, or NULL with a message in err. */
json_t *vec_load_file(const char *path, const vec_schema **schema, char *err, size_t errcap);

/* The loader's state over one document: its position, the current group and test, scratch. */
typedef struct vec_loader {
    vec_where at;
    json_t *notes; /* the file's notes: every flag is one of its keys */
    long last_tcid;
    vec_group group;
    vec_case c;
    vbuf tmp;
} vec_loader;

/* Called for each test once its group and fields are loaded. Returns 0, or -1 with a message in l->at.err. */
typedef int (*vec_each_test)(void *ctx, const vec_loader *l);

/* Walks every group and test of root, loading each into l->group and l->c. Without each (the validation pass) it
 * also checks what FORMAT.md asks of the file as a whole: tcIds 1, 2, 3 ... in file order, flags that are keys of
 * the notes, and numberOfTests, when given, equal to the number of tests. Returns 0, or -1 with a message. */
int vec_load_walk(vec_loader *l, json_t *root, const vec_schema *s, vec_each_test each, void *ctx);

void vec_loader_free(vec_loader *l);

#endif
