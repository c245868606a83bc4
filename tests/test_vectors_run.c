/*
 * The vector runner (harness/vectors) on the hand-written vector files of tests/data/vectors/ (vectors/FORMAT.md):
 * every family passes against libalpn; a copy with one wrong expectation fails exactly that tcId (negative control);
 * files that break the format are refused with a clear error; and the adapter protocol, with tests/fake_adapter.c,
 * counts one wrong answer as one failure and turns a hanging, dying or garbling adapter into an error (exit 2) within
 * the deadline, never a hang.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vectors_run.h"

static const char *const fixtures[] = {"protocol_name_list", "selection", "header_parse", "header_format",
                                       "cross_format"};
#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

static void fixture_path(char *out, size_t cap, const char *name)
{
    const char *src = getenv("ALPN_SOURCE_DIR");
    cr_assert_not_null(src, "ALPN_SOURCE_DIR must point at the source tree (ctest sets it)");
    snprintf(out, cap, "%s/tests/data/vectors/%s.json", src, name);
}

static void fake_cmd(char *out, size_t cap, const char *args)
{
    const char *bin = getenv("ALPN_BINARY_DIR");
    cr_assert_not_null(bin, "ALPN_BINARY_DIR is set by ctest");
    snprintf(out, cap, "%s/tests/fake_adapter %s", bin, args);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t total_tests(const char *path)
{
    json_t *root = json_load_file(path, 0, NULL);
    cr_assert_not_null(root, "%s loads", path);
    size_t n = (size_t)json_integer_value(json_object_get(root, "numberOfTests"));
    json_decref(root);
    return n;
}

/* Runs path (ad NULL: libalpn) and expects it to run without error. */
static void run_ok(const char *path, vec_adapter *ad, vec_file_result *res)
{
    char err[1024] = "";
    int rc = vec_run_file(path, ad, NULL, res, err, sizeof err);
    cr_assert_eq(rc, 0, "%s: %s", path, err);
}

Test(vectors_run, fixtures_pass_against_libalpn)
{
    for (size_t i = 0; i < N_FIXTURES; i++) {
        char path[4096];
        vec_file_result res;
        fixture_path(path, sizeof path, fixtures[i]);
        run_ok(path, NULL, &res);
        cr_expect_eq(res.failed, 0, "%s: %zu failed (first: tcId %ld, expected %s, got %s)", fixtures[i], res.failed,
                     res.n_notes ? res.notes[0].tcid : -1L, res.n_notes ? res.notes[0].expected : "",
                     res.n_notes ? res.notes[0].got : "");
        cr_expect_eq(res.skipped, 0, "%s", fixtures[i]);
        cr_expect_eq(res.passed + res.lenient, total_tests(path), "%s: every test counted once", fixtures[i]);
        vec_file_result_free(&res);
    }
}

Test(vectors_run, lenient_header_parse_is_counted_separately)
{
    char path[4096];
    vec_file_result res;
    fixture_path(path, sizeof path, "header_parse");
    run_ok(path, NULL, &res);
    /* The three acceptable tests (lower-case hex, encoded tchar, empty element): strict rejects, lenient accepts. */
    cr_assert_eq(res.lenient, 3);
    cr_assert_eq(res.failed, 0);
    vec_file_result_free(&res);
}

/* Copies fixture NAME with test tcId's KEY replaced by VALUE (a JSON text) to a temporary file. */
static void mutate(const char *name, long tcid, const char *key, const char *value, char *out, size_t cap)
{
    char path[4096];
    fixture_path(path, sizeof path, name);
    json_t *root = json_load_file(path, 0, NULL);
    cr_assert_not_null(root);
    json_t *groups = json_object_get(root, "testGroups"), *g, *t;
    size_t gi, ti;
    int found = 0;
    json_array_foreach(groups, gi, g)
    {
        json_array_foreach(json_object_get(g, "tests"), ti, t)
        {
            if (json_integer_value(json_object_get(t, "tcId")) == tcid) {
                json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
                cr_assert_not_null(v, "bad JSON in the test: %s", value);
                json_object_set_new(t, key, v);
                found = 1;
            }
        }
    }
    cr_assert(found, "%s has tcId %ld", name, tcid);
    snprintf(out, cap, "/tmp/alpncheck-vectors-XXXXXX");
    int fd = mkstemp(out);
    cr_assert_geq(fd, 0);
    close(fd);
    cr_assert_eq(json_dump_file(root, out, JSON_INDENT(1)), 0);
    json_decref(root);
}

