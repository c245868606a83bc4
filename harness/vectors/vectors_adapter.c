/*
 * The external adapter of `alpncheck vectors --exec CMD`: a child process on two pipes, one request line out and
 * one response line back per test (vectors/FORMAT.md). Every read and write has a deadline (poll), lines are
 * bounded, and the child runs in its own process group so that `sh -c` and whatever it starts can be killed and
 * reaped together: a hanging, dying or garbling adapter is an error, never a hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "vec_buf.h"
#include "vectors_adapter.h"

struct vec_adapter {
    pid_t pid;
    int to_child;   /* its stdin (non-blocking) */
    int from_child; /* its stdout (non-blocking) */
    int deadline_ms;
    int reaped;
    int status;
    struct sigaction old_pipe; /* SIGPIPE is ignored while an adapter runs: a dead child is an error, not death */
    char name[64];
    unsigned families; /* bit per vec_family (cross: set when both hformat and hparse are) */
    int altsvc_some;   /* `altsvc=...` announced: the implementation keeps only the alternatives of altsvc_known */
    vbuf altsvc_known; /* names buffer */
    char *buf;         /* read buffer: VEC_LINE_MAX + 1 bytes of line, + 1 for the NUL */
    size_t buf_len;    /* bytes held */
    size_t line_len;   /* length of the line handed out by the last call (consumed on the next) */
    int line_out;      /* a line was handed out and is dropped on the next read */
    vbuf tok;          /* one decoded hex field of the handshake */
};

static void msg(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void msg(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reaps the child if it has exited (wait_ms > 0: waits that long at most). Returns 1 when reaped. */
static int try_reap(vec_adapter *ad, int wait_ms)
{
    if (ad->reaped)
        return 1;
    long end = now_ms() + wait_ms;
    for (;;) {
        pid_t r = waitpid(ad->pid, &ad->status, WNOHANG);
        if (r == ad->pid || (r < 0 && errno == ECHILD)) {
            ad->reaped = 1;
            return 1;
        }
        if (now_ms() >= end)
            return 0;
        usleep(10000);
    }
}

static void describe_exit(vec_adapter *ad, char *out, size_t cap)
{
    if (!try_reap(ad, 200))
        snprintf(out, cap, "closed its output");
    else if (WIFEXITED(ad->status))
        snprintf(out, cap, "exited with status %d", WEXITSTATUS(ad->status));
    else if (WIFSIGNALED(ad->status))
        snprintf(out, cap, "was killed by signal %d", WTERMSIG(ad->status));
    else
        snprintf(out, cap, "ended");
}

static void kill_and_reap(vec_adapter *ad)
{
    kill(-ad->pid, SIGKILL); /* the whole group: sh and whatever it started, even after sh itself has exited */
    if (!ad->reaped) {
        kill(ad->pid, SIGKILL);
        while (waitpid(ad->pid, &ad->status, 0) < 0 && errno == EINTR)
            ;
        ad->reaped = 1;
    }
}

static void release(vec_adapter *ad)
{
    if (ad->to_child >= 0)
        close(ad->to_child);
    if (ad->from_child >= 0)
        close(ad->from_child);
    kill_and_reap(ad);
    sigaction(SIGPIPE, &ad->old_pipe, NULL);
    free(ad->buf);
    vbuf_free(&ad->tok);
    vbuf_free(&ad->altsvc_known);
    free(ad);
}

static int write_all(vec_adapter *ad, const char *p, size_t len, char *err, size_t cap)
{
    long end = now_ms() + ad->deadline_ms;
    while (len > 0) {
        ssize_t n = write(ad->to_child, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            char how[64];
            describe_exit(ad, how, sizeof how);
            msg(err, cap, "adapter %s (writing a request failed: %s)", how, strerror(errno));
            return -1;
        }
        long left = end - now_ms();
        struct pollfd pfd = {.fd = ad->to_child, .events = POLLOUT};
        if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
            msg(err, cap, "adapter did not read its request within %d ms", ad->deadline_ms);
            return -1;
        }
    }
    return 0;
}

/* Reads one line (without the newline) into ad->buf; returns 0 and sets ad->line_len, or -1. */
/* Where line s[0..len) stops being text (FORMAT.md: an answer is UTF-8 text): the offset of its first NUL or other
 * control character (C0 but tab, DEL, C1 as U+0080..U+009F), len when it holds bytes that are not well-formed UTF-8,
 * -1 when it is text. Checked once here, so that whatever quotes an answer later (an error, the terminal's log)
 * holds nothing a terminal would act on. */
static long not_text_at(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++)
        if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f || (p[i] == 0xc2 && i + 1 < len && p[i + 1] < 0xa0))
            return (long)i;
    return esc_utf8_valid(s, len) ? -1 : (long)len;
}

