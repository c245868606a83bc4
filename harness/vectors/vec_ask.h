/*
 * The runner's side of the adapter line protocol (vectors/FORMAT.md): one request line per question, the answer
 * line parsed into an outcome. An answer that breaks the protocol is an error of the run, never a verdict.
 */
#ifndef ALPN_VEC_ASK_H
#define ALPN_VEC_ASK_H

#include "alpn.h"
#include "vec_model.h"
#include "vectors_adapter.h"

typedef struct {
    vec_adapter *ad;
    const vec_where *at; /* for messages */
    vbuf line, tok;      /* the request being built; one decoded hex field of the answer */
} vec_asker;

/* Each asks one question about test tcid and reads the answer into o: `list TCID client|server EXT`, `select TCID
 * SERVEREXT CLIENTEXT`, `hparse TCID strict|lenient VALUE`, `hformat TCID EXT`. A request over VEC_LINE_MAX is not
 * sent: o is a skip saying so. Returns 0, or -1 with a message on an adapter failure, a garbled answer or when out
 * of memory. */
int vec_ask_list(vec_asker *a, long tcid, alpn_role role, const vbuf *ext, vec_outcome *o);
int vec_ask_select(vec_asker *a, long tcid, const vbuf *server_ext, const vbuf *client_ext, vec_outcome *o);
int vec_ask_hparse(vec_asker *a, long tcid, int strict, const vbuf *value, vec_outcome *o);
int vec_ask_hformat(vec_asker *a, long tcid, const vbuf *ext, vec_outcome *o);
/* `svcbparse TCID PRESENTATION` (ok: the wire value), `svcbprint TCID WIRE` (ok: a presentation value) and `altsvc
 * TCID VALUE` (ok: one record per alternative kept, each as a name of o->data: see FORMAT.md). */
int vec_ask_svcbparse(vec_asker *a, long tcid, const vbuf *presentation, vec_outcome *o);
int vec_ask_svcbprint(vec_asker *a, long tcid, const vbuf *wire, vec_outcome *o);
int vec_ask_altsvc(vec_asker *a, long tcid, const vbuf *value, vec_outcome *o);

void vec_asker_free(vec_asker *a);

#endif
