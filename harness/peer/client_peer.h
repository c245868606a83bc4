/* The server side of `alpncheck client`: a loopback listener that plays one client request per connection. */
#ifndef ALPN_PEER_CLIENT_PEER_H
#define ALPN_PEER_CLIENT_PEER_H

#include "exchange.h"
#include "server_probe.h"
#include "wire_conn.h"
#include "wire_server.h"

/* How long a client that has connected may take to send its whole ClientHello (at most; the check's deadline may come
 * first). Clients send it at once; this bounds what a client that connects and stays silent costs a check. */
#define CLIENT_HELLO_WAIT_MS 2000

typedef struct {
    int fd;            /* the listening socket */
    char host[64];     /* as given */
    int port;          /* the bound port (the kernel's choice for 0) */
    int timeout_ms;    /* the deadline of each check: the client's connection, then every read */
    probe_run_limit run; /* the run's deadline: cuts every check's, and no check starts after it */
    wire_identity *id; /* the certificate presented */
    /* Optional: 1 once the client under test has ended (its command exited), so that waiting for its connection
     * stops early; NULL to wait for the whole deadline. */
    int (*gone)(void *ctx, int *status);
    void *gone_ctx;
    /* Set by client_serve when the last client connected but sent no ClientHello in CLIENT_HELLO_WAIT_MS: a client
     * that is not speaking TLS is not waited for when its check ends. */
    int hello_missing;
    /* Set: alpncheck is the client's HTTP proxy (alpncheck client --proxy): every connection starts with a CONNECT
     * request, answered 200, and the TLS handshake follows through that tunnel. */
    int proxy;
    /* Set before client_listener_open: alpncheck client --quic, a UDP socket (quic_listener.c serves it). */
    int quic;
} client_listener;

/* Listens on host:port (port 0: a free one), TCP, or UDP with l->quic. Returns 0, or -1 with the reason in err. */
int client_listener_open(client_listener *l, const char *host, int port, char *err, size_t err_cap);
void client_listener_close(client_listener *l);
/* Accepts and closes connections already waiting (a client that connected more than once; over UDP: discards the
 * datagrams waiting), so that the next check starts with a fresh connection. Returns how many were dropped. */
int client_listener_drain(client_listener *l);

/* client_serve_fn (exchange.h): accepts one connection by the deadline and answers it as the request says (ctx: a
 * listener). */
int client_serve(void *ctx, const client_request *s, observation *o);

/* The offer and versions of a ClientHello the server object took, into o (hello_seen, offer_*). */
void client_note_offer(const wire_server_conn *sv, observation *o);

/* client_serve_fn over QUIC (quic_listener.c; ctx: a listener opened with quic): the client's Initials on the UDP
 * socket by the deadline, the check's answer in a QUIC server flight (TLS 1.3 only, RFC 9001 §4.2), the client's
 * Finished (accepted) or CONNECTION_CLOSE (quic_close fields; a crypto error is the alert, observation_alert). */
int client_serve_quic(void *ctx, const client_request *s, observation *o);

#endif
