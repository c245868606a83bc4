#include "vec_text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "hex.h"

static void str_append(char *out, size_t cap, size_t *o, const char *s)
{
    int w = snprintf(out + *o, cap - *o, "%s", s);
    if (w > 0)
        *o = *o + (size_t)w < cap ? *o + (size_t)w : cap - 1;
}

/* Appends bytes escaped; stops with "..." when full. */
static void esc_append(char *out, size_t cap, size_t *o, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n && *o + 8 < cap; i++) {
        uint8_t c = p[i];
        if (c == '\\' || c == '"') {
            out[(*o)++] = '\\';
            out[(*o)++] = (char)c;
        } else if (c >= 0x20 && c < 0x7f) {
            out[(*o)++] = (char)c;
        } else {
            *o += hex_escape(c, out + *o);
        }
        out[*o] = '\0';
    }
    if (*o + 8 >= cap && *o + 4 <= cap)
        *o += (size_t)snprintf(out + *o, cap - *o, "...");
}

void join(char *out, size_t cap, ...)
{
    va_list ap;
    size_t o = 0;
    out[0] = '\0';
    va_start(ap, cap);
    for (const char *s = va_arg(ap, const char *); s != NULL; s = va_arg(ap, const char *))
        str_append(out, cap, &o, s);
    va_end(ap);
}

void desc_names(char *out, size_t cap, const char *prefix, const vbuf *names)
{
    size_t o = 0, pos = 0, n;
    const uint8_t *name;
    out[0] = '\0';
    str_append(out, cap, &o, prefix);
    str_append(out, cap, &o, "[");
    for (int first = 1; names_next(names, &pos, &name, &n); first = 0) {
        if (!first)
            str_append(out, cap, &o, ", ");
        esc_append(out, cap, &o, name, n);
    }
    str_append(out, cap, &o, "]");
}

void desc_value(char *out, size_t cap, const char *prefix, const vbuf *value)
{
    size_t o = 0;
    out[0] = '\0';
    str_append(out, cap, &o, prefix);
    str_append(out, cap, &o, "\"");
    esc_append(out, cap, &o, value->p, value->len);
    str_append(out, cap, &o, "\"");
}

void desc_error(char *out, size_t cap, long alert, const char *check)
{
    if (alert >= 0 && check != NULL && check[0] != '\0')
        snprintf(out, cap, "error %ld (%s)", alert, check);
    else if (alert >= 0)
        snprintf(out, cap, "error %ld", alert);
    else if (check != NULL && check[0] != '\0')
        snprintf(out, cap, "error %s", check);
    else
        snprintf(out, cap, "error");
}

void desc_outcome(char *out, size_t cap, const vec_outcome *o, int is_value)
{
    if (o->kind == OUT_ERR)
        desc_error(out, cap, o->alert, o->check);
    else if (o->kind == OUT_SKIP)
        snprintf(out, cap, "skip %s", o->reason);
    else
        desc_ok(out, cap, &o->data, is_value);
}

void desc_ok(char *out, size_t cap, const vbuf *exp, int is_value)
{
    if (exp == NULL)
        snprintf(out, cap, "ok");
    else if (is_value)
        desc_value(out, cap, "ok ", exp);
    else
        desc_names(out, cap, "ok ", exp);
}
