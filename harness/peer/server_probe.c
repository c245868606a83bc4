/*
 * One server check, one connection: send the scenario's ClientHello, read the server's flight until an alert, the
 * end of the flight (TLS 1.3 Finished, TLS 1.2 ServerHelloDone), a close or the deadline, and record what was seen.
 * The handshake is the wire client object's (wire_conn.h): this driver owns the socket and the deadline, carries
 * records both ways and hands the object the server's handshake messages.
 */
#include "server_probe.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wire_conn.h"

double probe_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void probe_run_limit_start(probe_run_limit *r, int seconds)
{
    r->seconds = seconds;
    r->at = seconds > 0 ? probe_now_ms() + seconds * 1000.0 : 0;
}

double probe_conn_deadline(const probe_run_limit *r, int timeout_ms)
{
    double own = probe_now_ms() + timeout_ms;
    return r->at > 0 && r->at < own ? r->at : own;
}

int probe_run_over(const probe_run_limit *r, char *err, size_t err_cap)
{
    if (r->at <= 0 || probe_now_ms() < r->at)
        return 0;
    snprintf(err, err_cap, "run deadline of %d s reached", r->seconds);
    return 1;
}

int probe_left_ms(double deadline)
{
    double left = deadline - probe_now_ms();
    return left > 0 ? (int)left + 1 : 0;
}

int server_target_parse(server_target *t, const char *arg, char *why, size_t cap)
{
    const char *colon = strrchr(arg, ':');
    const char *host = arg;
    size_t host_len = colon ? (size_t)(colon - arg) : 0;
    if (colon == NULL || colon[1] == '\0' || host_len == 0) {
        snprintf(why, cap, "'%s' is not HOST:PORT (IPv6 as [ADDR]:PORT)", arg);
        return -1;
    }
    if (host[0] == '[' && host_len >= 2 && host[host_len - 1] == ']') { /* [::1]:443 */
        host++;
        host_len -= 2;
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 1 || port > 65535) {
        snprintf(why, cap, "'%s': the port must be a number from 1 to 65535", arg);
        return -1;
    }
    if (host_len >= sizeof t->host) {
        snprintf(why, cap, "'%.40s...': the host name is longer than %zu bytes", arg, sizeof t->host - 1);
        return -1;
    }
    memcpy(t->host, host, host_len);
    t->host[host_len] = '\0';
    snprintf(t->port, sizeof t->port, "%ld", port);
    return 0;
}

