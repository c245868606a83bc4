/* The listener and accept thread of the in-process test servers (loopback_server.h). */
#include "loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

struct loopback_server {
    loopback_service svc;
    int fd, port;
    atomic_int stop;
    pthread_t thread;
};

static void *accept_loop(void *arg)
{
    loopback_server *s = arg;
    /* A client that closes while a handler writes gives EPIPE there; SIGPIPE, thread-directed, stays blocked here. */
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, NULL);
    while (!atomic_load(&s->stop)) {
        /* A short poll, so that a stop request is seen within 50 ms. */
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, 50) != 1)
            continue;
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0)
            continue;
        s->svc.handle(s->svc.ctx, fd);
        close(fd);
    }
    return NULL;
}

loopback_server *loopback_server_start(loopback_service svc)
{
    loopback_server *s = calloc(1, sizeof *s);
    if (s != NULL) {
        s->svc = svc;
        s->fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
        socklen_t al = sizeof a;
        if (s->fd >= 0 && bind(s->fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(s->fd, 16) == 0 &&
            getsockname(s->fd, (struct sockaddr *)&a, &al) == 0) {
            s->port = ntohs(a.sin_port);
            if (pthread_create(&s->thread, NULL, accept_loop, s) == 0)
                return s;
        }
        if (s->fd >= 0)
            close(s->fd);
        free(s);
    }
    if (svc.cleanup != NULL)
        svc.cleanup(svc.ctx);
    return NULL;
}

int loopback_server_port(const loopback_server *s)
{
    return s->port;
}

void loopback_server_stop(loopback_server *s)
{
    if (s == NULL)
        return;
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    close(s->fd);
    if (s->svc.cleanup != NULL)
        s->svc.cleanup(s->svc.ctx);
    free(s);
}
