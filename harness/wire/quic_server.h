/*
 * A QUIC server connection (alpncheck client --quic): the wire server object's TLS 1.3 handshake (wire_conn.h) carried
 * in CRYPTO frames of Initial and Handshake packets (RFC 9001 §4). It takes the client's Initials (keys from the
 * client's first Destination Connection ID, version 1 or 2 as the client speaks), reassembles its ClientHello however
 * many packets it spans, answers with the crafted flight and our quic_transport_parameters, and reads the client's
 * reaction: its Finished, or its CONNECTION_CLOSE and the packet type that carried it. Bytes in and bytes out: the
 * peer layer sends the datagrams it asks for, hands it those it receives and keeps the clock (a retransmission is a
 * call with again set). What it sends stays within three times what it received until the client's address is
 * validated (RFC 9000 §8.1).
 */
#ifndef ALPN_QUIC_SERVER_H
#define ALPN_QUIC_SERVER_H

#include "quic.h"
#include "quic_spaces.h"
#include "wire_conn.h"

#define QUIC_SERVER_CID   8 /* the length of the connection ID we choose */
#define QUIC_SERVER_ERROR (WIRE_ERROR_MAX + QUIC_ERROR_MAX)

typedef enum {
    QUIC_SERVER_MORE = 0,   /* go on: send what quic_server_datagram has, wait for more */
    QUIC_SERVER_HELLO = 1,  /* the client's whole ClientHello is in (tls.ch): answer it with quic_server_answer */
    QUIC_SERVER_DONE = 2,   /* the client's Finished arrived (tls.client_finished_ok: it verified) */
    QUIC_SERVER_CLOSED = 3, /* the client sent CONNECTION_CLOSE: see close_* */
} quic_server_state;

typedef struct {
    wire_server_conn tls;
    int started;                 /* the client's first Initial was taken */
    uint8_t odcid[QUIC_CID_MAX]; /* the client's first Destination Connection ID (Initial keys, §7.3) */
    size_t odcid_len;
    uint8_t scid[QUIC_SERVER_CID]; /* ours */
    uint8_t dcid[QUIC_CID_MAX];    /* the client's Source Connection ID: where we send */
    size_t dcid_len;
    uint8_t tp[128]; /* our quic_transport_parameters */
    size_t tp_len;
    quic_spaces sp;
    size_t received, sent; /* datagram bytes, for the anti-amplification limit (RFC 9000 §8.1) */
    int validated;         /* a Handshake packet of the client arrived: its address is validated (§8.1) */
    int hello;             /* its ClientHello was taken */
    int answered;          /* our flight is queued */
    int complete;          /* its Finished arrived */
    int done_sent;         /* HANDSHAKE_DONE was sent (RFC 9001 §4.1.2) */
    /* The client's quic_transport_parameters (RFC 9001 §8.2), and what is wrong with them (RFC 9000 §7.3, §18). */
    int client_tp;
    char client_tp_error[QUIC_ERROR_MAX];
    /* Its CONNECTION_CLOSE. */
    int closed;
    quic_close_info close;
    char error[QUIC_SERVER_ERROR];
} quic_server;

/* A connection waiting for a client's first Initial, presenting identity id. */
void quic_server_start(quic_server *q, const wire_identity *id);

/* Takes one received datagram (changed in place: packets are opened where they lie). Before the first Initial is
 * taken, only a datagram of at least 1200 bytes (RFC 9000 §14.1) whose first packet is an Initial of version 1 or 2
 * with a Destination Connection ID of at least 8 bytes (§7.2) starts the connection; afterwards packets of other
 * connection IDs or versions, and packets that do not open, are dropped (RFC 9001 §5.5). Returns a quic_server_state,
 * or -1 with q->error when the handshake cannot go on (a malformed ClientHello, hostile frames). */
int quic_server_receive(quic_server *q, uint8_t *dgram, size_t len);

/* Queues the flight answering the ClientHello: ServerHello in Initial, EncryptedExtensions (with our transport
 * parameters) .. Finished in Handshake packets (wire_server_answer13). 0, or -1 with q->error. */
int quic_server_answer(quic_server *q, const wire_server_answer *a);

/* The next datagram to send (at most cap bytes): ACKs, our CRYPTO data not yet sent, HANDSHAKE_DONE once the client's
 * Finished is in; a datagram with an ack-eliciting Initial is padded to 1200 bytes (RFC 9000 §14.1). again: resend
 * our CRYPTO data from the start (the peer layer's timer expired without a reaction). Returns its length, 0 when
 * nothing is to be sent (or the anti-amplification limit allows nothing more), -1 with q->error. */
long quic_server_datagram(quic_server *q, uint8_t *out, size_t cap, int again);

/* A datagram closing the connection with a transport error code (CONNECTION_CLOSE 0x1c) in every packet number
 * space we have keys for (RFC 9000 §10.2.3): 0x0100 + alert for a TLS alert (RFC 9001 §4.8). Returns its length,
 * or -1. */
long quic_server_close(quic_server *q, uint8_t *out, size_t cap, uint64_t code);

#endif
