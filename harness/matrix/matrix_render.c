#include "matrix_render.h"

#include <stdarg.h>
#include <string.h>

const char *const mx_verdicts[MX_N_VERDICTS] = {"PASS", "FAIL", "WARN", "SKIP", "ERROR", "XFAIL", "XPASS"};

const char *mx_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* A report's strings reach class attributes only through this. */
const char *mx_known_verdict(const char *v)
{
    for (size_t i = 0; i < MX_N_VERDICTS; i++)
        if (strcmp(v, mx_verdicts[i]) == 0)
            return mx_verdicts[i];
    return NULL;
}

int mx_is_run(const json_t *peer)
{
    return strcmp(mx_str(peer, "status"), "run") == 0;
}

static long count(const json_t *peer, const char *v)
{
    return (long)json_integer_value(json_object_get(json_object_get(peer, "summary"), v));
}

void mx_peer_of(const json_t *peer, size_t index, mx_peer *out)
{
    *out = (mx_peer){.index = index,
                     .name = mx_str(peer, "name"),
                     .stack = mx_str(peer, "stack"),
                     .version = mx_str(peer, "version"),
                     .reason = mx_str(peer, "reason"),
                     .command = mx_str(peer, "command"),
                     .log = mx_str(peer, "log"),
                     .run = mx_is_run(peer),
                     .pass = count(peer, "PASS"),
                     .fail = count(peer, "FAIL"),
                     .warn = count(peer, "WARN"),
                     .skip = count(peer, "SKIP"),
                     .error = count(peer, "ERROR")};
}

const char *mx_cell_verdict(const json_t *peer, size_t j, const json_t **cell)
{
    *cell = json_array_get(json_object_get(peer, "cells"), j);
    if (*cell == NULL)
        return NULL;
    const char *v = mx_known_verdict(mx_str(*cell, "verdict"));
    return v ? v : "ERROR";
}

void mx_tls_label(const char *tls, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s", tls[0] ? "TLS " : "", tls[0] ? tls : "-");
}

void mx_printf(FILE *f, mx_escape esc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            fputc(*p, f);
            continue;
        }
        switch (*++p) {
        case 's':
            esc(f, va_arg(ap, const char *));
            break;
        case 'r':
            fputs(va_arg(ap, const char *), f);
            break;
        case 'z':
            fprintf(f, "%zu", va_arg(ap, size_t));
            break;
        case 'l':
            fprintf(f, "%ld", va_arg(ap, long));
            break;
        default: /* "%%", and a lone '%' at the end */
            fputc('%', f);
            if (*p == '\0')
                p--;
        }
    }
    va_end(ap);
}

/* ---- the walk ---------------------------------------------------------------------------------------------------- */

static void detail_of(const char *role, size_t i, size_t j, const json_t *col, const json_t *cell, mx_detail *d)
{
    const char *v = mx_known_verdict(mx_str(cell, "verdict"));
    *d = (mx_detail){.role = role,
                     .peer = i,
                     .col = j,
                     .verdict = mx_str(cell, "verdict"),
                     .known = v ? v : "ERROR",
                     .id = mx_str(col, "id"),
                     .title = mx_str(col, "title"),
                     .level = mx_str(col, "level"),
                     .ref = mx_str(col, "ref"),
                     .expected = mx_str(cell, "expected"),
                     .observed = mx_str(cell, "observed")};
    mx_tls_label(mx_str(col, "tls"), d->tls, sizeof d->tls);
}

/* A peer's entry in the details list: every non-PASS cell, or a line saying there is none. */
static void details_of_peer(FILE *f, const json_t *t, const json_t *p, const mx_peer *peer, const matrix_format *fmt)
{
    const char *role = mx_str(t, "role");
    int any = 0;
    size_t j;
    json_t *c;
    json_array_foreach(json_object_get(t, "columns"), j, c)
    {
        const json_t *cell = json_array_get(json_object_get(p, "cells"), j);
        if (cell == NULL || strcmp(mx_str(cell, "verdict"), "PASS") == 0)
            continue;
        mx_detail d;
        detail_of(role, peer->index, j, c, cell, &d);
        fmt->detail_cell(f, &d);
        any = 1;
    }
    if (!any)
        fputs(fmt->all_passed, f);
}

static void details(FILE *f, const json_t *t, const matrix_format *fmt)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(t, "peers"), i, p)
    {
        mx_peer peer;
        mx_peer_of(p, i, &peer);
        fmt->detail_peer(f, mx_str(t, "role"), &peer);
        if (peer.run)
            details_of_peer(f, t, p, &peer, fmt);
        else
            mx_printf(f, fmt->esc, fmt->detail_not_run, peer.reason);
        fputs(fmt->detail_peer_end, f);
    }
}

static void table(FILE *f, const json_t *t, const matrix_format *fmt)
{
    fmt->table_begin(f, t);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(t, "peers"), i, p)
    {
        mx_peer peer;
        mx_peer_of(p, i, &peer);
        if (peer.run)
            mx_printf(f, fmt->esc, fmt->summary_run, peer.name, peer.stack, peer.version, peer.pass, peer.fail,
                      peer.warn, peer.skip, peer.error);
        else
            mx_printf(f, fmt->esc, fmt->summary_not_run, peer.name, peer.stack, peer.version, peer.reason);
    }
    fputs(fmt->summary_end, f);
    if (fmt->grid(f, t))
        details(f, t, fmt);
    fputs(fmt->table_end, f);
}

int matrix_render(const json_t *m, FILE *f, const matrix_format *fmt)
{
    fmt->head(f, m);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(m, "tables"), i, t) table(f, t, fmt);
    fputs(fmt->tail, f);
    return ferror(f) ? -1 : 0;
}
