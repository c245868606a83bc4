/*
 * The harness's reference TLS client for the client checks: GnuTLS doing the handshake, with every ALPN rule of
 * the server's answer enforced by libalpn in a handshake hook — what GnuTLS 3.7.9 alone does not do (it accepts an
 * unoffered name, two names, an empty name or trailing bytes). It offers a GREASE value, h2 and http/1.1, TLS 1.2
 * and 1.3, trusts the given CA and expects the name localhost.
 */
#ifndef ALPN_TEST_GOOD_CLIENT_H
#define ALPN_TEST_GOOD_CLIENT_H

/* One connection to host:port. Returns 0 when the handshake completed, else the alert it sent (> 0) or -1 for
 * another failure. */
int good_client_run(const char *host, int port, const char *ca_pem, int offer_alpn);

/* CLI-0RTT-ALPN's (and CLI-0RTT-ALPN-ADDED's) two connections: a full handshake that receives a ticket, then a
 * resumption with early data. With check_ticket_alpn the client refuses (illegal_parameter) a server that accepts the
 * early data under another ALPN protocol than the ticket's (RFC 8446 §4.2.10); without it, it does what GnuTLS 3.7.9
 * does alone. Returns what good_client_run returns, for the second connection; -1 when the first gave no ticket. */
int good_client_run_0rtt(const char *host, int port, const char *ca_pem, int check_ticket_alpn);

/* 0 switches the hook's ALPN rules off (every later run, until switched on again): GnuTLS 3.7.9 alone. */
void good_client_set_rules(int on);

#endif
