/* The frames of a QUIC handshake (RFC 9000 §19) and the reassembly of CRYPTO data (§19.6, §7.5). */
#include <stdio.h>
#include <string.h>

#include "quic.h"

static int fail(char *err, const char *what, uint64_t type, size_t off)
{
    snprintf(err, QUIC_ERROR_MAX, "%s (frame type 0x%llx at byte %zu)", what, (unsigned long long)type, off);
    return -1;
}

/* RFC 9000 §12.4 Table 3: the packet types each frame type may appear in (I, H, 0, 1). */
static int frame_allowed(uint64_t type, quic_ptype pt)
{
    switch (type) {
    case QUIC_FRAME_PADDING:
    case QUIC_FRAME_PING:
    case QUIC_FRAME_CLOSE:
        return 1;
    case QUIC_FRAME_ACK:
    case QUIC_FRAME_ACK_ECN:
    case QUIC_FRAME_CRYPTO:
        return pt != QUIC_PT_0RTT;
    case QUIC_FRAME_CLOSE_APP:
        return pt == QUIC_PT_0RTT || pt == QUIC_PT_SHORT;
    default: /* NEW_TOKEN, HANDSHAKE_DONE */
        return pt == QUIC_PT_SHORT;
    }
}

/* RFC 9000 §19.3, §19.3.1: every range must stay at or above packet number 0 (else FRAME_ENCODING_ERROR). */
static int read_ack(wire_rd *r, quic_frame *f, char *err)
{
    f->ack_largest = quic_rd_varint(r);
    f->ack_delay = quic_rd_varint(r);
    f->ack_ranges = quic_rd_varint(r);
    f->ack_first_range = quic_rd_varint(r);
    if (r->err)
        return fail(err, "truncated ACK frame", f->type, f->off);
    if (f->ack_first_range > f->ack_largest)
        return fail(err, "ACK First ACK Range below packet number 0", f->type, f->off);
    /* Each further range takes at least 2 bytes: a count the payload cannot hold is refused before the loop. */
    if (f->ack_ranges > wire_rd_left(r) / 2)
        return fail(err, "ACK Range Count beyond the packet", f->type, f->off);
    uint64_t smallest = f->ack_largest - f->ack_first_range;
    for (uint64_t i = 0; i < f->ack_ranges; i++) {
        uint64_t gap = quic_rd_varint(r), len = quic_rd_varint(r);
        if (r->err)
            return fail(err, "truncated ACK range", f->type, f->off);
        if (smallest < gap + 2 || smallest - gap - 2 < len)
            return fail(err, "ACK range below packet number 0", f->type, f->off);
        smallest = smallest - gap - 2 - len;
    }
    f->ack_smallest = smallest;
    if (f->type == QUIC_FRAME_ACK_ECN) {
        for (int i = 0; i < 3; i++)
            (void)quic_rd_varint(r);
        if (r->err)
            return fail(err, "truncated ACK ECN counts", f->type, f->off);
    }
    return 1;
}

/* A varint length and that many bytes into *data. 0 or -1. */
static int read_bytes(wire_rd *r, const uint8_t **data, size_t *len)
{
    uint64_t n = quic_rd_varint(r);
    if (r->err || n > wire_rd_left(r)) {
        r->err = 1;
        return -1;
    }
    *len = (size_t)n;
    *data = wire_rd_bytes(r, *len);
    return 0;
}

/* The length of the run of zero bytes at p. A client's Initial is padded to 1200 bytes (RFC 9000 §14.1): 256 bytes
 * (memcmp), then a word at a time, as a byte loop was most of what a fuzzer spent per packet, and every comparison
 * of a loop is traced in fuzzing builds. */
static size_t zero_run(const uint8_t *p, size_t len)
{
    static const uint8_t zeros[256];
    size_t n = 0;
    while (len - n >= sizeof zeros && memcmp(p + n, zeros, sizeof zeros) == 0)
        n += sizeof zeros;
    uint64_t w;
    while (len - n >= sizeof w && (memcpy(&w, p + n, sizeof w), w == 0))
        n += sizeof w;
    while (n < len && p[n] == 0)
        n++;
    return n;
}

static int read_body(wire_rd *r, quic_frame *f, char *err)
{
    switch (f->type) {
    case QUIC_FRAME_PADDING:
        /* A run of PADDING is one frame. */
        r->pos += zero_run(r->p + r->pos, wire_rd_left(r));
        return 1;
    case QUIC_FRAME_PING:
    case QUIC_FRAME_HANDSHAKE_DONE:
        return 1;
    case QUIC_FRAME_ACK:
    case QUIC_FRAME_ACK_ECN:
        return read_ack(r, f, err);
    case QUIC_FRAME_CRYPTO:
        f->crypto_off = quic_rd_varint(r);
        if (read_bytes(r, &f->data, &f->data_len) != 0)
            return fail(err, "CRYPTO data beyond the packet", f->type, f->off);
        /* RFC 9000 §19.6: offset + length above 2^62 - 1 is FRAME_ENCODING_ERROR (or CRYPTO_BUFFER_EXCEEDED). */
        if (f->data_len > QUIC_VARINT_MAX - f->crypto_off)
            return fail(err, "CRYPTO data ends beyond 2^62 - 1", f->type, f->off);
        return 1;
    case QUIC_FRAME_NEW_TOKEN:
        /* RFC 9000 §19.7: an empty token is FRAME_ENCODING_ERROR. The token itself is not used. */
        if (read_bytes(r, &f->data, &f->data_len) != 0 || f->data_len == 0)
            return fail(err, "NEW_TOKEN token empty or beyond the packet", f->type, f->off);
        return 1;
    default: /* CONNECTION_CLOSE 0x1c, 0x1d (RFC 9000 §19.19) */
        f->error_code = quic_rd_varint(r);
        if (f->type == QUIC_FRAME_CLOSE)
            f->frame_type = quic_rd_varint(r);
        if (read_bytes(r, &f->reason, &f->reason_len) != 0)
            return fail(err, "CONNECTION_CLOSE truncated or reason beyond the packet", f->type, f->off);
        return 1;
    }
}

