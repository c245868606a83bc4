/* The one transcript of the connection objects (RFC 8446 §4.4.1), a running hash with nettle's SHA-2. */
#include <string.h>

#include "wire_conn.h"

void wire_transcript_init(wire_transcript *t)
{
    sha256_init(&t->sha256);
    sha384_init(&t->sha384);
    t->hash_len = 0;
}

void wire_transcript_add(wire_transcript *t, const uint8_t *p, size_t len)
{
    /* Until the suite is known, both candidate hashes run (RFC 8446 §4.4.1: the suite's Hash). */
    if (t->hash_len != SHA384_DIGEST_SIZE)
        sha256_update(&t->sha256, len, p);
    if (t->hash_len != SHA256_DIGEST_SIZE)
        sha384_update(&t->sha384, len, p);
}

int wire_transcript_select(wire_transcript *t, const wire_suite *s)
{
    if ((s->hash_len != SHA256_DIGEST_SIZE && s->hash_len != SHA384_DIGEST_SIZE) ||
        (t->hash_len != 0 && t->hash_len != s->hash_len))
        return -1;
    t->hash_len = s->hash_len;
    return 0;
}

int wire_transcript_hash(const wire_transcript *t, uint8_t *out)
{
    /* nettle's digest functions reset the context they finish: finish a copy. */
    if (t->hash_len == SHA256_DIGEST_SIZE) {
        struct sha256_ctx copy = t->sha256;
        sha256_digest(&copy, SHA256_DIGEST_SIZE, out);
        return 0;
    }
    if (t->hash_len == SHA384_DIGEST_SIZE) {
        struct sha512_ctx copy = t->sha384;
        sha384_digest(&copy, SHA384_DIGEST_SIZE, out);
        return 0;
    }
    return -1;
}

int wire_transcript_hello_retry(wire_transcript *t)
{
    /* RFC 8446 §4.4.1: Transcript-Hash(ClientHello1, HelloRetryRequest, ... Mn) = Hash(message_hash || 00 00
     * Hash.length || Hash(ClientHello1) || HelloRetryRequest || ... || Mn). */
    uint8_t ch1_hash[SHA384_DIGEST_SIZE];
    size_t n = t->hash_len;
    if (wire_transcript_hash(t, ch1_hash) != 0)
        return -1;
    const uint8_t message_hash[4] = {254, 0, 0, (uint8_t)n};
    wire_transcript_init(t);
    t->hash_len = n;
    wire_transcript_add(t, message_hash, sizeof message_hash);
    wire_transcript_add(t, ch1_hash, n);
    return 0;
}
