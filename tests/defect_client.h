/*
 * A small TLS client on the wire engine, for tests: it connects to `alpncheck client`'s listener and reacts to the
 * server's ALPN answer the way a conforming client would — or with exactly one switchable defect. It offers
 * h2 and http/1.1 after a GREASE value (RFC 8701), and NPN too in TLS 1.2, so that every client check applies. It
 * checks no certificate: the client checks judge ALPN, not authentication.
 */
#ifndef ALPN_TEST_DEFECT_CLIENT_H
#define ALPN_TEST_DEFECT_CLIENT_H

typedef enum {
    DEFECT_CLIENT_NONE = 0,
    DEFECT_CLIENT_ACCEPT_UNOFFERED,        /* goes on with a name it did not offer */
    DEFECT_CLIENT_ACCEPT_TWO_NAMES,        /* reads only the first name of the server's list */
    DEFECT_CLIENT_ACCEPT_EMPTY_NAME,       /* takes 00 01 00 as "no protocol" */
    DEFECT_CLIENT_ACCEPT_EMPTY_LIST,       /* takes 00 00 as "no protocol" */
    DEFECT_CLIENT_ACCEPT_TRAILING,         /* ignores bytes after the server's list */
    DEFECT_CLIENT_ACCEPT_UNSOLICITED,      /* ignores an ALPN answer when it offered none */
    DEFECT_CLIENT_ACCEPT_GREASE,           /* goes on when the server selects its GREASE value */
    DEFECT_CLIENT_ACCEPT_ALPN_IN_SH,       /* TLS 1.3: takes the answer from ServerHello */
    DEFECT_CLIENT_ACCEPT_NPN_WITH_ALPN,    /* TLS 1.2: goes on when both ALPN and NPN are answered */
    DEFECT_CLIENT_WRONG_ALERT,             /* rejects with handshake_failure (40) instead of the specific alert */
    DEFECT_CLIENT_OFFER_EMPTY_NAME,        /* its offer holds an empty name */
    DEFECT_CLIENT_OFFER_H2C,               /* offers h2c too */
    DEFECT_CLIENT_OFFER_TWICE,             /* sends the ALPN extension twice */
    DEFECT_CLIENT_SILENT_CLOSE,            /* rejects by closing the connection without an alert */
    DEFECT_CLIENT_ACCEPT_0RTT_ALPN_CHANGE, /* TLS 1.3: goes on when a server accepting its early data selects
                                            * another name than the ticket's */
    DEFECT_CLIENT_ACCEPT_0RTT_ALPN_ADDED,  /* TLS 1.3: compares the selection with the ticket's only when the
                                            * ticket has a protocol: goes on when a server accepting its early data
                                            * on a ticket without one selects a name */
    DEFECT_CLIENT_COUNT
} client_defect;

/* "none", "accept-unoffered", ... */
const char *client_defect_name(client_defect d);

/* defect_client_run's return for a rejection without an alert (DEFECT_CLIENT_SILENT_CLOSE). */
#define DEFECT_CLIENT_CLOSED 256

/* One connection to host:port offering exactly TLS version tls ("1.3" or "1.2"), with an ALPN offer when offer_alpn.
 * Every read waits at most 5 s. Returns 0 when the client went on with the handshake (TLS 1.3 Finished, TLS 1.2
 * ClientKeyExchange sent), the alert description it rejected the answer with (DEFECT_CLIENT_CLOSED when it closed
 * without one), or -1 when the server aborted (alert, close, deadline) or the connection failed. */
int defect_client_run(const char *host, int port, const char *tls, int offer_alpn, client_defect d);

/* Two TLS 1.3 connections (CLI-0RTT-ALPN, CLI-0RTT-ALPN-ADDED): a full handshake that keeps the server's
 * NewSessionTicket, then a resumption offering that ticket (pre_shared_key with its binder, RFC 8446 §4.2.11) with
 * early_data and one 0-RTT record, which checks that a server accepting the early data selected the ticket's ALPN
 * (§4.2.10). Returns what defect_client_run returns, for the second connection; -1 also when the first brought no
 * ticket allowing 0-RTT. */
int defect_client_run_0rtt(const char *host, int port, client_defect d);

#endif
