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

/* probe_fn for run.h: ctx is a server_target. */
int server_probe(void *ctx, const scenario *s, observation *o);

#endif
