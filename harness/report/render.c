/* Renderers of a report: terminal, JSON, JUnit XML, Markdown, HTML. They print; they never judge. */
#include <jansson.h>
#include <string.h>

#include "escape.h"
#include "report.h"
#include "table_text.h"

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

/* The summary line between open and close (emphasis), then "; " and the counts of the other verdicts when there are
 * any. */
static void put_summary(FILE *f, const report *r, const char *open, const char *close)
{
    char line[128], other[128];
    report_summary_line(r, line, sizeof line);
    report_other_counts(r, other, sizeof other);
    fprintf(f, "%s%s%s%s%s", open, line, close, other[0] ? "; " : "", other);
}

typedef void (*esc_fn)(FILE *f, const char *s);

/* before, the text escaped, after. */
static void put_text(FILE *f, esc_fn esc, const char *before, const char *text, const char *after)
{
    fputs(before, f);
    esc(f, text);
    fputs(after, f);
}

/* A format's table per section: before, the heading escaped, after; a row per result of the section; end. Sections
 * come in the order the checks ran in. */
typedef struct {
    const char *before;
    esc_fn esc;
    const char *after;
    void (*row)(FILE *f, const result *res);
    const char *end;
} section_tables;

static void put_sections(const report *r, FILE *f, const section_tables *t)
{
    const char *secs[64];
    size_t ns = sections(r, secs, 64);
    for (size_t s = 0; s < ns; s++) {
        put_text(f, t->esc, t->before, secs[s], t->after);
        for (size_t i = 0; i < r->n; i++) {
            if (strcmp(r->results[i].section, secs[s]) == 0)
                t->row(f, &r->results[i]);
        }
        fputs(t->end, f);
    }
}

/* ---- terminal ---------------------------------------------------------------------------------------------- */

