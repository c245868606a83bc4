#include "vec_libalpn.h"

#include <stdlib.h>

void vec_lib_list(const vbuf *ext, alpn_role role, vec_outcome *o)
{
    alpn_error err;
    outcome_reset(o);
    int rc = alpn_list_validate(ext->p, ext->len, role, NULL, &err);
    if (rc != ALPN_OK) {
        outcome_error(o, rc < ALPN_INTERNAL ? rc : -1, err.check);
        return;
    }
    o->kind = OUT_OK;
    names_put_ext(&o->data, ext->p, ext->len);
}

void vec_lib_select(const vec_group *g, const vbuf *client_ext, vec_outcome *o)
{
    alpn_error err;
    size_t sel = 0;
    outcome_reset(o);
    int rc = alpn_select(g->server, g->n_server, client_ext->p, client_ext->len, ALPN_PREFER_SERVER, &sel, NULL, &err);
    if (rc == ALPN_OK) {
        o->kind = OUT_OK;
        names_add(&o->data, g->server[sel].data, g->server[sel].len);
    } else {
        outcome_error(o, rc < ALPN_INTERNAL ? rc : -1, rc < ALPN_INTERNAL ? NULL : err.check);
    }
}

void vec_lib_hparse(const vbuf *value, alpn_hdr_mode mode, uint8_t *scratch, vec_outcome *o)
{
    alpn_error err;
    alpn_header_result res = {.ext = scratch, .ext_cap = ALPN_EXT_MAX};
    outcome_reset(o);
    int rc = alpn_header_parse((const char *)value->p, value->len, mode, &res, &err);
    if (rc != ALPN_OK) {
        outcome_error(o, -1, rc == ALPN_E_BUFFER ? "list over 65535 octets" : err.check);
        return;
    }
    o->kind = OUT_OK;
    names_put_ext(&o->data, scratch, res.ext_len);
}

void vec_lib_hformat_ext(const vbuf *ext, vec_outcome *o)
{
    alpn_error err;
    size_t need = 0;
    outcome_reset(o);
    int rc = alpn_header_format(ext->p, ext->len, NULL, 0, &need, &err);
    if (rc == ALPN_E_BUFFER) {
        char *buf = malloc(need);
        rc = buf != NULL ? alpn_header_format(ext->p, ext->len, buf, need, &need, &err) : ALPN_E_BUFFER;
        if (rc == ALPN_OK) {
            o->kind = OUT_OK;
            vbuf_put(&o->data, buf, need);
        }
        free(buf);
    } else if (rc == ALPN_OK) {
        o->kind = OUT_OK; /* empty output */
    }
    if (rc != ALPN_OK)
        outcome_error(o, -1, err.check);
}

void vec_lib_hformat_names(const vbuf *names, vec_outcome *o)
{
    size_t n = 0;
    alpn_name *arr = names_array(names, &n);
    outcome_reset(o);
    if (arr == NULL) {
        outcome_error(o, -1, "out of memory");
        return;
    }
    alpn_error err;
    size_t need = 0;
    int rc = alpn_list_encode(arr, n, NULL, 0, &need, &err);
    if (rc == ALPN_E_BUFFER) {
        uint8_t *buf = malloc(need);
        rc = buf != NULL ? alpn_list_encode(arr, n, buf, need, &need, &err) : ALPN_E_BUFFER;
        if (rc == ALPN_OK) {
            vbuf ext = {.p = buf, .len = need};
            vec_lib_hformat_ext(&ext, o);
        }
        free(buf);
    }
    if (rc != ALPN_OK)
        outcome_error(o, -1, err.check);
    free(arr);
}
