/* alpnmatrix: gathers the matrix runner's per-peer reports into reports/matrix.{json,md,html}. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alpn.h"
#include "matrix.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: alpnmatrix --manifest FILE [--root DIR] [--platform TEXT] [--generated ISO8601]\n"
            "                  [--json FILE] [--md FILE] [--html FILE] [--findings FILE] [--readme FILE]\n"
            "       alpnmatrix --from MATRIX.json [--md FILE] [--html FILE] [--findings FILE]\n"
            "                  [--readme FILE [--check]]\n\n"
            "Reads the peer manifest written by harness/matrix/run.sh and each peer's JSON report (or, with --from,\n"
            "a matrix written before), and writes the matrix as JSON (reports/schema/matrix-1.schema.json),\n"
            "Markdown and self-contained HTML, the findings page, and README.md's matrix block.\n"
            "  --root DIR        directory the manifest's report paths are relative to (default .)\n"
            "  --platform TEXT   where it ran, for the header\n"
            "  --generated TIME  the date to print (default: now, UTC)\n"
            "  --readme FILE     rewrite the block between \"<!-- matrix: ...\" and \"<!-- /matrix -->\" in FILE\n"
            "  --check           with --readme: change nothing; exit 1 when the block is stale\n");
}

typedef int (*writer)(const json_t *, FILE *);

static int write_to(const char *path, const json_t *m, writer w)
{
    if (path == NULL)
        return 0;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        perror(tmp);
        return -1;
    }
    int rc = w(m, f);
    if (fclose(f) != 0 || rc != 0 || rename(tmp, path) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"manifest", required_argument, NULL, 'm'},
                                         {"root", required_argument, NULL, 'r'},
                                         {"platform", required_argument, NULL, 'p'},
                                         {"generated", required_argument, NULL, 'g'},
                                         {"json", required_argument, NULL, 'j'},
                                         {"md", required_argument, NULL, 'd'},
                                         {"html", required_argument, NULL, 'h'},
                                         {"findings", required_argument, NULL, 'f'},
                                         {"readme", required_argument, NULL, 'R'},
                                         {"from", required_argument, NULL, 'F'},
                                         {"check", no_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'H'},
                                         {NULL, 0, NULL, 0}};
    const char *manifest = NULL, *root = ".", *platform = "", *generated = NULL;
    const char *json = NULL, *md = NULL, *html = NULL, *findings = NULL, *readme = NULL, *from = NULL;
    int c, check = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            manifest = optarg;
            break;
        case 'r':
            root = optarg;
            break;
        case 'p':
            platform = optarg;
            break;
        case 'g':
            generated = optarg;
            break;
        case 'j':
            json = optarg;
            break;
        case 'd':
            md = optarg;
            break;
        case 'h':
            html = optarg;
            break;
        case 'f':
            findings = optarg;
            break;
        case 'R':
            readme = optarg;
            break;
        case 'F':
            from = optarg;
            break;
        case 'c':
            check = 1;
            break;
        case 'H':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if ((manifest == NULL) == (from == NULL) || optind != argc || (check && readme == NULL)) {
        usage(stderr);
        return 2;
    }
    char now[32];
    if (generated == NULL) {
        time_t t = time(NULL);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
        generated = now;
    }
    matrix_meta meta = {.generated = generated, .tool_version = ALPN_VERSION, .platform = platform};
    char err[512];
    json_error_t jerr;
    json_t *m = from ? json_load_file(from, 0, &jerr) : matrix_build(manifest, root, &meta, err, sizeof err);
    if (m == NULL) {
        fprintf(stderr, "alpnmatrix: %s\n", from ? jerr.text : err);
        return 2;
    }
    if (from && matrix_check_roles(m, err, sizeof err) != 0) { /* the renderers name each table by its role */
        fprintf(stderr, "alpnmatrix: %s: %s\n", from, err);
        json_decref(m);
        return 2;
    }
    int rc = write_to(json, m, matrix_write_json) | write_to(md, m, matrix_write_markdown) |
             write_to(html, m, matrix_write_html) | write_to(findings, m, matrix_write_findings);
    if (readme != NULL) {
        int r = matrix_readme_update(readme, m, check, err, sizeof err);
        if (r < 0)
            fprintf(stderr, "alpnmatrix: %s\n", err);
        else if (r == 1)
            fprintf(stderr, "alpnmatrix: %s's matrix block differs from the matrix; run 'make matrix-readme'\n",
                    readme);
        rc |= r < 0 ? -1 : r;
    }
    json_decref(m);
    return rc ? (check && rc == 1 ? 1 : 2) : 0;
}
