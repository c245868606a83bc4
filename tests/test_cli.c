/* The alpncheck command line, run as a real process: exit codes, output, stdin, JSON. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alpn.h"
#include "cases.h"

/* Runs "alpncheck ARGS" through the shell with STDIN (may be NULL: empty stdin) and returns the exit code;
 * out receives stdout and stderr. */
static int run(const char *args, const char *stdin_text, char *out, size_t cap)
{
    const char *bindir = getenv("ALPN_BINARY_DIR");
    cr_assert_not_null(bindir, "ALPN_BINARY_DIR is set by ctest");
    char in_path[] = "/tmp/alpncheck-cli-XXXXXX";
    int fd = mkstemp(in_path);
    cr_assert_geq(fd, 0);
    if (stdin_text != NULL)
        cr_assert_eq(write(fd, stdin_text, strlen(stdin_text)), (ssize_t)strlen(stdin_text));
    close(fd);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s/harness/cli/alpncheck %s < %s 2>&1", bindir, args, in_path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    unlink(in_path);
    cr_assert(WIFEXITED(status), "alpncheck %s did not exit normally", args);
    return WEXITSTATUS(status);
}

/* Runs every case of tests/cases/NAME.json: alpncheck with its "args" (through the shell) and its stdin, checks the
 * "exit" code, then hands the output (stdout and stderr) to expect, which checks what else the file's cases say. */
static void run_cases(const char *file, void (*expect)(const json_t *c, const char *args, const char *out))
{
    static char out[1 << 16];
    char in[4096]; /* a case's stdin (stdin or stdin_hex), bounded well above any case's */
    case_file f;
    cases_open(&f, file);
    for (size_t i = 0; i < f.n; i++) {
        const json_t *c = cases_at(&f, i);
        const char *name = case_name(c), *args = case_text(c, "args", NULL);
        cr_assert_not_null(args, "%s: no args", name);
        long long want = case_int(c, "exit", -1);
        int code = run(args, case_bytes_str(c, "stdin", in, sizeof in), out, sizeof out); /* NULL: empty stdin */
        cr_expect_eq(code, want, "%s: alpncheck %s: exit %d, expected %lld\n%s", name, args, code, want, out);
        expect(c, args, out);
    }
    cases_close(&f);
}

/* cli.json: substrings the output must hold ("expect"). */
static void expect_substrings(const json_t *c, const char *args, const char *out)
{
    const char *expect[8];
    size_t n = case_texts(c, "expect", expect, 8);
    cr_assert_gt(n, 0, "%s: nothing expected of the output", case_name(c));
    for (size_t j = 0; j < n; j++)
        cr_expect(strstr(out, expect[j]) != NULL, "%s: alpncheck %s: output lacks \"%s\":\n%s", case_name(c), args,
                  expect[j], out);
}

Test(cli, table)
{
    run_cases("cli", expect_substrings);
}

/* -V prints exactly the version this build was made from (a constant of the build, so not in cli.json). */
Test(cli, short_version_is_the_build_version)
{
    static char out[1 << 16];
    cr_expect_eq(run("-V", NULL, out, sizeof out), 0, "%s", out);
    cr_expect_str_eq(out, "alpncheck " ALPN_VERSION "\n");
}

/* cli_json.json: the output parses as JSON and has a key "has", at least "array_min" entries, or a "field" (of the
 * first object of its "in" array, when given) equal to "want". */
static void expect_json(const json_t *c, const char *args, const char *out)
{
    const char *name = case_name(c), *has = case_text(c, "has", NULL), *field = case_text(c, "field", NULL);
    long long array_min = case_int(c, "array_min", -1);
    cr_assert(has || array_min >= 0 || field, "%s: nothing expected of the JSON", name);
    json_error_t e;
    json_t *v = json_loads(out, 0, &e);
    cr_assert_not_null(v, "%s: alpncheck %s: not JSON (%s): [%s]", name, args, e.text, out);
    if (has)
        cr_expect_not_null(json_object_get(v, has), "%s: no key %s", name, has);
    if (array_min >= 0)
        cr_expect(json_is_array(v) && json_array_size(v) >= (size_t)array_min, "%s: array too small", name);
    if (field) {
        const char *want = case_text(c, "want", NULL), *at = case_text(c, "in", NULL);
        cr_assert_not_null(want, "%s: a field without its want", name);
        json_t *o = at ? json_array_get(json_object_get(v, at), 0) : v;
        const char *got = json_string_value(json_object_get(o, field));
        cr_expect(got != NULL && strcmp(got, want) == 0, "%s: %s is \"%s\", expected \"%s\"", name, field,
                  got ? got : "(none)", want);
    }
    json_decref(v);
}

