/* Result model, known failures and the renderers. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "consumers.h"
#include "report.h"
#include "testkit.h"

static result make(const char *id, const char *tls, verdict v, const char *observed)
{
    result r;
    memset(&r, 0, sizeof r);
    r.id = id;
    r.tls = tls;
    r.section = strncmp(id, "SRV-MALFORMED", 13) == 0 ? "RFC 7301 §3.1 — malformed lists" : "RFC 7301 §3.2 — selection";
    r.ref = "7301 §3.2";
    r.title = "a title with <markup> & \"quotes\"";
    r.lvl = LEVEL_MUST;
    r.v = v;
    snprintf(r.expected, sizeof r.expected, "fatal alert 120");
    snprintf(r.observed, sizeof r.observed, "%s", observed);
    r.ms = 12.5;
    return r;
}

/* Renders into a string (caller frees). */
static char *render(const report *r, int (*writer)(const report *, FILE *))
{
    tk_capture c;
    cr_assert_eq(writer(r, tk_capture_open(&c)), 0);
    return tk_capture_take(&c);
}

/* The JSON report, parsed (the caller json_decrefs it). */
static json_t *render_json(const report *r)
{
    char *out = render(r, report_write_json);
    json_error_t e;
    json_t *doc = json_loads(out, 0, &e);
    cr_assert_not_null(doc, "%s: %s", e.text, out);
    free(out);
    return doc;
}

/* The string member key of a JSON object. */
static const char *text_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int terminal_plain(const report *r, FILE *f)
{
    terminal_style plain = {0};
    return report_write_terminal(r, f, &plain);
}

static void sample(report *r, const known_failures *k)
{
    report_init(r, "9.9.9", "127.0.0.1:4433");
    result rs[] = {
        make("SRV-SELECT-OFFERED", "1.3", VERDICT_PASS, "h2 selected"),
        make("SRV-NO-OVERLAP-ALERT", "1.3", VERDICT_FAIL, "handshake completed without ALPN <script>x</script>"),
        make("SRV-NO-OVERLAP-ALERT", "1.2", VERDICT_FAIL, "handshake completed without ALPN"),
        make("SRV-MALFORMED-EMPTY-LIST", "1.3", VERDICT_WARN, "fatal alert 47 illegal_parameter"),
        make("SRV-RESUME-FRESH", "1.2", VERDICT_SKIP, "server does not resume"),
        make("SRV-SERVER-PREFERENCE", "1.3", VERDICT_ERROR, "timed out after 5000 ms"),
    };
    for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
        cr_assert_not_null(report_add(r, &rs[i], k));
}

Test(report, counts_summary_exit)
{
    static report r;
    sample(&r, NULL);
    char line[128], other[128];
    report_summary_line(&r, line, sizeof line);
    report_other_counts(&r, other, sizeof other);
    cr_expect_str_eq(line, "1 passed, 2 failed, 1 skipped");
    cr_expect_str_eq(other, "1 WARN, 1 ERROR");
    cr_expect_eq(report_exit_code(&r), 1);
    cr_expect_eq(r.n, 6);
    cr_expect_float_eq(r.total_ms, 75.0, 1e-9);
}

static const char *write_temp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/alpncheck-known-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

Test(report, known_failures_turn_fail_into_xfail_and_pass_into_xpass)
{
    static report r;
    known_failures k;
    char err[256];
    const char *path = write_temp("# known\nSRV-NO-OVERLAP-ALERT@1.3   # only TLS 1.3\n\nSRV-SELECT-OFFERED\n");
    cr_assert_eq(known_failures_load(&k, path, err, sizeof err), 0, "%s", err);
    unlink(path);
    cr_expect_eq(k.n, 2);
    sample(&r, &k);
    cr_expect_eq(r.results[0].v, VERDICT_XPASS);
    cr_expect_eq(r.results[1].v, VERDICT_XFAIL);
    cr_expect_eq(r.results[2].v, VERDICT_FAIL, "the 1.2 result is not declared");
    cr_expect_eq(report_exit_code(&r), 1, "a FAIL and an XPASS remain");
    cr_expect(known_failures_match(&k, "SRV-SELECT-OFFERED", "1.2"));
    cr_expect_not(known_failures_match(&k, "SRV-SELECT", "1.2"), "no prefix matching");
    cr_expect_not(known_failures_match(&k, "SRV-NO-OVERLAP-ALERT", "1.2"));
    cr_expect_not(known_failures_match(NULL, "SRV-SELECT-OFFERED", "1.3"));
}

