/* CONNECT through a proxy to alpncheck's own target (proxy_probe.h). */
#include "proxy_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_head.h"
#include "wire.h"

int proxy_peer_open(proxy_peer *p, const char *host, char *err, size_t err_cap)
{
    p->upstream.fd = -1;
    if (client_listener_open(&p->target, host, 0, err, err_cap) != 0)
        return -1;
    snprintf(p->authority, sizeof p->authority, "%s%.60s%s:%d", strchr(host, ':') ? "[" : "", host,
             strchr(host, ':') ? "]" : "", p->target.port);
    return 0;
}

int proxy_peer_upstream(proxy_peer *p, const char *host, int port, char *err, size_t err_cap)
{
    return client_listener_open(&p->upstream, host, port, err, err_cap);
}

void proxy_peer_close(proxy_peer *p)
{
    client_listener_close(&p->target);
    client_listener_close(&p->upstream);
}

/* What goes through the tunnel. Up (client → target): the record of a real TLS 1.3 ClientHello offering h2 and
 * http/1.1, fresh random each time, so that a late connection of an earlier check cannot pass for this one. Down
 * (target → client): a handshake record holding every byte value, so that a proxy treating the tunnel as text
 * (NUL, CR, LF, 0xff) shows. */
static size_t build_up(uint8_t *out, size_t cap)
{
    static const uint8_t offer[] = {0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    wire_client_hello ch = {.version = WIRE_TLS13, .sni = "localhost", .send_alpn = 1, .alpn = offer,
                            .alpn_len = sizeof offer};
    if (gnutls_rnd(GNUTLS_RND_NONCE, ch.random, sizeof ch.random) < 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, ch.x25519_public, sizeof ch.x25519_public) < 0)
        return 0;
    uint8_t msg[PROXY_PAYLOAD_MAX];
    wire_wr m, w;
    wire_wr_init(&m, msg, sizeof msg);
    wire_build_client_hello(&m, &ch);
    wire_wr_init(&w, out, cap);
    wire_write_records(&w, 22, WIRE_TLS10, msg, m.len);
    return m.err || w.err ? 0 : w.len;
}

static size_t build_down(uint8_t *out)
{
    out[0] = 22;
    out[1] = 0x03;
    out[2] = 0x03;
    out[3] = 0x01;
    out[4] = 0x00;
    for (size_t i = 0; i < 256; i++)
        out[5 + i] = (uint8_t)i;
    return 5 + 256;
}

