/* The alpncheck command line, run as a real process: exit codes, output, stdin, JSON. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alpn.h"

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

struct cli_case {
    const char *args;
    const char *stdin_text;
    int exit_code;
    const char *expect[4]; /* substrings that must appear in the output */
};

static const struct cli_case cli_cases[] = {
    /* decode */
    {"decode 000c02683208687474702f312e31", NULL, 0, {"valid ProtocolNameList", "2 names", "h2", "http/1.1"}},
    {"decode '00 0c 02 68 32 08 68 74 74 70 2f 31 2e 31'", NULL, 0, {"2 names", "HTTP/1.1"}},
    {"decode 0x0003026832", NULL, 0, {"1 name", "h2"}},
    {"decode", "0003026832\n", 0, {"1 name", "h2"}},
    {"decode 0004026832 00", NULL, 2, {"expected one HEX argument"}},
    {"decode 000402683200",
     NULL,
     1,
     {"INVALID", "SRV-MALFORMED-EMPTY-NAME-LATER", "byte 5", "decode_error (alert 50)"}},
    {"decode 0000", NULL, 1, {"SRV-MALFORMED-EMPTY-LIST"}},
    {"decode ''", NULL, 1, {"SRV-MALFORMED-EMPTY-EXT"}},
    {"decode --role server 0006026832026833", NULL, 1, {"CLI-REJECT-MULTIPLE", "A client receiving this"}},
    {"decode --role server 0003026832", NULL, 0, {"server answer: valid"}},
    {"decode --role both 0003026832", NULL, 2, {"--role takes 'client' or 'server', not 'both'"}},
    {"decode 00zz", NULL, 2, {"not a hex digit at character 2"}},
    {"decode 000", NULL, 2, {"odd number of hex digits"}},
    {"decode --bogus", NULL, 2, {"unknown option", "--help"}},
    {"decode --help", NULL, 0, {"Usage: alpncheck decode", "--role"}},
    {"decode 0003020a0a", NULL, 0, {"GREASE"}},
    /* encode */
    {"encode h2 http/1.1", NULL, 0, {"extension_data (14 bytes): 000c02683208687474702f312e31", "h2, http%2F1.1"}},
    {"encode", "h2\nhttp/1.1\n", 0, {"000c02683208687474702f312e31"}},
    {"encode --hex 6832 00", NULL, 0, {"00050268320100", "h2, %00"}},
    {"encode ''", NULL, 1, {"name 1", "empty"}},
    {"encode", "", 2, {"no names given"}},
    {"encode --hex 6", NULL, 2, {"name 1: odd number of hex digits"}},
    /* header */
    {"header 'h2, http%2F1.1'", NULL, 0, {"valid (strict), 2 names, canonical form", "http/1.1"}},
    {"header 'h2,http%2F1.1'", NULL, 0, {"valid (strict)", "canonical: h2, http%2F1.1"}},
    {"header 'http%2f1.1'", NULL, 1, {"INVALID (strict)", "HDR-PCT-UPPER", "lenient receiver accepts"}},
    {"header --lenient 'http%2f1.1'", NULL, 0, {"valid (lenient)", "HDR-PCT-UPPER", "canonical: http%2F1.1"}},
    {"header '%68%32'", NULL, 1, {"HDR-PCT-NOT-TCHAR"}},
    {"header 'h2,,http%2F1.1'", NULL, 1, {"HDR-LIST"}},
    {"header 'http/1.1'", NULL, 1, {"HDR-TOKEN", "rejects it too"}},
    {"header 'h2%2'", NULL, 1, {"HDR-PCT-TRUNCATED"}},
    {"header", "h2\n", 0, {"valid (strict), 1 name"}},
    {"header a b", NULL, 2, {"expected one VALUE"}},
    /* altsvc */
    {"altsvc 'h2=\"alt.example.com:8000\", h2=\":443\"'", NULL, 0,
     {"valid (strict)", "canonical form", "host \"alt.example.com\"  port 8000", "port 443"}},
    {"altsvc 'h2=\":443\";; ma=x'", NULL, 1,
     {"INVALID (strict)", "ALTSVC-PARAM (RFC 7838 §3, 9110 §5.6.6) at byte 10", "^ byte 10", "ALTSVC-MA"}},
    {"altsvc --lenient 'h2=\":443\";; ma=x'", NULL, 0, {"valid (lenient)", "canonical: h2=\":443\""}},
    {"altsvc 'h2=\":65536\"'", NULL, 1, {"ALTSVC-PORT", "rejects it too"}},
    {"altsvc clear", NULL, 0, {"clear (forget every alternative)"}},
    {"altsvc a b", NULL, 2, {"expected one VALUE"}},
    /* svcb */
    {"svcb 'alpn=\"f\\\\\\\\oo\\\\,bar,h2\" no-default-alpn'", NULL, 0,
     {"valid", "wire (alpn value): 08665c6f6f2c626172026832", "ALPN header: f%5Coo%2Cbar, h2"}},
    {"svcb 'alpn=h2,,h3'", NULL, 1, {"SVCB-ALPN-ID-EMPTY (RFC 9460 §7.1, §A.1) at byte 8", "^ byte 8"}},
    {"svcb no-default-alpn", NULL, 1, {"SVCB-NO-DEFAULT-ALONE"}},
    {"svcb 'alpn=h2 no-default-alpn=x'", NULL, 1, {"SVCB-NO-DEFAULT-EMPTY"}},
    {"svcb 'alpn=h2 alpn=h3'", NULL, 1, {"SVCB-KEY-ORDER"}},
    {"svcb port=443", NULL, 1, {"SVCB-ALPN-EMPTY"}},
    {"svcb --wire 0268320568332d3139", NULL, 0, {"alpn=h2,h3-19", "extension_data: 00090268320568332d3139"}},
    {"svcb --wire 02683203", NULL, 1, {"SVCB-ALPN-OVERRUN", "^ byte 3"}},
    {"svcb --wire 0x6g", NULL, 2, {"svcb"}},
    {"svcb --wire 00 extra", NULL, 2, {"expected one PARAMS"}},
    /* registry */
    {"registry", NULL, 0, {"http/1.1", "acme-tls/1", "GREASE", " entries"}},
    {"registry --kind grease", NULL, 0, {"16 entries", "\\x0a\\x0a"}},
    {"registry --kind nope", NULL, 2, {"--kind takes 'registered', 'grease' or 'unregistered', not 'nope'"}},
    {"registry --kind unregistered", NULL, 0, {"unregistered", " entries"}},
    /* checks: --role takes every family of the catalogue (proxy too), and says so when refused */
    {"checks --role proxy", NULL, 0, {"PRX-"}},
    /* vectors: an adapter that skips every test has checked nothing, which is no success */
    {"vectors --quiet --exec 'echo alpncheck-adapter 1 skipper list; while read l; do [ \"$l\" = quit ] && exit 0; "
     "echo skip no; done' \"$ALPN_SOURCE_DIR/vectors/protocol_name_list.json\"",
     NULL,
     2,
     {"0 passed, 0 failed", "no test was run (all 561 skipped)"}},
    /* ... and one that answers twice has lost step with the requests: an adapter error, not 100 wrong answers */
    {"vectors --quiet --exec 'echo alpncheck-adapter 1 twice select; while read l; do [ \"$l\" = quit ] && exit 0; "
     "echo error 120; echo error 120; done' \"$ALPN_SOURCE_DIR/vectors/selection.json\"",
     NULL,
     2,
     {"the adapter wrote more than one line for the previous request"}},
    /* --name, shared by server and client: the JUnit suite name, never blank */
    {"server 127.0.0.1:9 --name ' '", NULL, 2, {"alpncheck server: --name takes a non-blank name"}},
    {"client --name ''", NULL, 2, {"alpncheck client: --name takes a non-blank name"}},
    {"server --help", NULL, 0, {"--name NAME", "JUnit suite name"}},
    {"client --help", NULL, 0, {"--name NAME", "never", "the command"}},
    /* top level */
    {"", NULL, 2, {"Usage: alpncheck COMMAND"}},
    {"--help", NULL, 0, {"decode", "encode", "header", "registry"}},
    {"--version", NULL, 0, {"alpncheck 0."}},
    {"-V", NULL, 0, {"alpncheck " ALPN_VERSION "\n"}},
    {"frobnicate", NULL, 2, {"unknown command 'frobnicate'"}},
};

