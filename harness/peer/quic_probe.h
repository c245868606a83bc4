/* The UDP side of a QUIC probe (issue 16): one QUIC client connection (harness/wire/quic_client.h) to a server, with
 * a deadline for the whole exchange and a retransmission timer, up to the server's Finished, a CONNECTION_CLOSE or an
 * error. The connection object then holds what the server did (ALPN and where, the close, Retry, transport
 * parameters). Not yet wired to the checks: that is the server-checks part of issue 16. */
#ifndef ALPN_PEER_QUIC_PROBE_H
#define ALPN_PEER_QUIC_PROBE_H

#include "quic_client.h"

/* Runs one handshake against host:port (UDP) with QUIC version and the ClientHello of p (TLS 1.3). Returns a
 * quic_client_state (DONE, CLOSED), or -1 with the reason in err (the deadline, a socket error, q->error). q is the
 * caller's (about 1 MiB: give it static or heap storage). */
int quic_probe(const char *host, const char *port, uint32_t version, const wire_client_params *p, int timeout_ms,
               quic_client *q, char *err, size_t err_cap);

#endif