struct negative {
    const char *file;
    long tcid;
    const char *key, *value;
};

/* One wrong expectation per family (and per kind of comparison): exactly that tcId fails. */
static const struct negative negatives[] = {
    {"protocol_name_list", 2, "names", "[\"6833\"]"},                  /* valid: other names */
    {"protocol_name_list", 6, "check", "\"SRV-MALFORMED-LIST-LONG\""}, /* invalid: other check ID */
    {"protocol_name_list", 10, "alert", "47"},                         /* invalid: other alert */
    {"selection", 1, "selected", "\"687474702f312e31\""},              /* client preference instead */
    {"selection", 3, "alert", "50"},                                   /* no overlap is 120, not 50 */
    {"header_parse", 1, "names", "[\"6832\"]"},                        /* valid: a name missing */
    {"header_parse", 4, "check", "\"HDR-TOKEN\""},                     /* strict: other check ID */
    {"header_parse", 5, "names", "[\"6833\"]"},                        /* lenient: other names */
    {"header_format", 2, "value", "\"a%25B\""},                        /* wrong case */
    {"header_format", 4, "result", "\"valid\""},                       /* an empty name formatted */
    {"cross_format", 1, "value", "\"h2,http%2F1.1\""},                 /* not canonical */
    {"cross_format", 4, "value", "\"http%2F1.1\""},                    /* the pair does correspond */
};

Test(vectors_run, one_wrong_expectation_fails_exactly_that_tcid)
{
    for (size_t i = 0; i < sizeof negatives / sizeof negatives[0]; i++) {
        const struct negative *n = &negatives[i];
        char path[64];
        vec_file_result res;
        mutate(n->file, n->tcid, n->key, n->value, path, sizeof path);
        if (strcmp(n->key, "result") == 0) { /* a valid hformat test needs a value */
            unlink(path);
            mutate(n->file, n->tcid, "value", "\"\"", path, sizeof path);
            char path2[64];
            json_t *root = json_load_file(path, 0, NULL);
            json_t *t = json_array_get(json_object_get(json_array_get(json_object_get(root, "testGroups"), 0), "tests"),
                                       (size_t)n->tcid - 1);
            json_object_set_new(t, "result", json_string("valid"));
            snprintf(path2, sizeof path2, "%s", path);
            cr_assert_eq(json_dump_file(root, path2, 0), 0);
            json_decref(root);
        }
        run_ok(path, NULL, &res);
        cr_expect_eq(res.failed, 1, "%s tcId %ld %s=%s: %zu failures", n->file, n->tcid, n->key, n->value, res.failed);
        if (res.failed == 1) {
            for (size_t k = 0; k < res.n_notes; k++)
                if (res.notes[k].kind == VEC_NOTE_FAIL)
                    cr_expect_eq(res.notes[k].tcid, n->tcid, "%s: the failure is tcId %ld, not %ld", n->file,
                                 res.notes[k].tcid, n->tcid);
        }
        vec_file_result_free(&res);
        unlink(path);
    }
}

