/* alpncheck altsvc: check an HTTP Alt-Svc field value (RFC 7838 §3) and explain it. */
#include <string.h>
#include <unistd.h> /* optind */

#include "cli_field.h"
#include "cli_util.h"
#include "escape.h"
#include "commands.h"

static void help(void)
{
    printf("Usage: alpncheck altsvc [--lenient] [--json] [VALUE]\n\n"
           "Checks the value of an HTTP Alt-Svc field (RFC 7838 §3), e.g. 'h3=\":443\"; ma=86400, h2=\":443\"',\n"
           "lists each alternative (protocol name, host, port, ma, persist, other parameters), the canonical form\n"
           "and every deviation from it. VALUE is read from standard input when absent or '-' (without the\n"
           "'Alt-Svc:' field name).\n\n"
           "  --lenient  judge as a tolerant receiver: empty list elements and parameters, whitespace around '=',\n"
           "             needless quoted-pairs, an unusable ma or persist, 'clear' in another case and the ALPN\n"
           "             header's percent-encoding deviations are accepted (and listed); the default is strict\n"
           "  --json     machine-readable output\n\n"
           "Exit status: 0 valid, 1 invalid, 2 usage error.\n");
}

/* One judgement of the value, with libalpn's result and its alternatives as JSON. */
struct judged {
    cli_judgement j;
    alpn_altsvc_result res;
    json_t *alts;
};

static int alt_json(void *ctx, const alpn_altsvc_alt *alt)
{
    json_t *params = json_array();
    alpn_altsvc_param p;
    size_t pos = 0;
    while (alpn_altsvc_param_next(alt, &pos, &p))
        json_array_append_new(params, json_pack("{s:o, s:o}", "name", esc_json(p.name, p.name_len), "value",
                                                esc_json(p.value, p.value_len)));
    json_array_append_new(ctx, json_pack("{s:I, s:o, s:o, s:i, s:I, s:b, s:b, s:o}", "offset", (json_int_t)alt->offset,
                                         "protocol", cli_name_json(alt->name, alt->name_len), "host",
                                         esc_json(alt->host, alt->host_len), "port", alt->port, "ma",
                                         (json_int_t)alt->ma, "ma_given", alt->has_ma, "persist", alt->persist,
                                         "params", params));
    return 0;
}

static const cli_judgement *judge(void *state, const char *value, size_t len, alpn_hdr_mode mode)
{
    struct judged *j = state;
    memset(j, 0, sizeof *j);
    j->alts = json_array();
    j->res =
        (alpn_altsvc_result){.on_alt = alt_json, .ctx = j->alts, .devs = j->j.devs, .devs_cap = CLI_FIELD_MAX_DEVS};
    int rc = alpn_altsvc_parse(value, len, mode, &j->res, &j->j.err);
    return cli_judged(&j->j, rc, j->res.n_devs);
}

static void alts_print(json_t *alts)
{
    size_t i;
    json_t *a;
    json_array_foreach(alts, i, a) {
        json_t *name = json_object_get(a, "protocol");
        /* The host is the value's own text, which a strict parse lets hold any octet but a control (and so C1
         * controls in UTF-8 or as single bytes): shown escaped. */
        printf("  %zu. %s (%s)  host \"", i + 1, json_string_value(json_object_get(name, "text")),
               json_string_value(json_object_get(name, "kind")));
        esc_term(stdout, json_string_value(json_object_get(a, "host")));
        printf("\"  port %d  ma %lld%s%s\n", (int)json_integer_value(json_object_get(a, "port")),
               (long long)json_integer_value(json_object_get(a, "ma")),
               json_is_true(json_object_get(a, "ma_given")) ? "" : " (default)",
               json_is_true(json_object_get(a, "persist")) ? "  persist" : "");
    }
}

int cmd_altsvc(int argc, char **argv)
{
    static char value[CLI_INPUT_MAX];
    static struct judged strict, tolerant;
    cli_field f = {.refs = 1};
    int json, status;
    const struct judged *shown =
        cli_field_start("altsvc", argc, argv, help, value, judge, &strict, &tolerant, &f, &json, &status);
    if (shown == NULL)
        return status;
    static char canon[2 * CLI_INPUT_MAX];
    size_t canon_len = 0;
    int have = shown->j.rc == ALPN_OK &&
               alpn_altsvc_format(value, f.len, cli_field_shows_lenient(&f) ? ALPN_HDR_LENIENT : ALPN_HDR_STRICT,
                                  canon, sizeof canon, &canon_len, NULL) == ALPN_OK;
    f.canonical = have && canon_len == f.len && memcmp(canon, value, canon_len) == 0;

    if (json) {
        json_t *o = cli_field_json(&f, json_pack("{s:b}", "clear", shown->res.clear));
        if (have) {
            json_object_set(o, "alternatives", shown->alts);
            json_object_set_new(o, "canonical_form", esc_json(canon, canon_len));
        }
        cli_json_print(o);
    } else {
        cli_field_print(&f, "Alt-Svc",
                        shown->res.clear ? "clear (forget every alternative)" : "alternatives in order of preference");
        if (have) {
            alts_print(shown->alts);
            canon[canon_len < sizeof canon ? canon_len : sizeof canon - 1] = '\0';
            fputs("  canonical: ", stdout);
            esc_term(stdout, canon);
            putchar('\n');
        }
    }
    json_decref(strict.alts);
    json_decref(tolerant.alts);
    return cli_field_exit(&f);
}
