/* QUIC packets (RFC 9000 §17): long and short headers, coalesced packets, Version Negotiation, Retry; sealing and
 * opening with packet and header protection (RFC 9001 §5.3, §5.4). */
#include <stdio.h>
#include <string.h>

#include "quic.h"
#include "quic_internal.h"

int quic_type_bits(uint32_t version, quic_ptype t)
{
    if (t > QUIC_PT_RETRY || !quic_version_known(version))
        return -1;
    /* RFC 9000 §17.2 Table 5: Initial 0, 0-RTT 1, Handshake 2, Retry 3; RFC 9369 §3.2: each one up in version 2
     * (Initial 1, 0-RTT 2, Handshake 3, Retry 0). */
    return version == QUIC_V2 ? (int)((t + 1) & 3) : (int)t;
}

static int fail(char *err, const char *what, size_t off)
{
    snprintf(err, QUIC_ERROR_MAX, "%s (at byte %zu)", what, off);
    return -1;
}

/* A connection ID; its length byte beyond max sets err. */
static const uint8_t *rd_cid(wire_rd *r, size_t *len, size_t max)
{
    *len = wire_rd_u8(r);
    if (*len > max)
        r->err = 1;
    return wire_rd_bytes(r, *len);
}

/* The part of a long header after the connection IDs, by packet type (RFC 9000 §17.2.2 to §17.2.5). */
static int long_rest(const uint8_t *p, wire_rd *r, quic_header *h, char *err)
{
    if (h->type == QUIC_PT_RETRY) {
        /* RFC 9000 §17.2.5: Retry Token up to the 16-byte tag, which ends the datagram. */
        if (wire_rd_left(r) < 16)
            return fail(err, "Retry packet shorter than its integrity tag", r->pos);
        h->token = p + r->pos;
        h->token_len = wire_rd_left(r) - 16;
        h->retry_tag = p + r->len - 16;
        h->len = r->len;
        return 0;
    }
    if (h->type == QUIC_PT_INITIAL) {
        uint64_t token_len = quic_rd_varint(r);
        if (r->err || token_len > wire_rd_left(r))
            return fail(err, "Initial token length beyond the datagram", r->pos);
        h->token_len = (size_t)token_len;
        h->token = wire_rd_bytes(r, h->token_len);
    }
    uint64_t length = quic_rd_varint(r);
    if (r->err)
        return fail(err, "truncated Length field", r->pos);
    if (length > wire_rd_left(r))
        return fail(err, "Length beyond the datagram", r->pos);
    h->pn_off = r->pos;
    h->len = r->pos + (size_t)length;
    return 0;
}

static int parse_long(const uint8_t *p, size_t len, quic_header *h, char *err)
{
    wire_rd r;
    wire_rd_init(&r, p, len);
    unsigned first = wire_rd_u8(&r);
    uint32_t version = (uint32_t)wire_rd_u16(&r) << 16;
    version |= wire_rd_u16(&r);
    h->version = version;
    if (r.err)
        return fail(err, "truncated long header", len);
    if (version != 0 && !quic_version_known(version))
        return fail(err, "long header of an unknown version", 1);
    /* RFC 9000 §17.2: version 1 connection IDs are at most 20 bytes (RFC 9369 keeps it); Version Negotiation echoes
     * IDs of any length (§17.2.1). */
    size_t max = version == 0 ? 255 : QUIC_CID_MAX;
    h->dcid = rd_cid(&r, &h->dcid_len, max);
    h->scid = rd_cid(&r, &h->scid_len, max);
    if (h->dcid_len > max || h->scid_len > max)
        return fail(err, "connection ID longer than 20 bytes", 5);
    if (r.err)
        return fail(err, "truncated long header", len);
    if (version == 0) {
        /* RFC 9000 §17.2.1: Version Negotiation; the rest of the datagram lists 32-bit versions. */
        h->type = QUIC_PT_VERSION_NEGOTIATION;
        if (wire_rd_left(&r) == 0 || wire_rd_left(&r) % 4 != 0)
            return fail(err, "Version Negotiation list empty or not whole 32-bit versions", r.pos);
        h->versions = p + r.pos;
        h->n_versions = wire_rd_left(&r) / 4;
        h->len = len;
        return 0;
    }
    /* RFC 9000 §17.2: a zero Fixed Bit is not a packet of this version. */
    if (!(first & 0x40))
        return fail(err, "Fixed Bit is 0", 0);
    /* The inverse of quic_type_bits (RFC 9000 §17.2 Table 5; RFC 9369 §3.2 moves each type one up in version 2). */
    unsigned bits = (first >> 4) & 3;
    h->type = (quic_ptype)(version == QUIC_V2 ? (bits + 3) & 3 : bits);
    return long_rest(p, &r, h, err);
}