/* Writes TEXT to a temporary file. */
static void write_tmp(const char *text, char *out, size_t cap)
{
    snprintf(out, cap, "/tmp/alpncheck-vectors-XXXXXX");
    int fd = mkstemp(out);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

struct bad_file {
    const char *text;
    const char *message; /* substring of the error */
};

#define HEAD                                                                                                           \
    "{\"algorithm\":\"ALPN\",\"schema\":\"protocol_name_list.schema.json\",\"notes\":{\"Why\":{}},\"testGroups\":"
#define T1 "{\"tcId\":1,\"comment\":\"c\",\"flags\":[],\"result\":\"valid\""

static const struct bad_file bad_files[] = {
    {"not json", "not valid JSON"},
    {"[1]", "not a JSON object"},
    {"{\"algorithm\":\"ALPN\",\"schema\":\"nope.schema.json\",\"testGroups\":[]}", "unknown schema 'nope.schema.json'"},
    {"{\"algorithm\":\"ALPN\",\"testGroups\":[]}", "missing field 'schema'"},
    {"{\"schema\":\"selection.schema.json\",\"testGroups\":[]}", "'algorithm'"},
    {HEAD "{}}", "missing field 'testGroups'"},
    {HEAD "[{\"type\":\"Selection\",\"tests\":[]}]}",
     "group type 'Selection' in a file of schema protocol_name_list.schema.json (expected 'ProtocolNameList')"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"tests\":[]}]}", "missing field 'role'"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"role\":\"client\",\"tests\":[" T1 ",\"names\":[]}]}]}",
     "(tcId 1): missing field 'ext'"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"role\":\"client\",\"tests\":[" T1 ",\"ext\":\"0003026\",\"names\":[]}]}]}",
     "bad hex in 'ext': odd number"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"role\":\"client\",\"tests\":[" T1
          ",\"ext\":\"00030268ZZ\",\"names\":[]}]}]}",
     "bad hex in 'ext' at character 8"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"role\":\"client\",\"tests\":[" T1
          ",\"ext\":\"00030268AA\",\"names\":[]}]}]}",
     "lower-case hex"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"role\":\"client\",\"tests\":[" T1 ",\"ext\":\"0003026832\"}]}]}",
     "missing field 'names'"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"role\":\"client\",\"tests\":[{\"tcId\":1,\"comment\":\"c\",\"flags\":[],"
          "\"result\":\"maybe\",\"ext\":\"\"}]}]}",
     "result 'maybe'"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"role\":\"client\",\"tests\":[{\"tcId\":1,\"comment\":\"c\",\"flags\":[],"
          "\"result\":\"invalid\",\"ext\":\"\",\"check\":\"X\"}]}]}",
     "missing field 'alert'"},
    {"{\"algorithm\":\"ALPN\",\"schema\":\"protocol_name_list.schema.json\",\"notes\":{},\"numberOfTests\":2,"
     "\"testGroups\":[]}",
     "numberOfTests"},
    {"{\"algorithm\":\"ALPN\",\"schema\":\"protocol_name_list.schema.json\",\"testGroups\":[]}",
     "missing field 'notes'"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"role\":\"client\",\"tests\":[{\"tcId\":7,\"comment\":\"c\",\"flags\":[],"
          "\"result\":\"valid\",\"ext\":\"0003026832\",\"names\":[\"6832\"]}]}]}",
     "tcId 7 out of order"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"role\":\"client\",\"tests\":[{\"tcId\":1,\"comment\":\"c\","
          "\"flags\":[\"NoSuchFlag\"],\"result\":\"valid\",\"ext\":\"0003026832\",\"names\":[\"6832\"]}]}]}",
     "flag 0 is not a key of the file's notes"},
    {HEAD "[{\"type\":\"ProtocolNameList\",\"role\":\"client\",\"tests\":[{\"tcId\":1,\"comment\":\"c\",\"flags\":[],"
          "\"result\":\"acceptable\",\"ext\":\"0003026832\",\"names\":[\"6832\"]}]}]}",
     "an acceptable test without a flag"},
};

Test(vectors_run, malformed_files_are_refused_with_a_clear_error)
{
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        char path[64], err[1024] = "";
        vec_file_result res;
        write_tmp(bad_files[i].text, path, sizeof path);
        int rc = vec_run_file(path, NULL, NULL, &res, err, sizeof err);
        cr_expect_eq(rc, -1, "case %zu accepted", i);
        cr_expect(strstr(err, bad_files[i].message) != NULL, "case %zu: '%s' lacks '%s'", i, err, bad_files[i].message);
        cr_expect_eq(res.passed + res.failed, 0, "case %zu: nothing runs from a malformed file", i);
        vec_file_result_free(&res);
        unlink(path);
    }
}