static const char *verdict_color(verdict v)
{
    static const char *const colors[VERDICT_COUNT] = {
        [VERDICT_PASS] = "\033[32m",  [VERDICT_XFAIL] = "\033[32m", [VERDICT_FAIL] = "\033[31m",
        [VERDICT_XPASS] = "\033[31m", [VERDICT_WARN] = "\033[33m",  [VERDICT_ERROR] = "\033[33m",
        [VERDICT_SKIP] = "\033[2m",
    };
    return TABLE_TEXT(colors, v, "\033[2m");
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
    fprintf(f, "alpncheck %s — ", r->tool_version);
    esc_term(f, r->name);
    if (strcmp(r->name, r->target) != 0)
        put_text(f, esc_term, " (", r->target, ")");
    fputc('\n', f);
    if (r->profile[0])
        put_text(f, esc_term, "profile: ", r->profile, "\n");
    for (size_t s = 0; s < ns; s++) {
        int heading = 0;
        for (size_t i = 0; i < r->n; i++) {
            const result *res = &r->results[i];
            if (strcmp(res->section, secs[s]) != 0 || (style->quiet && !needs_attention(res->v)))
                continue;
            if (!heading++) {
                fprintf(f, "\n%s", color ? "\033[1m" : "");
                esc_term(f, secs[s]);
                fprintf(f, "%s\n", color ? "\033[0m" : "");
            }
            char tls[16];
            tls_label(res, tls, sizeof tls);
            fprintf(f, "  %s%-5s%s %-34s %-7s ", color ? verdict_color(res->v) : "", verdict_name(res->v),
                    color ? "\033[0m" : "", res->id, tls);
            esc_term(f, res->title);
            fputc('\n', f);
            if (needs_detail(res->v) || style->verbose) {
                fprintf(f, "        requirement: %s (RFC ", level_name(res->lvl));
                put_text(f, esc_term, "", res->ref, ")\n");
                put_text(f, esc_term, "        expected:    ", res->expected, "\n");
                put_text(f, esc_term, "        observed:    ", res->observed, "\n");
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

/* A played connection's ALPN bytes (hex, produced by result_set_alpn; null: no such extension). */
static void alpn_bytes_json(json_t *obj, const result *res)
{
    json_object_set_new(obj, "alpnSent", res->has_sent ? esc_json_str(res->sent_hex) : json_null());
    json_object_set_new(obj, "alpnReceived", res->has_received ? esc_json_str(res->received_hex) : json_null());
}

int report_write_json(const report *r, FILE *f)
{
    json_t *summary = json_object();
    for (int v = 0; v < VERDICT_COUNT; v++)
        json_object_set_new(summary, verdict_name((verdict)v), json_integer((json_int_t)r->counts[v]));
    json_t *results = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const result *res = &r->results[i];
        /* Every string through esc_json: observed text carries peer bytes, and one ill-formed UTF-8 byte would make
         * json_pack fail and the whole report go unwritten. */
        json_array_append_new(
            results, json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:f}", "id", esc_json_str(res->id), "tls",
                               esc_json_str(res->tls ? res->tls : ""), "section", esc_json_str(res->section), "ref",
                               esc_json_str(res->ref), "title", esc_json_str(res->title), "level", level_name(res->lvl),
                               "verdict", verdict_name(res->v), "expected", esc_json_str(res->expected), "observed",
                               esc_json_str(res->observed), "durationMs", res->ms));
        if (res->alpn_recorded)
            alpn_bytes_json(json_array_get(results, i), res);
    }
    json_t *doc = json_pack(
        "{s:s, s:i, s:{s:s, s:o}, s:o, s:o, s:o, s:o, s:f, s:o, s:o}", "schema", REPORT_SCHEMA_ID, "schemaVersion",
        REPORT_SCHEMA_VERSION, "tool", "name", "alpncheck", "version", esc_json_str(r->tool_version), "target",
        esc_json_str(r->target), "name", esc_json_str(r->name), "profile", esc_json_str(r->profile), "started",
        esc_json_str(r->started), "durationMs", r->total_ms, "summary", summary, "results", results);
    if (doc == NULL)
        return -1;
    int rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    json_decref(doc);
    return rc == 0 && !ferror(f) ? 0 : -1;
}

/* ---- JUnit XML --------------------------------------------------------------------------------------------- */

static void put(char *buf, size_t cap, size_t *o, const char *add, size_t len)
{
    if (*o + len + 1 > cap)
        return;
    memcpy(buf + *o, add, len);
    *o += len;
    buf[*o] = '\0';
}

/* Appends to buf (at *o) the ASCII letter and digit runs of s[0..n), joined by '_'; an en dash (U+2013, as in
 * "§3.1–3.2") reads "_to_". */
static void ident(char *buf, size_t cap, size_t *o, const char *s, size_t n)
{
    size_t start = *o;
    int gap = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            if (gap && *o > start)
                put(buf, cap, o, "_", 1);
            put(buf, cap, o, (const char *)&s[i], 1);
            gap = 0;
        } else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x93) {
            if (*o > start)
                put(buf, cap, o, "_to_", 4);
            i += 2;
            gap = 0;
        } else {
            gap = 1;
        }
    }
}

void report_junit_classname(const char *section, char *buf, size_t cap)
{
    static const char dash[] = " \xe2\x80\x94 "; /* " — " between the RFC part and the heading */
    size_t o = (size_t)snprintf(buf, cap, "alpncheck.");
    if (o >= cap)
        return;
    const char *sep = section ? strstr(section, dash) : NULL;
    size_t head = section == NULL ? 0 : sep ? (size_t)(sep - section) : strlen(section);
    size_t start = o;
    ident(buf, cap, &o, section ? section : "", head);
    if (sep != NULL && o + 1 < cap) {
        if (o > start)
            buf[o++] = '.';
        buf[o] = '\0';
        size_t before = o;
        ident(buf, cap, &o, sep + strlen(dash), strlen(sep + strlen(dash)));
        if (o == before && o > start)
            buf[--o] = '\0'; /* an empty heading: no trailing dot */
    }
    if (o == start)
        snprintf(buf + start, cap - start, "unsectioned");
}

