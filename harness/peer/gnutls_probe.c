/* The GnuTLS path: one ordinary GnuTLS client handshake. */
#include "gnutls_probe.h"
#include "http_head.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int initialised;

/* After GNUTLS_E_AGAIN: waits until the socket can go the way GnuTLS was going (read or write), at most until
 * `until` (and 50 ms at a time, so callers re-check their own deadlines). */
static void wait_io(gnutls_session_t s, int fd, double until)
{
    double left = until - probe_now_ms();
    if (left <= 0)
        return;
    struct pollfd p = {.fd = fd, .events = gnutls_record_get_direction(s) ? POLLOUT : POLLIN};
    poll(&p, 1, left < 50 ? (int)left + 1 : 50);
}

/* GnuTLS reads the socket through these (the session's receive pointer): as its own default does (recv; on the
 * non-blocking socket an empty one is EAGAIN), except while `by` is set. Then every read first waits at most until
 * `by` and fails with EAGAIN after it: the renegotiation runs on a blocking socket, where a receive timeout restarts
 * with every byte, and a server that answered with a record header and then one byte now and then held one
 * gnutls_handshake call for hours. */
typedef struct {
    int fd;
    double by; /* 0: no bound of ours */
} bounded_pull;

static int wait_readable(const bounded_pull *bp, unsigned ms)
{
    if (bp->by > 0) {
        double left = bp->by - probe_now_ms();
        if (left <= 0)
            return 0;
        if (ms == GNUTLS_INDEFINITE_TIMEOUT || left < ms)
            ms = (unsigned)left + 1;
    }
    struct pollfd p = {.fd = bp->fd, .events = POLLIN};
    return poll(&p, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
}

static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
    const bounded_pull *bp = ptr;
    if (bp->by > 0 && wait_readable(bp, GNUTLS_INDEFINITE_TIMEOUT) <= 0) {
        errno = EAGAIN;
        return -1;
    }
    return recv(bp->fd, buf, len, 0);
}

/* GnuTLS's wait for data (its handshake timeout): the same bound. */
static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
    return wait_readable(ptr, ms);
}

/* The ServerHello of a renegotiation, as received. GnuTLS 3.7.9 keeps reporting a selection when the renegotiating
 * server answers without ALPN (the first handshake's length over the new offer's bytes), so the answer is read from
 * the message itself; in TLS 1.2 it is in the ServerHello (RFC 7301 §3.1). */
typedef struct {
    int seen, malformed;
    wire_server_hello sh;
} hello_capture;

static int capture_server_hello(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming,
                                const gnutls_datum_t *msg)
{
    hello_capture *cap = gnutls_session_get_ptr(s);
    if (cap != NULL && htype == GNUTLS_HANDSHAKE_SERVER_HELLO && incoming && when == GNUTLS_HOOK_POST) {
        cap->seen = 1;
        cap->malformed = wire_parse_server_hello(msg->data, msg->size, &cap->sh) != 0;
    }
    return 0;
}

/* Reads the answer into o->head until an HTTP/1.x response head is complete, the buffer is full, the server closes
 * or `until` passes; the first bytes also go to o->app. */
static void read_head(gnutls_session_t s, int fd, double until, gnutls_observation *o)
{
    http_head h;
    size_t cap = o->head_cap < HTTP_HEAD_MAX ? o->head_cap : HTTP_HEAD_MAX;
    while (o->head_len < cap && probe_now_ms() < until) {
        ssize_t r = gnutls_record_recv(s, o->head + o->head_len, cap - o->head_len);
        if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
            wait_io(s, fd, until);
        else if (r == GNUTLS_E_REHANDSHAKE || r == GNUTLS_E_WARNING_ALERT_RECEIVED)
            continue;
        else if (r <= 0)
            break; /* closed, or a fatal error: what arrived so far is the answer */
        else {
            o->head_len += (size_t)r;
            if (http_parse_response(o->head, o->head_len, &h) != HTTP_HEAD_INCOMPLETE)
                break;
        }
    }
    o->app_len = o->head_len < sizeof o->app ? o->head_len : sizeof o->app;
    memcpy(o->app, o->head, o->app_len);
}

/* RFC 9113 §3.4: the client connection preface, then an empty SETTINGS frame (length 0, type 4, flags 0, stream 0). */
static const char h2_preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";
#define H2_MAGIC_LEN 24 /* the preface's fixed string, without the SETTINGS frame */