static int fail(proxy_observation *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(proxy_observation *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    o->error = 1;
    vsnprintf(o->error_text, sizeof o->error_text, fmt, ap);
    va_end(ap);
    return 0;
}

/* Reads exactly want bytes (or what came until the deadline or a close) into buf, after the have already there. */
static size_t read_upto(int fd, uint8_t *buf, size_t have, size_t want, double deadline)
{
    int sock_errno = 0;
    while (have < want && probe_recv_more(fd, buf, want, &have, deadline, &sock_errno) == 1)
        ;
    return have;
}

/* Compares what arrived with what was sent; the offset of the first difference, or -1 when they are equal. */
static long first_difference(const uint8_t *sent, size_t sent_len, const uint8_t *got, size_t got_len)
{
    size_t n = sent_len < got_len ? sent_len : got_len;
    for (size_t i = 0; i < n; i++)
        if (sent[i] != got[i])
            return (long)i;
    return sent_len == got_len ? -1 : (long)n;
}

/* One CONNECT in flight: the connection to the proxy and its answer, and the connection that reached alpncheck's
 * target, if one did yet, with what it sent. */
struct tunnel {
    int pfd, tfd;
    uint8_t answer[HTTP_HEAD_MAX];
    size_t answer_len;
    uint8_t upstream[HTTP_HEAD_MAX]; /* what came in on tfd before the proxy answered */
    size_t upstream_len;
    int from_upstream; /* tfd came from the upstream listener: a CONNECT comes first */
    int upstream_done; /* it came and was answered 200 */
};

static int accept_target(const client_listener *l, struct tunnel *t)
{
    t->tfd = accept(l->fd, NULL, NULL);
    t->from_upstream = 0;
    if (t->tfd >= 0 && fcntl(t->tfd, F_SETFL, O_NONBLOCK) != 0) {
        close(t->tfd);
        t->tfd = -1;
    }
    return t->tfd >= 0 ? 0 : -1;
}

/* The proxy chained to alpncheck as its upstream, with a CONNECT of its own: it is answered 200, and its ALPN field
 * kept (RFC 7639 §2.3 lets the proxy use the field; RFC 9110 §5.1 has it forward a field it does not know). 0 also
 * while the head is incomplete; -1 with o->error when that head is not a CONNECT. */
static int take_upstream(struct tunnel *t, double deadline, proxy_observation *o)
{
    int sock_errno = 0;
    if (probe_recv_more(t->tfd, t->upstream, sizeof t->upstream, &t->upstream_len, deadline, &sock_errno) != 1) {
        /* A connection that ends before its CONNECT (a proxy checking that its upstream is alive) is not the
         * tunnel: alpncheck listens again. */
        close(t->tfd);
        t->tfd = -1;
        t->upstream_len = 0;
        return 0;
    }
    http_head h;
    http_head_status st = http_parse_request(t->upstream, t->upstream_len, &h);
    if (st == HTTP_HEAD_INCOMPLETE)
        return 0;
    if (st != HTTP_HEAD_COMPLETE || h.method_len != 7 || memcmp(h.method, "CONNECT", 7) != 0)
        return fail(o, "the proxy sent alpncheck's upstream listener something else than a CONNECT request (%.100s at "
                       "byte %zu)",
                    st == HTTP_HEAD_MALFORMED ? h.error : "another method", h.error_at),
               -1;
    o->via_upstream = 1;
    size_t i = 0;
    for (const http_field *f; (f = http_field_next(&h, "alpn", &i)) != NULL; o->upstream_alpn_fields++) {
        if (o->upstream_alpn_fields == 0) {
            o->upstream_alpn_len = f->value_len < sizeof o->upstream_alpn ? f->value_len : sizeof o->upstream_alpn;
            memcpy(o->upstream_alpn, f->value, o->upstream_alpn_len);
        }
    }
    static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
    if (probe_send_all(t->tfd, (const uint8_t *)ok, sizeof ok - 1, deadline) != 0)
        return fail(o, "could not answer the proxy's own CONNECT: %s", strerror(errno)), -1;
    t->upstream_len -= h.head_len; /* what follows the head is already tunnel data */
    memmove(t->upstream, t->upstream + h.head_len, t->upstream_len);
    t->upstream_done = 1;
    return 0;
}

/* The proxy's answer to CONNECT into o, serving the target's side meanwhile (a proxy that chains to alpncheck waits
 * for its upstream's answer before it answers). 0 when a head was read, -1 with o->error otherwise. */
static int read_answer(proxy_peer *p, struct tunnel *t, double deadline, proxy_observation *o)
{
    int sock_errno = 0, rc = 1;
    http_head h;
    http_head_status st = HTTP_HEAD_INCOMPLETE;
    while (st == HTTP_HEAD_INCOMPLETE && rc == 1) {
        /* The deadline is tested before every wait: past it, poll with a timeout of 0 still reports a listener that
         * a proxy keeps connecting to, and nothing below would end the loop. */
        if (probe_now_ms() >= deadline) {
            rc = -1;
            break;
        }
        /* The proxy's connection; then the far end's: the connection that reached us while its CONNECT is not in, or
         * both listeners while none did. */
        struct pollfd pf[3] = {{.fd = t->pfd, .events = POLLIN}, {.fd = -1}, {.fd = -1}};
        if (t->tfd < 0) {
            pf[1] = (struct pollfd){.fd = p->target.fd, .events = POLLIN};
            pf[2] = (struct pollfd){.fd = p->upstream.fd, .events = POLLIN};
        } else if (t->from_upstream && !t->upstream_done) {
            pf[1] = (struct pollfd){.fd = t->tfd, .events = POLLIN};
        }
        if (poll(pf, 3, probe_left_ms(deadline)) <= 0) {
            rc = -1;
            break;
        }
        if (t->tfd < 0 && (pf[1].revents != 0 || pf[2].revents != 0)) {
            int up = pf[2].revents != 0;
            if (accept_target(up ? &p->upstream : &p->target, t) == 0)
                t->from_upstream = up;
            continue;
        }
        if (pf[1].revents != 0 && t->tfd >= 0 && take_upstream(t, deadline, o) != 0)
            return -1;
        if (pf[0].revents == 0)
            continue;
        rc = probe_recv_more(t->pfd, t->answer, sizeof t->answer, &t->answer_len, deadline, &sock_errno);
        st = http_parse_response(t->answer, t->answer_len, &h);
    }
    if (st == HTTP_HEAD_MALFORMED) {
        char why[OBS_TEXT_MAX];
        snprintf(why, sizeof why, "%s at byte %zu", h.error, h.error_at);
        return fail(o, "the proxy's answer to CONNECT is not HTTP: %.150s", why), -1;
    }
    if (st == HTTP_HEAD_TOO_LONG)
        return fail(o, "the proxy's answer to CONNECT has no end within %d bytes", HTTP_HEAD_MAX), -1;
    if (st != HTTP_HEAD_COMPLETE)
        return fail(o, "no answer to CONNECT: %s",
                    rc == 0 ? "the proxy closed the connection" : rc == -1 ? "the deadline passed" : strerror(sock_errno)),
               -1;
    o->status = h.status;
    o->reason_len = h.reason_len < sizeof o->reason ? h.reason_len : sizeof o->reason;
    memcpy(o->reason, h.reason, o->reason_len);
    o->established = h.status >= 200 && h.status <= 299;
    t->answer_len -= h.head_len; /* what follows the head is already tunnel data */
    memmove(t->answer, t->answer + h.head_len, t->answer_len);
    return 0;
}

/* Through the open tunnel: up from the proxy connection to the target, then down. */
static void use_tunnel(proxy_peer *p, struct tunnel *t, double deadline, proxy_observation *o)
{
    uint8_t up[PROXY_PAYLOAD_MAX], down[5 + 256];
    size_t up_len = build_up(up, sizeof up), down_len = build_down(down);
    if (up_len == 0 || probe_send_all(t->pfd, up, up_len, deadline) != 0) {
        fail(o, "could not send through the tunnel: %s", up_len == 0 ? "no ClientHello" : strerror(errno));
        return;
    }
    o->up_sent = up_len;
    if (t->tfd < 0) {
        struct pollfd pf = {.fd = p->target.fd, .events = POLLIN};
        if (poll(&pf, 1, probe_left_ms(deadline)) != 1 || accept_target(&p->target, t) != 0)
            return; /* nothing reached the target: o->arrived stays 0 */
    }
    if (t->from_upstream && !t->upstream_done)
        return; /* the upstream connection never finished its CONNECT */
    o->arrived = 1;
    size_t have = t->upstream_len < up_len ? t->upstream_len : up_len;
    o->up_got = read_upto(t->tfd, t->upstream, have, up_len, deadline);
    long d = first_difference(up, up_len, t->upstream, o->up_got);
    o->up_intact = d < 0;
    if (d >= 0)
        o->first_diff = (size_t)d;
    if (probe_send_all(t->tfd, down, down_len, deadline) == 0) {
        o->down_sent = down_len;
        have = t->answer_len < down_len ? t->answer_len : down_len;
        o->down_got = read_upto(t->pfd, t->answer, have, down_len, deadline);
        d = first_difference(down, down_len, t->answer, o->down_got);
        o->down_intact = d < 0;
        if (d >= 0 && o->up_intact)
            o->first_diff = (size_t)d;
    }
}

int proxy_probe(void *ctx, const proxy_request *r, proxy_observation *o)
{
    proxy_peer *p = ctx;
    proxy_observation_init(o);
    double start = probe_now_ms(), deadline = probe_conn_deadline(&p->proxy.run, p->proxy.timeout_ms);
    if (probe_run_over(&p->proxy.run, o->error_text, sizeof o->error_text)) {
        o->error = 1;
        return 0;
    }
    char req[1024], err[OBS_TEXT_MAX];
    size_t req_len = http_connect_request(req, sizeof req, p->authority, r->alpn_header);
    /* A connection an earlier check's tunnel opened late must not pass for this check's. */
    client_listener_drain(&p->target);
    if (p->upstream.fd >= 0)
        client_listener_drain(&p->upstream);
    if (req_len == 0)
        return fail(o, "%s", "the CONNECT request does not fit");
    struct tunnel *t = malloc(sizeof *t);
    if (t == NULL)
        return fail(o, "%s", "out of memory");
    t->answer_len = t->upstream_len = 0;
    t->upstream_done = t->from_upstream = 0;
    t->tfd = -1;
    t->pfd = probe_dial(&p->proxy, deadline, err, sizeof err);
    if (t->pfd < 0)
        fail(o, "cannot reach the proxy: %.150s", err);
    else if (probe_send_all(t->pfd, (const uint8_t *)req, req_len, deadline) != 0)
        fail(o, "could not send CONNECT: %s", strerror(errno));
    else if (read_answer(p, t, deadline, o) == 0 && o->established)
        use_tunnel(p, t, deadline, o);
    if (t->pfd >= 0)
        close(t->pfd);
    if (t->tfd >= 0)
        close(t->tfd);
    free(t);
    o->ms = probe_now_ms() - start;
    return 0;
}
