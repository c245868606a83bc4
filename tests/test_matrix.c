/* The interoperability matrix: gathering fixture reports (tests/data/matrix/) into cells, and escaping in the
 * renderers. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consumers.h"
#include "matrix.h"
#include "matrix_render.h"
#include "testkit.h"

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

/* The matrix built from one manifest of tests/data/matrix/, which must build. */
static json_t *fixture(const char *manifest)
{
    char err[512] = "";
    json_t *m = build(manifest, err, sizeof err);
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
    tk_capture c;
    cr_assert_eq(writer(m, tk_capture_open(&c)), 0);
    return tk_capture_take(&c);
}

Test(matrix, document_head)
{
    json_t *m = fixture("manifest.tsv");
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
    json_t *m = fixture("manifest.tsv");
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
    json_t *m = fixture("manifest.tsv");
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
    json_t *m = fixture("manifest.tsv");
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
        {"bad-role.tsv", "role must be server, client or proxy, not \"peer\""},
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
    json_t *m = fixture("manifest.tsv");
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
    cr_assert_eq(tk_count(h, "<tr class=\"peer\""), 5);
    cr_assert_eq(tk_count(h, "<th class=\"col\">"), 4);
    free(h);
    json_decref(m);
}

Test(matrix, markdown_escapes_cells)
{
    json_t *m = fixture("manifest.tsv");
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

/* A document from elsewhere (a hand-edited matrix.json) with markup in a level and a verdict: the Markdown shows it
 * as text, like every other string of the document. */
Test(matrix, markdown_escapes_level_and_verdict)
{
    json_t *m = fixture("manifest.tsv");
    json_t *col = json_array_get(json_object_get(table(m, 0), "columns"), 0);
    json_object_set_new(col, "level", json_string("MUST|<b>"));
    json_t *cell = json_array_get(json_object_get(peer(m, 0, 0), "cells"), 0);
    json_object_set_new(cell, "verdict", json_string("FAIL<i>"));
    char *md = render(m, matrix_write_markdown);
    cr_assert_null(strstr(md, "<b>"), "markup from a level in the page");
    cr_assert_null(strstr(md, "<i>"), "markup from a verdict in the page");
    cr_assert_not_null(strstr(md, "(MUST\\|&lt;b&gt;, RFC "), "%s", md);
    cr_assert_not_null(strstr(md, "- **FAIL&lt;i&gt;** `"), "%s", md);
    free(md);
    json_decref(m);
}

/* The fixture's hostile names, versions, reasons and observed text through real Markdown renderers: only the
 * elements the renderer itself makes (no img, script or b from the text), and every table row as wide as its
 * header. */
Test(matrix, markdown_is_inert_in_real_renderers)
{
    json_t *m = fixture("manifest.tsv");
    char *md = render(m, matrix_write_markdown);
    static const char *const renderers[] = {"cmark-gfm", "python-markdown"};
    static const char *const allowed[] = {"h1", "h2", "h3", "h4",   "p",  "table", "thead", "tbody",
                                          "tr", "th", "td", "code", "ul", "li",    "strong"};
    for (size_t r = 0; r < 2; r++) {
        char err[512];
        char *html = consumer_markdown(renderers[r], md, err, sizeof err);
        cr_assert_not_null(html, "%s", err);
        char *tags = consumer_tags(html);
        size_t header = 0, cells = 0, rows = 0;
        int in_header = 0;
        for (char *save = NULL, *t = strtok_r(tags, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
            const char *name = t[0] == '/' ? t + 1 : t;
            size_t k = 0;
            while (k < sizeof allowed / sizeof allowed[0] && strcmp(name, allowed[k]) != 0)
                k++;
            cr_expect(k < sizeof allowed / sizeof allowed[0], "%s made a <%s> element:\n%s", renderers[r], t, html);
            if (strcmp(t, "thead") == 0)
                in_header = 1;
            else if (strcmp(t, "tr") == 0)
                cells = 0;
            else if (strcmp(t, "th") == 0 || strcmp(t, "td") == 0)
                cells++;
            else if (strcmp(t, "/tr") == 0 && in_header) {
                header = cells;
                in_header = 0;
            } else if (strcmp(t, "/tr") == 0) {
                cr_expect_eq(cells, header, "%s: a row of %zu cells under a header of %zu:\n%s", renderers[r], cells,
                             header, html);
                rows++;
            }
        }
        cr_expect_geq(rows, 9, "%s: the summary and matrix rows are there (%zu)", renderers[r], rows);
        char *text = consumer_text(html);
        cr_expect(strstr(text, "evil<img src=x>") != NULL, "%s: the name is shown as text:\n%s", renderers[r], text);
        cr_expect(strstr(text, "did not start: <b>oops</b>") != NULL);
        cr_expect(strstr(text, "Command: evil --x *a* _b_ __c__ [l](u) ~~s~~ \\ # end.") != NULL,
                  "%s: the command is shown as it was written:\n%s", renderers[r], text);
        free(text);
        free(tags);
        free(html);
    }
    free(md);
    json_decref(m);
}

/* reports/matrix.md and reports/matrix.html are what the renderers make of reports/matrix.json, byte for byte: a
 * change to an escaper or renderer that alters the published pages shows here (regenerate all three with make
 * matrix, or say why the pages change). */
Test(matrix, published_pages_are_rendered_from_published_json)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/reports/matrix.json", src_dir());
    json_error_t e;
    json_t *m = json_load_file(path, 0, &e);
    cr_assert_not_null(m, "%s: %s", path, e.text);
    static const struct {
        const char *file;
        int (*writer)(const json_t *, FILE *);
    } pages[] = {{"matrix.md", matrix_write_markdown},
                 {"matrix.html", matrix_write_html},
                 {"findings.md", matrix_write_findings}};
    for (size_t i = 0; i < 3; i++) {
        char *want = NULL;
        size_t want_len = 0;
        snprintf(path, sizeof path, "%s/reports/%s", src_dir(), pages[i].file);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "%s", path);
        FILE *mem = open_memstream(&want, &want_len);
        int c;
        while ((c = fgetc(f)) != EOF)
            fputc(c, mem);
        fclose(f);
        fclose(mem);
        char *got = render(m, pages[i].writer);
        size_t at = 0;
        while (got[at] && got[at] == want[at])
            at++;
        cr_expect(strlen(got) == want_len && at == want_len,
                  "%s differs from its rendering at byte %zu: \"%.80s\" vs \"%.80s\"", pages[i].file, at, want + at,
                  got + at);
        free(got);
        free(want);
    }
    json_decref(m);
}

