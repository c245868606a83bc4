/* README.md's matrix tables, generated from the matrix document (make matrix rewrites them; the ctest
 * matrix_readme_current fails when they differ from reports/matrix.json), so the README never drifts from the
 * published matrix. */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "matrix.h"
#include "matrix_render.h"

#define README_MAX      (4u << 20) /* a README larger than this is refused, not read */
#define IDS_SHOWN       8          /* check IDs listed per peer; the rest are counted */
#define FINDING_LETTERS "FXWE"     /* FAIL, XPASS, WARN, ERROR: the verdicts a peer's row lists */

/* The distinct TLS stacks of the document, in order of first appearance (a proxy's stack is the proxy program). */
static json_t *stacks(const json_t *m)
{
    json_t *seen = json_array();
    size_t i, k;
    json_t *t, *p;
    json_array_foreach(json_object_get(m, "tables"), i, t) json_array_foreach(json_object_get(t, "peers"), k, p)
    {
        if (!mx_role_of(mx_str(t, "role"))->tls_stack)
            break;
        size_t j;
        json_t *x;
        int found = 0;
        json_array_foreach(seen, j, x) found |= strcmp(json_string_value(x), mx_str(p, "stack")) == 0;
        if (!found)
            json_array_append_new(seen, json_string(mx_str(p, "stack")));
    }
    return seen;
}

/* The check IDs of a peer's non-PASS findings (FAIL, XPASS, WARN, ERROR), each once with its verdict's letter. */
static void peer_ids(FILE *f, const json_t *t, const json_t *p)
{
    json_t *listed = json_object();
    size_t j, shown = 0, more = 0;
    json_t *c;
    json_array_foreach(json_object_get(t, "columns"), j, c)
    {
        const json_t *cell;
        const char *v = mx_cell_verdict(p, j, &cell);
        if (v == NULL || strchr(FINDING_LETTERS, v[0]) == NULL || strcmp(v, "XFAIL") == 0 ||
            json_object_get(listed, mx_str(c, "id")) != NULL)
            continue;
        json_object_set_new(listed, mx_str(c, "id"), json_true());
        if (shown++ < IDS_SHOWN)
            mx_printf(f, esc_md, "%r`%s` %r", shown > 1 ? ", " : "", mx_str(c, "id"), v);
        else
            more++;
    }
    if (more)
        mx_printf(f, esc_md, " and %z more", more);
    if (shown == 0)
        fputs("—", f);
    json_decref(listed);
}

static void readme_table(FILE *f, const json_t *t)
{
    const json_t *peers = json_object_get(t, "peers");
    size_t *order = mx_peer_order(t);
    if (order == NULL)
        return;
    mx_printf(f, esc_md,
              "\n| %r | %r | PASS | FAIL | WARN | ERROR | not passed (FAIL, WARN, ERROR) |\n"
              "|---|---|---:|---:|---:|---:|---|\n",
              mx_role_of(mx_str(t, "role"))->readme_label, mx_role_of(mx_str(t, "role"))->stack_label);
    for (size_t k = 0; k < json_array_size(peers); k++) {
        const json_t *p = json_array_get(peers, order[k]);
        mx_peer pe;
        mx_peer_of(p, order[k], &pe);
        mx_printf(f, esc_md, "| %s (%s) | %s |", pe.name, pe.version, pe.stack);
        if (!pe.run) {
            mx_printf(f, esc_md, " | | | | not run: %s |\n", pe.reason);
            continue;
        }
        mx_printf(f, esc_md, " %l | %l | %l | %l | ", pe.pass, pe.fail, pe.warn, pe.error);
        peer_ids(f, t, p);
        fputs(" |\n", f);
    }
    free(order);
}

int matrix_write_readme_block(const json_t *m, FILE *f)
{
    json_t *all = stacks(m);
    size_t i, n_peers[MX_N_ROLES] = {0};
    json_t *t, *x;
    json_array_foreach(json_object_get(m, "tables"), i, t)
    {
        const mx_role *r = mx_role_of(mx_str(t, "role"));
        n_peers[r - mx_roles] += json_array_size(json_object_get(t, "peers"));
    }
    mx_printf(f, esc_md,
              "The published matrix (%s, generated %s): %z server, %z client and %z proxy peers over %z TLS "
              "stacks (",
              mx_str(m, "platform"), mx_str(m, "generated"), n_peers[0], n_peers[1], n_peers[2], json_array_size(all));
    json_array_foreach(all, i, x) mx_printf(f, esc_md, "%r%s", i ? "; " : "", json_string_value(x));
    fputs("). Peers are grouped by stack, the most findings first; every finding is written up in "
          "`reports/findings.md`.\n",
          f);
    json_array_foreach(json_object_get(m, "tables"), i, t) readme_table(f, t);
    json_decref(all);
    return ferror(f) ? -1 : 0;
}

/* The whole file at path, NUL-terminated, at most README_MAX bytes; NULL with a message in err. */
static char *slurp(const char *path, size_t *len, char *err, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, cap, "%s: cannot open", path);
        return NULL;
    }
    char *buf = malloc(README_MAX + 1);
    *len = buf ? fread(buf, 1, README_MAX + 1, f) : 0;
    fclose(f);
    if (buf == NULL || *len > README_MAX) {
        snprintf(err, cap, "%s: larger than %u bytes", path, README_MAX);
        free(buf);
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}

int matrix_readme_update(const char *path, const json_t *m, int check, char *err, size_t cap)
{
    size_t len;
    char *text = slurp(path, &len, err, cap);
    if (text == NULL)
        return -1;
    char *begin = strstr(text, MATRIX_README_BEGIN);
    char *end = begin ? strstr(begin, MATRIX_README_END) : NULL;
    if (end == NULL) {
        snprintf(err, cap, "%s: no block between \"%.30s...\" and \"%.15s\"", path, MATRIX_README_BEGIN,
                 MATRIX_README_END);
        free(text);
        return -1;
    }
    begin += strlen(MATRIX_README_BEGIN);
    char *block = NULL;
    size_t block_len = 0;
    FILE *mem = open_memstream(&block, &block_len);
    int rc = mem == NULL ? -1 : matrix_write_readme_block(m, mem);
    if (mem != NULL)
        fclose(mem);
    if (rc == 0 && (block_len != (size_t)(end - begin) || memcmp(block, begin, block_len) != 0)) {
        rc = 1;
        if (!check) {
            char tmp[4096];
            snprintf(tmp, sizeof tmp, "%s.tmp", path);
            FILE *out = fopen(tmp, "wb");
            rc = out == NULL ? -1 : 0;
            if (out != NULL) {
                fwrite(text, 1, (size_t)(begin - text), out);
                fwrite(block, 1, block_len, out);
                fputs(end, out);
                rc = fclose(out) == 0 && rename(tmp, path) == 0 ? 0 : -1;
            }
            if (rc != 0)
                snprintf(err, cap, "%s: cannot rewrite", path);
        }
    } else if (rc != 0) {
        snprintf(err, cap, "cannot render the README block");
    }
    free(block);
    free(text);
    return rc;
}