/* The early data of a 0-RTT attempt: the first bytes of the offered protocol's opening message, never a whole one.
 * Only whether the server accepts them is judged. A whole request can be answered as 0.5-RTT data and the
 * connection closed before the client's EndOfEarlyData and Finished arrive: nginx answered "GET / HTTP/1.0" and
 * closed in that gap, the kernel reset them, and the control run failed in 13 runs of 20. A beginning leaves
 * the server nothing to answer until more comes: h2's fixed preface string without the SETTINGS frame that must
 * follow it (RFC 9113 §3.4), else an HTTP/1.1 request line without its header section (RFC 9112 §2.1). */
static const char *early_bytes(const alpn_name *names, size_t n, size_t *len)
{
    static const char request_line[] = "GET / HTTP/1.1\r\n";
    if (n == 1 && names[0].len == 2 && memcmp(names[0].data, "h2", 2) == 0) {
        *len = H2_MAGIC_LEN;
        return h2_preface;
    }
    *len = sizeof request_line - 1;
    return request_line;
}

static int probe(const server_target *t, const char *tls, const alpn_name *names, size_t n,
                 const gnutls_session_blob *resume, gnutls_session_blob *save, const void *send, size_t send_len,
                 int early, const alpn_name *reneg, gnutls_observation *o)
{
    unsigned char *head = o->head; /* the caller's buffer survives the reset */
    size_t head_cap = o->head_cap;
    memset(o, 0, sizeof *o);
    o->head = head;
    o->head_cap = head_cap;
    o->alert = -1;
    if (n > GNUTLS_PROBE_MAX_NAMES) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "GnuTLS offers at most %d names", GNUTLS_PROBE_MAX_NAMES);
        return 0;
    }
    gnutls_datum_t protos[GNUTLS_PROBE_MAX_NAMES];
    for (size_t i = 0; i < n; i++) {
        if (names[i].len == 0 || names[i].len > GNUTLS_PROBE_MAX_NAME) {
            o->error = 1;
            snprintf(o->error_text, sizeof o->error_text, "GnuTLS offers names of 1 to %d bytes only",
                     GNUTLS_PROBE_MAX_NAME);
            return 0;
        }
        protos[i] = (gnutls_datum_t){(unsigned char *)names[i].data, (unsigned)names[i].len};
    }
    if (!initialised) {
        gnutls_global_init();
        initialised = 1;
    }

    if (probe_run_over(&t->run, o->error_text, sizeof o->error_text)) {
        o->error = 1;
        return 0;
    }
    double deadline = probe_conn_deadline(&t->run, t->timeout_ms);
    int fd = probe_dial(t, deadline, o->error_text, sizeof o->error_text);
    if (fd < 0) {
        o->error = 1;
        return 0;
    }
    gnutls_session_t s = NULL;
    gnutls_certificate_credentials_t cred = NULL;
    /* No certificate verification: the checks judge ALPN, and test servers use throw-away certificates. */
    const char *prio = strcmp(tls, "1.2") == 0 ? "NORMAL:-VERS-ALL:+VERS-TLS1.2" : "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    int rc = gnutls_certificate_allocate_credentials(&cred);
    /* GNUTLS_NO_SIGNAL: a server that closes while we write must give an error, not a SIGPIPE that ends the run. */
    if (rc >= 0)
        rc = gnutls_init(&s,
                         GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL | (early ? GNUTLS_ENABLE_EARLY_DATA : 0));
    if (rc >= 0)
        rc = gnutls_priority_set_direct(s, prio, NULL);
    if (rc >= 0)
        rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    if (rc >= 0 && t->sni[0])
        rc = gnutls_server_name_set(s, GNUTLS_NAME_DNS, t->sni, strlen(t->sni));
    if (rc >= 0 && n > 0)
        rc = gnutls_alpn_set_protocols(s, protos, (unsigned)n, 0);
    if (rc >= 0 && resume != NULL && resume->data != NULL)
        rc = gnutls_session_set_data(s, resume->data, resume->size);
    if (rc < 0) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "GnuTLS set-up: %s", gnutls_strerror(rc));
        goto done;
    }
    /* Receiving through pull (pc outlives s: both end at done), sending as GnuTLS does by default on the fd. */
    bounded_pull pc = {.fd = fd, .by = 0};
    gnutls_transport_set_ptr2(s, &pc, (gnutls_transport_ptr_t)(intptr_t)fd);
    gnutls_transport_set_pull_function(s, pull);
    gnutls_transport_set_pull_timeout_function(s, pull_timeout);
    if (early && resume != NULL && resume->data != NULL) {
        /* RFC 8446 §4.2.10: early data is sent under the resumed session's keys, before the server's answer. */
        size_t len;
        const char *bytes = early_bytes(names, n, &len);
        o->early_sent = gnutls_record_send_early_data(s, bytes, len) >= 0;
    }
    /* The socket is non-blocking: GnuTLS's own timeout bounds the handshake. */
    gnutls_handshake_set_timeout(s, (unsigned)t->timeout_ms);
    for (;;) {
        rc = gnutls_handshake(s);
        if (rc >= 0 || gnutls_error_is_fatal(rc) || probe_now_ms() >= deadline)
            break;
        wait_io(s, fd, deadline);
    }
    if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
        o->alert = (int)gnutls_alert_get(s);
        goto done;
    }
    if (rc < 0) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "GnuTLS handshake: %s", gnutls_strerror(rc));
        goto done;
    }
    o->completed = 1;
    o->resumed = gnutls_session_is_resumed(s) != 0;
    o->early_accepted = o->early_sent && (gnutls_session_get_flags(s) & GNUTLS_SFLAGS_EARLY_DATA) != 0;
    gnutls_datum_t sel;
    if (gnutls_alpn_get_selected_protocol(s, &sel) == 0 && sel.size < sizeof o->selected) {
        o->has_selected = 1;
        memcpy(o->selected, sel.data, sel.size);
        o->selected_len = sel.size;
    }
    if (reneg != NULL) {
        /* RFC 7301 §3.2: the selection holds "until renegotiated"; offer another list and handshake again. */
        gnutls_datum_t again = {(unsigned char *)reneg->data, (unsigned)reneg->len};
        o->reneg_tried = 1;
        o->reneg_alert = -1;
        hello_capture cap = {.seen = 0};
        gnutls_session_set_ptr(s, &cap);
        gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_SERVER_HELLO, GNUTLS_HOOK_POST, capture_server_hello);
        int r = gnutls_alpn_set_protocols(s, &again, 1, 0);
        /* A server that renegotiates answers at once; one that ignores the request would hold us to the deadline. */
        double reneg_by = probe_now_ms() + 1500 < deadline ? probe_now_ms() + 1500 : deadline;
        /* The renegotiation runs on a blocking socket bounded by receive and send timeouts: GnuTLS 3.7.9's
         * non-blocking client renegotiation stalled in about one attempt in three (the server's answering flight
         * arrived, gnutls_handshake kept returning GNUTLS_E_AGAIN), against gnutls-serv and OpenSSL alike. */
        int flags = fcntl(fd, F_GETFL);
        double left = reneg_by - probe_now_ms();
        /* Reads are bounded by pull (pc.by); the send timeout bounds writes. At least 1 ms: zero means none. */
        long ms = left < 1 ? 1 : (long)left;
        struct timeval tv = {.tv_sec = (time_t)(ms / 1000), .tv_usec = (suseconds_t)(ms % 1000 * 1000)};
        pc.by = reneg_by;
        if (r < 0) {
            /* gnutls_alpn_set_protocols refused the offer: its error is the reason. */
        } else if (left <= 0 || flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
                   setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
                   setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
            r = GNUTLS_E_AGAIN;
        } else {
            for (;;) {
                r = gnutls_handshake(s);
                if (r >= 0 || gnutls_error_is_fatal(r) || r == GNUTLS_E_WARNING_ALERT_RECEIVED ||
                    probe_now_ms() >= reneg_by)
                    break;
            }
        }
        /* Back to what the reads below expect: non-blocking, no bound of ours. */
        pc.by = 0;
        if (flags >= 0)
            (void)fcntl(fd, F_SETFL, flags);
        if (r == 0) {
            o->reneg_completed = 1;
            /* RFC 7301 §3.1: the answer holds exactly one name: 2-byte list length, 1-byte name length, name. */
            const wire_alpn_seen *a = &cap.sh.alpn;
            size_t kept = a->len < sizeof a->data ? a->len : sizeof a->data;
            if (!cap.seen || cap.malformed)
                snprintf(o->reneg_error, sizeof o->reneg_error, "the renegotiation's ServerHello could not be read");
            else if (a->count > 0 && kept >= 3 && (size_t)a->data[2] + 3 <= kept) {
                o->reneg_has_selected = 1;
                memcpy(o->reneg_selected, a->data + 3, a->data[2]);
                o->reneg_selected_len = a->data[2];
            }
        } else {
            if (r == GNUTLS_E_WARNING_ALERT_RECEIVED || r == GNUTLS_E_FATAL_ALERT_RECEIVED)
                o->reneg_alert = (int)gnutls_alert_get(s);
            snprintf(o->reneg_error, sizeof o->reneg_error, "%s",
                     r == GNUTLS_E_AGAIN ? "no answer to the renegotiation within 1.5 s" : gnutls_strerror(r));
        }
        gnutls_session_set_ptr(s, NULL); /* cap ends with this block; the hook then keeps nothing */
    }
    if (send != NULL) {
        size_t off = 0;
        while (off < send_len && probe_now_ms() < deadline) {
            ssize_t w = gnutls_record_send(s, (const char *)send + off, send_len - off);
            if (w > 0)
                off += (size_t)w;
            else if (w != GNUTLS_E_AGAIN && w != GNUTLS_E_INTERRUPTED)
                break;
            else
                usleep(1000);
        }
        /* An HTTP server answers at once (HTTP/2 sends SETTINGS first, RFC 9113 §3.4): wait at most 1.5 s. */
        double answer_by = probe_now_ms() + 1500;
        if (answer_by > deadline)
            answer_by = deadline;
        if (o->head != NULL)
            read_head(s, fd, answer_by, o);
        while (o->head == NULL && o->app_len < sizeof o->app && probe_now_ms() < answer_by) {
            ssize_t r = gnutls_record_recv(s, o->app + o->app_len, sizeof o->app - o->app_len);
            if (r > 0)
                o->app_len += (size_t)r;
            else if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
                usleep(2000);
            else if (r == GNUTLS_E_REHANDSHAKE || r == GNUTLS_E_WARNING_ALERT_RECEIVED)
                continue;
            else
                break; /* closed, or a fatal error: what arrived so far is the answer */
            /* A frame header or a status line is all the judge reads. */
            if (o->app_len >= 9)
                break;
        }
    }
    if (save != NULL) {
        /* TLS 1.3 tickets arrive after the handshake: read briefly so that GnuTLS processes them. */
        char buf[256];
        double until = probe_now_ms() + (t->timeout_ms < 300 ? t->timeout_ms : 300);
        while (probe_now_ms() < until) {
            int r = (int)gnutls_record_recv(s, buf, sizeof buf);
            if (gnutls_session_get_flags(s) & GNUTLS_SFLAGS_SESSION_TICKET)
                break;
            /* RFC 8446 §4.6.1: the ticket may come at any time after our Finished, so application data before it
             * is read past (an h2 server sends its SETTINGS first, RFC 9113 §3.4): lighttpd with mod_nss sent them
             * ahead of its ticket in some runs, and stopping there left the resumption checks nothing to resume. */
            if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
                wait_io(s, fd, until);
            else if (r <= 0)
                break;
        }
        gnutls_datum_t d = {NULL, 0};
        if (gnutls_session_get_data2(s, &d) == 0) {
            save->data = d.data;
            save->size = d.size;
        }
    }
