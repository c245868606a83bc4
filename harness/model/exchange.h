/*
 * One exchange with a peer, as the checks and the peer layer (harness/peer/) share it: what the peer layer is asked
 * to send or answer, and what it saw. The checks build requests from their scenarios and judge observations; the
 * peer layer plays requests on sockets and fills observations. Neither includes the other: both include this.
 */
#ifndef ALPN_EXCHANGE_H
#define ALPN_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "alpn.h"

/* ---- what came back -------------------------------------------------------------------------------------------- */

/* Where the server's ALPN answer was seen. */
typedef enum {
    WHERE_NONE = 0,
    WHERE_SERVER_HELLO,
    WHERE_ENCRYPTED_EXTENSIONS,
    WHERE_HELLO_RETRY_REQUEST,
    WHERE_OTHER, /* CertificateRequest, NewSessionTicket, ... */
} alpn_where;

const char *where_name(alpn_where w);

/* The transport of a connection, and over QUIC the packet type that carried the peer's CONNECTION_CLOSE. */
typedef enum { OBS_TCP = 0, OBS_QUIC } obs_transport;
typedef enum { OBS_PACKET_NONE = 0, OBS_PACKET_INITIAL, OBS_PACKET_HANDSHAKE, OBS_PACKET_1RTT } obs_packet;

const char *obs_packet_name(obs_packet p);

#define OBS_ALPN_MAX 1024
/* A client's whole offer is kept (up to the largest extension_data), so that the judge rebuilds exactly the answer
 * that was sent, however long the offer. */
#define OBS_OFFER_MAX ALPN_EXT_MAX
#define OBS_TEXT_MAX  200

/* What one connection showed. Filled by the peer layer; every field bounded. */
typedef struct {
    int error; /* no answer could be obtained (refused, timeout, garbage): verdict ERROR */
    char error_text[OBS_TEXT_MAX]; /* with error: why; without: how a handshake that did not complete ended (a stall
                                    * at the deadline, a close), or empty */
    int refused;           /* with error: the server closed or reset the connection on this ClientHello before sending a
                            * byte. The run has shown that it answers a plain ClientHello, so this is how it refused this
                            * one (without an alert), and the check is judged on it rather than given ERROR. */
    int malformed;         /* with error: the peer answered, but with bytes that are no usable answer (not TLS, a
                            * malformed or out-of-place message); error_text says what and at which byte */
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
    /* QUIC (alpncheck server --quic, alpncheck client --quic): how the peer ended the connection. A TLS alert travels as CONNECTION_CLOSE
     * 0x1c with the crypto error 0x0100 + alert (RFC 9001 §4.8); observation_alert reads it as the alert. Any other
     * close is closed (set too), with its code. */
    obs_transport transport;
    uint32_t quic_version;           /* the QUIC version spoken */
    int quic_close;                  /* the server sent CONNECTION_CLOSE */
    unsigned quic_close_frame;       /* its frame type: 0x1c (QUIC layer) or 0x1d (application) */
    uint64_t quic_close_code;        /* its error code */
    obs_packet quic_close_packet;    /* the packet it came in */
    uint8_t quic_close_reason[64];   /* its reason phrase, the first bytes (escaped when shown) */
    size_t quic_close_reason_len;    /* its full length */
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
    int ticket_issued; /* the first connection got alpncheck's ticket */
    uint8_t ticket_alpn[ALPN_NAME_MAX];
    size_t ticket_alpn_len; /* 0: the ticket has no protocol (or none was issued) */
    int second_hello;       /* a second connection brought a ClientHello */
    int resume_offered;     /* it offered alpncheck's ticket in pre_shared_key (RFC 8446 §4.2.11) */
    int early_offered;      /* and early_data (RFC 8446 §4.2.10) */
    unsigned early_records; /* 0-RTT records that decrypted with the client_early_traffic_secret */
    /* alpncheck client --proxy: alpncheck was the client's HTTP proxy, and the TLS above came through a CONNECT
     * tunnel (RFC 9110 §9.3.6). */
    int proxy_mode;               /* the run plays the proxy: every connection must start with CONNECT */
    int connect_seen;             /* the connection began with a CONNECT request, answered 200 */
    unsigned connect_alpn_fields; /* ALPN field lines in it (RFC 7639 §2) */
    char connect_alpn[256];       /* their values combined (RFC 9110 §5.3), NUL-terminated, truncated to what fits */
    size_t connect_alpn_len;      /* the combined value's full length */
} observation;

