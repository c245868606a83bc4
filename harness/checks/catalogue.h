/*
 * The check catalogue: one row per check ID that alpncheck or libalpn can report, with the facts every consumer
 * shares — level, RFC clause, the section heading reports group it under, its one-line title, where it applies and
 * what it is about — and, for the server and client checks, how the check is played and judged: a server check's
 * offer builder (scenarios.c), its ClientHello's flags and its judge (judge.c), or the runner of its connections
 * (run.c); a client check's answer and expectation (client_checks.c). Everything about one check is in its row.
 * `alpncheck checks` lists the rows and docs/CHECKS.md is generated from them. IDs are never renamed or reused.
 */
#ifndef ALPN_CATALOGUE_H
#define ALPN_CATALOGUE_H

#include <stddef.h>

#include "exchange.h"
#include "result.h"

/* Who is under test: a TLS server (alpncheck is the client), a TLS client (alpncheck is the server), the text of an
 * HTTP ALPN header field (RFC 7639; libalpn's header parser and formatter), an HTTP proxy that CONNECT requests
 * carrying that field go through (alpncheck is the client and the target behind the tunnel), or the text of an
 * Alt-Svc field value or of an SVCB alpn SvcParam (text or DNS data, with no TLS connection). */
typedef enum {
    CHECK_FAMILY_SERVER = 0,
    CHECK_FAMILY_CLIENT,
    CHECK_FAMILY_HEADER,
    CHECK_FAMILY_PROXY,
    CHECK_FAMILY_ALTSVC, /* the text of an HTTP Alt-Svc field value (RFC 7838; libalpn's Alt-Svc parser) */
    CHECK_FAMILY_SVCB,   /* SVCB/HTTPS alpn SvcParams (RFC 9460; libalpn's SVCB code) */
    CHECK_FAMILY_COUNT
} check_family;

/* The TLS versions a check runs over (a bit mask; 0 for checks of HTTP header text). A check run over another
 * version is reported as SKIP. */
enum {
    CHECK_TLS10 = 1u << 0,
    CHECK_TLS11 = 1u << 1,
    CHECK_TLS12 = 1u << 2,
    CHECK_TLS13 = 1u << 3,
};
#define CHECK_TLS12_13 (CHECK_TLS12 | CHECK_TLS13)

/* The transports a check runs over (a bit mask; 0 for checks of HTTP header text): TLS records over TCP, or QUIC v1
 * (RFC 9001: TLS 1.3 only, the handshake in CRYPTO frames, a TLS alert sent as CONNECTION_CLOSE 0x0100 + alert). A
 * check run over another transport is reported as SKIP with the row's reason (not_quic, or "applies over QUIC
 * only"). */
enum { CHECK_TRANSPORT_TCP = 1u << 0, CHECK_TRANSPORT_QUIC = 1u << 1 };

/* ---- how a server check is played (alpncheck is the client) --------------------------------------------------- */

struct check_entry;
struct scenario; /* checks.h: one server check for one TLS version */
struct profile;  /* checks.h: the server's supported names */
struct server_peer;

/* Writes the ALPN extension_data a check offers, built from the server's profile, into s->ext (and the name it
 * expects into s->expect_name, or why it cannot apply into s->skip_reason). */
typedef void (*check_offer_fn)(struct scenario *s, const struct profile *p);

/* Turns what one connection showed into the result: verdict, expected and observed. Pure. */
typedef void (*check_judge_fn)(const struct scenario *s, const observation *o, result *out);

/* A check of several connections: plays them through the peer layer's callbacks for one TLS version and judges
 * them. With no profile names and no callbacks it makes no connection and reports SKIP. */
typedef void (*check_run_fn)(const struct check_entry *c, const struct server_peer *peer, const struct profile *p,
                             const char *tls, result *out);

/* A server row is either one connection (offer and judge, and what else its ClientHello carries) or several (run,
 * which may use offer for the hellos it sends). */