done:
    /* A handshake the run's deadline cut short: that is the reason, not GnuTLS's timeout. */
    if (o->error && !o->completed)
        probe_run_over(&t->run, o->error_text, sizeof o->error_text);
    /* RFC 8446 §6.1: close_notify before closing. Servers that see a connection end without it may drop the
     * session from their cache (OpenSSL does, as a fatal unexpected EOF), and resumption checks would then SKIP. */
    if (s != NULL && o->completed)
        gnutls_bye(s, GNUTLS_SHUT_WR);
    if (s != NULL)
        gnutls_deinit(s);
    if (cred != NULL)
        gnutls_certificate_free_credentials(cred);
    close(fd);
    return 0;
}

int gnutls_probe(const server_target *t, const char *tls, const alpn_name *names, size_t n,
                 const gnutls_session_blob *resume, gnutls_session_blob *save, const void *send, size_t send_len,
                 gnutls_observation *o)
{
    return probe(t, tls, names, n, resume, save, send, send_len, 0, NULL, o);
}

int gnutls_probe_early(const server_target *t, const alpn_name *names, size_t n, const gnutls_session_blob *resume,
                       gnutls_session_blob *save, gnutls_observation *o)
{
    return probe(t, "1.3", names, n, resume, save, NULL, 0, 1, NULL, o);
}

