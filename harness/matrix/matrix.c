/* The interoperability matrix: gathering the per-peer reports (matrix_build), and the document as JSON. The pages
 * are rendered by matrix_render.c with matrix_md.c and matrix_html.c. */
#include "matrix.h"

#include "escape.h"
#include "matrix_render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_FIELDS   11
#define MANIFEST_LINE_MAX 8192

/* TLS versions of one check, in the order its columns appear. */
static const char *const TLS_ORDER[] = {"1.3", "1.2", "1.1", "1.0", ""};
#define N_TLS (sizeof TLS_ORDER / sizeof TLS_ORDER[0])

/* ---- building ---------------------------------------------------------------------------------------------- */

static json_t *table_for(json_t *tables, const char *role)
{
    size_t i;
    json_t *t;
    json_array_foreach(tables, i, t)
    {
        if (strcmp(mx_str(t, "role"), role) == 0)
            return t;
    }
    t = json_pack("{s:s, s:[], s:[]}", "role", role, "columns", "peers");
    json_array_append_new(tables, t);
    return t;
}

/* Splits a manifest line in place into MANIFEST_FIELDS fields (missing ones are ""). */
static void split_fields(char *line, const char **fields)
{
    line[strcspn(line, "\r\n")] = '\0';
    for (size_t i = 0; i < MANIFEST_FIELDS; i++) {
        fields[i] = line;
        char *tab = strchr(line, '\t');
        if (tab == NULL || i == MANIFEST_FIELDS - 1) {
            line += strlen(line);
            continue;
        }
        *tab = '\0';
        line = tab + 1;
    }
}

/* What a non-PASS cell keeps of its result: expected and observed text, and the connection's ALPN bytes when the
 * report has them (hex a report wrote; anything else there is not copied). */
static void cell_details(json_t *cell, const json_t *res)
{
    static const char *const bytes[][2] = {{"alpnSent", "sent"}, {"alpnReceived", "received"}};
    json_object_set_new(cell, "expected", json_string(mx_str(res, "expected")));
    json_object_set_new(cell, "observed", json_string(mx_str(res, "observed")));
    for (size_t i = 0; i < 2; i++) {
        const json_t *b = json_object_get(res, bytes[i][0]);
        if (json_is_null(b))
            json_object_set_new(cell, bytes[i][1], json_null());
        else if (json_is_string(b) && mx_is_hex_text(json_string_value(b)))
            json_object_set_new(cell, bytes[i][1], json_string(json_string_value(b)));
    }
}

/* Reads one peer's report into peer["_results"] (key "ID@TLS" → result) and registers its columns. */
static void load_report(json_t *table, json_t *peer, json_t *seen, const char *root)
{
    const char *path = mx_str(peer, "report");
    char full[4096];
    if (path[0] == '/' || root == NULL || root[0] == '\0')
        snprintf(full, sizeof full, "%s", path);
    else
        snprintf(full, sizeof full, "%s/%s", root, path);
    json_error_t jerr;
    json_t *rep = json_load_file(full, 0, &jerr);
    json_t *results = json_object_get(rep, "results");
    if (rep == NULL || !json_is_array(results)) {
        char why[600];
        snprintf(why, sizeof why, "report %s unreadable: %s", path, rep ? "no results array" : jerr.text);
        json_object_set_new(peer, "status", json_string("not-run"));
        json_object_set_new(peer, "reason", esc_json_str(why)); /* jansson's text, cut: may end mid-character */
        json_decref(rep);
        return;
    }
    json_t *by_key = json_object();
    size_t i;
    json_t *res;
    json_array_foreach(results, i, res)
    {
        const char *v = mx_known_verdict(mx_str(res, "verdict"));
        if (v == NULL || mx_str(res, "id")[0] == '\0')
            continue;
        char key[256];
        snprintf(key, sizeof key, "%s@%s", mx_str(res, "id"), mx_str(res, "tls"));
        json_t *cell = json_pack("{s:s}", "verdict", v);
        if (strcmp(v, "PASS") != 0)
            cell_details(cell, res);
        json_object_set_new(by_key, key, cell);
        if (json_object_get(seen, key) == NULL) {
            json_object_set_new(seen, key, json_true());
            json_array_append_new(json_object_get(table, "columns"),
                                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", mx_str(res, "id"), "tls",
                                            mx_str(res, "tls"), "level", mx_str(res, "level"), "ref",
                                            mx_str(res, "ref"), "title", mx_str(res, "title"), "section",
                                            mx_str(res, "section")));
        }
    }
    json_object_set_new(peer, "_results", by_key);
    json_decref(rep);
}

/* Columns grouped by check ID (in order of first appearance), TLS 1.3 before 1.2 before 1.1 … within an ID. */
static void order_columns(json_t *table)
{
    json_t *cols = json_object_get(table, "columns");
    json_t *sorted = json_array();
    size_t n = json_array_size(cols);
    char *taken = calloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        if (taken[i])
            continue;
        const char *id = mx_str(json_array_get(cols, i), "id");
        for (size_t t = 0; t <= N_TLS; t++) { /* t == N_TLS: versions outside TLS_ORDER, in appearance order */
            for (size_t j = i; j < n; j++) {
                json_t *c = json_array_get(cols, j);
                if (taken[j] || strcmp(mx_str(c, "id"), id) != 0)
                    continue;
                if (t < N_TLS && strcmp(mx_str(c, "tls"), TLS_ORDER[t]) != 0)
                    continue;
                taken[j] = 1;
                json_array_append(sorted, c);
            }
        }
    }
    free(taken);
    json_object_set_new(table, "columns", sorted);
}

