/*
 * The one walk of the matrix document that both pages (Markdown, HTML) are written from: the head, then per table
 * the summary of every peer, the grid of verdicts and the details list of every non-PASS cell. The walk decides what
 * is shown and in which order; a format (matrix_md.c, matrix_html.c) only says how, through the callbacks and fixed
 * texts of a matrix_format and mx_printf with its escaper.
 */
#ifndef ALPN_MATRIX_RENDER_H
#define ALPN_MATRIX_RENDER_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* A peer as the pages show it. */
typedef struct {
    size_t index; /* in its table */
    const char *name, *stack, *version, *reason, *command, *log;
    int run;                            /* its checks ran: counts and cells are there */
    long pass, fail, warn, skip, error; /* its summary */
} mx_peer;

/* A non-PASS cell as the details list shows it. */
typedef struct {
    const char *role;
    size_t peer, col;    /* where it stands, for anchors */
    const char *verdict; /* as the cell gives it */
    const char *known;   /* one of the known verdicts (ERROR for anything else): what may stand in markup */
    const char *id, *title, *level, *ref, *expected, *observed;
    char tls[16]; /* "TLS 1.3", or "-" without a version */
} mx_detail;

typedef void (*mx_escape)(FILE *f, const char *s);

typedef struct {
    mx_escape esc;
    void (*head)(FILE *f, const json_t *m);
    void (*table_begin)(FILE *f, const json_t *t); /* the table's heading and the summary's head */
    /* mx_printf templates of a summary row: name, stack, version (%s) and the five counts PASS to ERROR (%l) of a peer
     * that ran; name, stack, version and the reason (%s) of one that did not. */
    const char *summary_run, *summary_not_run;
    const char *summary_end;
    /* The verdicts, peers in the given order (mx_peer_order); 0 when the table gets no details list. */
    int (*grid)(FILE *f, const json_t *t, const size_t *order);
    void (*detail_peer)(FILE *f, const char *role, const mx_peer *p);
    const char *detail_not_run; /* template: the reason (%s) */
    void (*detail_cell)(FILE *f, const mx_detail *d);
    const char *all_passed, *detail_peer_end, *table_end;
    void (*after_tables)(FILE *f, const json_t *m); /* NULL: nothing */
    const char *tail;
} matrix_format;

/* The order the pages show a table's peers in, failures first: its stacks, the one whose peers need most attention
 * first (ties: the stack seen first), each stack's peers together, the one needing most attention first (ties:
 * document order), a peer that did not run after the others of its stack. A new array of the peers' indices (free it);
 * NULL when out of memory. */
size_t *mx_peer_order(const json_t *t);
/* How much attention a peer needs, for ordering: its FAIL and XPASS cells first, then its WARN and ERROR cells (0
 * when it has none of them); -1 when it did not run. */
long mx_attention(const json_t *peer);

/* Writes the document m in format fmt. Returns 0, or -1 when writing failed. */
int matrix_render(const json_t *m, FILE *f, const matrix_format *fmt);

/* printf for markup: %s a string through esc (anything that came from a report, a peer or the manifest), %r a
 * string as is (markup, or text the renderer chose), %z a size_t, %l a long, %- a string skipped (a template that
 * needs one argument fewer than another of its kind), %% a percent sign. */
void mx_printf(FILE *f, mx_escape esc, const char *fmt, ...);

/* The roles of the document's tables, in the order the tables stand, with what each renderer calls them: servers
 * (alpncheck server), clients (alpncheck client), proxies (alpncheck proxy, which sends CONNECT through them). */
typedef struct {
    const char *role;
    const char *md_head, *html_head; /* the table's heading in matrix.md (Markdown) and matrix.html (markup) */
    const char *findings_head;       /* the role's heading in findings.md (plain text) */
    const char *readme_label;        /* the first column's head of the README table */
    /* findings: what the ALPN bytes sent and received are; NULL for proxies (alpncheck proxy records none) */
    const char *sent_label, *received_label;
    const char *stack_label; /* what the stack column names: "TLS stack", or the proxy program for proxies */
    int tls_stack;           /* 1 when it is a TLS stack (the README counts those) */
    int started;             /* the matrix starts the peer: its start command reproduces it */
} mx_role;
#define MX_N_ROLES 3
extern const mx_role mx_roles[MX_N_ROLES];
const mx_role *mx_role_of(const char *role); /* NULL when role is none of them */

/* The verdicts a cell may hold, in the order of a summary. */
#define MX_N_VERDICTS 7
extern const char *const mx_verdicts[MX_N_VERDICTS];

/* Helpers of the builder and the formats. */
const char *mx_str(const json_t *obj, const char *key); /* "" when missing */
const char *mx_known_verdict(const char *v);            /* v as one of mx_verdicts, or NULL */
int mx_is_run(const json_t *peer);
void mx_peer_of(const json_t *peer, size_t index, mx_peer *out);
/* The verdict of a peer's cell in column j: a known verdict, ERROR for any other; NULL when the peer has no cell
 * there or a null one (its report has no such result: not checked, as the Markdown grid shows it). */
const char *mx_cell_verdict(const json_t *peer, size_t j, const json_t **cell);
void mx_tls_label(const char *tls, char *buf, size_t cap); /* "TLS 1.3", or "-" */
/* 1 when s is ALPN bytes as a report writes them (harness/model result_set_alpn): pairs of lower-case hex digits,
 * optionally followed by "...(N bytes)". Such text may stand in any markup as it is. */
int mx_is_hex_text(const char *s);

/* ---- findings (matrix_findings.c) ------------------------------------------------------------------------------ */

/* The findings of the document: one JSON object per distinct non-PASS behaviour per TLS stack (role, stack, id,
 * title, level, ref, verdict, expected, observed, sent and received hex when known, tls: the versions, peers: name,
 * version, tls, start, check, command), ordered by role, stack (most findings first), severity, column. */
json_t *matrix_findings(const json_t *m);

/* How a format writes the findings: mx_printf templates and fixed texts. */
typedef struct {
    mx_escape esc;
    const char *head;       /* count (%z), generated, tool version, platform (%s) */
    const char *role_head;  /* the role's heading (%r) */
    const char *stack_head; /* the stack (%s) */
    const char *entry_head; /* number (%z), the verdict twice (%r: for markup, as text), ID, title (%s) */
    const char *field;      /* a field's label (%r); its value follows, then field_end */
    const char *field_end;
    const char *code_open, *code_close; /* around hex */
    const char *cmd_open, *cmd_close;   /* around a command (escaped text) */
    const char *reproduce_begin, *reproduce_peer /* the peer's name (%s) */, *reproduce_peer_end, *reproduce_end;
    const char *entry_end, *none, *tail;
} findings_format;

/* Writes every finding of m in format fx. Returns 0, or -1 when writing failed. */
int matrix_findings_write(const json_t *m, FILE *f, const findings_format *fx);

#endif
