/*
 * A QUIC client connection (alpncheck server --quic): the wire client object's TLS 1.3 handshake (wire_conn.h)
 * carried in CRYPTO frames of Initial and Handshake packets (RFC 9001 §4), with packet protection from the secrets the
 * object exports. Bytes in and bytes out: the peer layer sends the datagrams it asks for and hands it those it
 * receives, and keeps the clock (a retransmission is a call with again set). A probe reads the server's flight up to
 * its Finished, so that ALPN is seen wherever the server puts it, and notes a CONNECTION_CLOSE, a Retry (RFC 9000
 * §17.2.5) and a Version Negotiation (§6). A session (quic_client_start_session) goes on to a whole connection: our
 * Finished, 1-RTT packets, the server's tickets, and 0-RTT when it resumes (RFC 9001 §4.6).
 */
#ifndef ALPN_QUIC_CLIENT_H
#define ALPN_QUIC_CLIENT_H

#include "quic.h"
#include "quic_spaces.h" /* QUIC_SPACE_*, QUIC_SPACES, QUIC_DATAGRAM_MAX */
#include "wire_conn.h"

#define QUIC_CLIENT_CID 8            /* the length of the connection IDs we choose */
#define QUIC_CLIENT_ERROR (WIRE_ERROR_MAX + QUIC_ERROR_MAX)

typedef enum {
    QUIC_CLIENT_MORE = 0,   /* go on: send what quic_client_datagram has, wait for more */
    QUIC_CLIENT_DONE = 1,   /* the server's flight is complete (its Finished) */
    QUIC_CLIENT_CLOSED = 2, /* the server sent CONNECTION_CLOSE: see close */
} quic_client_state;

typedef struct {
    wire_client_conn tls;
    uint8_t odcid[QUIC_CLIENT_CID], scid[QUIC_CLIENT_CID]; /* our first Destination and our Source Connection ID */
    uint8_t dcid[QUIC_CID_MAX];                            /* where we send now (the server's choice, §7.2) */
    size_t dcid_len;
    uint8_t token[512]; /* a Retry's token, echoed in our Initials */
    size_t token_len;
    uint8_t tp[128]; /* our quic_transport_parameters */
    size_t tp_len;
    quic_spaces sp; /* keys, packet numbers, ACKs, CRYPTO streams; its version is the connection's */
    /* What the server did. */
    int server_initial; /* an Initial of the server was opened */
    int retried;        /* a Retry was accepted */
    uint8_t retry_scid[QUIC_CID_MAX];
    size_t retry_scid_len;
    int complete;
    quic_close_info close;   /* its CONNECTION_CLOSE */
    uint8_t vn_versions[64]; /* a Version Negotiation's versions (the first 16) */
    size_t vn_count;
    int server_tp;                    /* its quic_transport_parameters were read */
    char tp_error[QUIC_ERROR_MAX];    /* empty, or why they are wrong (RFC 9000 §7.3, §18) */
    char error[QUIC_CLIENT_ERROR];
    /* A whole connection (quic_client_start_session): our Finished, 1-RTT packets, tickets, 0-RTT. */
    int session;
    quic_tp server_params;     /* the server's transport parameters, remembered with a ticket (RFC 9000 §7.4.1) */
    const quic_tp *remembered; /* resuming: those of the connection that issued the ticket; NULL: none */
    quic_keys tx_early;        /* 0-RTT packet protection from client_early_traffic_secret (RFC 9001 §5.1) */
    int early_ok, early_sent;  /* the keys exist; 0-RTT packets went out */
    uint64_t early_pn;         /* the packet number of the first 0-RTT packet */
    int early_acked;           /* a 1-RTT ACK of the server covers it: the server opened our 0-RTT packet */
    int handshake_done;        /* a HANDSHAKE_DONE frame arrived (RFC 9000 §19.20) */
    char note[QUIC_ERROR_MAX]; /* empty, or what the server did against RFC 9001 §4.6.1 / RFC 9000 §7.4.1 */
} quic_client;

/* Starts a connection of a version (QUIC_V1, QUIC_V2) whose ClientHello is p's plus our transport parameters.
 * 0, or -1 with q->error. */
int quic_client_start(quic_client *q, uint32_t version, const wire_client_params *p);

/* The same for a whole connection: after the server's Finished our own goes out in a Handshake packet, 1-RTT packets
 * are read and acknowledged, NewSessionTickets in application CRYPTO frames become q->tls.ticket, HANDSHAKE_DONE is
 * noted. With p->resume and p->early_data, 0-RTT packets (a PING) go out with the first Initial under the ticket's
 * early keys; remembered holds the transport parameters that came with the ticket (NULL: none), which a server
 * accepting 0-RTT must not reduce (RFC 9000 §7.4.1). 0, or -1 with q->error. */
int quic_client_start_session(quic_client *q, uint32_t version, const wire_client_params *p, const quic_tp *remembered);

/* The next datagram to send (at most cap bytes, cap >= 1200): our CRYPTO data not yet sent, ACKs; a datagram with an
 * Initial packet padded to 1200 bytes (RFC 9000 §14.1). again: resend our CRYPTO data from the start (the peer layer's
 * retransmission timer expired before the server answered). Returns its length, 0 when nothing is to be sent, -1
 * with q->error. */
long quic_client_datagram(quic_client *q, uint8_t *out, size_t cap, int again);

/* Takes one received datagram (changed in place: packets are opened where they lie). Packets that do not open are
 * dropped (RFC 9001 §5.5 allows no other answer). Returns a quic_client_state, or -1 with q->error when the
 * handshake cannot go on (a Version Negotiation without our version, a TLS message we cannot take, hostile frames). */
int quic_client_receive(quic_client *q, uint8_t *dgram, size_t len);

/* A datagram closing the connection with a transport error code (CONNECTION_CLOSE 0x1c) in every packet number
 * space we have keys for (RFC 9000 §10.2.3; 1-RTT only in a session). Returns its length, or -1. */
long quic_client_close(quic_client *q, uint8_t *out, size_t cap, uint64_t code);

#endif
