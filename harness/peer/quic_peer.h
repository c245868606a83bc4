/* What the two QUIC roles of the peer layer do alike: quic_probe.c (alpncheck is the client) and quic_listener.c
 * (alpncheck is the server) send their connection object's datagrams the same way and read the peer's
 * CONNECTION_CLOSE into an observation the same way; only the connection object differs. */
#ifndef ALPN_PEER_QUIC_PEER_H
#define ALPN_PEER_QUIC_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "exchange.h"
#include "quic_spaces.h" /* quic_close_info, QUIC_DATAGRAM_MAX */

/* Where a connection's datagrams come from: next is its object's datagram function (quic_client_datagram or
 * quic_server_datagram behind conn), which fills d[0..cap) and returns the length, 0 when nothing is to be sent, or
 * -1 with the reason in error (the object's error text). */
typedef struct {
    long (*next)(void *conn, uint8_t *d, size_t cap, int again);
    void *conn;
    const char *error;
} quic_datagram_source;

/* Sends every datagram src has now over the UDP socket fd, to `to` (NULL with to_len 0 on a connected socket). again
 * (our flight once more: the peer was silent) goes with the first datagram asked for only. 0, or -1 with the reason
 * in err: the socket's, or the connection's. */
int quic_send_pending(const quic_datagram_source *src, int fd, const struct sockaddr *to, socklen_t to_len, int again,
                      char *err, size_t err_cap);

/* The peer's CONNECTION_CLOSE c into o (RFC 9000 §19.19): frame type, code, reason and the packet type it came in
 * (a close in neither an Initial nor a Handshake packet is taken as 1-RTT). */
void quic_observe_close(const quic_close_info *c, observation *o);

#endif
