/* alpncheck registry: the protocol IDs libalpn knows (IANA registry, GREASE, well-known unregistered). */
#include <string.h>
#include <unistd.h> /* optind */

#include "cli_util.h"
#include "hex.h"
#include "commands.h"

static void help(void)
{
    printf("Usage: alpncheck registry [--kind registered|grease|unregistered] [--json]\n\n"
           "Lists the ALPN protocol IDs of the IANA registry, the 16 GREASE values (RFC 8701) and well-known\n"
           "unregistered names, with their identification sequence in hex.\n\n"
           "  --kind K   only entries of kind K\n"
           "  --json     machine-readable output\n");
}

int cmd_registry(int argc, char **argv)
{
    static const cli_word kinds[] = {{"registered", ALPN_KIND_REGISTERED},
                                     {"grease", ALPN_KIND_GREASE},
                                     {"unregistered", ALPN_KIND_UNREGISTERED},
                                     {NULL, 0}};
    int json = 0, kind = -1; /* -1: every kind */
    const cli_option opts[] = {{"kind", 'k', .words = kinds, .value = &kind}, {"json", 'j', .flag = &json}, {0}};
    int done = cli_parse_options("registry", argc, argv, opts, help);
    if (done >= 0)
        return done;
    if (optind < argc)
        return cli_usage_error("registry", "unexpected argument '%s'", argv[optind]);

    size_t n = 0, shown = 0;
    const alpn_registry_entry *t = alpn_registry(&n);
    json_t *a = json ? json_array() : NULL;
    if (!json)
        printf("%-22s %-24s %-12s %-40s %s\n", "name", "hex", "kind", "protocol", "reference");
    for (size_t i = 0; i < n; i++) {
        if (kind >= 0 && (int)t[i].kind != kind)
            continue;
        shown++;
        if (json) {
            json_array_append_new(a, cli_name_json(t[i].name.data, t[i].name.len));
            continue;
        }
        char text[64], hex[2 * 24 + 1];
        cli_name_format(text, sizeof text, t[i].name.data, t[i].name.len);
        hex_encode(t[i].name.data, t[i].name.len > 23 ? 23 : t[i].name.len, hex);
        printf("%-22s %-24s %-12s %-40s %s\n", text, hex, cli_kind_name(t[i].kind), t[i].protocol, t[i].reference);
    }
    if (json)
        cli_json_print(a);
    else
        printf("%zu %s\n", shown, shown == 1 ? "entry" : "entries");
    return EXIT_VALID;
}