Test(matrix, json_round_trip)
{
    json_t *m = fixture("manifest.tsv");
    char *text = render(m, matrix_write_json);
    json_error_t jerr;
    json_t *back = json_loads(text, 0, &jerr);
    cr_assert_not_null(back, "%s", jerr.text);
    cr_assert(json_equal(m, back));
    json_decref(back);
    free(text);
    json_decref(m);
}

/* ---- findings ---------------------------------------------------------------------------------------------------- */

/* The peer names of a finding, comma-separated. */
static char *names_of(const json_t *e, char *buf, size_t cap)
{
    size_t i, o = 0;
    json_t *p;
    buf[0] = '\0';
    json_array_foreach(json_object_get(e, "peers"), i, p) o +=
        (size_t)snprintf(buf + o, cap - o, "%s%s", i ? "," : "", s(p, "name"));
    return buf;
}

/* The same check with the same verdict and observed text on one stack is one finding listing its peers and TLS
 * versions; another observed text, or another stack, is another finding. The stack with more findings comes first,
 * FAIL before WARN before ERROR; a clean peer has none. */
Test(matrix, findings_grouped_by_stack_check_and_behaviour)
{
    json_t *m = fixture("findings.tsv");
    json_t *f = matrix_findings(m);
    char names[256];
    static const struct {
        const char *stack, *id, *verdict, *peers;
        size_t n_tls;
    } want[] = {
        {"Lib 1.0", "SRV-NO-OVERLAP-ALERT", "FAIL", "p1,p2", 2}, {"Lib 1.0", "SRV-LONG-NAME", "WARN", "p1", 1},
        {"Lib 1.0", "SRV-LONG-NAME", "WARN", "p2", 1},           {"Lib 1.0", "SRV-RESUME-FRESH", "ERROR", "p1", 1},
        {"Other 2.0", "SRV-NO-OVERLAP-ALERT", "FAIL", "p3", 2},  {"Other 2.0", "SRV-LONG-NAME", "WARN", "p3", 1},
        {"Other 2.0", "SRV-RESUME-FRESH", "ERROR", "p3", 1},
    };
    cr_assert_eq(json_array_size(f), sizeof want / sizeof want[0], "%zu findings", json_array_size(f));
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        json_t *e = json_array_get(f, i);
        cr_expect_str_eq(s(e, "stack"), want[i].stack, "finding %zu", i);
        cr_expect_str_eq(s(e, "id"), want[i].id, "finding %zu", i);
        cr_expect_str_eq(s(e, "verdict"), want[i].verdict, "finding %zu", i);
        cr_expect_str_eq(names_of(e, names, sizeof names), want[i].peers, "finding %zu", i);
        cr_expect_eq(json_array_size(json_object_get(e, "tls")), want[i].n_tls, "finding %zu", i);
    }
    /* The bytes: hex as the report gave it, null for no extension; text that is not hex is not copied. */
    cr_expect_str_eq(s(json_array_get(f, 0), "sent"), "000403666f6f");
    cr_expect(json_is_null(json_object_get(json_array_get(f, 0), "received")));
    cr_expect_null(json_object_get(json_array_get(f, 2), "sent"));
    cr_expect_null(json_object_get(json_array_get(f, 3), "sent"));
    json_decref(f);
    json_decref(m);
}

