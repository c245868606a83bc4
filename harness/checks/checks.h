/*
 * The server checks (family server of catalogue.h): each catalogue row names how its check is played — the offer
 * builder that writes the exact ALPN bytes from the server's profile (scenarios.c), the flags of its ClientHello and
 * the pure judge that turns what the peer layer observed into a verdict (judge.c), or, for a check of several
 * connections, its runner (run.c). This header declares them all. Nothing here touches a socket.
 */
#ifndef ALPN_CHECKS_H
#define ALPN_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "alpn.h"
#include "catalogue.h"
#include "exchange.h"
#include "result.h"

#define SCEN_EXT_MAX ALPN_EXT_MAX

/* One server check for one TLS version, built from its row and the profile: what to send and what to expect. */
typedef struct scenario {
    const check_entry *row;
    const char *id;
    const char *tls;           /* "1.0" to "1.3" */
    unsigned transport;        /* CHECK_TRANSPORT_TCP or CHECK_TRANSPORT_QUIC */
    int send_alpn;             /* 0: no ALPN extension at all */
    int duplicate_alpn;        /* send the ALPN extension twice */
    int send_npn;              /* add an empty NPN extension (13172) */
    uint8_t ext[SCEN_EXT_MAX]; /* ALPN extension_data, possibly malformed on purpose */
    size_t ext_len;
    uint8_t expect_name[ALPN_NAME_MAX];
    size_t expect_name_len;  /* 0 when the judge takes any offered supported name */
    const char *skip_reason; /* non-NULL: the check does not apply to this profile or version */
    int force_hrr;           /* TLS 1.3: first hello with an empty key_share, so the server must retry */
    uint8_t ext2[512];       /* with force_hrr: the ALPN extension_data of the second hello, when has_ext2 */
    size_t ext2_len;
    int has_ext2;
} scenario;

/* The server's ALPN profile: the names it supports, most preferred first (configured with --alpn or discovered). */
#define PROFILE_MAX 32
typedef struct profile {
    uint8_t names[PROFILE_MAX][ALPN_NAME_MAX];
    size_t lens[PROFILE_MAX];
    size_t n;
} profile;

/* Parses "h2,http/1.1" into a profile. Returns 0, or -1 with a message (empty name, over 255 bytes, too many). */
int profile_parse(profile *p, const char *csv, char *err, size_t err_cap);
/* Writes "h2, http/1.1" (printable form) into buf. */
void profile_format(const profile *p, char *buf, size_t cap);

/* The peer layer as the server checks use it: the probe plays alpncheck's own ClientHellos; the others are the
 * GnuTLS path's complete handshakes (NULL: the checks that need them are SKIP). */
typedef struct server_peer {
    unsigned transport; /* CHECK_TRANSPORT_TCP (also 0) or CHECK_TRANSPORT_QUIC: what probe speaks */
    probe_fn probe;
    void *probe_ctx;
    resume_fn resume;
    speak_fn speak;
    early_fn early;
    reneg_fn reneg;
    void *session_ctx;
    altsvc_fn altsvc; /* with session_ctx */
} server_peer;

/* ---- the server rows ------------------------------------------------------------------------------------------ */

/* The server rows in the order a run reports them (run_pos 1, 2, ...), NULL past the end. */
const check_entry *server_check_in_run_order(size_t i);

/* The one-connection server checks in run order: server_check_id(i) for i < server_check_count(). */
size_t server_check_count(void);
const char *server_check_id(size_t i); /* NULL past the end */

/* Builds the scenario of server row c for TLS version tls ("1.0" to "1.3") against profile p. Returns 0, or -1 when c
 * is no server row or has neither an offer nor a judge. A check that cannot apply (another version, no letters to
 * upper-case, an empty profile) gets skip_reason. */
