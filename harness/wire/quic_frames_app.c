/* The frames of 1-RTT packets (RFC 9000 §19) beside those of a handshake: a server sends stream, flow control and
 * connection ID frames once the handshake is done, between the CRYPTO frames of its NewSessionTickets and its
 * HANDSHAKE_DONE. A client that only reads tickets skips them, each within the packet's bounds. */
#include <stdio.h>
#include <string.h>

#include "quic.h"

static int refuse(char *err, const char *what, uint64_t type, size_t off)
{
    snprintf(err, QUIC_ERROR_MAX, "%s (frame type 0x%llx at byte %zu)", what, (unsigned long long)type, off);
    return -1;
}

/* Reads n varints; 0, or -1 when the packet ends first. */
static int skip_varints(wire_rd *r, int n)
{
    while (n-- > 0)
        (void)quic_rd_varint(r);
    return r->err ? -1 : 0;
}

/* STREAM 0x08..0x0f (RFC 9000 §19.8): Stream ID, Offset when bit 0x04, Length when bit 0x02 (else the data runs to
 * the end of the packet); the data into f->data. 0 or -1. */
static int read_stream(wire_rd *r, quic_frame *f)
{
    (void)quic_rd_varint(r);
    uint64_t off = f->type & 0x04 ? quic_rd_varint(r) : 0;
    uint64_t len = f->type & 0x02 ? quic_rd_varint(r) : wire_rd_left(r);
    /* RFC 9000 §19.8: offset + length at most 2^62 - 1. */
    if (r->err || len > wire_rd_left(r) || len > QUIC_VARINT_MAX - off)
        return -1;
    f->data_len = (size_t)len;
    f->data = wire_rd_bytes(r, f->data_len);
    return 0;
}

/* NEW_CONNECTION_ID (RFC 9000 §19.15): Sequence Number, Retire Prior To, Length 1..20, the ID, a 16-byte Stateless
 * Reset Token; Retire Prior To above the Sequence Number is FRAME_ENCODING_ERROR. 0 or -1. */
static int read_new_cid(wire_rd *r)
{
    uint64_t seq = quic_rd_varint(r), retire = quic_rd_varint(r);
    unsigned len = wire_rd_u8(r);
    if (r->err || len < 1 || len > QUIC_CID_MAX || retire > seq)
        return -1;
    (void)wire_rd_bytes(r, len + 16u);
    return r->err ? -1 : 0;
}

/* The body of a frame type the handshake parser does not read. 0, or -1 when it is malformed or unknown. */
static int read_app_body(wire_rd *r, quic_frame *f)
{
    uint64_t t = f->type;
    if (t >= 0x08 && t <= 0x0f)
        return read_stream(r, f);
    if (t == 0x04) /* RESET_STREAM: Stream ID, Application Protocol Error Code, Final Size (§19.4) */
        return skip_varints(r, 3);
    if (t == 0x05 || t == 0x11 || t == 0x15) /* STOP_SENDING, MAX_STREAM_DATA, STREAM_DATA_BLOCKED: two varints */
        return skip_varints(r, 2);
    if (t == 0x10 || t == 0x12 || t == 0x13 || t == 0x14 || t == 0x16 || t == 0x17 || t == 0x19)
        return skip_varints(r, 1); /* MAX_DATA, MAX_STREAMS, DATA_BLOCKED, STREAMS_BLOCKED, RETIRE_CONNECTION_ID */
    if (t == 0x18)
        return read_new_cid(r);
    if (t == 0x1a || t == 0x1b) { /* PATH_CHALLENGE, PATH_RESPONSE: 8 bytes of data (§19.17, §19.18) */
        (void)wire_rd_bytes(r, 8);
        return r->err ? -1 : 0;
    }
    if (t == 0x30 || t == 0x31) { /* DATAGRAM (RFC 9221 §4): with a Length (0x31) or to the end of the packet */
        uint64_t len = t == 0x31 ? quic_rd_varint(r) : wire_rd_left(r);
        if (r->err || len > wire_rd_left(r))
            return -1;
        f->data_len = (size_t)len;
        f->data = wire_rd_bytes(r, f->data_len);
        return 0;
    }
    return -1;
}

int quic_frame_next_1rtt(wire_rd *r, quic_frame *f, char *err)
{
    size_t at = r->pos;
    if (r->err || wire_rd_left(r) == 0)
        return quic_frame_next(r, QUIC_PT_SHORT, f, err);
    uint64_t type = quic_rd_varint(r);
    int handshake = type <= QUIC_FRAME_ACK_ECN || type == QUIC_FRAME_CRYPTO || type == QUIC_FRAME_NEW_TOKEN ||
                    (type >= QUIC_FRAME_CLOSE && type <= QUIC_FRAME_HANDSHAKE_DONE);
    r->pos = at;
    if (r->err || handshake)
        return quic_frame_next(r, QUIC_PT_SHORT, f, err);
    memset(f, 0, sizeof *f);
    err[0] = '\0';
    f->off = at;
    f->type = quic_rd_varint(r);
    /* RFC 9000 §12.4: the frame type in its shortest encoding, else PROTOCOL_VIOLATION. */
    if (r->pos - at != quic_varint_size(f->type))
        return refuse(err, "frame type not in its shortest encoding", f->type, at);
    if (read_app_body(r, f) != 0)
        return refuse(err, "frame malformed, beyond the packet, or of an unknown type (RFC 9000 §12.4, §19)", f->type,
                      at);
    return 1;
}
