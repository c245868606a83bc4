/* The field-value commands' shared part (header, altsvc): options and input, and both judgements shown. */
#include "cli_field.h"

#include <unistd.h> /* optind */

#include "cli_util.h"
#include "escape.h"

static long field_command(const char *cmd, int argc, char **argv, void (*help)(void), char *buf, int *lenient,
                          int *json, int *status)
{
    *lenient = *json = 0;
    *status = EXIT_USAGE;
    const cli_option opts[] = {{"lenient", 'l', .flag = lenient}, {"json", 'j', .flag = json}, {0}};
    int done = cli_parse_options(cmd, argc, argv, opts, help);
    if (done >= 0)
        return *status = done, -1;
    if (argc - optind > 1)
        return *status = cli_usage_error(cmd, "expected one VALUE argument (quote it), got %d", argc - optind), -1;
    return cli_operand(cmd, optind < argc ? argv[optind] : NULL, buf);
}

void *cli_field_start(const char *cmd, int argc, char **argv, void (*help)(void), char *buf, cli_field_judge judge,
                      void *strict_state, void *tolerant_state, cli_field *f, int *json, int *status)
{
    long len = field_command(cmd, argc, argv, help, buf, &f->lenient, json, status);
    if (len < 0)
        return NULL;
    f->value = buf;
    f->len = (size_t)len;
    f->strict = judge(strict_state, buf, f->len, ALPN_HDR_STRICT);
    f->tolerant = judge(tolerant_state, buf, f->len, ALPN_HDR_LENIENT);
    return cli_field_shows_lenient(f) ? tolerant_state : strict_state;
}

static const cli_judgement *judged(const cli_field *f)
{
    return f->lenient ? f->tolerant : f->strict;
}

int cli_field_shows_lenient(const cli_field *f)
{
    return f->lenient || f->strict->rc != ALPN_OK;
}

int cli_field_exit(const cli_field *f)
{
    return judged(f)->rc == ALPN_OK ? EXIT_VALID : EXIT_INVALID;
}

json_t *cli_field_json(const cli_field *f, json_t *more)
{
    /* value: bytes that are not UTF-8 as \xNN (json_pack refuses them, and the whole output was lost). */
    json_t *o = json_pack("{s:o, s:o, s:s, s:b, s:b}", "value", esc_json(f->value, f->len), "value_hex",
                          cli_hex_json(f->value, f->len), "mode", f->lenient ? "lenient" : "strict", "valid",
                          judged(f)->rc == ALPN_OK, "canonical", f->canonical);
    if (o != NULL && more != NULL)
        json_object_update(o, more);
    json_decref(more);
    if (o == NULL)
        return NULL;
    if (judged(f)->rc != ALPN_OK)
        json_object_set_new(o, "error", cli_error_json(&judged(f)->err));
    if (f->strict->rc != ALPN_OK)
        json_object_set_new(o, "strict_violation", cli_error_json(&f->strict->err));
    json_t *devs = json_array();
    for (size_t i = 0; i < f->tolerant->n_devs && i < CLI_FIELD_MAX_DEVS; i++)
        json_array_append_new(devs, json_pack("{s:s, s:I}", "check", f->tolerant->devs[i].check, "offset",
                                              (json_int_t)f->tolerant->devs[i].offset));
    json_object_set_new(o, "deviations", devs);
    return o;
}

/* A check ID, with its RFC clause when the field's output names them. */
static void check_print(const cli_field *f, const char *check)
{
    if (f->refs)
        printf("%s (RFC %s)", check, cli_check_ref(check));
    else
        fputs(check, stdout);
}

void cli_field_print(const cli_field *f, const char *field, const char *summary)
{
    const char *mode = f->lenient ? "lenient" : "strict";
    if (judged(f)->rc == ALPN_OK)
        printf("%s: valid (%s), %s%s\n", field, mode, summary, f->canonical ? ", canonical form" : "");
    else
        printf("%s: INVALID (%s)\n", field, mode);
    if (f->strict->rc != ALPN_OK) {
        printf("  %s", f->lenient ? "a strict check fails: " : "");
        check_print(f, f->strict->err.check);
        printf(" at byte %zu: %s\n", f->strict->err.offset, f->strict->err.detail);
        cli_text_caret(stdout, f->value, f->len, f->strict->err.offset);
    }
    const cli_judgement *t = f->tolerant;
    if (t->rc == ALPN_OK && t->n_devs > 0) {
        printf("  a lenient receiver accepts it with %zu deviation%s:\n", t->n_devs, t->n_devs == 1 ? "" : "s");
        for (size_t i = 0; i < t->n_devs && i < CLI_FIELD_MAX_DEVS; i++) {
            fputs("    ", stdout);
            check_print(f, t->devs[i].check);
            printf(" at byte %zu\n", t->devs[i].offset);
        }
    } else if (t->rc != ALPN_OK && !f->lenient) {
        printf("  a lenient receiver rejects it too (%s at byte %zu)\n", t->err.check, t->err.offset);
    }
}