int probe_dial(const server_target *t, double deadline, char *err, size_t err_cap)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(t->host, t->port, &hints, &res);
    if (rc != 0) {
        snprintf(err, err_cap, "cannot resolve %.100s: %s", t->host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        /* Handshake messages go out at once (no Nagle delay on our small flights). */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            snprintf(err, err_cap, "connect: %s", strerror(errno));
            close(fd);
            fd = -1;
            continue;
        }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (poll(&p, 1, probe_left_ms(deadline)) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 ||
            soerr != 0) {
            snprintf(err, err_cap, "connect: %s", soerr ? strerror(soerr) : "timed out");
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

int probe_send_all(int fd, const uint8_t *p, size_t len, double deadline)
{
    while (len > 0) {
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        int ready = poll(&pf, 1, probe_left_ms(deadline));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            return -1;
        if (ready == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n == 0)
            errno = EPIPE; /* nothing taken: as good as a hang-up, and errno says something true */
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int probe_recv_more(int fd, uint8_t *buf, size_t cap, size_t *len, double deadline, int *sock_errno)
{
    if (*len >= cap) {
        *sock_errno = ENOBUFS;
        return -2;
    }
    /* The deadline is the connection's, and no amount of incoming data moves it: once it has passed, poll with a
     * timeout of 0 would still report a socket that a peer keeps readable (change_cipher_spec records without end),
     * and the read loops above would never stop. */
    if (probe_now_ms() >= deadline)
        return -1;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, probe_left_ms(deadline)) != 1)
        return -1;
    ssize_t n = recv(fd, buf + *len, cap - *len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 1;
    if (n < 0) {
        *sock_errno = errno;
        return -2;
    }
    *len += (size_t)n;
    return n > 0;
}

void probe_link_start(probe_link *k, int fd, double deadline, int server)
{
    k->fd = fd;
    k->deadline = deadline;
    k->in_len = 0;
    k->sock_errno = 0;
    k->received = 0;
    k->over_budget = 0;
    k->skipped = 0;
    k->replay = NULL;
    wire_msg_reader_reset(&k->hs);
    wire_records_init(&k->rl, server);
}

/* probe_recv_more's answers for a replay (server_probe_replay): the next piece of the bytes, then a close. */
static int replay_more(probe_link *k)
{
    if (k->in_len >= sizeof k->in) {
        k->sock_errno = ENOBUFS;
        return -2;
    }
    size_t n = k->replay_len - k->replay_pos, room = sizeof k->in - k->in_len;
    if (n == 0)
        return 0;
    if (n > room)
        n = room;
    if (k->replay_chunk > 0 && n > k->replay_chunk)
        n = k->replay_chunk;
    memcpy(k->in + k->in_len, k->replay + k->replay_pos, n);
    k->in_len += n;
    k->replay_pos += n;
    return 1;
}

/* A buffer that is full without a whole record cannot happen with bounded records. */
int probe_link_fill(probe_link *k)
{
    /* A peer that floods (HelloRequest after HelloRequest, records that are skipped) is cut off at the budget, as at
     * the deadline: what a handshake legitimately sends is far less. */
    if (k->received >= PROBE_BYTE_BUDGET) {
        k->over_budget = 1;
        return -1;
    }
    size_t before = k->in_len;
    int rc = k->replay != NULL ? replay_more(k)
                               : probe_recv_more(k->fd, k->in, sizeof k->in, &k->in_len, k->deadline, &k->sock_errno);
    k->received += k->in_len - before;
    return rc;
}

const char *probe_link_cutoff(const probe_link *k)
{
    if (k->skipped > PROBE_SKIPPED_MAX)
        return "the peer sent more than 32 records that carry nothing for the handshake (ChangeCipherSpec and the "
               "like) on this connection";
    return k->over_budget ? "the peer sent more than 1 MiB on this connection without finishing the handshake"
                          : "the deadline passed";
}

int probe_link_skip(probe_link *k)
{
    return ++k->skipped > PROBE_SKIPPED_MAX;
}

int probe_datagram_count(probe_datagram_budget *b, size_t n, const char *peer, char *err, size_t err_cap)
{
    char over[32];
    if (++b->datagrams > PROBE_DATAGRAM_BUDGET)
        snprintf(over, sizeof over, "%d datagrams", PROBE_DATAGRAM_BUDGET);
    else if ((b->bytes += n) > PROBE_BYTE_BUDGET)
        snprintf(over, sizeof over, "1 MiB");
    else
        return 0;
    snprintf(err, err_cap, "the %s sent more than %s on this connection without finishing the handshake", peer, over);
    return -1;
}

void probe_link_consume(probe_link *k, size_t used)
{
    memmove(k->in, k->in + used, k->in_len - used);
    k->in_len -= used;
}

int probe_link_next(probe_link *k, int open, probe_record *r)
{
    wire_record rec;
    int rc = wire_record_parse(k->in, k->in_len, &rec, &r->used);
    if (rc <= 0)
        return rc < 0 ? -1 : 0;
    r->type = rec.type;
    r->level = WIRE_LEVEL_INITIAL;
    r->body = rec.body;
    r->len = rec.len;
    if (rec.type == WIRE_CT_APPDATA && open) {
        unsigned inner = 0;
        long n = wire_records_open(&k->rl, k->in, r->used, k->plain, &inner, &r->level);
        if (n < 0)
            return -2;
        r->type = inner;
        r->body = k->plain;
        r->len = (size_t)n;
    }
    return 1;
}

void probe_link_not_a_record(const probe_link *k, char *buf, size_t cap)
{
    /* The first bytes as hex and, for a peer that speaks another protocol (HTTP), as text: printable ASCII as is. */
    char text[5];
    for (size_t i = 0; i < 4; i++)
        text[i] = i < k->in_len && k->in[i] >= 0x20 && k->in[i] < 0x7f ? (char)k->in[i] : '.';
    text[4] = '\0';
    snprintf(buf, cap, "not a TLS record at byte %zu of what the peer sent (bytes %02x %02x %02x %02x, \"%s\")",
             k->received - k->in_len, k->in[0], k->in_len > 1 ? k->in[1] : 0, k->in_len > 2 ? k->in[2] : 0,
             k->in_len > 3 ? k->in[3] : 0, text);
}

/* Connection state while reading the server's flight: the socket side (the server's handshake bytes in k.hs) and the
 * client object. */
struct conn {
    probe_link k;
    uint8_t out[WIRE_OUTBOX_MAX + 8 * 5]; /* our records: a ClientHello of up to five fragments */
    wire_client_conn cl;
};

/* The client object's queued messages (a ClientHello) as plaintext records of that record version, then sent. 0, or
 * -1 (errno from probe_send_all; no room or no key: errno 0). */
static int flush(struct conn *c, unsigned record_version)
{
    wire_wr w;
    wire_wr_init(&w, c->out, sizeof c->out);
    errno = 0;
    int rc = wire_records_update(&c->k.rl, &c->cl.conn) != 0 ||
                     wire_records_write(&c->k.rl, &c->cl.conn.out, WIRE_LEVEL_INITIAL, record_version, &w) != 0
                 ? -1
             : c->k.replay != NULL ? 0 /* a replay drops what is sent */
                                   : probe_send_all(c->k.fd, c->out, w.len, c->k.deadline);
    wire_outbox_clear(&c->cl.conn.out);
    return rc;
}

void probe_observe_client(const wire_client_conn *cl, observation *o)
{
    static const alpn_where where[] = {
        [WIRE_WHERE_NONE] = WHERE_NONE,
        [WIRE_WHERE_SERVER_HELLO] = WHERE_SERVER_HELLO,
        [WIRE_WHERE_ENCRYPTED_EXTENSIONS] = WHERE_ENCRYPTED_EXTENSIONS,
        [WIRE_WHERE_HELLO_RETRY_REQUEST] = WHERE_HELLO_RETRY_REQUEST,
        [WIRE_WHERE_OTHER] = WHERE_OTHER,
    };
    o->version = (uint16_t)cl->version;
    o->npn_seen = cl->npn;
    o->hrr = cl->hrr;
    o->alpn_count = cl->alpn.count;
    if (cl->alpn.count > 0) {
        o->alpn_where = where[cl->alpn_where];
        o->alpn_len = cl->alpn.len;
        memcpy(o->alpn, cl->alpn.data, cl->alpn.len < OBS_ALPN_MAX ? cl->alpn.len : OBS_ALPN_MAX);
    }
}

/* Hands handshake bytes to the client object message by message, sending what it answers (a second ClientHello
 * after a HelloRetryRequest) and installing the keys it derives. Returns 1 when the server's flight is complete,
 * -1 to stop with o->error_text set, 0 to go on. */
static int feed_handshake(struct conn *c, wire_level level, const uint8_t *p, size_t len, observation *o)
{
    if (wire_msg_reader_add(&c->k.hs, p, len) != 0) {
        snprintf(o->error_text, sizeof o->error_text, "handshake message over %u bytes", WIRE_HANDSHAKE_MAX);
        return -1;
    }
    const uint8_t *msg;
    size_t mlen;
    int rc = 0, got;
    while (rc == 0 && (got = wire_msg_reader_next(&c->k.hs, &msg, &mlen)) != 0) {
        if (got < 0) {
            const uint8_t *head;
            wire_msg_reader_pending(&c->k.hs, &head);
            snprintf(o->error_text, sizeof o->error_text,
                     "a handshake message of type %u claims %zu bytes, more than the %zu its type may hold", head[0],
                     mlen, wire_handshake_max(head[0]));
            return -1;
        }
        rc = wire_client_take(&c->cl, level, msg, mlen);
        if (rc < 0) {
            snprintf(o->error_text, sizeof o->error_text, "%s", c->cl.conn.error);
            return -1;
        }
        /* RFC 8446 §5.1: the second ClientHello goes in records of version 0x0303. */
        if (c->cl.conn.out.n > 0 && flush(c, WIRE_TLS12) != 0) {
            snprintf(o->error_text, sizeof o->error_text, "cannot send the second ClientHello");
            return -1;
        }
        if (wire_records_update(&c->k.rl, &c->cl.conn) != 0) {
            snprintf(o->error_text, sizeof o->error_text, "key schedule failed");
            return -1;
        }
    }
    return rc;
}

/* A malformed alert: what came, where its record starts in what the peer sent, and why it is no alert. -1. */
static int malformed_alert(observation *o, const char *what, size_t at, const char *why)
{
    o->error = 1;
    o->malformed = 1;
    snprintf(o->error_text, sizeof o->error_text, "%s at byte %zu of what the peer sent%s", what, at, why);
    return -1;
}

int probe_take_alert(probe_alert_parts *a, const uint8_t *p, size_t len, size_t at, int may_split, observation *o)
{
    if (a->held && !may_split)
        return -probe_alert_cut(a, 0, o);
    if (len == 1 && !a->held && !may_split)
        return malformed_alert(o, "an alert record of 1 byte", at,
                               "; an alert is two bytes, level and description (RFC 8446 §6), never split across "
                               "records in TLS 1.3 (§5.1)");
    if (len == 0)
        return malformed_alert(o, "an empty alert record", at, " (RFC 5246 §6.2.1: no zero-length alert fragments)");
    if (!a->held && len == 1) {
        *a = (probe_alert_parts){1, p[0], at};
        return 0;
    }
    /* RFC 8446 §6: level (1 warning, 2 fatal), then description. A shorter alert record is no alert: reporting it as
     * one, or as none, would misjudge a peer that sends garbage (probe_alert_cut). */
    uint8_t level = a->held ? a->level : p[0], description = a->held ? p[0] : p[1];
    if (o->alert < 0) {
        o->alert_level = level;
        o->alert = description;
    }
    return 1;
}

int probe_alert_cut(const probe_alert_parts *a, int at_deadline, observation *o)
{
    if (!a->held)
        return 0;
    if (at_deadline) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text,
                 "the deadline passed after the first byte of an alert (its record at byte %zu of what the peer sent)",
                 a->at);
        return 1;
    }
    malformed_alert(o, "an alert record of 1 byte", a->at,
                    ", and no second byte after it; an alert is two bytes, level and description (RFC 8446 §6)");
    return 1;
}

/* Reads records until the flight is complete, an alert arrives, the peer closes, or the deadline passes. */
static void read_flight(struct conn *c, observation *o)
{
    int got_any = 0;
    probe_alert_parts alert = {0};
    for (;;) {
        probe_record rec;
        int rc = probe_link_next(&c->k, wire_records_can_open(&c->k.rl), &rec);
        if (rc < 0) {
            o->error = 1;
            o->malformed = 1;
            if (rc == -1)
                probe_link_not_a_record(&c->k, o->error_text, sizeof o->error_text);
            else
                snprintf(o->error_text, sizeof o->error_text, "cannot decrypt the server's handshake record");
            return;
        }
        if (rc == 0) {
            int f = probe_link_fill(&c->k);
            if (f == 1)
                continue;
            if (probe_alert_cut(&alert, f == -1 && !c->k.over_budget, o))
                return;
            if (got_any && c->k.over_budget) {
                /* A flood is no answer to judge: the check is ERROR, and says why. The server answered, so it is
                 * reachable: an unusable answer (malformed), not "cannot reach". */
                o->error = 1;
                o->malformed = 1;
                snprintf(o->error_text, sizeof o->error_text, "%s", probe_link_cutoff(&c->k));
                return;
            }
            if (got_any) {
                /* Closed, reset or stalled after some answer: the observation says how far the handshake got, and
                 * (without an error) how it ended. */
                o->closed = f != -1;
                snprintf(o->error_text, sizeof o->error_text, "%s after %zu bytes from the server, before its flight "
                         "was complete",
                         f == 0    ? "the server closed the connection"
                         : f == -1 ? "the deadline passed"
                                   : strerror(c->k.sock_errno),
                         c->k.received);
                return;
            }
            o->error = 1;
            /* A close (FIN) or a reset before a single byte answers the ClientHello; a stall, another socket error
             * or a cut-off first record does not. */
            o->refused = c->k.in_len == 0 && (f == 0 || (f == -2 && c->k.sock_errno == ECONNRESET));
            if (c->k.in_len > 0)
                snprintf(o->error_text, sizeof o->error_text, "%s after %zu bytes of an incomplete record",
                         f == 0    ? "connection closed"
                         : f == -1 ? "the deadline passed"
                                   : strerror(c->k.sock_errno),
                         c->k.in_len);
            else if (f == 0)
                snprintf(o->error_text, sizeof o->error_text, "connection closed before any answer");
            else if (f == -2)
                snprintf(o->error_text, sizeof o->error_text, "%s before any answer", strerror(c->k.sock_errno));
            else
                snprintf(o->error_text, sizeof o->error_text,
                         "the connection was established, but nothing answered the ClientHello before the deadline");
            return;
        }
        got_any = 1;
        int hr = 0;
        if (rec.type == WIRE_CT_ALERT) {
            /* Split only where TLS 1.3 was not selected: its alerts come whole (RFC 8446 §5.1). */
            if (probe_take_alert(&alert, rec.body, rec.len, c->k.received - c->k.in_len, c->cl.version != WIRE_TLS13,
                                 o) != 0)
                return;
            probe_link_consume(&c->k, rec.used);
            continue;
        }
        if (probe_alert_cut(&alert, 0, o))
            return;
        if (rec.type == WIRE_CT_HANDSHAKE) {
            hr = feed_handshake(c, rec.level, rec.body, rec.len, o);
        } else if (probe_link_skip(&c->k)) {
            /* ChangeCipherSpec (RFC 8446 §5 middlebox compatibility) and anything else is skipped, up to a cap: past
             * it the answer is a stream of nothing, unusable (as a flood is). */
            o->error = 1;
            o->malformed = 1;
            snprintf(o->error_text, sizeof o->error_text, "%s", probe_link_cutoff(&c->k));
            return;
        }
        probe_link_consume(&c->k, rec.used);
        if (hr < 0 && c->cl.p.version == WIRE_TLS13 && c->cl.version != 0 && c->cl.version < WIRE_TLS13) {
            /* A server that does not know TLS 1.3 reads the hello's legacy_version and answers with TLS 1.2 (RFC
             * 8446 §4.1.2, §D.1): an answer, not a malformed one; the handshake stops there, incomplete. */
            return;
        }
        if (hr < 0) {
            /* A message that does not parse, or does not fit where it came: answered, but unusably. */
            o->error = 1;
            o->malformed = 1;
            return;
        }
        if (hr > 0) {
            o->completed = 1;
            return;
        }
    }
}

void probe_client_params(const server_target *t, const probe_request *s, wire_client_params *p)
{
    *p = (wire_client_params){
        .version = strcmp(s->tls, "1.3") == 0   ? WIRE_TLS13
                   : strcmp(s->tls, "1.1") == 0 ? WIRE_TLS11
                   : strcmp(s->tls, "1.0") == 0 ? WIRE_TLS10
                                                : WIRE_TLS12,
        .sni = t->sni,
        .send_alpn = s->send_alpn,
        .alpn = s->ext,
        .alpn_len = s->ext_len,
        .duplicate_alpn = s->duplicate_alpn,
        .send_npn = s->send_npn,
        .force_hrr = s->force_hrr,
        .has_alpn2 = s->has_ext2,
        .alpn2 = s->ext2,
        .alpn2_len = s->ext2_len,
    };
}

void *probe_alloc(size_t size, observation *o)
{
    void *p = calloc(1, size);
    if (p == NULL) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "out of memory");
    }
    return p;
}

