/* The run and report plumbing shared by `alpncheck server` and `alpncheck client`. */
#include "cli_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"

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

struct run_take {
    const char *cmd;
    cli_run_args *a;
};

static int take_run_option(void *ctx, int c, const char *arg)
{
    const struct run_take *t = ctx;
    return run_option(t->cmd, c, arg, t->a);
}

int cli_parse_run_options(const char *cmd, int argc, char **argv, const cli_option *opts, void (*help)(void),
                          cli_run_args *a)
{
    struct run_take t = {cmd, a};
    const cli_more_options more = {run_longopts, take_run_option, &t};
    return cli_parse_options_more(cmd, argc, argv, opts, help, &more);
}

int cli_run_on_heap(size_t size, int (*run)(void *state, int argc, char **argv), int argc, char **argv)
{
    void *state = calloc(1, size);
    if (state == NULL) {
        fprintf(stderr, "alpncheck: out of memory\n");
        return EXIT_USAGE;
    }
    int rc = run(state, argc, argv);
    free(state);
    return rc;
}

int cli_run_setup(const char *cmd, const cli_run_args *a, int (*validate)(const char *list, char *err, size_t err_cap),
                  known_failures *known, run_options *ro)
{
    char err[256];
    ro->only = a->only;
    ro->skip = a->skip;
    if (cli_parse_tls(a->tls_arg, ro->tls) != 0)
        return cli_usage_error(cmd, "--tls takes 1.2, 1.3 or 1.2,1.3, not '%s'", a->tls_arg);
    if (validate(ro->only, err, sizeof err) != 0 || validate(ro->skip, err, sizeof err) != 0)
        return cli_usage_error(cmd, "%s", err);
    if (a->known_path != NULL) {
        if (cli_known_load(cmd, a->known_path, known, validate) != 0)
            return EXIT_USAGE;
        ro->known = known;
    }
    return 0;
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
        /* O_EXCL first: then we know whether the file is ours to remove if the run is abandoned. */
        int fd = open(out->path[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0)
            out->created[i] = 1;
        else if (errno == EEXIST)
            fd = open(out->path[i], O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0 || (out->f[i] = fdopen(fd, "w")) == NULL) {
            fprintf(stderr, "alpncheck %s: %s: cannot write %s: %s\n", cmd, out_option[i], out->path[i],
                    strerror(errno));
            if (fd >= 0)
                close(fd);
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

int cli_report_finish(const char *cmd, const report *rep, int quiet, int verbose, cli_outputs *out)
{
    int rc = report_exit_code(rep);
    FILE *human = cli_outputs_stdout_taken(out) ? stderr : stdout;
    terminal_style style = {.quiet = quiet, .verbose = verbose, .color = isatty(fileno(human))};
    report_write_terminal(rep, human, &style);
    for (int i = 0; i < CLI_OUT_COUNT; i++) {
        if (out->f[i] == NULL)
            continue;
        int bad = out_writer[i](rep, out->f[i]) != 0;
        bad |= out->f[i] == stdout ? fflush(stdout) != 0 : fclose(out->f[i]) != 0;
        out->f[i] = NULL;
        if (bad) {
            fprintf(stderr, "alpncheck %s: %s: cannot write %s: %s\n", cmd, out_option[i], out->path[i],
                    strerror(errno));
            rc = EXIT_USAGE;
        }
    }
    return rc;
}
