/* The matrix as one self-contained HTML page (reports/matrix.html): every text through esc_xml, every verdict in a
 * class attribute one of the known verdicts. */
#include <string.h>

#include "escape.h"
#include "matrix.h"
#include "matrix_render.h"

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
    "code{font-size:.92em}\n"
    "table.matrix tr.stack th{background:#e8ebf3;text-align:left;font-size:12px;position:sticky;left:0}\n"
    ".views a{margin-right:1rem}p.views a.all,#failures-only:target~p.views a.only{font-weight:700}\n"
    "#failures-only:target~p.views a.all{font-weight:400}#failures-only:target~section tr.clean{display:none}\n"
    "article.finding{border-left:4px solid #ccd;padding:.1rem .8rem;margin:1rem 0}\narticle.finding "
    "dt{font-weight:600;margin-top:.3rem}article.finding dd"
    "{margin-left:1rem}article.finding code{word-break:break-all}\n";

static const char *letter(const char *v)
{
    static const char *const letters[MX_N_VERDICTS] = {"P", "F", "W", "S", "E", "xF", "xP"};
    for (size_t i = 0; i < MX_N_VERDICTS; i++)
        if (strcmp(v, mx_verdicts[i]) == 0)
            return letters[i];
    return "?";
}

static void head(FILE *f, const json_t *m)
{
    mx_printf(
        f, esc_xml,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>alpncheck interoperability matrix</title>\n<style>\n%r</style></head><body>\n"
        "<h1>alpncheck interoperability matrix</h1>\n<p class=\"meta\">generated <time>%s</time> · alpncheck %s · "
        "%s · reproduce with <code>make matrix</code></p>\n<p>Every peer ran on loopback with ALPN <code>h2,"
        "http/1.1</code> (or what it supports). Cells: <span class=\"v PASS\">P</span> PASS, <span class=\"v "
        "FAIL\">F</span> FAIL (a MUST broken), <span class=\"v WARN\">W</span> WARN (a SHOULD broken, or refused "
        "with the wrong alert or none), <span class=\"v SKIP\">S</span> SKIP (not applicable), <span class=\"v "
        "ERROR\">E</span> ERROR (no answer), – not checked. Hover a cell for what was observed; every non-PASS "
        "cell links to its details below the table. Peers are grouped by TLS stack, the stack and the peer with the "
        "most FAIL, WARN and ERROR cells first; <a href=\"#findings\">the findings</a> write up every distinct "
        "non-PASS behaviour for the peer's maintainers.</p>\n<span id=\"failures-only\"></span>\n<p class=\"views\">"
        "<a class=\"only\" href=\"#failures-only\">only peers with FAIL, WARN or ERROR</a><a class=\"all\" "
        "href=\"#all\">every peer</a></p>\n",
        CSS, mx_str(m, "generated"), mx_str(json_object_get(m, "tool"), "version"), mx_str(m, "platform"));
}

static void table_begin(FILE *f, const json_t *t)
{
    const char *role = mx_str(t, "role");
    mx_printf(f, esc_xml,
              "<section id=\"%r\">\n<h2>%r</h2>\n<h3>Summary</h3>\n<table class=\"summary\"><thead><tr><th>peer</th>"
              "<th>%r</th><th>version</th><th>PASS</th><th>FAIL</th><th>WARN</th><th>SKIP</th><th>ERROR</th>"
              "<th>status</th></tr></thead><tbody>\n",
              role, mx_role_of(role)->html_head, mx_role_of(role)->stack_label);
}