int quic_frame_next(wire_rd *r, quic_ptype pt, quic_frame *f, char *err)
{
    memset(f, 0, sizeof *f);
    err[0] = '\0';
    if (r->err)
        return fail(err, "payload already unreadable", 0, r->pos);
    if (wire_rd_left(r) == 0)
        return 0;
    f->off = r->pos;
    f->type = quic_rd_varint(r);
    /* RFC 9000 §12.4: the frame type in its shortest encoding, else PROTOCOL_VIOLATION. */
    if (r->err || r->pos - f->off != quic_varint_size(f->type))
        return fail(err, "frame type not in its shortest encoding", f->type, f->off);
    int known = f->type <= QUIC_FRAME_ACK_ECN || f->type == QUIC_FRAME_CRYPTO || f->type == QUIC_FRAME_NEW_TOKEN ||
                (f->type >= QUIC_FRAME_CLOSE && f->type <= QUIC_FRAME_HANDSHAKE_DONE);
    if (!known)
        return fail(err, "frame type not handled by this carrier", f->type, f->off);
    /* RFC 9000 §12.4: a frame in a packet type that may not hold it is PROTOCOL_VIOLATION. */
    if (!frame_allowed(f->type, pt))
        return fail(err, "frame type not allowed in this packet type (RFC 9000 §12.4)", f->type, f->off);
    return read_body(r, f, err);
}

void quic_wr_ack(wire_wr *w, uint64_t largest, uint64_t ack_delay, uint64_t first_range)
{
    quic_wr_varint(w, QUIC_FRAME_ACK);
    quic_wr_varint(w, largest);
    quic_wr_varint(w, ack_delay);
    quic_wr_varint(w, 0); /* ACK Range Count: the first range only */
    quic_wr_varint(w, first_range);
}

void quic_wr_crypto(wire_wr *w, uint64_t offset, const uint8_t *data, size_t len)
{
    quic_wr_varint(w, QUIC_FRAME_CRYPTO);
    quic_wr_varint(w, offset);
    quic_wr_varint(w, len);
    wire_wr_bytes(w, data, len);
}

void quic_wr_close(wire_wr *w, uint64_t code, uint64_t frame_type)
{
    quic_wr_varint(w, QUIC_FRAME_CLOSE);
    quic_wr_varint(w, code);
    quic_wr_varint(w, frame_type);
    quic_wr_varint(w, 0);
}

void quic_crypto_init(quic_crypto_stream *s)
{
    s->base = 0;
    s->end = 0;
    memset(s->have, 0, sizeof s->have);
}

int quic_crypto_add(quic_crypto_stream *s, uint64_t off, const uint8_t *data, size_t len, char *err)
{
    err[0] = '\0';
    if (off > QUIC_VARINT_MAX || len > QUIC_VARINT_MAX - off) {
        snprintf(err, QUIC_ERROR_MAX, "CRYPTO data ends beyond 2^62 - 1 (RFC 9000 §19.6)");
        return -1;
    }
    uint64_t end = off + len;
    if (end <= s->base)
        return 0; /* all of it handed out already: a retransmission */
    /* RFC 9000 §7.5: data beyond what we buffer is CRYPTO_BUFFER_EXCEEDED. */
    if (end - s->base > QUIC_CRYPTO_WINDOW) {
        snprintf(err, QUIC_ERROR_MAX, "CRYPTO data up to offset %llu, beyond the %u bytes buffered (RFC 9000 §7.5)",
                 (unsigned long long)end, QUIC_CRYPTO_WINDOW);
        return -1;
    }
    /* RFC 9000 §2.2: different data at the same offset MAY be PROTOCOL_VIOLATION; we refuse it, and a refused frame
     * leaves the stream as it was. */
    size_t from = (size_t)((off < s->base ? s->base : off) - s->base), to = (size_t)(end - s->base);
    const uint8_t *src = data + (s->base + from - off);
    /* The byte loop only when some byte of the range is held: per-byte work is what fuzzing builds trace. */
    for (size_t i = memchr(s->have + from, 1, to - from) ? from : to; i < to; i++)
        if (s->have[i] && s->buf[i] != src[i - from]) {
            snprintf(err, QUIC_ERROR_MAX, "CRYPTO data at offset %llu differs from what was received before",
                     (unsigned long long)(s->base + i));
            return -1;
        }
    memcpy(s->buf + from, src, to - from);
    memset(s->have + from, 1, to - from);
    if (to > s->end)
        s->end = to;
    return 0;
}

size_t quic_crypto_take(quic_crypto_stream *s, uint8_t *out, size_t cap)
{
    size_t limit = cap < QUIC_CRYPTO_WINDOW ? cap : QUIC_CRYPTO_WINDOW;
    const uint8_t *gap = memchr(s->have, 0, limit);
    size_t n = gap != NULL ? (size_t)(gap - s->have) : limit;
    if (n == 0)
        return 0;
    memcpy(out, s->buf, n);
    /* have[n - 1] is set, so n <= end; nothing at or past end is set and nothing there needs moving. */
    memmove(s->buf, s->buf + n, s->end - n);
    memmove(s->have, s->have + n, s->end - n);
    memset(s->have + s->end - n, 0, n);
    s->end -= n;
    s->base += n;
    return n;
}
