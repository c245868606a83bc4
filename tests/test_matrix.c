/* The interoperability matrix: gathering fixture reports (tests/data/matrix/) into cells, and escaping in the
 * renderers. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matrix.h"

static const matrix_meta META = {.generated = "2026-01-02T03:04:05Z", .tool_version = "0.1.0", .platform = "test"};

static const char *src_dir(void)
{
    const char *src = getenv("ALPN_SOURCE_DIR");
    cr_assert_not_null(src, "ALPN_SOURCE_DIR must point at the source tree (ctest sets it)");
    return src;
}

static json_t *build(const char *manifest, char *err, size_t cap)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/matrix/%s", src_dir(), manifest);
    return matrix_build(path, src_dir(), &META, err, cap);
}

static json_t *fixture(void)
{
    char err[512] = "";
    json_t *m = build("manifest.tsv", err, sizeof err);
    cr_assert_not_null(m, "matrix_build: %s", err);
    return m;
}

static json_t *table(json_t *m, size_t i)
{
    return json_array_get(json_object_get(m, "tables"), i);
}

static json_t *peer(json_t *m, size_t t, size_t i)
{
    return json_array_get(json_object_get(table(m, t), "peers"), i);
}

static const char *s(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "(missing)";
}

/* The verdict in a peer's cell, "null" for an absent one. */
static const char *cell(json_t *m, size_t p, size_t col)
{
    json_t *c = json_array_get(json_object_get(peer(m, 0, p), "cells"), col);
    cr_assert_not_null(c, "peer %zu has no cell %zu", p, col);
    return json_is_null(c) ? "null" : s(c, "verdict");
}

