/*
 * One client check over QUIC (alpncheck client --quic): the client's Initials on the listener's UDP socket, its
 * ClientHello reassembled by the QUIC server connection (harness/wire/quic_server.h), the check's answer sent as the
 * server's flight, and the client's reaction read: its Finished (it accepted the answer) or its CONNECTION_CLOSE,
 * with the code and the packet type that carried it. Every wait has the check's deadline; our flight goes again when
 * the client is silent (RFC 9002 §6.2's probe timeout, from 250 ms, doubling), within the anti-amplification limit
 * the connection object keeps.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "client_peer.h"
#include "quic_peer.h"
#include "quic_server.h"

#define QUIC_SERVE_RETRANSMIT_MS 250.0
#define QUIC_SERVE_LINGER_MS     300.0 /* after the client's Finished: time for it to read HANDSHAKE_DONE */

/* One connection: the server object, the client's address once its first Initial came, the check's deadline. */
struct qconn {
    client_listener *l;
    quic_server qs;
    struct sockaddr_storage peer;
    socklen_t peer_len; /* 0 until the first Initial was taken */
    double deadline;
    int gone;          /* the client command ended */
    int gone_status;   /* its exit status */
    probe_datagram_budget budget; /* what came on this connection */
    uint8_t in[65536]; /* a UDP payload is at most 65527 bytes (RFC 768) */
};

static int send_dgram(struct qconn *c, const uint8_t *p, long n)
{
    return sendto(c->l->fd, p, (size_t)n, 0, (const struct sockaddr *)&c->peer, c->peer_len) == n ? 0 : -1;
}

static long server_datagram(void *qs, uint8_t *d, size_t cap, int again)
{
    return quic_server_datagram(qs, d, cap, again);
}

/* Sends every datagram the connection has now to the client. 0, or -1 with o->error_text. */
static int flush(struct qconn *c, int again, observation *o)
{
    const quic_datagram_source src = {server_datagram, &c->qs, c->qs.error};
    return quic_send_pending(&src, c->l->fd, (const struct sockaddr *)&c->peer, c->peer_len, again, o->error_text,
                             sizeof o->error_text);
}

/* Ends the connection with a transport error code (0x0100 + alert for a TLS alert, RFC 9001 §4.8). */
static void close_with(struct qconn *c, uint64_t code)
{
    uint8_t d[QUIC_DATAGRAM_MAX];
    long n = quic_server_close(&c->qs, d, sizeof d, code);
    if (n > 0 && c->peer_len > 0)
        (void)send_dgram(c, d, n);
}

/* Waits until `until` (at most the deadline) for a datagram of the client, in short slices so that a client command
 * that ended is noticed (c->gone). Before the first Initial any sender is heard; afterwards only the client's address.
 * Returns its length (never 0: empty datagrams are skipped), 0 when until passed or the command ended, -1 on a socket
 * error or when the client spent its datagram budget before finishing the handshake (o->error_text says which). */
static long next_dgram(struct qconn *c, double until, struct sockaddr_storage *from, socklen_t *from_len,
                       observation *o)
{
    if (until > c->deadline)
        until = c->deadline;
    for (;;) {
        int left = probe_left_ms(until);
        struct pollfd p = {.fd = c->l->fd, .events = POLLIN};
        if (left > 0 && poll(&p, 1, left < 50 ? left : 50) == 1) {
            *from_len = sizeof *from;
            ssize_t n = recvfrom(c->l->fd, c->in, sizeof c->in, MSG_DONTWAIT, (struct sockaddr *)from, from_len);
            if (n < 0 && errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED) {
                snprintf(o->error_text, sizeof o->error_text, "recvfrom: %s", strerror(errno));
                return -1;
            }
            /* A flood ends at the budget, whatever the deadline (as a QUIC server's probe does); after the client's
             * Finished the short linger bounds it. */
            if (n >= 0 && !c->qs.complete &&
                probe_datagram_count(&c->budget, (size_t)n, "client", o->error_text, sizeof o->error_text) < 0)
                return -1;
            /* An empty datagram holds no QUIC packet: it is no answer, and not the silence that sends our flight
             * again (a flood of them would have it sent once for each). */
            if (n <= 0 || (c->peer_len > 0 && (*from_len != c->peer_len || memcmp(from, &c->peer, c->peer_len) != 0)))
                continue;
            return (long)n;
        }
        if (left == 0)
            return 0;
        /* A command that ended may still have datagrams waiting: one more look before calling it gone. */
        if (!c->gone && c->l->gone != NULL && c->l->gone(c->l->gone_ctx, &c->gone_status))
            c->gone = 1;
        else if (c->gone && poll(&p, 1, 0) != 1)
            return 0;
    }
}

