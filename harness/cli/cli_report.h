/* What `alpncheck server` and `alpncheck client` share around a run: --tls, the progress line, and the report on
 * the terminal and in files. */
#ifndef ALPN_CLI_REPORT_H
#define ALPN_CLI_REPORT_H

#include <stddef.h>

#include "report.h"

/* The report files asked for (NULL: not written; "-" for stdout where the writer allows it). */
typedef struct {
    const char *json, *junit, *html, *md;
} cli_outputs;

/* --tls: "1.3", "1.2", "1.2,1.3" or "1.3,1.2" into tls[0..1] (TLS 1.3 first when both). 0, or -1 for anything
 * else. */
int cli_parse_tls(const char *arg, const char *tls[2]);

/* run_options.progress for an interactive terminal: one line rewritten in place. */
void cli_progress(void *ctx, size_t done, size_t total, const result *last);

/* Prints the report (quiet: only the summary unless something failed) and writes the files. Returns the exit code:
 * report_exit_code, or 2 when a file cannot be written (message on stderr, prefixed with "alpncheck CMD"). */
int cli_report_finish(const char *cmd, const report *rep, int quiet, int verbose, const cli_outputs *out);

#endif
