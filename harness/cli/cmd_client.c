/* alpncheck client: alpncheck listens as a (mis)behaving TLS server and runs every CLI-* check against a client. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_report.h"
#include "cli_util.h"
#include "client_checks.h"
#include "client_peer.h"
#include "commands.h"
#include "report.h"
#include "server_probe.h"

#define CMD_MAX       32768
#define DEFAULT_OFFER "h2,http/1.1"

static void help(void)
{
    printf(
        "Usage: alpncheck client [OPTIONS]\n\n"
        "Checks a TLS client's ALPN handling (RFC 7301, RFC 8701, RFC 8446 §4.2): alpncheck listens as a TLS 1.3\n"
        "and TLS 1.2 server and answers each connection with one scenario — a protocol the client never\n"
        "offered, two names, an empty name or list, an unsolicited answer, ALPN in the TLS 1.3 ServerHello, a\n"
        "selected GREASE value, NPN beside ALPN — then judges the client's reaction (its alert, or its next\n"
        "handshake message). The client's own ClientHello is checked too. One connection per check and version.\n\n"
        "  --listen HOST:PORT     where to listen (default 127.0.0.1:0; port 0 picks a free one)\n"
        "  --exec CMD             run CMD (with sh -c) once per check, killing it after the check; in CMD,\n"
        "                         {host} {port} {ca} {alpn} become the listening address, the CA file, and the\n"
        "                         list to offer (see --offer); each is shell-quoted. Any other {word} is refused\n"
        "                         as a misspelt placeholder (write { word } for the shell's own braces)\n"
        "  --exec-no-alpn CMD     the command for CLI-REJECT-UNSOLICITED, which needs a client offering no ALPN\n"
        "                         (default: --exec with {alpn} empty when CMD contains {alpn}; else SKIP)\n"
        "  --exec-0rtt CMD        the command for CLI-0RTT-ALPN (TLS 1.3), run once: it must connect twice, first\n"
        "                         saving the session to {session} (a temporary file alpncheck names), then\n"
        "                         resuming from it with early data; without it the check is SKIP\n"
        "  --offer LIST           what {alpn} stands for (default " DEFAULT_OFFER ")\n"
        "  --ca-out FILE          write the CA certificate (PEM) that signs alpncheck's localhost certificate;\n"
        "                         without it {ca} is a temporary file removed at the end\n"
        "  --client-log FILE      append the output of every client run to FILE (default: discarded)\n"
        "  --tls VERSIONS         1.3, 1.2 or 1.2,1.3 (default: both)\n"
        "  --only IDS             run only these check IDs (comma-separated)\n"
        "  --skip IDS             leave these check IDs out\n"
        "  --known-failures FILE  check IDs (optionally ID@1.3) expected to fail: FAIL becomes XFAIL, a pass XPASS;\n"
        "                         an ID that is not a client check is refused\n"
        "  --timeout MS           deadline of each check: the client's connection, then every read (default\n"
        "                         5000 with --exec, 60000 without)\n"
        "  --json FILE            JSON report (schema: reports/schema/report-1.schema.json)\n"
        "  --junit FILE           JUnit XML report\n"
        "  --html FILE            self-contained HTML report\n"
        "  --md FILE              Markdown report\n"
        "  --name NAME            the run's name in the reports: the JUnit suite name, the report's title\n"
        "                         (default: the --listen address when it names a port, else \"client\"; never\n"
        "                         the command)\n"
        "                         (report files are opened before the run; one of them may be '-', standard\n"
        "                         output, and the terminal report then goes to standard error)\n"
        "  -q, --quiet            print only what needs attention (FAIL, WARN, ERROR, XPASS) and the recap\n"
        "  -v, --verbose          print expected and observed for every check\n\n"
        "Without --exec, alpncheck prints what to connect where and waits for one connection per check.\n\n"
        "Example:\n"
        "  alpncheck client --exec 'openssl s_client -connect {host}:{port} -CAfile {ca} -alpn {alpn} </dev/null' \\\n"
        "    --exec-no-alpn 'openssl s_client -connect {host}:{port} -CAfile {ca} </dev/null'\n"
        "  ({alpn} empty, as it is for CLI-REJECT-UNSOLICITED without --exec-no-alpn, suits a wrapper script that\n"
        "  takes an empty list as \"no ALPN\", like harness/peers/client.sh; openssl refuses -alpn '')\n"
        "  for CLI-0RTT-ALPN, add (early.txt holds the request to send as early data):\n"
        "    --exec-0rtt 'sleep 1 | openssl s_client -connect {host}:{port} -CAfile {ca} -alpn {alpn} \\\n"
        "                   -sess_out {session};\n"
        "                 sleep 1 | openssl s_client -connect {host}:{port} -CAfile {ca} -alpn {alpn} \\\n"
        "                   -sess_in {session} -early_data early.txt'\n\n"
        "Exit status: 0 checks ran and none FAILed, XPASSed or was ERROR (WARN and XFAIL allowed); 1 a check\n"
        "failed or a known failure passed; 2 usage error, alpncheck could not listen, a check that could not be\n"
        "judged (ERROR: e.g. the client never connected), or nothing tested (every check SKIP).\n");
}

/* ---- the client under test: an --exec command, or a person told what to run ---------------------------------- */