void observation_init(observation *o);

/* The alert an observation shows, the same for both transports: the TLS alert record's description (level in
 * *level), or over QUIC the alert a CONNECTION_CLOSE 0x1c carries as crypto error 0x0100 + alert (RFC 9001 §4.8,
 * always fatal: *level 2). -1 when there was none. level may be NULL. */
int observation_alert(const observation *o, int *level);

/* 1 when the peer's CONNECTION_CLOSE was its application's, not its TLS's: a 0x1d frame, or the 0x1c frame with
 * APPLICATION_ERROR (0x0c) that stands for it in an Initial or Handshake packet (RFC 9000 §10.2.3). A TLS failure
 * closes with 0x0100 + alert instead (RFC 9001 §4.8). 0 without a CONNECTION_CLOSE. */
int observation_application_close(const observation *o);

/* A peer's CONNECTION_CLOSE into o (RFC 9000 §19.19): frame type (0x1c, 0x1d), error code, the packet it came in and
 * its reason phrase (the first bytes are kept); closed is set unless the code is a TLS alert (observation_alert). */
void observation_quic_close(observation *o, unsigned frame, uint64_t code, obs_packet packet, const uint8_t *reason,
                            size_t reason_len);

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
    char note[OBS_TEXT_MAX]; /* empty, or what the server did that the judges do not weigh but a reader should see
                              * (QUIC: it issued no ticket, its ticket allows no 0-RTT, RFC 9001 §4.6.1) */
} session_observation;

/* SRV-ALT-SVC (RFC 7838 §3): an HTTP/1.1 request over a complete handshake offering only http/1.1, and the Alt-Svc
 * field lines of the answer's head. */
#define ALTSVC_OBS_FIELDS 4      /* field lines kept; more are counted */
#define ALTSVC_OBS_VALUE_MAX 768 /* bytes kept of each value; a longer one is not judged */

typedef struct {
    session_observation session; /* the handshake */
    int answered;                 /* a complete response head arrived */
    int status;                   /* its status code */
    char head_error[OBS_TEXT_MAX]; /* with a completed handshake and no head: why (nothing sent, not HTTP, too long) */
    unsigned fields;               /* Alt-Svc field lines in the head (RFC 9110 §5.3: they form one list) */
    uint8_t value[ALTSVC_OBS_FIELDS][ALTSVC_OBS_VALUE_MAX]; /* the first ones' values, as sent */
    size_t value_len[ALTSVC_OBS_FIELDS];                    /* their full lengths */
} altsvc_observation;

/* One complete handshake offering only http/1.1 over TLS tls, then "GET / HTTP/1.1" and the answer's head (the GnuTLS
 * path). Returns 0; problems are in the observation. */
typedef int (*altsvc_fn)(void *ctx, const char *tls, altsvc_observation *o);

/* ---- alpncheck server: one ClientHello to send ------------------------------------------------------------------ */

/* The bytes of one probe: a ClientHello for one TLS version with exactly this ALPN extension_data (possibly malformed
 * on purpose). Pointers into the caller's scenario, valid for the call. */
typedef struct {
    const char *tls;    /* "1.0" to "1.3" */
    int send_alpn;      /* 0: no ALPN extension at all */
    int duplicate_alpn; /* send the ALPN extension twice */
    int send_npn;       /* add an empty NPN extension (13172) */
    const uint8_t *ext; /* ALPN extension_data */
    size_t ext_len;
    int force_hrr; /* TLS 1.3: first hello with an empty key_share, so the server must retry */
    int has_ext2;  /* with force_hrr: the second hello's ALPN extension_data is ext2, not ext */
    const uint8_t *ext2;
    size_t ext2_len;
} probe_request;