typedef struct {
    check_offer_fn offer;
    int no_alpn;        /* the ClientHello carries no ALPN extension at all */
    int duplicate_alpn; /* it carries the ALPN extension twice */
    int npn;            /* it carries an empty Next Protocol Negotiation extension (13172) as well */
    int force_hrr;      /* TLS 1.3: its key_share is empty, so the server must ask for a retry */
    check_judge_fn judge;
    check_run_fn run;
    int full_handshakes;  /* run plays complete handshakes (the peer's GnuTLS path), not alpncheck's own hellos */
    early_sequence early; /* with run_0rtt: which 0-RTT sequence (exchange.h) */
    unsigned run_pos;     /* results of a run come out in this order (1, 2, ...), kept as reports have always had it */
} server_play;

/* ---- how a client check is played (alpncheck is the server) --------------------------------------------------- */

/* How alpncheck answers the client's offer (client_answer_build). 0 is no answer kind: every client row names one. */
typedef enum {
    CLIENT_ANSWER_VALID = 1,       /* one offered name: the second non-GREASE one when there are several */
    CLIENT_ANSWER_UNOFFERED,       /* a name the client did not offer */
    CLIENT_ANSWER_TWO_NAMES,       /* the valid name and another */
    CLIENT_ANSWER_EMPTY_NAME,      /* 00 01 00 */
    CLIENT_ANSWER_EMPTY_LIST,      /* 00 00 */
    CLIENT_ANSWER_MALFORMED,       /* a valid one-name list, then a stray byte inside extension_data */
    CLIENT_ANSWER_UNSOLICITED,     /* ALPN although the client offered none */
    CLIENT_ANSWER_GREASE,          /* a GREASE value the client offered */
    CLIENT_ANSWER_IN_SERVER_HELLO, /* TLS 1.3: the valid answer in ServerHello instead of EncryptedExtensions */
    CLIENT_ANSWER_WITH_NPN,        /* TLS 1.2: the valid ALPN answer and an NPN answer */
    CLIENT_ANSWER_NONE,            /* no ALPN answer */
    CLIENT_ANSWER_ALERT_120,       /* fatal no_application_protocol instead of a ServerHello */
    CLIENT_ANSWER_0RTT_CHANGE,     /* TLS 1.3, second connection: resumes with 0-RTT accepted, but selects another
                                    * offered name (the first non-GREASE one) than the ticket's (the valid answer) */
    CLIENT_ANSWER_0RTT_ADDED,      /* TLS 1.3: the first connection is answered without ALPN, so the ticket has no
                                    * protocol; the second resumes with 0-RTT accepted and selects the valid name */
} client_answer_kind;

/* What the client must do (client_judge). 0 is no expectation: every client row names one. */
typedef enum {
    CLIENT_EXPECT_WELLFORMED = 1, /* inspects the offer: a strictly valid list in one extension */
    CLIENT_EXPECT_NO_H2C,         /* inspects the offer: no h2c */
    CLIENT_EXPECT_ACCEPT,         /* the client completes its side of the handshake */
    CLIENT_EXPECT_ALERT,          /* a fatal alert: alert, or any when it is -1 */
    CLIENT_EXPECT_REPORT,         /* INFO: what the client did */
    /* alpncheck client --proxy: the CONNECT that opened the tunnel (RFC 7639 §2). SKIP without --proxy. */
    CLIENT_EXPECT_PROXY_FIELD,     /* INFO: whether the CONNECT carries an ALPN field, and which */
    CLIENT_EXPECT_PROXY_SAME,      /* the field names the protocols the ClientHello in the tunnel offers */
    CLIENT_EXPECT_PROXY_CANONICAL, /* the field is valid and in canonical form (libalpn's strict header parser) */
} client_expectation;

typedef struct {
    client_answer_kind answer;
    client_expectation expect;
    int alert; /* with CLIENT_EXPECT_ALERT: the alert description, -1 for any fatal alert */
    /* A second description that passes as well, where two fit the fault (RFC 8446 §6.2); 0 for none (close_notify is
     * no fatal alert). */
    int alert_also;
} client_play;

/* ---- how a proxy check is played (alpncheck sends CONNECT and is the target) ------------------------------------ */

