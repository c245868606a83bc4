/* What `alpncheck server`, `client` and `proxy` share around a run: the options every run takes, the steps of a run
 * (cli_run_*), the progress line, and the report on the terminal and in files. */
#ifndef ALPN_CLI_REPORT_H
#define ALPN_CLI_REPORT_H

#include <getopt.h>
#include <stddef.h>

#include "cli_util.h"
#include "report.h"
#include "run.h"

/* The report files asked for: --json, --junit, --html, --md, in this order. */
enum { CLI_OUT_JSON = 0, CLI_OUT_JUNIT, CLI_OUT_HTML, CLI_OUT_MD, CLI_OUT_COUNT };
typedef struct {
    const char *path[CLI_OUT_COUNT]; /* NULL: not written; "-": standard output (at most one of them) */
    FILE *f[CLI_OUT_COUNT];          /* opened by cli_outputs_open, before the run; emptied when the report comes */
    int created[CLI_OUT_COUNT];      /* the file did not exist before: removed again when the run is abandoned */
} cli_outputs;

/* --deadline's default: a run of any of these commands ends within ten minutes, whatever its peer does. */
#define CLI_DEADLINE_DEFAULT_S 600

/* The options every check run takes. */
typedef struct {
    const char *tls_arg;     /* --tls, NULL when not given */
    const char *only, *skip; /* --only, --skip */
    const char *known_path;  /* --known-failures */
    int timeout_ms;          /* --timeout, 0 when not given */
    int deadline_s;          /* --deadline in seconds: 0 none, -1 when not given (the command's default) */
    cli_outputs out;         /* --json, --junit, --html, --md */
    int quiet, verbose;      /* -q, -v */
    const char *name;        /* --name: the run's name in the reports (JUnit suite name), NULL when not given */
} cli_run_args;

/* One check run: the options every run takes, the run's options for the checks, the known failures and the report.
 * Each command takes the same steps, in this order: cli_run_on_heap, cli_run_parse, cli_run_setup, cli_outputs_open,
 * cli_run_report, cli_run_start, (the checks), cli_run_finish. */
typedef struct {
    const char *cmd; /* "server", "client", "proxy": names the command in every message */
    cli_run_args a;
    run_options ro;
    known_failures known;
    report rep;
    double started; /* probe_now_ms() when the checks began */
} cli_run;

/* Runs run(r, own, argc, argv) with a zeroed run and a zeroed state of the command's own (own_size bytes), both on the
 * heap (the report alone holds 512 results), and returns its exit status; EXIT_USAGE when out of memory. */
int cli_run_on_heap(size_t own_size, int (*run)(cli_run *r, void *own, int argc, char **argv), int argc, char **argv);

/* Parses argv (cli_parse_options_more) against the command's own options and the ones every run takes (--tls,
 * --only, --skip, --known-failures, --timeout, --deadline, --json, --junit, --html, --md, --name, -q, -v, into r->a).
 * Options may follow the operands. Returns -1 when the command goes on, else its exit status: EXIT_VALID after printing
 * help(), EXIT_USAGE after a usage error (an invalid value included). */
int cli_run_parse(cli_run *r, const char *cmd, int argc, char **argv, const cli_option *opts, void (*help)(void));

/* The shared options into the run's options for transport (CHECK_TRANSPORT_TCP or _QUIC, which takes TLS 1.3 only):
 * --tls (default both versions), --only and --skip (every ID checked by validate, e.g. validate_id_list) and
 * --known-failures (loaded into r->known, see cli_known_load). 0, or EXIT_USAGE with the message printed. */
int cli_run_setup(cli_run *r, int (*validate)(const char *list, char *err, size_t err_cap), unsigned transport);

/* Starts the run's report for target; its name is --name, else default_name, else (NULL) the target. */
void cli_run_report(cli_run *r, const char *target, const char *default_name);

/* The checks begin: the run's clock starts, and with progress (1) an interactive terminal (standard error, no -q)
 * gets the progress line. */
void cli_run_start(cli_run *r, int progress);

/* The checks ended: the run's wall time into the report, which goes to the terminal (-q: only what needs attention,
 * and the recap) and into the files, which are closed. Returns the exit code: report_exit_code, or 2 when a file
 * cannot be written (message on stderr, prefixed with "alpncheck CMD"). */
int cli_run_finish(cli_run *r);

/* --tls: "1.3", "1.2", "1.2,1.3" or "1.3,1.2" into tls[0..1] (TLS 1.3 first when both). 0, or -1 for anything
 * else. */
int cli_parse_tls(const char *arg, const char *tls[2]);

/* run_options.progress for an interactive terminal: one line rewritten in place. */
void cli_progress(void *ctx, size_t done, size_t total, const result *last);

/* Loads a --known-failures file and checks that every ID in it is one of this command's checks (validate: e.g.
 * validate_id_list), so that a misspelt ID is refused instead of silently matching nothing. 0, or EXIT_USAGE with
 * the message printed. */
int cli_known_load(const char *cmd, const char *path, known_failures *k,
                   int (*validate)(const char *list, char *err, size_t err_cap));

/* Opens every output file before the run, so that a wrong path costs nothing (and says why, with errno). At most one
 * output may be "-" (standard output); the human report then goes to standard error, so that stdout holds only the
 * machine-readable document. 0, or EXIT_USAGE with the message printed. */
int cli_outputs_open(const char *cmd, cli_outputs *out);
/* Closes the outputs of a run that ends without a report, removing the files it created. */
void cli_outputs_abandon(cli_outputs *out);
/* 1 when the human report must go to standard error (an output is "-"). */
int cli_outputs_stdout_taken(const cli_outputs *out);

#endif