int quic_parse_header(const uint8_t *p, size_t len, size_t short_dcid_len, quic_header *h, char *err)
{
    memset(h, 0, sizeof *h);
    err[0] = '\0';
    if (len == 0)
        return fail(err, "empty packet", 0);
    if (p[0] & 0x80)
        return parse_long(p, len, h, err);
    /* RFC 9000 §17.3.1: 1-RTT; the Destination Connection ID has the length we chose, the packet fills the rest. */
    if (!(p[0] & 0x40))
        return fail(err, "Fixed Bit is 0", 0);
    if (short_dcid_len > QUIC_CID_MAX || len < 1 + short_dcid_len)
        return fail(err, "short header shorter than its connection ID", len);
    h->type = QUIC_PT_SHORT;
    h->dcid = p + 1;
    h->dcid_len = short_dcid_len;
    h->pn_off = 1 + short_dcid_len;
    h->len = len;
    return 0;
}

/* Header protection (RFC 9001 §5.4.1): the sample is the 16 bytes from 4 bytes after the packet number's start; the
 * mask covers the low bits of the first byte (4 for long, 5 for short headers) and the packet number bytes, whose
 * count is in the first byte: read before masking when protecting, after when removing. Returns that count. */
static size_t header_protect(const quic_keys *k, uint8_t *pkt, size_t pn_off, int removing)
{
    uint8_t mask[5];
    quic_hp_mask(k, pkt + pn_off + 4, mask);
    size_t pn_len = (size_t)(pkt[0] & 3) + 1;
    pkt[0] ^= mask[0] & ((pkt[0] & 0x80) ? 0x0f : 0x1f);
    if (removing)
        pn_len = (size_t)(pkt[0] & 3) + 1;
    for (size_t i = 0; i < pn_len; i++)
        pkt[pn_off + i] ^= mask[1 + i];
    return pn_len;
}

/* The header up to the Length field (long) or the packet number (short). 0 or -1. */
static int write_header(wire_wr *w, const quic_packet_spec *s, size_t pn_len)
{
    if (s->type == QUIC_PT_SHORT) {
        /* RFC 9000 §17.3.1: Header Form 0, Fixed Bit 1, spin and key phase 0, reserved 0, packet number length. */
        wire_wr_u8(w, 0x40u | (unsigned)(pn_len - 1));
        wire_wr_bytes(w, s->dcid, s->dcid_len);
        return 0;
    }
    int bits = quic_type_bits(s->version, s->type);
    if (bits < 0 || s->type == QUIC_PT_RETRY)
        return -1;
    /* RFC 9000 §17.2: Header Form 1, Fixed Bit 1, type, reserved 0, packet number length. */
    wire_wr_u8(w, 0xc0u | (unsigned)bits << 4 | (unsigned)(pn_len - 1));
    wire_wr_be(w, s->version, 4);
    wire_wr_u8(w, (unsigned)s->dcid_len);
    wire_wr_bytes(w, s->dcid, s->dcid_len);
    wire_wr_u8(w, (unsigned)s->scid_len);
    wire_wr_bytes(w, s->scid, s->scid_len);
    if (s->type == QUIC_PT_INITIAL) {
        quic_wr_varint(w, s->token_len);
        wire_wr_bytes(w, s->token, s->token_len);
    }
    return 0;
}