/* server_probe on the connection c, begun at start: dials (or, with c->k.replay set, reads that instead), sends the
 * ClientHello and reads the server's answer into o. */
static void probe_on(struct conn *c, const server_target *t, const probe_request *s, double start, observation *o)
{
    wire_client_params p;
    probe_client_params(t, s, &p);
    if (wire_client_start(&c->cl, &p) != 0) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "%s", c->cl.conn.error);
        return;
    }
    if (c->k.replay == NULL)
        c->k.fd = probe_dial(t, c->k.deadline, o->error_text, sizeof o->error_text);
    if (c->k.replay == NULL && c->k.fd < 0) {
        o->error = 1;
        o->ms = probe_now_ms() - start;
        return;
    }
    /* RFC 8446 §5.1: the first ClientHello's record version may be 0x0301 for compatibility. */
    if (flush(c, 0x0301) == 0 || errno == EPIPE || errno == ECONNRESET) {
        /* A server that hung up while a long ClientHello was still going out answered it: what it sent before
         * (an alert), or nothing (refused). */
        read_flight(c, o);
    } else {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "cannot send the ClientHello: %s", strerror(errno));
    }
    probe_observe_client(&c->cl, o);
    /* A flight the run's deadline cut short is no answer to judge (a malformed one keeps what was wrong). */
    if (!o->completed && o->alert < 0 && !o->malformed &&
        probe_run_over(&t->run, o->error_text, sizeof o->error_text)) {
        o->error = 1;
        o->refused = 0;
    }
    if (c->k.fd >= 0)
        close(c->k.fd);
    o->ms = probe_now_ms() - start;
}

