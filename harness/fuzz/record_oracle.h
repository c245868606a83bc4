/*
 * TLS 1.3 record protection (RFC 8446 §5.2) as the fuzz targets check it, shared by fuzz_decrypt_record and the read
 * loop targets (stream_oracle.h). A fuzzer cannot forge an AEAD tag, so bytes opened as they come only ever reach the
 * tag check; sealing the fuzzer's bytes first under the same key (wire_encrypt_record) makes the tag verify and takes
 * the bytes to the inner plaintext parsing (§5.4: zero padding, content type) and to the parsers behind it.
 * The keys are fixed (derived once per suite from a constant secret): the targets are deterministic.
 * Included by exactly one target file; the targets abort() on a violation.
 */
#ifndef FUZZ_RECORD_ORACLE_H
#define FUZZ_RECORD_ORACLE_H

#include <stdlib.h>
#include <string.h>

#include "wire_conn.h"

#define FUZZ_SUITES 3
static const unsigned fuzz_suite_codes[FUZZ_SUITES] = {0x1301, 0x1302, 0x1303};

/* Per suite, a record carrier holding keys for every protected level in both directions, made once: deriving them
 * (a dozen HKDF calls) for every input would cost more than the parsing under test. */
static wire_records fuzz_carriers[FUZZ_SUITES];
static int fuzz_carriers_ready;

static wire_conn fuzz_fixed_conn; /* large (an outbox): not on the stack */

static void fuzz_carriers_init(void)
{
    wire_conn *fixed = &fuzz_fixed_conn;
    for (int i = 0; i < FUZZ_SUITES; i++) {
        wire_conn_init(fixed);
        if (wire_conn_select_suite(fixed, fuzz_suite_codes[i]) != 0)
            abort();
        for (int l = WIRE_LEVEL_EARLY; l < WIRE_LEVELS; l++)
            for (int from = 0; from < 2; from++) {
                uint8_t secret[48];
                memset(secret, 0x40 + 8 * l + from, sizeof secret);
                wire_conn_export(fixed, (wire_level)l, from, secret);
            }
        wire_records_init(&fuzz_carriers[i], 1);
        if (wire_records_update(&fuzz_carriers[i], fixed) != 0)
            abort();
        fuzz_carriers[i].read_level = WIRE_LEVEL_INITIAL;
    }
    fuzz_carriers_ready = 1;
}

/* The fixed carrier of a suite code (TLS_AES_128_GCM_SHA256 for a code the engine does not speak). */
static const wire_records *fuzz_carrier(unsigned code)
{
    if (!fuzz_carriers_ready)
        fuzz_carriers_init();
    for (int i = 0; i < FUZZ_SUITES; i++)
        if (fuzz_suite_codes[i] == code)
            return &fuzz_carriers[i];
    return &fuzz_carriers[0];
}

/* What a successful open must give for a TLSInnerPlaintext (RFC 8446 §5.4: content, content type, zero padding):
 * the content type is the last non-zero byte and the content what precedes it; -1 when every byte is zero. */
static long inner_expected(const uint8_t *inner, size_t len, unsigned *type)
{
    size_t n = len;
    while (n > 0 && inner[n - 1] == 0)
        n--;
    if (n == 0)
        return -1;
    *type = inner[n - 1];
    return (long)(n - 1);
}

/* Checks one open of a record (header included) of record_len bytes that gave n (plaintext in out, type). A record
 * the AEAD opens counts one record (RFC 8446 §5.3: the sequence number moves on) and gives a non-zero content type
 * and no more plaintext than the ciphertext minus the tag and the type byte; its inner plaintext may still be all
 * zeros (n -1, RFC 8446 §5.4). A record it does not open (a forged tag, or too short) leaves the sequence number
 * alone. sealed: the record was sealed under this key, so the AEAD must open it. */
static void open_contract(long n, size_t record_len, unsigned type, uint64_t seq_before, uint64_t seq_after, int sealed)
{
    int opened = seq_after == seq_before + 1;
    if (!opened && seq_after != seq_before)
        abort();
    if (sealed && !opened)
        abort();
    if (n < 0)
        return;
    if (!opened || type == 0 || type > 255 || record_len < 5 + 17 || (size_t)n > record_len - 5 - 17)
        abort();
}

/* Seals inner[0..len) as the TLSInnerPlaintext of one record under a copy of key (its last byte becomes the content
 * type wire_encrypt_record appends, so the inner plaintext is exactly these bytes), into sealed (room for
 * 5 + WIRE_RECORD_CIPHER_MAX). Returns the record length, or 0 when there is nothing to seal (empty, over 2^14 + 1). */
static size_t seal_inner(const wire_suite *s, const wire_traffic *key, const uint8_t *inner, size_t len,
                         uint8_t *sealed)
{
    if (len == 0 || len > WIRE_RECORD_MAX + 1)
        return 0;
    wire_traffic w = *key;
    wire_wr wr;
    wire_wr_init(&wr, sealed, 5 + WIRE_RECORD_CIPHER_MAX);
    if (wire_encrypt_record(s, &w, inner[len - 1], inner, len - 1, &wr) != 0 || wr.len != 5 + len + 16 ||
        w.seq != key->seq + 1)
        abort(); /* sealing our own bytes under a valid key cannot fail */
    return wr.len;
}

/* After a successful open of a record sealed from inner[0..len): the plaintext and content type are exactly what
 * RFC 8446 §5.4 makes of those bytes; an all-zero inner plaintext is the only failure. */
static void sealed_contract(const uint8_t *inner, size_t len, long n, const uint8_t *out, unsigned type)
{
    unsigned want_type = 0;
    long want = inner_expected(inner, len, &want_type);
    if (n != want || (n >= 0 && (type != want_type || memcmp(out, inner, (size_t)n) != 0)))
        abort();
}

#endif
