/* QUIC variable-length integers (RFC 9000 §16) and packet numbers (RFC 9000 §17.1, Appendix A). */
#include "quic.h"

size_t quic_varint_size(uint64_t v)
{
    /* RFC 9000 §16 Table 4: 6, 14, 30 or 62 usable bits in 1, 2, 4 or 8 bytes. */
    if (v < 64)
        return 1;
    if (v < 16384)
        return 2;
    if (v < (UINT64_C(1) << 30))
        return 4;
    return v <= QUIC_VARINT_MAX ? 8 : 0;
}

void quic_wr_varint_n(wire_wr *w, uint64_t v, size_t size)
{
    size_t need = quic_varint_size(v);
    if (need == 0 || need > size || (size != 1 && size != 2 && size != 4 && size != 8)) {
        w->err = 1;
        return;
    }
    uint8_t *b = wire_wr_take(w, size);
    if (b == NULL)
        return;
    /* The two most significant bits of the first byte are log2 of the length (RFC 9000 §16). */
    unsigned prefix = size == 1 ? 0u : size == 2 ? 1u : size == 4 ? 2u : 3u;
    for (size_t i = 0; i < size; i++)
        b[i] = (uint8_t)(v >> (8 * (size - 1 - i)));
    b[0] = (uint8_t)(b[0] | prefix << 6);
}

void quic_wr_varint(wire_wr *w, uint64_t v)
{
    quic_wr_varint_n(w, v, quic_varint_size(v));
}

uint64_t quic_rd_varint(wire_rd *r)
{
    /* The first byte's two high bits give the length (RFC 9000 §16); one bounds check covers the whole number. */
    size_t left = wire_rd_left(r);
    size_t size = left > 0 ? (size_t)1 << (r->p[r->pos] >> 6) : 1;
    const uint8_t *p = wire_rd_bytes(r, size);
    if (p == NULL)
        return 0;
    uint64_t v = p[0] & 0x3fu;
    for (size_t i = 1; i < size; i++)
        v = v << 8 | p[i];
    return v;
}

size_t quic_pn_size(uint64_t pn, uint64_t largest_acked)
{
    /* RFC 9000 §17.1, Appendix A.2: room for twice the packets in flight, plus one bit. */
    uint64_t unacked = largest_acked == UINT64_MAX ? pn + 1 : pn - largest_acked;
    size_t bits = 0;
    while (bits < 64 && (unacked >> bits) != 0)
        bits++;
    size_t bytes = (bits + 1 + 7) / 8;
    return bytes < 1 ? 1 : bytes > 4 ? 4 : bytes;
}

uint64_t quic_pn_decode(uint64_t largest, uint64_t truncated, size_t pn_len)
{
    /* RFC 9000 Appendix A.3: the packet number closest to the next expected one whose low bits match. */
    uint64_t expected = largest == UINT64_MAX ? 0 : largest + 1;
    uint64_t win = UINT64_C(1) << (8 * pn_len), hwin = win / 2, mask = win - 1;
    uint64_t candidate = (expected & ~mask) | truncated;
    if (expected >= hwin && candidate <= expected - hwin && candidate < (UINT64_C(1) << 62) - win)
        return candidate + win;
    if (candidate > expected + hwin && candidate >= win)
        return candidate - win;
    return candidate;
}