/* Sends the request's ClientHello and fills the observation. Returns 0; an unreachable peer is reported in the
 * observation (error, error_text), not by the return value. */
typedef int (*probe_fn)(void *ctx, const probe_request *r, observation *o);

/* Two complete handshakes (the GnuTLS path): the first offering names a[0..na), the second resuming it offering
 * b[0..nb). Returns 0; problems are in the observations. */
typedef int (*resume_fn)(void *ctx, const char *tls, const alpn_name *a, size_t na, const alpn_name *b, size_t nb,
                         session_observation *first, session_observation *second);

/* One complete handshake offering only `name`, then a few bytes of that protocol (the GnuTLS path). */
typedef int (*speak_fn)(void *ctx, const char *tls, const alpn_name *name, session_observation *o);

/* The 0-RTT sequences of the GnuTLS path (RFC 8446 §4.2.10: early data only under the ticket's ALPN, "if any"):
 * the ticket the test's early data rides on, and what that ClientHello offers. Each starts with a control, early
 * data offering what the ticket was made with (does the server take 0-RTT at all?); see judge_0rtt in checks.h. */
typedef enum {
    EARLY_OTHER_PROTOCOL = 0, /* a ticket from a; early data offering only b */
    EARLY_RENEWED_TICKET = 1, /* a ticket from a, renewed while resuming with b; early data offering a */
    EARLY_ALPN_ADDED,         /* a ticket from a connection without ALPN; early data offering a */
    EARLY_ALPN_OMITTED,       /* a ticket from a; early data offering no ALPN at all */
} early_sequence;

typedef int (*early_fn)(void *ctx, early_sequence seq, const alpn_name *a, const alpn_name *b,
                        session_observation *control, session_observation *test);

/* The steps of the 0-RTT sequences on one path (GnuTLS over TCP, whole QUIC connections), which keeps two ticket
 * slots (0, 1) and frees what it keeps:
 *   fresh  a full TLS 1.3 connection offering name (NULL: no ALPN) into o, its ticket into slot; 0, or -1 when no
 *          ticket came (o says how the connection went, and the path's reason);
 *   early  0-RTT on slot's ticket offering name, into o; the ticket is used up;
 *   renew  a resumption with slot's ticket offering name, without early data, into o, its new ticket into slot next;
 *          0, or -1 when none came. */
typedef struct {
    int (*fresh)(void *ctx, int slot, const alpn_name *name, session_observation *o);
    void (*early)(void *ctx, int slot, const alpn_name *name, session_observation *o);
    int (*renew)(void *ctx, int slot, const alpn_name *name, int next, session_observation *o);
} early_path;

/* Plays sequence seq over a path (what an early_fn does): the control, 0-RTT offering what the ticket was made with,
 * then the test; each 0-RTT on a fresh ticket (a server may take each for 0-RTT once, RFC 8446 §8.1). Returns 0, as
 * an early_fn: what went wrong is in the observations. */
int early_play(const early_path *p, void *ctx, early_sequence seq, const alpn_name *a, const alpn_name *b,
                session_observation *control, session_observation *test);

/* A TLS 1.2 handshake offering a, then a renegotiation offering b (GnuTLS path). */
typedef int (*reneg_fn)(void *ctx, const alpn_name *a, const alpn_name *b, session_observation *first,
                        session_observation *second);

/* ---- alpncheck client: one answer to play -------------------------------------------------------------------- */

#define CLIENT_ANSWER_MAX 600

/* What the server sends for one scenario and one offer. */
typedef struct {
    int send;                       /* an ALPN extension */
    int in_server_hello;            /* in ServerHello (always so for TLS 1.2; TLS 1.3 only for ALPN-IN-SH) */
    int npn;                        /* also an NPN extension with npn[0..npn_len) */
    int alert;                      /* >= 0: send this fatal alert instead of the server's flight */
    uint8_t ext[CLIENT_ANSWER_MAX]; /* ALPN extension_data */
    size_t ext_len;
    uint8_t npn_data[ALPN_NAME_MAX + 1];
    size_t npn_len;
    const char *skip_reason; /* the offer makes the check inapplicable; the answer is then the valid one */
} client_answer;