static void to_session(const gnutls_observation *g, session_observation *o)
{
    memset(o, 0, sizeof *o);
    o->error = g->error;
    snprintf(o->error_text, sizeof o->error_text, "%s", g->error_text);
    o->alert = g->alert;
    o->completed = g->completed;
    o->resumed = g->resumed;
    o->early_sent = g->early_sent;
    o->early_accepted = g->early_accepted;
    o->has_selected = g->has_selected && g->selected_len <= sizeof o->selected;
    if (o->has_selected) {
        memcpy(o->selected, g->selected, g->selected_len);
        o->selected_len = g->selected_len;
    }
}

int gnutls_resume_probe(void *ctx, const char *tls, const alpn_name *a, size_t na, const alpn_name *b, size_t nb,
                        session_observation *first, session_observation *second)
{
    const server_target *t = ctx;
    gnutls_observation g = {.head = NULL}; /* no head buffer: the first bytes only */
    gnutls_session_blob blob = {NULL, 0};
    gnutls_probe(t, tls, a, na, NULL, &blob, NULL, 0, &g);
    to_session(&g, first);
    if (blob.data == NULL) {
        /* Without session data there is nothing to resume: the second handshake is a plain full one. */
        gnutls_probe(t, tls, b, nb, NULL, NULL, NULL, 0, &g);
    } else {
        gnutls_probe(t, tls, b, nb, &blob, NULL, NULL, 0, &g);
        gnutls_free(blob.data);
    }
    to_session(&g, second);
    return 0;
}