Test(report, known_failures_bad_files)
{
    known_failures k;
    char err[256];
    static const char *const bad[] = {"srv-lower-case\n", "SRV-X@1.4\n", "SRV X\n", "SRV-X@\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *path = write_temp(bad[i]);
        cr_expect_eq(known_failures_load(&k, path, err, sizeof err), -1, "accepted %s", bad[i]);
        cr_expect(strstr(err, ":1:") != NULL, "error names the line: %s", err);
        unlink(path);
    }
    cr_expect_eq(known_failures_load(&k, "/nonexistent/known", err, sizeof err), -1);
    cr_expect(strstr(err, "No such file") != NULL, "%s", err);
    /* An escape sequence in a bad line is shown, not sent to the terminal. */
    const char *path = write_temp("SRV-\033[31mX\n");
    cr_expect_eq(known_failures_load(&k, path, err, sizeof err), -1);
    cr_expect(strstr(err, "'SRV-\\x1b[31mX' is not a check ID") != NULL, "%s", err);
    unlink(path);
}

/* Files that are not a plain list: a directory was taken for an empty list (fgets failed as at the end of a file),
 * /dev/zero ran into the line limit, and a FIFO without a writer or a pipe that never ends held the run forever. Each
 * is an error now, within the read's deadline; a FIFO whose writer comes, writes and closes is read as a file is. */
Test(report, known_failures_files_that_are_not_lists, .timeout = 30)
{
    known_failures k;
    char err[256], dir[] = "/tmp/alpn-known-XXXXXX", fifo[64];
    cr_assert_not_null(mkdtemp(dir));
    cr_expect_eq(known_failures_load(&k, dir, err, sizeof err), -1, "a directory was accepted");
    cr_expect(strstr(err, "Is a directory") != NULL, "%s", err);
    cr_expect_eq(known_failures_load(&k, "/dev/zero", err, sizeof err), -1);
    cr_expect(strstr(err, "longer than 1048576 bytes") != NULL, "%s", err);

    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    /* No writer: an error at the deadline, not an empty list (nor a wait for a writer that never comes). */
    cr_expect_eq(known_failures_load(&k, fifo, err, sizeof err), -1, "a FIFO without a writer became a list");
    cr_expect(strstr(err, "nothing came (a FIFO without a writer?) within 5000 ms") != NULL, "%s", err);
    /* A writer that comes after alpncheck opened the FIFO, writes its list and closes: read as a file is. */
    pid_t late = fork();
    cr_assert_neq(late, -1);
    if (late == 0) {
        usleep(300 * 1000);
        int fd = open(fifo, O_WRONLY);
        _exit(fd >= 0 && write(fd, "SRV-SELECT-OFFERED\n", 19) == 19 ? 0 : 1);
    }
    cr_expect_eq(known_failures_load(&k, fifo, err, sizeof err), 0, "%s", err);
    cr_expect_eq(k.n, 1);
    waitpid(late, NULL, 0);
    /* A writer that writes one line and then stalls: the deadline, not a hang. */
    pid_t w = fork();
    cr_assert_neq(w, -1);
    if (w == 0) {
        int fd = open(fifo, O_WRONLY);
        if (fd >= 0 && write(fd, "# a comment\n", 12) == 12)
            sleep(20);
        _exit(0);
    }
    usleep(200 * 1000); /* the writer opens first, so the read finds a writer */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_expect_eq(known_failures_load(&k, fifo, err, sizeof err), -1, "a stalled writer was waited for to the end");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_expect(strstr(err, "not read to its end within 5000 ms") != NULL, "%s", err);
    cr_expect_lt(t1.tv_sec - t0.tv_sec, 15, "ended by the deadline");
    kill(w, SIGKILL);
    waitpid(w, NULL, 0);
    unlink(fifo);
    rmdir(dir);
}