/* Builds the answer to a client's offer (extension_data offer[0..offer_len) of the first of offer_count ALPN
 * extensions; offer_npn: it offers NPN). The answer depends on the offer, so the peer layer asks for it once the
 * ClientHello is in. */
typedef void (*answer_fn)(const void *ctx, const uint8_t *offer, size_t offer_len, unsigned offer_count, int offer_npn,
                          client_answer *a);

/* One client check to play as the server. */
typedef struct {
    const char *id;     /* the check, for messages */
    const char *tls;    /* "1.2" or "1.3" */
    int no_alpn_offer;  /* the check needs a client that offers no ALPN */
    int resumption;     /* two connections: a full handshake issuing a ticket, then a resumption with 0-RTT */
    int ticket_no_alpn; /* with resumption: the first connection is answered without ALPN (a ticket without one) */
    answer_fn answer;   /* this check's answer */
    const void *answer_ctx;
    answer_fn valid; /* the plain valid answer (the first connection of a resumption; a spare connection) */
    const void *valid_ctx;
} client_request;

/* Plays one request as the server on one connection of the client under test (two with resumption) and fills the
 * observation; a client that never connects is reported in the observation (error), not by the return value. */
typedef int (*client_serve_fn)(void *ctx, const client_request *r, observation *o);

/* Starts and stops the client under test around each connection (an --exec command, a thread in tests, or a
 * person told what to run). */
typedef struct {
    /* Starts the client for one check (r->no_alpn_offer: a run that offers no ALPN, if the driver has one;
     * r->resumption: a run that connects twice, resuming with early data the second time). Returns 0; 1 when the
     * driver has no way to run this check, with the reason in err (the check is then SKIP); or -1 with the reason
     * in err (the check is then ERROR). */
    int (*start)(void *ctx, const client_request *r, char *err, size_t err_cap);
    /* After the connection: waits for the client to end, killing it after its deadline. Returns its exit status,
     * or -1 when unknown or killed. */
    int (*finish)(void *ctx);
    void *ctx;
} client_driver;

/* ---- alpncheck proxy: one CONNECT through the proxy under test ---------------------------------------------- */

/* What to send: CONNECT to alpncheck's own target, with this ALPN header field value (RFC 7639 §2), or none. */
typedef struct {
    const char *alpn_header; /* NULL: no ALPN field */
} proxy_request;

#define PROXY_PAYLOAD_MAX 512

/* What one CONNECT showed. Every text is bounded; the reason phrase is the proxy's bytes, escaped when shown. */
typedef struct {
    int error; /* the proxy could not be reached or gave no answer that could be read: verdict ERROR */
    char error_text[OBS_TEXT_MAX];
    int status;         /* the answer's status code, 0 when there was none */
    uint8_t reason[96]; /* its reason phrase (truncated to what fits) */
    size_t reason_len;
    int established;            /* a 2xx answer: the proxy says the tunnel is open (RFC 9110 §9.3.6) */
    int arrived;                /* a connection through the tunnel reached alpncheck's target */
    int up_intact, down_intact; /* the bytes sent each way arrived unchanged */
    size_t up_sent, up_got;     /* client → target: bytes sent and received */
    size_t down_sent, down_got; /* target → client */
    size_t first_diff;          /* with a changed direction: the offset of the first byte that differs */
    /* The proxy chained to alpncheck's target as its upstream proxy: the target received a CONNECT of its own. */
    int via_upstream;
    unsigned upstream_alpn_fields; /* ALPN field lines in that CONNECT */
    uint8_t upstream_alpn[256];    /* the first one's value (truncated to what fits) */
    size_t upstream_alpn_len;
    double ms;
} proxy_observation;

void proxy_observation_init(proxy_observation *o);

/* Plays one CONNECT and fills the observation. Returns 0; an unreachable proxy is reported in the observation. */
typedef int (*proxy_fn)(void *ctx, const proxy_request *r, proxy_observation *o);

#endif