/* "GET / HTTP/1.1" with Host (the SNI name, else the host dialled) and Connection: close into buf; its length. */
static size_t http11_get(const server_target *t, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
                     t->sni[0] ? t->sni : t->host);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

int gnutls_speak_probe(void *ctx, const char *tls, const alpn_name *name, session_observation *o)
{
    const server_target *t = ctx;
    gnutls_observation g = {.head = NULL}; /* no head buffer: the first bytes only */
    char request[400];
    const void *send;
    size_t send_len;
    if (name->len == 2 && memcmp(name->data, "h2", 2) == 0) {
        send = h2_preface;
        send_len = sizeof h2_preface - 1;
    } else {
        send = request;
        send_len = http11_get(t, request, sizeof request);
    }
    gnutls_probe(t, tls, name, 1, NULL, NULL, send, send_len, &g);
    to_session(&g, o);
    o->spoke = 1;
    memcpy(o->app, g.app, g.app_len);
    o->app_len = g.app_len;
    o->echoed = g.app_len > 0 && g.app_len <= send_len && memcmp(g.app, send, g.app_len) == 0;
    return 0;
}

/* The 0-RTT sequences' path over GnuTLS sessions: the target and two tickets (session data). */
typedef struct {
    const server_target *t;
    gnutls_session_blob slot[2];
} early_tickets;

/* early_path.fresh: a full TLS 1.3 handshake offering name (NULL: no ALPN), keeping its ticket. Without one, o is an
 * error: over TCP a server without tickets leaves nothing to judge. */
static int fresh_ticket(void *ctx, int slot, const alpn_name *name, session_observation *o)
{
    early_tickets *e = ctx;
    gnutls_session_blob *blob = &e->slot[slot];
    gnutls_observation g = {.head = NULL}; /* no head buffer: the first bytes only */
    blob->data = NULL;
    blob->size = 0;
    probe(e->t, "1.3", name, name != NULL, NULL, blob, NULL, 0, 1, NULL, &g);
    to_session(&g, o);
    if (blob->data == NULL && !o->error) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "the server issued no session ticket");
    }
    return blob->data != NULL ? 0 : -1;
}

/* early_path.early: TLS 1.3 early data on a ticket (freed here) while offering only name (NULL: no ALPN). */
static void early_data_on(void *ctx, int slot, const alpn_name *name, session_observation *o)
{
    early_tickets *e = ctx;
    gnutls_observation g = {.head = NULL}; /* no head buffer: the first bytes only */
    probe(e->t, "1.3", name, name != NULL, &e->slot[slot], NULL, NULL, 0, 1, NULL, &g);
    gnutls_free(e->slot[slot].data);
    e->slot[slot].data = NULL;
    to_session(&g, o);
}