Test(cli, table)
{
    static char out[1 << 16];
    for (size_t i = 0; i < sizeof cli_cases / sizeof cli_cases[0]; i++) {
        const struct cli_case *c = &cli_cases[i];
        int code = run(c->args, c->stdin_text, out, sizeof out);
        cr_expect_eq(code, c->exit_code, "alpncheck %s: exit %d, expected %d\n%s", c->args, code, c->exit_code, out);
        for (size_t j = 0; j < 4 && c->expect[j]; j++)
            cr_expect(strstr(out, c->expect[j]) != NULL, "alpncheck %s: output lacks \"%s\":\n%s", c->args,
                      c->expect[j], out);
    }
}

Test(cli, json_outputs_parse)
{
    static char out[1 << 16];
    static const struct {
        const char *args;
        int code;
        const char *key;
    } cases[] = {
        {"decode --json 000c02683208687474702f312e31", 0, "names"},
        {"decode --json 000402683200", 1, "error"},
        {"encode --json h2 http/1.1", 0, "extension_data"},
        {"header --json 'h2, http%2F1.1'", 0, "canonical_form"},
        {"header --json 'http%2f1.1'", 1, "strict_violation"},
        {"altsvc --json 'h2=\":443\"; ma=60; foo=\"x y\"'", 0, "alternatives"},
        {"altsvc --json 'h2=\":443\",,'", 1, "strict_violation"},
        {"svcb --json alpn=h2,h3", 0, "extension_data_hex"},
        {"svcb --json --wire 00", 1, "error"},
        {"registry --json", 0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int code = run(cases[i].args, NULL, out, sizeof out);
        cr_expect_eq(code, cases[i].code, "%s: exit %d", cases[i].args, code);
        json_error_t e;
        json_t *v = json_loads(out, 0, &e);
        cr_assert_not_null(v, "%s: not JSON (%s):\n%s", cases[i].args, e.text, out);
        if (cases[i].key)
            cr_expect_not_null(json_object_get(v, cases[i].key), "%s: no key %s", cases[i].args, cases[i].key);
        else
            cr_expect(json_is_array(v) && json_array_size(v) >= 46, "%s: registry array too small", cases[i].args);
        json_decref(v);
    }
    run("decode --json 000c02683208687474702f312e31", NULL, out, sizeof out);
    json_t *v = json_loads(out, 0, NULL);
    json_t *names = json_object_get(v, "names");
    cr_assert_eq(json_array_size(names), 2);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(names, 1), "hex")), "687474702f312e31");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(names, 1), "kind")), "registered");
    json_decref(v);
}