/* The element of a testcase that did not pass; NULL for PASS and WARN, which pass. */
static const char *junit_element(verdict v)
{
    static const char *const elements[VERDICT_COUNT] = {
        [VERDICT_FAIL] = "failure", [VERDICT_XPASS] = "failure", [VERDICT_ERROR] = "error",
        [VERDICT_SKIP] = "skipped", [VERDICT_XFAIL] = "skipped",
    };
    return TABLE_TEXT(elements, v, NULL);
}

/* The ID, and " TLS 1.3" when the result has a version. */
static void junit_name(FILE *f, const result *res)
{
    esc_xml(f, res->id);
    if (res->tls && res->tls[0])
        put_text(f, esc_xml, " TLS ", res->tls, "");
}

static void junit_detail(FILE *f, const result *res)
{
    fprintf(f, "%s (RFC ", level_name(res->lvl));
    put_text(f, esc_xml, "", res->ref, "): ");
    esc_xml(f, res->title);
    put_text(f, esc_xml, "\nexpected: ", res->expected, "\nobserved: ");
    esc_xml(f, res->observed);
}

int report_write_junit(const report *r, FILE *f)
{
    size_t failures = r->counts[VERDICT_FAIL] + r->counts[VERDICT_XPASS];
    size_t skipped = r->counts[VERDICT_SKIP] + r->counts[VERDICT_XFAIL];
    /* Attributes both schemas allow on a root testsuite; Ant's timestamp carries no time zone (it is UTC). */
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"", f);
    esc_xml(f, r->name[0] ? r->name : "alpncheck");
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\" timestamp=\"", r->n,
            failures, r->counts[VERDICT_ERROR], skipped, r->total_ms / 1000.0);
    esc_xmln(f, r->started, strnlen(r->started, 19));
    put_text(f, esc_xml, "\" hostname=\"", r->hostname[0] ? r->hostname : "localhost", "\">\n  <properties>\n");
    put_text(f, esc_xml, "    <property name=\"alpncheck.version\" value=\"", r->tool_version, "\"/>\n");
    put_text(f, esc_xml, "    <property name=\"alpncheck.target\" value=\"", r->target, "\"/>\n");
    put_text(f, esc_xml, "    <property name=\"alpncheck.started\" value=\"", r->started, "\"/>\n");
    if (r->profile[0])
        put_text(f, esc_xml, "    <property name=\"alpncheck.profile\" value=\"", r->profile, "\"/>\n");
    fputs("  </properties>\n", f);
    for (size_t i = 0; i < r->n; i++) {
        const result *res = &r->results[i];
        char cls[256];
        report_junit_classname(res->section, cls, sizeof cls);
        /* Every testcase carries a classname (its section) and a unique name (ID plus TLS version). */
        fprintf(f, "  <testcase classname=\"%s\" name=\"", cls);
        junit_name(f, res);
        fprintf(f, "\" time=\"%.3f\"", res->ms / 1000.0);
        const char *elem = junit_element(res->v);
        if (elem == NULL) {
            fputs("/>\n", f);
            continue;
        }
        /* Ant's skipped takes a message but no type: the verdict leads the message instead. */
        if (strcmp(elem, "skipped") == 0)
            fprintf(f, ">\n    <skipped message=\"%s: ", verdict_name(res->v));
        else
            fprintf(f, ">\n    <%s type=\"%s\" message=\"", elem, verdict_name(res->v));
        esc_xml(f, res->observed);
        fputs("\">", f);
        if (res->v == VERDICT_XFAIL)
            fputs("known failure (XFAIL): ", f);
        junit_detail(f, res);
        fprintf(f, "</%s>\n  </testcase>\n", elem);
    }
    /* The suite's output: the summary, and what every WARN saw. */
    fputs("  <system-out>", f);
    put_summary(f, r, "", "");
    for (size_t i = 0; i < r->n; i++) {
        const result *res = &r->results[i];
        if (res->v != VERDICT_WARN)
            continue;
        fputs("\n\nWARN ", f);
        junit_name(f, res);
        fputs(": ", f);
        junit_detail(f, res);
    }
    fputs("</system-out>\n  <system-err></system-err>\n</testsuite>\n", f);
    return ferror(f) ? -1 : 0;
}