static int read_line(vec_adapter *ad, char *err, size_t cap)
{
    /* Drop the previous line and its newline. */
    if (ad->line_out) {
        size_t used = ad->line_len + 1;
        memmove(ad->buf, ad->buf + used, ad->buf_len - used);
        ad->buf_len -= used;
        ad->line_len = 0;
        ad->line_out = 0;
    }
    long end = now_ms() + ad->deadline_ms;
    size_t scanned = 0;
    for (;;) {
        char *nl = memchr(ad->buf + scanned, '\n', ad->buf_len - scanned);
        if (nl != NULL) {
            ad->line_len = (size_t)(nl - ad->buf);
            if (ad->line_len > VEC_LINE_MAX)
                break;
            long bad = not_text_at(ad->buf, ad->line_len);
            if (bad == (long)ad->line_len) {
                msg(err, cap, "adapter sent a line that is not UTF-8 (answers are text)");
                return -1;
            }
            if (bad >= 0) {
                msg(err, cap, "adapter sent a line with byte 0x%02x at offset %ld (answers are text without control "
                    "characters)", (unsigned char)ad->buf[bad], bad);
                return -1;
            }
            *nl = '\0';
            ad->line_out = 1;
            return 0;
        }
        scanned = ad->buf_len;
        if (ad->buf_len > VEC_LINE_MAX)
            break;
        long left = end - now_ms();
        struct pollfd pfd = {.fd = ad->from_child, .events = POLLIN};
        int pr = left > 0 ? poll(&pfd, 1, (int)left) : 0;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr == 0) {
            msg(err, cap, "adapter did not answer within %d ms", ad->deadline_ms);
            return -1;
        }
        ssize_t n = read(ad->from_child, ad->buf + ad->buf_len, VEC_LINE_MAX + 1 - ad->buf_len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n <= 0) {
            char how[64];
            describe_exit(ad, how, sizeof how);
            msg(err, cap, "adapter %s without answering%s", how, ad->buf_len > 0 ? " (a partial line was sent)" : "");
            return -1;
        }
        ad->buf_len += (size_t)n;
    }
    msg(err, cap, "adapter sent a line over %u bytes", VEC_LINE_MAX);
    return -1;
}

const char *vec_family_name(vec_family f)
{
    return (unsigned)f < VEC_FAM_COUNT ? vec_families[f].name : "?";
}

/* `altsvc=HEX:HEX...`: the protocol IDs whose alternatives the implementation keeps (FORMAT.md), at least one, none
 * empty. 0 or -1. */
static int altsvc_known(vec_adapter *ad, const char *list)
{
    ad->altsvc_some = 1;
    for (const char *p = list;; p++) {
        size_t n = strcspn(p, ":");
        if (n == 0 || vbuf_put_unhex(&ad->tok, p, n, 0, NULL) != 0 ||
            names_add(&ad->altsvc_known, ad->tok.p, ad->tok.len) != 0)
            return -1;
        ad->tok.len = 0;
        p += n;
        if (*p == '\0')
            return 0;
    }
}

/* One token of FAMILIES: a family name, or `altsvc=` with the protocol IDs kept. */
static int family_token(vec_adapter *ad, const char *tok)
{
    if (strncmp(tok, "altsvc=", 7) == 0) {
        ad->families |= 1u << VEC_FAM_ALTSVC;
        return altsvc_known(ad, tok + 7);
    }
    for (int f = 0; f < VEC_FAM_COUNT; f++) {
        if (f != VEC_FAM_CROSS && strcmp(tok, vec_families[f].name) == 0) {
            ad->families |= 1u << f;
            return 0;
        }
    }
    return -1;
}

