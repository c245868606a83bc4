/*
 * The external adapter of `alpncheck vectors --exec CMD` (vectors/FORMAT.md, "Adapter line protocol"): a child
 * process that announces the families it answers and then gets one request line and gives one answer line per test.
 */
#ifndef ALPN_VECTORS_ADAPTER_H
#define ALPN_VECTORS_ADAPTER_H

#include <stddef.h>
#include "vec_buf.h"
#include "vec_families.h"

#define VEC_LINE_MAX    300000u /* adapter protocol: longest line, newline excluded */
#define VEC_DEADLINE_MS 5000    /* adapter protocol: every read (and write) completes within this */

/* Short name of a family as the adapter protocol spells it (vec_families[f].name), or "?" for no family. */
const char *vec_family_name(vec_family f);

typedef struct vec_adapter vec_adapter;

/* Starts CMD with `sh -c` on pipes and reads its handshake line. Returns the adapter, or NULL with a message in
 * err (the child is then already killed and reaped). deadline_ms bounds every read and write (VEC_DEADLINE_MS). */
vec_adapter *vec_adapter_start(const char *cmd, int deadline_ms, char *err, size_t errcap);

/* The NAME of the handshake line, and whether it announced a family (cross: both hformat and hparse). */
const char *vec_adapter_name(const vec_adapter *ad);
int vec_adapter_has(const vec_adapter *ad, vec_family f);
/* The protocol IDs whose Alt-Svc alternatives the adapter's implementation keeps (announced as `altsvc=HEX:...`), as
 * a names buffer (vec_buf.h), or NULL when it announced plain `altsvc` (it keeps every alternative). */
const vbuf *vec_adapter_altsvc_known(const vec_adapter *ad);


/* Sends one request line (without newline) and returns the response line in *resp (NUL-terminated, owned by the
 * adapter, valid until the next call). Returns 0, or -1 with a message in err on a deadline, a dead adapter or an
 * overlong line; the adapter is unusable after an error. */
int vec_adapter_request(vec_adapter *ad, const char *line, size_t len, const char **resp, char *err, size_t errcap);

/* Sends `quit`, waits briefly for the adapter to exit, then kills its process group and reaps it; frees ad.
 * Returns 0 when it exited by itself with status 0, else -1. NULL is accepted. */
int vec_adapter_stop(vec_adapter *ad);

#endif
