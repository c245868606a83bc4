/* TLS records, the carrier of the connection objects' handshake messages: writing with fragmentation, bounded
 * parsing, reassembly of handshake messages, and record protection per level from the objects' secrets. */
#include <string.h>

#include "wire_conn.h"

void wire_write_records(wire_wr *w, int type, unsigned version, const uint8_t *msg, size_t len)
{
    size_t off = 0;
    do {
        /* RFC 8446 §5.1: a fragment holds at most 2^14 bytes; larger handshake messages span records. */
        size_t n = len - off > WIRE_RECORD_MAX ? WIRE_RECORD_MAX : len - off;
        wire_wr_u8(w, (unsigned)type);
        wire_wr_u16(w, version);
        wire_wr_u16(w, (unsigned)n);
        wire_wr_bytes(w, msg + off, n);
        off += n;
    } while (off < len);
}

int wire_record_parse(const uint8_t *buf, size_t len, wire_record *rec, size_t *used)
{
    if (len < 5)
        return 0;
    unsigned type = buf[0];
    size_t n = (size_t)buf[3] << 8 | buf[4];
    /* RFC 8446 §5: only these content types exist; RFC 8446 §5.2: a record is at most 2^14 + 256 bytes. */
    if (type < WIRE_CT_CCS || type > WIRE_CT_APPDATA || n > WIRE_RECORD_CIPHER_MAX || buf[1] != 3)
        return -1;
    if (len - 5 < n)
        return 0;
    rec->type = type;
    rec->version = (unsigned)buf[1] << 8 | buf[2];
    rec->body = buf + 5;
    rec->len = n;
    *used = 5 + n;
    return 1;
}

void wire_msg_reader_reset(wire_msg_reader *r)
{
    r->len = 0;
    r->off = 0;
}

int wire_msg_reader_add(wire_msg_reader *r, const uint8_t *p, size_t len)
{
    /* What was handed out goes; the incomplete rest moves to the front. */
    memmove(r->buf, r->buf + r->off, r->len - r->off);
    r->len -= r->off;
    r->off = 0;
    if (len > sizeof r->buf - r->len)
        return -1;
    memcpy(r->buf + r->len, p, len);
    r->len += len;
    return 0;
}

size_t wire_handshake_max(unsigned type)
{
    switch (type) {
    case WIRE_HS_CLIENT_HELLO:       /* cipher_suites and extensions, each up to 2^16-1 bytes (RFC 8446 §4.1.2) */
    case WIRE_HS_NEW_SESSION_TICKET: /* ticket and extensions, each up to 2^16-1 (§4.6.1) */
    case WIRE_HS_CERTIFICATE:        /* a chain (§4.4.2): capped at our bound */
    case WIRE_HS_SERVER_KEY_EXCHANGE:
    case WIRE_HS_CERTIFICATE_REQUEST: /* TLS 1.2: certificate_authorities up to 2^16-1 beside the algorithms */
    case WIRE_HS_CERTIFICATE_VERIFY:
    case WIRE_HS_CLIENT_KEY_EXCHANGE:
        return WIRE_HANDSHAKE_MAX;
    default:
        /* ServerHello, HelloRetryRequest, EncryptedExtensions, Finished, ServerHelloDone and anything unknown: fixed
         * fields and at most one block of up to 2^16-1 bytes (RFC 8446 §4.1.3, §4.3.1, §4.4.4). */
        return WIRE_SMALL_MESSAGE_MAX;
    }
}

int wire_msg_reader_next(wire_msg_reader *r, const uint8_t **msg, size_t *len)
{
    const uint8_t *p = r->buf + r->off;
    size_t held = r->len - r->off;
    if (held < 4)
        return 0;
    /* RFC 8446 §4: msg_type, uint24 length, body. */
    size_t body = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
    /* Refused as soon as the header is in: nothing of a message too long for its type is buffered. */
    if (body > wire_handshake_max(p[0])) {
        *len = body;
        return -1;
    }
    if (held - 4 < body)
        return 0;
    *msg = p;
    *len = 4 + body;
    r->off += 4 + body;
    return 1;
}

