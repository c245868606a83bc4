/* Renderers of a report: terminal, JSON, JUnit XML, Markdown, HTML. They print; they never judge. */
#include <jansson.h>
#include <string.h>

#include "report.h"

/* Sections in order of first appearance, so output follows the order the checks ran in. */
static size_t sections(const report *r, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t j = 0;
        while (j < n && strcmp(out[j], r->results[i].section) != 0)
            j++;
        if (j == n && n < max)
            out[n++] = r->results[i].section;
    }
    return n;
}

static int needs_detail(verdict v)
{
    return v != VERDICT_PASS && v != VERDICT_XFAIL;
}

static void tls_label(const result *res, char *buf, size_t cap)
{
    if (res->tls && res->tls[0])
        snprintf(buf, cap, "TLS %s", res->tls);
    else
        snprintf(buf, cap, "-");
}

/* ---- terminal ---------------------------------------------------------------------------------------------- */

static const char *verdict_color(verdict v)
{
    switch (v) {
    case VERDICT_PASS:
    case VERDICT_XFAIL:
        return "\033[32m";
    case VERDICT_FAIL:
    case VERDICT_XPASS:
        return "\033[31m";
    case VERDICT_WARN:
    case VERDICT_ERROR:
        return "\033[33m";
    default:
        return "\033[2m";
    }
}

static int needs_attention(verdict v)
{
    return v == VERDICT_FAIL || v == VERDICT_WARN || v == VERDICT_ERROR || v == VERDICT_XPASS;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

int report_write_terminal(const report *r, FILE *f, const terminal_style *style)
{
    int color = style->color;
    const char *secs[64];
    size_t ns = sections(r, secs, 64);
    fprintf(f, "alpncheck %s — %s\n", r->tool_version, r->target);
    if (r->profile[0])
        fprintf(f, "profile: %s\n", r->profile);
    for (size_t s = 0; s < ns; s++) {
        int heading = 0;
        for (size_t i = 0; i < r->n; i++) {
            const result *res = &r->results[i];
            if (strcmp(res->section, secs[s]) != 0 || (style->quiet && !needs_attention(res->v)))
                continue;
            if (!heading++)
                fprintf(f, "\n%s%s%s\n", color ? "\033[1m" : "", secs[s], color ? "\033[0m" : "");
            char tls[16];
            tls_label(res, tls, sizeof tls);
            fprintf(f, "  %s%-5s%s %-34s %-7s %s\n", color ? verdict_color(res->v) : "", verdict_name(res->v),
                    color ? "\033[0m" : "", res->id, tls, res->title);
            if (needs_detail(res->v) || style->verbose) {
                fprintf(f, "        requirement: %s (RFC %s)\n", level_name(res->lvl), res->ref);
                fprintf(f, "        expected:    %s\n", res->expected);
                fprintf(f, "        observed:    %s\n", res->observed);
            }
        }
    }
    if (style->quiet && r->counts[VERDICT_SKIP] > 0)
        fprintf(f, "\n%zu %s not applicable (SKIP; -v shows why)\n", r->counts[VERDICT_SKIP],
                plural(r->counts[VERDICT_SKIP], "check", "checks"));
    char other[128], line[128];
    report_other_counts(r, other, sizeof other);
    report_summary_line(r, line, sizeof line);
    fprintf(f, "\n%zu %s in %.2f s%s%s\n%s\n", r->n, plural(r->n, "check", "checks"), r->total_ms / 1000.0,
            other[0] ? "; " : "", other, line);
    /* The recap: what needs attention, and the next step. */
    char ids[1024], why[384];
    size_t n_ids = report_failed_ids(r, ids, sizeof ids);
    if (n_ids > 0) {
        fprintf(f, "needs attention: %s\n", ids);
        fprintf(f, "next: rerun one check with --only ID -v to see what was sent and received; list the findings you "
                   "accept in a file (one ID or ID@1.3 per line) for --known-failures FILE\n");
    }
    report_exit_reason(r, why, sizeof why);
    if (why[0])
        fprintf(f, "%s\n", why);
    return ferror(f) ? -1 : 0;
}

/* ---- JSON (reports/schema/report-1.schema.json) ------------------------------------------------------------ */

int report_write_json(const report *r, FILE *f)
{
    json_t *summary = json_object();
    for (int v = 0; v < VERDICT_COUNT; v++)
        json_object_set_new(summary, verdict_name((verdict)v), json_integer((json_int_t)r->counts[v]));
    json_t *results = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const result *res = &r->results[i];
        json_array_append_new(results,
                              json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f}", "id", res->id, "tls",
                                        res->tls ? res->tls : "", "section", res->section, "ref", res->ref, "title",
                                        res->title, "level", level_name(res->lvl), "verdict", verdict_name(res->v),
                                        "expected", res->expected, "observed", res->observed, "durationMs", res->ms));
    }
    json_t *doc = json_pack("{s:s, s:i, s:{s:s, s:s}, s:s, s:s, s:s, s:f, s:o, s:o}", "schema", REPORT_SCHEMA_ID,
                            "schemaVersion", REPORT_SCHEMA_VERSION, "tool", "name", "alpncheck", "version",
                            r->tool_version, "target", r->target, "profile", r->profile, "started", r->started,
                            "durationMs", r->total_ms, "summary", summary, "results", results);
    if (doc == NULL)
        return -1;
    int rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    json_decref(doc);
    return rc == 0 && !ferror(f) ? 0 : -1;
}