/* Each finding says what was sent and received and how to reproduce it against each of its peers: the start command
 * and the alpncheck command of the manifest, narrowed to the check and one TLS version; without them, the peer's
 * description. */
Test(matrix, findings_page_reproduces_each_finding)
{
    json_t *m = fixture("findings.tsv");
    char *md = render(m, matrix_write_findings);
    cr_expect(strstr(md, "7 findings") != NULL, "%.300s", md);
    cr_expect(strstr(md, "#### 1. FAIL `SRV-NO-OVERLAP-ALERT`: a title") != NULL);
    cr_expect(strstr(md, "- **Peers:** p1 (p1 1.0), p2 (p2 1.1)") != NULL);
    cr_expect(strstr(md, "- **Requirement:** MUST, RFC 7301 §3.2: fatal alert 120") != NULL);
    cr_expect(strstr(md, "hex):** `000403666f6f`") != NULL);
    cr_expect(strstr(md, "- **The server answered (hex):** no ALPN extension") != NULL);
    cr_expect(strstr(md,
                     "  - p1: start it with p1-server --port 1 (as make matrix ran it; its configuration is written "
                     "under build/matrix/run/), then alpncheck server 127.0.0.1:1 --alpn h2 --only "
                     "SRV-NO-OVERLAP-ALERT --tls 1.3 -v") != NULL,
              "%s", md);
    cr_expect(
        strstr(md, "  - p2: start it as p2-server, then run alpncheck server with --only SRV-NO-OVERLAP-ALERT -v") !=
        NULL);
    cr_expect(strstr(md, "`"
                         "01010101") != NULL &&
              strstr(md, "...(300 bytes)`") != NULL);
    cr_expect(strstr(md, "not recorded (a check over complete handshakes)") != NULL);
    cr_expect(strstr(md, "<b>") == NULL, "markup from a report reached the page");
    cr_expect(strstr(md, "&lt;b&gt;x&lt;/b&gt;") != NULL);
    free(md);
    char *html = render(m, matrix_write_html);
    cr_expect(strstr(html, "<section id=\"findings\">") != NULL);
    cr_expect(strstr(html, "<code>000403666f6f</code>") != NULL);
    cr_expect(strstr(html, "<b>") == NULL, "markup from a report reached the page");
    free(html);
    json_decref(m);
}