int scenario_of(scenario *s, const check_entry *c, const char *tls, const profile *p);
/* The same over a transport (CHECK_TRANSPORT_TCP or CHECK_TRANSPORT_QUIC): a row for another transport gets its
 * reason (check_transport_skip) as skip_reason. scenario_of is this over TCP. */
int scenario_over(scenario *s, const check_entry *c, const char *tls, unsigned transport, const profile *p);
/* The same, by ID: -1 also for an unknown ID. */
int scenario_build(scenario *s, const char *id, const char *tls, const profile *p);

/* The peer layer's request for a scenario: its ClientHello's bytes (pointers into s). */
void scenario_request(const scenario *s, probe_request *r);

/* Turns the observation of a one-connection check into a result (verdict, expected, observed) with its row's judge.
 * Pure. */
void judge(const scenario *s, const observation *o, result *out);

/* ---- offer builders (scenarios.c), named by what they offer; each row says which one it uses ------------------- */

void offer_supported_between_unknown(scenario *s, const profile *p); /* unknown, first supported, unknown */
void offer_every_supported(scenario *s, const profile *p);           /* the whole profile, in its order */
void offer_first_supported(scenario *s, const profile *p);           /* the first supported name alone */
void offer_supported_amid_unknown(scenario *s, const profile *p);    /* two unknown, first supported, one unknown */
void offer_unknown_only(scenario *s, const profile *p);
void offer_prefixes_and_extensions(scenario *s, const profile *p); /* "http/1.", "h2x", ... */
void offer_upper_case(scenario *s, const profile *p);              /* "H2", ... */
void offer_nul_suffixed(scenario *s, const profile *p);            /* "h2\0x", ... */
void offer_long_name_first(scenario *s, const profile *p);         /* 255 bytes, then the first supported name */
void offer_many_names(scenario *s, const profile *p);              /* 300 unknown names (over 16 KiB), then it */
void offer_many_tiny_names(scenario *s, const profile *p);         /* 10000 one-byte names, then it */
void offer_grease_around_supported(scenario *s, const profile *p);
void offer_grease_only(scenario *s, const profile *p);               /* the 16 GREASE values */
void offer_first_supported_then_more(scenario *s, const profile *p); /* and a second hello with one name more */
void offer_h2c_first(scenario *s, const profile *p);                 /* "h2c", then the whole profile */
void offer_h2_and_http11(scenario *s, const profile *p);
void offer_h3_after_draft(scenario *s, const profile *p); /* "h3-29", then "h3" (SKIP without h3) */
void offer_empty_extension(scenario *s, const profile *p); /* extension_data of no bytes */
void offer_one_byte(scenario *s, const profile *p);        /* 00 */
void offer_empty_list(scenario *s, const profile *p);      /* 00 00 */
void offer_empty_name(scenario *s, const profile *p);      /* 00 01 00 */
void offer_empty_name_after_supported(scenario *s, const profile *p);
void offer_list_length_short(scenario *s, const profile *p); /* a second copy of the name after the list */
void offer_list_length_long(scenario *s, const profile *p);  /* one byte more than there is */
void offer_name_overrun(scenario *s, const profile *p);      /* the last name's length runs past the list */
void offer_name_length_short(scenario *s, const profile *p); /* a name length one too short */
void offer_garbage_after_supported(scenario *s, const profile *p);

/* ---- judges of one connection (judge.c), named by what they expect --------------------------------------------- */

void judge_select(const scenario *s, const observation *o, result *out);         /* one offered supported name */
void judge_select_in_ee(const scenario *s, const observation *o, result *out);   /* and in EncryptedExtensions */
void judge_no_overlap(const scenario *s, const observation *o, result *out);     /* fatal alert 120 */
void judge_decode_error(const scenario *s, const observation *o, result *out);   /* fatal alert 50 */
void judge_any_fatal(const scenario *s, const observation *o, result *out);      /* any fatal alert */
void judge_no_alpn(const scenario *s, const observation *o, result *out);        /* complete, without an ALPN answer */
void judge_never_selected(const scenario *s, const observation *o, result *out); /* expect_name never selected */
void judge_no_h2_below_tls12(const scenario *s, const observation *o, result *out); /* the same, on TLS 1.0/1.1 */
void judge_hrr_abort(const scenario *s, const observation *o, result *out); /* illegal_parameter after the retry */

