/* What the two QUIC roles of the peer layer do alike: quic_probe.c (alpncheck is the client) and quic_listener.c
 * (alpncheck is the server) read the peer's CONNECTION_CLOSE into an observation the same way; only the connection
 * object that noted it differs. */
#ifndef ALPN_PEER_QUIC_PEER_H
#define ALPN_PEER_QUIC_PEER_H

#include "exchange.h"
#include "quic_spaces.h" /* quic_close_info */

/* The peer's CONNECTION_CLOSE c into o (RFC 9000 §19.19): frame type, code, reason and the packet type it came in
 * (a close in neither an Initial nor a Handshake packet is taken as 1-RTT). */
void quic_observe_close(const quic_close_info *c, observation *o);

#endif
