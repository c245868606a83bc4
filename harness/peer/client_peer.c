/*
 * One client check, one connection: read the client's ClientHello, answer with the scenario's ALPN (TLS 1.3:
 * ServerHello, then EncryptedExtensions, Certificate, CertificateVerify and Finished under the handshake keys; TLS
 * 1.2: ServerHello, Certificate, ServerKeyExchange, ServerHelloDone), and read the client's reaction: an alert (TLS
 * 1.3: decrypted with the client's handshake key when protected) or its next handshake message — Finished (TLS 1.3)
 * or ClientKeyExchange (TLS 1.2) — which means it accepted the answer. Every read has the check's deadline.
 * CLI-0RTT-ALPN takes two connections: a full handshake that issues a ticket, then a resumption that accepts the
 * client's early data (decrypted under its early keys until EndOfEarlyData) but selects another ALPN.
 */
#include "client_peer.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_head.h"
#include "server_probe.h"
#include "wire_conn.h"

int client_listener_open(client_listener *l, const char *host, int port, char *err, size_t err_cap)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = l->quic ? SOCK_DGRAM : SOCK_STREAM,
                             .ai_flags = AI_PASSIVE},
                    *res;
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    snprintf(l->host, sizeof l->host, "%s", host);
    l->fd = -1;
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        snprintf(err, err_cap, "cannot resolve %.60s: %s", host, gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai != NULL && l->fd < 0; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol), one = 1;
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || (!l->quic && listen(fd, 8) != 0)) {
            snprintf(err, err_cap, "cannot listen on %.60s:%d: %s", host, port, strerror(errno));
            close(fd);
            continue;
        }
        struct sockaddr_storage a;
        socklen_t al = sizeof a;
        if (getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
            close(fd);
            continue;
        }
        l->port = a.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&a)->sin6_port)
                                          : ntohs(((struct sockaddr_in *)&a)->sin_port);
        l->fd = fd;
    }
    freeaddrinfo(res);
    return l->fd >= 0 ? 0 : -1;
}

void client_listener_close(client_listener *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
}

int client_listener_drain(client_listener *l)
{
    int n = 0;
    struct pollfd p = {.fd = l->fd, .events = POLLIN};
    while (n < 64 && poll(&p, 1, 0) == 1) {
        if (l->quic) {
            uint8_t sink[2048];
            if (recv(l->fd, sink, sizeof sink, MSG_DONTWAIT) < 0)
                break;
            n++;
            continue;
        }
        int fd = accept(l->fd, NULL, NULL);
        if (fd < 0)
            break;
        close(fd);
        n++;
    }
    return n;
}

/* State of one connection: the socket side (the client's handshake bytes in k.hs) and the server object. */
struct conn {
    probe_link k;
    uint8_t out[16384 + 8192];
    int tls13;
    int hello_late; /* the wait for a whole ClientHello (take_client_hello) ran out */
    int proxy;      /* the connection starts with a CONNECT (client_listener.proxy) */
    wire_server_conn sv;
};

static int send_all(struct conn *c, const uint8_t *p, size_t len)
{
    return probe_send_all(c->k.fd, p, len, c->k.deadline);
}

static void send_alert(struct conn *c, unsigned code)
{
    const uint8_t rec[] = {WIRE_CT_ALERT, 0x03, 0x03, 0x00, 0x02, 0x02, (uint8_t)code};
    send_all(c, rec, sizeof rec);
}

/* A fresh connection, not yet accepted, with a deadline of the listener's timeout from now (cut at the run's): the
 * server object plays TLS 1.3 or 1.2 with the listener's identity. */
static void conn_start(struct conn *c, const client_listener *l, int tls13)
{
    memset(c, 0, sizeof *c);
    probe_link_start(&c->k, -1, probe_conn_deadline(&l->run, l->timeout_ms), 1);
    c->tls13 = tls13;
    c->proxy = l->proxy;
    wire_server_start(&c->sv, l->id, c->tls13);
}

/* Reads the ClientHello (RFC 8446 §5.1: it may span records; nothing else may come first) and gives it to the server
 * object. 0, or -1 with o->error_text. */