int quic_seal_packet(wire_wr *w, const quic_keys *k, const quic_packet_spec *s, uint64_t pn, size_t pn_len,
                     const uint8_t *payload, size_t payload_len, size_t min_len)
{
    if (pn_len < 1 || pn_len > 4 || s->dcid_len > QUIC_CID_MAX || s->scid_len > QUIC_CID_MAX)
        return -1;
    size_t start = w->len;
    if (write_header(w, s, pn_len) != 0)
        return -1;
    int is_long = s->type != QUIC_PT_SHORT;
    /* RFC 9001 §5.4.2: the packet number and payload together at least 4 bytes, so that the sample exists; then
     * PADDING (zero bytes) up to min_len (RFC 9000 §14.1 for a client's Initial datagram). */
    size_t plen = payload_len < 4 - pn_len ? 4 - pn_len : payload_len;
    size_t fixed = w->len - start + (is_long ? 2 : 0) + pn_len + 16;
    if (fixed + plen < min_len)
        plen = min_len - fixed;
    if (is_long)
        quic_wr_varint_n(w, pn_len + plen + 16, 2);
    size_t pn_off = w->len - start;
    wire_wr_be(w, (uint32_t)pn, pn_len); /* its low pn_len bytes (RFC 9000 §17.1) */
    size_t body = w->len;
    wire_wr_bytes(w, payload, payload_len);
    /* PADDING, then room for the tag: zeros in one go (a byte at a time cost more than the AEAD). */
    size_t zeros = plen - payload_len + 16;
    uint8_t *pad = wire_wr_take(w, zeros);
    if (pad == NULL)
        return -1;
    memset(pad, 0, zeros);
    giovec_t ad = {w->p + start, body - start};
    if (quic_payload_aead(k, 1, pn, &ad, 1, w->p + body, plen, w->p + body + plen) != 0)
        return -1;
    header_protect(k, w->p + start, pn_off, 0);
    return 0;
}

int quic_open_packet(const quic_keys *k, uint8_t *pkt, const quic_header *h, uint64_t largest, uint64_t *pn,
                     size_t *payload_off, size_t *payload_len, char *err)
{
    err[0] = '\0';
    if (h->type == QUIC_PT_RETRY || h->type == QUIC_PT_VERSION_NEGOTIATION)
        return fail(err, "packet type without protected payload", 0);
    /* RFC 9001 §5.4.2: a packet too short for the 16-byte sample 4 bytes after the packet number's start. */
    if (h->len < h->pn_off + 4 + 16)
        return fail(err, "packet too short to sample for header protection", h->len);
    size_t pn_len = header_protect(k, pkt, h->pn_off, 1);
    uint64_t truncated = 0;
    for (size_t i = 0; i < pn_len; i++)
        truncated = truncated << 8 | pkt[h->pn_off + i];
    *pn = quic_pn_decode(largest, truncated, pn_len);
    size_t body = h->pn_off + pn_len;
    giovec_t ad = {pkt, body};
    if (quic_payload_aead(k, 0, *pn, &ad, 1, pkt + body, h->len - body - 16, pkt + h->len - 16) != 0)
        return fail(err, "packet does not open (AEAD tag, RFC 9001 §5.3)", body);
    /* RFC 9000 §17.2, §17.3.1: reserved bits that are not 0 once protection is removed: PROTOCOL_VIOLATION. */
    if (pkt[0] & ((pkt[0] & 0x80) ? 0x0cu : 0x18u))
        return fail(err, "reserved header bits set (RFC 9000 §17.2)", 0);
    /* RFC 9000 §12.4: a packet holds at least one frame. */
    if (h->len - body - 16 == 0)
        return fail(err, "packet without frames (RFC 9000 §12.4)", body);
    *payload_off = body;
    *payload_len = h->len - body - 16;
    return 0;
}

int quic_retry_verify(const uint8_t *pkt, const quic_header *h, const uint8_t *odcid, size_t odcid_len)
{
    uint8_t tag[16];
    if (h->type != QUIC_PT_RETRY || h->len < 16 ||
        quic_retry_tag(h->version, odcid, odcid_len, pkt, h->len - 16, tag) != 0)
        return 0;
    return memcmp(tag, pkt + h->len - 16, 16) == 0;
}
