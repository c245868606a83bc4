/*
 * The QUIC packet carrier's pieces (RFC 9000, RFC 9001; QUIC version 2, RFC 9369): variable-length integers, Initial
 * secrets and packet protection keys, AEAD and header protection, packet numbers, long and short headers with
 * coalesced packets, Version Negotiation and Retry, the frames of a handshake with CRYPTO reassembly, and
 * quic_transport_parameters. Bytes in and bytes out like the rest of the wire engine: no socket, no clock. The keys
 * come from the traffic secrets a connection object exports per level (wire_conn.h); the TLS messages themselves
 * travel in CRYPTO frames and are cut by wire_msg_reader as over TCP.
 *
 * Everything the peer sends is read through wire_rd with a bound; a parser that refuses says why (and where) in an
 * error text of QUIC_ERROR_MAX bytes.
 */
#ifndef ALPN_QUIC_H
#define ALPN_QUIC_H

#include <nettle/aes.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define QUIC_ERROR_MAX 160

/* ---- variable-length integers (RFC 9000 §16) ---------------------------------------------------------------- */

#define QUIC_VARINT_MAX ((UINT64_C(1) << 62) - 1)

/* Bytes of the shortest encoding of v (1, 2, 4 or 8), 0 when v > QUIC_VARINT_MAX. */
size_t quic_varint_size(uint64_t v);
/* Writes v in its shortest encoding; err on w when v > QUIC_VARINT_MAX. */
void quic_wr_varint(wire_wr *w, uint64_t v);
/* Writes v in exactly size bytes (1, 2, 4, 8; RFC 9000 §16 allows any encoding that holds the value); err when it
 * does not fit. */
void quic_wr_varint_n(wire_wr *w, uint64_t v, size_t size);
/* Reads one; err on r (and 0) when truncated. */
uint64_t quic_rd_varint(wire_rd *r);

/* ---- versions and keys (RFC 9001 §5, RFC 9369 §3) ----------------------------------------------------------- */

#define QUIC_V1 0x00000001u
#define QUIC_V2 0x6b3343cfu
#define QUIC_CID_MAX 20 /* RFC 9000 §17.2: connection IDs of version 1 (and 2) are at most 20 bytes */

typedef enum {
    QUIC_PT_INITIAL = 0,
    QUIC_PT_0RTT,
    QUIC_PT_HANDSHAKE,
    QUIC_PT_RETRY,
    QUIC_PT_SHORT,   /* 1-RTT */
    QUIC_PT_VERSION_NEGOTIATION,
} quic_ptype;

/* 1 for the versions this carrier speaks (1 and 2). */
int quic_version_known(uint32_t version);

/* The AEAD of a packet protection key: the TLS 1.3 suite's (RFC 9001 §5.3). */
typedef enum { QUIC_AEAD_AES128GCM = 0, QUIC_AEAD_AES256GCM, QUIC_AEAD_CHACHA20 } quic_aead;

/* An AES key schedule of either size. */
typedef union {
    struct aes128_ctx a128;
    struct aes256_ctx a256;
} quic_aes;

/* Packet protection of one direction at one level: AEAD key and IV, header protection key (RFC 9001 §5.1). For the
 * AES suites also the key schedules of key and hp, made once with the keys (quic_keys_from_secret) rather than per
 * packet. Plain data: a quic_keys holds no handle, so it is copied freely (connection objects are, as the fuzz
 * targets' templates) and never freed. */
typedef struct {
    quic_aead aead;
    size_t key_len;
    uint8_t key[32], iv[12], hp[32];
    quic_aes key_aes, hp_aes;
} quic_keys;

/* Keys from a TLS traffic secret of suite (0x1301..0x1303) for a version: "quic key"/"quic iv"/"quic hp" (v1),
 * "quicv2 key"/... (v2). 0 or -1. */
