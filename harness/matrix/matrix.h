/*
 * The interoperability matrix: per-peer conformance reports (reports/schema/report-1.schema.json) and the runner's
 * peer manifest gathered into one document (reports/schema/matrix-1.schema.json), rendered as JSON, Markdown and a
 * self-contained HTML page. The document is the model: renderers read it and never decide a verdict.
 */
#ifndef ALPN_MATRIX_H
#define ALPN_MATRIX_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#define MATRIX_SCHEMA_ID      "alpncheck-matrix/1"
#define MATRIX_SCHEMA_VERSION 1

typedef struct {
    const char *generated;    /* ISO 8601 UTC, e.g. "2026-11-23T04:30:00Z" */
    const char *tool_version; /* alpncheck's version */
    const char *platform;     /* free text: OS, architecture */
} matrix_meta;

/*
 * Builds the matrix document from a manifest (harness/matrix/run.sh writes it): one peer per line, nine to eleven
 * tab-separated fields — name, role (server|client|proxy), stack, version, status (run|not-run), reason, command,
 * report (path of its JSON report, relative to root unless absolute), log, and optionally start (the exact command that
 * started a server or proxy peer) and check (the alpncheck command that checked it). Empty lines and lines starting
 * with '#' are ignored. A "run" peer whose report cannot be read becomes "not-run" with the reason. Returns a new
 * reference, or NULL with a message in err (unreadable manifest, a line with a bad role or status, too long a line).
 */
json_t *matrix_build(const char *manifest_path, const char *root, const matrix_meta *meta, char *err, size_t cap);

/* 0 when every table of a document (one read back with --from) has a known role: server, client or proxy; -1 with
 * a message in err otherwise. The renderers rely on it. */
int matrix_check_roles(const json_t *m, char *err, size_t cap);

/* Renderers. Return 0, or -1 when writing failed. */
int matrix_write_json(const json_t *m, FILE *f);
int matrix_write_markdown(const json_t *m, FILE *f);
int matrix_write_html(const json_t *m, FILE *f);
/* reports/findings.md: every distinct non-PASS behaviour per TLS stack, for the peers' maintainers. */
int matrix_write_findings(const json_t *m, FILE *f);
/* The block of README.md between README_BEGIN and README_END: a table per role, one row per peer. */
int matrix_write_readme_block(const json_t *m, FILE *f);
#define MATRIX_README_BEGIN "<!-- matrix: generated from reports/matrix.json by make matrix; do not edit -->\n"
#define MATRIX_README_END   "<!-- /matrix -->\n"
/* Rewrites the block of the README at path (check: only compares). Returns 0 when it was current (or has been
 * rewritten), 1 when check found it stale, -1 with a message in err (unreadable, no block). */
int matrix_readme_update(const char *path, const json_t *m, int check, char *err, size_t cap);

#endif
