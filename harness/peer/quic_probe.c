/* One QUIC handshake over UDP with a deadline: datagrams out as the connection object asks, datagrams in as they
 * come, our ClientHello again when the server is silent (RFC 9002 §6.2's probe timeout, at a fixed 250 ms here). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "quic_peer.h"
#include "quic_probe.h"

#define QUIC_PROBE_RETRANSMIT_MS 250.0

static int udp_connect(const char *host, const char *port, char *err, size_t err_cap)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM}, *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, err_cap, "%s:%s: %s", host, port, gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    /* A connected UDP socket only receives datagrams from the server's address. */
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        snprintf(err, err_cap, "%s:%s: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static long client_datagram(void *q, uint8_t *d, size_t cap, int again)
{
    return quic_client_datagram(q, d, cap, again);
}

/* Sends every datagram the connection has now over the connected socket fd. 0, or -1 with err. */
static int flush(int fd, quic_client *q, int again, char *err, size_t err_cap)
{
    const quic_datagram_source src = {client_datagram, q, q->error};
    return quic_send_pending(&src, fd, NULL, 0, again, err, err_cap);
}

/* Waits for one datagram until the earlier of the deadline and the retransmission time. Returns its length (0 for an
 * empty one); QUIC_WAIT_RESEND when the retransmission time has come; QUIC_WAIT_NOTHING when the wait ended without
 * a datagram (an ICMP error, a signal: the caller calls again); -1 at the deadline or on a socket error (err). Both
 * times are tested before every wait, not only when poll finds nothing: a server that keeps the socket readable
 * would otherwise hold the connection past its deadline (poll with a timeout of 0 still reports a waiting datagram). */
enum { QUIC_WAIT_RESEND = -2, QUIC_WAIT_NOTHING = -3 };
static long wait_datagram(int fd, uint8_t *buf, size_t cap, double deadline, double resend_at, char *err,
                          size_t err_cap)
{
    double now = probe_now_ms();
    if (now >= deadline) {
        snprintf(err, err_cap, "no complete answer within the deadline");
        return -1;
    }
    if (now >= resend_at)
        return QUIC_WAIT_RESEND;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, probe_left_ms(resend_at < deadline ? resend_at : deadline)) == 1) {
        ssize_t n = recv(fd, buf, cap, 0);
        if (n >= 0)
            return (long)n;
        /* ICMP port unreachable on a connected socket: nobody listens there (yet); the timer sends again. */
        if (errno != ECONNREFUSED && errno != EAGAIN && errno != EINTR) {
            snprintf(err, err_cap, "recv: %s", strerror(errno));
            return -1;
        }
    }
    return QUIC_WAIT_NOTHING;
}

/* 1 when a connection has nothing more to wait for once its handshake is complete: a probe stops at the server's
 * Finished; a session waits for a NewSessionTicket and HANDSHAKE_DONE (RFC 9001 §4.1.2: the handshake is confirmed). */
static int settled(const quic_client *q)
{
    return !q->session || (q->tls.tickets > 0 && q->handshake_done);
}

/* Drives the started connection q over the connected socket fd until its state is final: the retransmission timer,
 * the deadline, and for a session up to ticket_ms more after the handshake for what settled() waits for (not
 * getting it is no error: the session is complete without a ticket). A server that sends more than
 * PROBE_BYTE_BUDGET bytes or PROBE_DATAGRAM_BUDGET datagrams on the connection is cut off there (a handshake
 * takes a few kilobytes in a handful of datagrams), whatever the deadline. A quic_client_state, or -1 (-2 for the
 * cut-off) with err. */