/* What a SIGINT, SIGTERM or SIGHUP must clean up: the running command's process group and the temporary files. */
static volatile pid_t running_group;
static char cleanup_ca[512], cleanup_session[512];

static void on_fatal_signal(int sig)
{
    /* Only async-signal-safe calls: kill, unlink, signal, raise. */
    if (running_group > 0)
        kill(-running_group, SIGKILL);
    if (cleanup_ca[0] != '\0')
        unlink(cleanup_ca);
    if (cleanup_session[0] != '\0')
        unlink(cleanup_session);
    signal(sig, SIG_DFL);
    raise(sig);
}

typedef struct {
    const char *cmd, *cmd_no_alpn; /* templates; NULL: manual */
    const char *cmd_0rtt;          /* the template for CLI-0RTT-ALPN; NULL: that check is SKIP with --exec */
    const char *offer;
    char host[64], port[8], ca[512];
    char session[512]; /* {session}: a temporary file for the client's saved session, "" when none */
    int log_fd;        /* -1: output discarded */
    int timeout_ms;
    pid_t pid;  /* the running command (the shell), 0 once reaped */
    pid_t pgid; /* its process group, 0 when none is running */
    int status; /* its exit status once reaped, -1 before */
    size_t done, total;
    client_listener *listener;
} exec_driver;

/* Appends s to out as one shell word in single quotes. */
static void put_quoted(char *out, size_t cap, size_t *o, const char *s)
{
    const char *q = "'";
    for (const char *p = q; *p && *o + 1 < cap; p++)
        out[(*o)++] = *p;
    for (; *s && *o + 5 < cap; s++) {
        if (*s == '\'') {
            memcpy(out + *o, "'\\''", 4);
            *o += 4;
        } else {
            out[(*o)++] = *s;
        }
    }
    if (*o + 1 < cap)
        out[(*o)++] = '\'';
    out[*o] = '\0';
}

static const char *const placeholders[] = {"{host}", "{port}", "{ca}", "{alpn}", "{session}"};
#define N_PLACEHOLDERS (sizeof placeholders / sizeof placeholders[0])

/* A template may use only the placeholders above: a misspelt one ({hots}) would reach the shell as literal text and
 * make every check ERROR. A word of lower-case letters, digits, '-' or '_' alone between braces is taken for a
 * placeholder, so an unknown one is refused; other braces ("${HOME}", "{a,b}", awk's "{ print }") are the shell's.
 * 0, or -1 with the unknown one and the way out in err. */
static int check_placeholders(const char *option, const char *tmpl, char *err, size_t err_cap)
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
    return 0;
}

