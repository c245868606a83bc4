/* alpncheck vectors: run the test-vector files (the *.json files of vectors/) against libalpn or an external adapter.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* optind */

#include "cli_util.h"
#include "commands.h"
#include "escape.h"
#include "vectors_run.h"

static void help(void)
{
    char dir[PATH_MAX];
    printf("Usage: alpncheck vectors [--exec CMD] [--json FILE] [--quiet] [FILE...]\n\n"
           "Runs test-vector files (format: vectors/FORMAT.md) and counts, per file, the tests passed, failed,\n"
           "skipped and accepted leniently. Without FILEs it runs every *.json in the vectors directory:\n"
           "$ALPNCHECK_VECTORS_DIR when set, else %s.\n\n"
           "  --exec CMD   test an external implementation instead of libalpn: CMD is started with `sh -c` and\n"
           "               speaks the adapter line protocol of vectors/FORMAT.md on its stdin/stdout:\n"
           "                 it first prints  alpncheck-adapter 1 NAME FAMILIES  (FAMILIES: a comma-separated\n"
           "                 subset of list,select,hparse,hformat,svcb,altsvc[=IDHEX:...]); then per test one\n"
           "                 request line\n"
           "                   list TCID client|server EXTHEX          -> ok NAMEHEX... | error ALERT | skip REASON\n"
           "                   select TCID SERVERNAMESHEX CLIENTEXTHEX -> ok NAMEHEX | error ALERT | skip REASON\n"
           "                   hparse TCID strict|lenient VALUEHEX     -> ok NAMEHEX... | error CHECK|- | skip REASON\n"
           "                   hformat TCID EXTHEX                     -> ok VALUEHEX | error CHECK|- | skip REASON\n"
           "                   svcbparse TCID PRESENTATIONHEX          -> ok WIREHEX | error CHECK|- | skip REASON\n"
           "                   svcbprint TCID WIREHEX                  -> ok PRESENTATIONHEX | error CHECK|- | skip ...\n"
           "                   altsvc TCID VALUEHEX                    -> ok ALTHEX... | error CHECK|- | skip REASON\n"
           "                 and finally `quit`. Hex fields use '-' for no bytes; lines are at most %u bytes;\n"
           "                 each answer must come within %d s. A hanging, dying or garbling adapter is an\n"
           "                 error (exit 2); it is killed and reaped in every case.\n"
           "               Families the adapter does not announce are skipped. Header parsing is asked in\n"
           "               lenient mode (the cross family: strict); an `acceptable` test passes when rejected and\n"
           "               is counted as lenient when accepted (with exactly the expected names, if any).\n"
           "               Alerts are compared for list and select; check IDs only for libalpn.\n"
           "               svcb: a presentation test is asked as svcbparse (the wire value must match), a wire\n"
           "               test as svcbprint (libalpn must parse the printed value back to the same wire).\n"
           "               altsvc: each ALTHEX is one alternative kept (FORMAT.md); altsvc=IDs announces that\n"
           "               only alternatives with those protocol IDs are kept; an invalid value must be rejected\n"
           "               or keep nothing.\n"
           "  --json FILE  also write a machine-readable summary: per file and family the counts, and the tcIds,\n"
           "               comments, expected and actual answers of failing, lenient and skipped tests; with\n"
           "               '-' it goes to standard output alone, and the lines below to standard error\n"
           "  --quiet      no per-test failure lines, only the counts\n\n"
           "Output: one line per failing test, `tcId N (comment): expected ..., got ...`, one line per file,\n"
           "`FILE: N passed, N failed, N skipped[, N lenient]`, and finally `N passed, N failed`.\n"
           "libalpn is judged strictly: lists by alert and check ID, selection by alert, header parsing in\n"
           "both modes (strict must reject acceptable input with its check ID, lenient may accept it).\n\n"
           "Exit status: 0 every test passed (skips and lenient acceptances allowed), 1 a test failed,\n"
           "2 usage error, unreadable or malformed vector file, adapter error, or no test run at all (every one\n"
           "skipped).\n",
           vec_default_dir(dir, sizeof dir), VEC_LINE_MAX, VEC_DEADLINE_MS / 1000);
}

