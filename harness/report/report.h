/*
 * The result model of a conformance run and its renderers (terminal, JSON, JUnit XML, Markdown, HTML).
 * A renderer never decides a verdict: checks produce results, the model applies known failures, renderers print.
 */
#ifndef ALPN_REPORT_H
#define ALPN_REPORT_H

#include <stddef.h>
#include <stdio.h>

typedef enum {
    VERDICT_PASS = 0,
    VERDICT_FAIL,  /* a MUST broken */
    VERDICT_WARN,  /* a SHOULD broken, or rejected with the wrong alert */
    VERDICT_SKIP,  /* not applicable, with the reason */
    VERDICT_ERROR, /* no answer could be obtained, with the reason */
    VERDICT_XFAIL, /* FAIL that the user declared known */
    VERDICT_XPASS, /* PASS of a check the user declared a known failure */
    VERDICT_COUNT
} verdict;

typedef enum { LEVEL_MUST = 0, LEVEL_SHOULD, LEVEL_INFO } level;

const char *verdict_name(verdict v); /* "PASS", "FAIL", ... */
const char *level_name(level l);     /* "MUST", "SHOULD", "INFO" */

#define REPORT_TEXT_MAX 512

typedef struct {
    const char *id;      /* CHECKS.md ID, static */
    const char *tls;     /* "1.2", "1.3" or "" when the check has no TLS version */
    const char *section; /* grouping heading, e.g. "RFC 7301 §3.1 — wire format", static */
    const char *ref;     /* RFC reference, e.g. "7301 §3.2", static */
    const char *title;   /* one line: what the check sends or inspects, static */
    level lvl;
    verdict v;
    char expected[REPORT_TEXT_MAX];
    char observed[REPORT_TEXT_MAX];
    double ms; /* duration */
} result;

/* Known failures: check IDs, optionally with a TLS version ("@1.0" to "@1.3"), one per line; '#' starts a comment. */
#define KNOWN_MAX 256
typedef struct {
    char entries[KNOWN_MAX][64];
    size_t n;
} known_failures;

/* Loads a known-failures file. Returns 0, or -1 with a message in err (unreadable file, line too long, too many
 * entries, an entry that is not an ID of upper-case letters, digits and '-'). */
int known_failures_load(known_failures *k, const char *path, char *err, size_t err_cap);
/* 1 when (id, tls) is declared: an entry "ID" matches every version, "ID@1.3" only that one. */
int known_failures_match(const known_failures *k, const char *id, const char *tls);

#define REPORT_MAX_RESULTS 512

typedef struct {
    const char *tool_version;
    char target[256];  /* "HOST:PORT" or a description */
    char name[256];    /* stable name of the run (--name): the JUnit suite name; report_init sets the target */
    char hostname[256]; /* where alpncheck ran (JUnit hostname); report_init sets it, "localhost" when unknown */
    char profile[512]; /* discovered or configured server profile, free text */
    char started[32];  /* ISO 8601 UTC */
    double total_ms; /* sum of the results' durations; a runner may set the run's wall time instead */
    result results[REPORT_MAX_RESULTS];
    size_t n;
    size_t counts[VERDICT_COUNT];
} report;

void report_init(report *r, const char *tool_version, const char *target);
/* Appends a result (copied), applying known failures: FAIL → XFAIL; PASS → XPASS. Returns the stored result, or
 * NULL when the report is full. */
result *report_add(report *r, const result *res, const known_failures *k);
/* Exit status of a run, the contract a CI relies on: 1 when anything FAILed or XPASSed; else 2 when a check is ERROR
 * or when no check produced a verdict (every result SKIP, or none at all: nothing was tested); else 0 (PASS, WARN
 * and XFAIL only, at least one of them). */
int report_exit_code(const report *r);
/* Why report_exit_code is not 0, and what to do about it, as one line into buf ("" when it is 0). */
void report_exit_reason(const report *r, char *buf, size_t cap);
/* The checks that need attention (FAIL, XPASS, ERROR), each ID once with its TLS versions, e.g.
 * "SRV-NO-OVERLAP-ALERT (TLS 1.3, 1.2), SRV-X (TLS 1.2)"; "" when none. Returns the number of distinct IDs. */
size_t report_failed_ids(const report *r, char *buf, size_t cap);
/* The closing line "N passed, N failed, N skipped" into buf. */
void report_summary_line(const report *r, char *buf, size_t cap);
/* The other non-zero counts ("2 WARN, 1 ERROR"), or "" when there are none. */
void report_other_counts(const report *r, char *buf, size_t cap);

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

/* Writes with the given renderer to path ("-" = stdout). Returns 0 or -1 (with errno). */
int report_write_file(const report *r, const char *path, int (*writer)(const report *, FILE *));

#define REPORT_SCHEMA_ID "alpncheck-report/1" /* reports/schema/report-1.schema.json */
#define REPORT_SCHEMA_VERSION 1

#endif