/* The grid's head: one cell per check ID over its TLS versions, then one per column. */
static void grid_head(FILE *f, const json_t *cols)
{
    size_t ncols = json_array_size(cols), j;
    json_t *c;
    fputs("<thead><tr><th class=\"peer\" rowspan=\"2\">peer</th>", f);
    for (j = 0; j < ncols;) {
        c = json_array_get(cols, j);
        const char *id = mx_str(c, "id");
        size_t span = 1;
        while (j + span < ncols && strcmp(mx_str(json_array_get(cols, j + span), "id"), id) == 0)
            span++;
        mx_printf(f, esc_xml, "<th class=\"check\" colspan=\"%z\" title=\"%s: %s (%s, RFC %s)\">%s</th>", span, id,
                  mx_str(c, "title"), mx_str(c, "level"), mx_str(c, "ref"), id);
        j += span;
    }
    fputs("</tr>\n<tr>", f);
    json_array_foreach(cols, j, c)
    {
        const char *tls = mx_str(c, "tls");
        mx_printf(f, esc_xml, "<th class=\"col\">%s</th>", tls[0] ? tls : "-");
    }
    fputs("</tr></thead>\n", f);
}

/* One verdict: PASS plain, anything else with what was observed in its title and a link to its details. */
static void grid_cell(FILE *f, const char *role, size_t i, size_t j, const json_t *col, const json_t *peer)
{
    const json_t *cell;
    const char *v = mx_cell_verdict(peer, j, &cell);
    const char *tls = mx_str(col, "tls");
    if (v == NULL)
        fputs("<td class=\"c none\" title=\"not checked\">–</td>", f);
    else if (strcmp(v, "PASS") == 0)
        fputs("<td class=\"c PASS\" title=\"PASS\">P</td>", f);
    else
        mx_printf(f, esc_xml, "<td class=\"c %r\" title=\"%r — %s%r%s: %s\"><a href=\"#d-%r-%z-%z\">%r</a></td>", v, v,
                  mx_str(col, "id"), tls[0] ? " TLS " : "", tls, mx_str(cell, "observed"), role, i, j, letter(v));
}

/* A heading row before the first peer of each stack. */
static void stack_row(FILE *f, const json_t *peers, const size_t *order, size_t k, size_t ncols)
{
    const json_t *p = json_array_get(peers, order[k]);
    const char *stack = mx_str(p, "stack");
    if (k > 0 && strcmp(mx_str(json_array_get(peers, order[k - 1]), "stack"), stack) == 0)
        return;
    size_t n = 0, n_bad = 0, i;
    for (i = k; i < json_array_size(peers) && strcmp(mx_str(json_array_get(peers, order[i]), "stack"), stack) == 0;
         i++) {
        n++;
        n_bad += mx_attention(json_array_get(peers, order[i])) > 0;
    }
    mx_printf(f, esc_xml,
              "<tr class=\"stack%r\"><th colspan=\"%z\">%s <span class=\"meta\">· %z %r, %z with FAIL, "
              "WARN or ERROR</span></th></tr>\n",
              n_bad ? "" : " clean", ncols + 1, stack, n, n == 1 ? "peer" : "peers", n_bad);
}