Test(report, all_pass_exits_zero)
{
    static report r;
    report_init(&r, "1", "t");
    result ok = make("SRV-SELECT-OFFERED", "1.3", VERDICT_PASS, "h2");
    result skip = make("SRV-RESUME-FRESH", "1.3", VERDICT_SKIP, "no resumption");
    report_add(&r, &ok, NULL);
    report_add(&r, &skip, NULL);
    cr_expect_eq(report_exit_code(&r), 0);
}

Test(report, full_report_refuses_more)
{
    static report r;
    report_init(&r, "1", "t");
    result ok = make("SRV-SELECT-OFFERED", "1.3", VERDICT_PASS, "h2");
    for (size_t i = 0; i < REPORT_MAX_RESULTS; i++)
        cr_assert_not_null(report_add(&r, &ok, NULL));
    cr_expect_null(report_add(&r, &ok, NULL));
}

Test(report, terminal_groups_and_explains)
{
    static report r;
    sample(&r, NULL);
    char *out = render(&r, terminal_plain);
    const char *sel = strstr(out, "RFC 7301 §3.2 — selection");
    const char *mal = strstr(out, "RFC 7301 §3.1 — malformed lists");
    cr_assert(sel && mal && sel < mal, "sections in order of first appearance:\n%s", out);
    cr_expect(strstr(out, "FAIL  SRV-NO-OVERLAP-ALERT") != NULL, "%s", out);
    cr_expect(strstr(out, "expected:    fatal alert 120") != NULL, "%s", out);
    cr_expect(strstr(out, "observed:    handshake completed without ALPN") != NULL, "%s", out);
    cr_expect(strstr(out, "requirement: MUST (RFC 7301 §3.2)") != NULL, "%s", out);
    cr_expect(strstr(out, "\n6 checks in 0.07 s; 1 WARN, 1 ERROR\n1 passed, 2 failed, 1 skipped\n") != NULL,
              "the count lines:\n%s", out);
    /* The recap: each ID that needs attention once, with its versions; the next step; the exit status and why. */
    const char *recap = "needs attention: SRV-NO-OVERLAP-ALERT (TLS 1.3, 1.2), SRV-SERVER-PREFERENCE (TLS 1.3)\n";
    cr_expect(strstr(out, recap) != NULL, "recap:\n%s", out);
    cr_expect(strstr(out, "--only ID -v") != NULL && strstr(out, "--known-failures FILE") != NULL, "%s", out);
    size_t len = strlen(out);
    const char *last = "exit 1: 2 checks failed\n";
    cr_expect(len > 40 && strcmp(out + len - strlen(last), last) == 0, "ends with the exit line:\n%s", out);
    cr_expect(strstr(out, "\033[") == NULL, "no colour codes when colour is off");
    free(out);
}

static int terminal_quiet(const report *r, FILE *f)
{
    terminal_style quiet = {.quiet = 1};
    return report_write_terminal(r, f, &quiet);
}

/* -q: only what needs attention (FAIL, WARN, ERROR, XPASS), the SKIPs as one count, then the recap. */
Test(report, quiet_prints_only_what_needs_attention)
{
    static report r;
    sample(&r, NULL);
    char *out = render(&r, terminal_quiet);
    cr_expect(strstr(out, "PASS  SRV-SELECT-OFFERED") == NULL, "no PASS line:\n%s", out);
    cr_expect(strstr(out, "SKIP  SRV-RESUME-FRESH") == NULL, "no SKIP line:\n%s", out);
    cr_expect(strstr(out, "1 check not applicable (SKIP") != NULL, "the SKIP count, singular:\n%s", out);
    cr_expect(strstr(out, "FAIL  SRV-NO-OVERLAP-ALERT") != NULL, "%s", out);
    cr_expect(strstr(out, "WARN  SRV-MALFORMED-EMPTY-LIST") != NULL, "%s", out);
    cr_expect(strstr(out, "ERROR SRV-SERVER-PREFERENCE") != NULL, "%s", out);
    cr_expect(strstr(out, "needs attention: SRV-NO-OVERLAP-ALERT") != NULL, "%s", out);
    free(out);
}