static char *render(const json_t *m, int (*writer)(const json_t *, FILE *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    cr_assert_eq(writer(m, f), 0);
    fclose(f);
    return buf;
}

Test(matrix, document_head)
{
    json_t *m = fixture();
    cr_assert_str_eq(s(m, "schema"), MATRIX_SCHEMA_ID);
    cr_assert_str_eq(s(m, "generated"), "2026-01-02T03:04:05Z");
    cr_assert_str_eq(s(table(m, 0), "role"), "server");
    cr_assert_str_eq(s(table(m, 1), "role"), "client");
    cr_assert_eq(json_array_size(json_object_get(table(m, 0), "peers")), 4);
    cr_assert_eq(json_array_size(json_object_get(table(m, 1), "peers")), 1);
    json_decref(m);
}

/* Columns are the union of the reports' results, grouped by ID in order of first appearance, TLS 1.3 first. An
 * unknown verdict ("MAYBE") makes no column and no cell. */
Test(matrix, columns_grouped_by_check)
{
    json_t *m = fixture();
    static const struct {
        const char *id, *tls;
    } want[] = {{"SRV-SELECT-OFFERED", "1.3"},
                {"SRV-NO-OVERLAP-ALERT", "1.3"},
                {"SRV-NO-OVERLAP-ALERT", "1.2"},
                {"SRV-LONG-NAME", "1.2"}};
    json_t *cols = json_object_get(table(m, 0), "columns");
    cr_assert_eq(json_array_size(cols), 4, "columns: %zu", json_array_size(cols));
    for (size_t i = 0; i < 4; i++) {
        cr_assert_str_eq(s(json_array_get(cols, i), "id"), want[i].id, "column %zu", i);
        cr_assert_str_eq(s(json_array_get(cols, i), "tls"), want[i].tls, "column %zu", i);
    }
    cr_assert_eq(json_array_size(json_object_get(table(m, 1), "columns")), 0);
    json_decref(m);
}

Test(matrix, cells_aligned_with_columns)
{
    json_t *m = fixture();
    static const struct {
        size_t peer;
        const char *verdicts[4];
    } rows[] = {
        {0, {"PASS", "null", "FAIL", "null"}}, /* plain: two results */
        {1, {"PASS", "WARN", "PASS", "SKIP"}}, /* evil: four known verdicts, MAYBE dropped */
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
        for (size_t c = 0; c < 4; c++)
            cr_assert_str_eq(cell(m, rows[r].peer, c), rows[r].verdicts[c], "peer %zu column %zu", rows[r].peer, c);
    /* A PASS carries no detail; every other verdict carries expected and observed. */
    json_t *pass = json_array_get(json_object_get(peer(m, 0, 0), "cells"), 0);
    json_t *fail = json_array_get(json_object_get(peer(m, 0, 0), "cells"), 2);
    cr_assert_null(json_object_get(pass, "observed"));
    cr_assert_str_eq(s(fail, "expected"), "fatal alert 120");
    cr_assert(strncmp(s(fail, "observed"), "<script>", 8) == 0);
    json_t *sum = json_object_get(peer(m, 0, 1), "summary");
    cr_assert_eq(json_integer_value(json_object_get(sum, "PASS")), 2);
    cr_assert_eq(json_integer_value(json_object_get(sum, "WARN")), 1);
    cr_assert_eq(json_integer_value(json_object_get(sum, "SKIP")), 1);
    cr_assert_eq(json_integer_value(json_object_get(sum, "FAIL")), 0);
    json_decref(m);
}

/* A peer that was not run, or whose report is missing, is a visible row with its reason and no cells. */
Test(matrix, not_run_rows)
{
    json_t *m = fixture();
    json_t *down = peer(m, 0, 2), *lost = peer(m, 0, 3), *cli = peer(m, 1, 0);
    cr_assert_str_eq(s(down, "status"), "not-run");
    cr_assert_str_eq(s(down, "reason"), "did not start: <b>oops</b>");
    cr_assert_str_eq(s(lost, "status"), "not-run");
    cr_assert(strstr(s(lost, "reason"), "no-such-report.json unreadable") != NULL, "reason: %s", s(lost, "reason"));
    cr_assert_str_eq(s(cli, "reason"), "alpncheck client not built");
    cr_assert_eq(json_array_size(json_object_get(down, "cells")), 0);
    cr_assert_eq(json_array_size(json_object_get(lost, "cells")), 0);
    json_decref(m);
}

Test(matrix, bad_manifests)
{
    char err[512];
    static const struct {
        const char *file, *message;
    } cases[] = {
        {"bad-role.tsv", "role must be server or client, not \"proxy\""},
        {"bad-status.tsv", "status must be run or not-run, not \"maybe\""},
        {"no-such-manifest.tsv", "No such file or directory"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = '\0';
        json_t *m = build(cases[i].file, err, sizeof err);
        cr_assert_null(m, "%s accepted", cases[i].file);
        cr_assert(strstr(err, cases[i].message) != NULL, "%s: %s", cases[i].file, err);
    }
}

/* Hostile text from peers (observed text, names, versions, reasons) never reaches the page as markup. */
Test(matrix, html_escapes_everything_from_peers)
{
    json_t *m = fixture();
    char *h = render(m, matrix_write_html);
    cr_assert_null(strstr(h, "<script"), "a script element in the page");
    cr_assert_null(strstr(h, "<img"), "an img element in the page");
    cr_assert_null(strstr(h, "<b>"), "markup from a reason in the page");
    cr_assert_not_null(strstr(h, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; | pipe"));
    cr_assert_not_null(strstr(h, "evil&lt;img src=x&gt;"));
    cr_assert_not_null(strstr(h, "Stack &quot;q&quot;"));
    /* The FAIL cell: verdict class, the observed text in its title, a link to its entry in the details list. */
    cr_assert_not_null(strstr(h, "<td class=\"c FAIL\" title=\"FAIL — SRV-NO-OVERLAP-ALERT TLS 1.2: &lt;script&gt;"));
    cr_assert_not_null(strstr(h, "<a href=\"#d-server-0-2\">F</a>"));
    cr_assert_not_null(strstr(h, "<li id=\"d-server-0-2\"><span class=\"v FAIL\">FAIL</span>"));
    cr_assert_not_null(strstr(h, "<td class=\"notrun\" colspan=\"4\">not run: did not start: &lt;b&gt;"));
    cr_assert_not_null(strstr(h, "<td class=\"notrun\" colspan=\"1\">not run: alpncheck client not built"));
    cr_assert_null(strstr(h, "MAYBE"), "an unknown verdict was rendered");
    /* One peer row per peer, one column header per column. */
    size_t rows = 0, cols = 0;
    for (const char *p = h; (p = strstr(p, "<tr class=\"peer\"")) != NULL; p++)
        rows++;
    for (const char *p = h; (p = strstr(p, "<th class=\"col\">")) != NULL; p++)
        cols++;
    cr_assert_eq(rows, 5);
    cr_assert_eq(cols, 4);
    free(h);
    json_decref(m);
}

Test(matrix, markdown_escapes_cells)
{
    json_t *m = fixture();
    char *md = render(m, matrix_write_markdown);
    cr_assert_null(strstr(md, "<script"));
    cr_assert_null(strstr(md, "<img"));
    cr_assert_not_null(strstr(md, "&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'q' \\| pipe next line"));
    cr_assert_not_null(
        strstr(md, "| evil&lt;img src=x&gt; | Stack \"q\" | 2.0 &amp; more | 2 | 0 | 1 | 1 | 0 | run |"));
    cr_assert_not_null(strstr(md, "| `SRV-NO-OVERLAP-ALERT` | TLS 1.2 | FAIL | PASS |"));
    cr_assert_not_null(strstr(md, "| `SRV-LONG-NAME` | TLS 1.2 | – | SKIP |"));
    cr_assert_not_null(strstr(md, "not run: did not start: &lt;b&gt;oops&lt;/b&gt;"));
    free(md);
    json_decref(m);
}

Test(matrix, json_round_trip)
{
    json_t *m = fixture();
    char *text = render(m, matrix_write_json);
    json_error_t jerr;
    json_t *back = json_loads(text, 0, &jerr);
    cr_assert_not_null(back, "%s", jerr.text);
    cr_assert(json_equal(m, back));
    json_decref(back);
    free(text);
    json_decref(m);
}