int server_probe(void *ctx, const probe_request *s, observation *o)
{
    const server_target *t = ctx;
    double start = probe_now_ms();
    /* Past the run's deadline no connection starts: the check is ERROR with that reason. */
    if (probe_run_over(&t->run, o->error_text, sizeof o->error_text)) {
        o->error = 1;
        return 0;
    }
    /* A connection is some 330 KiB (its buffers and the client object): on the heap, one per call. */
    struct conn *c = probe_alloc(sizeof *c, o);
    if (c != NULL) {
        probe_link_start(&c->k, -1, probe_conn_deadline(&t->run, t->timeout_ms), 0);
        probe_on(c, t, s, start, o);
    }
    free(c);
    return 0;
}

const size_t SERVER_PROBE_SCRATCH = sizeof(struct conn);

int server_probe_replay(const server_target *t, const probe_request *s, const uint8_t *peer, size_t len, size_t chunk,
                        void *scratch, observation *o)
{
    double start = probe_now_ms();
    struct conn *c = scratch != NULL ? memset(scratch, 0, sizeof *c) : probe_alloc(sizeof *c, o);
    if (c != NULL) {
        probe_link_start(&c->k, -1, probe_conn_deadline(&t->run, t->timeout_ms), 0);
        c->k.replay = peer;
        c->k.replay_len = len;
        c->k.replay_pos = 0;
        c->k.replay_chunk = chunk;
        probe_on(c, t, s, start, o);
    }
    if (scratch == NULL)
        free(c);
    return 0;
}
