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
    if (client_listener_open(&p->target, host, 0, err, err_cap) != 0)
        return -1;
    snprintf(p->authority, sizeof p->authority, "%s%.60s%s:%d", strchr(host, ':') ? "[" : "", host,
             strchr(host, ':') ? "]" : "", p->target.port);
    return 0;
}

void proxy_peer_close(proxy_peer *p)
{
    client_listener_close(&p->target);
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

/* The proxy's answer to CONNECT into o; the bytes after its head (already tunnel data) stay in buf[0..*extra). 0 when
 * a head was read, -1 with o->error otherwise. */
static int read_answer(int fd, double deadline, proxy_observation *o, uint8_t *buf, size_t *extra)
{
    size_t len = 0;
    int sock_errno = 0, rc = 1;
    http_head h;
    http_head_status st = HTTP_HEAD_INCOMPLETE;
    while (st == HTTP_HEAD_INCOMPLETE && rc == 1) {
        rc = probe_recv_more(fd, buf, HTTP_HEAD_MAX, &len, deadline, &sock_errno);
        st = http_parse_response(buf, len, &h);
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
    *extra = len - h.head_len;
    memmove(buf, buf + h.head_len, *extra);
    return 0;
}

/* Through the open tunnel: up from the proxy connection to the target, then down. */
static void use_tunnel(proxy_peer *p, int fd, double deadline, uint8_t *got, size_t extra, proxy_observation *o)
{
    uint8_t up[PROXY_PAYLOAD_MAX], down[5 + 256], target_got[PROXY_PAYLOAD_MAX];
    size_t up_len = build_up(up, sizeof up), down_len = build_down(down);
    if (up_len == 0 || probe_send_all(fd, up, up_len, deadline) != 0) {
        fail(o, "could not send through the tunnel: %s", up_len == 0 ? "no ClientHello" : strerror(errno));
        return;
    }
    o->up_sent = up_len;
    struct pollfd pf = {.fd = p->target.fd, .events = POLLIN};
    if (poll(&pf, 1, probe_left_ms(deadline)) != 1)
        return; /* nothing reached the target: o->arrived stays 0 */
    int tfd = accept(p->target.fd, NULL, NULL);
    if (tfd < 0 || fcntl(tfd, F_SETFL, O_NONBLOCK) != 0) {
        if (tfd >= 0)
            close(tfd);
        return;
    }
    o->arrived = 1;
    o->up_got = read_upto(tfd, target_got, 0, up_len, deadline);
    long d = first_difference(up, up_len, target_got, o->up_got);
    o->up_intact = d < 0;
    if (d >= 0)
        o->first_diff = (size_t)d;
    if (probe_send_all(tfd, down, down_len, deadline) == 0) {
        o->down_sent = down_len;
        o->down_got = read_upto(fd, got, extra < down_len ? extra : down_len, down_len, deadline);
        d = first_difference(down, down_len, got, o->down_got);
        o->down_intact = d < 0;
        if (d >= 0 && o->up_intact)
            o->first_diff = (size_t)d;
    }
    close(tfd);
}

int proxy_probe(void *ctx, const proxy_request *r, proxy_observation *o)
{
    proxy_peer *p = ctx;
    proxy_observation_init(o);
    double start = probe_now_ms(), deadline = start + p->proxy.timeout_ms;
    char req[1024], err[OBS_TEXT_MAX];
    size_t req_len = http_connect_request(req, sizeof req, p->authority, r->alpn_header);
    /* A connection an earlier check's tunnel opened late must not pass for this check's. */
    client_listener_drain(&p->target);
    if (req_len == 0)
        return fail(o, "%s", "the CONNECT request does not fit");
    int fd = probe_dial(&p->proxy, deadline, err, sizeof err);
    if (fd < 0)
        return fail(o, "cannot reach the proxy: %.150s", err);
    uint8_t *buf = malloc(HTTP_HEAD_MAX);
    size_t extra = 0;
    if (buf == NULL)
        fail(o, "%s", "out of memory");
    else if (probe_send_all(fd, (const uint8_t *)req, req_len, deadline) != 0)
        fail(o, "could not send CONNECT: %s", strerror(errno));
    else if (read_answer(fd, deadline, o, buf, &extra) == 0 && o->established)
        use_tunnel(p, fd, deadline, buf, extra, o);
    free(buf);
    close(fd);
    o->ms = probe_now_ms() - start;
    return 0;
}
