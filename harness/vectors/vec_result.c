#include "vec_result.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"

void vec_file_result_free(vec_file_result *res)
{
    for (size_t i = 0; i < res->n_notes; i++) {
        vec_note *n = &res->notes[i];
        free(n->comment);
        free(n->result);
        free(n->check);
        free(n->flags);
        free(n->expected);
        free(n->got);
    }
    free(res->notes);
    free(res->path);
    free(res->schema);
    memset(res, 0, sizeof *res);
}

/* A skip: listed with its reason, and the reason counted in reasons. */
static void add_skip(json_t *o, const char *why, json_t *skips, json_t *reasons)
{
    json_object_set_new(o, "reason", esc_json_str(why));
    json_array_append_new(skips, o);
    char *key = esc_utf8_dup(why, strlen(why), NULL); /* an object key must be UTF-8 too */
    if (key != NULL) {
        json_t *c = json_object_get(reasons, key);
        json_object_set_new(reasons, key, json_integer(c ? json_integer_value(c) + 1 : 1));
        free(key);
    }
}

json_t *vec_file_result_json(const vec_file_result *res)
{
    /* Reasons, answers and check names come from the adapter, another program: esc_json keeps bytes that are not
     * UTF-8 from making jansson drop the field (or the whole summary). */
    json_t *fails = json_array(), *len = json_array(), *skips = json_array(), *reasons = json_object();
    for (size_t i = 0; i < res->n_notes; i++) {
        const vec_note *n = &res->notes[i];
        json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o}", "tcId", (json_int_t)n->tcid, "comment",
                              esc_json_str(n->comment), "result", esc_json_str(n->result), "check",
                              esc_json_str(n->check), "flags", esc_json_str(n->flags));
        if (n->kind == VEC_NOTE_SKIP) {
            add_skip(o, n->got ? n->got : "", skips, reasons);
            continue;
        }
        json_object_set_new(o, "expected", esc_json_str(n->expected ? n->expected : ""));
        json_object_set_new(o, "got", esc_json_str(n->got ? n->got : ""));
        json_array_append_new(n->kind == VEC_NOTE_FAIL ? fails : len, o);
    }
    return json_pack("{s:o, s:o, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "file", esc_json_str(res->path),
                     "schema", esc_json_str(res->schema), "family", vec_family_name(res->family), "passed",
                     (json_int_t)res->passed, "failed", (json_int_t)res->failed, "skipped", (json_int_t)res->skipped,
                     "lenient", (json_int_t)res->lenient, "failures", fails, "lenientTests", len, "skips", skips,
                     "skipReasons", reasons);
}
