/* The run and report plumbing shared by `alpncheck server`, `client` and `proxy`. */
#include "cli_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"
#include "cli_util.h"
#include "server_probe.h" /* probe_now_ms */

int cli_parse_tls(const char *arg, const char *tls[2])
{
    tls[0] = tls[1] = NULL;
    if (strcmp(arg, "1.3") == 0 || strcmp(arg, "1.2") == 0) {
        tls[0] = strcmp(arg, "1.3") == 0 ? "1.3" : "1.2";
    } else if (strcmp(arg, "1.2,1.3") == 0 || strcmp(arg, "1.3,1.2") == 0) {
        tls[0] = "1.3";
        tls[1] = "1.2";
    } else {
        return -1;
    }
    return 0;
}

/* The codes of the options every run takes (beside -q and -v). */
enum {
    CLI_O_TLS = 900,
    CLI_O_ONLY,
    CLI_O_SKIP,
    CLI_O_KNOWN,
    CLI_O_TIMEOUT,
    CLI_O_JSON,
    CLI_O_JUNIT,
    CLI_O_HTML,
    CLI_O_MD,
    CLI_O_NAME,
    CLI_O_DEADLINE
};

/* Takes getopt's c and arg, which must be one of the shared options. 0, or EXIT_USAGE for an invalid value or another
 * option (the usage error is printed, prefixed with "alpncheck CMD"). */
static int run_option(const char *cmd, int c, const char *arg, cli_run_args *a)
{
    /* The options that keep their argument as it is, by their code. */
    const char **kept[] = {
        [CLI_O_TLS - CLI_O_TLS] = &a->tls_arg,
        [CLI_O_ONLY - CLI_O_TLS] = &a->only,
        [CLI_O_SKIP - CLI_O_TLS] = &a->skip,
        [CLI_O_KNOWN - CLI_O_TLS] = &a->known_path,
        [CLI_O_JSON - CLI_O_TLS] = &a->out.path[CLI_OUT_JSON],
        [CLI_O_JUNIT - CLI_O_TLS] = &a->out.path[CLI_OUT_JUNIT],
        [CLI_O_HTML - CLI_O_TLS] = &a->out.path[CLI_OUT_HTML],
        [CLI_O_MD - CLI_O_TLS] = &a->out.path[CLI_OUT_MD],
    };
    if (c >= CLI_O_TLS && (size_t)(c - CLI_O_TLS) < sizeof kept / sizeof kept[0] && kept[c - CLI_O_TLS] != NULL) {
        *kept[c - CLI_O_TLS] = arg;
        return 0;
    }
    switch (c) {
    case CLI_O_TIMEOUT: {
        char *end;
        long ms = strtol(arg, &end, 10);
        if (*end != '\0' || ms < 10 || ms > 600000)
            return cli_usage_error(cmd, "--timeout takes milliseconds from 10 to 600000, not '%s'", arg);
        a->timeout_ms = (int)ms;
        return 0;
    }
    case CLI_O_DEADLINE: {
        char *end;
        long s = strtol(arg, &end, 10);
        if (*end != '\0' || end == arg || s < 0 || s > 86400)
            return cli_usage_error(cmd, "--deadline takes seconds from 1 to 86400, or 0 for none, not '%s'", arg);
        a->deadline_s = (int)s;
        return 0;
    }
    case CLI_O_NAME: {
        /* The JUnit suite name: not blank (JUnit consumers need one), and kept whole in report.name. */
        size_t len = strlen(arg);
        if (arg[strspn(arg, " \t\r\n")] == '\0' || len >= sizeof((report *)0)->name)
            return cli_usage_error(cmd, "--name takes a non-blank name of at most %zu bytes",
                                   sizeof((report *)0)->name - 1);
        a->name = arg;
        return 0;
    }
    case 'q':
        a->quiet = 1;
        return 0;
    case 'v':
        a->verbose = 1;
        return 0;
    default:
        return cli_usage_error(cmd, "unknown option");
    }
}

