/* `alpncheck checks`, run as a real process: the catalogue as JSON, as an aligned table and as Markdown. Its --help
 * and usage errors are cases of tests/cases/cli.json, which test_cli runs. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "catalogue.h"

static char out[1 << 18];

/* Runs "alpncheck ARGS" with empty stdin; out receives stdout and stderr. Returns the exit code. */
static int run(const char *args)
{
    const char *bindir = getenv("ALPN_BINARY_DIR");
    cr_assert_not_null(bindir, "ALPN_BINARY_DIR is set by ctest");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/harness/cli/alpncheck %s < /dev/null 2>&1", bindir, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    cr_assert_lt(n, sizeof out - 1, "alpncheck %s: output larger than the buffer", args);
    int status = pclose(p);
    cr_assert(WIFEXITED(status), "alpncheck %s did not exit normally", args);
    return WEXITSTATUS(status);
}

static size_t family_rows(int family)
{
    size_t n = 0;
    for (size_t i = 0; i < check_catalogue_count; i++)
        n += family < 0 || (int)check_catalogue[i].family == family;
    return n;
}

/* Parses `alpncheck checks --json ARGS` and holds every object to the catalogue; returns the number of objects. */
static size_t check_json(const char *args, int family)
{
    char cmdline[128];
    snprintf(cmdline, sizeof cmdline, "checks --json %s", args);
    cr_assert_eq(run(cmdline), 0, "%s", out);
    json_error_t e;
    json_t *a = json_loads(out, 0, &e);
    cr_assert_not_null(a, "not JSON (%s, line %d):\n%.400s", e.text, e.line, out);
    cr_assert(json_is_array(a));
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o)
    {
        static const char *const keys[] = {"id", "family", "level", "ref", "section", "title", "description"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            cr_assert(json_is_string(json_object_get(o, keys[k])), "object %zu: no string \"%s\"", i, keys[k]);
        cr_expect_eq(json_object_size(o), 9, "object %zu: keys other than the nine", i);
        const char *id = json_string_value(json_object_get(o, "id"));
        const char *lvl = json_string_value(json_object_get(o, "level"));
        cr_expect(strcmp(lvl, "MUST") == 0 || strcmp(lvl, "SHOULD") == 0 || strcmp(lvl, "INFO") == 0, "%s: level %s",
                  id, lvl);
        for (size_t j = 0; j < i; j++)
            cr_expect_str_neq(json_string_value(json_object_get(json_array_get(a, j), "id")), id, "%s twice", id);
        const check_entry *c = check_find(id);
        cr_assert_not_null(c, "%s is not in the catalogue", id);
        cr_expect_str_eq(json_string_value(json_object_get(o, "title")), c->title, "%s", id);
        cr_expect_str_eq(json_string_value(json_object_get(o, "ref")), c->ref, "%s", id);
        cr_expect_str_eq(lvl, level_name(c->lvl), "%s", id);
        cr_expect_str_eq(json_string_value(json_object_get(o, "family")), check_family_name(c->family), "%s", id);
        if (family >= 0)
            cr_expect_eq((int)c->family, family, "%s in a listing of another role", id);
        json_t *tls = json_object_get(o, "tls"), *transport = json_object_get(o, "transport");
        cr_assert(json_is_array(tls) && json_is_array(transport), "%s: tls and transport are arrays", id);
        unsigned mask = 0;
        size_t t;
        json_t *v;
        json_array_foreach(tls, t, v) mask |= check_tls_bit(json_string_value(v));
        cr_expect_eq(mask, c->tls, "%s: tls", id);
        unsigned tmask = 0;
        json_array_foreach(transport, t, v)
        {
            const char *name = json_string_value(v);
            tmask |= name == NULL                 ? 1u << 8
                     : strcmp(name, "tcp") == 0  ? CHECK_TRANSPORT_TCP
                     : strcmp(name, "quic") == 0 ? CHECK_TRANSPORT_QUIC
                                                 : 1u << 8;
        }
        cr_expect_eq(tmask, c->transport, "%s: transport", id);
    }
    size_t n = json_array_size(a);
    json_decref(a);
    return n;
}

Test(cli_checks, json_lists_every_row_once)
{
    cr_expect_eq(check_json("", -1), check_catalogue_count);
    cr_expect_gt(check_catalogue_count, 50);
}

Test(cli_checks, json_by_role)
{
    for (int f = 0; f < CHECK_FAMILY_COUNT; f++) {
        char args[64];
        snprintf(args, sizeof args, "--role %s", check_family_name((check_family)f));
        size_t n = check_json(args, f);
        cr_expect_eq(n, family_rows(f), "%s: %zu objects, %zu rows", args, n, family_rows(f));
        cr_expect_gt(n, 0, "%s", args);
    }
}

/* Display width of UTF-8 text up to p. */
static size_t width_to(const char *line, const char *p)
{
    size_t w = 0;
    for (const char *q = line; q < p; q++)
        w += ((unsigned char)*q & 0xc0) != 0x80;
    return w;
}

/* The terminal table: one line per row, the titles all starting in the same column, the sections as headings, the
 * count at the end. */
Test(cli_checks, terminal_table_is_aligned)
{
    cr_assert_eq(run("checks"), 0, "%s", out);
    size_t column = 0;
    for (size_t i = 0; i < check_catalogue_count; i++) {
        const check_entry *c = &check_catalogue[i];
        char start[80];
        snprintf(start, sizeof start, "\n    %s ", c->id);
        const char *line = strstr(out, start);
        cr_assert_not_null(line, "no line for %s", c->id);
        line++;
        const char *end = strchr(line, '\n');
        const char *title = strstr(line, c->title);
        cr_assert(title != NULL && end != NULL && title < end, "%s: title not on its line", c->id);
        cr_expect_eq(end - title, (long)strlen(c->title), "%s: the title ends the line", c->id);
        cr_expect(strstr(line, level_name(c->lvl)) < title, "%s: level before the title", c->id);
        size_t w = width_to(line, title);
        if (i == 0)
            column = w;
        cr_expect_eq(w, column, "%s: title in column %zu, the first row's in %zu", c->id, w, column);
        char heading[200];
        snprintf(heading, sizeof heading, "\n  %s\n", c->section);
        cr_expect_not_null(strstr(out, heading), "no heading for %s", c->section);
    }
    char count[32];
    snprintf(count, sizeof count, "\n%zu checks\n", check_catalogue_count);
    cr_expect_not_null(strstr(out, count), "no count line \"%zu checks\"", check_catalogue_count);
}

Test(cli_checks, markdown_has_every_check_once)
{
    cr_assert_eq(run("checks --markdown"), 0, "%s", out);
    cr_expect_eq(strncmp(out, "# Check catalogue\n", 18), 0);
    for (size_t i = 0; i < check_catalogue_count; i++) {
        char heading[80];
        snprintf(heading, sizeof heading, "\n#### %s\n", check_catalogue[i].id);
        const char *h = strstr(out, heading);
        cr_expect_not_null(h, "no heading for %s", check_catalogue[i].id);
        cr_expect(h == NULL || strstr(h + 1, heading) == NULL, "%s twice", check_catalogue[i].id);
        cr_expect_not_null(strstr(out, check_catalogue[i].description), "no description of %s", check_catalogue[i].id);
    }
}