static int drive(int fd, quic_client *q, double deadline, int ticket_ms, char *err, size_t err_cap)
{
    double resend_at = probe_now_ms() + QUIC_PROBE_RETRANSMIT_MS;
    int lingering = 0;
    probe_datagram_budget budget = {0};
    /* A UDP payload is at most 65527 bytes (RFC 768); a larger buffer catches nothing more. */
    uint8_t dgram[65536];
    int state = flush(fd, q, 0, err, err_cap) == 0 ? QUIC_CLIENT_MORE : -1;
    while (state == QUIC_CLIENT_MORE || (state == QUIC_CLIENT_DONE && !settled(q))) {
        if (state == QUIC_CLIENT_DONE && !lingering) {
            lingering = 1;
            if (deadline > probe_now_ms() + ticket_ms)
                deadline = probe_now_ms() + ticket_ms;
        }
        long n = wait_datagram(fd, dgram, sizeof dgram, deadline, resend_at, err, err_cap);
        if (n == QUIC_WAIT_NOTHING)
            continue;
        if (n == -1) {
            if (lingering)
                err[0] = '\0';
            else
                state = -1;
            break;
        }
        if (n >= 0 && probe_datagram_count(&budget, (size_t)n, "server", err, err_cap) < 0) {
            /* After the handshake (a session waiting for its ticket) the flood only ends the wait. */
            if (lingering)
                err[0] = '\0';
            else
                state = QUIC_PROBE_CUT_OFF;
            break;
        }
        /* An empty datagram holds no QUIC packet (every packet has a header): nothing to take, no reason to send. */
        if (n > 0 && (state = quic_client_receive(q, dgram, (size_t)n)) < 0)
            snprintf(err, err_cap, "%s", q->error);
        int again = n == QUIC_WAIT_RESEND;
        if (again)
            resend_at = probe_now_ms() + QUIC_PROBE_RETRANSMIT_MS;
        if (n != 0 && (state == QUIC_CLIENT_MORE || (state == QUIC_CLIENT_DONE && q->session)) &&
            flush(fd, q, again, err, err_cap) != 0)
            state = -1;
    }
    /* Done with the server: tell it (NO_ERROR), so that it does not keep the connection until its idle timeout. */
    if (state == QUIC_CLIENT_DONE) {
        long n = quic_client_close(q, dgram, sizeof dgram, 0);
        if (n > 0)
            (void)send(fd, dgram, (size_t)n, 0);
    }
    return state;
}

/* The started connection q to host:port (UDP) within timeout_ms. A quic_client_state, or -1 with err. */
static int run_connection(const char *host, const char *port, quic_client *q, int timeout_ms, int ticket_ms, char *err,
                          size_t err_cap)
{
    int fd = udp_connect(host, port, err, err_cap);
    if (fd < 0)
        return -1;
    int state = drive(fd, q, probe_now_ms() + timeout_ms, ticket_ms, err, err_cap);
    close(fd);
    return state;
}

int quic_probe(const char *host, const char *port, uint32_t version, const wire_client_params *p, int timeout_ms,
               quic_client *q, char *err, size_t err_cap)
{
    if (quic_client_start(q, version, p) != 0) {
        snprintf(err, err_cap, "%s", q->error);
        return -1;
    }
    return run_connection(host, port, q, timeout_ms, 0, err, err_cap);
}

int quic_session_probe(const char *host, const char *port, uint32_t version, const wire_client_params *p,
                       const quic_tp *remembered, int timeout_ms, int ticket_ms, quic_client *q, char *err,
                       size_t err_cap)
{
    if (quic_client_start_session(q, version, p, remembered) != 0) {
        snprintf(err, err_cap, "%s", q->error);
        return -1;
    }
    return run_connection(host, port, q, timeout_ms, ticket_ms, err, err_cap);
}

int quic_server_probe(void *ctx, const probe_request *r, observation *o)
{
    quic_target *qt = ctx;
    double start = probe_now_ms();
    o->transport = OBS_QUIC;
    o->quic_version = qt->version;
    /* Past the run's deadline no connection starts: the check is ERROR with that reason. */
    if (probe_run_over(&qt->t.run, o->error_text, sizeof o->error_text)) {
        o->error = 1;
        return 0;
    }
    if (strcmp(r->tls, "1.3") != 0) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "QUIC carries TLS 1.3 only (RFC 9001 §4.2), not TLS %s", r->tls);
        return 0;
    }
    wire_client_params p;
    probe_client_params(&qt->t, r, &p);
    int timeout = probe_left_ms(probe_conn_deadline(&qt->t.run, qt->t.timeout_ms));
    int state = quic_probe(qt->t.host, qt->t.port, qt->version, &p, timeout, &qt->conn, o->error_text,
                           sizeof o->error_text);
    const quic_client *q = &qt->conn;
    probe_observe_client(&q->tls, o);
    if (state == QUIC_CLIENT_DONE) {
        o->completed = 1;
    } else if (state == QUIC_PROBE_CUT_OFF) {
        /* A flood is no answer to judge: the check is ERROR, and says why (as over TCP). */
        o->error = 1;
    } else if (state == QUIC_CLIENT_CLOSED) {
        o->error_text[0] = '\0';
        quic_observe_close(&q->close, o); /* RFC 9001 §4.8: a crypto error is the alert */
    } else if (q->error[0] != '\0') {
        /* The connection object refused what the server sent (or a Version Negotiation without our version). */
        o->error = 1;
        o->malformed = q->vn_count == 0;
    } else if (!q->server_initial || probe_run_over(&qt->t.run, o->error_text, sizeof o->error_text)) {
        /* Nothing came back (a socket error, or silence), or the run's deadline cut the flight short. */
        o->error = 1;
    } else {
        /* The server answered, then went silent before its Finished: an incomplete handshake, judged as such. */
        o->error_text[0] = '\0';
    }
    o->ms = probe_now_ms() - start;
    return 0;
}
