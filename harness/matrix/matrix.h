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
 * Builds the matrix document from a manifest (harness/matrix/run.sh writes it): one peer per line, nine
 * tab-separated fields — name, role (server|client), stack, version, status (run|not-run), reason, command, report
 * (path of its JSON report, relative to root unless absolute), log. Empty lines and lines starting with '#' are
 * ignored. A "run" peer whose report cannot be read becomes "not-run" with the reason. Returns a new reference, or
 * NULL with a message in err (unreadable manifest, a line with a bad role or status, too long a line).
 */
json_t *matrix_build(const char *manifest_path, const char *root, const matrix_meta *meta, char *err, size_t cap);

/* Renderers. Return 0, or -1 when writing failed. */
int matrix_write_json(const json_t *m, FILE *f);
int matrix_write_markdown(const json_t *m, FILE *f);
int matrix_write_html(const json_t *m, FILE *f);

#endif
