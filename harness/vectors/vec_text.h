/*
 * The texts of the vector runner's notes, for people: "ok [h2, http/1.1]", "ok \"h2, http%2F1.1\"", "error 50
 * (SRV-MALFORMED-EMPTY-NAME)", "skip REASON". Every function writes a NUL-terminated string into out[0..cap),
 * truncated (names and values end with "..." when cut).
 */
#ifndef ALPN_VEC_TEXT_H
#define ALPN_VEC_TEXT_H

#include <stddef.h>

#include "vec_buf.h"
#include "vec_model.h"

#define DESC_MAX 240 /* room for one description */

/* Concatenates the strings up to a NULL. */
void join(char *out, size_t cap, ...);
/* PREFIX[name, name] with each name escaped (printable ASCII as is, '\\' and '"' escaped, others \xNN). */
void desc_names(char *out, size_t cap, const char *prefix, const vbuf *names);
/* PREFIX"value", escaped as names are. */
void desc_value(char *out, size_t cap, const char *prefix, const vbuf *value);
/* "error ALERT (CHECK)", leaving out an alert < 0 and a NULL or empty check. */
void desc_error(char *out, size_t cap, long alert, const char *check);
/* How an outcome looks: names for list/select/hparse, a value (is_value) for hformat. */
void desc_outcome(char *out, size_t cap, const vec_outcome *o, int is_value);
/* An expected acceptance: "ok" when exp is NULL (any output), else its names or value. */
void desc_ok(char *out, size_t cap, const vbuf *exp, int is_value);

#endif
