#include "vec_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int vec_fail(const vec_where *w, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (w->tcid >= 0)
        snprintf(w->err, w->errcap, "%s: testGroups[%zu].tests[%zu] (tcId %ld): %s", w->path, w->gi, w->ti, w->tcid,
                 what);
    else
        snprintf(w->err, w->errcap, "%s: testGroups[%zu]: %s", w->path, w->gi, what);
    return -1;
}

void outcome_reset(vec_outcome *o)
{
    o->kind = OUT_ERR;
    o->data.len = 0;
    o->alert = -1;
    o->check[0] = '\0';
    o->reason[0] = '\0';
}

void outcome_error(vec_outcome *o, long alert, const char *check)
{
    outcome_reset(o);
    o->alert = alert;
    snprintf(o->check, sizeof o->check, "%s", check != NULL ? check : "");
}

void vec_case_free(vec_case *c)
{
    vbuf_free(&c->ext);
    vbuf_free(&c->names);
    vbuf_free(&c->value);
    vbuf_free(&c->selected);
    vbuf_free(&c->canon);
    vbuf_free(&c->wire);
    vbuf_free(&c->hdr);
}

void vec_group_free(vec_group *g)
{
    vbuf_free(&g->server_names);
    vbuf_free(&g->server_ext);
    free(g->server);
    g->server = NULL;
}