/* What the proxy must do with the CONNECT (proxy_judge). 0 is no expectation: every proxy row names one. */
typedef enum {
    PROXY_EXPECT_INTACT = 1, /* open the tunnel and relay the bytes both ways unchanged (RFC 9110 §9.3.6) */
    PROXY_EXPECT_TUNNEL,     /* the same, although the request carries this ALPN field: refusing it is the check's
                              * level broken (RFC 7639 §2.3); mangling the bytes is a FAIL as for INTACT */
    PROXY_EXPECT_REPORT,     /* INFO: whether the proxy opened the tunnel, which either way is its policy */
    PROXY_EXPECT_FORWARDED,  /* a proxy chained to alpncheck passes the ALPN field on unchanged; SKIP when it does not
                              * chain to alpncheck (the target then gets no CONNECT of its own) */
} proxy_expectation;

typedef struct {
    const char *alpn_header; /* the ALPN field value the CONNECT carries; NULL: none */
    proxy_expectation expect;
} proxy_play;

/* ---- the row ------------------------------------------------------------------------------------------------- */

typedef struct check_entry {
    const char *id; /* "SRV-SELECT-OFFERED" */
    check_family family;
    level lvl;               /* the strongest keyword behind the requirement */
    const char *ref;         /* RFC clause, e.g. "7301 §3.1–3.2" (the RFC numbers, without "RFC") */
    const char *section;     /* the heading reports group the check under */
    const char *title;       /* one line, as reports print it */
    unsigned tls;            /* CHECK_TLS* bits */
    unsigned transport;      /* CHECK_TRANSPORT_* bits */
    const char *description; /* what is sent or inspected, what is expected, and why: a few sentences */
    const char *outside;     /* why the check is SKIP over a version tls lacks (NULL: it runs over TLS 1.2 and 1.3) */
    const char *not_quic;    /* a row without CHECK_TRANSPORT_QUIC: why it is SKIP over QUIC */
    server_play server;      /* family server: how the check is played and judged */
    client_play client;      /* family client: how alpncheck answers and what the client must do */
    proxy_play proxy;        /* family proxy: the CONNECT's ALPN field and what the proxy must do */
} check_entry;

/* Every row, grouped by family, then by section. */
extern const check_entry check_catalogue[];
extern const size_t check_catalogue_count;

/* The row of id, or NULL when no check has that ID (or id is NULL). The only code that compares check IDs. */
const check_entry *check_find(const char *id);
/* The same for the len bytes at id (an element of a comma-separated list). */
const check_entry *check_find_n(const char *id, size_t len);

/* The row of an ID the code itself defines. A missing row is a bug that test_catalogue catches; rather than hand
 * back NULL to a renderer, it returns a row whose texts say "unknown check". */
const check_entry *check_get(const char *id);

/* Starts a result of row c over TLS version tls: every field cleared, then what the check is (ID, section, RFC clause,
 * title, level) from the row, and tls. The judges fill in the rest. */
void check_result_init(result *out, const check_entry *c, const char *tls);

/* "server", "client", "header", "proxy"; and back (-1 for another name). */
const char *check_family_name(check_family f);
int check_family_parse(const char *name);

/* The CHECK_TLS* bit of a version string ("1.0" to "1.3"), 0 for anything else. */
unsigned check_tls_bit(const char *tls);

/* 1 when row c runs over TLS version tls ("1.0" to "1.3"). */
int check_applies(const check_entry *c, const char *tls);

/* NULL when row c runs over transport (one CHECK_TRANSPORT_* bit; 0 is TCP), else why it does not. */
const char *check_transport_skip(const check_entry *c, unsigned transport);

/* "TCP" or "QUIC" for a CHECK_TRANSPORT_* bit (0 is TCP). */
const char *check_transport_name(unsigned transport);

/* The versions of a mask as "1.2, 1.3" (empty for 0). */
void check_tls_text(unsigned tls, char *buf, size_t cap);

/* Where a row applies, for a person: "TLS 1.2, 1.3 over TCP; TLS 1.3 over QUIC", or "HTTP header field" for header
 * checks. */
void check_applies_text(const check_entry *c, char *buf, size_t cap);

#endif