int quic_keys_from_secret(uint32_t version, unsigned suite, const uint8_t *secret, quic_keys *k);
/* The Initial secret of one direction (WIRE_FROM_CLIENT or WIRE_FROM_SERVER) from the client's first Destination
 * Connection ID and the version's salt (RFC 9001 §5.2, RFC 9369 §3.3.1), 32 bytes in secret (NULL: not wanted), and
 * its keys. 0 or -1 (unknown version). */
int quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len, int from, uint8_t *secret,
                      quic_keys *k);

/* ---- packet numbers (RFC 9000 §17.1, Appendix A) ------------------------------------------------------------ */

/* Bytes (1..4) to send pn with, given the largest packet number the peer acknowledged (UINT64_MAX: none yet). */
size_t quic_pn_size(uint64_t pn, uint64_t largest_acked);
/* The full packet number from its truncated encoding of pn_len bytes and the largest one received so far
 * (UINT64_MAX: none yet). */
uint64_t quic_pn_decode(uint64_t largest, uint64_t truncated, size_t pn_len);

/* ---- headers (RFC 9000 §17) --------------------------------------------------------------------------------- */

/* One packet's header as read from a datagram; pointers into the datagram. */
typedef struct {
    quic_ptype type;
    uint32_t version; /* long headers; 0 for Version Negotiation */
    const uint8_t *dcid, *scid;
    size_t dcid_len, scid_len;
    const uint8_t *token; /* Initial: the token; Retry: the Retry Token */
    size_t token_len;
    size_t pn_off;        /* Initial, 0-RTT, Handshake, 1-RTT: offset of the (protected) packet number */
    size_t len;           /* bytes of the datagram this packet takes (the next coalesced one starts there) */
    const uint8_t *versions; /* Version Negotiation: the Supported Version list, n_versions 4-byte entries */
    size_t n_versions;
    const uint8_t *retry_tag; /* Retry: the 16-byte Retry Integrity Tag (the packet's last 16 bytes) */
} quic_header;

/* Parses the header of the packet at the start of p[0..len) (a datagram or the rest of one). short_dcid_len is the
 * length of our connection ID, which a short header does not state. 0, or -1 with the reason in err. A long header
 * of an unknown version is refused (only its Version Negotiation would be understood). */
int quic_parse_header(const uint8_t *p, size_t len, size_t short_dcid_len, quic_header *h, char *err);

/* What a packet we send says in its header. */
typedef struct {
    quic_ptype type; /* INITIAL, 0RTT, HANDSHAKE or SHORT */
    uint32_t version;
    const uint8_t *dcid, *scid;
    size_t dcid_len, scid_len;
    const uint8_t *token; /* Initial only */
    size_t token_len;
} quic_packet_spec;

/* Appends one protected packet to w: header, packet number pn in pn_len bytes (1..4), payload (frames), zero bytes
 * (PADDING frames) so that the packet is at least min_len bytes long and long enough to be sampled (RFC 9001
 * §5.4.2), AEAD tag; then header protection. The Length field of long headers is always 2 bytes. 0 or -1. */
int quic_seal_packet(wire_wr *w, const quic_keys *k, const quic_packet_spec *s, uint64_t pn, size_t pn_len,
                     const uint8_t *payload, size_t payload_len, size_t min_len);

/* Removes the protection of the packet pkt[0..h->len) in place (h from quic_parse_header): header protection, packet
 * number recovery against largest (UINT64_MAX: none), AEAD. Its frames are then pkt[*payload_off..+*payload_len).
 * 0, or -1 with the reason (too short to sample, bad tag, reserved bits set) in err. */
int quic_open_packet(const quic_keys *k, uint8_t *pkt, const quic_header *h, uint64_t largest, uint64_t *pn,
                     size_t *payload_off, size_t *payload_len, char *err);

/* Retry Integrity Tag (RFC 9001 §5.8, RFC 9369 §3.3.3) over the Retry pseudo-packet: the client's original
 * Destination Connection ID, then the Retry packet without its tag (retry[0..len)). 0 or -1 (unknown version). */
int quic_retry_tag(uint32_t version, const uint8_t *odcid, size_t odcid_len, const uint8_t *retry, size_t len,
                   uint8_t tag[16]);