/* Input bytes that are not UTF-8 (json_pack refuses them): the output is still JSON, with the bytes as hex and as
 * \xNN in text. header --json printed a bare newline. */
Test(cli, json_output_with_bytes_that_are_not_utf8)
{
    static char out[1 << 16];
    static const struct {
        const char *args, *stdin_text;
        int code;
        const char *key, *field, *want; /* out[key] (out[key][0] for an array), its field equals want */
    } cases[] = {
        {"header --json", "h2\xff,x", 1, NULL, "value", "h2\\xff,x"},
        {"header --json", "h2\xff,x", 1, NULL, "value_hex", "6832ff2c78"},
        {"header --json", "h2\xc3\xa9", 1, NULL, "value", "h2\xc3\xa9"}, /* UTF-8 stays as it is */
        {"header --json --lenient 'h2%FF'", NULL, 0, "names", "text", "h2\\xff"},
        {"header --json --lenient 'h2%FF'", NULL, 0, "names", "hex", "6832ff"},
        {"decode --json 00040368ff32", NULL, 0, "names", "text", "h\\xff2"},
        {"encode --json", "h\xff" "2\n", 0, "names", "hex", "68ff32"},
        {"encode --json", "h\xff" "2\n", 0, NULL, "header", "h%FF2"},
        {"encode --json --hex 68ff32", NULL, 0, "names", "text", "h\\xff2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int code = run(cases[i].args, cases[i].stdin_text, out, sizeof out);
        cr_expect_eq(code, cases[i].code, "%s: exit %d", cases[i].args, code);
        json_error_t e;
        json_t *v = json_loads(out, 0, &e);
        cr_assert_not_null(v, "%s (case %zu): not JSON (%s): [%s]", cases[i].args, i, e.text, out);
        json_t *o = cases[i].key ? json_array_get(json_object_get(v, cases[i].key), 0) : v;
        const char *got = json_string_value(json_object_get(o, cases[i].field));
        cr_expect(got != NULL && strcmp(got, cases[i].want) == 0, "%s (case %zu): %s is \"%s\", expected \"%s\"",
                  cases[i].args, i, cases[i].field, got ? got : "(none)", cases[i].want);
        json_decref(v);
    }
}

/* An adapter (another program) naming itself and giving skip reasons in bytes that are not UTF-8: the --json
 * summary keeps them as \xNN (jansson dropped the fields, and the reason counts under an object key). */
Test(cli, vectors_json_with_adapter_bytes_that_are_not_utf8)
{
    static char out[1 << 16];
    char path[] = "/tmp/alpncheck-vec-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    char args[1024];
    snprintf(args, sizeof args,
             "vectors --quiet --json %s --exec 'printf \"alpncheck-adapter 1 n\\377 list\\n\"; while read l; do "
             "[ \"$l\" = quit ] && exit 0; printf \"skip r\\377\\n\"; done' "
             "\"$ALPN_SOURCE_DIR/vectors/protocol_name_list.json\"",
             path);
    int code = run(args, NULL, out, sizeof out);
    cr_expect_eq(code, 2, "every test skipped: exit 2, got %d: %s", code, out);
    json_error_t e;
    json_t *v = json_load_file(path, 0, &e);
    unlink(path);
    cr_assert_not_null(v, "summary not written or not JSON: %s (%s)", e.text, out);
    cr_expect_str_eq(json_string_value(json_object_get(v, "adapter")), "n\\xff");
    json_t *file = json_array_get(json_object_get(v, "files"), 0);
    json_t *skip = json_array_get(json_object_get(file, "skips"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(skip, "reason")), "r\\xff");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(file, "skipReasons"), "r\\xff")),
                 (json_int_t)json_integer_value(json_object_get(file, "skipped")));
    json_decref(v);
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
