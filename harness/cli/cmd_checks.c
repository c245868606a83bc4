/* alpncheck checks: the check catalogue (harness/checks/catalogue.c) as a table, as JSON, or as docs/CHECKS.md. */
#include <string.h>
#include <unistd.h> /* optind */

#include "catalogue.h"
#include "cli_util.h"
#include "commands.h"

static void help(void)
{
    printf("Usage: alpncheck checks [--json | --markdown] [--role server|client|header|proxy|altsvc|svcb]\n\n"
           "Lists every check ID alpncheck and libalpn report, with its level (MUST, SHOULD, INFO), RFC clause,\n"
           "where it applies and its title, grouped by role and section.\n\n"
           "  --role R     only the checks of one role: server (alpncheck server), client (alpncheck client),\n"
           "               header (the HTTP ALPN header field, RFC 7639), proxy (alpncheck proxy), altsvc\n"
           "               (Alt-Svc, RFC 7838) or svcb (SVCB/HTTPS alpn, RFC 9460)\n"
           "  --json       an array of objects: id, family, level, ref, section, title, tls, transport, description\n"
           "  --markdown   the catalogue as Markdown with the descriptions (docs/CHECKS.md is this output)\n");
}

/* Per family: the heading and what the checks are about, for the Markdown page. */
static const struct {
    const char *heading;
    const char *intro;
} family_text[CHECK_FAMILY_COUNT] = {
    {"Server checks",
     "alpncheck plays the TLS client: `alpncheck server HOST:PORT` sends ClientHellos it builds itself, with any ALPN "
     "bytes, and judges what the server answers. A check is run for each TLS version it applies to and reported as "
     "SKIP for the others. libalpn's list validator names the `SRV-MALFORMED-*` IDs when it rejects a client's "
     "offer."},
    {"Client checks",
     "alpncheck plays the TLS server: `alpncheck client` lets the client under test connect, answers its ALPN offer "
     "on purpose rightly or wrongly, and judges the client's reaction. libalpn's list validator names the "
     "`CLI-REJECT-*` IDs when it rejects a server's answer."},
    {"HTTP ALPN header checks",
     "Rules for the value of the HTTP ALPN header field (RFC 7639), which a client sends with CONNECT to announce "
     "the protocols it will negotiate in the tunnel. They involve no TLS connection: libalpn's header parser and "
     "formatter enforce them (`alpncheck header`), and the test vectors in `vectors/header_*.json` cite them."},
    {"Proxy checks",
     "alpncheck plays the client and the tunnel's target: `alpncheck proxy HOST:PORT` sends CONNECT through the HTTP "
     "proxy under test to a port it listens on itself, without the ALPN field and with registered, unknown, GREASE, "
     "percent-encoded and malformed values, and checks that the tunnel opens and relays a ClientHello and the answer "
     "unchanged."},
    {"HTTP Alt-Svc checks",
     "Rules for the value of the HTTP Alt-Svc field (RFC 7838), which advertises alternative services: \"clear\" or "
     "a list of protocol-id=\"host:port\" alternatives with parameters. The protocol-id uses the ALPN header's "
     "percent-encoding, so the `HDR-PCT-*` rules apply to it as well. libalpn's Alt-Svc parser and formatter enforce "
     "them (`alpncheck altsvc`), and `vectors/altsvc.json` cites them."},
    {"SVCB/HTTPS alpn checks",
     "Rules for the alpn and no-default-alpn SvcParams of DNS SVCB and HTTPS records (RFC 9460), in wire and zone-file "
     "presentation format, and for their conversion to TLS extension_data and the ALPN header. libalpn's SVCB code "
     "enforces them (`alpncheck svcb`), and `vectors/svcb_alpn.json` cites them."},
};

/* Display width of UTF-8 text: code points, not bytes ("§" and "—" take one column each). */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

static void padded(const char *s, size_t width)
{
    size_t w = text_width(s);
    fputs(s, stdout);
    for (; w < width; w++)
        putchar(' ');
}

