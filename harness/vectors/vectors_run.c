/*
 * Vector runner (vectors/FORMAT.md): validates a whole file first (so a malformed file never half-runs), then runs
 * each test against libalpn or an adapter and judges the outcome (vec_judge.h says how).
 */
#include "vectors_run.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vec_judge.h"
#include "vec_load.h"

#ifndef ALPN_VECTORS_DIR
#define ALPN_VECTORS_DIR "vectors"
#endif
#ifndef ALPN_VECTORS_INSTALLED
#define ALPN_VECTORS_INSTALLED "../share/alpncheck/vectors"
#endif

/* The vectors of an installed alpncheck: ALPN_VECTORS_INSTALLED relative to the directory of the running program
 * (cmake/install.cmake puts them there), canonical, into out (PATH_MAX bytes); NULL when that directory does not
 * exist (a build tree). */
static const char *installed_dir(char *out)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return NULL;
    size_t room = sizeof exe - (size_t)(slash + 1 - exe);
    if ((size_t)snprintf(slash + 1, room, "%s", ALPN_VECTORS_INSTALLED) >= room)
        return NULL;
    struct stat st;
    if (realpath(exe, out) == NULL || stat(out, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return out;
}

const char *vec_default_dir(char *buf, size_t cap)
{
    const char *env = getenv("ALPNCHECK_VECTORS_DIR");
    if (env != NULL && env[0] != '\0')
        return env;
    char resolved[PATH_MAX];
    if (installed_dir(resolved) != NULL && (size_t)snprintf(buf, cap, "%s", resolved) < cap)
        return buf;
    return ALPN_VECTORS_DIR;
}

static int judge_one(void *judge, const vec_loader *l)
{
    return vec_judge_test(judge, &l->group, &l->c);
}

int vec_run_file(const char *path, vec_adapter *ad, FILE *log, vec_file_result *res, char *err, size_t errcap)
{
    memset(res, 0, sizeof *res);
    res->path = strdup(path);
    const vec_schema *s;
    json_t *root = vec_load_file(path, &s, err, errcap);
    if (root == NULL)
        return -1;
    res->schema = strdup(vec_families[s->family].schema);
    res->family = s->family;
    vec_loader l = {.at = {.path = path, .tcid = -1, .err = err, .errcap = errcap}};
    vec_judge j;
    int rc = -1;
    if (vec_judge_init(&j, s->family, ad, log, res, &l.at) == 0) {
        /* First only validating, then running: a file that breaks the format is refused before any test ran. */
        if (vec_load_walk(&l, root, s, NULL, NULL) == 0 && vec_load_walk(&l, root, s, judge_one, &j) == 0)
            rc = 0;
        vec_judge_free(&j);
    }
    vec_loader_free(&l);
    json_decref(root);
    return rc;
}
