/*
 * What the in-process test servers (defect_server, session_server) share: a listening TCP socket on 127.0.0.1 at a
 * port the kernel picks, and one thread that accepts on it, hands each connection to the server's handler and
 * closes it, until the test stops the server.
 */
#ifndef ALPN_TEST_LOOPBACK_SERVER_H
#define ALPN_TEST_LOOPBACK_SERVER_H

/* A server's part: handle serves one accepted connection (the listener closes fd afterwards); cleanup, when not
 * NULL, releases ctx once the thread has stopped (or when the start fails). */
typedef struct {
    void (*handle)(void *ctx, int fd);
    void (*cleanup)(void *ctx);
    void *ctx;
} loopback_service;

typedef struct loopback_server loopback_server;

/* Starts svc on a free loopback port. Returns NULL on failure (svc.cleanup already called). */
loopback_server *loopback_server_start(loopback_service svc);
int loopback_server_port(const loopback_server *s);
/* Stops the thread, closes the socket, runs svc.cleanup. NULL is a no-op. */
void loopback_server_stop(loopback_server *s);

#endif
