/* The prober of `alpncheck server`: one probe request, one TCP connection to the target, one observation; and the
 * socket helpers with a deadline that the whole peer layer uses. */
#ifndef ALPN_PEER_SERVER_PROBE_H
#define ALPN_PEER_SERVER_PROBE_H

#include "exchange.h"
#include "wire_conn.h"

/* The deadline of a whole run (--deadline): no connection outlives it, and once it has passed none starts, so that a
 * run takes at most that long however slowly its peer answers. */
typedef struct {
    double at;   /* probe_now_ms() based; 0: none */
    int seconds; /* as given, for the reason text */
} probe_run_limit;

/* A limit of seconds from now (0: none). */
void probe_run_limit_start(probe_run_limit *r, int seconds);
/* The deadline of a connection that starts now: timeout_ms from now, cut at the run's deadline. */
double probe_conn_deadline(const probe_run_limit *r, int timeout_ms);
/* 1, with "run deadline of N s reached" in err, once the run's deadline has passed; else 0 (err untouched). */
int probe_run_over(const probe_run_limit *r, char *err, size_t err_cap);

typedef struct {
    char host[256];
    char port[8];
    char sni[256];  /* empty: no server_name extension */
    int timeout_ms; /* for connecting and for every read */
    probe_run_limit run;
} server_target;

/* HOST:PORT as a person writes it (IPv6 as [ADDR]:PORT) into t's host and port. 0, or -1 with the reason in why. */
int server_target_parse(server_target *t, const char *arg, char *why, size_t cap);

/* Milliseconds on a monotonic clock. */
double probe_now_ms(void);

/* Opens a TCP connection to the target, non-blocking, by the deadline (probe_now_ms() based). Returns the socket, or
 * -1 with the reason in err. */
int probe_dial(const server_target *t, double deadline, char *err, size_t err_cap);

/* Milliseconds left until the deadline, rounded up, for poll (0 once it has passed). */
int probe_left_ms(double deadline);

/* Sends all len bytes by the deadline. 0, or -1 with errno set (ETIMEDOUT at the deadline; EPIPE or ECONNRESET when
 * the peer hung up). */
int probe_send_all(int fd, const uint8_t *p, size_t len, double deadline);

/* Reads more bytes into buf[*len, cap) by the deadline: 1 on data (*len grown), 0 on an orderly close, -1 at the
 * deadline, -2 on a socket error (errno in *sock_errno; ENOBUFS when buf is full). */
int probe_recv_more(int fd, uint8_t *buf, size_t cap, size_t *len, double deadline, int *sock_errno);

/* The socket side of one TLS connection, the same whichever role alpncheck plays: the socket and its deadline, the
 * bytes received and not yet parsed, the plaintext of one record, the peer's handshake bytes cut into messages, and
 * the record carrier. */
typedef struct {
    int fd;
    double deadline;
    uint8_t in[2 * (5 + WIRE_RECORD_CIPHER_MAX)];
    size_t in_len;
    uint8_t plain[WIRE_RECORD_CIPHER_MAX];
    int sock_errno;
    size_t received;  /* bytes read on this connection */
    int over_budget;  /* probe_link_fill stopped reading at PROBE_BYTE_BUDGET */
    unsigned skipped; /* records the read loop skipped (probe_link_skip) */
    /* Not NULL: the peer's bytes come from here instead of fd (server_probe_replay), replay_chunk at a time (0: as
     * many as the buffer takes), then a close; and what alpncheck sends is dropped. */
    const uint8_t *replay;
    size_t replay_len, replay_pos, replay_chunk;
    wire_msg_reader hs;
    wire_records rl;
} probe_link;

/* The most a peer may send on one connection: a whole handshake with long certificate chains is a few tens of KiB,
 * so 1 MiB is far above anything legitimate and far below what a flooding peer sends before the deadline. */
#define PROBE_BYTE_BUDGET (1u << 20)
/* Over QUIC also datagrams: empty ones and ones the connection drops count too, so that a flood of them ends before
 * the deadline (a handshake takes a handful). */
#define PROBE_DATAGRAM_BUDGET 1024
/* The most records a read loop skips on one connection (ChangeCipherSpec, a record that carries nothing the handshake
 * takes). A handshake brings one or two (RFC 8446 §5 and §D.4: one compatibility ChangeCipherSpec); common TLS stacks
 * stop at a few dozen empty records. A peer that keeps the socket readable with such records is stopped at the 33rd,
 * long before the byte budget, instead of at the deadline. */
#define PROBE_SKIPPED_MAX 32

/* A fresh link on socket fd (-1: none yet) with the deadline; server: alpncheck's side of the records. */
void probe_link_start(probe_link *k, int fd, double deadline, int server);
/* probe_recv_more into the link's buffer: 1 data, 0 orderly close, -1 deadline or the byte budget spent, -2 socket
 * error or a full buffer. */
int probe_link_fill(probe_link *k);
/* After probe_link_fill returned -1, or probe_link_skip 1: why reading stopped ("the deadline passed", the byte
 * budget, or the records skipped). */
