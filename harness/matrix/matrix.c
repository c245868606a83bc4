/* The interoperability matrix: gathering the per-peer reports (matrix_build) and rendering the document. */
#include "matrix.h"

#include "escape.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_FIELDS   9
#define MANIFEST_LINE_MAX 8192

static const char *const VERDICTS[] = {"PASS", "FAIL", "WARN", "SKIP", "ERROR", "XFAIL", "XPASS"};
#define N_VERDICTS (sizeof VERDICTS / sizeof VERDICTS[0])
/* TLS versions of one check, in the order its columns appear. */
static const char *const TLS_ORDER[] = {"1.3", "1.2", "1.1", "1.0", ""};
#define N_TLS (sizeof TLS_ORDER / sizeof TLS_ORDER[0])

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* The verdict as one of the known names, or NULL: a report's strings reach class attributes only through this. */
static const char *known_verdict(const char *v)
{
    for (size_t i = 0; i < N_VERDICTS; i++)
        if (strcmp(v, VERDICTS[i]) == 0)
            return VERDICTS[i];
    return NULL;
}

/* ---- building ---------------------------------------------------------------------------------------------- */

static json_t *table_for(json_t *tables, const char *role)
{
    size_t i;
    json_t *t;
    json_array_foreach(tables, i, t)
    {
        if (strcmp(str(t, "role"), role) == 0)
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

/* Reads one peer's report into peer["_results"] (key "ID@TLS" → result) and registers its columns. */
static void load_report(json_t *table, json_t *peer, json_t *seen, const char *root)
{
    const char *path = str(peer, "report");
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
        const char *v = known_verdict(str(res, "verdict"));
        if (v == NULL || str(res, "id")[0] == '\0')
            continue;
        char key[256];
        snprintf(key, sizeof key, "%s@%s", str(res, "id"), str(res, "tls"));
        json_t *cell = json_pack("{s:s}", "verdict", v);
        if (strcmp(v, "PASS") != 0) {
            json_object_set_new(cell, "expected", json_string(str(res, "expected")));
            json_object_set_new(cell, "observed", json_string(str(res, "observed")));
        }
        json_object_set_new(by_key, key, cell);
        if (json_object_get(seen, key) == NULL) {
            json_object_set_new(seen, key, json_true());
            json_array_append_new(json_object_get(table, "columns"),
                                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", str(res, "id"), "tls",
                                            str(res, "tls"), "level", str(res, "level"), "ref", str(res, "ref"),
                                            "title", str(res, "title"), "section", str(res, "section")));
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
        const char *id = str(json_array_get(cols, i), "id");
        for (size_t t = 0; t <= N_TLS; t++) { /* t == N_TLS: versions outside TLS_ORDER, in appearance order */
            for (size_t j = i; j < n; j++) {
                json_t *c = json_array_get(cols, j);
                if (taken[j] || strcmp(str(c, "id"), id) != 0)
                    continue;
                if (t < N_TLS && strcmp(str(c, "tls"), TLS_ORDER[t]) != 0)
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
        for (size_t v = 0; v < N_VERDICTS; v++)
            json_object_set_new(summary, VERDICTS[v], json_integer(0));
        json_t *cells = json_array();
        json_t *by_key = json_object_get(peer, "_results");
        size_t j;
        json_t *c;
        json_array_foreach(cols, j, c)
        {
            char key[256];
            snprintf(key, sizeof key, "%s@%s", str(c, "id"), str(c, "tls"));
            json_t *cell = by_key ? json_object_get(by_key, key) : NULL;
            if (cell == NULL) {
                json_array_append_new(cells, json_null());
                continue;
            }
            json_array_append(cells, cell);
            const char *v = str(cell, "verdict");
            json_object_set_new(summary, v, json_integer(json_integer_value(json_object_get(summary, v)) + 1));
        }
        json_object_del(peer, "_results");
        json_object_set_new(peer, "summary", summary);
        json_object_set_new(peer, "cells", strcmp(str(peer, "status"), "run") == 0 ? cells : json_array());
        if (strcmp(str(peer, "status"), "run") != 0)
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
    /* The server table first, then the client table, whatever order the manifest has. */
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
        if (strcmp(fl[1], "server") != 0 && strcmp(fl[1], "client") != 0) {
            snprintf(err, cap, "%s:%d: role must be server or client, not \"%.40s\"", manifest_path, lineno, fl[1]);
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

/* ---- JSON ---------------------------------------------------------------------------------------------------- */

int matrix_write_json(const json_t *m, FILE *f)
{
    int rc = json_dumpf(m, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    return rc == 0 && !ferror(f) ? 0 : -1;
}

/* ---- shared helpers for the text renderers --------------------------------------------------------------------- */

static const char *role_title(const char *role)
{
    return strcmp(role, "server") == 0 ? "Servers (alpncheck is the client, `alpncheck server`)"
                                       : "Clients (alpncheck is the server, `alpncheck client`)";
}

static long count(const json_t *peer, const char *v)
{
    return (long)json_integer_value(json_object_get(json_object_get(peer, "summary"), v));
}

static int is_run(const json_t *peer)
{
    return strcmp(str(peer, "status"), "run") == 0;
}

static void tls_label(const char *tls, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s", tls[0] ? "TLS " : "", tls[0] ? tls : "-");
}

/* ---- the details list: the observed text behind every non-PASS cell, peer by peer ---------------------------- */

typedef struct {
    void (*peer)(FILE *f, const char *role, size_t i, const json_t *peer); /* heading: name, versions, command, log */
    void (*not_run)(FILE *f, const json_t *peer);
    void (*cell)(FILE *f, const char *role, size_t i, size_t j, const json_t *col, const json_t *cell);
    void (*all_passed)(FILE *f);
    void (*end)(FILE *f);
} details_format;

static void walk_details(FILE *f, const json_t *t, const details_format *fmt)
{
    const char *role = str(t, "role");
    const json_t *cols = json_object_get(t, "columns");
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(t, "peers"), i, p)
    {
        fmt->peer(f, role, i, p);
        if (!is_run(p)) {
            fmt->not_run(f, p);
            fmt->end(f);
            continue;
        }
        int any = 0;
        size_t j;
        json_t *c;
        json_array_foreach(cols, j, c)
        {
            const json_t *cell = json_array_get(json_object_get(p, "cells"), j);
            if (cell == NULL || strcmp(str(cell, "verdict"), "PASS") == 0)
                continue;
            fmt->cell(f, role, i, j, c, cell);
            any = 1;
        }
        if (!any)
            fmt->all_passed(f);
        fmt->end(f);
    }
}

/* ---- Markdown ------------------------------------------------------------------------------------------------ */

/* Text inside Markdown (table cells, list items, headings): the shared escaper, so no byte from a report shows as
 * markup. */
static void md_text(FILE *f, const char *s)
{
    esc_md(f, s);
}

static void md_detail_peer(FILE *f, const char *role, size_t i, const json_t *p)
{
    (void)role;
    (void)i;
    fputs("\n#### ", f);
    md_text(f, str(p, "name"));
    fputs(" (", f);
    md_text(f, str(p, "version"));
    fputs(")\n\nCommand: ", f);
    md_text(f, str(p, "command"));
    if (str(p, "log")[0]) {
        fputs(". Log: ", f);
        md_text(f, str(p, "log"));
    }
    fputs(".\n\n", f);
}

static void md_detail_not_run(FILE *f, const json_t *p)
{
    fputs("- **not run**: ", f);
    md_text(f, str(p, "reason"));
    fputc('\n', f);
}

static void md_detail_cell(FILE *f, const char *role, size_t i, size_t j, const json_t *c, const json_t *cell)
{
    (void)role;
    (void)i;
    (void)j;
    char tls[16];
    tls_label(str(c, "tls"), tls, sizeof tls);
    fprintf(f, "- **%s** `", str(cell, "verdict"));
    md_text(f, str(c, "id"));
    fprintf(f, "` %s (%s, RFC ", tls, str(c, "level"));
    md_text(f, str(c, "ref"));
    fputs("): expected ", f);
    md_text(f, str(cell, "expected"));
    fputs("; observed ", f);
    md_text(f, str(cell, "observed"));
    fputc('\n', f);
}

static void md_detail_all_passed(FILE *f)
{
    fputs("- every check passed\n", f);
}

static void md_detail_end(FILE *f)
{
    (void)f;
}

static const details_format MD_DETAILS = {md_detail_peer, md_detail_not_run, md_detail_cell, md_detail_all_passed,
                                          md_detail_end};

static void md_table(FILE *f, const json_t *t)
{
    const json_t *peers = json_object_get(t, "peers");
    const json_t *cols = json_object_get(t, "columns");
    fprintf(f, "\n## %s\n\n", role_title(str(t, "role")));
    fputs("| peer | TLS stack | version | PASS | FAIL | WARN | SKIP | ERROR | status |\n"
          "|---|---|---|---:|---:|---:|---:|---:|---|\n",
          f);
    size_t i;
    json_t *p;
    json_array_foreach(peers, i, p)
    {
        fputs("| ", f);
        md_text(f, str(p, "name"));
        fputs(" | ", f);
        md_text(f, str(p, "stack"));
        fputs(" | ", f);
        md_text(f, str(p, "version"));
        if (is_run(p)) {
            fprintf(f, " | %ld | %ld | %ld | %ld | %ld | run |\n", count(p, "PASS"), count(p, "FAIL"), count(p, "WARN"),
                    count(p, "SKIP"), count(p, "ERROR"));
        } else {
            fputs(" | | | | | | not run: ", f);
            md_text(f, str(p, "reason"));
            fputs(" |\n", f);
        }
    }
    size_t run = 0;
    json_array_foreach(peers, i, p) run += is_run(p);
    if (json_array_size(cols) == 0 || run == 0)
        return;
    /* The matrix itself, one row per check and TLS version, one column per peer that ran. */
    fputs("\n| check | TLS |", f);
    json_array_foreach(peers, i, p)
    {
        if (!is_run(p))
            continue;
        fputc(' ', f);
        md_text(f, str(p, "name"));
        fputs(" |", f);
    }
    fputs("\n|---|---|", f);
    for (size_t k = 0; k < run; k++)
        fputs("---|", f);
    fputc('\n', f);
    size_t j;
    json_t *c;
    json_array_foreach(cols, j, c)
    {
        char tls[16];
        tls_label(str(c, "tls"), tls, sizeof tls);
        fputs("| `", f);
        md_text(f, str(c, "id"));
        fprintf(f, "` | %s |", tls);
        json_array_foreach(peers, i, p)
        {
            if (!is_run(p))
                continue;
            const json_t *cell = json_array_get(json_object_get(p, "cells"), j);
            const char *v = cell ? str(cell, "verdict") : "";
            fprintf(f, " %s |", strcmp(v, "PASS") == 0 ? "PASS" : v[0] ? v : "–");
        }
        fputc('\n', f);
    }
    fputs("\n### Details\n", f);
    walk_details(f, t, &MD_DETAILS);
}

int matrix_write_markdown(const json_t *m, FILE *f)
{
    fputs("# alpncheck interoperability matrix\n\nGenerated ", f);
    md_text(f, str(m, "generated"));
    fputs(" by alpncheck ", f);
    md_text(f, str(json_object_get(m, "tool"), "version"));
    fputs(" on ", f);
    md_text(f, str(m, "platform"));
    fputs(". Reproduce with `make matrix`; every peer ran on loopback with ALPN `h2,http/1.1` (or what it supports).\n"
          "Verdicts: PASS, FAIL (a MUST broken), WARN (a SHOULD broken, or refused with the wrong alert or none), SKIP "
          "(not "
          "applicable), ERROR (no answer), – (not checked).\n",
          f);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(m, "tables"), i, t) md_table(f, t);
    return ferror(f) ? -1 : 0;
}

/* ---- HTML ---------------------------------------------------------------------------------------------------- */

/* HTML content and attribute values: the shared escaper (control characters and ill-formed UTF-8 as \xNN). */
static void html(FILE *f, const char *s)
{
    esc_xml(f, s);
}

static const char *letter(const char *v)
{
    static const char *const letters[] = {"P", "F", "W", "S", "E", "xF", "xP"};
    for (size_t i = 0; i < N_VERDICTS; i++)
        if (strcmp(v, VERDICTS[i]) == 0)
            return letters[i];
    return "?";
}

static const char CSS[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1d2330}\n"
    "h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ccd}\n"
    "h3{font-size:1rem;margin-top:1.6rem}h4{font-size:.95rem;margin:1.2rem 0 .3rem}\n"
    ".meta{color:#5a6275}table{border-collapse:collapse}td,th{padding:.2rem .4rem;border:1px solid #e1e4ec}\n"
    "th{background:#f5f6fa;font-weight:600;text-align:left}.num{text-align:right}\n"
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "table.matrix th.check{writing-mode:vertical-rl;transform:rotate(180deg);font:600 11px/1.1 ui-monospace,"
    "monospace;white-space:nowrap;padding:.4rem .1rem;text-align:left;vertical-align:bottom}\n"
    "table.matrix th.col{font-size:10px;font-weight:400;text-align:center;padding:.1rem}\n"
    "table.matrix td.c{text-align:center;font:700 11px/1 ui-monospace,monospace;min-width:1.3rem;padding:.3rem .1rem}\n"
    "table.matrix td.c a{color:inherit;text-decoration:none;display:block}\n"
    "table.matrix th.peer{white-space:nowrap;position:sticky;left:0;z-index:1}\n"
    "table.matrix th.peer small{font-weight:400;color:#5a6275}\n"
    ".PASS,.XFAIL{background:#dcf5e3;color:#11622c}.FAIL,.XPASS{background:#fbd3d1;color:#8f1812}\n"
    ".WARN{background:#fff0c2;color:#6d4a00}.ERROR{background:#ffe0b8;color:#7a3a00}\n"
    ".SKIP{background:#eceef3;color:#4c5365}.none{background:#fff;color:#aab}\n"
    "td.notrun{background:#f3f0fa;color:#4b3a78;font-style:italic}\n"
    ".v{font-weight:700;border-radius:.3rem;padding:.05rem .4rem;font-size:.8rem}\n"
    "ul.details{padding-left:1.2rem}ul.details li{margin:.35rem 0}.detail{color:#3c4456}\n"
    "code{font-size:.92em}\n";

static void html_summary(FILE *f, const json_t *t)
{
    fputs("<table class=\"summary\"><thead><tr><th>peer</th><th>TLS stack</th><th>version</th><th>PASS</th>"
          "<th>FAIL</th><th>WARN</th><th>SKIP</th><th>ERROR</th><th>status</th></tr></thead><tbody>\n",
          f);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(t, "peers"), i, p)
    {
        fputs("<tr><td>", f);
        html(f, str(p, "name"));
        fputs("</td><td>", f);
        html(f, str(p, "stack"));
        fputs("</td><td>", f);
        html(f, str(p, "version"));
        fputs("</td>", f);
        if (is_run(p)) {
            fprintf(f,
                    "<td class=\"num\">%ld</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td>"
                    "<td class=\"num\">%ld</td><td class=\"num\">%ld</td><td>run</td></tr>\n",
                    count(p, "PASS"), count(p, "FAIL"), count(p, "WARN"), count(p, "SKIP"), count(p, "ERROR"));
        } else {
            fputs("<td colspan=\"5\"></td><td>not run: ", f);
            html(f, str(p, "reason"));
            fputs("</td></tr>\n", f);
        }
    }
    fputs("</tbody></table>\n", f);
}

static void html_matrix(FILE *f, const json_t *t)
{
    const char *role = str(t, "role");
    const json_t *cols = json_object_get(t, "columns");
    size_t ncols = json_array_size(cols);
    fprintf(f,
            "<div class=\"scroll\"><table class=\"matrix\" id=\"matrix-%s\" data-role=\"%s\">\n<thead><tr>"
            "<th class=\"peer\" rowspan=\"2\">peer</th>",
            role, role);
    /* First header row: one cell per check ID over its TLS versions; second row: one cell per column. */
    for (size_t j = 0; j < ncols;) {
        const char *id = str(json_array_get(cols, j), "id");
        size_t span = 1;
        while (j + span < ncols && strcmp(str(json_array_get(cols, j + span), "id"), id) == 0)
            span++;
        const json_t *c = json_array_get(cols, j);
        fprintf(f, "<th class=\"check\" colspan=\"%zu\" title=\"", span);
        html(f, id);
        fputs(": ", f);
        html(f, str(c, "title"));
        fputs(" (", f);
        html(f, str(c, "level"));
        fputs(", RFC ", f);
        html(f, str(c, "ref"));
        fputs(")\">", f);
        html(f, id);
        fputs("</th>", f);
        j += span;
    }
    fputs("</tr>\n<tr>", f);
    size_t j;
    json_t *c;
    json_array_foreach(cols, j, c)
    {
        fputs("<th class=\"col\">", f);
        html(f, str(c, "tls")[0] ? str(c, "tls") : "-");
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(t, "peers"), i, p)
    {
        fprintf(f, "<tr class=\"peer\" id=\"row-%s-%zu\"><th class=\"peer\" scope=\"row\">", role, i);
        html(f, str(p, "name"));
        fputs("<br><small>", f);
        html(f, str(p, "version"));
        fputs("</small></th>", f);
        if (!is_run(p)) {
            fprintf(f, "<td class=\"notrun\" colspan=\"%zu\">not run: ", ncols ? ncols : 1);
            html(f, str(p, "reason"));
            fputs("</td></tr>\n", f);
            continue;
        }
        json_array_foreach(cols, j, c)
        {
            const json_t *cell = json_array_get(json_object_get(p, "cells"), j);
            if (cell == NULL) {
                fputs("<td class=\"c none\" title=\"not checked\">–</td>", f);
                continue;
            }
            const char *v = known_verdict(str(cell, "verdict"));
            v = v ? v : "ERROR";
            if (strcmp(v, "PASS") == 0) {
                fputs("<td class=\"c PASS\" title=\"PASS\">P</td>", f);
                continue;
            }
            fprintf(f, "<td class=\"c %s\" title=\"%s — ", v, v);
            html(f, str(c, "id"));
            fputs(str(c, "tls")[0] ? " TLS " : "", f);
            html(f, str(c, "tls"));
            fputs(": ", f);
            html(f, str(cell, "observed"));
            fprintf(f, "\"><a href=\"#d-%s-%zu-%zu\">%s</a></td>", role, i, j, letter(v));
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

static void html_detail_peer(FILE *f, const char *role, size_t i, const json_t *p)
{
    fprintf(f, "<h4 id=\"peer-%s-%zu\">", role, i);
    html(f, str(p, "name"));
    fputs(" <span class=\"meta\">", f);
    html(f, str(p, "stack"));
    fputs(" · ", f);
    html(f, str(p, "version"));
    fputs("</span></h4>\n<p class=\"meta\">command: <code>", f);
    html(f, str(p, "command"));
    fputs("</code>", f);
    if (str(p, "log")[0]) {
        fputs(" · log: <code>", f);
        html(f, str(p, "log"));
        fputs("</code>", f);
    }
    fputs("</p>\n<ul class=\"details\">\n", f);
}

static void html_detail_not_run(FILE *f, const json_t *p)
{
    fputs("<li><span class=\"v SKIP\">not run</span> ", f);
    html(f, str(p, "reason"));
    fputs("</li>\n", f);
}

static void html_detail_cell(FILE *f, const char *role, size_t i, size_t j, const json_t *c, const json_t *cell)
{
    const char *v = known_verdict(str(cell, "verdict"));
    v = v ? v : "ERROR";
    char tls[16];
    tls_label(str(c, "tls"), tls, sizeof tls);
    fprintf(f, "<li id=\"d-%s-%zu-%zu\"><span class=\"v %s\">%s</span> <code>", role, i, j, v, v);
    html(f, str(c, "id"));
    fprintf(f, "</code> %s — ", tls);
    html(f, str(c, "title"));
    fputs(" <span class=\"meta\">(", f);
    html(f, str(c, "level"));
    fputs(", RFC ", f);
    html(f, str(c, "ref"));
    fputs(")</span><div class=\"detail\">expected: ", f);
    html(f, str(cell, "expected"));
    fputs("<br>observed: ", f);
    html(f, str(cell, "observed"));
    fputs("</div></li>\n", f);
}

static void html_detail_all_passed(FILE *f)
{
    fputs("<li>every check passed</li>\n", f);
}

static void html_detail_end(FILE *f)
{
    fputs("</ul>\n", f);
}

static const details_format HTML_DETAILS = {html_detail_peer, html_detail_not_run, html_detail_cell,
                                            html_detail_all_passed, html_detail_end};

int matrix_write_html(const json_t *m, FILE *f)
{
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>alpncheck interoperability matrix</title>\n<style>\n%s</style></head><body>\n"
            "<h1>alpncheck interoperability matrix</h1>\n<p class=\"meta\">generated <time>",
            CSS);
    html(f, str(m, "generated"));
    fputs("</time> · alpncheck ", f);
    html(f, str(json_object_get(m, "tool"), "version"));
    fputs(" · ", f);
    html(f, str(m, "platform"));
    fputs(" · reproduce with <code>make matrix</code></p>\n<p>Every peer ran on loopback with ALPN <code>h2,http/1.1"
          "</code> (or what it supports). Cells: <span class=\"v PASS\">P</span> PASS, <span class=\"v FAIL\">F</span> "
          "FAIL (a MUST broken), <span class=\"v WARN\">W</span> WARN (a SHOULD broken, or refused with the wrong "
          "alert or none), <span class=\"v SKIP\">S</span> SKIP (not applicable), <span class=\"v ERROR\">E</span> "
          "ERROR (no "
          "answer), – not checked. Hover a cell for what was observed; every non-PASS cell links to its details "
          "below the table.</p>\n",
          f);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(m, "tables"), i, t)
    {
        const char *role = str(t, "role");
        fprintf(f, "<section id=\"%s\">\n<h2>%s</h2>\n<h3>Summary</h3>\n", role,
                strcmp(role, "server") == 0 ? "Servers (alpncheck is the client: <code>alpncheck server</code>)"
                                            : "Clients (alpncheck is the server: <code>alpncheck client</code>)");
        html_summary(f, t);
        fprintf(f, "<h3>Matrix: %zu peers × %zu checks</h3>\n", json_array_size(json_object_get(t, "peers")),
                json_array_size(json_object_get(t, "columns")));
        html_matrix(f, t);
        fputs("<h3>Details of every non-PASS cell</h3>\n", f);
        walk_details(f, t, &HTML_DETAILS);
        fputs("</section>\n", f);
    }
    fputs("</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}