Test(vectors_run, file_over_64_mb_is_refused_unread)
{
    char path[64], err[1024] = "";
    vec_file_result res;
    write_tmp("{}", path, sizeof path);
    cr_assert_eq(truncate(path, (off_t)VEC_FILE_MAX + 1), 0); /* sparse: nothing is written */
    cr_assert_eq(vec_run_file(path, NULL, NULL, &res, err, sizeof err), -1);
    cr_expect(strstr(err, "over the 64 MB limit") != NULL, "%s", err);
    vec_file_result_free(&res);
    unlink(path);
    cr_assert_eq(vec_run_file("/nonexistent/x.json", NULL, NULL, &res, err, sizeof err), -1);
    cr_expect(strstr(err, "No such file") != NULL, "%s", err);
    vec_file_result_free(&res);
}

/* ---- adapters ---------------------------------------------------------------------------------------------------- */

static vec_adapter *start(const char *args, int deadline_ms)
{
    char cmd[4096], err[1024] = "";
    fake_cmd(cmd, sizeof cmd, args);
    vec_adapter *ad = vec_adapter_start(cmd, deadline_ms, err, sizeof err);
    cr_assert_not_null(ad, "%s: %s", cmd, err);
    return ad;
}

Test(vectors_adapter, libalpn_behind_the_protocol_passes_every_fixture)
{
    vec_adapter *ad = start("", VEC_DEADLINE_MS);
    cr_assert_str_eq(vec_adapter_name(ad), "fake");
    for (size_t i = 0; i < N_FIXTURES; i++) {
        char path[4096];
        vec_file_result res;
        fixture_path(path, sizeof path, fixtures[i]);
        run_ok(path, ad, &res);
        cr_expect_eq(res.failed, 0, "%s over the adapter: %zu failed (tcId %ld: expected %s, got %s)", fixtures[i],
                     res.failed, res.n_notes ? res.notes[0].tcid : -1L, res.n_notes ? res.notes[0].expected : "",
                     res.n_notes ? res.notes[0].got : "");
        /* hformat of a name over 255 octets cannot be asked: one skip there, none elsewhere. */
        cr_expect_eq(res.skipped, strcmp(fixtures[i], "header_format") == 0 ? 1u : 0u, "%s", fixtures[i]);
        vec_file_result_free(&res);
    }
    cr_assert_eq(vec_adapter_stop(ad), 0, "the adapter exits 0 after quit");
}

Test(vectors_adapter, one_wrong_answer_is_one_failure)
{
    char path[4096];
    const char *files[] = {"selection", "protocol_name_list", "header_format"};
    for (size_t i = 0; i < 3; i++) {
        vec_adapter *ad = start("--wrong 3", VEC_DEADLINE_MS);
        vec_file_result res;
        fixture_path(path, sizeof path, files[i]);
        run_ok(path, ad, &res);
        cr_expect_eq(res.failed, 1, "%s: %zu failures", files[i], res.failed);
        for (size_t k = 0; k < res.n_notes; k++)
            if (res.notes[k].kind == VEC_NOTE_FAIL)
                cr_expect_eq(res.notes[k].tcid, 3);
        vec_file_result_free(&res);
        vec_adapter_stop(ad);
    }
}

/* A server answer of two names may be refused with illegal_parameter (47) as well as decode_error (50): the test's
 * alertAlso. Without alertAlso, 47 is a failure; another alert is a failure either way. */
