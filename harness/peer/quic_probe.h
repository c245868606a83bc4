/* The UDP side of a QUIC probe (issue 16): one QUIC client connection (harness/wire/quic_client.h) to a server, with
 * a deadline for the whole exchange and a retransmission timer, up to the server's Finished, a CONNECTION_CLOSE or an
 * error. The connection object then holds what the server did (ALPN and where, the close, Retry, transport
 * parameters). quic_server_probe is the probe_fn of `alpncheck server --quic`: a probe request in, an observation
 * out, as server_probe does over TCP. */
#ifndef ALPN_PEER_QUIC_PROBE_H
#define ALPN_PEER_QUIC_PROBE_H

#include "quic_client.h"
#include "server_probe.h"

/* quic_probe and quic_session_probe: the server sent more than a handshake takes (1 MiB, or 1024 datagrams) and was
 * cut off before the deadline; the reason is in err. */
#define QUIC_PROBE_CUT_OFF (-2)

/* Runs one handshake against host:port (UDP) with QUIC version and the ClientHello of p (TLS 1.3). Returns a
 * quic_client_state (DONE, CLOSED), -1 with the reason in err (the deadline, a socket error, q->error), or
 * QUIC_PROBE_CUT_OFF. q is the caller's (about 1 MiB: give it static or heap storage). */
int quic_probe(const char *host, const char *port, uint32_t version, const wire_client_params *p, int timeout_ms,
               quic_client *q, char *err, size_t err_cap);

/* A whole connection (quic_client_start_session): the handshake with our Finished, then up to ticket_ms more for the
 * server's NewSessionTicket and HANDSHAKE_DONE; then closed (NO_ERROR). The ticket, if any, is q->tls.ticket. Returns
 * a quic_client_state (DONE once the handshake completed, ticket or not; CLOSED), or -1 or QUIC_PROBE_CUT_OFF with
 * the reason in err. */
int quic_session_probe(const char *host, const char *port, uint32_t version, const wire_client_params *p,
                       const quic_tp *remembered, int timeout_ms, int ticket_ms, quic_client *q, char *err,
                       size_t err_cap);

/* A QUIC server under test: where (host, port, SNI, per-connection timeout, the run's deadline) and which version;
 * conn is the last connection's state (about 1 MiB: keep the target on the heap). */
typedef struct {
    server_target t;
    uint32_t version;
    quic_client conn;
} quic_target;

/* probe_fn (exchange.h) over QUIC: ctx is a quic_target. The request's TLS version must be "1.3" (RFC 9001 §4.2). The
 * observation says OBS_QUIC; a CONNECTION_CLOSE goes into its quic_close fields (a crypto error is the alert,
 * observation_alert), the server's Finished into completed. Silence until the deadline is an error, unless the
 * server's Initial came (then the handshake is incomplete, as for a stalled TCP server); frames or TLS messages that
 * cannot be taken are a malformed answer. */
int quic_server_probe(void *ctx, const probe_request *r, observation *o);

/* resume_fn of exchange.h over QUIC (ctx a quic_target): a whole connection offering a[0] that keeps the server's
 * ticket, then one resuming with it offering b[0] (a full handshake when no ticket came, with that in its note). */
int quic_resume_probe(void *ctx, const char *tls, const alpn_name *a, size_t na, const alpn_name *b, size_t nb,
                      session_observation *first, session_observation *second);

/* early_fn of exchange.h over QUIC: the 0-RTT sequences with 0-RTT packets under the ticket's early keys (RFC 9001
 * §4.6), each from a fresh ticket. A server without tickets, or whose tickets allow no 0-RTT, leaves the control
 * without early data and its note says which. */
int quic_early_probe(void *ctx, early_sequence seq, const alpn_name *a, const alpn_name *b,
                     session_observation *control, session_observation *test);

#endif
