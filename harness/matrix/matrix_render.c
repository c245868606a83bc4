#include "matrix_render.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const mx_verdicts[MX_N_VERDICTS] = {"PASS", "FAIL", "WARN", "SKIP", "ERROR", "XFAIL", "XPASS"};

const mx_role mx_roles[MX_N_ROLES] = {
    {"server", "Servers (alpncheck is the client, `alpncheck server`)",
     "Servers (alpncheck is the client: <code>alpncheck server</code>)", "Servers (alpncheck is the client)", "server",
     "alpncheck offered (ALPN extension_data of its ClientHello, hex)", "The server answered (hex)", "TLS stack", 1, 1},
    {"client", "Clients (alpncheck is the server, `alpncheck client`)",
     "Clients (alpncheck is the server: <code>alpncheck client</code>)", "Clients (alpncheck is the server)", "client",
     "alpncheck answered (ALPN extension_data, hex)", "The client offered (hex)", "TLS stack", 1, 0},
    {"proxy", "Proxies (alpncheck sends CONNECT: `alpncheck proxy`)",
     "Proxies (alpncheck sends CONNECT: <code>alpncheck proxy</code>)", "Proxies (alpncheck sends CONNECT)", "proxy",
     NULL, NULL, "proxy", 0, 1},
};

const mx_role *mx_role_of(const char *role)
{
    for (size_t i = 0; i < MX_N_ROLES; i++) {
        if (strcmp(role, mx_roles[i].role) == 0)
            return &mx_roles[i];
    }
    return NULL;
}

const char *mx_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* A report's strings reach class attributes only through this. */
const char *mx_known_verdict(const char *v)
{
    for (size_t i = 0; i < MX_N_VERDICTS; i++)
        if (strcmp(v, mx_verdicts[i]) == 0)
            return mx_verdicts[i];
    return NULL;
}

int mx_is_run(const json_t *peer)
{
    return strcmp(mx_str(peer, "status"), "run") == 0;
}

static long count(const json_t *peer, const char *v)
{
    return (long)json_integer_value(json_object_get(json_object_get(peer, "summary"), v));
}

void mx_peer_of(const json_t *peer, size_t index, mx_peer *out)
{
    *out = (mx_peer){.index = index,
                     .name = mx_str(peer, "name"),
                     .stack = mx_str(peer, "stack"),
                     .version = mx_str(peer, "version"),
                     .reason = mx_str(peer, "reason"),
                     .command = mx_str(peer, "command"),
                     .log = mx_str(peer, "log"),
                     .run = mx_is_run(peer),
                     .pass = count(peer, "PASS"),
                     .fail = count(peer, "FAIL"),
                     .warn = count(peer, "WARN"),
                     .skip = count(peer, "SKIP"),
                     .error = count(peer, "ERROR")};
}

const char *mx_cell_verdict(const json_t *peer, size_t j, const json_t **cell)
{
    *cell = json_array_get(json_object_get(peer, "cells"), j);
    if (*cell == NULL || json_is_null(*cell))
        return NULL;
    const char *v = mx_known_verdict(mx_str(*cell, "verdict"));
    return v ? v : "ERROR";
}

int mx_is_hex_text(const char *s)
{
    size_t n = strspn(s, "0123456789abcdef");
    if (n % 2 != 0)
        return 0;
    if (s[n] == '\0')
        return 1;
    const char *p = s + n;
    if (strncmp(p, "...(", 4) != 0)
        return 0;
    p += 4;
    size_t digits = strspn(p, "0123456789");
    return digits > 0 && digits < 20 && strcmp(p + digits, " bytes)") == 0;
}

void mx_tls_label(const char *tls, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s", tls[0] ? "TLS " : "", tls[0] ? tls : "-");
}

void mx_printf(FILE *f, mx_escape esc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            fputc(*p, f);
            continue;
        }
        switch (*++p) {
        case 's':
            esc(f, va_arg(ap, const char *));
            break;
        case 'r':
            fputs(va_arg(ap, const char *), f);
            break;
        case 'z':
            fprintf(f, "%zu", va_arg(ap, size_t));
            break;
        case 'l':
            fprintf(f, "%ld", va_arg(ap, long));
            break;
        case '-':
            (void)va_arg(ap, const char *);
            break;
        default: /* "%%", and a lone '%' at the end */
            fputc('%', f);
            if (*p == '\0')
                p--;
        }
    }
    va_end(ap);
}

/* ---- the order of the peers ----------------------------------------------------------------------------------- */

long mx_attention(const json_t *peer)
{
    if (!mx_is_run(peer))
        return -1;
    /* A MUST broken outweighs any number of SHOULDs and unanswered checks (a table has a few hundred cells). */
    return (count(peer, "FAIL") + count(peer, "XPASS")) * 100000 + count(peer, "WARN") + count(peer, "ERROR");
}

/* The most attention any peer of the stack of peers[i] needs. */
static long stack_attention(const json_t *peers, size_t i)
{
    const char *stack = mx_str(json_array_get(peers, i), "stack");
    long most = -1;
    size_t k;
    json_t *p;
    json_array_foreach(peers, k, p)
    {
        if (strcmp(mx_str(p, "stack"), stack) == 0 && mx_attention(p) > most)
            most = mx_attention(p);
    }
    return most;
}

