/* The peer side of `alpncheck proxy`: CONNECT through the proxy under test to a target alpncheck itself listens on,
 * and bytes through the tunnel both ways. */
#ifndef ALPN_PEER_PROXY_PROBE_H
#define ALPN_PEER_PROXY_PROBE_H

#include "client_peer.h"
#include "exchange.h"
#include "server_probe.h"

typedef struct {
    server_target proxy;    /* the proxy under test, and the deadline of each CONNECT (timeout_ms) */
    client_listener target;   /* alpncheck's target behind it, on loopback */
    client_listener upstream; /* fd -1, or where alpncheck listens as the upstream proxy the proxy chains to */
    char authority[80];     /* "127.0.0.1:PORT": what CONNECT asks for */
} proxy_peer;

/* Opens the target on host (a free port) and sets the authority CONNECT names. 0, or -1 with the reason. */
int proxy_peer_open(proxy_peer *p, const char *host, char *err, size_t err_cap);
/* Also listens on host:port as the upstream (parent) proxy that the proxy under test is configured to chain to. A
 * CONNECT arriving there is answered 200 and its ALPN field noted (via_upstream); alpncheck is then the tunnel's far
 * end itself (the proxy refuses to chain to an upstream for a target that is the upstream's own address). */
int proxy_peer_upstream(proxy_peer *p, const char *host, int port, char *err, size_t err_cap);
void proxy_peer_close(proxy_peer *p);

/* proxy_fn (exchange.h): ctx is a proxy_peer. */
int proxy_probe(void *ctx, const proxy_request *r, proxy_observation *o);

#endif