/* 1 when the Retry packet h (parsed from pkt) carries the right tag for odcid, 0 when not. */
int quic_retry_verify(const uint8_t *pkt, const quic_header *h, const uint8_t *odcid, size_t odcid_len);

/* ---- frames (RFC 9000 §12.4, §19) --------------------------------------------------------------------------- */

enum {
    QUIC_FRAME_PADDING = 0x00,
    QUIC_FRAME_PING = 0x01,
    QUIC_FRAME_ACK = 0x02,
    QUIC_FRAME_ACK_ECN = 0x03,
    QUIC_FRAME_CRYPTO = 0x06,
    QUIC_FRAME_NEW_TOKEN = 0x07,
    QUIC_FRAME_CLOSE = 0x1c,
    QUIC_FRAME_CLOSE_APP = 0x1d,
    QUIC_FRAME_HANDSHAKE_DONE = 0x1e,
};

typedef struct {
    uint64_t type;
    size_t off; /* where the frame starts in the payload */
    /* ACK */
    uint64_t ack_largest, ack_delay, ack_first_range, ack_ranges, ack_smallest; /* smallest: over all ranges */
    /* CRYPTO (offset, data), NEW_TOKEN (data) */
    uint64_t crypto_off;
    const uint8_t *data;
    size_t data_len;
    /* CONNECTION_CLOSE: error code, the frame type that caused it (0x1c only), reason phrase (peer bytes) */
    uint64_t error_code, frame_type;
    const uint8_t *reason;
    size_t reason_len;
} quic_frame;

/* The next frame of a packet payload of packet type pt (RFC 9000 §12.4 Table 3 says which frames each may hold;
 * runs of PADDING are one frame). 1 with f, 0 at the end, -1 with the reason and offset in err. */
int quic_frame_next(wire_rd *r, quic_ptype pt, quic_frame *f, char *err);

/* The next frame of a 1-RTT packet payload: those of quic_frame_next, and the stream, flow control, connection ID,
 * path and DATAGRAM frames (RFC 9000 §19.4-§19.18, RFC 9221) read within the payload's bounds and skipped (a STREAM
 * or DATAGRAM frame's data in data, data_len). 1 with f, 0 at the end, -1 with the reason in err (an unknown type is
 * FRAME_ENCODING_ERROR, §12.4). */
int quic_frame_next_1rtt(wire_rd *r, quic_frame *f, char *err);

/* An ACK frame of one range: largest and the first_range packets below it, ack_delay as sent (RFC 9000 §19.3). */
void quic_wr_ack(wire_wr *w, uint64_t largest, uint64_t ack_delay, uint64_t first_range);
/* A CRYPTO frame (RFC 9000 §19.6). */
void quic_wr_crypto(wire_wr *w, uint64_t offset, const uint8_t *data, size_t len);
/* A CONNECTION_CLOSE frame of the QUIC layer (0x1c): the error code, the frame type that caused it (0: none) and an
 * empty reason phrase (RFC 9000 §19.19). */
void quic_wr_close(wire_wr *w, uint64_t code, uint64_t frame_type);

/* ---- CRYPTO stream reassembly (RFC 9000 §19.6, §7.5) -------------------------------------------------------- */

/* Our bound on the bytes held beyond what was handed out (RFC 9000 §7.5: at least 4096 bytes must be buffered). */
#define QUIC_CRYPTO_WINDOW (64u * 1024u)

/* One level's CRYPTO stream: data in order from out-of-order, duplicated and overlapping frames. */
typedef struct {
    uint64_t base; /* stream offset of buf[0]: everything below was handed out */
    uint8_t buf[QUIC_CRYPTO_WINDOW];
    uint8_t have[QUIC_CRYPTO_WINDOW]; /* 1 for each byte of buf received */
    size_t end; /* have[] is 0 from here on: a take moves and clears only what lies below (not 2 x 64 KiB a frame) */
} quic_crypto_stream;

