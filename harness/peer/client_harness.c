/* The client side of `alpncheck client` around the checks: see client_harness.h. */
#include "client_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server_probe.h"


/* What a SIGINT, SIGTERM or SIGHUP must clean up: the running command's process group and the temporary files. */
static volatile pid_t running_group;
static char cleanup_ca[512], cleanup_session[512];

/* Kills every process alpncheck is the parent of, and reaps it, until none is left: the command's descendants that
 * left its process group (setsid, a daemonizing client) become alpncheck's children when their parent dies, because
 * alpncheck is their subreaper (PR_SET_CHILD_SUBREAPER, set in client_harness_open). Reads the kernel's list of this
 * process's children (/proc/self/task/TID/children); only async-signal-safe calls, so the signal handler uses it too.
 * Bounded: at most 64 rounds. */
static void kill_descendants(void)
{
    char path[64] = "/proc/self/task/", digits[24];
    /* The main thread's id is the process id; alpncheck starts no threads. */
    pid_t me = getpid();
    int n = 0;
    do
        digits[n++] = (char)('0' + me % 10);
    while ((me /= 10) > 0 && n < 20);
    size_t o = strlen(path);
    while (n > 0)
        path[o++] = digits[--n];
    memcpy(path + o, "/children", sizeof "/children");
    for (int round = 0; round < 64; round++) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        char buf[4096];
        ssize_t len = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (len <= 0)
            return;
        int any = 0;
        pid_t pid = 0;
        for (ssize_t i = 0; i <= len; i++) {
            if (i < len && buf[i] >= '0' && buf[i] <= '9') {
                pid = pid * 10 + (buf[i] - '0');
                continue;
            }
            if (pid > 0) {
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                any = 1;
            }
            pid = 0;
        }
        if (!any)
            return;
    }
}

static void on_fatal_signal(int sig)
{
    /* Only async-signal-safe calls: kill, waitpid, open, read, unlink, signal, raise. */
    if (running_group > 0)
        kill(-running_group, SIGKILL);
    kill_descendants();
    if (cleanup_ca[0] != '\0')
        unlink(cleanup_ca);
    if (cleanup_session[0] != '\0')
        unlink(cleanup_session);
    signal(sig, SIG_DFL);
    raise(sig);
}

static const char *const placeholders[] = {"{host}", "{port}", "{ca}", "{alpn}", "{session}"};
/* Where each placeholder's value travels: the command's environment, never its text. */
static const char *const env_names[] = {"ALPNCHECK_HOST", "ALPNCHECK_PORT", "ALPNCHECK_CA", "ALPNCHECK_ALPN",
                                        "ALPNCHECK_SESSION"};
#define N_PLACEHOLDERS (sizeof placeholders / sizeof placeholders[0])

/* The known placeholder at p (its index, its length in *len), or -1. "${host}" is the shell's own expansion. */
static int placeholder_at(const char *tmpl, const char *p, size_t *len)
{
    if (*p != '{' || (p > tmpl && p[-1] == '$'))
        return -1;
    for (size_t k = 0; k < N_PLACEHOLDERS; k++) {
        *len = strlen(placeholders[k]);
        if (strncmp(p, placeholders[k], *len) == 0)
            return (int)k;
    }
    return -1;
}

/* Appends n bytes to out (NULL: only counts); *o counts on past cap, so that the caller sees the overflow. */
static void emit(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
    if (out != NULL && *o + n < cap) {
        memcpy(out + *o, s, n);
        out[*o + n] = '\0';
    }
    *o += n;
}

/* How the shell's quoting context changes at p, in context top (p plain, d "...", s '...', c (...) or $(...),
 * b `...`): the context entered, -1 when top ends here, 0 when it stays. */
static int next_context(char top, const char *tmpl, const char *p)
{
    char c = *p;
    if (top == 's')
        return c == '\'' ? -1 : 0;
    if ((top == 'd' && c == '"') || (top == 'c' && c == ')') || (top == 'b' && c == '`'))
        return -1;
    if (c == '`')
        return 'b';
    if (c == '(' && (top != 'd' || (p > tmpl && p[-1] == '$')))
        return 'c';
    if (top != 'd' && (c == '\'' || c == '"'))
        return c == '\'' ? 's' : 'd';
    return 0;
}

