/* The QUIC carrier's packet parsers (harness/wire/quic_packet.c): the first byte picks the length of our connection
 * ID for short headers and the version whose Initial keys are tried; the rest is one datagram, walked packet by
 * packet as coalesced (RFC 9000 §12.2), each protected packet opened under Initial keys made from its own
 * Destination Connection ID (header protection and AEAD run on hostile bytes), its frames read when it opens.
 * Oracles: every packet makes progress and lies inside the datagram with its IDs, token, packet number and tag; an
 * opened payload lies inside its packet, its packet number below 2^62, every frame advances; a packet that opened
 * no longer opens with one byte of its tag changed; a Retry verifies only with the tag computed for the original
 * Destination Connection ID given; and sealing the input as a payload, then parsing and opening that packet, gives
 * the input back (then read as frames). */
#include <stdlib.h>
#include <string.h>

#include "quic.h"
#include "wire_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DATAGRAM_MAX 65536
static uint8_t dgram[DATAGRAM_MAX];
static uint8_t sealed[DATAGRAM_MAX + 64];
static uint8_t scratch[DATAGRAM_MAX]; /* a packet of the input, its tag changed */
static quic_keys round_trip_keys[2]; /* versions 1 and 2 */
static unsigned round_trip_ready;    /* bit per entry of round_trip_keys */

static int inside(const uint8_t *p, size_t len, const uint8_t *base, size_t size)
{
    return len == 0 || (p >= base && len <= size && (size_t)(p - base) <= size - len);
}

static void check_header(const quic_header *h, const uint8_t *pkt, size_t left)
{
    if (h->len == 0 || h->len > left || !inside(h->dcid, h->dcid_len, pkt, h->len) ||
        !inside(h->scid, h->scid_len, pkt, h->len) || !inside(h->token, h->token_len, pkt, h->len))
        abort();
    if (h->type == QUIC_PT_VERSION_NEGOTIATION && !inside(h->versions, 4 * h->n_versions, pkt, h->len))
        abort();
    if (h->type == QUIC_PT_RETRY && h->retry_tag != pkt + h->len - 16)
        abort();
    if (h->type != QUIC_PT_RETRY && h->type != QUIC_PT_VERSION_NEGOTIATION && h->pn_off > h->len)
        abort();
}

static void read_frames(const uint8_t *payload, size_t len, quic_ptype pt)
{
    wire_rd r;
    wire_rd_init(&r, payload, len);
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    size_t start = r.pos;
    int rc;
    while ((rc = quic_frame_next(&r, pt, &f, err)) == 1) {
        if (r.pos <= start)
            abort(); /* a frame that did not advance, the first one too */
        start = r.pos;
    }
    if (rc < 0 && err[0] == '\0')
        abort();
}

/* A packet that opened, as it came (orig), with one byte of its tag changed: it must not open (RFC 9001 §5.3). */
static void forged_tag_fails(const quic_keys *k, const uint8_t *orig, const quic_header *h, uint64_t pn)
{
    uint64_t pn2;
    size_t off, len;
    char err[QUIC_ERROR_MAX];
    memcpy(scratch, orig, h->len);
    scratch[h->len - 16 + pn % 16] ^= (uint8_t)(1u << (pn % 8));
    if (quic_open_packet(k, scratch, h, UINT64_MAX, &pn2, &off, &len, err) == 0)
        abort();
}

/* Opens pkt (the datagram's copy, opened in place) under the client's Initial keys of its own Destination
 * Connection ID; orig is the same packet in the input, untouched. */
static void try_open(uint8_t *pkt, const uint8_t *orig, const quic_header *h, uint32_t version)
{
    if (h->type != QUIC_PT_INITIAL && h->type != QUIC_PT_HANDSHAKE && h->type != QUIC_PT_SHORT &&
        h->type != QUIC_PT_0RTT)
        return;
    quic_keys k;
    uint32_t v = h->type == QUIC_PT_SHORT ? version : h->version;
    if (quic_initial_keys(v, h->dcid, h->dcid_len, WIRE_FROM_CLIENT, NULL, &k) != 0)
        return;
    uint64_t pn;
    size_t off, len;
    char err[QUIC_ERROR_MAX];
    if (quic_open_packet(&k, pkt, h, UINT64_MAX, &pn, &off, &len, err) != 0) {
        if (err[0] == '\0')
            abort();
        return;
    }
    /* RFC 9000 §17.1, §12.3: packet numbers are 0 to 2^62 - 1. */
    if (off > h->len || len > h->len - off || pn > QUIC_VARINT_MAX)
        abort();
    forged_tag_fails(&k, orig, h, pn);
    read_frames(pkt + off, len, h->type);
}

