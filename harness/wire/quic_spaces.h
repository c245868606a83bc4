/*
 * What both ends of a QUIC connection keep per packet number space (RFC 9000 §12.3): the packet protection keys of
 * each direction made from the TLS object's exported secrets (RFC 9001 §5.1), packet numbers sent and received, owed
 * ACKs, our CRYPTO streams of Initial and Handshake (kept for retransmission) and the peer's, reassembled and cut into
 * handshake messages. Both connections are built on it: the server (quic_server.c) and the client (quic_client.c).
 */
#ifndef ALPN_QUIC_SPACES_H
#define ALPN_QUIC_SPACES_H

#include <stddef.h>

#include "quic.h"
#include "wire_conn.h"

enum { QUIC_SPACE_INITIAL = 0, QUIC_SPACE_HANDSHAKE = 1, QUIC_SPACE_APP = 2, QUIC_SPACES = 3 };
#define QUIC_DATAGRAM_MAX 1452 /* what we send at most; also our max_udp_payload_size */

/* The failure path of both connections: the reason, formatted, into error[0..cap); returns -1. QUIC_FAIL(q, ...)
 * writes it into q->error. */
int quic_fail(char *error, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define QUIC_FAIL(q, ...) quic_fail((q)->error, sizeof(q)->error, __VA_ARGS__)

extern const wire_level quic_space_level[QUIC_SPACES];
extern const quic_ptype quic_space_type[QUIC_SPACES];

typedef struct {
    uint32_t version;
    int peer; /* WIRE_FROM_CLIENT or WIRE_FROM_SERVER: whose packets we open (we seal with the other direction) */
    quic_keys rx[QUIC_SPACES], tx[QUIC_SPACES];
    unsigned rx_ok, tx_ok; /* bit per space */
    uint64_t next_pn[QUIC_SPACES], largest_rx[QUIC_SPACES];
    unsigned have_rx; /* bit per space: a packet was opened (largest_rx is meaningful) */
    int ack_pending[QUIC_SPACES];
    uint8_t tx_crypto[2][WIRE_OUTBOX_MAX]; /* our CRYPTO streams of Initial and Handshake */
    size_t tx_crypto_len[2], crypto_sent[2];
    quic_crypto_stream rx_crypto[QUIC_SPACES];
    wire_msg_reader reader[QUIC_SPACES];
} quic_spaces;

/* The peer's CONNECTION_CLOSE (RFC 9000 §19.19): frame type, codes, the packet type it came in, the first bytes of
 * its reason phrase. */
typedef struct {
    quic_ptype type;
    uint64_t frame, code, frame_type;
    uint8_t reason[256];
    size_t reason_len; /* its full length; reason holds the first 256 bytes */
} quic_close_info;

void quic_close_note(quic_close_info *c, const quic_frame *f, quic_ptype pt);

/* The next packet of datagram dgram[0..len) from *pos on (header into h, Destination Connection IDs of short headers
 * cid_len bytes long), *pos moved past it. The packet's start, or NULL at the end of the datagram or where what
 * follows cannot be parsed (RFC 9000 §12.2: that ends the datagram; the packets before it stand). */
uint8_t *quic_next_packet(uint8_t *dgram, size_t len, size_t *pos, size_t cid_len, quic_header *h);

/* Empty spaces of a version, opening the packets of peer. */
void quic_spaces_init(quic_spaces *sp, uint32_t version, int peer);
/* Initial keys of both directions from the client's first Destination Connection ID (RFC 9001 §5.2). 0 or -1. */
int quic_spaces_initial(quic_spaces *sp, const uint8_t *dcid, size_t dcid_len);
/* Handshake and 1-RTT keys of the secrets c exported since the last call. */
void quic_spaces_install(quic_spaces *sp, const wire_conn *c);
/* Moves the TLS object's queued messages of INITIAL and HANDSHAKE onto our CRYPTO streams. 0, or -1 for a message of
 * another level or one that does not fit (its level in *level). */
int quic_spaces_queue(quic_spaces *sp, wire_outbox *ob, wire_level *level);
/* Our CRYPTO data again from the start, and an ACK for every space that received a packet (a retransmission). */
void quic_spaces_again(quic_spaces *sp);

/* Opens packet pkt of space s (h from quic_parse_header) with packet number recovery, noting the largest received.
 * 0 with its frames at pkt[*off..+*len), or -1 (keys missing, or it does not open: dropped, RFC 9001 §5.5). */
int quic_spaces_open(quic_spaces *sp, int s, uint8_t *pkt, const quic_header *h, size_t *off, size_t *len);
/* Takes frame f of space s: an ACK becomes owed for an ack-eliciting frame (RFC 9000 §13.2.1), CRYPTO data goes into
 * the space's stream and whatever is now contiguous into its message reader. 0, or -1 with the reason in err. */
int quic_spaces_take(quic_spaces *sp, int s, const quic_frame *f, char *err);

/* The frames of space s's next packet into fw: the ACK owed, then as much of our CRYPTO stream as fits in room bytes.
 * Returns the CRYPTO bytes written (count them sent with quic_spaces_sent once the packet is sealed). */
size_t quic_spaces_frames(quic_spaces *sp, int s, wire_wr *fw, size_t room);
void quic_spaces_sent(quic_spaces *sp, int s, size_t crypto_bytes);
/* Seals frames as the next packet of space s onto w with the header fields of spec (its type is the space's), at
 * least min_len bytes long. 0 or -1. */
int quic_spaces_seal(quic_spaces *sp, int s, wire_wr *w, const quic_packet_spec *spec, const uint8_t *frames,
                     size_t len, size_t min_len);

#endif