const char *probe_link_cutoff(const probe_link *k);
/* Counts a record the read loop skips: 0, or 1 once more than PROBE_SKIPPED_MAX came on this connection, which ends
 * the read as the byte budget does (probe_link_cutoff says so). */
int probe_link_skip(probe_link *k);
/* What came on one QUIC connection, counted against PROBE_DATAGRAM_BUDGET and PROBE_BYTE_BUDGET (both roles: the
 * probe of a QUIC server and the listener a QUIC client connects to). */
typedef struct {
    size_t datagrams, bytes;
} probe_datagram_budget;
/* Counts one datagram of n bytes (empty ones too). 0 within the budget; -1 past it, with err saying so as
 * probe_link_cutoff does for TCP, naming the peer's role: "the <peer> sent more than ... on this connection without
 * finishing the handshake". */
int probe_datagram_count(probe_datagram_budget *b, size_t n, const char *peer, char *err, size_t err_cap);
/* Drops the first used bytes of the buffer (a record handled). */
void probe_link_consume(probe_link *k, size_t used);
/* One record from the link's buffer: what it carries. */
typedef struct {
    unsigned type;       /* its content type; for a protected record that was opened, the inner content type */
    wire_level level;    /* the level it came at (WIRE_LEVEL_INITIAL for a plaintext record) */
    const uint8_t *body; /* its content: in the buffer, or the plaintext of an opened record */
    size_t len;
    size_t used; /* the bytes of the buffer it takes: probe_link_consume(k, used) once it is handled */
} probe_record;

/* The next record in the buffer (RFC 8446 §5), a protected one (application_data) opened by the record carrier when
 * open is set: 1; 0 when the buffer holds no whole record (probe_link_fill); -1 when the bytes are not a TLS record;
 * -2 when a protected record does not open. */
int probe_link_next(probe_link *k, int open, probe_record *r);
/* "not a TLS record at byte 0 of what the peer sent (bytes 48 54 54 50, "HTTP")": where the buffer starts in the
 * connection and its first bytes, for an error text. */
void probe_link_not_a_record(const probe_link *k, char *buf, size_t cap);

/* The peer's alert, from its alert records. An alert is two bytes, level and description (RFC 8446 §6). RFC 5246
 * §6.2.1 lets a TLS 1.2 message span records, an alert too (RFC 8446 §5.1 forbids it in TLS 1.3, and no stack is
 * known to do it): a one-byte alert record is held until the other byte comes. */
typedef struct {
    int held;      /* the first byte of an alert is held */
    uint8_t level; /* that byte */
    size_t at;     /* where its record starts in what the peer sent */
} probe_alert_parts;
/* Takes the body of one alert record that starts at byte `at` of what the peer sent; may_split: the connection is not
 * TLS 1.3 (as far as is known), so an alert may span records. 1 the alert is whole (the connection's first into
 * o->alert and o->alert_level), 0 half of one is held (read on), -1 a malformed answer (o->error, o->malformed, the
 * text says where): an empty alert record (RFC 5246 §6.2.1), half an alert where it may not be split, or a held half
 * whose rest comes where splitting is not allowed. */
int probe_take_alert(probe_alert_parts *a, const uint8_t *p, size_t len, size_t at, int may_split, observation *o);
/* Anything but the rest of a held alert came: another record or a close (a malformed answer), or the deadline
 * (at_deadline: an error saying how far the alert got, as for any record the deadline cut short). 1 when half an
 * alert was held, else 0. */
int probe_alert_cut(const probe_alert_parts *a, int at_deadline, observation *o);

/* The wire client's parameters for a probe request to target t (its TLS version, SNI, ALPN bytes and flags); the
 * pointers are the request's. */
void probe_client_params(const server_target *t, const probe_request *s, wire_client_params *p);

/* What a wire client object saw of the server's messages (version, ALPN and where, NPN, HelloRetryRequest), into the
 * observation. */
void probe_observe_client(const wire_client_conn *cl, observation *o);

/* size zeroed bytes on the heap, for what one call holds and the stack should not (a connection, an observation):
 * the caller frees them. NULL when there is no memory, with o an ERROR observation saying so. */
void *probe_alloc(size_t size, observation *o);

/* probe_fn (exchange.h): ctx is a server_target. */
int server_probe(void *ctx, const probe_request *s, observation *o);

/* server_probe on bytes instead of a connection: the ClientHello (and a second one after a HelloRetryRequest) is
 * built and dropped, and the read loop reads `peer` as what the server sent, `chunk` bytes at a time (0: as many as
 * its buffer takes), then a close. The same loop and the same observation as over TCP, without a socket and without
 * waiting: the fuzz target fuzz_probe_flight drives the loop itself with it. scratch: SERVER_PROBE_SCRATCH bytes
 * (aligned as malloc aligns) for the connection, which a caller that replays often keeps (fresh pages for every
 * call cost more than the reading), or NULL to allocate them. Returns 0. */
int server_probe_replay(const server_target *t, const probe_request *s, const uint8_t *peer, size_t len, size_t chunk,
                        void *scratch, observation *o);
/* The size of one connection's state, for server_probe_replay's scratch. */
extern const size_t SERVER_PROBE_SCRATCH;

#endif