/* The exit status contract: 0 only with a real verdict and no FAIL, XPASS or ERROR; 1 on FAIL/XPASS; 2 on ERROR
 * without FAIL and when nothing was tested. */
Test(report, exit_code_contract)
{
    static const struct {
        verdict v[3];
        size_t n;
        int code;
        const char *why;
    } cases[] = {
        {{VERDICT_PASS}, 1, 0, ""},
        {{VERDICT_PASS, VERDICT_WARN, VERDICT_SKIP}, 3, 0, ""},
        {{VERDICT_XFAIL}, 1, 0, ""},
        {{VERDICT_WARN}, 1, 0, ""},
        {{VERDICT_FAIL, VERDICT_ERROR}, 2, 1, "exit 1: 1 check failed"},
        {{VERDICT_XPASS}, 1, 1, "exit 1: 1 known failure passed"},
        {{VERDICT_PASS, VERDICT_ERROR}, 2, 2, "exit 2: 1 check could not be judged"},
        {{VERDICT_ERROR, VERDICT_ERROR}, 2, 2, "exit 2: 2 checks could not be judged"},
        {{VERDICT_SKIP, VERDICT_SKIP}, 2, 2, "exit 2: nothing was tested (every check was SKIP"},
        {{VERDICT_PASS}, 0, 2, "exit 2: nothing was tested (no check ran"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        static report r;
        report_init(&r, "9.9.9", "t");
        for (size_t i = 0; i < cases[c].n; i++) {
            result res = make("SRV-SELECT-OFFERED", "1.3", cases[c].v[i], "x");
            report_add(&r, &res, NULL);
        }
        char why[384];
        report_exit_reason(&r, why, sizeof why);
        cr_expect_eq(report_exit_code(&r), cases[c].code, "case %zu", c);
        cr_expect(strncmp(why, cases[c].why, strlen(cases[c].why)) == 0 && (cases[c].why[0] || !why[0]),
                  "case %zu: '%s'", c, why);
    }
}

Test(report, json_is_valid_and_complete)
{
    static report r;
    sample(&r, NULL);
    json_t *doc = render_json(&r);
    cr_expect_str_eq(text_of(doc, "schema"), REPORT_SCHEMA_ID);
    cr_expect_eq(json_integer_value(json_object_get(doc, "schemaVersion")), REPORT_SCHEMA_VERSION);
    json_t *results = json_object_get(doc, "results");
    cr_assert_eq(json_array_size(results), 6);
    json_t *second = json_array_get(results, 1);
    cr_expect_str_eq(text_of(second, "verdict"), "FAIL");
    cr_expect_str_eq(text_of(second, "tls"), "1.3");
    cr_expect_str_eq(text_of(second, "level"), "MUST");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(doc, "summary"), "FAIL")), 2);
    json_decref(doc);
}

/* A played connection's ALPN bytes reach the JSON report as hex (null for an extension that was not there); a result
 * without recorded bytes has neither field; a long offer is cut with its whole length. */