/* The input cannot hold the client's original Destination Connection ID a Retry's tag covers, so the tag is
 * rewritten for a fixed one: quic_retry_verify must accept exactly that tag for exactly that ID (RFC 9001 §5.8),
 * and refuse a Retry of a version without Retry keys. The packet as received must verify only if its tag is that. */
static void retry_tag_check(const uint8_t *pkt, const quic_header *h)
{
    static const uint8_t odcid[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    uint8_t tag[16];
    if (quic_retry_tag(h->version, odcid, sizeof odcid, pkt, h->len - 16, tag) != 0) {
        if (quic_retry_verify(pkt, h, odcid, sizeof odcid) != 0)
            abort();
        return;
    }
    if (quic_retry_verify(pkt, h, odcid, sizeof odcid) != (memcmp(tag, pkt + h->len - 16, 16) == 0))
        abort();
    memcpy(scratch, pkt, h->len - 16);
    memcpy(scratch + h->len - 16, tag, 16);
    if (quic_retry_verify(scratch, h, odcid, sizeof odcid) != 1 || quic_retry_verify(scratch, h, odcid, 7) != 0)
        abort();
    scratch[h->len - 1 - h->len % 16] ^= 0x80;
    if (quic_retry_verify(scratch, h, odcid, sizeof odcid) != 0)
        abort();
}

/* Seal the input as an Initial payload and open it again: the same bytes, then zero padding. */
static void round_trip(const uint8_t *data, size_t size, uint32_t version)
{
    static const uint8_t cid[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    size_t n = size > 1100 ? 1100 : size;
    /* The keys depend on the version alone here: derived once per process (HKDF would dominate every run). */
    int v2 = version == QUIC_V2;
    if (!(round_trip_ready & (1u << v2))) {
        if (quic_initial_keys(version, cid, sizeof cid, WIRE_FROM_CLIENT, NULL, &round_trip_keys[v2]) != 0)
            abort();
        round_trip_ready |= 1u << v2;
    }
    const quic_keys *kp = &round_trip_keys[v2];
    quic_packet_spec s = {.type = QUIC_PT_INITIAL, .version = version, .dcid = cid, .dcid_len = 8};
    wire_wr w;
    wire_wr_init(&w, sealed, sizeof sealed);
    if (quic_seal_packet(&w, kp, &s, n, quic_pn_size(n, UINT64_MAX), data, n, 1200) != 0 || w.len < 1200)
        abort();
    quic_header h;
    char err[QUIC_ERROR_MAX];
    uint64_t pn;
    size_t off, len;
    if (quic_parse_header(sealed, w.len, 0, &h, err) != 0 || h.len != w.len ||
        quic_open_packet(kp, sealed, &h, UINT64_MAX, &pn, &off, &len, err) != 0)
        abort();
    /* The padding compared in one memcmp: a byte loop over a thousand zeros, every comparison traced by the fuzzer's
     * instrumentation, was a third of the run. */
    static const uint8_t zeros[1200];
    if (pn != n || len < n || len - n > sizeof zeros || memcmp(sealed + off, data, n) != 0 ||
        memcmp(sealed + off + n, zeros, len - n) != 0)
        abort();
    /* The input, now an opened payload, as frames of an Initial. */
    read_frames(sealed + off, len, QUIC_PT_INITIAL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > DATAGRAM_MAX)
        return 0;
    size_t short_cid = data[0] % (QUIC_CID_MAX + 1);
    uint32_t version = (data[0] & 0x80) ? QUIC_V2 : QUIC_V1;
    size_t len = size - 1;
    memcpy(dgram, data + 1, len);
    size_t pos = 0;
    while (pos < len) {
        quic_header h;
        char err[QUIC_ERROR_MAX];
        if (quic_parse_header(dgram + pos, len - pos, short_cid, &h, err) != 0) {
            if (err[0] == '\0')
                abort();
            break;
        }
        check_header(&h, dgram + pos, len - pos);
        if (h.type == QUIC_PT_RETRY)
            retry_tag_check(dgram + pos, &h);
        try_open(dgram + pos, data + 1 + pos, &h, version);
        pos += h.len;
    }
    round_trip(data + 1, len, version);
    return 0;
}