/* One row per peer, one column per check and TLS version; peers grouped by stack, failures first. */
static int grid(FILE *f, const json_t *t, const size_t *order)
{
    const char *role = mx_str(t, "role");
    const json_t *cols = json_object_get(t, "columns"), *peers = json_object_get(t, "peers");
    size_t ncols = json_array_size(cols), j;
    json_t *c;
    mx_printf(f, esc_xml,
              "<h3>Matrix: %z peers × %z checks</h3>\n<div class=\"scroll\"><table class=\"matrix\" id=\"matrix-%r\" "
              "data-role=\"%r\">\n",
              json_array_size(peers), ncols, role, role);
    grid_head(f, cols);
    fputs("<tbody>\n", f);
    for (size_t k = 0; k < json_array_size(peers); k++) {
        size_t i = order[k];
        const json_t *p = json_array_get(peers, i);
        stack_row(f, peers, order, k, ncols);
        mx_printf(f, esc_xml,
                  "<tr class=\"peer%r\" id=\"row-%r-%z\"><th class=\"peer\" scope=\"row\">%s<br><small>%s"
                  "</small></th>",
                  mx_attention(p) == 0 ? " clean" : "", role, i, mx_str(p, "name"), mx_str(p, "version"));
        if (!mx_is_run(p))
            mx_printf(f, esc_xml, "<td class=\"notrun\" colspan=\"%z\">not run: %s</td>", ncols ? ncols : 1,
                      mx_str(p, "reason"));
        else
            json_array_foreach(cols, j, c) grid_cell(f, role, i, j, c, p);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n<h3>Details of every non-PASS cell</h3>\n", f);
    return 1;
}

static void detail_peer(FILE *f, const char *role, const mx_peer *p)
{
    mx_printf(f, esc_xml,
              "<h4 id=\"peer-%r-%z\">%s <span class=\"meta\">%s · %s</span></h4>\n<p class=\"meta\">command: "
              "<code>%s</code>",
              role, p->index, p->name, p->stack, p->version, p->command);
    if (p->log[0])
        mx_printf(f, esc_xml, " · log: <code>%s</code>", p->log);
    fputs("</p>\n<ul class=\"details\">\n", f);
}

static void detail_cell(FILE *f, const mx_detail *d)
{
    mx_printf(f, esc_xml,
              "<li id=\"d-%r-%z-%z\"><span class=\"v %r\">%r</span> <code>%s</code> %r — %s <span class=\"meta\">(%s, "
              "RFC %s)</span><div class=\"detail\">expected: %s<br>observed: %s</div></li>\n",
              d->role, d->peer, d->col, d->known, d->known, d->id, d->tls, d->title, d->level, d->ref, d->expected,
              d->observed);
}

static const findings_format FINDINGS_HTML = {
    .esc = esc_xml,
    .head = "<section id=\"findings\">\n<h2>Findings</h2>\n<p>%z findings, from this matrix (generated %s, alpncheck "
            "%s, %s; also as <code>reports/findings.md</code>). One finding per distinct non-PASS behaviour per TLS "
            "stack: the same check with the same verdict and the same observed behaviour on one stack is one finding "
            "that lists its peers. ERROR means no answer could be obtained: look at the peer's log before reporting "
            "it. SKIP cells are not findings.</p>\n",
    .role_head = "<h3>%r</h3>\n",
    .stack_head = "<h4>%s</h4>\n",
    .entry_head = "<article class=\"finding\"><p>%z. <span class=\"v %r\">%r</span> <code>%s</code> %s</p><dl>\n",
    .field = "<dt>%r</dt><dd>",
    .field_end = "</dd>\n",
    .code_open = "<code>",
    .code_close = "</code>",
    .cmd_open = "<code>",
    .cmd_close = "</code>",
    .reproduce_begin = "<ul>",
    .reproduce_peer = "<li>%s: ",
    .reproduce_peer_end = "</li>",
    .reproduce_end = "</ul>",
    .entry_end = "</dl></article>\n",
    .none = "<p>No findings: every check that ran passed or did not apply.</p>\n",
    .tail = "</section>\n",
};

static void findings_section(FILE *f, const json_t *m)
{
    matrix_findings_write(m, f, &FINDINGS_HTML);
}

static const matrix_format HTML = {
    .esc = esc_xml,
    .head = head,
    .table_begin = table_begin,
    .summary_run = "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%l</td><td class=\"num\">%l</td>"
                   "<td class=\"num\">%l</td><td class=\"num\">%l</td><td class=\"num\">%l</td><td>run</td></tr>\n",
    .summary_not_run = "<tr><td>%s</td><td>%s</td><td>%s</td><td colspan=\"5\"></td><td>not run: %s</td></tr>\n",
    .summary_end = "</tbody></table>\n",
    .grid = grid,
    .detail_peer = detail_peer,
    .detail_not_run = "<li><span class=\"v SKIP\">not run</span> %s</li>\n",
    .detail_cell = detail_cell,
    .all_passed = "<li>every check passed</li>\n",
    .detail_peer_end = "</ul>\n",
    .table_end = "</section>\n",
    .after_tables = findings_section,
    .tail = "</body></html>\n",
};

int matrix_write_html(const json_t *m, FILE *f)
{
    return matrix_render(m, f, &HTML);
}
