/*
 * The read loops of the peer layer (harness/peer: server_probe.c read_flight, client_peer.c read_client_hello and
 * read_reaction) without their socket: the fuzzer's input is the byte stream a peer sends, cut into records
 * (wire_record_parse), protected records opened by a record carrier (wire_records_open), handshake bytes reassembled
 * into messages (wire_msg_reader) for a connection object. Shared by fuzz_server_flight (alpncheck as a client) and
 * fuzz_tls_record (alpncheck as a server).
 *
 * The carrier holds fixed keys (record_oracle.h), not the connection's: the fuzzer cannot do the key exchange. A
 * protected record of record version 0x0303 is opened as it came (a forged tag: the peer layer stops there); one of
 * any other version is the fuzzer's inner plaintext, sealed under the carrier's key first, so that its bytes reach
 * the inner plaintext parsing and the connection object at that level.
 *
 * Oracles: record lengths as in fuzz_wire; the record_oracle.h contracts for every open; and the reassembly: every
 * message handed out is, byte for byte, the next part of the handshake byte stream added (kept in a shadow copy), a
 * rejected header claims what its bytes say and more than the bound, and what is pending is the rest of the stream.
 * Included by exactly one target file; the targets abort() on a violation.
 */
#ifndef FUZZ_STREAM_ORACLE_H
#define FUZZ_STREAM_ORACLE_H

#include "record_oracle.h"
#include "restore.h"

/* The drivers hand over at most 1 MiB; handshake bytes added never exceed the input (record bodies, or plaintexts
 * that are shorter than the records they come from). */
#define STREAM_SHADOW_MAX (1u << 20)

typedef struct {
    const uint8_t *in;
    size_t len, pos;     /* the peer's bytes; bytes of them taken as records */
    wire_records rl;     /* fixed keys, following the connection's suite and read level */
    unsigned suite_code; /* the suite of those keys */
    wire_msg_reader hs;  /* the peer's handshake bytes cut into messages */
    size_t added, taken; /* handshake bytes added to hs, bytes of them handed out as messages */
    int stopped;         /* hs refused bytes or a header: the peer layer stops there */
    uint8_t plain[WIRE_RECORD_CIPHER_MAX + 1];
    uint8_t sealed[5 + WIRE_RECORD_CIPHER_MAX];
    uint8_t shadow[STREAM_SHADOW_MAX];
} fuzz_stream;

/* One record of the stream: its content type, level and content, as probe_link_next gives them. */
typedef struct {
    unsigned type;
    wire_level level;
    const uint8_t *body;
    size_t len;
} stream_record;

static void stream_start(fuzz_stream *s, const uint8_t *in, size_t len)
{
    s->in = in;
    s->len = len;
    s->pos = 0;
    s->rl = *fuzz_carrier(0x1301);
    s->suite_code = 0x1301;
    wire_msg_reader_reset(&s->hs);
    s->added = 0;
    s->taken = 0;
    s->stopped = 0;
}

/* Drops the handshake bytes held (the peer layer starts a new reader: client_peer.c after the ClientHello). */
static inline void stream_reset_messages(fuzz_stream *s)
{
    wire_msg_reader_reset(&s->hs);
    s->added = 0;
    s->taken = 0;
}

/* Follows the connection as wire_records_update does (its suite, its read level upward), keeping fixed keys. */
static void stream_follow(fuzz_stream *s, const wire_conn *c)
{
    if (c->suite_code != 0 && c->suite_code != s->suite_code) {
        wire_level level = s->rl.read_level;
        s->rl = *fuzz_carrier(c->suite_code);
        s->rl.read_level = level;
        s->suite_code = c->suite_code;
    }
    if (c->read_level > s->rl.read_level)
        s->rl.read_level = c->read_level;
}

/* Opens a protected record (header included) as the carrier does. A record of record version 0x0303, as TLS 1.3
 * peers send them (RFC 8446 §5.2), is opened as it came; any other version marks the fuzzer's bytes as an inner
 * plaintext, sealed under the key of the level the carrier reads at (with the version 0x0303) before it is opened.
 * The plaintext goes to s->plain. */
