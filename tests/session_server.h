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
    SESSION_EARLY_CLOSES,   /* conforming, and ends a connection during 0-RTT as nginx does: a whole HTTP/1.x request
                             * head in the early data is answered at once (0.5-RTT) and the connection closed without
                             * waiting for the client's Finished; with h2 selected, early data that is not the
                             * connection preface closes it too (RFC 9113 §3.4) */
    SESSION_TICKET_AFTER_DATA, /* conforming, and in TLS 1.3 sends its first answer (h2: SETTINGS) unprompted right
                                * after the handshake, its NewSessionTicket only after it (lighttpd with mod_nss) */
} session_defect;

/* Starts the server on a free loopback port (loopback_server_port); stop it with loopback_server_stop. Returns NULL
 * on failure. */
loopback_server *session_server_start(session_defect d);

#endif