/* The command for one check: placeholders replaced. 0, or -1 when it does not fit. */
static int expand(const exec_driver *d, const char *tmpl, const char *alpn, char *out, size_t cap)
{
    const char *const *keys = placeholders;
    const char *vals[N_PLACEHOLDERS] = {d->host, d->port, d->ca, alpn, d->session};
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = tmpl; *p;) {
        int hit = 0;
        for (size_t k = 0; k < N_PLACEHOLDERS && !hit; k++) {
            size_t kl = strlen(keys[k]);
            if (strncmp(p, keys[k], kl) == 0) {
                put_quoted(out, cap, &o, vals[k]);
                p += kl;
                hit = 1;
            }
        }
        if (!hit) {
            if (o + 1 >= cap)
                return -1;
            out[o++] = *p++;
            out[o] = '\0';
        }
        if (o + 6 >= cap)
            return -1;
    }
    return 0;
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

static int exec_start(void *ctx, const client_scenario *s, char *err, size_t err_cap)
{
    exec_driver *d = ctx;
    d->done++;
    d->status = -1;
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
        /* A fresh, empty session file: nothing left from an earlier run. */
        int fd = open(d->session, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd >= 0)
            close(fd);
    }
    if (s->no_alpn_offer) {
        /* CLI-REJECT-UNSOLICITED needs a client that offers nothing: the dedicated command, else {alpn} empty. */
        if (d->cmd_no_alpn != NULL)
            tmpl = d->cmd_no_alpn;
        else if (strstr(d->cmd, "{alpn}") != NULL)
            alpn = "";
    }
    static char cmd[CMD_MAX];
    if (expand(d, tmpl, alpn, cmd, sizeof cmd) != 0) {
        snprintf(err, err_cap, "the command is longer than %d bytes after expansion", CMD_MAX);
        return -1;
    }
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
    double end = probe_now_ms() + (d->timeout_ms < 3000 ? d->timeout_ms : 3000);
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

/* ---- the command ------------------------------------------------------------------------------------------- */

static int split_listen(const char *arg, char *host, size_t host_cap, int *port)
{
    const char *colon = strrchr(arg, ':');
    if (colon == NULL || colon == arg || colon[1] == '\0')
        return -1;
    size_t hl = (size_t)(colon - arg);
    const char *h = arg;
    if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end != '\0' || p < 0 || p > 65535)
        return -2;
    if (hl >= host_cap)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (int)p;
    return 0;
}

static int write_ca(const char *path, const char *pem, char *err, size_t err_cap)
{
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(pem, f) < 0 || fclose(f) != 0) {
        snprintf(err, err_cap, "cannot write %.300s: %s", path, strerror(errno));
        if (f != NULL)
            fclose(f);
        return -1;
    }
    return 0;
}