Test(vectors_adapter, alert_also_is_the_one_other_alert_that_passes)
{
    char plain[4096], also[4096];
    fixture_path(plain, sizeof plain, "protocol_name_list");
    mutate("protocol_name_list", 10, "alertAlso", "47", also, sizeof also);
    struct {
        const char *path, *args;
        size_t failed;
    } runs[] = {
        {also, "--alert-at 10 47", 0}, {also, "--alert-at 10 50", 0}, {also, "--alert-at 10 40", 1},
        {plain, "--alert-at 10 47", 1}, {plain, "--alert-at 10 50", 0},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        vec_adapter *ad = start(runs[i].args, VEC_DEADLINE_MS);
        vec_file_result res;
        run_ok(runs[i].path, ad, &res);
        cr_expect_eq(res.failed, runs[i].failed, "%s on %s: %zu failed", runs[i].args,
                     runs[i].path == also ? "alertAlso 47" : "no alertAlso", res.failed);
        if (res.failed == 1) {
            cr_expect(strstr(res.notes[0].expected, runs[i].path == also ? "error 50 (or 47)" : "error 50") != NULL,
                      "%s", res.notes[0].expected);
            if (runs[i].path != also)
                cr_expect(strstr(res.notes[0].expected, "(or") == NULL, "%s", res.notes[0].expected);
        }
        vec_file_result_free(&res);
        vec_adapter_stop(ad);
    }
    unlink(also);
}

Test(vectors_adapter, unannounced_families_are_skipped)
{
    vec_adapter *ad = start("--families select", VEC_DEADLINE_MS);
    char path[4096];
    vec_file_result res;
    fixture_path(path, sizeof path, "header_parse");
    run_ok(path, ad, &res);
    cr_expect_eq(res.skipped, total_tests(path));
    cr_expect_eq(res.passed + res.failed, 0);
    vec_file_result_free(&res);
    fixture_path(path, sizeof path, "selection");
    run_ok(path, ad, &res);
    cr_expect_eq(res.skipped, 0);
    vec_file_result_free(&res);
    vec_adapter_stop(ad);
}

/* Runs selection.json over a misbehaving adapter: an error, within the deadline (plus slack), never a hang. */
static void expect_adapter_error(const char *args, int deadline_ms, const char *message)
{
    vec_adapter *ad = start(args, deadline_ms);
    char path[4096], err[1024] = "";
    vec_file_result res;
    fixture_path(path, sizeof path, "selection");
    double t0 = now_s();
    int rc = vec_run_file(path, ad, NULL, &res, err, sizeof err);
    double took = now_s() - t0;
    cr_expect_eq(rc, -1, "%s: no error", args);
    cr_expect(strstr(err, message) != NULL, "%s: '%s' lacks '%s'", args, err, message);
    cr_expect_lt(took, deadline_ms / 1000.0 + 2.0, "%s: took %.1f s", args, took);
    vec_file_result_free(&res);
    t0 = now_s();
    vec_adapter_stop(ad);
    cr_expect_lt(now_s() - t0, 3.0, "stopping a misbehaving adapter is quick");
}

Test(vectors_adapter, hang_is_an_error_after_the_deadline)
{
    double t0 = now_s();
    expect_adapter_error("--hang-at 2", 500, "did not answer within 500 ms");
    cr_expect_geq(now_s() - t0, 0.5, "the deadline is waited out");
}

Test(vectors_adapter, death_and_garbage_are_errors)
{
    expect_adapter_error("--die-at 2", VEC_DEADLINE_MS, "exited with status 3");
    expect_adapter_error("--garble-at 2", VEC_DEADLINE_MS, "garbled adapter answer");
}

Test(vectors_adapter, bad_handshakes_are_errors)
{
    char err[1024] = "";
    double t0 = now_s();
    cr_expect_null(vec_adapter_start("exec sleep 30", 300, err, sizeof err));
    cr_expect(strstr(err, "did not answer within 300 ms") != NULL, "%s", err);
    cr_expect_lt(now_s() - t0, 2.0);
    cr_expect_null(vec_adapter_start("echo hello adapter", 1000, err, sizeof err));
    cr_expect(strstr(err, "handshake") != NULL, "%s", err);
    cr_expect_null(vec_adapter_start("echo alpncheck-adapter 1 x list,frobnicate", 1000, err, sizeof err));
    cr_expect(strstr(err, "unknown family 'frobnicate'") != NULL, "%s", err);
    cr_expect_null(vec_adapter_start("exit 7", 1000, err, sizeof err));
    cr_expect(strstr(err, "exited with status 7") != NULL, "%s", err);
    cr_expect_null(vec_adapter_start("/nonexistent/adapter", 1000, err, sizeof err));
    cr_expect(strstr(err, "exited with status 127") != NULL, "%s", err);
}

