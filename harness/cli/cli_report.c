/* The run and report plumbing shared by `alpncheck server` and `alpncheck client`. */
#include "cli_report.h"

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

int cli_run_option(const char *cmd, int c, const char *arg, cli_run_args *a)
{
    switch (c) {
    case CLI_O_TLS:
        a->tls_arg = arg;
        return 1;
    case CLI_O_ONLY:
        a->only = arg;
        return 1;
    case CLI_O_SKIP:
        a->skip = arg;
        return 1;
    case CLI_O_KNOWN:
        a->known_path = arg;
        return 1;
    case CLI_O_TIMEOUT: {
        char *end;
        long ms = strtol(arg, &end, 10);
        if (*end != '\0' || ms < 10 || ms > 600000) {
            cli_usage_error(cmd, "--timeout takes milliseconds from 10 to 600000, not '%s'", arg);
            return -1;
        }
        a->timeout_ms = (int)ms;
        return 1;
    }
    case CLI_O_JSON:
        a->out.json = arg;
        return 1;
    case CLI_O_JUNIT:
        a->out.junit = arg;
        return 1;
    case CLI_O_HTML:
        a->out.html = arg;
        return 1;
    case CLI_O_MD:
        a->out.md = arg;
        return 1;
    case CLI_O_NAME: {
        /* The JUnit suite name: not blank (JUnit consumers need one), and kept whole in report.name. */
        size_t len = strlen(arg);
        if (arg[strspn(arg, " \t\r\n")] == '\0' || len >= sizeof((report *)0)->name) {
            cli_usage_error(cmd, "--name takes a non-blank name of at most %zu bytes", sizeof((report *)0)->name - 1);
            return -1;
        }
        a->name = arg;
        return 1;
    }
    case 'q':
        a->quiet = 1;
        return 1;
    case 'v':
        a->verbose = 1;
        return 1;
    default:
        return 0;
    }
}

void cli_progress(void *ctx, size_t done, size_t total, const result *last)
{
    (void)ctx;
    fprintf(stderr, "\r  [%3zu/%3zu] %-5s %-34s TLS %s   ", done, total, verdict_name(last->v), last->id, last->tls);
    if (done == total)
        fprintf(stderr, "\r%70s\r", "");
}

int cli_report_finish(const char *cmd, const report *rep, int quiet, int verbose, const cli_outputs *out)
{
    int rc = report_exit_code(rep);
    if (!quiet || rc != 0) {
        report_write_terminal(rep, stdout, verbose, isatty(STDOUT_FILENO));
    } else {
        char line[128], other[128];
        report_summary_line(rep, line, sizeof line);
        report_other_counts(rep, other, sizeof other);
        if (other[0])
            printf("%s\n", other);
        printf("%s\n", line);
    }
    const struct {
        const char *path;
        int (*writer)(const report *, FILE *);
    } files[] = {{out->json, report_write_json},
                 {out->junit, report_write_junit},
                 {out->html, report_write_html},
                 {out->md, report_write_markdown}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (files[i].path != NULL && report_write_file(rep, files[i].path, files[i].writer) != 0) {
            fprintf(stderr, "alpncheck %s: cannot write %s\n", cmd, files[i].path);
            rc = EXIT_USAGE;
        }
    }
    return rc;
}