/* The command for sh -c: the template with each placeholder replaced by a reference to its environment variable,
 * which the shell expands as text, never as code, whatever the value holds ("$(...)", quotes, spaces, newlines).
 * Outside quotes (also inside $(...), (...) and `...`) the reference is "${ALPNCHECK_X}", one word; inside double
 * quotes it is ${ALPNCHECK_X}, which stays within them. Inside single quotes the shell expands nothing, so a
 * placeholder there is refused: its value would only reach a second interpreter (sh -c '...', awk '...') as code.
 * The quoting is followed as POSIX sh reads it (quotes, backslash, substitutions); out NULL: only checks.
 * 0, or -1 with the reason in err. */
static int rewrite(const char *option, const char *tmpl, char *out, size_t cap, char *err, size_t err_cap)
{
    char stack[64] = {'p'};
    size_t depth = 0, o = 0, len;
    if (out != NULL)
        out[0] = '\0';
    for (const char *p = tmpl; *p;) {
        char top = stack[depth], ref[40];
        int k = placeholder_at(tmpl, p, &len);
        if (k >= 0 && top == 's') {
            snprintf(err, err_cap,
                     "%s: placeholder '%s' inside single quotes, where the shell expands nothing; put it outside "
                     "them, or use the variable %s that the command's environment holds",
                     option, placeholders[k], env_names[k]);
            return -1;
        }
        if (k >= 0) {
            int n = snprintf(ref, sizeof ref, top == 'd' ? "${%s}" : "\"${%s}\"", env_names[k]);
            emit(out, cap, &o, ref, (size_t)n);
            p += len;
            continue;
        }
        size_t step = *p == '\\' && top != 's' && p[1] != '\0' ? 2 : 1;
        int next = step == 1 ? next_context(top, tmpl, p) : 0;
        if (next < 0)
            depth--;
        if (next > 0 && depth + 1 >= sizeof stack) {
            snprintf(err, err_cap, "%s: quotes and substitutions nested deeper than %zu", option, sizeof stack - 1);
            return -1;
        }
        if (next > 0)
            stack[++depth] = (char)next;
        emit(out, cap, &o, p, step);
        p += step;
    }
    if (o < cap)
        return 0;
    snprintf(err, err_cap, "%s: the command is longer than %d bytes with its placeholders replaced", option, CMD_MAX);
    return -1;
}

/* A template may use only the placeholders above: a misspelt one ({hots}) would reach the shell as literal text and
 * make every check ERROR. A word of lower-case letters, digits, '-' or '_' alone between braces is taken for a
 * placeholder, so an unknown one is refused; other braces ("${HOME}", "{a,b}", awk's "{ print }") are the shell's.
 * A known one inside single quotes is refused too (rewrite). 0, or -1 with the reason and the way out in err. */
int exec_check_placeholders(const char *option, const char *tmpl, char *err, size_t err_cap)
{
    for (const char *p = strchr(tmpl, '{'); p != NULL; p = strchr(p + 1, '{')) {
        size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789-_");
        if (n == 0 || p[1 + n] != '}' || (p > tmpl && p[-1] == '$'))
            continue;
        int known = 0;
        for (size_t k = 0; k < N_PLACEHOLDERS; k++)
            known |= strncmp(p, placeholders[k], n + 2) == 0 && strlen(placeholders[k]) == n + 2;
        if (!known) {
            snprintf(err, err_cap,
                     "%s: unknown placeholder '%.*s' (known: {host} {port} {ca} {alpn} {session}; for the shell's "
                     "own braces write '{ %.*s }')",
                     option, (int)(n + 2), p, (int)n, p + 1);
            return -1;
        }
    }
    return rewrite(option, tmpl, NULL, CMD_MAX, err, err_cap);
}

/* In the command's process, before exec: the placeholders' values in its environment. */
static void export_values(const exec_driver *d, const char *alpn)
{
    const char *vals[N_PLACEHOLDERS] = {d->host, d->port, d->ca, alpn, d->session};
    for (size_t k = 0; k < N_PLACEHOLDERS; k++)
        setenv(env_names[k], vals[k], 1);
}