Test(vectors_adapter, overlong_answer_is_an_error)
{
    char err[1024] = "", path[4096];
    vec_file_result res;
    vec_adapter *ad = vec_adapter_start("echo alpncheck-adapter 1 long select; read l; "
                                        "head -c 300001 /dev/zero | tr '\\0' a; echo; sleep 30",
                                        2000, err, sizeof err);
    cr_assert_not_null(ad, "%s", err);
    fixture_path(path, sizeof path, "selection");
    cr_expect_eq(vec_run_file(path, ad, NULL, &res, err, sizeof err), -1);
    cr_expect(strstr(err, "line over 300000 bytes") != NULL, "%s", err);
    vec_file_result_free(&res);
    double t0 = now_s();
    vec_adapter_stop(ad);
    cr_expect_lt(now_s() - t0, 3.0, "the sleeping shell is killed, not waited for");
}

/* An adapter's answer is text (FORMAT.md): a control character, a NUL or bytes that are not UTF-8 are an error that
 * names the byte, before anything quotes the line (before: an ESC sequence reached the terminal in the failure log and
 * the error, and a NUL cut the line short without a word). */
static void expect_line(const char *answer, const char *message, int refused)
{
    char cmd[512], err[1024] = "", path[4096];
    vec_file_result res;
    snprintf(cmd, sizeof cmd, "echo alpncheck-adapter 1 text select; while read l; do printf '%s\\n'; done", answer);
    vec_adapter *ad = vec_adapter_start(cmd, 2000, err, sizeof err);
    cr_assert_not_null(ad, "%s", err);
    fixture_path(path, sizeof path, "selection");
    int rc = vec_run_file(path, ad, NULL, &res, err, sizeof err);
    if (refused) {
        cr_expect_eq(rc, -1, "%s: no error", answer);
        cr_expect(strstr(err, message) != NULL, "%s: '%s' lacks '%s'", answer, err, message);
    } else {
        /* Text (UTF-8, a tab): every answer is taken, a skip. */
        cr_expect_eq(rc, 0, "%s: %s", answer, err);
        cr_expect_gt(res.skipped, 0, "%s: nothing skipped", answer);
        cr_expect_eq(res.failed, 0);
    }
    vec_file_result_free(&res);
    vec_adapter_stop(ad);
}

Test(vectors_adapter, answers_that_are_not_text_are_errors)
{
    expect_line("error \\033]0;PWNED\\007", "byte 0x1b at offset 6", 1);
    expect_line("ok 6832\\000this is not hex", "byte 0x00 at offset 7", 1);
    expect_line("skip \\302\\233", "byte 0xc2 at offset 5", 1);
    expect_line("skip \\377", "not UTF-8", 1);
    expect_line("skip caf\\303\\251\\tand a tab", NULL, 0);
    char err[1024] = "";
    cr_expect_null(vec_adapter_start("printf 'alpncheck-adapter 1 \\033[2J list\\n'", 1000, err, sizeof err));
    cr_expect(strstr(err, "byte 0x1b at offset 20") != NULL, "%s", err);
}

