/* Bounded cursor and writer: every peer-data parser of the wire engine reads through wire_rd. The byte-level steps
 * are inline in wire.h; the blocks, lists and length prefixes built on them are here. */
#include <string.h>

#include "wire.h"

wire_rd wire_rd_block(wire_rd *r, int prefix)
{
    wire_rd sub;
    size_t n = wire_rd_be(r, (size_t)prefix);
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
    *tag = (unsigned)wire_rd_be(list, (size_t)tag_bytes);
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

size_t wire_wr_open(wire_wr *w, int prefix)
{
    size_t start = w->len;
    wire_wr_be(w, 0, (size_t)prefix);
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
