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

#endif
