/* What the small C peers of the matrix (harness/peers/{boringssl,wolfssl,mbedtls}) share, so that each of them holds
 * only its TLS library's calls: loopback sockets with deadlines, one process per connection, the command lines, the
 * ALPN list in the forms the libraries take, the minimal HTTP answer and the escaped report of what was negotiated. */
#ifndef PEER_NET_H
#define PEER_NET_H

#include <stddef.h>

#define PEER_DEFAULT_ALPN "h2,http/1.1"
#define PEER_MAX_NAMES    32

struct peer_server_args {
    const char *port, *cert, *key, *alpn;
};
struct peer_client_args {
    const char *host, *port, *ca, *alpn, *name;
};

/* PORT CERT KEY [ALPN-LIST]; 0, or -1 after printing the usage line for PROGRAM. */
int peer_server_args(int argc, char **argv, struct peer_server_args *a);
/* HOST PORT CA-FILE ALPN-LIST [SERVER-NAME] (default localhost); an empty ALPN-LIST means no ALPN extension. */
int peer_client_args(int argc, char **argv, struct peer_client_args *a);

/* Listens on 127.0.0.1:PORT of A, says so on stdout with A's ALPN list and LIBRARY, and serves each connection in a
 * child process of its own: SERVE(CTX, the connection, its reads and writes bounded by PEER_IO_SECONDS). Returns
 * only in a child, 0 after SERVE, or 2 when it cannot listen. */
int peer_serve(const struct peer_server_args *a, const char *library, void (*serve)(void *ctx, int fd), void *ctx);
/* A connection to HOST:PORT within PEER_IO_SECONDS, reads and writes bounded alike, or -1 after printing why. */
int peer_connect(const char *host, const char *port);
#define PEER_IO_SECONDS 10

/* LIST (comma-separated) as a ProtocolNameList body (length-prefixed names, RFC 7301 §3.1) in OUT; its length, or
 * -1 when a name is empty or longer than 255 bytes or OUT is too small. */
int peer_alpn_wire(const char *list, unsigned char *out, size_t cap);
/* An ALPN list as a NULL-terminated array of names (v), their text in buf. */
struct peer_names {
    char buf[1024];
    const char *v[PEER_MAX_NAMES];
};
/* LIST (comma-separated) split into OUT; -1 after printing why when a name is empty or longer than 255 bytes, or
 * they do not fit. */
int peer_alpn_names(const char *list, struct peer_names *out);

/* Reads and writes of one TLS connection, as the library does them: bytes moved, or <= 0 at the end or on error. */
typedef long (*peer_io)(void *conn, void *buf, size_t len);
/* Speaks the negotiated protocol just enough for SRV-PROTOCOL-DEFINITIVE: an HTTP/2 SETTINGS frame after "h2"
 * (RFC 9113 §3.4), an HTTP/1.1 answer to the first request otherwise. */
void peer_answer(const unsigned char *proto, size_t len, peer_io rd, peer_io wr, void *conn, const char *who);
/* "negotiated: "h2" (TLSv1.3)" on stdout, the name escaped (it comes from the peer), or "negotiated: none". */
void peer_print_negotiated(const char *prefix, const unsigned char *proto, size_t len, const char *version);

#endif