/* ---- Markdown ---------------------------------------------------------------------------------------------- */

static void markdown_row(FILE *f, const result *res)
{
    fprintf(f, "| %s | `%s` | ", verdict_name(res->v), res->id);
    esc_md(f, res->tls ? res->tls : "");
    fprintf(f, " | %s | ", level_name(res->lvl));
    esc_md(f, res->expected);
    put_text(f, esc_md, " | ", res->observed, " |\n");
}

static const section_tables MARKDOWN_SECTIONS = {
    .before = "\n## ",
    .esc = esc_md,
    .after = "\n\n| verdict | check | TLS | level | expected | observed |\n|---|---|---|---|---|---|\n",
    .row = markdown_row,
    .end = "",
};

int report_write_markdown(const report *r, FILE *f)
{
    put_text(f, esc_md, "# alpncheck report: ", r->name, "\n\nalpncheck ");
    put_text(f, esc_md, "", r->tool_version, ", ");
    put_text(f, esc_md, "", r->started, ". ");
    put_summary(f, r, "**", "**");
    fputs(".\n", f);
    if (strcmp(r->name, r->target) != 0)
        put_text(f, esc_md, "\nTarget: ", r->target, "\n");
    if (r->profile[0])
        put_text(f, esc_md, "\nServer profile: ", r->profile, "\n");
    put_sections(r, f, &MARKDOWN_SECTIONS);
    return ferror(f) ? -1 : 0;
}

/* ---- HTML -------------------------------------------------------------------------------------------------- */

static void html_row(FILE *f, const result *res)
{
    fprintf(f,
            "<tr id=\"%s-%s\"><td><span class=\"v %s\">%s</span></td><td><code>%s</code></td><td>%s</td>"
            "<td>%s</td><td>",
            res->id, res->tls ? res->tls : "", verdict_name(res->v), verdict_name(res->v), res->id,
            res->tls ? res->tls : "", level_name(res->lvl));
    esc_xml(f, res->title);
    put_text(f, esc_xml, " <span class=\"meta\">(RFC ", res->ref, ")</span>");
    if (needs_detail(res->v)) {
        put_text(f, esc_xml, "<div class=\"detail\">expected: ", res->expected, "<br>observed: ");
        put_text(f, esc_xml, "", res->observed, "</div>");
    }
    fputs("</td></tr>\n", f);
}

static const section_tables HTML_SECTIONS = {
    .before = "<h2>",
    .esc = esc_xml,
    .after = "</h2>\n<table><thead><tr><th>verdict</th><th>check</th><th>TLS</th><th>level</th><th>what</th>"
             "</tr></thead><tbody>\n",
    .row = html_row,
    .end = "</tbody></table>\n",
};

int report_write_html(const report *r, FILE *f)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>alpncheck: ", f);
    esc_xml(f, r->name);
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
    put_text(f, esc_xml, "", r->name, "</h1>\n<p class=\"meta\">alpncheck ");
    put_text(f, esc_xml, "", r->tool_version, " &middot; ");
    esc_xml(f, r->started);
    fprintf(f, " &middot; %zu checks in %.1f s</p>\n", r->n, r->total_ms / 1000.0);
    if (strcmp(r->name, r->target) != 0)
        put_text(f, esc_xml, "<p class=\"meta\">Target: ", r->target, "</p>\n");
    if (r->profile[0])
        put_text(f, esc_xml, "<p class=\"meta\">Server profile: ", r->profile, "</p>\n");
    fputs("<p class=\"counts\">", f);
    for (int v = 0; v < VERDICT_COUNT; v++) {
        if (r->counts[v] > 0 || v <= VERDICT_SKIP)
            fprintf(f, "<span class=\"%s\">%zu %s</span>", verdict_name((verdict)v), r->counts[v],
                    verdict_name((verdict)v));
    }
    fputs("</p>\n<p>", f);
    put_summary(f, r, "<strong>", "</strong>");
    fputs("</p>\n", f);
    put_sections(r, f, &HTML_SECTIONS);
    fputs("</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}