int cmd_client(int argc, char **argv)
{
    enum { O_LISTEN = 1000, O_EXEC, O_EXEC_NO_ALPN, O_EXEC_0RTT, O_OFFER, O_CA_OUT, O_LOG };
    static const struct option opts[] = {{"listen", required_argument, NULL, O_LISTEN},
                                         {"exec", required_argument, NULL, O_EXEC},
                                         {"exec-no-alpn", required_argument, NULL, O_EXEC_NO_ALPN},
                                         {"exec-0rtt", required_argument, NULL, O_EXEC_0RTT},
                                         {"offer", required_argument, NULL, O_OFFER},
                                         {"ca-out", required_argument, NULL, O_CA_OUT},
                                         {"client-log", required_argument, NULL, O_LOG},
                                         CLI_RUN_OPTIONS,
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static known_failures known;
    static report rep;
    static exec_driver d;
    memset(&d, 0, sizeof d);
    d.log_fd = -1;
    d.status = -1;
    d.offer = DEFAULT_OFFER;
    const char *listen_arg = "127.0.0.1:0", *ca_out = NULL, *log_path = NULL;
    int listen_given = 0;
    cli_run_args a = {.tls_arg = "1.3,1.2"};
    run_options ro = {.tls = {NULL, NULL}};
    int c;
    char err[512];
    optind = 0;
    while ((c = cli_getopt("client", argc, argv, "qvh", opts)) != -1) {
        switch (c) {
        case CLI_OPT_BAD:
            return EXIT_USAGE;
        case O_LISTEN:
            listen_arg = optarg;
            listen_given = 1;
            break;
        case O_EXEC:
            d.cmd = optarg;
            break;
        case O_EXEC_NO_ALPN:
            d.cmd_no_alpn = optarg;
            break;
        case O_EXEC_0RTT:
            d.cmd_0rtt = optarg;
            break;
        case O_OFFER:
            d.offer = optarg;
            break;
        case O_CA_OUT:
            ca_out = optarg;
            break;
        case O_LOG:
            log_path = optarg;
            break;
        case 'h':
            help();
            return EXIT_VALID;
        default: {
            int taken = cli_run_option("client", c, optarg, &a);
            if (taken < 0)
                return EXIT_USAGE;
            if (taken == 0)
                return cli_usage_error("client", "unknown option");
            break;
        }
        }
    }
    if (optind != argc)
        return cli_usage_error("client", "unexpected argument '%s' (the client command goes in --exec)", argv[optind]);
    if (d.cmd_no_alpn != NULL && d.cmd == NULL)
        return cli_usage_error("client", "--exec-no-alpn needs --exec");
    if (d.cmd_0rtt != NULL && d.cmd == NULL)
        return cli_usage_error("client", "--exec-0rtt needs --exec");
    if (strlen(d.offer) > 8000)
        return cli_usage_error("client", "--offer is longer than 8000 bytes");
    const char *const tmpl_opt[] = {"--exec", "--exec-no-alpn", "--exec-0rtt"};
    const char *const tmpl[] = {d.cmd, d.cmd_no_alpn, d.cmd_0rtt};
    for (size_t i = 0; i < 3; i++)
        if (tmpl[i] != NULL && check_placeholders(tmpl_opt[i], tmpl[i], err, sizeof err) != 0)
            return cli_usage_error("client", "%s", err);
    int port, bad_listen = split_listen(listen_arg, d.host, sizeof d.host, &port);
    if (bad_listen == -2)
        return cli_usage_error("client", "--listen '%s': the port must be a number from 0 (any free port) to 65535",
                               listen_arg);
    if (bad_listen != 0)
        return cli_usage_error("client",
                               "--listen takes HOST:PORT (IPv6 as [ADDR]:PORT, port 0 for a free one), "
                               "not '%s'",
                               listen_arg);
    ro.only = a.only;
    ro.skip = a.skip;
    if (cli_parse_tls(a.tls_arg, ro.tls) != 0)
        return cli_usage_error("client", "--tls takes 1.2, 1.3 or 1.2,1.3, not '%s'", a.tls_arg);
    if (validate_client_id_list(ro.only, err, sizeof err) != 0 ||
        validate_client_id_list(ro.skip, err, sizeof err) != 0)
        return cli_usage_error("client", "%s", err);
    if (a.known_path != NULL) {
        if (cli_known_load("client", a.known_path, &known, validate_client_id_list) != 0)
            return EXIT_USAGE;
        ro.known = &known;
    }
    if (cli_outputs_open("client", &a.out) != 0)
        return EXIT_USAGE;
    d.timeout_ms = a.timeout_ms ? a.timeout_ms : d.cmd ? 5000 : 60000;

    wire_identity *id = wire_identity_create(err, sizeof err);
    if (id == NULL) {
        fprintf(stderr, "alpncheck client: cannot create the certificate: %s\n", err);
        cli_outputs_abandon(&a.out);
        return EXIT_USAGE;
    }
    int tmp_ca = 0, rc = EXIT_USAGE;
    static client_listener l;
    memset(&l, 0, sizeof l);
    l.fd = -1;
    if (ca_out != NULL) {
        snprintf(d.ca, sizeof d.ca, "%s", ca_out);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(d.ca, sizeof d.ca, "%s/alpncheck-ca-XXXXXX", tmp && *tmp && strlen(tmp) < 400 ? tmp : "/tmp");
        int fd = mkstemp(d.ca);
        if (fd < 0) {
            fprintf(stderr, "alpncheck client: cannot create a temporary CA file: %s\n", strerror(errno));
            goto out;
        }
        close(fd);
        tmp_ca = 1;
    }
    if (d.cmd_0rtt != NULL) {
        const char *tmp = getenv("TMPDIR");
        snprintf(d.session, sizeof d.session, "%s/alpncheck-session-XXXXXX",
                 tmp && *tmp && strlen(tmp) < 400 ? tmp : "/tmp");
        int fd = mkstemp(d.session);
        if (fd < 0) {
            fprintf(stderr, "alpncheck client: cannot create a temporary session file: %s\n", strerror(errno));
            d.session[0] = '\0';
            goto out;
        }
        close(fd);
    }
    if (tmp_ca)
        snprintf(cleanup_ca, sizeof cleanup_ca, "%s", d.ca);
    snprintf(cleanup_session, sizeof cleanup_session, "%s", d.session);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (write_ca(d.ca, wire_identity_ca_pem(id), err, sizeof err) != 0) {
        fprintf(stderr, "alpncheck client: %s\n", err);
        goto out;
    }
    if (log_path != NULL) {
        d.log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (d.log_fd < 0) {
            fprintf(stderr, "alpncheck client: cannot open %s: %s\n", log_path, strerror(errno));
            goto out;
        }
    }
    if (client_listener_open(&l, d.host, port, err, sizeof err) != 0) {
        fprintf(stderr, "alpncheck client: %s\n", err);
        goto out;
    }
    l.timeout_ms = d.timeout_ms;
    l.id = id;
    l.gone = exec_gone;
    l.gone_ctx = &d;
    d.listener = &l;
    snprintf(d.port, sizeof d.port, "%d", l.port);

    d.total = client_checks_selected(&ro) * (ro.tls[1] ? 2 : 1);
    char target[sizeof rep.target];
    if (d.cmd)
        snprintf(target, sizeof target, "%.240s", d.cmd);
    else
        snprintf(target, sizeof target, "clients connecting to %s:%s", d.host, d.port);
    report_init(&rep, ALPN_VERSION, target);
    /* A stable name: a fixed listening address names the run, a free port (different every run) does not. */
    if (a.name != NULL)
        snprintf(rep.name, sizeof rep.name, "%s", a.name);
    else if (listen_given && port != 0)
        snprintf(rep.name, sizeof rep.name, "%s", listen_arg);
    else
        snprintf(rep.name, sizeof rep.name, "client");
    snprintf(rep.profile, sizeof rep.profile, "alpncheck listened on %s:%s as a TLS server for localhost; {alpn} = %s",
             d.host, d.port, d.offer);
    if (d.cmd == NULL)
        fprintf(stderr,
                "alpncheck client: listening on %s:%s; the CA is in %s. Connect a client that trusts it %zu time%s, "
                "once per line below (each waits %d ms).\n",
                d.host, d.port, d.ca, d.total, d.total == 1 ? "" : "s", d.timeout_ms);
    double started = probe_now_ms();
    if (isatty(STDERR_FILENO) && !a.quiet && d.cmd != NULL)
        ro.progress = cli_progress;
    client_driver drv = {.start = exec_start, .finish = exec_finish, .ctx = &d};
    /* Signals of a dying client must not end alpncheck. */
    signal(SIGPIPE, SIG_IGN);
    run_client_checks(client_serve, &l, &drv, &ro, &rep);
    rep.total_ms = probe_now_ms() - started;

    rc = cli_report_finish("client", &rep, a.quiet, a.verbose, &a.out);
out:
    cli_outputs_abandon(&a.out); /* after cli_report_finish, nothing is left open: a no-op */
    client_listener_close(&l);
    if (tmp_ca)
        unlink(d.ca);
    if (d.session[0] != '\0')
        unlink(d.session);
    if (d.log_fd >= 0)
        close(d.log_fd);
    wire_identity_free(id);
    cleanup_ca[0] = cleanup_session[0] = '\0';
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    return rc;
}