void quic_crypto_init(quic_crypto_stream *s);
/* Takes one CRYPTO frame's data. 0; -1 with the reason in err when it ends beyond 2^62 - 1 (RFC 9000 §19.6), beyond
 * the window (CRYPTO_BUFFER_EXCEEDED, §7.5) or contradicts bytes already received. */
int quic_crypto_add(quic_crypto_stream *s, uint64_t off, const uint8_t *data, size_t len, char *err);
/* Moves the contiguous bytes now available (at most cap) to out and returns their count. */
size_t quic_crypto_take(quic_crypto_stream *s, uint8_t *out, size_t cap);

/* ---- quic_transport_parameters (RFC 9000 §18; TLS extension 57, RFC 9001 §8.2) ------------------------------ */

enum {
    QUIC_TP_ORIGINAL_DCID = 0x00,
    QUIC_TP_MAX_IDLE_TIMEOUT = 0x01,
    QUIC_TP_STATELESS_RESET_TOKEN = 0x02,
    QUIC_TP_MAX_UDP_PAYLOAD_SIZE = 0x03,
    QUIC_TP_INITIAL_MAX_DATA = 0x04,
    QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_LOCAL = 0x05,
    QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_REMOTE = 0x06,
    QUIC_TP_INITIAL_MAX_STREAM_DATA_UNI = 0x07,
    QUIC_TP_INITIAL_MAX_STREAMS_BIDI = 0x08,
    QUIC_TP_INITIAL_MAX_STREAMS_UNI = 0x09,
    QUIC_TP_ACK_DELAY_EXPONENT = 0x0a,
    QUIC_TP_MAX_ACK_DELAY = 0x0b,
    QUIC_TP_DISABLE_ACTIVE_MIGRATION = 0x0c,
    QUIC_TP_PREFERRED_ADDRESS = 0x0d,
    QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT = 0x0e,
    QUIC_TP_INITIAL_SCID = 0x0f,
    QUIC_TP_RETRY_SCID = 0x10,
};
#define QUIC_TP_INTEGERS 0x0f /* integer parameters are among IDs below this; value[] is indexed by ID */

/* Our bound on the parameters of one extension (each distinct, RFC 9000 §7.4); more is refused. */
#define QUIC_TP_MAX_PARAMS 128

typedef struct {
    uint64_t value[QUIC_TP_INTEGERS]; /* integer parameters by ID; meaningful where present */
    uint32_t present;                 /* bit per known ID (0x00..0x10) */
    uint8_t original_dcid[QUIC_CID_MAX], initial_scid[QUIC_CID_MAX], retry_scid[QUIC_CID_MAX];
    size_t original_dcid_len, initial_scid_len, retry_scid_len;
    uint8_t stateless_reset_token[16];
    size_t count; /* parameters read, unknown ones included */
} quic_tp;

#define QUIC_TP_HAS(tp, id) (((tp)->present >> (id)) & 1u)

/* Sets a parameter of tp (for building): an integer, or a connection ID. */
void quic_tp_set(quic_tp *tp, unsigned id, uint64_t value);
void quic_tp_set_cid(quic_tp *tp, unsigned id, const uint8_t *cid, size_t len);
/* The client's parameters alpncheck sends: initial_source_connection_id and small, sane limits. */
void quic_tp_client_default(quic_tp *tp, const uint8_t *scid, size_t scid_len);
/* The server's parameters alpncheck sends: the same limits, original_destination_connection_id (the client's first
 * Destination Connection ID) and initial_source_connection_id (RFC 9000 §7.3). */
void quic_tp_server_default(quic_tp *tp, const uint8_t *odcid, size_t odcid_len, const uint8_t *scid,
                            size_t scid_len);
/* Writes tp's present parameters as extension_data. 0 or -1 (no room). */
int quic_tp_build(wire_wr *w, const quic_tp *tp);
/* Parses extension_data sent by a server (from_server) or a client: bounded, each parameter once (RFC 9000 §7.4),
 * values within §18.2's limits, server-only parameters only from a server. 0, or -1 with the reason in err. */
int quic_tp_parse(const uint8_t *p, size_t len, int from_server, quic_tp *tp, char *err);

#endif
