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
#include "report.h"

/* Where the server's ALPN answer was seen. */
typedef enum {
    WHERE_NONE = 0,
    WHERE_SERVER_HELLO,
    WHERE_ENCRYPTED_EXTENSIONS,
    WHERE_HELLO_RETRY_REQUEST,
    WHERE_OTHER, /* CertificateRequest, NewSessionTicket, ... */
} alpn_where;

const char *where_name(alpn_where w);
/* The name of a TLS alert description (RFC 8446 §6), "unknown alert" for others. */
const char *alert_name(int code);

#define OBS_ALPN_MAX 1024
/* A client's whole offer is kept (up to the largest extension_data), so that the judge rebuilds exactly the answer
 * that was sent, however long the offer. */
#define OBS_OFFER_MAX ALPN_EXT_MAX
#define OBS_TEXT_MAX  200

/* What one connection showed. Filled by the peer layer; every field bounded. */
typedef struct {
    int error; /* no answer could be obtained (refused, timeout, garbage): verdict ERROR */
    char error_text[OBS_TEXT_MAX];
    int refused;           /* with error: the server closed or reset the connection on this ClientHello before sending a
                            * byte. The run has shown that it answers a plain ClientHello, so this is how it refused this
                            * one (without an alert), and the check is judged on it rather than given ERROR. */
    int alert;             /* alert description received from the peer, -1 for none */
    int alert_level;       /* 1 warning, 2 fatal */
    int completed;         /* the server's whole flight arrived (TLS 1.3 Finished, TLS 1.2 ServerHelloDone) */
    int closed;            /* the peer closed the connection without an alert */
    uint16_t version;      /* negotiated version (0x0303, 0x0304), 0 when unknown */
    unsigned alpn_count;   /* ALPN extensions in the answer (RFC 8446 §4.2: at most one) */
    alpn_where alpn_where; /* where the first one was */
    uint8_t alpn[OBS_ALPN_MAX]; /* its extension_data */
    size_t alpn_len;            /* its full length (bytes beyond OBS_ALPN_MAX are not kept) */
    int npn_seen;               /* the server answered NPN (extension 13172) */
    int hrr;                    /* a HelloRetryRequest was answered with a second ClientHello */
    double ms;
    /* Client checks (alpncheck is the server): what the client's ClientHello offered and how the client reacted to
     * the answer. The fields above then describe the client: its alert, and closed when it hung up silently. */
    int hello_seen;               /* a whole, well-formed ClientHello arrived */
    int offer_tls12, offer_tls13; /* versions it offers */
    unsigned offer_count;         /* ALPN extensions in it */
    uint8_t offer[OBS_OFFER_MAX]; /* the first one's extension_data */
    size_t offer_len;             /* its full length (bytes beyond OBS_OFFER_MAX are not kept) */
    int offer_npn;                /* it offers NPN (13172) */
    int answered;                 /* alpncheck sent the scenario's answer */
    int accepted;                 /* the client went on: Finished (TLS 1.3) or ClientKeyExchange (TLS 1.2) */
    int client_exit;              /* exit status of the client command, -1 when unknown, killed or in-process */
    /* CLI-0RTT-ALPN (two connections): the first got a ticket for ticket_alpn; offer* above then describe the
     * second ClientHello. */
    uint8_t ticket_alpn[ALPN_NAME_MAX];
    size_t ticket_alpn_len; /* 0: no ticket was issued */
    int second_hello;       /* a second connection brought a ClientHello */
    int resume_offered;     /* it offered alpncheck's ticket in pre_shared_key (RFC 8446 §4.2.11) */
    int early_offered;      /* and early_data (RFC 8446 §4.2.10) */
    unsigned early_records; /* 0-RTT records that decrypted with the client_early_traffic_secret */
} observation;

void observation_init(observation *o);

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

/* Turns an observation into a result (verdict, expected, observed). Pure. */
void judge(const scenario *s, const observation *o, result *out);

/* SRV-SERVER-PREFERENCE needs two connections: the two supported names offered in both orders. */
void judge_server_preference(const profile *p, const char *tls, const observation *ab, const observation *ba,
                             result *out);

/* What a complete handshake showed (the GnuTLS path). */
typedef struct {
    int error;
    char error_text[OBS_TEXT_MAX];
    int alert; /* fatal alert received, -1 for none */
    int completed;
    int resumed;
    int has_selected;
    uint8_t selected[ALPN_NAME_MAX];
    size_t selected_len;
    int spoke;       /* application data was sent after the handshake (SRV-PROTOCOL-DEFINITIVE) */
    uint8_t app[64]; /* the first bytes the server sent back */
    size_t app_len;
    int echoed;         /* those bytes repeat the start of what was sent: an echo server */
    int early_sent;     /* 0-RTT data went out with the ClientHello */
    int early_accepted; /* and the server accepted it */
} session_observation;

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