/* Parses `alpncheck-adapter 1 NAME FAMILIES`. */
static int handshake(vec_adapter *ad, const char *line, char *err, size_t cap)
{
    char name[64], fams[1024], extra[2];
    int n = sscanf(line, "alpncheck-adapter 1 %63s %1023s %1s", name, fams, extra);
    if (n != 2) {
        msg(err, cap, "adapter handshake is not 'alpncheck-adapter 1 NAME FAMILIES': '%.80s'", line);
        return -1;
    }
    snprintf(ad->name, sizeof ad->name, "%s", name);
    for (char *save = NULL, *tok = strtok_r(fams, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (family_token(ad, tok) != 0) {
            msg(err, cap, "adapter announced an unknown family '%.40s' (known: list,select,hparse,hformat,svcb,"
                "altsvc[=HEX:HEX...])", tok);
            return -1;
        }
    }
    unsigned both = 1u << VEC_FAM_HFORMAT | 1u << VEC_FAM_HPARSE;
    if ((ad->families & both) == both)
        ad->families |= 1u << VEC_FAM_CROSS;
    return 0;
}

static void close_pipes(int in[2], int out[2])
{
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
}

/* Child: own process group, default SIGPIPE (ignored dispositions survive exec), pipes on 0 and 1. */
static void exec_child(const char *cmd, int in[2], int out[2]) __attribute__((noreturn));
static void exec_child(const char *cmd, int in[2], int out[2])
{
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
        _exit(127);
    close_pipes(in, out);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
}

/* Starts `sh -c cmd` on two pipes, its end of them non-blocking, and ignores SIGPIPE until release(). 0, or -1
 * with a message (nothing left open, SIGPIPE as before). */
static int spawn(vec_adapter *ad, const char *cmd, char *err, size_t errcap)
{
    int in[2], out[2];
    if (pipe(in) != 0) {
        msg(err, errcap, "pipe: %s", strerror(errno));
        return -1;
    }
    if (pipe(out) != 0) {
        msg(err, errcap, "pipe: %s", strerror(errno));
        close(in[0]);
        close(in[1]);
        return -1;
    }
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &ad->old_pipe);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        msg(err, errcap, "fork: %s", strerror(errno));
        close_pipes(in, out);
        sigaction(SIGPIPE, &ad->old_pipe, NULL);
        return -1;
    }
    if (pid == 0)
        exec_child(cmd, in, out);
    setpgid(pid, pid); /* also here, so that the group exists before any kill(-pid) */
    close(in[0]);
    close(out[1]);
    ad->pid = pid;
    ad->to_child = in[1];
    ad->from_child = out[0];
    fcntl(ad->to_child, F_SETFL, fcntl(ad->to_child, F_GETFL) | O_NONBLOCK);
    fcntl(ad->from_child, F_SETFL, fcntl(ad->from_child, F_GETFL) | O_NONBLOCK);
    fcntl(ad->to_child, F_SETFD, FD_CLOEXEC);
    fcntl(ad->from_child, F_SETFD, FD_CLOEXEC);
    return 0;
}

vec_adapter *vec_adapter_start(const char *cmd, int deadline_ms, char *err, size_t errcap)
{
    vec_adapter *ad = calloc(1, sizeof *ad);
    char *buf = malloc(VEC_LINE_MAX + 2);
    if (ad == NULL || buf == NULL) {
        free(ad);
        free(buf);
        msg(err, errcap, "out of memory");
        return NULL;
    }
    ad->buf = buf;
    ad->deadline_ms = deadline_ms;
    if (spawn(ad, cmd, err, errcap) != 0) {
        free(buf);
        free(ad);
        return NULL;
    }
    char why[512];
    if (read_line(ad, why, sizeof why) != 0) {
        msg(err, errcap, "no handshake from '%s': %s", cmd, why);
        release(ad);
        return NULL;
    }
    if (handshake(ad, ad->buf, why, sizeof why) != 0) {
        msg(err, errcap, "'%s': %s", cmd, why);
        release(ad);
        return NULL;
    }
    return ad;
}

const char *vec_adapter_name(const vec_adapter *ad)
{
    return ad->name;
}

const vbuf *vec_adapter_altsvc_known(const vec_adapter *ad)
{
    return ad->altsvc_some ? &ad->altsvc_known : NULL;
}

int vec_adapter_has(const vec_adapter *ad, vec_family f)
{
    return (unsigned)f < VEC_FAM_COUNT && (ad->families & (1u << f)) != 0;
}

int vec_adapter_request(vec_adapter *ad, const char *line, size_t len, const char **resp, char *err, size_t errcap)
{
    if (len > VEC_LINE_MAX) {
        msg(err, errcap, "request over %u bytes", VEC_LINE_MAX);
        return -1;
    }
    /* One answer per request (FORMAT.md): output beyond the last answer, already here or waiting in the pipe,
     * would be read as the answer to this request and shift every later one. */
    struct pollfd pfd = {.fd = ad->from_child, .events = POLLIN};
    if ((ad->line_out && ad->buf_len > ad->line_len + 1) || (!ad->line_out && ad->buf_len > 0) ||
        (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN))) {
        msg(err, errcap, "the adapter wrote more than one line for the previous request");
        return -1;
    }
    if (write_all(ad, line, len, err, errcap) != 0 || write_all(ad, "\n", 1, err, errcap) != 0)
        return -1;
    if (read_line(ad, err, errcap) != 0)
        return -1;
    *resp = ad->buf;
    return 0;
}

int vec_adapter_stop(vec_adapter *ad)
{
    if (ad == NULL)
        return 0;
    int clean = 0;
    if (write(ad->to_child, "quit\n", 5) == 5) {
        close(ad->to_child);
        ad->to_child = -1;
        clean = try_reap(ad, 1000) && WIFEXITED(ad->status) && WEXITSTATUS(ad->status) == 0;
    }
    release(ad);
    return clean ? 0 : -1;
}