static int selected(const check_entry *c, int role)
{
    return role < 0 || (int)c->family == role;
}

/* Calls show(row) for the rows of one family, one section after the other in order of first appearance; calls
 * heading(section) before each section's rows. */
static void by_section(check_family f, void (*heading)(const char *section), void (*show)(const check_entry *c))
{
    for (size_t i = 0; i < check_catalogue_count; i++) {
        const check_entry *c = &check_catalogue[i];
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = check_catalogue[j].family == f && strcmp(check_catalogue[j].section, c->section) == 0;
        if (c->family != f || seen)
            continue;
        heading(c->section);
        for (size_t j = i; j < check_catalogue_count; j++) {
            if (check_catalogue[j].family == f && strcmp(check_catalogue[j].section, c->section) == 0)
                show(&check_catalogue[j]);
        }
    }
}

/* ---- terminal ----------------------------------------------------------------------------------------------- */

static size_t w_id, w_level, w_ref, w_applies;

static void term_heading(const char *section)
{
    printf("\n  %s\n", section);
}

static void term_row(const check_entry *c)
{
    char applies[64];
    check_applies_text(c, applies, sizeof applies);
    printf("    ");
    padded(c->id, w_id + 2);
    padded(level_name(c->lvl), w_level + 2);
    padded(c->ref, w_ref + 2);
    padded(applies, w_applies + 2);
    printf("%s\n", c->title);
}

static void write_terminal(int role)
{
    size_t n = 0;
    for (size_t i = 0; i < check_catalogue_count; i++) {
        const check_entry *c = &check_catalogue[i];
        if (!selected(c, role))
            continue;
        char applies[64];
        check_applies_text(c, applies, sizeof applies);
        size_t w[4] = {text_width(c->id), text_width(level_name(c->lvl)), text_width(c->ref), text_width(applies)};
        w_id = w[0] > w_id ? w[0] : w_id;
        w_level = w[1] > w_level ? w[1] : w_level;
        w_ref = w[2] > w_ref ? w[2] : w_ref;
        w_applies = w[3] > w_applies ? w[3] : w_applies;
        n++;
    }
    for (int f = 0; f < CHECK_FAMILY_COUNT; f++) {
        size_t k = 0;
        for (size_t i = 0; i < check_catalogue_count; i++)
            k += check_catalogue[i].family == (check_family)f;
        if (role >= 0 && f != role)
            continue;
        printf("%s%s (%zu)\n", f == role || (role < 0 && f == 0) ? "" : "\n", family_text[f].heading, k);
        by_section((check_family)f, term_heading, term_row);
    }
    printf("\n%zu checks\n", n);
}

/* ---- JSON --------------------------------------------------------------------------------------------------- */

static json_t *tls_json(unsigned tls)
{
    static const char *const names[] = {"1.0", "1.1", "1.2", "1.3"};
    json_t *a = json_array();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (tls & check_tls_bit(names[i]))
            json_array_append_new(a, json_string(names[i]));
    }
    return a;
}

static void write_json(int role)
{
    json_t *a = json_array();
    for (size_t i = 0; i < check_catalogue_count; i++) {
        const check_entry *c = &check_catalogue[i];
        if (!selected(c, role))
            continue;
        json_t *transport = json_array();
        if (c->transport & CHECK_TRANSPORT_TCP)
            json_array_append_new(transport, json_string("tcp"));
        if (c->transport & CHECK_TRANSPORT_QUIC)
            json_array_append_new(transport, json_string("quic"));
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s}", "id", c->id, "family",
                                           check_family_name(c->family), "level", level_name(c->lvl), "ref", c->ref,
                                           "section", c->section, "title", c->title, "tls", tls_json(c->tls),
                                           "transport", transport, "description", c->description));
    }
    cli_json_print(a);
}

/* ---- Markdown ----------------------------------------------------------------------------------------------- */

/* Text for a table cell: '|' would end the cell. */
static void md_cell(const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            putchar('\\');
        putchar(*s);
    }
}

