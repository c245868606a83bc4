/* alpncheck header: check an HTTP ALPN header field value (RFC 7639 §2) and explain it. */
#include <string.h>
#include <unistd.h> /* optind */

#include "cli_util.h"
#include "hex.h"
#include "escape.h"
#include "commands.h"

#define HEADER_MAX_DEVS 64

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

struct parse {
    int rc;
    alpn_error err;
    alpn_header_result res;
    alpn_deviation devs[HEADER_MAX_DEVS];
    uint8_t ext[ALPN_EXT_MAX];
};

static void run(struct parse *p, const char *value, size_t len, alpn_hdr_mode mode)
{
    memset(&p->res, 0, sizeof p->res);
    p->res.ext = p->ext;
    p->res.ext_cap = sizeof p->ext;
    p->res.devs = p->devs;
    p->res.devs_cap = HEADER_MAX_DEVS;
    p->rc = alpn_header_parse(value, len, mode, &p->res, &p->err);
}

int cmd_header(int argc, char **argv)
{
    static char value[CLI_INPUT_MAX];
    int lenient, json, status;
    long vlen = cli_field_command("header", argc, argv, help, value, &lenient, &json, &status);
    if (vlen < 0)
        return status;

    /* Both judgements are made: the strict one names the first violation, the lenient one lists every deviation
     * a tolerant receiver would accept. The mode chosen decides validity. */
    static struct parse strict, tolerant;
    run(&strict, value, (size_t)vlen, ALPN_HDR_STRICT);
    run(&tolerant, value, (size_t)vlen, ALPN_HDR_LENIENT);
    const struct parse *judged = lenient ? &tolerant : &strict;
    const struct parse *shown = judged->rc == ALPN_OK ? judged : &tolerant;

    static char canon[3 * ALPN_EXT_MAX + ALPN_EXT_MAX];
    size_t canon_len = 0;
    int have_names = shown->rc == ALPN_OK &&
                     alpn_header_format(shown->ext, shown->res.ext_len, canon, sizeof canon, &canon_len, NULL) ==
                         ALPN_OK;
    int is_canonical = have_names && canon_len == (size_t)vlen && memcmp(canon, value, canon_len) == 0;

    if (json) {
        /* value: the input, with bytes that are not UTF-8 as \xNN (json_pack refuses them, and the whole output
         * was lost); value_hex: the input exactly. */
        json_t *o = json_pack("{s:o, s:o, s:s, s:b, s:b}", "value", esc_json(value, (size_t)vlen), "value_hex",
                              cli_hex_json(value, (size_t)vlen), "mode", lenient ? "lenient" : "strict", "valid",
                              judged->rc == ALPN_OK, "canonical", is_canonical);
        if (o == NULL)
            return EXIT_USAGE;
        if (judged->rc != ALPN_OK)
            json_object_set_new(o, "error", cli_error_json(&judged->err));
        if (strict.rc != ALPN_OK)
            json_object_set_new(o, "strict_violation", cli_error_json(&strict.err));
        json_object_set_new(o, "deviations", cli_devs_json(tolerant.devs, tolerant.res.n_devs, HEADER_MAX_DEVS));
        if (have_names) {
            json_object_set_new(o, "names", cli_names_json(shown->ext, shown->res.ext_len));
            json_object_set_new(o, "canonical_form", esc_json(canon, canon_len));
        }
        cli_json_print(o);
        return judged->rc == ALPN_OK ? EXIT_VALID : EXIT_INVALID;
    }

    if (judged->rc == ALPN_OK)
        printf("ALPN header: valid (%s), %zu name%s%s\n", lenient ? "lenient" : "strict", judged->res.count,
               judged->res.count == 1 ? "" : "s", is_canonical ? ", canonical form" : "");
    else
        printf("ALPN header: INVALID (%s)\n", lenient ? "lenient" : "strict");
    if (strict.rc != ALPN_OK) {
        printf("  %s%s at byte %zu: %s\n", lenient ? "a strict check fails: " : "", strict.err.check,
               strict.err.offset, strict.err.detail);
        cli_text_caret(stdout, value, (size_t)vlen, strict.err.offset);
    }
    if (tolerant.rc == ALPN_OK && tolerant.res.n_devs > 0) {
        printf("  a lenient receiver accepts it with %zu deviation%s:\n", tolerant.res.n_devs,
               tolerant.res.n_devs == 1 ? "" : "s");
        for (size_t i = 0; i < tolerant.res.n_devs && i < HEADER_MAX_DEVS; i++)
            printf("    %s at byte %zu\n", tolerant.devs[i].check, tolerant.devs[i].offset);
    } else if (tolerant.rc != ALPN_OK && lenient == 0) {
        printf("  a lenient receiver rejects it too (%s at byte %zu)\n", tolerant.err.check, tolerant.err.offset);
    }
    if (have_names) {
        cli_names_print(stdout, shown->ext, shown->res.ext_len);
        printf("  canonical: %.*s\n", (int)canon_len, canon);
        printf("  extension_data: ");
        hex_fprint(stdout, shown->ext, shown->res.ext_len);
        printf("\n");
    }
    return judged->rc == ALPN_OK ? EXIT_VALID : EXIT_INVALID;
}
