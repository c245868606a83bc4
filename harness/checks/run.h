/*
 * Running the server checks: the catalogue over the chosen TLS versions, filters, profile discovery and the
 * two-connection preference check. Connections go through a probe callback (the peer layer), so this file never
 * touches a socket.
 */
#ifndef ALPN_CHECKS_RUN_H
#define ALPN_CHECKS_RUN_H

#include "checks.h"
#include "exchange.h"
#include "result.h"

typedef struct {
    const char *tls[2];        /* versions to run, e.g. {"1.3", "1.2"}; NULL-terminated when fewer */
    unsigned transport;        /* CHECK_TRANSPORT_QUIC: the probe speaks QUIC (TLS 1.3 only); 0 or _TCP: TCP */
    const char *only;          /* comma-separated IDs, or NULL for all */
    const char *skip;          /* comma-separated IDs to leave out, or NULL */
    const known_failures *known;
    void (*progress)(void *ctx, size_t done, size_t total, const result *last); /* may be NULL */
    void *progress_ctx;
    resume_fn resume;          /* the GnuTLS path, for SRV-RESUME-FRESH; NULL: that check is SKIPped */
    speak_fn speak;            /* the GnuTLS path, for SRV-PROTOCOL-DEFINITIVE; NULL: SKIPped */
    early_fn early;            /* the GnuTLS path, for the 0-RTT checks; NULL: SKIPped */
    reneg_fn reneg;            /* the GnuTLS path, for SRV-RENEG-ALPN; NULL: SKIPped */
    void *resume_ctx;          /* ctx of these */
    altsvc_fn altsvc;          /* the GnuTLS path, for SRV-ALT-SVC (ctx resume_ctx); NULL: SKIPped */
} run_options;

/* 1 when id is named in the comma-separated list (exact match of an element). */
int id_listed(const char *list, const char *id);

/* 1 when the run takes check id: named in --only (or no --only) and not in --skip. */
int run_selects(const run_options *opt, const char *id);

/* Checks that every ID in a comma-separated list is one that known(id, len) accepts. Returns 0, or -1 with the
 * unknown ID in err ("'X' is not a KIND check ID"). */
int validate_ids(const char *list, int (*known)(const char *id, size_t len), const char *kind, char *err,
                 size_t err_cap);

/* Checks that every ID in a comma-separated list is a server check. Returns 0, or -1 with the unknown ID in err. */
int validate_id_list(const char *list, char *err, size_t err_cap);

/* Discovery's bounds: candidates taken from the registry, and connections in all (the fallback's splitting, single
 * names and reordering stop there). */
#define DISCOVERY_CANDIDATES_MAX  256
#define DISCOVERY_MAX_CONNECTIONS 64

/* What discovery did, for the report's profile text. */
typedef struct {
    int connections;         /* handshakes used */
    int excluded;            /* registry names never offered (discovery_excluded), GREASE aside */
    int fallback;            /* 1: the full offer was refused, smaller offers were used */
    int first_refusal_alert; /* that refusal: the alert, -1 when the server closed the connection */
    int refused_offers;      /* offers refused in all */
    int order_unknown;       /* the learnt names could not be offered together to learn their order */
    int budget_spent;        /* DISCOVERY_MAX_CONNECTIONS reached */
} discovery_info;

/* Learns the server's supported names, most preferred first: offers every registered and well-known unregistered
 * name but GREASE and discovery_excluded ones, records the selection, removes it and offers the rest again, until
 * nothing overlaps. When that first offer is refused (an alert other than no_application_protocol, or a close), it
 * falls back to smaller offers: halves (split again while refused, down to 8 names), then common names (h2,
 * http/1.1, h3, ...) alone from the subsets still refused, then the names found, together, for their order; at most
 * DISCOVERY_MAX_CONNECTIONS connections. info (may be NULL) says what happened. Returns the number of connections
 * used, or -1 when the server could not be reached (err filled). */
int discover_profile(probe_fn probe, void *ctx, const char *tls, profile *p, discovery_info *info, char *err,
                     size_t err_cap);

/* The reason (with its RFC clause) why discovery never offers this name, or NULL when it may offer it. */
const char *discovery_excluded(const uint8_t *name, size_t len);

/* One clause for the report's profile text when discovery fell back to smaller offers ("the full offer was refused
 * with alert 80 (internal_error); discovered with smaller offers (…)"); empty otherwise. */
void discovery_describe(const discovery_info *info, char *buf, size_t cap);

/* Adds a SKIP with the reason for every selected check of one TLS version (the server does not speak it).
 * Returns the number of results added. */
size_t skip_server_checks(const run_options *opt, const char *tls, const char *reason, report *r);

/* The same with ERROR: the server answered that version's plain ClientHello with something that is not a usable
 * answer (a malformed message, bytes that are not TLS), so no check of it can be judged. */
size_t error_server_checks(const run_options *opt, const char *tls, const char *reason, report *r);

/* Runs the selected checks for each version into r. Returns the number of results added. */
size_t run_server_checks(probe_fn probe, void *ctx, const profile *p, const run_options *opt, report *r);

#endif