/* Each peer's cells, aligned with the columns (null where its report has no such result), and its counts. */
static void fill_cells(json_t *table)
{
    json_t *cols = json_object_get(table, "columns");
    size_t i;
    json_t *peer;
    json_array_foreach(json_object_get(table, "peers"), i, peer)
    {
        json_t *summary = json_object();
        for (size_t v = 0; v < MX_N_VERDICTS; v++)
            json_object_set_new(summary, mx_verdicts[v], json_integer(0));
        json_t *cells = json_array();
        json_t *by_key = json_object_get(peer, "_results");
        size_t j;
        json_t *c;
        json_array_foreach(cols, j, c)
        {
            char key[256];
            snprintf(key, sizeof key, "%s@%s", mx_str(c, "id"), mx_str(c, "tls"));
            json_t *cell = by_key ? json_object_get(by_key, key) : NULL;
            if (cell == NULL) {
                json_array_append_new(cells, json_null());
                continue;
            }
            json_array_append(cells, cell);
            const char *v = mx_str(cell, "verdict");
            json_object_set_new(summary, v, json_integer(json_integer_value(json_object_get(summary, v)) + 1));
        }
        json_object_del(peer, "_results");
        json_object_set_new(peer, "summary", summary);
        json_object_set_new(peer, "cells", mx_is_run(peer) ? cells : json_array());
        if (!mx_is_run(peer))
            json_decref(cells);
    }
}

json_t *matrix_build(const char *manifest_path, const char *root, const matrix_meta *meta, char *err, size_t cap)
{
    FILE *f = fopen(manifest_path, "r");
    if (f == NULL) {
        snprintf(err, cap, "%s: %s", manifest_path, strerror(errno));
        return NULL;
    }
    json_t *tables = json_array();
    /* The tables in the order of mx_roles (servers, clients, proxies), whatever order the manifest has; the proxy
     * table only when the manifest has proxy rows, so that a matrix without them keeps its two tables. */
    table_for(tables, "server");
    table_for(tables, "client");
    json_t *seen_by_role = json_object(); /* role → {"ID@TLS": true} for the columns registered so far */
    char line[MANIFEST_LINE_MAX];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            snprintf(err, cap, "%s:%d: line longer than %d bytes", manifest_path, lineno, MANIFEST_LINE_MAX - 2);
            goto fail;
        }
        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
            continue;
        const char *fl[MANIFEST_FIELDS];
        split_fields(line, fl);
        if (mx_role_of(fl[1]) == NULL) {
            snprintf(err, cap, "%s:%d: role must be server, client or proxy, not \"%.40s\"", manifest_path, lineno,
                     fl[1]);
            goto fail;
        }
        if (strcmp(fl[4], "run") != 0 && strcmp(fl[4], "not-run") != 0) {
            snprintf(err, cap, "%s:%d: status must be run or not-run, not \"%.40s\"", manifest_path, lineno, fl[4]);
            goto fail;
        }
        if (fl[0][0] == '\0') {
            snprintf(err, cap, "%s:%d: empty peer name", manifest_path, lineno);
            goto fail;
        }
        json_t *table = table_for(tables, fl[1]);
        json_t *peer =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", fl[0], "stack", fl[2], "version", fl[3],
                      "status", fl[4], "reason", fl[5], "command", fl[6], "report", fl[7], "log", fl[8]);
        if (peer != NULL && fl[9][0] != '\0')
            json_object_set_new(peer, "start", json_string(fl[9]));
        if (peer != NULL && fl[10][0] != '\0')
            json_object_set_new(peer, "check", json_string(fl[10]));
        if (peer == NULL) { /* not UTF-8 */
            snprintf(err, cap, "%s:%d: not valid UTF-8", manifest_path, lineno);
            goto fail;
        }
        json_array_append_new(json_object_get(table, "peers"), peer);
        if (strcmp(fl[4], "run") == 0) {
            json_t *s = json_object_get(seen_by_role, fl[1]);
            if (s == NULL) {
                s = json_object();
                json_object_set_new(seen_by_role, fl[1], s);
            }
            load_report(table, peer, s, root);
        }
    }
    fclose(f);
    json_decref(seen_by_role);
    size_t i;
    json_t *t;
    json_array_foreach(tables, i, t)
    {
        order_columns(t);
        fill_cells(t);
    }
    return json_pack("{s:s, s:i, s:s, s:{s:s, s:s}, s:s, s:o}", "schema", MATRIX_SCHEMA_ID, "schemaVersion",
                     MATRIX_SCHEMA_VERSION, "generated", meta->generated, "tool", "name", "alpncheck", "version",
                     meta->tool_version, "platform", meta->platform, "tables", tables);
fail:
    fclose(f);
    json_decref(tables);
    json_decref(seen_by_role);
    return NULL;
}

int matrix_check_roles(const json_t *m, char *err, size_t cap)
{
    const json_t *tables = json_object_get(m, "tables");
    size_t i;
    json_t *t;
    if (!json_is_array(tables)) {
        snprintf(err, cap, "no tables array");
        return -1;
    }
    json_array_foreach(tables, i, t)
    {
        if (mx_role_of(mx_str(t, "role")) == NULL) {
            snprintf(err, cap, "table %zu: role must be server, client or proxy, not \"%.40s\"", i, mx_str(t, "role"));
            return -1;
        }
    }
    return 0;
}

/* ---- JSON ---------------------------------------------------------------------------------------------------- */

int matrix_write_json(const json_t *m, FILE *f)
{
    int rc = json_dumpf(m, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    return rc == 0 && !ferror(f) ? 0 : -1;
}
