/* The socket, process and text parts of the small C peers (peer_net.h). */
#define _POSIX_C_SOURCE 200809L
#include "peer_net.h"

#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int peer_server_args(int argc, char **argv, struct peer_server_args *a)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s PORT CERT KEY [ALPN-LIST]\n", argv[0]);
        return -1;
    }
    *a = (struct peer_server_args){argv[1], argv[2], argv[3], argc == 5 ? argv[4] : PEER_DEFAULT_ALPN};
    return 0;
}

int peer_client_args(int argc, char **argv, struct peer_client_args *a)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: %s HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]\n", argv[0]);
        return -1;
    }
    *a = (struct peer_client_args){argv[1], argv[2], argv[3], argv[4], argc == 6 ? argv[5] : "localhost"};
    return 0;
}

static int set_deadlines(int fd)
{
    struct timeval tv = {.tv_sec = PEER_IO_SECONDS};
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) |
           setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* A socket on the first address of HOST:PORT that it can bind and listen on (PASSIVE) or connect to; -1 after
 * printing why. */
static int open_socket(const char *host, const char *port, int passive)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = passive ? AI_PASSIVE : 0};
    struct addrinfo *res, *ai;
    int err = getaddrinfo(host, port, &hints, &res), fd = -1, one = 1;
    if (err != 0) {
        fprintf(stderr, "%s:%s: %s\n", host, port, gai_strerror(err));
        return -1;
    }
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        /* SO_SNDTIMEO also bounds connect() on Linux. */
        int ok = passive ? setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
                               bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 64) == 0
                         : set_deadlines(fd) == 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
        if (!ok) {
            perror(passive ? "listen" : "connect");
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

int peer_connect(const char *host, const char *port)
{
    return open_socket(host, port, 0);
}

int peer_serve(const struct peer_server_args *a, const char *library, void (*serve)(void *ctx, int fd), void *ctx)
{
    int listener = open_socket("127.0.0.1", a->port, 1);
    if (listener < 0)
        return 2;
    printf("listening on 127.0.0.1:%s, ALPN %s, %s\n", a->port, a->alpn, library);
    fflush(stdout);
    signal(SIGCHLD, SIG_IGN); /* children are not waited for; the kernel reaps them */
    signal(SIGPIPE, SIG_IGN); /* a peer that hangs up is an error return, not a dead server */
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
            continue;
        pid_t pid = fork();
        if (pid == 0) {
            close(listener);
            set_deadlines(fd);
            serve(ctx, fd);
            close(fd);
            return 0;
        }
        if (pid < 0)
            perror("fork");
        close(fd);
    }
}

int peer_alpn_wire(const char *list, unsigned char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = list;;) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len > 255 || n + 1 + len > cap)
            return -1;
        out[n] = (unsigned char)len;
        memcpy(out + n + 1, p, len);
        n += 1 + len;
        if (p[len] == '\0')
            return (int)n;
        p += len + 1;
    }
}

int peer_alpn_names(const char *list, struct peer_names *out)
{
    size_t n = 0, len = strlen(list);
    if (len >= sizeof out->buf || peer_alpn_wire(list, (unsigned char *)out->buf, sizeof out->buf) < 0) {
        fprintf(stderr, "bad ALPN list: %s\n", list);
        return -1;
    }
    memcpy(out->buf, list, len + 1);
    for (char *save = NULL, *tok = strtok_r(out->buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (n + 1 >= PEER_MAX_NAMES) {
            fprintf(stderr, "more than %d ALPN names: %s\n", PEER_MAX_NAMES - 1, list);
            return -1;
        }
        out->v[n++] = tok;
    }
    out->v[n] = NULL;
    return 0;
}

static int write_all(peer_io wr, void *conn, const void *buf, size_t len)
{
    for (size_t done = 0; done < len;) {
        long n = wr(conn, (char *)buf + done, len - done);
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

void peer_answer(const unsigned char *proto, size_t len, peer_io rd, peer_io wr, void *conn, const char *who)
{
    static const unsigned char settings[9] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    char buf[4096], body[128], out[512];
    if (len == 2 && memcmp(proto, "h2", 2) == 0) {
        if (write_all(wr, conn, settings, sizeof settings) == 0)
            rd(conn, buf, sizeof buf);
        return;
    }
    if (rd(conn, buf, sizeof buf) <= 0)
        return;
    int blen = snprintf(body, sizeof body, "hello from the %s peer\n", who);
    int n =
        snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", blen, body);
    write_all(wr, conn, out, (size_t)n);
}

void peer_print_negotiated(const char *prefix, const unsigned char *proto, size_t len, const char *version)
{
    if (proto == NULL || len == 0) {
        printf("%s none (%s)\n", prefix, version);
    } else {
        printf("%s \"", prefix);
        for (size_t i = 0; i < len; i++)
            if (proto[i] >= 0x20 && proto[i] < 0x7f && proto[i] != '"' && proto[i] != '\\')
                putchar(proto[i]);
            else
                printf("\\x%02x", proto[i]);
        printf("\" (%s)\n", version);
    }
    fflush(stdout);
}
