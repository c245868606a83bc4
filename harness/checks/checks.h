/*
 * The server checks (family server of catalogue.h): each check is data — the exact ALPN bytes to offer,
 * built from the server's profile — plus a pure judge that turns what the peer layer observed into a verdict.
 * Nothing here touches a socket.
 */
#ifndef ALPN_CHECKS_H
#define ALPN_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "alpn.h"
#include "exchange.h"
#include "result.h"


/* What a check expects of the server. */
typedef enum {
    EXPECT_SELECT,       /* a name selected: a specific one (expect_name) or any offered supported name */
    EXPECT_NO_OVERLAP,   /* fatal no_application_protocol (120) */
    EXPECT_DECODE_ERROR, /* fatal decode_error (50) */
    EXPECT_ANY_FATAL,    /* any fatal alert */
    EXPECT_NO_ALPN,      /* handshake completes without an ALPN answer */
    EXPECT_NOT_NAME,     /* whatever happens, expect_name is not selected (SRV-NO-H2C) */
    EXPECT_HRR_ABORT,    /* after a HelloRetryRequest, a changed second hello is refused (illegal_parameter) */
} expectation;

#define SCEN_EXT_MAX ALPN_EXT_MAX

/* One server check for one TLS version: what to send and what to expect. */
typedef struct {
    const char *id;
    const char *section;
    const char *ref;
    const char *title;
    level lvl;
    const char *tls; /* "1.2" or "1.3" */
    expectation expect;
    int send_alpn;             /* 0: no ALPN extension at all */
    int duplicate_alpn;        /* send the ALPN extension twice */
    int send_npn;              /* add an empty NPN extension (13172) */
    uint8_t ext[SCEN_EXT_MAX]; /* ALPN extension_data, possibly malformed on purpose */
    size_t ext_len;
    uint8_t expect_name[ALPN_NAME_MAX];
    size_t expect_name_len;  /* 0 with EXPECT_SELECT: any offered supported name */
    const char *skip_reason; /* non-NULL: the check does not apply to this profile */
    int force_hrr;           /* TLS 1.3: first hello with an empty key_share, so the server must retry */
    uint8_t ext2[512];       /* with force_hrr: the ALPN extension_data of the second hello, when has_ext2 */
    size_t ext2_len;
    int has_ext2;
} scenario;

/* The server's ALPN profile: the names it supports, most preferred first (configured with --alpn or discovered). */
#define PROFILE_MAX 32
typedef struct {
    uint8_t names[PROFILE_MAX][ALPN_NAME_MAX];
    size_t lens[PROFILE_MAX];
    size_t n;
} profile;

/* Parses "h2,http/1.1" into a profile. Returns 0, or -1 with a message (empty name, over 255 bytes, too many). */
int profile_parse(profile *p, const char *csv, char *err, size_t err_cap);
/* Writes "h2, http/1.1" (printable form) into buf. */
void profile_format(const profile *p, char *buf, size_t cap);

/* The single-connection server checks, in catalogue order: server_check_id(i) for i < server_check_count. */
extern const size_t server_check_count;
const char *server_check_id(size_t i); /* NULL past the end */

/* Builds the scenario of check id for TLS version tls ("1.2"/"1.3") against profile p. Returns 0, or -1 for an
 * unknown ID. A check that cannot apply (e.g. no letters to upper-case) gets skip_reason. */
int scenario_build(scenario *s, const char *id, const char *tls, const profile *p);

/* The peer layer's request for a scenario: its ClientHello's bytes (pointers into s). */
void scenario_request(const scenario *s, probe_request *r);

/* Turns an observation into a result (verdict, expected, observed). Pure. */
void judge(const scenario *s, const observation *o, result *out);

/* SRV-SERVER-PREFERENCE needs two connections: the two supported names offered in both orders. */
void judge_server_preference(const profile *p, const char *tls, const observation *ab, const observation *ba,
                             result *out);


/* SRV-RESUME-FRESH (RFC 7301 §3.1: ALPN belongs to the connection): a full handshake offering only the first
 * supported name A, then a resumption of that session offering only the second, B. B selected (or alert 120)
 * passes; A selected fails; a server that does not resume gets SKIP. */
void judge_resume_fresh(const profile *p, const char *tls, const session_observation *first,
                        const session_observation *second, result *out);

/* SRV-0RTT-ALPN and SRV-0RTT-TICKET-FRESH (RFC 8446 §4.2.10: early data only with the ticket's ALPN). control:
 * 0-RTT offering the ticket's own protocol (does the server take early data at all?); test: 0-RTT that must be
 * refused — a ticket from A with only B offered, or (ticket_fresh) a ticket renewed while resuming with B, used
 * with A. Accepted → FAIL; refused → PASS; no early data even for the control → SKIP. */
void judge_0rtt(const profile *p, const char *tls, int ticket_fresh, const session_observation *control,
                const session_observation *test, result *out);

/* SRV-RENEG-ALPN (INFO; RFC 7301 §3.2 lets the selection change "until renegotiated", RFC 9113 §9.2.1 forbids
 * renegotiating h2): TLS 1.2 with A, then a renegotiation offering B. Reported, never failed: PASS with what the
 * server did, ERROR when the first handshake failed, SKIP for TLS 1.3 (no renegotiation). */
void judge_reneg(const profile *p, const char *tls, const session_observation *first, const session_observation *second,
                 result *out);

/* SRV-PROTOCOL-DEFINITIVE (RFC 7301 §3.2: the selected protocol is the one used): the handshake offered only `name`
 * (h2 or http/1.1) and then spoke it; after h2 the server's first frame must be SETTINGS (RFC 9113 §3.4), after
 * http/1.1 its answer must start "HTTP/1.". A server that sends nothing gets SKIP (it may not speak HTTP). */
void judge_protocol_definitive(const char *tls, const alpn_name *name, const session_observation *o, result *out);

#endif