static long stream_open(fuzz_stream *s, const uint8_t *record, size_t len, stream_record *r)
{
    size_t rec_len = len;
    const uint8_t *inner = record + 5;
    int sealed = record[2] != 0x03;
    if (sealed) {
        rec_len = seal_inner(&s->rl.suite, &s->rl.read[s->rl.read_level], inner, len - 5, s->sealed);
        if (rec_len == 0)
            return -1;
        record = s->sealed;
    }
    wire_level before = s->rl.read_level;
    uint64_t seq[WIRE_LEVELS];
    for (int l = 0; l < WIRE_LEVELS; l++)
        seq[l] = s->rl.read[l].seq;
    long n = wire_records_open(&s->rl, record, rec_len, s->plain, &r->type, &r->level);
    /* The level moves only from EARLY to HANDSHAKE, when the record did not open under the early key (RFC 8446
     * §4.2.10): a sealed record opens under the key it was sealed with, so its level stays. Only the key of the
     * level read at counts a record. */
    wire_level after = s->rl.read_level;
    if (r->level != after ||
        (after != before && (sealed || before != WIRE_LEVEL_EARLY || after != WIRE_LEVEL_HANDSHAKE)))
        abort();
    for (int l = 0; l < WIRE_LEVELS; l++)
        if (l != (int)after && s->rl.read[l].seq != seq[l])
            abort();
    open_contract(n, rec_len, r->type, seq[after], s->rl.read[after].seq, sealed);
    if (sealed)
        sealed_contract(inner, len - 5, n, s->plain, r->type);
    return n;
}

/* The next record: 1; 0 when the input holds no whole record more; -1 when the bytes are not a TLS record, or a
 * protected record is empty or all zeros inside (the peer layer stops at both). */
static int stream_next(fuzz_stream *s, int open, stream_record *r)
{
    wire_record rec;
    size_t used = 0;
    const uint8_t *at = s->in + s->pos;
    int rc = wire_record_parse(at, s->len - s->pos, &rec, &used);
    if (rc != 1)
        return rc;
    if (used != 5 + rec.len || used > s->len - s->pos || rec.len > WIRE_RECORD_CIPHER_MAX || rec.body != at + 5)
        abort();
    s->pos += used;
    r->type = rec.type;
    r->level = WIRE_LEVEL_INITIAL;
    r->body = rec.body;
    r->len = rec.len;
    if (rec.type != WIRE_CT_APPDATA || !open || !wire_records_can_open(&s->rl))
        return 1;
    long n = stream_open(s, at, used, r);
    if (n < 0)
        return -1;
    r->body = s->plain;
    r->len = (size_t)n;
    return 1;
}

/* Adds handshake bytes to the reader; 0, or -1 (s->stopped) when they do not fit beside the incomplete message. */
static int stream_add(fuzz_stream *s, const uint8_t *p, size_t len)
{
    const uint8_t *pending;
    size_t held = wire_msg_reader_pending(&s->hs, &pending);
    if (held != s->added - s->taken || (held > 0 && memcmp(pending, s->shadow + s->taken, held) != 0))
        abort();
    if (wire_msg_reader_add(&s->hs, p, len) != 0) {
        if (held + len <= WIRE_HANDSHAKE_MAX + 4)
            abort(); /* refused although it fitted */
        s->stopped = 1;
        return -1;
    }
    if (len > STREAM_SHADOW_MAX - s->added)
        abort(); /* more handshake bytes than input */
    memcpy(s->shadow + s->added, p, len);
    s->added += len;
    return 0;
}

/* The next whole handshake message: 1 with *msg and *len, 0 when more bytes are needed, -1 (s->stopped) for a header
 * over the bound. */
static int stream_message(fuzz_stream *s, const uint8_t **msg, size_t *len)
{
    int rc = wire_msg_reader_next(&s->hs, msg, len);
    const uint8_t *h = s->shadow + s->taken;
    size_t left = s->added - s->taken;
    size_t claim = left >= 4 ? (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3] : 0;
    /* Each message type has its own bound (wire_handshake_max): a header over it is refused as soon as it is in. */
    size_t bound = left >= 1 ? wire_handshake_max(h[0]) : WIRE_HANDSHAKE_MAX;
    if (rc == 0) {
        if (left >= 4 && claim <= bound && left - 4 >= claim)
            abort(); /* a whole message was there */
        return 0;
    }
    if (rc < 0) {
        if (left < 4 || *len != claim || claim <= bound)
            abort();
        s->stopped = 1;
        return -1;
    }
    if (left < 4 || *len != 4 + claim || memcmp(*msg, h, *len) != 0)
        abort();
    s->taken += *len;
    return 1;
}

#endif