static int read_client_hello(struct conn *c, observation *o)
{
    for (;;) {
        const uint8_t *hs;
        size_t held = wire_msg_reader_pending(&c->k.hs, &hs);
        if (held >= 4) {
            size_t mlen = (size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3];
            if (hs[0] != WIRE_HS_CLIENT_HELLO) {
                snprintf(o->error_text, sizeof o->error_text,
                         "the first handshake message is type %u of %zu bytes, "
                         "not a ClientHello",
                         hs[0], mlen);
                return -1;
            }
            /* Refused on its header: nothing of a message too long to be a ClientHello is buffered. */
            if (mlen > wire_handshake_max(WIRE_HS_CLIENT_HELLO)) {
                snprintf(o->error_text, sizeof o->error_text,
                         "a ClientHello of %zu bytes, more than the %zu it may hold", mlen,
                         wire_handshake_max(WIRE_HS_CLIENT_HELLO));
                return -1;
            }
            if (held - 4 >= mlen) {
                if (held - 4 > mlen) {
                    snprintf(o->error_text, sizeof o->error_text, "data after the ClientHello in its record");
                    return -1;
                }
                wire_msg_reader_reset(&c->k.hs);
                return wire_server_take_client_hello(&c->sv, hs, held);
            }
        }
        wire_record rec;
        size_t used;
        int rc = wire_record_parse(c->k.in, c->k.in_len, &rec, &used);
        if (rc < 0) {
            probe_link_not_a_record(&c->k, o->error_text, sizeof o->error_text);
            return -1;
        }
        if (rc == 0) {
            int f = probe_link_fill(&c->k);
            if (f == 1)
                continue;
            c->hello_late = f == -1 && !c->k.over_budget;
            snprintf(o->error_text, sizeof o->error_text, "%s before a whole ClientHello",
                     f == 0    ? "the client closed the connection"
                     : f == -1 ? probe_link_cutoff(&c->k)
                               : "socket error");
            return -1;
        }
        if (rec.type != WIRE_CT_HANDSHAKE || wire_msg_reader_add(&c->k.hs, rec.body, rec.len) != 0) {
            snprintf(o->error_text, sizeof o->error_text, "record type %u before the ClientHello was complete",
                     rec.type);
            return -1;
        }
        probe_link_consume(&c->k, used);
    }
}

static int fail(observation *o, const char *why)
{
    snprintf(o->error_text, sizeof o->error_text, "%s", why);
    return -1;
}

/* Sends the server object's queued messages as records: plaintext at INITIAL, then (TLS 1.3) the compatibility
 * change_cipher_spec and the protected records of the other levels. 0, or -1 with o->error_text. */
static int send_flight(struct conn *c, observation *o)
{
    wire_wr out;
    wire_wr_init(&out, c->out, sizeof c->out);
    const wire_outbox *ob = &c->sv.conn.out;
    int rc = wire_records_update(&c->k.rl, &c->sv.conn) |
             wire_records_write(&c->k.rl, ob, WIRE_LEVEL_INITIAL, WIRE_TLS12, &out);
    /* RFC 8446 §D.4: in middlebox compatibility mode (a non-empty session id) a dummy change_cipher_spec follows the
     * ServerHello. */
    if (c->tls13 && ob->n > 0 && ob->msg[0].level == WIRE_LEVEL_INITIAL && c->sv.ch.session_id_len > 0) {
        static const uint8_t ccs[] = {WIRE_CT_CCS, 0x03, 0x03, 0x00, 0x01, 0x01};
        wire_wr_bytes(&out, ccs, sizeof ccs);
    }
    for (wire_level l = WIRE_LEVEL_HANDSHAKE; l < WIRE_LEVELS; l++)
        rc |= wire_records_write(&c->k.rl, ob, l, 0, &out);
    wire_outbox_clear(&c->sv.conn.out);
    if (rc != 0 || out.err)
        return fail(o, "cannot protect the server's flight");
    if (send_all(c, c->out, out.len) != 0) {
        /* Why: a client that reset the connection after its hello is not alpncheck failing to send. */
        snprintf(o->error_text, sizeof o->error_text, "cannot send the server's flight: %s",
                 errno == ETIMEDOUT ? "the deadline passed" : strerror(errno));
        return -1;
    }
    return 0;
}