/* The pages show a table's peers grouped by stack, the stack and peer with FAILs first; the clean peer last. */
Test(matrix, peers_ordered_by_stack_failures_first)
{
    json_t *m = fixture("findings.tsv");
    size_t *order = mx_peer_order(table(m, 0));
    cr_assert_not_null(order);
    static const size_t want[] = {0, 1, 2, 3}; /* p1 (FAIL x2) and p2 (FAIL x1) on Lib 1.0; p3 then clean */
    for (size_t i = 0; i < 4; i++)
        cr_expect_eq(order[i], want[i], "position %zu: peer %zu", i, order[i]);
    free(order);
    char *html = render(m, matrix_write_html);
    const char *p2 = strstr(html, "id=\"row-server-1\""), *p3 = strstr(html, "id=\"row-server-2\"");
    cr_expect(p2 != NULL && p3 != NULL && p2 < p3);
    cr_expect(strstr(html, "<tr class=\"peer clean\" id=\"row-server-3\"") != NULL, "the clean peer is marked");
    free(html);
    json_decref(m);
}

/* A small file's text (caller frees). */
static char *file_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = calloc(1, 65536);
    cr_assert_not_null(buf);
    size_t n = fread(buf, 1, 65535, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* README's block: written between its markers, found stale by --check, left alone when current; a README without
 * the block is an error. */
Test(matrix, readme_block_regenerated_and_checked)
{
    json_t *m = fixture("findings.tsv");
    char path[] = "/tmp/alpncheck-readme-XXXXXX", err[256];
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# title\n\n" MATRIX_README_BEGIN "old text\n" MATRIX_README_END "after\n", f);
    fclose(f);
    cr_expect_eq(matrix_readme_update(path, m, 1, err, sizeof err), 1, "a stale block passes --check");
    cr_expect_eq(matrix_readme_update(path, m, 0, err, sizeof err), 0);
    cr_expect_eq(matrix_readme_update(path, m, 1, err, sizeof err), 0, "the rewritten block is stale");
    char *text = file_text(path);
    cr_expect(strncmp(text, "# title\n\n" MATRIX_README_BEGIN "The published matrix (test, generated ", 40) == 0);
    cr_expect(strstr(text,
                     "| p1 (p1 1.0) | Lib 1.0 | 1 | 2 | 1 | 1 | `SRV-NO-OVERLAP-ALERT` FAIL, `SRV-LONG-NAME` WARN, "
                     "`SRV-RESUME-FRESH` ERROR |\n") != NULL,
              "%s", text);
    cr_expect(strstr(text, "| clean (c 1) | Other 2.0 | 1 | 0 | 0 | 0 | — |\n") != NULL);
    cr_expect(strstr(text, "over 2 TLS stacks (Lib 1.0; Other 2.0)") != NULL);
    cr_expect(strstr(text, "\n" MATRIX_README_END "after\n") != NULL, "the text after the block is kept");
    free(text);
    f = fopen(path, "w");
    fputs("no block here\n", f);
    fclose(f);
    cr_expect_eq(matrix_readme_update(path, m, 1, err, sizeof err), -1);
    cr_expect(strstr(err, "no block") != NULL, "%s", err);
    unlink(path);
    json_decref(m);
}

/* ---- the proxy table (issue 18): alpncheck proxy through each HTTP proxy ---------------------------------------- */

/* Proxy rows make a third table after the servers and clients, whatever the manifest's order; its columns and cells
 * come from the proxy reports (checks without a TLS version). */
Test(matrix, proxy_rows_make_a_third_table)
{
    json_t *m = fixture("proxies.tsv");
    cr_assert_eq(json_array_size(json_object_get(m, "tables")), 3);
    cr_assert_str_eq(s(table(m, 0), "role"), "server");
    cr_assert_str_eq(s(table(m, 1), "role"), "client");
    cr_assert_str_eq(s(table(m, 2), "role"), "proxy");
    json_t *cols = json_object_get(table(m, 2), "columns");
    cr_assert_eq(json_array_size(cols), 2);
    cr_assert_str_eq(s(json_array_get(cols, 1), "id"), "PRX-ALPN-FORWARDED");
    cr_assert_str_eq(s(json_array_get(cols, 1), "tls"), "");
    json_t *px = peer(m, 2, 0), *down = peer(m, 2, 1);
    cr_assert_str_eq(s(json_array_get(json_object_get(px, "cells"), 1), "verdict"), "WARN");
    cr_assert_str_eq(s(px, "start"), "px -c px.conf");
    cr_assert_str_eq(s(down, "reason"), "squid is not installed");
    cr_assert_eq(json_array_size(json_object_get(table(m, 0), "peers")), 1);
    /* The two-table matrix of a run without proxies stays two tables. */
    json_t *two = fixture("manifest.tsv");
    cr_assert_eq(json_array_size(json_object_get(two, "tables")), 2);
    json_decref(two);
    json_decref(m);
}

/* Every renderer names the proxy table for what alpncheck does there, and its stack column for the proxy program. */
Test(matrix, proxy_table_rendered_everywhere)
{
    json_t *m = fixture("proxies.tsv");
    char *md = render(m, matrix_write_markdown);
    cr_expect(strstr(md, "\n## Proxies (alpncheck sends CONNECT: `alpncheck proxy`)\n\n| peer | proxy | version |") !=
                  NULL,
              "%s", md);
    cr_expect(strstr(md, "| px-chained | Proxy 1.0 | px 1.0 | 1 | 0 | 1 | 0 | 0 | run |") != NULL);
    cr_expect(strstr(md, "| `PRX-ALPN-FORWARDED` | - | WARN |") != NULL, "%s", md);
    free(md);
    char *h = render(m, matrix_write_html);
    cr_expect(strstr(h, "<section id=\"proxy\">\n<h2>Proxies (alpncheck sends CONNECT: <code>alpncheck proxy</code>)"
                        "</h2>") != NULL);
    cr_expect(strstr(h, "<th>proxy</th><th>version</th>") != NULL);
    cr_expect(strstr(h, "data-role=\"proxy\"") != NULL);
    cr_expect(strstr(h, "<li id=\"d-proxy-0-1\">") != NULL, "the WARN cell's details");
    cr_expect(strstr(h, "<i>") == NULL, "markup from a proxy report reached the page");
    free(h);
    char *fd = render(m, matrix_write_findings);
    cr_expect(strstr(fd, "\n## Proxies (alpncheck sends CONNECT)\n") != NULL, "%s", fd);
    cr_expect(strstr(fd, "- **Proxy:** Proxy 1.0\n") != NULL);
    cr_expect(strstr(fd, "not recorded") == NULL, "a proxy finding has no ALPN bytes to show");
    cr_expect(strstr(fd, "  - px-chained: start it with px -c px.conf (as make matrix ran it; its configuration is "
                         "written under build/matrix/run/), then alpncheck proxy 127.0.0.1:2 --upstream 127.0.0.1:3 "
                         "--only PRX-ALPN-FORWARDED -v") != NULL,
              "%s", fd);
    free(fd);
    char *rd = render(m, matrix_write_readme_block);
    cr_expect(strstr(rd, "1 server, 0 client and 2 proxy peers over 1 TLS stacks (Other 2.0)") != NULL, "%s", rd);
    cr_expect(strstr(rd, "\n| proxy | proxy | PASS | FAIL | WARN | ERROR |") != NULL);
    cr_expect(strstr(rd, "| px-chained (px 1.0) | Proxy 1.0 | 1 | 0 | 1 | 0 | `PRX-ALPN-FORWARDED` WARN |") != NULL,
              "%s", rd);
    free(rd);
    json_decref(m);
}

/* A document read back (alpnmatrix --from) with a role no renderer knows is refused, not rendered. */
Test(matrix, unknown_role_in_a_document_refused)
{
    json_t *m = fixture("proxies.tsv");
    char err[256] = "";
    cr_expect_eq(matrix_check_roles(m, err, sizeof err), 0, "%s", err);
    json_object_set_new(table(m, 2), "role", json_string("gateway"));
    cr_expect_eq(matrix_check_roles(m, err, sizeof err), -1);
    cr_expect(strstr(err, "table 2: role must be server, client or proxy, not \"gateway\"") != NULL, "%s", err);
    json_t *bare = json_object();
    cr_expect_eq(matrix_check_roles(bare, err, sizeof err), -1);
    json_decref(bare);
    json_decref(m);
}
