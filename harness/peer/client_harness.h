/*
 * The client side of `alpncheck client` around the checks: alpncheck's identity and listener, the CA file the client
 * trusts, the session file for CLI-0RTT-ALPN, and the client under test — an --exec command run once per check in its
 * own process group (killed after the check, and on SIGINT/SIGTERM/SIGHUP), or a person told what to run. This and
 * the rest of harness/peer/ are the only code that touches sockets, processes and time.
 */
#ifndef ALPN_PEER_CLIENT_HARNESS_H
#define ALPN_PEER_CLIENT_HARNESS_H

#include <sys/types.h>

#include "client_peer.h"
#include "exchange.h"

#define CMD_MAX 32768

/* The --exec driver (client_driver of exchange.h). */
typedef struct {
    const char *cmd, *cmd_no_alpn; /* templates; NULL: manual */
    const char *cmd_0rtt;          /* the template for CLI-0RTT-ALPN; NULL: that check is SKIP with --exec */
    const char *offer;
    char host[64], port[8], ca[512];
    char session[512]; /* {session}: a temporary file for the client's saved session, "" when none */
    int log_fd;        /* -1: output discarded */
    int timeout_ms;
    pid_t pid;  /* the running command (the shell), 0 once reaped */
    pid_t pgid; /* its process group, 0 when none is running */
    int status; /* its exit status once reaped, -1 before */
    size_t done, total;
    client_listener *listener;
    char command[CMD_MAX]; /* the running check's sh -c text: the template, values by reference (ALPNCHECK_*) */
} exec_driver;

/* What `alpncheck client` asks for. */
typedef struct {
    const char *cmd, *cmd_no_alpn, *cmd_0rtt; /* --exec templates; cmd NULL: manual mode */
    const char *offer;                        /* {alpn} */
    const char *host;                         /* --listen host; port 0 for a free one */
    int port;
    int timeout_ms;
    int deadline_s;       /* the run's deadline in seconds, from client_harness_open; 0: none */
    const char *ca_out;   /* keep the CA here; NULL: a temporary file removed at the end */
    const char *log_path; /* append the client's output here; NULL: discarded */
    int quic;             /* alpncheck client --quic: listen on UDP (client_serve_quic) */
} client_harness_config;

typedef struct {
    exec_driver d;
    client_listener l;
    wire_identity *id;
    int tmp_ca; /* d.ca is a temporary file of ours */
} client_harness;

/* A template may use only {host} {port} {ca} {alpn} {session}; any other {word} of lower-case letters, digits, '-' and
 * '_' is refused as a misspelt placeholder, and a placeholder inside single quotes is refused. Values never become
 * shell text: the command gets them in ALPNCHECK_HOST, _PORT, _CA, _ALPN, _SESSION and each placeholder becomes a
 * quoted reference to its variable. 0, or -1 with the reason and the way out in err. */
int exec_check_placeholders(const char *option, const char *tmpl, char *err, size_t err_cap);

/* Creates the identity, the CA file, the session file (with cmd_0rtt), opens the log and listens; installs the signal
 * handlers that kill a running command and remove the temporary files. 0, or -1 with the reason in err (everything
 * undone). */
int client_harness_open(client_harness *h, const client_harness_config *c, char *err, size_t err_cap);
/* Stops listening, removes the temporary files, restores the signal handlers. */
void client_harness_close(client_harness *h);
/* The driver that runs the client under test for each check. */
client_driver client_harness_driver(client_harness *h);

#endif
