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
static inline void plan_add(quic_restore_plan *p, size_t off, size_t size, size_t keep)
{
    if (p->n == QUIC_RESTORE_RANGES || keep > size || (p->n > 0 && off < p->r[p->n - 1].off + p->r[p->n - 1].size))
        abort();
    p->r[p->n++] = (restore_range){off, size, keep};
}

/* The template's outbox ob, at offset base of the object. */
static inline void plan_outbox(quic_restore_plan *p, size_t base, const wire_outbox *ob)
{
    plan_add(p, base + offsetof(wire_outbox, buf), sizeof ob->buf, ob->len);
}

/* The template's spaces sp, at offset base of the object: our CRYPTO streams up to their lengths, the peer's up to
 * their end (bytes received and not yet handed out), the readers up to their lengths. */
static inline void plan_spaces(quic_restore_plan *p, size_t base, const quic_spaces *sp)
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

/* Empties a CRYPTO stream that was initialised (quic_crypto_init) by clearing only what is marked received: all of
 * have[] below its end, none past it (quic_frames.c keeps it so). quic_crypto_init clears all 64 KiB. */
FUZZ_GLUE static inline void crypto_clear(quic_crypto_stream *c)
{
    memset(c->have, 0, c->end);
    c->base = 0;
    c->end = 0;
}

/* dst = tpl (size bytes) by plan p, for an object whose spaces are dst_sp. A CRYPTO stream's have[] must be all zero
 * past its end after the copy too: what the last input marked is cleared first, before the copy overwrites the end. */
FUZZ_GLUE static inline void quic_restore(void *dst, quic_spaces *dst_sp, const void *tpl, size_t size,
                                const quic_restore_plan *p)
{
    for (size_t s = 0; s < QUIC_SPACES; s++)
        crypto_clear(&dst_sp->rx_crypto[s]);
    object_restore(dst, tpl, size, p->r, p->n);
}

#endif