Test(report, json_carries_the_alpn_bytes_of_a_connection)
{
    static report r;
    report_init(&r, "0.0", "t");
    result a = make("SRV-NO-OVERLAP-ALERT", "1.3", VERDICT_FAIL, "handshake completed without ALPN");
    static const unsigned char offer[] = {0x00, 0x03, 0x02, 'h', '2'};
    result_set_alpn(&a, offer, sizeof offer, NULL, 0);
    report_add(&r, &a, NULL);
    result b = make("SRV-MANY-NAMES", "1.2", VERDICT_PASS, "ok");
    static unsigned char big[16402];
    memset(big, 0xab, sizeof big);
    result_set_alpn(&b, big, sizeof big, offer, 0);
    report_add(&r, &b, NULL);
    result c = make("SRV-RESUME-FRESH", "1.2", VERDICT_PASS, "ok");
    report_add(&r, &c, NULL);
    json_t *doc = render_json(&r);
    json_t *res = json_object_get(doc, "results");
    cr_expect_str_eq(text_of(json_array_get(res, 0), "alpnSent"), "0003026832");
    cr_expect(json_is_null(json_object_get(json_array_get(res, 0), "alpnReceived")));
    const char *cut = text_of(json_array_get(res, 1), "alpnSent");
    cr_assert_not_null(cut);
    cr_expect_eq(strspn(cut, "ab"), 2 * RESULT_HEX_BYTES);
    cr_expect_str_eq(cut + 2 * RESULT_HEX_BYTES, "...(16402 bytes)");
    cr_expect_str_eq(text_of(json_array_get(res, 1), "alpnReceived"), ""); /* an empty extension is not "none" */
    cr_expect_null(json_object_get(json_array_get(res, 2), "alpnSent"));
    json_decref(doc);
}

Test(report, junit_has_classname_and_unique_names)
{
    static report r;
    sample(&r, NULL);
    char *out = render(&r, report_write_junit);
    cr_expect(strstr(out, "tests=\"6\" failures=\"2\" errors=\"1\" skipped=\"1\"") != NULL, "%s", out);
    size_t cases = 0;
    char names[16][96];
    for (const char *p = out; (p = strstr(p, "<testcase ")) != NULL; p++) {
        const char *cls = strstr(p, "classname=\"alpncheck.");
        const char *name = strstr(p, " name=\"");
        const char *end = strchr(p, '>');
        cr_assert(cls && name && cls < end && name < end, "testcase without classname or name: %.80s", p);
        const char *q = strchr(name + 7, '"');
        cr_assert_lt(cases, 16);
        snprintf(names[cases], sizeof names[cases], "%.*s", (int)(q - name - 7), name + 7);
        for (size_t j = 0; j < cases; j++)
            cr_expect_str_neq(names[j], names[cases], "duplicate testcase name %s", names[j]);
        cases++;
    }
    cr_expect_eq(cases, 6);
    /* The classname is the check's section: checks of one section share it, other sections differ. */
    static const char sel[] = "<testcase classname=\"alpncheck.RFC_7301_3_2.selection\" name=";
    char want[160];
    snprintf(want, sizeof want, "%s\"SRV-NO-OVERLAP-ALERT TLS 1.3\"", sel);
    cr_expect(strstr(out, want) != NULL, "%s", out);
    snprintf(want, sizeof want, "%s\"SRV-SELECT-OFFERED TLS 1.3\"", sel);
    cr_expect(strstr(out, want) != NULL);
    cr_expect(strstr(out, "<testcase classname=\"alpncheck.RFC_7301_3_1.malformed_lists\" "
                          "name=\"SRV-MALFORMED-EMPTY-LIST TLS 1.3\"") != NULL);
    cr_expect(strstr(out, "<script>") == NULL, "observed text is escaped");
    cr_expect(strstr(out, "&lt;script&gt;") != NULL);
    free(out);
}