Test(vectors_adapter, the_whole_process_group_is_killed)
{
    /* sh starts a background sleeper, then the adapter, which ignores quit: both must be gone after stop. */
    char pidfile[] = "/tmp/alpncheck-vectors-pid-XXXXXX", cmd[4096], args[200], err[1024] = "";
    int fd = mkstemp(pidfile);
    cr_assert_geq(fd, 0);
    close(fd);
    snprintf(args, sizeof args, "--ignore-quit");
    fake_cmd(cmd + 100, sizeof cmd - 100, args);
    char full[8192];
    snprintf(full, sizeof full, "sleep 60 & echo $! > %s; %s", pidfile, cmd + 100);
    vec_adapter *ad = vec_adapter_start(full, 2000, err, sizeof err);
    cr_assert_not_null(ad, "%s", err);
    FILE *f = fopen(pidfile, "r");
    long sleeper = 0;
    cr_assert(f != NULL && fscanf(f, "%ld", &sleeper) == 1 && sleeper > 0);
    fclose(f);
    cr_expect_eq(vec_adapter_stop(ad), -1, "an adapter that ignores quit is killed, not clean");
    usleep(100000);
    /* The sleeper was a child of sh; once killed, init reaps it, so kill(pid, 0) fails. */
    int alive = kill((pid_t)sleeper, 0) == 0;
    if (alive) {
        char st[64], stat_path[64];
        snprintf(stat_path, sizeof stat_path, "/proc/%ld/stat", sleeper);
        FILE *s = fopen(stat_path, "r");
        alive = s != NULL && fgets(st, sizeof st, s) != NULL && strstr(st, ") Z") == NULL;
        if (s != NULL)
            fclose(s);
    }
    cr_expect(!alive, "the background sleeper %ld survived", sleeper);
    unlink(pidfile);
}

/* ---- the command ----------------------------------------------------------------------------------------------------
 */

static int run_cli(const char *args, char *out, size_t cap)
{
    const char *bin = getenv("ALPN_BINARY_DIR"), *src = getenv("ALPN_SOURCE_DIR");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "ALPNCHECK_VECTORS_DIR=%s/tests/data/vectors %s/harness/cli/alpncheck vectors %s 2>&1",
             src, bin, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_assert(WIFEXITED(st), "alpncheck vectors %s did not exit normally", args);
    return WEXITSTATUS(st);
}

