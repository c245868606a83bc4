/*
 * libalpn as the vector runner's in-process backend: each call answers one request of the adapter protocol
 * (vectors/FORMAT.md) as an outcome, with libalpn's alert and check ID on a rejection, so that libalpn is judged by
 * the same rules as an adapter, and more strictly (check IDs compared).
 */
#ifndef ALPN_VEC_LIBALPN_H
#define ALPN_VEC_LIBALPN_H

#include <stdint.h>

#include "alpn.h"
#include "vec_model.h"

/* list: validates ext in role; the names when valid. */
void vec_lib_list(const vbuf *ext, alpn_role role, vec_outcome *o);
/* select: the group's server list (server preference) against the client's offer; the selected name. */
void vec_lib_select(const vec_group *g, const vbuf *client_ext, vec_outcome *o);
/* hparse: the header value in mode; the names. scratch holds ALPN_EXT_MAX bytes. */
void vec_lib_hparse(const vbuf *value, alpn_hdr_mode mode, uint8_t *scratch, vec_outcome *o);
/* hformat: the header value of ext (vec_lib_hformat_ext), or of names encoded with alpn_list_encode, which
 * refuses invalid name lists (vec_lib_hformat_names). */
void vec_lib_hformat_ext(const vbuf *ext, vec_outcome *o);
void vec_lib_hformat_names(const vbuf *names, vec_outcome *o);

#endif