Test(report, junit_classname_from_section)
{
    static const struct {
        const char *section, *classname;
    } cases[] = {
        {"RFC 7301 §3.1 — malformed lists (decode_error expected)",
         "alpncheck.RFC_7301_3_1.malformed_lists_decode_error_expected"},
        {"RFC 7301 §3.1–3.2 — the server's answer", "alpncheck.RFC_7301_3_1_to_3_2.the_server_s_answer"},
        {"RFC 8701 — GREASE", "alpncheck.RFC_8701.GREASE"},
        {"RFC 9113 — HTTP/2 over TLS", "alpncheck.RFC_9113.HTTP_2_over_TLS"},
        {"RFC 8446 §4.2.10 — 0-RTT and ALPN", "alpncheck.RFC_8446_4_2_10.0_RTT_and_ALPN"},
        {"no heading", "alpncheck.no_heading"},
        {"RFC 7301 — ", "alpncheck.RFC_7301"},
        {" — <only> \"heading\"", "alpncheck.only_heading"},
        {"", "alpncheck.unsectioned"},
        {NULL, "alpncheck.unsectioned"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[256];
        report_junit_classname(cases[i].section, buf, sizeof buf);
        cr_expect_str_eq(buf, cases[i].classname, "section \"%s\"", cases[i].section ? cases[i].section : "(null)");
    }
    char small[16];
    report_junit_classname("RFC 7301 §3.1 — malformed lists", small, sizeof small);
    cr_expect_eq(strlen(small), 15, "cut to the buffer, NUL-terminated: %s", small);
}

/* Every kind of byte a peer can put into observed text: markup, Markdown syntax, XML's CDATA end, quotes, line
 * breaks, controls (an ANSI colour sequence), and bytes that are not UTF-8. */
static const char HOSTILE[] = "<img src=x>|</td> *a* _b_ __c__ [l](u) `c` ~~s~~ \\ # <script>alert(1)</script> "
                              "&amp; &#60; ]]> \"q\" 'a' x\ny\r\tz \x01\x1b[31m \xff\xc3( end #";

/* A report with text in every field a peer or a user fills, and every verdict (XFAIL and XPASS through known
 * failures). */
static void filled(report *r, const char *text)
{
    static known_failures k;
    memset(&k, 0, sizeof k);
    snprintf(k.entries[0], sizeof k.entries[0], "SRV-RESUME-FRESH@1.3");
    snprintf(k.entries[1], sizeof k.entries[1], "SRV-SELECT-OFFERED@1.2");
    k.n = 2;
    report_init(r, "9.9.9", text);
    snprintf(r->profile, sizeof r->profile, "%s", text);
    static const struct {
        const char *id, *tls;
        verdict v;
    } rows[] = {
        {"SRV-SELECT-OFFERED", "1.3", VERDICT_PASS},       {"SRV-NO-OVERLAP-ALERT", "1.3", VERDICT_FAIL},
        {"SRV-MALFORMED-EMPTY-LIST", "1.3", VERDICT_WARN}, {"SRV-MALFORMED-EMPTY-LIST", "1.2", VERDICT_SKIP},
        {"SRV-SERVER-PREFERENCE", "1.3", VERDICT_ERROR},   {"SRV-RESUME-FRESH", "1.3", VERDICT_FAIL},
        {"SRV-SELECT-OFFERED", "1.2", VERDICT_PASS},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        result res = make(rows[i].id, rows[i].tls, rows[i].v, text);
        snprintf(res.expected, sizeof res.expected, "%s", text);
        cr_assert_not_null(report_add(r, &res, &k));
    }
    cr_assert_eq(r->counts[VERDICT_XFAIL], 1);
    cr_assert_eq(r->counts[VERDICT_XPASS], 1);
}

static void write_report(const report *r, int (*writer)(const report *, FILE *), const char *suffix, char *path)
{
    char *text = render(r, writer);
    consumer_temp(path, suffix, text, strlen(text));
    free(text);
}

/* Both JUnit consumers' schemas (our restatements in reports/schema/) accept the report, whatever the text. */
Test(report, junit_validates_against_both_consumer_schemas)
{
    const char *src = getenv("ALPN_SOURCE_DIR");
    cr_assert_not_null(src, "ALPN_SOURCE_DIR is set by ctest");
    static report r;
    static const char *const texts[] = {HOSTILE, "plain"};
    for (size_t t = 0; t < 2; t++) {
        filled(&r, texts[t]);
        char path[64];
        write_report(&r, report_write_junit, ".xml", path);
        static const char *const schemas[] = {"junit-xunit.xsd", "junit-ant.xsd"};
        for (size_t i = 0; i < 2; i++) {
            char schema[1024], err[2048];
            snprintf(schema, sizeof schema, "%s/reports/schema/%s", src, schemas[i]);
            cr_expect_eq(consumer_xsd(schema, path, err, sizeof err), 0, "%s", err);
        }
        unlink(path);
    }
}

Test(report, junit_verdicts_as_consumers_count_them)
{
    static report r;
    filled(&r, "plain");
    char *out = render(&r, report_write_junit);
    /* 7 results: FAIL and XPASS fail, ERROR errs, SKIP and XFAIL are skipped, PASS and WARN pass. */
    static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"plain\" tests=\"7\" "
                               "failures=\"2\" errors=\"1\" skipped=\"2\" time=\"";
    cr_expect(strncmp(out, head, strlen(head)) == 0, "%s", out);
    cr_expect_eq(tk_count(out, "<failure type=\""), 2);
    cr_expect_eq(tk_count(out, "<error type=\"ERROR\""), 1);
    cr_expect_eq(tk_count(out, "<skipped message=\""), 2);
    cr_expect(strstr(out, "<failure type=\"XPASS\"") != NULL);
    cr_expect(strstr(out, "<skipped message=\"XFAIL: plain\">known failure (XFAIL): ") != NULL, "%s", out);
    /* A WARN passes, and what it saw goes to the suite's output. */
    cr_expect(strstr(out, "<system-out>1 passed, 1 failed, 1 skipped; 1 WARN, 1 ERROR, 1 XFAIL, 1 XPASS\n\nWARN "
                          "SRV-MALFORMED-EMPTY-LIST TLS 1.3: MUST (RFC 7301 §3.2)") != NULL,
              "%s", out);
    cr_expect(strstr(out, "<property name=\"alpncheck.target\" value=\"plain\"/>") != NULL);
    free(out);
}

Test(report, name_defaults_to_the_target_and_names_the_suite)
{
    static report r;
    report_init(&r, "1", "127.0.0.1:4433");
    cr_expect_str_eq(r.name, "127.0.0.1:4433");
    cr_expect_neq(r.hostname[0], '\0');
    snprintf(r.name, sizeof r.name, "nightly <openssl>");
    char *x = render(&r, report_write_junit);
    cr_expect(strstr(x, "<testsuite name=\"nightly &lt;openssl&gt;\"") != NULL, "%s", x);
    free(x);
    char *md = render(&r, report_write_markdown);
    cr_expect(strstr(md, "# alpncheck report: nightly &lt;openssl&gt;\n") != NULL, "%s", md);
    cr_expect(strstr(md, "\nTarget: 127.0.0.1:4433\n") != NULL, "%s", md);
    free(md);
    json_t *doc = render_json(&r);
    cr_expect_str_eq(text_of(doc, "name"), "nightly <openssl>");
    cr_expect_str_eq(text_of(doc, "target"), "127.0.0.1:4433");
    json_decref(doc);
}

/* A byte that is not UTF-8 in observed text made json_pack fail and the JSON report go unwritten. */
Test(report, json_keeps_peer_bytes_that_are_not_utf8)
{
    static report r;
    filled(&r, "ALPN \"h2\xff\xc3\" \x01");
    json_t *doc = render_json(&r);
    json_t *second = json_array_get(json_object_get(doc, "results"), 1);
    cr_expect_str_eq(text_of(second, "observed"), "ALPN \"h2\\xff\\xc3\" \x01");
    cr_expect_str_eq(text_of(doc, "name"), "ALPN \"h2\\xff\\xc3\" \x01");
    json_decref(doc);
}

/* Rendered by real Markdown renderers, hostile text yields exactly the elements plain text does (no tag from the
 * text, no cell added or lost), and reads as it was sent. */
Test(report, markdown_shows_peer_text_inert_in_real_renderers)
{
    static report r;
    static const char *const renderers[] = {"cmark-gfm", "python-markdown"};
    for (size_t i = 0; i < 2; i++) {
        char err[512];
        filled(&r, "plain");
        char *plain_md = render(&r, report_write_markdown);
        filled(&r, HOSTILE);
        char *hostile_md = render(&r, report_write_markdown);
        char *plain = consumer_markdown(renderers[i], plain_md, err, sizeof err);
        cr_assert_not_null(plain, "%s", err);
        char *hostile = consumer_markdown(renderers[i], hostile_md, err, sizeof err);
        cr_assert_not_null(hostile, "%s", err);
        char *tp = consumer_tags(plain), *th = consumer_tags(hostile);
        cr_expect_str_eq(th, tp, "%s: the hostile text changed the page's elements:\n%s", renderers[i], hostile);
        char *text = consumer_text(hostile);
        static const char *const shown[] = {
            "<img src=x>|</td> *a* _b_ __c__ [l](u) `c` ~~s~~ \\ # <script>alert(1)</script> &amp; &#60; ]]> \"q\" 'a'",
            "x y  z \\x01\\x1b[31m \\xff\\xc3( end #",
        };
        for (size_t k = 0; k < 2; k++)
            cr_expect(strstr(text, shown[k]) != NULL, "%s does not show \"%s\":\n%s", renderers[i], shown[k], text);
        free(tp);
        free(th);
        free(text);
        free(plain);
        free(hostile);
        free(plain_md);
        free(hostile_md);
    }
}

Test(report, html_shows_peer_text_inert)
{
    static report r;
    filled(&r, "plain");
    char *plain = render(&r, report_write_html);
    filled(&r, HOSTILE);
    char *hostile = render(&r, report_write_html);
    char *tp = consumer_tags(plain), *th = consumer_tags(hostile);
    cr_expect_str_eq(th, tp);
    char *text = consumer_text(hostile);
    cr_expect(strstr(text, "<img src=x>|</td> *a*") != NULL);
    cr_expect(strstr(text, "\\x01\\x1b[31m \\xff\\xc3( end") != NULL, "%s", text);
    free(text);
    free(tp);
    free(th);
    free(plain);
    free(hostile);
}

Test(report, terminal_shows_controls_as_text)
{
    static report r;
    filled(&r, HOSTILE);
    char *out = render(&r, terminal_plain);
    cr_expect(strchr(out, '\x1b') == NULL, "an escape sequence reached the terminal");
    cr_expect(strstr(out, "\\x01\\x1b[31m \\xff\\xc3(") != NULL, "%s", out);
    free(out);
}

Test(report, html_is_self_contained_and_escaped)
{
    static report r;
    sample(&r, NULL);
    char *out = render(&r, report_write_html);
    cr_expect(strncmp(out, "<!DOCTYPE html>", 15) == 0);
    cr_expect(strstr(out, "<script") == NULL, "no scripts, and peer text cannot inject one");
    cr_expect(strstr(out, "http://") == NULL && strstr(out, "https://") == NULL, "no external resources");
    cr_expect(strstr(out, "&lt;markup&gt; &amp; &quot;quotes&quot;") != NULL);
    cr_expect(strstr(out, "<span class=\"v FAIL\">FAIL</span>") != NULL);
    cr_expect(strstr(out, "1 passed, 2 failed, 1 skipped") != NULL);
    cr_expect(strstr(out, "</html>") != NULL);
    free(out);
}

Test(report, markdown_tables)
{
    static report r;
    sample(&r, NULL);
    char *out = render(&r, report_write_markdown);
    cr_expect(strstr(out, "# alpncheck report: 127.0.0.1:4433") != NULL);
    cr_expect(strstr(out, "## RFC 7301 §3.2 — selection") != NULL);
    cr_expect(strstr(out, "| FAIL | `SRV-NO-OVERLAP-ALERT` | 1.3 | MUST |") != NULL, "%s", out);
    free(out);
}