/* The server object's flight for c's version and the answer, sent. 0, or -1 with o->error_text. */
static int answer(struct conn *c, const client_answer *a, observation *o)
{
    wire_server_answer w = {
        .alpn = a->send,
        .alpn_in_server_hello = a->in_server_hello,
        .alpn_data = a->ext,
        .alpn_len = a->ext_len,
        .npn = a->npn,
        .npn_data = a->npn_data,
        .npn_len = a->npn_len,
    };
    int rc = c->tls13 ? wire_server_answer13(&c->sv, &w) : wire_server_answer12(&c->sv, &w);
    if (rc != 0)
        return fail(o, c->sv.conn.error);
    return send_flight(c, o);
}

/* Handshake bytes from the client after our flight, message by message to the server object, which says when the
 * client accepted the flight: its Finished (TLS 1.3) or ClientKeyExchange (TLS 1.2). Returns 1 when the reaction is
 * known. */
static int on_client_handshake(struct conn *c, wire_level level, const uint8_t *p, size_t len, observation *o)
{
    if (wire_msg_reader_add(&c->k.hs, p, len) != 0)
        return fail(o, "client handshake data over the bound"), 1;
    const uint8_t *msg;
    size_t mlen;
    int got;
    while ((got = wire_msg_reader_next(&c->k.hs, &msg, &mlen)) != 0) {
        if (got < 0)
            return fail(o, "client handshake data over the bound"), 1;
        if (wire_server_take(&c->sv, level, msg, mlen) == 1) {
            o->accepted = 1;
            return 1;
        }
        /* After EndOfEarlyData the client's records are under its handshake key (RFC 8446 §4.5). */
        wire_records_update(&c->k.rl, &c->sv.conn);
    }
    return 0;
}

/* Reads the client's records until an alert, its next handshake message, a close or the deadline. */
static void read_reaction(struct conn *c, observation *o)
{
    probe_alert_parts alert = {0};
    wire_msg_reader_reset(&c->k.hs);
    for (;;) {
        /* Once 0-RTT is accepted the client's records are under its early keys until EndOfEarlyData (RFC 8446
         * §4.2.10, §4.5), then under its handshake key: the carrier follows (wire_records_open). */
        probe_record rec;
        int rc = probe_link_next(&c->k, c->tls13, &rec);
        if (rc < 0) {
            o->error = 1;
            snprintf(o->error_text, sizeof o->error_text, "%s",
                     rc == -1 ? "the client sent something that is not a TLS record"
                              : "cannot decrypt the client's record with its handshake key");
            return;
        }
        if (rc == 0) {
            int f = probe_link_fill(&c->k);
            if (f == 1)
                continue;
            if (probe_alert_cut(&alert, f == -1 && !c->k.over_budget, o))
                return;
            /* An orderly close or a reset, both without an alert; the deadline leaves all flags clear. A client that
             * floods is no reaction to judge: ERROR, saying so. */
            o->closed = f == 0 || f == -2;
            if (c->k.over_budget) {
                o->error = 1;
                snprintf(o->error_text, sizeof o->error_text, "%s", probe_link_cutoff(&c->k));
            }
            return;
        }
        int done = 0;
        if (rec.level == WIRE_LEVEL_EARLY && rec.type == WIRE_CT_APPDATA)
            o->early_records++;
        if (rec.type == WIRE_CT_ALERT) {
            done = probe_take_alert(&alert, rec.body, rec.len, c->k.received - c->k.in_len, !c->tls13, o) != 0;
        } else if (probe_alert_cut(&alert, 0, o)) {
            done = 1;
        } else if (rec.type == WIRE_CT_HANDSHAKE) {
            done = on_client_handshake(c, rec.level, rec.body, rec.len, o);
        } else if (!(rec.level == WIRE_LEVEL_EARLY && rec.type == WIRE_CT_APPDATA) && probe_link_skip(&c->k)) {
            /* change_cipher_spec (RFC 8446 §5 compatibility) and anything else but 0-RTT data is skipped, up to a
             * cap: past it the client is no reaction to judge, as a flood is not. */
            o->error = 1;
            snprintf(o->error_text, sizeof o->error_text, "%s", probe_link_cutoff(&c->k));
            done = 1;
        }
        probe_link_consume(&c->k, rec.used);
        if (done)
            return;
    }
}

/* Waits for a connection by c->k.deadline in short slices, so that a client command that ended without connecting is
 * noticed at once instead of at the deadline, and accepts it into c->k.fd. 0; 1 when the deadline passed; 2 when the
 * command ended (its status in *status); -1 when accept failed (errno). */