/* early_path.renew: a resumption offering name (no early data) that keeps the new ticket. */
static int renew_ticket(void *ctx, int slot, const alpn_name *name, int next, session_observation *o)
{
    early_tickets *e = ctx;
    gnutls_observation g = {.head = NULL}; /* no head buffer: the first bytes only */
    e->slot[next].data = NULL;
    probe(e->t, "1.3", name, name != NULL, &e->slot[slot], &e->slot[next], NULL, 0, 0, NULL, &g);
    gnutls_free(e->slot[slot].data);
    e->slot[slot].data = NULL;
    to_session(&g, o);
    return e->slot[next].data != NULL ? 0 : -1;
}

int gnutls_early_probe(void *ctx, early_sequence seq, const alpn_name *a, const alpn_name *b,
                       session_observation *control, session_observation *test)
{
    static const early_path gnutls_path = {fresh_ticket, early_data_on, renew_ticket};
    early_tickets e = {.t = ctx};
    return early_play(&gnutls_path, &e, seq, a, b, control, test);
}

int gnutls_probe_reneg(const server_target *t, const alpn_name *a, const alpn_name *b, gnutls_observation *o)
{
    return probe(t, "1.2", a, 1, NULL, NULL, NULL, 0, 0, b, o);
}

int gnutls_reneg_probe(void *ctx, const alpn_name *a, const alpn_name *b, session_observation *first,
                       session_observation *second)
{
    gnutls_observation g = {.head = NULL}; /* no head buffer: the first bytes only */
    gnutls_probe_reneg(ctx, a, b, &g);
    to_session(&g, first);
    memset(second, 0, sizeof *second);
    second->alert = g.reneg_alert;
    second->completed = g.reneg_completed;
    second->error = g.reneg_tried && !g.reneg_completed && g.reneg_alert < 0;
    snprintf(second->error_text, sizeof second->error_text, "%s", g.reneg_error);
    second->has_selected = g.reneg_has_selected;
    memcpy(second->selected, g.reneg_selected, g.reneg_selected_len);
    second->selected_len = g.reneg_selected_len;
    return 0;
}

/* The Alt-Svc field lines of a complete head into o (RFC 9110 §5.3: several lines form one list, judged one by one). */
static void keep_alt_svc(const http_head *h, altsvc_observation *o)
{
    size_t i = 0;
    const http_field *f;
    o->answered = 1;
    o->status = h->status;
    while ((f = http_field_next(h, "alt-svc", &i)) != NULL) {
        if (o->fields < ALTSVC_OBS_FIELDS) {
            size_t keep = f->value_len < ALTSVC_OBS_VALUE_MAX ? f->value_len : ALTSVC_OBS_VALUE_MAX;
            memcpy(o->value[o->fields], f->value, keep);
            o->value_len[o->fields] = f->value_len;
        }
        o->fields++;
    }
}

int gnutls_altsvc_probe(void *ctx, const char *tls, altsvc_observation *o)
{
    const server_target *t = ctx;
    static const alpn_name h11 = {(const uint8_t *)"http/1.1", 8};
    unsigned char head[HTTP_HEAD_MAX];
    char request[400];
    gnutls_observation g = {.head = head, .head_cap = sizeof head};
    http_head h;
    memset(o, 0, sizeof *o);
    gnutls_probe(t, tls, &h11, 1, NULL, NULL, request, http11_get(t, request, sizeof request), &g);
    to_session(&g, &o->session);
    if (!g.completed)
        return 0;
    http_head_status st = http_parse_response(g.head, g.head_len, &h);
    if (st == HTTP_HEAD_COMPLETE)
        keep_alt_svc(&h, o);
    else if (g.head_len == 0)
        snprintf(o->head_error, sizeof o->head_error, "the server sent nothing after the request");
    else if (st == HTTP_HEAD_MALFORMED)
        snprintf(o->head_error, sizeof o->head_error, "not an HTTP/1.x answer: %.100s at byte %zu", h.error,
                 h.error_at);
    else if (st == HTTP_HEAD_TOO_LONG)
        snprintf(o->head_error, sizeof o->head_error, "no end of the head within %d bytes", HTTP_HEAD_MAX);
    else
        snprintf(o->head_error, sizeof o->head_error, "the head did not end within the deadline (%zu bytes came)",
                 g.head_len);
    return 0;
}
