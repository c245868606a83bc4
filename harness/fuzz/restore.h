/*
 * Per-input copies of connection objects made once (a template), without their large buffers. The objects hold
 * hundreds of KiB to a megabyte of buffers (outboxes, reassembly windows, a ClientHello copy) of which an input uses a
 * few hundred bytes; copying or zeroing them for every input was most of what the read-loop and QUIC targets spent.
 * Included by the target files; header-only like the oracles.
 */
#ifndef FUZZ_RESTORE_H
#define FUZZ_RESTORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Copying a template back is the target's bookkeeping, not code under test: outside the coverage instrumentation
 * (clang's no_sanitize("coverage"); out of line, so that inlining does not bring the instrumentation back) its loops
 * add no features and no traced comparisons to every input. */
#ifdef __clang__
#define FUZZ_GLUE __attribute__((no_sanitize("coverage"), noinline))
#else
#define FUZZ_GLUE
#endif

/* A large buffer of an object: its offset and size, and how many of its first bytes the template holds in use. */
typedef struct {
    size_t off, size, keep;
} restore_range;

/* Copies the template tpl of size bytes to dst, except the bytes of each range past its first keep (ranges in
 * ascending order, not overlapping). The objects never read those bytes: they lie past the lengths they keep (an
 * outbox's len, a reader's len), which the copy restores. A CRYPTO stream is the exception: it reads its `have`
 * marks past its end and needs them zero, so an object holding one goes through quic_restore.h, which clears the
 * destination's marks (crypto_clear) before this copy. */
FUZZ_GLUE static inline void object_restore(void *dst, const void *tpl, size_t size, const restore_range *r, size_t n)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy((uint8_t *)dst + at, (const uint8_t *)tpl + at, r[i].off + r[i].keep - at);
        at = r[i].off + r[i].size;
    }
    memcpy((uint8_t *)dst + at, (const uint8_t *)tpl + at, size - at);
}

#endif