static int accept_conn(client_listener *l, struct conn *c, int *status)
{
    for (;;) {
        struct pollfd p = {.fd = l->fd, .events = POLLIN};
        int left = probe_left_ms(c->k.deadline);
        *status = -1;
        if (left > 0 && poll(&p, 1, left < 50 ? left : 50) == 1)
            break;
        if (left == 0)
            return 1;
        /* A command that connected and then ended between the poll and this test still has its connection
         * waiting: one more look before calling it gone. */
        if (l->gone != NULL && l->gone(l->gone_ctx, status)) {
            if (poll(&p, 1, 0) == 1)
                break;
            return 2;
        }
    }
    c->k.fd = accept(l->fd, NULL, NULL);
    if (c->k.fd >= 0 && (fcntl(c->k.fd, F_SETFL, O_NONBLOCK) != 0 || fcntl(c->k.fd, F_SETFD, FD_CLOEXEC) != 0)) {
        close(c->k.fd);
        c->k.fd = -1;
    }
    if (c->k.fd < 0)
        return -1;
    int one = 1; /* our flight goes out at once; no Nagle wait for the client's reaction */
    setsockopt(c->k.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

/* Reads and parses a ClientHello on c. 0, or -1 with o->error_text (a decode_error alert has been sent). A client
 * sends its ClientHello as soon as it has connected (RFC 8446 §4.1.2), so the wait for it is CLIENT_HELLO_WAIT_MS
 * (or the check's deadline, when that comes first): a client that connects and says nothing costs that, not the
 * whole deadline of the check. */
/* alpncheck client --proxy: the CONNECT that opens the connection, read into the link's buffer and answered 200
 * (RFC 9110 §9.3.6); its ALPN field (RFC 7639 §2) into o, the bytes after its head left for the ClientHello. -1 with
 * o->error_text when no CONNECT came. */
static int take_connect(struct conn *c, observation *o)
{
    http_head h;
    http_head_status st = HTTP_HEAD_INCOMPLETE;
    int rc = 1;
    while ((st = http_parse_request(c->k.in, c->k.in_len, &h)) == HTTP_HEAD_INCOMPLETE && rc == 1)
        rc = probe_link_fill(&c->k);
    if (st != HTTP_HEAD_COMPLETE || h.method_len != 7 || memcmp(h.method, "CONNECT", 7) != 0) {
        char first[64];
        /* Each part bounded, so that the whole fits error_text (-Wformat-truncation in the asan build). */
        probe_link_not_a_record(&c->k, first, sizeof first);
        snprintf(o->error_text, sizeof o->error_text,
                 "alpncheck is the client's proxy, but the connection did not "
                 "start with a CONNECT request (%.50s%s%.50s)",
                 st == HTTP_HEAD_MALFORMED ? h.error : "", st == HTTP_HEAD_MALFORMED ? "; " : "",
                 c->k.in_len > 0 ? first : "nothing arrived");
        return -1;
    }
    o->connect_seen = 1;
    /* Several ALPN field lines are one list (RFC 9110 §5.3: combined in order, joined by ", "); what does not fit
     * is counted in connect_alpn_len but not kept. */
    size_t i = 0, kept = 0, total = 0;
    for (const http_field *f; (f = http_field_next(&h, "alpn", &i)) != NULL; o->connect_alpn_fields++) {
        const char *parts[2] = {", ", (const char *)f->value};
        size_t lens[2] = {o->connect_alpn_fields > 0 ? 2 : 0, f->value_len};
        for (int k = 0; k < 2; k++) {
            size_t room = sizeof o->connect_alpn - 1 - kept, n = lens[k] < room ? lens[k] : room;
            memcpy(o->connect_alpn + kept, parts[k], n);
            kept += n;
            total += lens[k];
        }
    }
    o->connect_alpn[kept] = '\0';
    o->connect_alpn_len = total;
    probe_link_consume(&c->k, h.head_len);
    static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
    return send_all(c, (const uint8_t *)ok, sizeof ok - 1) == 0 ? 0 : -1;
}

static int take_client_hello(struct conn *c, observation *o)
{
    double deadline = c->k.deadline, hello_by = probe_now_ms() + CLIENT_HELLO_WAIT_MS;
    int shortened = hello_by < deadline;
    if (shortened)
        c->k.deadline = hello_by;
    if (c->proxy && take_connect(c, o) != 0) {
        c->k.deadline = deadline;
        return -1; /* not TLS: no alert */
    }
    int rc = read_client_hello(c, o);
    c->k.deadline = deadline;
    if (rc == 0)
        return 0;
    if (shortened && c->hello_late)
        snprintf(o->error_text, sizeof o->error_text, "the client connected but sent no whole ClientHello within %d ms",
                 CLIENT_HELLO_WAIT_MS);
    if (o->error_text[0] == '\0')
        snprintf(o->error_text, sizeof o->error_text, "malformed ClientHello");
    send_alert(c, 50); /* RFC 8446 §6.2: decode_error */
    return -1;
}

void client_note_offer(const wire_server_conn *sv, observation *o)
{
    const wire_client_hello_info *ch = &sv->ch;
    o->hello_seen = 1;
    o->offer_tls12 = ch->offers_tls12;
    o->offer_tls13 = ch->offers_tls13;
    o->offer_count = ch->alpn_count;
    o->offer_len = ch->alpn_len;
    memset(o->offer, 0, sizeof o->offer);
    if (ch->alpn != NULL) /* no ALPN offered: nothing to copy */
        memcpy(o->offer, ch->alpn, ch->alpn_len < OBS_OFFER_MAX ? ch->alpn_len : OBS_OFFER_MAX);
    o->offer_npn = ch->npn;
}

/* The check's answer (or the valid one) to c's offer. */
static void ask(const struct conn *c, answer_fn fn, const void *ctx, client_answer *a)
{
    const wire_client_hello_info *ch = &c->sv.ch;
    fn(ctx, ch->alpn, ch->alpn_len, ch->alpn_count, ch->npn, a);
}

/* alpncheck's ticket and the name it was issued for. */
struct ticket {
    wire_ticket w;
    uint8_t alpn[ALPN_NAME_MAX];
    size_t alpn_len;
};

/* TLS 1.3, after the client's Finished on c: a NewSessionTicket allowing early data under the server's application
 * key (the server object derives the resumption secret, RFC 8446 §4.6.1), for the first name of answer a. 0 or -1. */
static int issue_ticket(struct conn *c, const client_answer *a, struct ticket *t, observation *o)
{
    if (wire_server_issue_ticket(&c->sv, &t->w) != 0)
        return fail(o, c->sv.conn.error);
    t->alpn_len = a->send && a->ext_len >= 3 ? a->ext[2] : 0;
    memcpy(t->alpn, a->ext + 3, t->alpn_len);
    if (send_flight(c, o) != 0) {
        char why[sizeof o->error_text];
        snprintf(why, sizeof why, "%s", o->error_text);
        snprintf(o->error_text, sizeof o->error_text, "cannot send the NewSessionTicket (%.150s)", why);
        return -1;
    }
    o->ticket_issued = 1;
    memcpy(o->ticket_alpn, t->alpn, t->alpn_len);
    o->ticket_alpn_len = t->alpn_len;
    return 0;
}

/* After the ticket: lets the client read it and hang up. Discards what it sends (its application data and
 * close_notify, under keys alpncheck does not keep) until it closes, its next connection is waiting, 2 s pass, or it
 * has sent PROBE_BYTE_BUDGET bytes. The time is tested before every read, not only when poll finds nothing: a client
 * that keeps the socket readable would otherwise hold the check past any deadline (poll with a timeout of 0 still
 * reports pending bytes). */
static void linger(struct conn *c, const client_listener *l)
{
    double end = probe_now_ms() + (l->timeout_ms < 2000 ? l->timeout_ms : 2000);
    uint8_t sink[4096];
    size_t taken = 0;
    while (taken < PROBE_BYTE_BUDGET && probe_now_ms() < end) {
        struct pollfd p[2] = {{.fd = c->k.fd, .events = POLLIN}, {.fd = l->fd, .events = POLLIN}};
        if (poll(p, 2, probe_left_ms(end)) <= 0 || (p[1].revents & POLLIN))
            return;
        ssize_t n = recv(c->k.fd, sink, sizeof sink, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            return;
        if (n > 0)
            taken += (size_t)n;
    }
}

/* A full handshake with the valid answer: for a connection on which the scenario cannot be played, so that the
 * client ends normally. Its reaction goes to scratch, which nobody judges. */
static void answer_plainly(struct conn *c, const client_request *r, observation *scratch)
{
    client_answer a;
    observation_init(scratch);
    ask(c, r->valid, r->valid_ctx, &a);
    if (answer(c, &a, scratch) == 0)
        read_reaction(c, scratch);
    else
        send_alert(c, 40);
}

/* resume_on's first connection, on c: the full handshake with answer a1, the client's reaction to it (into o1: it
 * must send its Finished), the ticket into t, then the hang-up (c closed). 0, or -1 with the reason in o->error_text
 * (c still open). */
static int first_connection(struct conn *c, client_listener *l, const client_answer *a1, struct ticket *t,
                            observation *o, observation *o1)
{
    observation_init(o1);
    if (answer(c, a1, o) != 0) {
        send_alert(c, 40);
        return -1;
    }
    read_reaction(c, o1);
    if (!o1->accepted) {
        char what[120];
        if (o1->alert >= 0)
            snprintf(what, sizeof what, "the client sent alert %d (%s)", o1->alert, alpn_alert_name(o1->alert));
        else if (o1->error)
            snprintf(what, sizeof what, "%.110s", o1->error_text);
        else
            snprintf(what, sizeof what, "%s", o1->closed ? "the client closed it" : "no Finished before the deadline");
        snprintf(o->error_text, sizeof o->error_text,
                 "the first connection (a full handshake with a valid answer) did not complete: %s", what);
        return -1;
    }
    memset(t, 0, sizeof *t);
    if (issue_ticket(c, a1, t, o) != 0)
        return -1;
    linger(c, l);
    close(c->k.fd);
    return 0;
}

/* CLI-0RTT-ALPN and CLI-0RTT-ALPN-ADDED (RFC 8446 §4.2.10), TLS 1.3, on c holding the first ClientHello: a full
 * handshake with the valid answer (ticket_no_alpn: without ALPN) that issues a ticket for it, then on the client's
 * second connection a resumption that accepts its early data but selects another name than the ticket's (another
 * offered name; a name where the ticket has none); the reaction to that goes to o, the first connection's and any
 * plain handshake's to o1. The first connection is closed here. */
static void resume_on(struct conn *c, client_listener *l, const client_request *s, observation *o, observation *o1)
{
    client_answer a1, a2;
    struct ticket t;
    ask(c, s->valid, s->valid_ctx, &a1);
    ask(c, s->answer, s->answer_ctx, &a2);
    if (s->ticket_no_alpn)
        a1.send = 0; /* the client's offer goes unanswered: the ticket has no protocol */
    if (a2.skip_reason != NULL) {
        /* The judge explains from the offer (SKIP); the client gets an ordinary handshake. */
        o->answered = 1;
        answer_plainly(c, s, o1);
        return;
    }
    if (first_connection(c, l, &a1, &t, o, o1) != 0)
        return;

    /* The second connection: a fresh deadline. */
    conn_start(c, l, 1);
    int status;
    int rc = accept_conn(l, c, &status);
    if (rc != 0) {
        o->client_exit = status;
        return; /* no second connection: the client did not resume (SKIP) */
    }
    if (take_client_hello(c, o) != 0) {
        o->error = 1;
        char why[OBS_TEXT_MAX];
        snprintf(why, sizeof why, "%s", o->error_text);
        snprintf(o->error_text, sizeof o->error_text, "the second connection: %.170s", why);
        return;
    }
    o->second_hello = 1;
    client_note_offer(&c->sv, o);
    int idx = wire_server_find_ticket(&c->sv, &t.w);
    /* RFC 8446 §4.2.9: a PSK with (EC)DHE needs psk_dhe_ke; alpncheck answers no psk_ke. */
    o->resume_offered = idx >= 0 && c->sv.ch.offers_tls13 && c->sv.ch.psk_dhe_ke;
    o->early_offered = c->sv.ch.early_data;
    ask(c, s->answer, s->answer_ctx, &a2);
    if (!o->resume_offered || !o->early_offered || a2.skip_reason != NULL) {
        o->answered = 1;
        answer_plainly(c, s, o1);
        return;
    }
    /* RFC 8446 §4.2.11, §4.2.11.2: pre_shared_key last with a binder per identity, the ticket's suite offered, the
     * binder verified; else the alert the server object names. */
    int alert = wire_server_accept_psk(&c->sv, &t.w, idx);
    if (alert != 0) {
        send_alert(c, (unsigned)alert);
        fail(o, c->sv.conn.error);
        return;
    }
    /* The other offered name must differ from the ticket's: a client whose second offer puts the ticket's name first
     * cannot be tested this way. (A ticket without a protocol differs from any name.) */
    if (a2.send && a2.ext_len >= 3 && a2.ext[2] == t.alpn_len && memcmp(a2.ext + 3, t.alpn, t.alpn_len) == 0) {
        send_alert(c, 40);
        fail(o, "the second offer's first name is the ticket's: no other offered name to select");
        return;
    }
    if (answer(c, &a2, o) != 0) {
        send_alert(c, 40);
        return;
    }
    o->answered = 1;
    read_reaction(c, o);
}

/* serve_resumption's scratch observation is 66 KiB: on the heap, one per call. */
static void serve_resumption(struct conn *c, client_listener *l, const client_request *s, observation *o)
{
    observation *o1 = probe_alloc(sizeof *o1, o);
    if (o1 == NULL) {
        send_alert(c, 40); /* handshake_failure: we cannot serve this client */
        return;
    }
    resume_on(c, l, s, o, o1);
    free(o1);
}

/* client_serve on the connection c: accepts it, reads the ClientHello and plays the scenario. */
static void serve_on(struct conn *c, client_listener *l, const client_request *s, observation *o)
{
    conn_start(c, l, strcmp(s->tls, "1.3") == 0);
    int status, rc = accept_conn(l, c, &status);
    if (rc != 0) {
        o->error = 1;
        if (rc == 1) {
            /* The run's deadline, when it came first, is the reason. */
            if (!probe_run_over(&l->run, o->error_text, sizeof o->error_text))
                snprintf(o->error_text, sizeof o->error_text, "the client did not connect to %s:%d within %d ms",
                         l->host, l->port, l->timeout_ms);
        } else if (rc == 2)
            snprintf(o->error_text, sizeof o->error_text,
                     "the client command ended (exit status %d) without connecting to %s:%d", status, l->host, l->port);
        else
            snprintf(o->error_text, sizeof o->error_text, "accept: %s", strerror(errno));
        o->client_exit = status;
        return;
    }
    l->hello_missing = 0;
    if (take_client_hello(c, o) != 0) {
        o->error = 1;
        l->hello_missing = c->hello_late;
        close(c->k.fd);
        return;
    }
    client_note_offer(&c->sv, o);
    o->version = c->tls13 ? WIRE_TLS13 : WIRE_TLS12;

    client_answer a;
    ask(c, s->answer, s->answer_ctx, &a);
    if ((c->tls13 && !c->sv.ch.offers_tls13) || (!c->tls13 && !c->sv.ch.offers_tls12)) {
        /* RFC 8446 §4.1.3: no common version; the judge reports SKIP. */
        send_alert(c, 70);
    } else if (s->resumption && c->tls13) {
        serve_resumption(c, l, s, o);
    } else if (a.alert >= 0) {
        /* RFC 7301 §3.2: no_application_protocol instead of a ServerHello. */
        send_alert(c, (unsigned)a.alert);
        o->answered = 1;
        read_reaction(c, o);
    } else if (answer(c, &a, o) != 0) {
        send_alert(c, 40); /* handshake_failure: we cannot serve this client */
    } else {
        o->answered = 1;
        read_reaction(c, o);
    }
    if (c->k.fd >= 0)
        close(c->k.fd);
    /* A reaction the run's deadline cut short is no reaction to judge. */
    if (o->alert < 0 && !o->accepted && !o->closed && !o->error &&
        probe_run_over(&l->run, o->error_text, sizeof o->error_text))
        o->error = 1;
}

int client_serve(void *ctx, const client_request *s, observation *o)
{
    client_listener *l = ctx;
    double start = probe_now_ms();
    o->proxy_mode = l->proxy;
    if (probe_run_over(&l->run, o->error_text, sizeof o->error_text)) {
        o->error = 1;
        return 0;
    }
    /* A connection is some 400 KiB (its buffers and the server object): on the heap, one per call. */
    struct conn *c = probe_alloc(sizeof *c, o);
    if (c != NULL)
        serve_on(c, l, s, o);
    free(c);
    o->ms = probe_now_ms() - start;
    return 0;
}