/* ---- XML and HTML ------------------------------------------------------------------------------------------ */

/* Escapes text for XML/HTML; drops control characters XML 1.0 cannot carry. */
static void xml_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            if (c >= 0x20 || c == '\n' || c == '\t')
                fputc(c, f);
        }
    }
}

void report_escape_xml(FILE *f, const char *s)
{
    xml_escaped(f, s);
}

/* JUnit classname: "alpncheck." + the ID's first two parts (SRV-MALFORMED-EMPTY-LIST → alpncheck.SRV-MALFORMED). */
static void junit_classname(const char *id, char *buf, size_t cap)
{
    const char *first = strchr(id, '-');
    const char *second = first ? strchr(first + 1, '-') : NULL;
    int len = second ? (int)(second - id) : (int)strlen(id);
    snprintf(buf, cap, "alpncheck.%.*s", len, id);
}

int report_write_junit(const report *r, FILE *f)
{
    size_t failures = r->counts[VERDICT_FAIL] + r->counts[VERDICT_XPASS];
    size_t skipped = r->counts[VERDICT_SKIP] + r->counts[VERDICT_XFAIL];
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"alpncheck\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
               "time=\"%.3f\">\n", r->n, failures, r->counts[VERDICT_ERROR], skipped, r->total_ms / 1000.0);
    fprintf(f, "  <testsuite name=\"");
    xml_escaped(f, r->target);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\" timestamp=\"%s\">\n",
            r->n, failures, r->counts[VERDICT_ERROR], skipped, r->total_ms / 1000.0, r->started);
    for (size_t i = 0; i < r->n; i++) {
        const result *res = &r->results[i];
        char cls[64];
        junit_classname(res->id, cls, sizeof cls);
        /* Every testcase carries both classname and a unique name (ID plus TLS version). */
        fprintf(f, "    <testcase classname=\"%s\" name=\"%s%s%s\" time=\"%.3f\"", cls, res->id,
                res->tls && res->tls[0] ? " TLS " : "", res->tls ? res->tls : "", res->ms / 1000.0);
        if (res->v == VERDICT_PASS) {
            fprintf(f, "/>\n");
            continue;
        }
        fprintf(f, ">\n      ");
        const char *elem = "system-out";
        switch (res->v) {
        case VERDICT_FAIL:
        case VERDICT_XPASS:
            elem = "failure";
            break;
        case VERDICT_ERROR:
            elem = "error";
            break;
        case VERDICT_SKIP:
        case VERDICT_XFAIL:
            elem = "skipped";
            break;
        default:
            break;
        }
        if (strcmp(elem, "system-out") == 0) {
            fprintf(f, "<system-out>%s: ", verdict_name(res->v));
        } else {
            fprintf(f, "<%s type=\"%s\" message=\"", elem, verdict_name(res->v));
            xml_escaped(f, res->observed);
            fprintf(f, "\">");
        }
        fprintf(f, "%s (RFC %s)\nexpected: ", level_name(res->lvl), res->ref);
        xml_escaped(f, res->expected);
        fprintf(f, "\nobserved: ");
        xml_escaped(f, res->observed);
        fprintf(f, "</%s>\n    </testcase>\n", elem);
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    return ferror(f) ? -1 : 0;
}

static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n')
            fputs("<br>", f);
        else
            fputc(*s, f);
    }
}

