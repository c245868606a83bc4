/* The QUIC carrier's frame parser and CRYPTO reassembly (harness/wire/quic_frames.c): the first byte picks the packet
 * type (RFC 9000 §12.4 decides which frames are allowed; 0x80 and above: a 1-RTT payload read by
 * quic_frame_next_1rtt, with the frames of quic_frames_app.c), the rest is a packet payload. Every CRYPTO frame goes into
 * one stream, whose contiguous bytes are taken as they appear. Oracles: each frame makes progress and its data and
 * reason lie inside the payload; an ACK's smallest acknowledged number is not above its largest; a refusal says
 * why; the stream hands out no more bytes than the frames carried, never beyond 2^62, and what it hands out at an
 * offset is what a frame carried there; nothing is marked received past its end mark. */
#include <stdlib.h>
#include <string.h>

#include "quic.h"
#include "quic_restore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static quic_crypto_stream stream; /* emptied per input by crypto_clear; set up once */
static int stream_ready;
static uint8_t taken[QUIC_CRYPTO_WINDOW];

static int inside(const uint8_t *p, size_t len, const uint8_t *base, size_t size)
{
    return len == 0 || (p >= base && len <= size && (size_t)(p - base) <= size - len);
}

static void check_frame(const quic_frame *f, const uint8_t *payload, size_t len)
{
    if (!inside(f->data, f->data_len, payload, len) || !inside(f->reason, f->reason_len, payload, len))
        abort();
    if ((f->type == QUIC_FRAME_ACK || f->type == QUIC_FRAME_ACK_ECN) && f->ack_smallest > f->ack_largest)
        abort();
    if (f->type == QUIC_FRAME_CRYPTO && f->data_len > QUIC_VARINT_MAX - f->crypto_off)
        abort();
}

/* The stream's bytes taken so far must equal those of the frame at their offsets. reach: where the accepted frames
 * end, at most. */
static void feed(const quic_frame *f, uint64_t *handed, uint64_t *carried, uint64_t *reach)
{
    char err[QUIC_ERROR_MAX];
    if (quic_crypto_add(&stream, f->crypto_off, f->data, f->data_len, err) != 0) {
        if (err[0] == '\0')
            abort();
        return;
    }
    *carried += f->data_len;
    if (f->crypto_off + f->data_len > *reach)
        *reach = f->crypto_off + f->data_len;
    uint64_t before = stream.base;
    size_t n = quic_crypto_take(&stream, taken, sizeof taken);
    if (stream.base != before + n || stream.base > QUIC_VARINT_MAX)
        abort();
    *handed += n;
    for (size_t i = 0; i < n; i++) {
        uint64_t at = before + i;
        if (at >= f->crypto_off && at - f->crypto_off < f->data_len && taken[i] != f->data[at - f->crypto_off])
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int app = data[0] >= 0x80;
    quic_ptype pt = app ? QUIC_PT_SHORT : (quic_ptype)(data[0] % 5);
    const uint8_t *payload = data + 1;
    size_t len = size - 1;
    if (!stream_ready) {
        quic_crypto_init(&stream);
        stream_ready = 1;
    }
    crypto_clear(&stream);
    wire_rd r;
    wire_rd_init(&r, payload, len);
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    uint64_t handed = 0, carried = 0, reach = 0;
    int rc;
    while ((rc = app ? quic_frame_next_1rtt(&r, &f, err) : quic_frame_next(&r, pt, &f, err)) == 1) {
        if (r.pos <= f.off)
            abort();
        check_frame(&f, payload, len);
        if (f.type == QUIC_FRAME_CRYPTO)
            feed(&f, &handed, &carried, &reach);
    }
    if ((rc < 0 && err[0] == '\0') || handed > carried)
        abort();
    /* Nothing is marked received past the stream's end mark (what crypto_clear and quic_restore.h rely on). The
     * stream starts every input at offset 0 and a take only moves marks down, so every mark ever written lies below
     * where the frames reached (reach), in the window's coordinates too: a take that left the bytes it vacated
     * marked leaves them in [end, reach), not only below reach - base. */
    size_t hi = reach < QUIC_CRYPTO_WINDOW ? (size_t)reach : QUIC_CRYPTO_WINDOW;
    if (stream.end > QUIC_CRYPTO_WINDOW)
        abort();
    if (hi > stream.end && memchr(stream.have + stream.end, 1, hi - stream.end) != NULL)
        abort();
    return 0;
}