/* The getopt_long entries of the options every run takes. */
static const struct option run_longopts[] = {
    {"tls", required_argument, NULL, CLI_O_TLS},
    {"only", required_argument, NULL, CLI_O_ONLY},
    {"skip", required_argument, NULL, CLI_O_SKIP},
    {"known-failures", required_argument, NULL, CLI_O_KNOWN},
    {"timeout", required_argument, NULL, CLI_O_TIMEOUT},
    {"deadline", required_argument, NULL, CLI_O_DEADLINE},
    {"json", required_argument, NULL, CLI_O_JSON},
    {"junit", required_argument, NULL, CLI_O_JUNIT},
    {"html", required_argument, NULL, CLI_O_HTML},
    {"md", required_argument, NULL, CLI_O_MD},
    {"name", required_argument, NULL, CLI_O_NAME},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {NULL, 0, NULL, 0},
};

static int take_run_option(void *ctx, int c, const char *arg)
{
    cli_run *r = ctx;
    return run_option(r->cmd, c, arg, &r->a);
}

int cli_run_parse(cli_run *r, const char *cmd, int argc, char **argv, const cli_option *opts, void (*help)(void))
{
    r->cmd = cmd;
    r->a = (cli_run_args){.deadline_s = -1};
    const cli_more_options more = {run_longopts, take_run_option, r};
    return cli_parse_options_more(cmd, argc, argv, opts, help, &more);
}

int cli_run_on_heap(size_t own_size, int (*run)(cli_run *r, void *own, int argc, char **argv), int argc, char **argv)
{
    cli_run *r = calloc(1, sizeof *r);
    void *own = calloc(1, own_size);
    int rc = EXIT_USAGE;
    if (r == NULL || own == NULL)
        fprintf(stderr, "alpncheck: out of memory\n");
    else
        rc = run(r, own, argc, argv);
    free(own);
    free(r);
    return rc;
}

int cli_run_setup(cli_run *r, int (*validate)(const char *list, char *err, size_t err_cap), unsigned transport)
{
    const char *tls = r->a.tls_arg != NULL ? r->a.tls_arg : "1.3,1.2";
    char err[256];
    if (transport == CHECK_TRANSPORT_QUIC) {
        /* RFC 9001 §4.2: QUIC carries TLS 1.3 and nothing older. */
        if (r->a.tls_arg != NULL && strcmp(r->a.tls_arg, "1.3") != 0)
            return cli_usage_error(r->cmd, "--quic: QUIC carries TLS 1.3 only (RFC 9001 §4.2), not --tls %s",
                                   r->a.tls_arg);
        tls = "1.3";
    }
    r->ro.transport = transport;
    r->ro.only = r->a.only;
    r->ro.skip = r->a.skip;
    if (cli_parse_tls(tls, r->ro.tls) != 0)
        return cli_usage_error(r->cmd, "--tls takes 1.2, 1.3 or 1.2,1.3, not '%s'", tls);
    if (validate(r->ro.only, err, sizeof err) != 0 || validate(r->ro.skip, err, sizeof err) != 0)
        return cli_usage_error(r->cmd, "%s", err);
    if (r->a.known_path != NULL) {
        if (cli_known_load(r->cmd, r->a.known_path, &r->known, validate) != 0)
            return EXIT_USAGE;
        r->ro.known = &r->known;
    }
    return 0;
}

void cli_run_report(cli_run *r, const char *target, const char *default_name)
{
    report_init(&r->rep, ALPN_VERSION, target);
    const char *name = r->a.name != NULL ? r->a.name : default_name;
    if (name != NULL)
        snprintf(r->rep.name, sizeof r->rep.name, "%s", name);
}

void cli_run_start(cli_run *r, int progress)
{
    if (progress && isatty(STDERR_FILENO) && !r->a.quiet)
        r->ro.progress = cli_progress;
    r->started = probe_now_ms();
}

void cli_progress(void *ctx, size_t done, size_t total, const result *last)
{
    (void)ctx;
    fprintf(stderr, "\r  [%3zu/%3zu] %-5s %-34s %s%s   ", done, total, verdict_name(last->v), last->id,
            last->tls[0] ? "TLS " : "", last->tls);
    if (done == total)
        fprintf(stderr, "\r%70s\r", "");
}