int report_write_markdown(const report *r, FILE *f)
{
    char line[128], other[128];
    report_summary_line(r, line, sizeof line);
    report_other_counts(r, other, sizeof other);
    fprintf(f, "# alpncheck report: %s\n\nalpncheck %s, %s. **%s**%s%s.\n", r->target, r->tool_version, r->started,
            line, other[0] ? "; " : "", other);
    if (r->profile[0])
        fprintf(f, "\nServer profile: %s\n", r->profile);
    const char *secs[64];
    size_t ns = sections(r, secs, 64);
    for (size_t s = 0; s < ns; s++) {
        fprintf(f, "\n## %s\n\n| verdict | check | TLS | level | expected | observed |\n|---|---|---|---|---|---|\n",
                secs[s]);
        for (size_t i = 0; i < r->n; i++) {
            const result *res = &r->results[i];
            if (strcmp(res->section, secs[s]) != 0)
                continue;
            fprintf(f, "| %s | `%s` | %s | %s | ", verdict_name(res->v), res->id, res->tls ? res->tls : "",
                    level_name(res->lvl));
            md_cell(f, res->expected);
            fputs(" | ", f);
            md_cell(f, res->observed);
            fputs(" |\n", f);
        }
    }
    return ferror(f) ? -1 : 0;
}

int report_write_html(const report *r, FILE *f)
{
    char line[128], other[128];
    report_summary_line(r, line, sizeof line);
    report_other_counts(r, other, sizeof other);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>alpncheck: ", f);
    xml_escaped(f, r->target);
    fputs("</title>\n<style>\n"
          "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}\n"
          "h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ccd}\n"
          ".meta{color:#5a6275}.counts span{display:inline-block;margin:.6rem .5rem 0 0;padding:.2rem .7rem;"
          "border-radius:1rem;font-weight:600}\n"
          "table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .5rem;"
          "border-bottom:1px solid #e4e6ee;vertical-align:top}\n"
          "th{font-size:.8rem;text-transform:uppercase;color:#5a6275}code{font-size:.9em;white-space:nowrap}\n"
          ".v{font-weight:700;border-radius:.3rem;padding:.1rem .45rem;font-size:.8rem}\n"
          ".PASS,.XFAIL{background:#dcf5e3;color:#11622c}.FAIL,.XPASS{background:#fde0df;color:#9b1c17}\n"
          ".WARN,.ERROR{background:#fff1d0;color:#7a5200}.SKIP{background:#eceef3;color:#4c5365}\n"
          ".detail{color:#3c4456;font-size:.9em}\n</style></head><body>\n<h1>alpncheck report: ",
          f);
    xml_escaped(f, r->target);
    fprintf(f, "</h1>\n<p class=\"meta\">alpncheck %s &middot; %s &middot; %zu checks in %.1f s</p>\n",
            r->tool_version, r->started, r->n, r->total_ms / 1000.0);
    if (r->profile[0]) {
        fputs("<p class=\"meta\">Server profile: ", f);
        xml_escaped(f, r->profile);
        fputs("</p>\n", f);
    }
    fputs("<p class=\"counts\">", f);
    for (int v = 0; v < VERDICT_COUNT; v++) {
        if (r->counts[v] > 0 || v <= VERDICT_SKIP)
            fprintf(f, "<span class=\"%s\">%zu %s</span>", verdict_name((verdict)v), r->counts[v],
                    verdict_name((verdict)v));
    }
    fprintf(f, "</p>\n<p><strong>%s</strong>%s%s</p>\n", line, other[0] ? "; " : "", other);
    const char *secs[64];
    size_t ns = sections(r, secs, 64);
    for (size_t s = 0; s < ns; s++) {
        fputs("<h2>", f);
        xml_escaped(f, secs[s]);
        fputs("</h2>\n<table><thead><tr><th>verdict</th><th>check</th><th>TLS</th><th>level</th><th>what</th>"
              "</tr></thead><tbody>\n",
              f);
        for (size_t i = 0; i < r->n; i++) {
            const result *res = &r->results[i];
            if (strcmp(res->section, secs[s]) != 0)
                continue;
            fprintf(f, "<tr id=\"%s-%s\"><td><span class=\"v %s\">%s</span></td><td><code>%s</code></td><td>%s</td>"
                       "<td>%s</td><td>",
                    res->id, res->tls ? res->tls : "", verdict_name(res->v), verdict_name(res->v), res->id,
                    res->tls ? res->tls : "", level_name(res->lvl));
            xml_escaped(f, res->title);
            fprintf(f, " <span class=\"meta\">(RFC %s)</span>", res->ref);
            if (needs_detail(res->v)) {
                fputs("<div class=\"detail\">expected: ", f);
                xml_escaped(f, res->expected);
                fputs("<br>observed: ", f);
                xml_escaped(f, res->observed);
                fputs("</div>", f);
            }
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }
    fputs("</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}
