/*
 * restore.h for the QUIC connection objects (quic_server.h, quic_client.h): a megabyte each, 900 KiB of it the
 * packet number spaces' CRYPTO streams and message readers, plus the TLS object's outbox. A plan lists their large
 * buffers with what the template holds in them; quic_restore copies the rest and that.
 */
#ifndef FUZZ_QUIC_RESTORE_H
#define FUZZ_QUIC_RESTORE_H

#include "quic_spaces.h"
#include "restore.h"

#define QUIC_RESTORE_RANGES 16

typedef struct {
    restore_range r[QUIC_RESTORE_RANGES];
    size_t n;
} quic_restore_plan;

/* Ranges go in ascending order: a plan out of order or too long is a bug of the target. */
static void plan_add(quic_restore_plan *p, size_t off, size_t size, size_t keep)
{
    if (p->n == QUIC_RESTORE_RANGES || keep > size || (p->n > 0 && off < p->r[p->n - 1].off + p->r[p->n - 1].size))
        abort();
    p->r[p->n++] = (restore_range){off, size, keep};
}

/* The template's outbox ob, at offset base of the object. */
static void plan_outbox(quic_restore_plan *p, size_t base, const wire_outbox *ob)
{
    plan_add(p, base + offsetof(wire_outbox, buf), sizeof ob->buf, ob->len);
}

/* The template's spaces sp, at offset base of the object: our CRYPTO streams up to their lengths, the peer's up to
 * their end (bytes received and not yet handed out), the readers up to their lengths. */
static void plan_spaces(quic_restore_plan *p, size_t base, const quic_spaces *sp)
{
    for (size_t i = 0; i < 2; i++)
        plan_add(p, base + offsetof(quic_spaces, tx_crypto) + i * sizeof sp->tx_crypto[0], sizeof sp->tx_crypto[0],
                 sp->tx_crypto_len[i]);
    for (size_t s = 0; s < QUIC_SPACES; s++) {
        const quic_crypto_stream *c = &sp->rx_crypto[s];
        size_t at = base + offsetof(quic_spaces, rx_crypto) + s * sizeof *c;
        plan_add(p, at + offsetof(quic_crypto_stream, buf), sizeof c->buf, c->end);
        plan_add(p, at + offsetof(quic_crypto_stream, have), sizeof c->have, c->end);
    }
    for (size_t s = 0; s < QUIC_SPACES; s++)
        plan_add(p, base + offsetof(quic_spaces, reader) + s * sizeof sp->reader[0] + offsetof(wire_msg_reader, buf),
                 sizeof sp->reader[0].buf, sp->reader[s].len);
}

/* dst = tpl (size bytes) by plan p, for an object whose spaces are dst_sp. A CRYPTO stream's have[] is all zero from
 * its end on (quic_frames.c keeps it so), and must be after the copy too: what the last input set there is cleared
 * first, before the copy overwrites its end. */
static void quic_restore(void *dst, quic_spaces *dst_sp, const void *tpl, size_t size, const quic_restore_plan *p)
{
    for (size_t s = 0; s < QUIC_SPACES; s++)
        memset(dst_sp->rx_crypto[s].have, 0, dst_sp->rx_crypto[s].end);
    object_restore(dst, tpl, size, p->r, p->n);
}

#endif