/* Writes the summary to the file opened before the run (stdout for '-') and closes it. */
static int write_json(const char *path, FILE *f, json_t *doc)
{
    int rc = f != stdout && cli_output_rewrite(f) != 0 ? -1 : json_dumpf(doc, f, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (rc == 0 && fputc('\n', f) == EOF)
        rc = -1;
    if ((f == stdout ? fflush(f) : fclose(f)) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "alpncheck vectors: --json: cannot write %s: %s\n", path, strerror(errno));
    return rc;
}

/* No summary after all: the file is left as it was, or removed when the run created it. */
static void abandon_json(const char *path, FILE *f, int created)
{
    if (f == NULL || f == stdout)
        return;
    fclose(f);
    if (created)
        unlink(path);
}

int cmd_vectors(int argc, char **argv)
{
    const char *exec = NULL, *json_path = NULL;
    int quiet = 0;
    const cli_option opts[] = {{"exec", 'e', .arg = &exec},
                               {"json", 'j', .arg = &json_path},
                               {"quiet", 'q', .flag = &quiet},
                               {0}};
    int done = cli_parse_options("vectors", argc, argv, opts, help);
    if (done >= 0)
        return done;

    glob_t gl = {0};
    char **files = argv + optind;
    size_t n_files = (size_t)(argc - optind);
    if (n_files == 0) {
        char buf[PATH_MAX];
        const char *dir = vec_default_dir(buf, sizeof buf);
        char pattern[4096];
        snprintf(pattern, sizeof pattern, "%s/*.json", dir);
        if (glob(pattern, 0, NULL, &gl) != 0 || gl.gl_pathc == 0) {
            globfree(&gl);
            fprintf(stderr, "alpncheck vectors: no vector files (*.json) in %s\n", dir);
            return EXIT_USAGE;
        }
        files = gl.gl_pathv;
        n_files = gl.gl_pathc;
    }

    /* The summary file is opened before anything runs: a wrong path costs nothing. With '-' it is the only thing on
     * stdout, and the per-file lines go to stderr. */
    FILE *json_f = NULL, *human = stdout;
    int json_created = 0;
    if (json_path != NULL) {
        json_f = strcmp(json_path, "-") == 0 ? stdout : cli_output_open(json_path, &json_created);
        if (json_f == NULL) {
            fprintf(stderr, "alpncheck vectors: --json: cannot write %s: %s\n", json_path, strerror(errno));
            globfree(&gl);
            return EXIT_USAGE;
        }
        if (json_f == stdout)
            human = stderr;
    }
    char err[1024];
    vec_adapter *ad = NULL;
    if (exec != NULL && (ad = vec_adapter_start(exec, VEC_DEADLINE_MS, err, sizeof err)) == NULL) {
        fprintf(stderr, "alpncheck vectors: %s\n", err);
        globfree(&gl);
        abandon_json(json_path, json_f, json_created);
        return EXIT_USAGE;
    }

    /* The adapter names itself and the command comes from the command line: either may hold bytes that are not
     * UTF-8. */
    json_t *doc = json_pack("{s:s, s:o, s:o}", "backend", ad ? "adapter" : "libalpn", "adapter",
                            esc_json_str(ad ? vec_adapter_name(ad) : NULL), "command", esc_json_str(exec));
    json_t *jfiles = json_array(), *fams = json_object();
    size_t passed = 0, failed = 0, skipped = 0, lenient = 0;
    int status = EXIT_VALID;
    for (size_t i = 0; i < n_files; i++) {
        vec_file_result res;
        if (vec_run_file(files[i], ad, quiet ? NULL : human, &res, err, sizeof err) != 0) {
            fflush(human);
            fprintf(stderr, "alpncheck vectors: %s\n", err);
            vec_file_result_free(&res);
            status = EXIT_USAGE;
            break;
        }
        fprintf(human, "%s: %zu passed, %zu failed, %zu skipped", files[i], res.passed, res.failed, res.skipped);
        if (res.lenient > 0)
            fprintf(human, ", %zu lenient", res.lenient);
        fprintf(human, "\n");
        passed += res.passed;
        failed += res.failed;
        skipped += res.skipped;
        lenient += res.lenient;
        json_t *jf = vec_file_result_json(&res);
        json_array_append(jfiles, jf);
        /* Per family: the sum over files of that family. */
        const char *fam = vec_family_name(res.family);
        json_t *f = json_object_get(fams, fam);
        if (f == NULL) {
            f = json_pack("{s:I, s:I, s:I, s:I}", "passed", (json_int_t)0, "failed", (json_int_t)0, "skipped",
                          (json_int_t)0, "lenient", (json_int_t)0);
            json_object_set_new(fams, fam, f);
        }
        static const char *const keys[] = {"passed", "failed", "skipped", "lenient"};
        for (size_t k = 0; k < 4; k++)
            json_object_set_new(f, keys[k],
                                json_integer(json_integer_value(json_object_get(f, keys[k])) +
                                             json_integer_value(json_object_get(jf, keys[k]))));
        json_decref(jf);
        vec_file_result_free(&res);
    }
    if (ad != NULL && vec_adapter_stop(ad) != 0 && status == EXIT_VALID)
        fprintf(stderr, "alpncheck vectors: note: the adapter did not exit cleanly after 'quit' (it was killed)\n");
    globfree(&gl);
    if (status == EXIT_USAGE) {
        abandon_json(json_path, json_f, json_created);
        json_decref(doc);
        json_decref(jfiles);
        json_decref(fams);
        return EXIT_USAGE;
    }
    fprintf(human, "%zu passed, %zu failed\n", passed, failed);
    json_object_set_new(doc, "files", jfiles);
    json_object_set_new(doc, "families", fams);
    json_object_set_new(doc, "passed", json_integer((json_int_t)passed));
    json_object_set_new(doc, "failed", json_integer((json_int_t)failed));
    json_object_set_new(doc, "skipped", json_integer((json_int_t)skipped));
    json_object_set_new(doc, "lenient", json_integer((json_int_t)lenient));
    if (json_f != NULL && write_json(json_path, json_f, doc) != 0) {
        json_decref(doc);
        return EXIT_USAGE;
    }
    json_decref(doc);
    if (passed + failed + lenient == 0) {
        /* Every test skipped: nothing was checked, which must not look like success. */
        fprintf(stderr, "alpncheck vectors: no test was run (all %zu skipped)\n", skipped);
        return EXIT_USAGE;
    }
    return failed > 0 ? EXIT_INVALID : EXIT_VALID;
}
