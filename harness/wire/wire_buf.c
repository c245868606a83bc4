/* Bounded cursor and writer: every peer-data parser of the wire engine reads through wire_rd. */
#include <string.h>

#include "wire.h"

void wire_rd_init(wire_rd *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = p ? len : 0;
    r->pos = 0;
    r->err = 0;
}

size_t wire_rd_left(const wire_rd *r)
{
    return r->err ? 0 : r->len - r->pos;
}

const uint8_t *wire_rd_bytes(wire_rd *r, size_t n)
{
    if (r->err || n > r->len - r->pos) {
        r->err = 1;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

static uint32_t rd_be(wire_rd *r, size_t n)
{
    const uint8_t *p = wire_rd_bytes(r, n);
    uint32_t v = 0;
    for (size_t i = 0; p != NULL && i < n; i++)
        v = v << 8 | p[i];
    return v;
}

unsigned wire_rd_u8(wire_rd *r)
{
    return (unsigned)rd_be(r, 1);
}

unsigned wire_rd_u16(wire_rd *r)
{
    return (unsigned)rd_be(r, 2);
}

uint32_t wire_rd_u24(wire_rd *r)
{
    return rd_be(r, 3);
}

wire_rd wire_rd_block(wire_rd *r, int prefix)
{
    wire_rd sub;
    size_t n = rd_be(r, (size_t)prefix);
    const uint8_t *p = wire_rd_bytes(r, n);
    wire_rd_init(&sub, p, n);
    sub.err = p == NULL;
    return sub;
}

int wire_rd_entry(wire_rd *list, int tag_bytes, unsigned *tag, wire_rd *body)
{
    if (list->err)
        return -1;
    if (wire_rd_left(list) == 0)
        return 0;
    *tag = (unsigned)rd_be(list, (size_t)tag_bytes);
    *body = wire_rd_block(list, 2);
    return list->err ? -1 : 1;
}

int wire_rd_extension(wire_rd *exts, unsigned *type, wire_rd *data)
{
    return wire_rd_entry(exts, 2, type, data);
}

int wire_rd_last_block(wire_rd *r, wire_rd *exts)
{
    *exts = wire_rd_block(r, 2);
    return r->err || wire_rd_left(r) != 0 ? -1 : 0;
}

int wire_rd_hello_extensions(wire_rd *r, wire_rd *exts)
{
    if (wire_rd_left(r) > 0)
        return wire_rd_last_block(r, exts);
    wire_rd_init(exts, NULL, 0);
    return r->err ? -1 : 0;
}

void wire_wr_init(wire_wr *w, uint8_t *p, size_t cap)
{
    w->p = p;
    w->cap = cap;
    w->len = 0;
    w->err = 0;
}

void wire_wr_bytes(wire_wr *w, const void *p, size_t n)
{
    if (w->err || n > w->cap - w->len) {
        w->err = 1;
        return;
    }
    if (n > 0)
        memcpy(w->p + w->len, p, n);
    w->len += n;
}

static void wr_be(wire_wr *w, uint32_t v, size_t n)
{
    uint8_t b[4];
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    wire_wr_bytes(w, b, n);
}

void wire_wr_u8(wire_wr *w, unsigned v)
{
    wr_be(w, v, 1);
}

void wire_wr_u16(wire_wr *w, unsigned v)
{
    wr_be(w, v, 2);
}

void wire_wr_u24(wire_wr *w, uint32_t v)
{
    wr_be(w, v, 3);
}

size_t wire_wr_open(wire_wr *w, int prefix)
{
    size_t start = w->len;
    wr_be(w, 0, (size_t)prefix);
    return start;
}

void wire_wr_close(wire_wr *w, size_t start, int prefix)
{
    if (w->err)
        return;
    size_t n = w->len - start - (size_t)prefix;
    if (n >> (8 * prefix) != 0) {
        w->err = 1;
        return;
    }
    for (int i = 0; i < prefix; i++)
        w->p[start + (size_t)i] = (uint8_t)(n >> (8 * (prefix - 1 - i)));
}

void wire_wr_extension(wire_wr *w, unsigned type, const uint8_t *data, size_t len)
{
    /* RFC 8446 §4.2: extension_data<0..2^16-1>. */
    if (len > 0xffff) {
        w->err = 1;
        return;
    }
    wire_wr_u16(w, type);
    wire_wr_u16(w, (unsigned)len);
    wire_wr_bytes(w, data, len);
}
