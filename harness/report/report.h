/*
 * The renderers of a run's results (harness/model/result.h): terminal, JSON, JUnit XML, Markdown, HTML.
 * A renderer never decides a verdict: it prints what the checks and the model decided, every byte a peer sent
 * escaped for its format (escape.h).
 */
#ifndef ALPN_REPORT_H
#define ALPN_REPORT_H

#include <stdio.h>

#include "result.h"

/* How the terminal renderer prints. quiet: only what needs attention (FAIL, WARN, ERROR, XPASS) with details, the
 * SKIPs as one count line; verbose: expected and observed for every check; color: ANSI colours. */
typedef struct {
    int quiet, verbose, color;
} terminal_style;

/* Renderers. Return 0, or -1 when writing failed. The terminal report ends with a recap: what failed and the next
 * step. */
int report_write_terminal(const report *r, FILE *f, const terminal_style *style);
int report_write_json(const report *r, FILE *f);
/* JUnit XML that validates against both Jenkins xunit-plugin's junit-10.xsd and the Ant JUnit schema (our
 * restatements: reports/schema/junit-xunit.xsd, reports/schema/junit-ant.xsd): one <testsuite> root named r->name;
 * one testcase per result, named "ID TLS x.y", classname from its section (report_junit_classname); FAIL and XPASS
 * are failures, ERROR errors, SKIP and XFAIL skipped; a WARN is a passed testcase whose details go to the suite's
 * system-out (neither schema lets a testcase carry output). */
int report_write_junit(const report *r, FILE *f);
int report_write_markdown(const report *r, FILE *f);
int report_write_html(const report *r, FILE *f);

/* The JUnit classname of a result: its section made a dotted name of [A-Za-z0-9_] parts, "alpncheck." + the RFC
 * part + "." + the heading ("RFC 7301 §3.1 — malformed lists" → alpncheck.RFC_7301_3_1.malformed_lists; an en dash
 * in a range reads "to"); "alpncheck.unsectioned" without a section. */
void report_junit_classname(const char *section, char *buf, size_t cap);

#define REPORT_SCHEMA_ID "alpncheck-report/1" /* reports/schema/report-1.schema.json */
#define REPORT_SCHEMA_VERSION 1

#endif