/* The client's ClientHello, in however many Initials: 0, or -1 with o->error_text (after a decode_error close when
 * it was malformed). The first Initial fixes the client's address; the whole hello must follow within
 * CLIENT_HELLO_WAIT_MS of it. */
static int take_client_hello(struct qconn *c, observation *o)
{
    double hello_by = c->deadline;
    for (;;) {
        struct sockaddr_storage from;
        socklen_t from_len;
        long n = next_dgram(c, hello_by, &from, &from_len, o);
        if (n < 0)
            return -1;
        if (n == 0) {
            snprintf(o->error_text, sizeof o->error_text, "%s",
                     c->gone           ? "the client command ended before a whole ClientHello"
                     : c->peer_len > 0 ? "no whole ClientHello within the wait after the client's first Initial"
                                       : "no QUIC Initial from the client");
            c->l->hello_missing = c->peer_len > 0;
            return -1;
        }
        int rc = quic_server_receive(&c->qs, c->in, (size_t)n);
        if (c->qs.started && c->peer_len == 0) {
            memcpy(&c->peer, &from, from_len);
            c->peer_len = from_len;
            double by = probe_now_ms() + CLIENT_HELLO_WAIT_MS;
            hello_by = by < hello_by ? by : hello_by;
        }
        if (rc == QUIC_SERVER_HELLO)
            return 0;
        if (rc < 0) {
            snprintf(o->error_text, sizeof o->error_text, "%.190s", c->qs.error);
            close_with(c, 0x100 + 50); /* RFC 8446 §6.2 decode_error, as RFC 9001 §4.8 carries it */
            return -1;
        }
    }
}

/* After the client's Finished: HANDSHAKE_DONE (and ACKs) now, the client's last datagrams acknowledged for a moment,
 * then our close (NO_ERROR), so that the client ends without waiting for its idle timeout. */
static void finish_accepted(struct qconn *c, observation *o)
{
    double end = probe_now_ms() + QUIC_SERVE_LINGER_MS;
    struct sockaddr_storage from;
    socklen_t from_len;
    long n;
    flush(c, 0, o);
    while ((n = next_dgram(c, end, &from, &from_len, o)) > 0) {
        if (quic_server_receive(&c->qs, c->in, (size_t)n) == QUIC_SERVER_CLOSED) {
            quic_observe_close(&c->qs.close, o); /* a close right after its Finished is reported with it */
            return;
        }
        if (flush(c, 0, o) != 0)
            return;
    }
    close_with(c, 0);
}

/* Reads the client's datagrams after our flight until its Finished, its CONNECTION_CLOSE, the end of its command or
 * the deadline, sending our flight again when it is silent. */