size_t wire_msg_reader_pending(const wire_msg_reader *r, const uint8_t **p)
{
    *p = r->buf + r->off;
    return r->len - r->off;
}

void wire_records_init(wire_records *rl, int server)
{
    memset(rl, 0, sizeof *rl);
    rl->server = server;
}

int wire_records_update(wire_records *rl, const wire_conn *c)
{
    int ours = rl->server ? WIRE_FROM_SERVER : WIRE_FROM_CLIENT, theirs = !ours;
    rl->suite = c->suite;
    for (unsigned l = WIRE_LEVEL_EARLY; l < WIRE_LEVELS; l++) {
        /* RFC 8446 §7.3: each traffic secret gives a key and an IV; its records count from 0. */
        if ((c->have & WIRE_HAVE(l, theirs)) && !(rl->read_ok & 1u << l)) {
            if (wire_traffic_keys(&rl->suite, c->secret[l][theirs], &rl->read[l]) != 0)
                return -1;
            rl->read_ok |= 1u << l;
        }
        if ((c->have & WIRE_HAVE(l, ours)) && !(rl->write_ok & 1u << l)) {
            if (wire_traffic_keys(&rl->suite, c->secret[l][ours], &rl->write[l]) != 0)
                return -1;
            rl->write_ok |= 1u << l;
        }
    }
    if (c->read_level > rl->read_level)
        rl->read_level = c->read_level;
    return 0;
}

int wire_records_write(wire_records *rl, const wire_outbox *ob, wire_level level, unsigned plain_version, wire_wr *out)
{
    for (size_t i = 0; i < ob->n;) {
        if (ob->msg[i].level != level) {
            i++;
            continue;
        }
        if (level != WIRE_LEVEL_INITIAL && !(rl->write_ok & 1u << level))
            return -1;
        /* A run of consecutive messages of this level shares records. */
        size_t start = ob->msg[i].off, end = start;
        for (; i < ob->n && ob->msg[i].level == level; i++)
            end = ob->msg[i].off + ob->msg[i].len;
        if (level == WIRE_LEVEL_INITIAL) {
            wire_write_records(out, WIRE_CT_HANDSHAKE, plain_version, ob->buf + start, end - start);
            continue;
        }
        for (size_t off = start; off < end;) {
            /* RFC 8446 §5.1, §5.2: at most 2^14 bytes of plaintext in a protected record. */
            size_t n = end - off > WIRE_RECORD_MAX ? WIRE_RECORD_MAX : end - off;
            if (wire_encrypt_record(&rl->suite, &rl->write[level], WIRE_CT_HANDSHAKE, ob->buf + off, n, out) != 0)
                return -1;
            off += n;
        }
    }
    return out->err ? -1 : 0;
}

int wire_records_can_open(const wire_records *rl)
{
    return (rl->read_ok & 1u << rl->read_level) != 0;
}

long wire_records_open(wire_records *rl, const uint8_t *record, size_t len, uint8_t *out, unsigned *type,
                       wire_level *level)
{
    if (!wire_records_can_open(rl))
        return -1;
    uint64_t seq = rl->read[rl->read_level].seq;
    long n = wire_decrypt_record(&rl->suite, &rl->read[rl->read_level], record, len, out, type);
    /* Only a record the early key does not open (its sequence number unmoved) is the switch; one that opens to all
     * zeros is a bad record at that level (RFC 8446 §5.4), not the next key's. */
    if (n < 0 && rl->read_level == WIRE_LEVEL_EARLY && rl->read[rl->read_level].seq == seq &&
        (rl->read_ok & 1u << WIRE_LEVEL_HANDSHAKE)) {
        /* RFC 8446 §4.2.10, §4.5: early data ends; the client's records are under its handshake key from here. */
        rl->read_level = WIRE_LEVEL_HANDSHAKE;
        n = wire_decrypt_record(&rl->suite, &rl->read[rl->read_level], record, len, out, type);
    }
    *level = rl->read_level;
    return n;
}