/* GitHub's anchor of a heading made of an ID: lower case, the hyphens kept. */
static void md_anchor(const char *id)
{
    for (; *id; id++)
        putchar(*id >= 'A' && *id <= 'Z' ? *id - 'A' + 'a' : *id);
}

static void md_table_row(const check_entry *c)
{
    char applies[64];
    check_applies_text(c, applies, sizeof applies);
    printf("| [%s](#", c->id);
    md_anchor(c->id);
    printf(") | %s | RFC ", level_name(c->lvl));
    md_cell(c->ref);
    printf(" | %s | ", applies);
    md_cell(c->title);
    printf(" |\n");
}

static void md_heading(const char *section)
{
    printf("\n### %s\n", section);
}

static void md_entry(const check_entry *c)
{
    char applies[64];
    check_applies_text(c, applies, sizeof applies);
    printf("\n#### %s\n\n*%s*\n\n%s · RFC %s · %s\n\n%s\n", c->id, c->title, level_name(c->lvl), c->ref, applies,
           c->description);
}

static void write_markdown(int role)
{
    printf(
        "# Check catalogue\n\n"
        "<!-- Generated from harness/checks/catalogue.c by `alpncheck checks --markdown` (make docs). Do not edit:\n"
        "     change the catalogue and run make docs; make check fails while this file is stale. -->\n\n"
        "Every check that alpncheck or libalpn reports has a stable ID. Code, tests, test vectors and reports use\n"
        "these IDs; new checks get new IDs, and an ID is never renamed or given to another check.\n\n"
        "The level is the strongest requirement keyword behind a check (MUST stands for MUST, SHALL and REQUIRED).\n"
        "A broken MUST is a FAIL and a broken SHOULD a WARN, as is a refusal with the wrong alert; INFO checks only\n"
        "report what happened. SKIP means the check did not apply (another TLS version, no resumption, ...), and\n"
        "ERROR that no answer could be obtained; both come with the reason. Known failures declared with\n"
        "`--known-failures` turn FAIL into XFAIL, and a pass of such a check into XPASS.\n\n"
        "The clause is the RFC text to read before changing a check. \"Applies\" lists the TLS versions and the\n"
        "transports a check runs over: TLS records over TCP, and QUIC v1 (RFC 9001, TLS 1.3 only) for the server\n"
        "checks that `alpncheck server --quic` runs, where a TLS alert arrives as CONNECTION_CLOSE 0x0100 + alert.\n");
    for (int f = 0; f < CHECK_FAMILY_COUNT; f++) {
        if (role >= 0 && f != role)
            continue;
        printf("\n## %s\n\n%s\n\n| ID | level | clause | applies | title |\n|---|---|---|---|---|\n",
               family_text[f].heading, family_text[f].intro);
        for (size_t i = 0; i < check_catalogue_count; i++) {
            if ((int)check_catalogue[i].family == f)
                md_table_row(&check_catalogue[i]);
        }
        by_section((check_family)f, md_heading, md_entry);
    }
}

int cmd_checks(int argc, char **argv)
{
    cli_word roles[CHECK_FAMILY_COUNT + 1] = {{NULL, 0}}; /* the catalogue's families, by name */
    for (int f = 0; f < CHECK_FAMILY_COUNT; f++)
        roles[f] = (cli_word){check_family_name((check_family)f), f};
    int json = 0, markdown = 0, role = -1; /* -1: every role */
    const cli_option opts[] = {{"json", 'j', .flag = &json},
                               {"markdown", 'm', .flag = &markdown},
                               {"role", 'r', .words = roles, .value = &role},
                               {0}};
    int done = cli_parse_options("checks", argc, argv, opts, help);
    if (done >= 0)
        return done;
    if (optind < argc)
        return cli_usage_error("checks", "unexpected argument '%s'", argv[optind]);
    if (json && markdown)
        return cli_usage_error("checks", "--json and --markdown exclude each other");
    if (json)
        write_json(role);
    else if (markdown)
        write_markdown(role);
    else
        write_terminal(role);
    return EXIT_VALID;
}