/* Every --json output is JSON. Input bytes that are not UTF-8 (json_pack refuses them) still give JSON, with the
 * bytes as hex and as \xNN in text (header --json printed a bare newline). */
Test(cli, json_outputs_parse)
{
    run_cases("cli_json", expect_json);
}

Test(cli, decode_json_gives_each_name_in_hex_with_its_kind)
{
    static char out[1 << 16];
    run("decode --json 000c02683208687474702f312e31", NULL, out, sizeof out);
    json_t *v = json_loads(out, 0, NULL);
    json_t *names = json_object_get(v, "names");
    cr_assert_eq(json_array_size(names), 2);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(names, 1), "hex")), "687474702f312e31");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(names, 1), "kind")), "registered");
    json_decref(v);
}

/* The adapter's command comes from the command line and may hold bytes that are not UTF-8: the --json summary keeps
 * them as \xNN (jansson dropped the field). What the adapter itself prints must be UTF-8 text (vectors/FORMAT.md): a
 * name or a skip reason that is not is an adapter error, exit 2, and the summary file is left as it was. */
Test(cli, vectors_json_with_bytes_that_are_not_utf8)
{
    static char out[1 << 16];
    char path[] = "/tmp/alpncheck-vec-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    char args[1024];
    snprintf(args, sizeof args,
             "vectors --quiet --json %s --exec 'printf \"alpncheck-adapter 1 n list\\n\"; while read l; do "
             "[ \"$l\" = quit ] && exit 0; printf \"skip r\\n\"; done # \377' "
             "\"$ALPN_SOURCE_DIR/vectors/protocol_name_list.json\"",
             path);
    int code = run(args, NULL, out, sizeof out);
    cr_expect_eq(code, 2, "every test skipped: exit 2, got %d: %s", code, out);
    json_error_t e;
    json_t *v = json_load_file(path, 0, &e);
    cr_assert_not_null(v, "summary not written or not JSON: %s (%s)", e.text, out);
    const char *cmd = json_string_value(json_object_get(v, "command"));
    cr_expect(cmd != NULL && strstr(cmd, "done # \\xff") != NULL, "command: %s", cmd ? cmd : "(none)");
    json_t *file = json_array_get(json_object_get(v, "files"), 0);
    cr_expect_gt(json_integer_value(json_object_get(file, "skipped")), 0);
    json_decref(v);

    snprintf(args, sizeof args,
             "vectors --quiet --json %s --exec 'printf \"alpncheck-adapter 1 n\\377 list\\n\"; while read l; do "
             "[ \"$l\" = quit ] && exit 0; printf \"skip r\\n\"; done' "
             "\"$ALPN_SOURCE_DIR/vectors/protocol_name_list.json\"",
             path);
    code = run(args, NULL, out, sizeof out);
    cr_expect_eq(code, 2, "an adapter name that is not UTF-8: exit 2, got %d: %s", code, out);
    cr_expect(strstr(out, "adapter sent a line that is not UTF-8") != NULL, "%s", out);
    v = json_load_file(path, 0, &e);
    cr_expect_not_null(v, "the summary of the first run is still there: %s", e.text);
    json_decref(v);
    unlink(path);
}

Test(cli, oversized_input_is_refused_not_crashed)
{
    /* 600 KB of hex on stdin: over the input limit, a clear usage error. */
    size_t n = 600 * 1024;
    char *big = malloc(n + 1);
    cr_assert_not_null(big);
    memset(big, '0', n);
    big[n] = '\0';
    static char out[1 << 16];
    int code = run("decode", big, out, sizeof out);
    free(big);
    cr_expect_eq(code, 2, "exit %d: %s", code, out);
    cr_expect(strstr(out, "longer than") != NULL, "%s", out);
}