/* The index of the first peer of peers[i]'s stack: the stack's place in the document. */
static size_t stack_first(const json_t *peers, size_t i)
{
    const char *stack = mx_str(json_array_get(peers, i), "stack");
    size_t k;
    json_t *p;
    json_array_foreach(peers, k, p) if (strcmp(mx_str(p, "stack"), stack) == 0) return k;
    return i;
}

/* a before b: the stack needing more attention first (ties: the stack seen first), then within a stack the peer
 * needing more attention first (ties: document order). */
static int before(const json_t *peers, size_t a, size_t b)
{
    long sa = stack_attention(peers, a), sb = stack_attention(peers, b);
    if (sa != sb)
        return sa > sb;
    size_t fa = stack_first(peers, a), fb = stack_first(peers, b);
    if (fa != fb)
        return fa < fb;
    long pa = mx_attention(json_array_get(peers, a)), pb = mx_attention(json_array_get(peers, b));
    return pa != pb ? pa > pb : a < b;
}

size_t *mx_peer_order(const json_t *t)
{
    const json_t *peers = json_object_get(t, "peers");
    size_t n = json_array_size(peers);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (order == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) { /* insertion sort: stable, and a table has dozens of peers */
        size_t k = i;
        while (k > 0 && before(peers, i, order[k - 1])) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    return order;
}

/* ---- the walk ---------------------------------------------------------------------------------------------------- */

static void detail_of(const char *role, size_t i, size_t j, const json_t *col, const json_t *cell, mx_detail *d)
{
    const char *v = mx_known_verdict(mx_str(cell, "verdict"));
    *d = (mx_detail){.role = role,
                     .peer = i,
                     .col = j,
                     .verdict = mx_str(cell, "verdict"),
                     .known = v ? v : "ERROR",
                     .id = mx_str(col, "id"),
                     .title = mx_str(col, "title"),
                     .level = mx_str(col, "level"),
                     .ref = mx_str(col, "ref"),
                     .expected = mx_str(cell, "expected"),
                     .observed = mx_str(cell, "observed")};
    mx_tls_label(mx_str(col, "tls"), d->tls, sizeof d->tls);
}

/* A peer's entry in the details list: every non-PASS cell, or a line saying there is none. */
static void details_of_peer(FILE *f, const json_t *t, const json_t *p, const mx_peer *peer, const matrix_format *fmt)
{
    const char *role = mx_str(t, "role");
    int any = 0;
    size_t j;
    json_t *c;
    json_array_foreach(json_object_get(t, "columns"), j, c)
    {
        const json_t *cell = json_array_get(json_object_get(p, "cells"), j);
        if (cell == NULL || strcmp(mx_str(cell, "verdict"), "PASS") == 0)
            continue;
        mx_detail d;
        detail_of(role, peer->index, j, c, cell, &d);
        fmt->detail_cell(f, &d);
        any = 1;
    }
    if (!any)
        fputs(fmt->all_passed, f);
}

static void details(FILE *f, const json_t *t, const size_t *order, const matrix_format *fmt)
{
    const json_t *peers = json_object_get(t, "peers");
    for (size_t k = 0; k < json_array_size(peers); k++) {
        size_t i = order[k];
        const json_t *p = json_array_get(peers, i);
        mx_peer peer;
        mx_peer_of(p, i, &peer);
        fmt->detail_peer(f, mx_str(t, "role"), &peer);
        if (peer.run)
            details_of_peer(f, t, p, &peer, fmt);
        else
            mx_printf(f, fmt->esc, fmt->detail_not_run, peer.reason);
        fputs(fmt->detail_peer_end, f);
    }
}

static void table(FILE *f, const json_t *t, const matrix_format *fmt)
{
    fmt->table_begin(f, t);
    const json_t *peers = json_object_get(t, "peers");
    size_t *order = mx_peer_order(t);
    for (size_t k = 0; order != NULL && k < json_array_size(peers); k++) {
        size_t i = order[k];
        const json_t *p = json_array_get(peers, i);
        mx_peer peer;
        mx_peer_of(p, i, &peer);
        if (peer.run)
            mx_printf(f, fmt->esc, fmt->summary_run, peer.name, peer.stack, peer.version, peer.pass, peer.fail,
                      peer.warn, peer.skip, peer.error);
        else
            mx_printf(f, fmt->esc, fmt->summary_not_run, peer.name, peer.stack, peer.version, peer.reason);
    }
    fputs(fmt->summary_end, f);
    if (order != NULL && fmt->grid(f, t, order))
        details(f, t, order, fmt);
    fputs(fmt->table_end, f);
    free(order);
}

int matrix_render(const json_t *m, FILE *f, const matrix_format *fmt)
{
    fmt->head(f, m);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(m, "tables"), i, t) table(f, t, fmt);
    if (fmt->after_tables != NULL)
        fmt->after_tables(f, m);
    fputs(fmt->tail, f);
    return ferror(f) ? -1 : 0;
}
