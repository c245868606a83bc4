/*
 * A complete TLS server in-process, for the checks that need more than the wire-engine defect server offers:
 * HelloRetryRequest, session resumption, 0-RTT, renegotiation, and application data after the handshake.
 * It is built on OpenSSL's libssl (a second, independent stack; the harness itself speaks GnuTLS and its own wire
 * engine), and its callbacks switch on exactly one defect at a time. Server preference: h2, then http/1.1.
 */
#ifndef ALPN_TEST_SESSION_SERVER_H
#define ALPN_TEST_SESSION_SERVER_H

#include "loopback_server.h"

typedef enum {
    SESSION_OK = 0,             /* conforming: fresh selection on resumption, 0-RTT only with the ticket's ALPN,
                                 * refuses a second ClientHello whose ALPN changed after HRR, speaks what it selects */
    SESSION_RESUME_NO_ALPN,     /* on resumption, answers without ALPN (negotiation skipped for resumed sessions) */
    SESSION_EARLY_ANY_ALPN,     /* accepts 0-RTT whatever protocol the new hello selects */
    SESSION_SPEAKS_HTTP1,       /* selects h2 but answers with HTTP/1.1 */
    SESSION_HRR_ACCEPT_CHANGED, /* accepts a second ClientHello whose ALPN list differs from the first */
    SESSION_RENEG_ALLOWED,      /* conforming, and allows client-initiated TLS 1.2 renegotiation */
    SESSION_EARLY_IGNORES_TICKET_ALPN, /* compares a 0-RTT hello's ALPN with the ticket's only when both have one:
                                        * accepts early data on a ticket without ALPN whatever is selected, and
                                        * offering no ALPN on a ticket with one */
} session_defect;

/* Starts the server on a free loopback port (loopback_server_port); stop it with loopback_server_stop. Returns NULL
 * on failure. */
loopback_server *session_server_start(session_defect d);

#endif
