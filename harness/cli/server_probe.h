/* The probe `alpncheck server` uses: one scenario, one TCP connection to the target, one observation. */
#ifndef ALPN_CLI_SERVER_PROBE_H
#define ALPN_CLI_SERVER_PROBE_H

#include "checks.h"

typedef struct {
    char host[256];
    char port[8];
    char sni[256]; /* empty: no server_name extension */
    int timeout_ms; /* for connecting and for every read */
} server_target;

/* Milliseconds on a monotonic clock. */
double probe_now_ms(void);

/* Opens a TCP connection to the target, non-blocking, by the deadline (probe_now_ms() based). Returns the socket, or
 * -1 with the reason in err. */
int probe_dial(const server_target *t, double deadline, char *err, size_t err_cap);

/* probe_fn for run.h: ctx is a server_target. */
int server_probe(void *ctx, const scenario *s, observation *o);

#endif