/* ---- checks of several connections: runners (run.c) and their judges (judge.c) ---------------------------------- */

/* SRV-SERVER-PREFERENCE: the row's offer with the first two supported names, in both orders. */
void run_server_preference(const check_entry *c, const server_peer *peer, const profile *p, const char *tls,
                           result *out);
/* SRV-RESUME-FRESH: a session made offering the first supported name, resumed offering only the second. */
void run_resumption(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, result *out);
/* SRV-PROTOCOL-DEFINITIVE: h2 (else http/1.1) alone, then a few bytes of it. */
void run_protocol_spoken(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, result *out);
/* The 0-RTT checks: the row's sequence (server_play.early, exchange.h) with the first supported name, and the second
 * for the sequences that offer another one (SRV-0RTT-ALPN, SRV-0RTT-TICKET-FRESH). */
void run_0rtt(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, result *out);
/* SRV-ALT-SVC: http/1.1 alone, then a GET and the Alt-Svc fields of the answer. */
void run_alt_svc(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, result *out);
/* SRV-RENEG-ALPN: TLS 1.2 with the first name, then a renegotiation offering the second. */
void run_renegotiation(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, result *out);

/* SRV-SERVER-PREFERENCE: the two supported names offered in both orders. */
void judge_server_preference(const profile *p, const char *tls, const observation *ab, const observation *ba,
                             result *out);

/* SRV-RESUME-FRESH (RFC 7301 §3.1: ALPN belongs to the connection): a full handshake offering only the first
 * supported name A, then a resumption of that session offering only the second, B. B selected (or alert 120)
 * passes; A selected fails; a server that does not resume gets SKIP. */
void judge_resume_fresh(const profile *p, const char *tls, const session_observation *first,
                        const session_observation *second, result *out);

/* The 0-RTT checks (RFC 8446 §4.2.10: early data only with the ticket's ALPN, "if any"), one per early_sequence:
 * SRV-0RTT-ALPN, SRV-0RTT-TICKET-FRESH, SRV-0RTT-ALPN-ADDED, SRV-0RTT-ALPN-OMITTED. control: 0-RTT offering what
 * the ticket was made with (does the server take early data at all?); test: 0-RTT that must be refused — a ticket
 * from A with only B offered; a ticket renewed while resuming with B, used with A; a ticket without ALPN used
 * offering A; a ticket from A used offering no ALPN. Accepted → FAIL (for ADDED: unless nothing was selected, as
 * in the ticket); refused → PASS; no early data even for the control → SKIP. */
void judge_0rtt(const profile *p, const char *tls, early_sequence seq, const session_observation *control,
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

/* SRV-ALT-SVC (RFC 7838 §3): the Alt-Svc field lines of an HTTP/1.1 answer over a handshake that offered only
 * http/1.1, judged with libalpn's strict parser. None: PASS; valid: PASS listing the alternatives (and saying so when
 * one is h3, RFC 9114 §3.1); invalid: the row's level broken, with the ALTSVC-* or HDR-* ID, the byte offset and what
 * a lenient parse keeps. http/1.1 not selected, or no HTTP answer: SKIP with the reason. */
void judge_alt_svc(const char *tls, const altsvc_observation *o, result *out);

/* Bytes a peer sent (a name, a reason phrase, a field value) as a person may read them in any report: printable ASCII
 * as is, anything else and '\\' and '"' as \xNN, cut to fit cap (which must be at least 8). */
void peer_text(char *buf, size_t cap, const uint8_t *p, size_t len);

#endif
