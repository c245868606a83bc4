/* TLS records: writing with fragmentation, bounded parsing. */
#include "wire.h"

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