Test(vectors_cli, all_fixtures_pass_and_json_summary)
{
    static char out[1 << 16];
    char json_path[] = "/tmp/alpncheck-vectors-json-XXXXXX", args[256];
    int fd = mkstemp(json_path);
    close(fd);
    snprintf(args, sizeof args, "--json %s", json_path);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_expect(strstr(out, "header_parse.json: 6 passed, 0 failed, 0 skipped, 3 lenient\n") != NULL, "%s", out);
    cr_expect(strstr(out, "selection.json: 8 passed, 0 failed, 0 skipped\n") != NULL, "%s", out);
    const char *last = strrchr(out, '\n');
    while (last > out && last[-1] != '\n')
        last--;
    cr_expect_str_eq(last, "34 passed, 0 failed\n");
    json_t *j = json_load_file(json_path, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_str_eq(json_string_value(json_object_get(j, "backend")), "libalpn");
    cr_expect_eq(json_integer_value(json_object_get(j, "passed")), 34);
    cr_expect_eq(json_array_size(json_object_get(j, "files")), 5);
    json_t *hp = json_object_get(json_object_get(j, "families"), "hparse");
    cr_expect_eq(json_integer_value(json_object_get(hp, "lenient")), 3);
    json_decref(j);
    unlink(json_path);
}

Test(vectors_cli, failures_exit_1_with_a_line_per_test)
{
    static char out[1 << 16];
    char path[64], args[256];
    mutate("selection", 4, "alert", "50", path, sizeof path);
    snprintf(args, sizeof args, "%s", path);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_expect(strstr(out, "  tcId 4 (prefix of a supported name): expected error 50, got error 120\n") != NULL, "%s",
              out);
    cr_expect(strstr(out, ": 7 passed, 1 failed, 0 skipped\n7 passed, 1 failed\n") != NULL, "%s", out);
    snprintf(args, sizeof args, "--quiet %s", path);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_expect(strstr(out, "tcId 4") == NULL, "--quiet: %s", out);
    unlink(path);
}

Test(vectors_cli, adapter_errors_and_usage_exit_2)
{
    static char out[1 << 16];
    char cmd[4096], args[8192];
    fake_cmd(cmd, sizeof cmd, "--die-at 1");
    snprintf(args, sizeof args, "--exec '%s'", cmd);
    cr_expect_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_expect(strstr(out, "exited with status 3") != NULL, "%s", out);
    double t0 = now_s();
    fake_cmd(cmd, sizeof cmd, "--hang-at 1");
    snprintf(args, sizeof args, "--exec '%s'", cmd);
    cr_expect_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_expect(strstr(out, "did not answer within 5000 ms") != NULL, "%s", out);
    cr_expect_lt(now_s() - t0, 8.0);
    fake_cmd(cmd, sizeof cmd, "--wrong 2");
    snprintf(args, sizeof args, "--exec '%s' --quiet", cmd);
    cr_expect_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    /* tcId 2 of every file is answered wrongly: one failure per file (hformat: one skip, a name over 255 octets). */
    cr_expect(strstr(out, "\n28 passed, 5 failed\n") != NULL, "%s", out);
    cr_expect_eq(run_cli("--bogus", out, sizeof out), 2);
    cr_expect_eq(run_cli("/nonexistent.json", out, sizeof out), 2);
    cr_expect_eq(run_cli("--help", out, sizeof out), 0);
    cr_expect(strstr(out, "vectors/FORMAT.md") != NULL && strstr(out, "alpncheck-adapter 1 NAME FAMILIES") != NULL);
}

/* The vectors directory: the environment's first; else, in a build tree, the source tree's, which holds the files. */
Test(vectors_run, default_dir)
{
    char buf[4096], path[4200];
    setenv("ALPNCHECK_VECTORS_DIR", "/somewhere/else", 1);
    cr_assert_str_eq(vec_default_dir(buf, sizeof buf), "/somewhere/else");
    unsetenv("ALPNCHECK_VECTORS_DIR");
    const char *dir = vec_default_dir(buf, sizeof buf);
    snprintf(path, sizeof path, "%s/protocol_name_list.json", dir);
    cr_assert_eq(access(path, R_OK), 0, "%s is readable", path);
}

/* The Alt-Svc and SVCB alpn families of vectors/: libalpn passes every test (acceptable Alt-Svc values counted as
 * lenient), an adapter skips them all (no requests for them in the line protocol), and a test whose expectation is
 * changed fails. */
Test(vectors_run, altsvc_and_svcb_families)
{
    const char *src = getenv("ALPN_SOURCE_DIR");
    cr_assert_not_null(src);
    static const char *const files[] = {"altsvc", "svcb_alpn"};
    char path[4096];
    for (size_t i = 0; i < 2; i++) {
        vec_file_result res;
        snprintf(path, sizeof path, "%s/vectors/%s.json", src, files[i]);
        run_ok(path, NULL, &res);
        cr_expect_eq(res.failed, 0, "%s", files[i]);
        cr_expect_eq(res.passed + res.lenient, total_tests(path), "%s", files[i]);
        cr_expect_gt(res.passed, 700, "%s", files[i]);
        vec_file_result_free(&res);
        vec_adapter *ad = start("--families list,select,hparse,hformat", VEC_DEADLINE_MS);
        run_ok(path, ad, &res);
        cr_expect_eq(res.skipped, total_tests(path), "%s", files[i]);
        vec_file_result_free(&res);
        vec_adapter_stop(ad);
    }
    /* One expectation changed: the canonical form of the first test (RFC 7838's own example). */
    snprintf(path, sizeof path, "%s/vectors/altsvc.json", src);
    json_t *doc = json_load_file(path, 0, NULL);
    cr_assert_not_null(doc);
    json_t *t = json_array_get(json_object_get(json_array_get(json_object_get(doc, "testGroups"), 0), "tests"), 0);
    json_object_set_new(t, "canonical", json_string("h2=\"new.example.org:81\""));
    char tmp[] = "/tmp/alpncheck-altsvc-XXXXXX";
    int fd = mkstemp(tmp);
    cr_assert_geq(fd, 0);
    cr_assert_eq(json_dumpfd(doc, fd, 0), 0);
    close(fd);
    json_decref(doc);
    vec_file_result res;
    run_ok(tmp, NULL, &res);
    cr_expect_eq(res.failed, 1);
    vec_file_result_free(&res);
    unlink(tmp);
}