static void read_reaction(struct qconn *c, observation *o)
{
    double wait = QUIC_SERVE_RETRANSMIT_MS, resend_at = probe_now_ms() + wait;
    for (;;) {
        struct sockaddr_storage from;
        socklen_t from_len;
        long n = next_dgram(c, resend_at, &from, &from_len, o);
        int rc = QUIC_SERVER_MORE;
        if (n < 0) {
            o->error = 1;
            return;
        }
        if (n == 0 && (c->gone || probe_now_ms() >= c->deadline)) {
            /* The client ended without a CONNECTION_CLOSE: it gave up silently, as a TCP client that closes without
             * an alert. At the deadline nothing is set: no reaction. */
            o->closed = c->gone;
            close_with(c, 0);
            return;
        }
        if (n > 0 && (rc = quic_server_receive(&c->qs, c->in, (size_t)n)) < 0) {
            o->error = 1;
            snprintf(o->error_text, sizeof o->error_text, "after our flight: %.170s", c->qs.error);
            close_with(c, 0x0a); /* PROTOCOL_VIOLATION (RFC 9000 §20.1) */
            return;
        }
        if (rc == QUIC_SERVER_DONE) {
            o->accepted = 1;
            finish_accepted(c, o);
            return;
        }
        if (rc == QUIC_SERVER_CLOSED) {
            /* Its Finished may have come in the same datagram, before the close. */
            o->accepted = c->qs.complete;
            quic_observe_close(&c->qs.close, o);
            return;
        }
        if (n == 0) {
            wait *= 2;
            resend_at = probe_now_ms() + wait;
        }
        if (flush(c, n == 0, o) != 0) {
            o->error = 1;
            return;
        }
    }
}

/* Answers the ClientHello as the request says: a crafted flight, or a TLS alert as CONNECTION_CLOSE in an Initial
 * (RFC 9001 §4.8) instead of a ServerHello; then reads the reaction. */
static void answer(struct qconn *c, const client_request *s, observation *o)
{
    const wire_client_hello_info *ch = &c->qs.tls.ch;
    client_answer a;
    s->answer(s->answer_ctx, ch->alpn, ch->alpn_len, ch->alpn_count, ch->npn, &a);
    if (!ch->offers_tls13) {
        close_with(c, 0x100 + 70); /* RFC 8446 §4.1.3 protocol_version: the judge reports SKIP */
        return;
    }
    if (a.alert >= 0) {
        /* The connection is ours to end: the client's reaction is how its command ends. */
        close_with(c, 0x100 + (uint64_t)a.alert);
        o->answered = 1;
        return;
    }
    wire_server_answer w = {
        .alpn = a.send, .alpn_in_server_hello = a.in_server_hello, .alpn_data = a.ext, .alpn_len = a.ext_len};
    if (quic_server_answer(&c->qs, &w) != 0 || flush(c, 0, o) != 0) {
        if (o->error_text[0] == '\0')
            snprintf(o->error_text, sizeof o->error_text, "%.190s", c->qs.error);
        close_with(c, 0x100 + 40); /* handshake_failure: we cannot serve this client */
        return;
    }
    o->answered = 1;
    read_reaction(c, o);
}

int client_serve_quic(void *ctx, const client_request *s, observation *o)
{
    client_listener *l = ctx;
    double start = probe_now_ms();
    o->transport = OBS_QUIC;
    o->error = 1;
    if (probe_run_over(&l->run, o->error_text, sizeof o->error_text))
        return 0;
    if (strcmp(s->tls, "1.3") != 0) {
        snprintf(o->error_text, sizeof o->error_text, "QUIC carries TLS 1.3 only (RFC 9001 §4.2), not TLS %s", s->tls);
        return 0;
    }
    struct qconn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(o->error_text, sizeof o->error_text, "out of memory");
        return 0;
    }
    c->l = l;
    c->deadline = probe_conn_deadline(&l->run, l->timeout_ms);
    quic_server_start(&c->qs, l->id);
    l->hello_missing = 0;
    if (take_client_hello(c, o) == 0) {
        o->error = 0;
        o->quic_version = c->qs.sp.version;
        o->version = WIRE_TLS13;
        client_note_offer(&c->qs.tls, o);
        answer(c, s, o);
    } else if (c->gone) {
        o->client_exit = c->gone_status;
    }
    /* A reaction the run's deadline cut short is no reaction to judge. */
    if (!o->error && observation_alert(o, NULL) < 0 && !o->accepted && !o->closed && o->answered &&
        probe_run_over(&l->run, o->error_text, sizeof o->error_text))
        o->error = 1;
    free(c);
    o->ms = probe_now_ms() - start;
    return 0;
}
