/* The matrix as Markdown (reports/matrix.md): GitHub Flavored Markdown tables, every text through esc_md. */
#include <string.h>

#include "escape.h"
#include "matrix.h"
#include "matrix_render.h"

static void head(FILE *f, const json_t *m)
{
    mx_printf(
        f, esc_md,
        "# alpncheck interoperability matrix\n\nGenerated %s by alpncheck %s on %s. Reproduce with `make matrix`; "
        "every peer ran on loopback with ALPN `h2,http/1.1` (or what it supports).\nVerdicts: PASS, FAIL (a MUST "
        "broken), WARN (a SHOULD broken, or refused with the wrong alert or none), SKIP (not applicable), ERROR "
        "(no answer), – (not checked). Peers are grouped by TLS stack, the stack and the peer with the most FAIL, WARN "
        "and ERROR cells first. Every distinct non-PASS behaviour, written up for the peer's maintainers with the "
        "bytes "
        "sent and received and the command that reproduces it: `reports/findings.md`.\n",
        mx_str(m, "generated"), mx_str(json_object_get(m, "tool"), "version"), mx_str(m, "platform"));
}

static void table_begin(FILE *f, const json_t *t)
{
    mx_printf(f, esc_md,
              "\n## %r\n\n| peer | %r | version | PASS | FAIL | WARN | SKIP | ERROR | status |\n"
              "|---|---|---|---:|---:|---:|---:|---:|---|\n",
              mx_role_of(mx_str(t, "role"))->md_head, mx_role_of(mx_str(t, "role"))->stack_label);
}

/* One row per check and TLS version, one column per peer that ran (in the pages' order: grouped by stack, failures
 * first); none when no peer ran or nothing was checked. */
static int grid(FILE *f, const json_t *t, const size_t *order)
{
    const json_t *peers = json_object_get(t, "peers"), *cols = json_object_get(t, "columns");
    size_t n = json_array_size(peers), i, j, run = 0;
    json_t *p, *c;
    json_array_foreach(peers, i, p) run += mx_is_run(p);
    if (json_array_size(cols) == 0 || run == 0)
        return 0;
    fputs("\n| check | TLS |", f);
    for (size_t k = 0; k < n; k++) {
        p = json_array_get(peers, order[k]);
        if (mx_is_run(p))
            mx_printf(f, esc_md, " %s |", mx_str(p, "name"));
    }
    fputs("\n|---|---|", f);
    for (size_t k = 0; k < run; k++)
        fputs("---|", f);
    fputc('\n', f);
    json_array_foreach(cols, j, c)
    {
        char tls[16];
        mx_tls_label(mx_str(c, "tls"), tls, sizeof tls);
        mx_printf(f, esc_md, "| `%s` | %r |", mx_str(c, "id"), tls);
        for (size_t k = 0; k < n; k++) {
            p = json_array_get(peers, order[k]);
            const char *v = mx_str(json_array_get(json_object_get(p, "cells"), j), "verdict");
            if (mx_is_run(p))
                mx_printf(f, esc_md, " %s |", v[0] ? v : "–");
        }
        fputc('\n', f);
    }
    fputs("\n### Details\n", f);
    return 1;
}

static void detail_peer(FILE *f, const char *role, const mx_peer *p)
{
    (void)role;
    mx_printf(f, esc_md, "\n#### %s (%s)\n\nCommand: %s", p->name, p->version, p->command);
    if (p->log[0])
        mx_printf(f, esc_md, ". Log: %s", p->log);
    fputs(".\n\n", f);
}

static void detail_cell(FILE *f, const mx_detail *d)
{
    mx_printf(f, esc_md, "- **%s** `%s` %r (%s, RFC %s): expected %s; observed %s\n", d->verdict, d->id, d->tls,
              d->level, d->ref, d->expected, d->observed);
}

static const matrix_format MARKDOWN = {
    .esc = esc_md,
    .head = head,
    .table_begin = table_begin,
    .summary_run = "| %s | %s | %s | %l | %l | %l | %l | %l | run |\n",
    .summary_not_run = "| %s | %s | %s | | | | | | not run: %s |\n",
    .summary_end = "",
    .grid = grid,
    .detail_peer = detail_peer,
    .detail_not_run = "- **not run**: %s\n",
    .detail_cell = detail_cell,
    .all_passed = "- every check passed\n",
    .detail_peer_end = "",
    .table_end = "",
    .tail = "",
};

int matrix_write_markdown(const json_t *m, FILE *f)
{
    return matrix_render(m, f, &MARKDOWN);
}
