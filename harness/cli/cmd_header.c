/* alpncheck header: check an HTTP ALPN header field value (RFC 7639 §2) and explain it. */
#include <string.h>
#include <unistd.h> /* optind */

#include "cli_field.h"
#include "cli_util.h"
#include "hex.h"
#include "escape.h"
#include "commands.h"

static void help(void)
{
    printf("Usage: alpncheck header [--lenient] [--json] [VALUE]\n\n"
           "Checks the value of an HTTP ALPN header field (RFC 7639 §2), e.g. 'h2, http%%2F1.1', lists the\n"
           "decoded protocol names, the canonical form, and every deviation from it. VALUE is read from\n"
           "standard input when absent or '-' (without the 'ALPN:' field name).\n\n"
           "  --lenient  judge as a tolerant receiver: lower-case hex, needlessly encoded token characters and\n"
           "             empty list elements are accepted (and listed); the default judges a sender strictly\n"
           "  --json     machine-readable output: \"value\" is the input with every byte that is not UTF-8 as\n"
           "             \\xNN, \"value_hex\" the input exactly\n\n"
           "Exit status: 0 valid, 1 invalid, 2 usage error.\n");
}

/* One judgement of the value, with libalpn's result and the names it decoded. */
struct parse {
    cli_judgement j;
    alpn_header_result res;
    uint8_t ext[ALPN_EXT_MAX];
};

static const cli_judgement *run(void *state, const char *value, size_t len, alpn_hdr_mode mode)
{
    struct parse *p = state;
    p->res = (alpn_header_result){
        .ext = p->ext, .ext_cap = sizeof p->ext, .devs = p->j.devs, .devs_cap = CLI_FIELD_MAX_DEVS};
    int rc = alpn_header_parse(value, len, mode, &p->res, &p->j.err);
    return cli_judged(&p->j, rc, p->res.n_devs);
}

int cmd_header(int argc, char **argv)
{
    static char value[CLI_INPUT_MAX];
    static struct parse strict, tolerant;
    cli_field f = {0};
    int json, status;
    const struct parse *shown =
        cli_field_start("header", argc, argv, help, value, run, &strict, &tolerant, &f, &json, &status);
    if (shown == NULL)
        return status;

    static char canon[3 * ALPN_EXT_MAX + ALPN_EXT_MAX];
    size_t canon_len = 0;
    int have_names = shown->j.rc == ALPN_OK &&
                     alpn_header_format(shown->ext, shown->res.ext_len, canon, sizeof canon, &canon_len, NULL) ==
                         ALPN_OK;
    f.canonical = have_names && canon_len == f.len && memcmp(canon, value, canon_len) == 0;

    if (json) {
        json_t *o = cli_field_json(&f, NULL);
        if (o == NULL)
            return EXIT_USAGE;
        if (have_names) {
            json_object_set_new(o, "names", cli_names_json(shown->ext, shown->res.ext_len));
            json_object_set_new(o, "canonical_form", esc_json(canon, canon_len));
        }
        cli_json_print(o);
        return cli_field_exit(&f);
    }

    /* A valid value is the one shown: its count of names is the summary. */
    char summary[40];
    snprintf(summary, sizeof summary, "%zu name%s", shown->res.count, shown->res.count == 1 ? "" : "s");
    cli_field_print(&f, "ALPN header", summary);
    if (have_names) {
        cli_names_print(stdout, shown->ext, shown->res.ext_len);
        printf("  canonical: %.*s\n", (int)canon_len, canon);
        printf("  extension_data: ");
        hex_fprint(stdout, shown->ext, shown->res.ext_len);
        printf("\n");
    }
    return cli_field_exit(&f);
}