int cli_known_load(const char *cmd, const char *path, known_failures *k,
                   int (*validate)(const char *list, char *err, size_t err_cap))
{
    char err[512];
    if (known_failures_load(k, path, err, sizeof err) != 0) {
        cli_usage_error(cmd, "--known-failures: %s", err);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < k->n; i++) {
        char id[sizeof k->entries[i]];
        snprintf(id, sizeof id, "%.*s", (int)strcspn(k->entries[i], "@"), k->entries[i]);
        if (validate(id, err, sizeof err) != 0) {
            cli_usage_error(cmd, "--known-failures %s: %s ('alpncheck checks' lists them)", path, err);
            return EXIT_USAGE;
        }
    }
    return 0;
}

static const char *const out_option[CLI_OUT_COUNT] = {"--json", "--junit", "--html", "--md"};
static int (*const out_writer[CLI_OUT_COUNT])(const report *, FILE *) = {report_write_json, report_write_junit,
                                                                         report_write_html, report_write_markdown};

int cli_outputs_stdout_taken(const cli_outputs *out)
{
    for (int i = 0; i < CLI_OUT_COUNT; i++)
        if (out->path[i] != NULL && strcmp(out->path[i], "-") == 0)
            return 1;
    return 0;
}

int cli_outputs_open(const char *cmd, cli_outputs *out)
{
    const char *dash = NULL;
    for (int i = 0; i < CLI_OUT_COUNT; i++) {
        if (out->path[i] == NULL || strcmp(out->path[i], "-") != 0)
            continue;
        if (dash != NULL) {
            cli_usage_error(cmd, "%s - and %s - cannot both write to standard output", dash, out_option[i]);
            return EXIT_USAGE;
        }
        dash = out_option[i];
    }
    for (int i = 0; i < CLI_OUT_COUNT; i++) {
        out->f[i] = NULL;
        out->created[i] = 0;
        if (out->path[i] == NULL)
            continue;
        if (strcmp(out->path[i], "-") == 0) {
            out->f[i] = stdout;
            continue;
        }
        if ((out->f[i] = cli_output_open(out->path[i], &out->created[i])) == NULL) {
            fprintf(stderr, "alpncheck %s: %s: cannot write %s: %s\n", cmd, out_option[i], out->path[i],
                    strerror(errno));
            cli_outputs_abandon(out);
            return EXIT_USAGE;
        }
    }
    return 0;
}

void cli_outputs_abandon(cli_outputs *out)
{
    for (int i = 0; i < CLI_OUT_COUNT; i++) {
        if (out->f[i] != NULL && out->f[i] != stdout) {
            fclose(out->f[i]);
            if (out->created[i])
                unlink(out->path[i]);
        }
        out->f[i] = NULL;
    }
}

int cli_run_finish(cli_run *r)
{
    const report *rep = &r->rep;
    cli_outputs *out = &r->a.out;
    r->rep.total_ms = probe_now_ms() - r->started;
    int rc = report_exit_code(rep);
    FILE *human = cli_outputs_stdout_taken(out) ? stderr : stdout;
    terminal_style style = {.quiet = r->a.quiet, .verbose = r->a.verbose, .color = isatty(fileno(human))};
    report_write_terminal(rep, human, &style);
    for (int i = 0; i < CLI_OUT_COUNT; i++) {
        if (out->f[i] == NULL)
            continue;
        int bad = (out->f[i] != stdout && cli_output_rewrite(out->f[i]) != 0) || out_writer[i](rep, out->f[i]) != 0;
        bad |= out->f[i] == stdout ? fflush(stdout) != 0 : fclose(out->f[i]) != 0;
        out->f[i] = NULL;
        if (bad) {
            fprintf(stderr, "alpncheck %s: %s: cannot write %s: %s\n", r->cmd, out_option[i], out->path[i],
                    strerror(errno));
            rc = EXIT_USAGE;
        }
    }
    return rc;
}