/* Appends "==== a b\n" to the client log. */
static void log_line(exec_driver *d, const char *a, const char *b)
{
    if (d->log_fd < 0)
        return;
    char line[CMD_MAX + 256];
    int n = snprintf(line, sizeof line, "==== %s%s\n", a, b);
    if (n > 0 && write(d->log_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0)
        d->log_fd = -1;
}

static int exec_start(void *ctx, const client_request *s, char *err, size_t err_cap)
{
    exec_driver *d = ctx;
    d->done++;
    d->status = -1;
    /* Past the run's deadline no client is started or asked for: the check is ERROR with that reason. */
    if (d->listener != NULL && probe_run_over(&d->listener->run, err, err_cap))
        return -1;
    if (d->cmd == NULL) {
        fprintf(stderr, "[%zu/%zu] %s (TLS %s): connect your client to %s:%s now%s\n", d->done, d->total, s->id, s->tls,
                d->host, d->port,
                s->no_alpn_offer ? ", offering no ALPN"
                : s->resumption  ? " twice: save the session (ticket), then resume it sending early data"
                                 : "");
        return 0;
    }
    const char *tmpl = d->cmd, *alpn = d->offer;
    if (s->resumption) {
        /* CLI-0RTT-ALPN needs two connections in one run, which clients make as two invocations sharing a session
         * file: only a dedicated command can do it. */
        if (d->cmd_0rtt == NULL) {
            snprintf(err, err_cap, "give --exec-0rtt (a command that connects twice, resuming with early data)");
            return 1;
        }
        tmpl = d->cmd_0rtt;
        /* A fresh, empty session file, never written through a link: our file emptied in place (O_NOFOLLOW refuses
         * a symlink); when an earlier command put a symlink there or removed the file, a new one of ours (O_EXCL,
         * 0600). The name is freed only when it no longer holds our file, so that nobody can take it in between. */
        int fd = open(d->session, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && (errno == ELOOP || errno == ENOENT)) {
            if (errno == ELOOP)
                unlink(d->session);
            fd = open(d->session, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        }
        if (fd < 0) {
            snprintf(err, err_cap, "cannot empty the session file %.300s: %s", d->session, strerror(errno));
            return -1;
        }
        close(fd);
    }
    if (s->no_alpn_offer) {
        /* CLI-REJECT-UNSOLICITED needs a client that offers nothing: the dedicated command, else {alpn} empty. */
        if (d->cmd_no_alpn != NULL)
            tmpl = d->cmd_no_alpn;
        else if (strstr(d->cmd, "{alpn}") != NULL)
            alpn = "";
    }
    char *cmd = d->command;
    if (rewrite("--exec", tmpl, cmd, sizeof d->command, err, err_cap) != 0)
        return -1;
    char head[64];
    snprintf(head, sizeof head, "%s TLS %s", s->id, s->tls);
    strncat(head, ": ", sizeof head - strlen(head) - 1);
    log_line(d, head, cmd);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, err_cap, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* Its own process group, so that everything it starts is killed with it. */
        setpgid(0, 0);
        /* alpncheck ignores SIGPIPE and handles INT/TERM/HUP; the client gets the defaults back. */
        signal(SIGPIPE, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        int null = open("/dev/null", O_RDWR);
        int out = d->log_fd >= 0 ? d->log_fd : null;
        if (null >= 0)
            dup2(null, STDIN_FILENO);
        if (out >= 0) {
            dup2(out, STDOUT_FILENO);
            dup2(out, STDERR_FILENO);
        }
        if (null > STDERR_FILENO)
            close(null);
        export_values(d, alpn);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    d->pid = pid;
    d->pgid = pid;
    running_group = pid;
    return 0;
}

static int reap(exec_driver *d, int options)
{
    int st;
    pid_t r = waitpid(d->pid, &st, options);
    if (r == d->pid) {
        d->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        d->pid = 0;
        return 1;
    }
    if (r < 0 && errno == ECHILD) {
        d->pid = 0;
        return 1;
    }
    return 0;
}

/* client_listener.gone: the command has exited. */
static int exec_gone(void *ctx, int *status)
{
    exec_driver *d = ctx;
    if (d->cmd == NULL)
        return 0;
    if (d->pid == 0 || reap(d, WNOHANG)) {
        *status = d->status;
        return 1;
    }
    return 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits for the command to end after its connection (it should, once alpncheck has closed it), then kills its
 * process group: TERM, and KILL 200 ms later. Returns its exit status, or -1 when killed or unknown. */
static int exec_finish(void *ctx)
{
    exec_driver *d = ctx;
    if (d->cmd == NULL) {
        if (d->listener != NULL)
            client_listener_drain(d->listener);
        return -1;
    }
    int killed = 0;
    /* A client gets up to 3 s to end on its own after its connection; one that connected and never spoke TLS, or
     * one whose check the run's deadline ended, gets none: it is killed at once. */
    char why[64];
    int hurry =
        d->listener != NULL && (d->listener->hello_missing || probe_run_over(&d->listener->run, why, sizeof why));
    int grace = hurry ? 0 : d->timeout_ms < 3000 ? d->timeout_ms : 3000;
    double end = probe_now_ms() + grace;
    while (d->pid != 0 && !reap(d, WNOHANG) && probe_now_ms() < end)
        sleep_ms(5);
    if (d->pid != 0) {
        killed = 1;
        kill(-d->pid, SIGTERM);
        for (int i = 0; i < 40 && d->pid != 0 && !reap(d, WNOHANG); i++)
            sleep_ms(5);
        if (d->pid != 0) {
            kill(-d->pid, SIGKILL);
            reap(d, 0);
        }
    }
    /* Whatever the command left running in its group (a background job, a client it started) goes too, so that
     * nothing of this check can connect during the next one. */
    if (d->pgid > 0)
        kill(-d->pgid, SIGKILL);
    d->pgid = 0;
    running_group = 0;
    /* And whatever left the group (setsid, nohup into a new session): alpncheck is its subreaper. */
    kill_descendants();
    /* A client that connected more than once must not hand its spare connection to the next check. */
    if (d->listener != NULL)
        client_listener_drain(d->listener);
    if (d->log_fd >= 0) {
        char tail[64];
        snprintf(tail, sizeof tail, killed ? "killed after the check" : "exit %d", d->status);
        log_line(d, tail, "");
    }
    return killed ? -1 : d->status;
}

/* The signals on_fatal_signal handles, and that are held while a file it would not remove exists. */
static void fatal_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

/* Writes the CA certificate (public) with mode 0644. A file of ours (temporary) is written in place; a --ca-out path
 * is replaced atomically: the PEM goes to a new file beside it, which is renamed over the path, so that a symlink
 * there is replaced, never followed, and a reader never sees half a certificate. The fatal signals are held from the
 * new file's creation until it is renamed or removed: on_fatal_signal knows nothing of it, and an interrupt in
 * between would leave it beside the path. */
static int write_ca(const char *path, int ours, const char *pem, char *err, size_t err_cap)
{
    char tmp[600];
    int fd;
    sigset_t fatal, old;
    fatal_signals(&fatal);
    if (ours) {
        fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
    } else {
        snprintf(tmp, sizeof tmp, "%.580s.XXXXXX", path);
        sigprocmask(SIG_BLOCK, &fatal, &old);
        fd = mkstemp(tmp);
    }
    size_t len = strlen(pem);
    int ok = fd >= 0 && fchmod(fd, 0644) == 0 && write(fd, pem, len) == (ssize_t)len;
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && !ours && rename(tmp, path) != 0) {
        ok = 0;
        saved = errno;
    }
    if (!ok && fd >= 0 && !ours)
        unlink(tmp);
    if (!ours)
        sigprocmask(SIG_SETMASK, &old, NULL);
    if (!ok) {
        snprintf(err, err_cap, "cannot write %.300s: %s", path, strerror(saved));
        return -1;
    }
    return 0;
}

/* A temporary file named after what it holds, in $TMPDIR or /tmp. 0, or -1 with errno. */
static int temp_file(char *path, size_t cap, const char *what)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, cap, "%s/alpncheck-%s-XXXXXX", tmp && *tmp && strlen(tmp) < 400 ? tmp : "/tmp", what);
    int fd = mkstemp(path);
    if (fd < 0) {
        path[0] = '\0';
        return -1;
    }
    close(fd);
    return 0;
}

int client_harness_open(client_harness *h, const client_harness_config *c, char *err, size_t err_cap)
{
    memset(h, 0, sizeof *h);
    exec_driver *d = &h->d;
    d->log_fd = -1;
    d->status = -1;
    d->cmd = c->cmd;
    d->cmd_no_alpn = c->cmd_no_alpn;
    d->cmd_0rtt = c->cmd_0rtt;
    d->offer = c->offer;
    d->timeout_ms = c->timeout_ms;
    snprintf(d->host, sizeof d->host, "%s", c->host);
    h->l.fd = -1;
    h->id = wire_identity_create(err, err_cap);
    if (h->id == NULL) {
        char why[256];
        snprintf(why, sizeof why, "%s", err);
        snprintf(err, err_cap, "cannot create the certificate: %s", why);
        return -1;
    }
    err[0] = '\0';
    /* alpncheck becomes the subreaper of everything the command starts, so that a descendant that leaves the
     * command's process group still ends with the check (kill_descendants). */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    /* The signal handlers are in place, and the signals held, before a temporary file exists: an interrupt at any
     * point removes what was created. */
    sigset_t fatal, old;
    fatal_signals(&fatal);
    sigprocmask(SIG_BLOCK, &fatal, &old);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* Signals of a dying client must not end alpncheck. */
    signal(SIGPIPE, SIG_IGN);
    if (c->ca_out != NULL) {
        /* A path cut short would put the CA somewhere else than the user asked, under another name. */
        if (strlen(c->ca_out) >= sizeof d->ca)
            snprintf(err, err_cap, "--ca-out: the path is longer than %zu bytes", sizeof d->ca - 1);
        else
            snprintf(d->ca, sizeof d->ca, "%s", c->ca_out);
    } else if (temp_file(d->ca, sizeof d->ca, "ca") != 0) {
        snprintf(err, err_cap, "cannot create a temporary CA file: %s", strerror(errno));
    } else {
        h->tmp_ca = 1;
        snprintf(cleanup_ca, sizeof cleanup_ca, "%s", d->ca);
    }
    if (err[0] == '\0' && d->cmd_0rtt != NULL && temp_file(d->session, sizeof d->session, "session") != 0)
        snprintf(err, err_cap, "cannot create a temporary session file: %s", strerror(errno));
    snprintf(cleanup_session, sizeof cleanup_session, "%s", d->session);
    int made = err[0] == '\0';
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (!made)
        goto fail;
    if (write_ca(d->ca, h->tmp_ca, wire_identity_ca_pem(h->id), err, err_cap) != 0)
        goto fail;
    if (c->log_path != NULL) {
        d->log_fd = open(c->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (d->log_fd < 0) {
            snprintf(err, err_cap, "cannot open %.300s: %s", c->log_path, strerror(errno));
            goto fail;
        }
    }
    h->l.quic = c->quic;
    if (client_listener_open(&h->l, d->host, c->port, err, err_cap) != 0)
        goto fail;
    h->l.timeout_ms = d->timeout_ms;
    probe_run_limit_start(&h->l.run, c->deadline_s);
    h->l.id = h->id;
    h->l.gone = exec_gone;
    h->l.gone_ctx = d;
    d->listener = &h->l;
    snprintf(d->port, sizeof d->port, "%d", h->l.port);
    return 0;
fail:
    client_harness_close(h);
    return -1;
}

void client_harness_close(client_harness *h)
{
    exec_driver *d = &h->d;
    client_listener_close(&h->l);
    if (h->tmp_ca && d->ca[0] != '\0')
        unlink(d->ca);
    if (d->session[0] != '\0')
        unlink(d->session);
    d->session[0] = '\0';
    if (d->log_fd >= 0)
        close(d->log_fd);
    d->log_fd = -1;
    wire_identity_free(h->id);
    h->id = NULL;
    cleanup_ca[0] = cleanup_session[0] = '\0';
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
}

client_driver client_harness_driver(client_harness *h)
{
    return (client_driver){.start = exec_start, .finish = exec_finish, .ctx = &h->d};
}
