/* alpncheck decode: validate a ProtocolNameList (extension_data of extension 16) and explain it. */
#include <string.h>
#include <unistd.h> /* optind */

#include "catalogue.h"
#include "cli_util.h"
#include "commands.h"

static void help(void)
{
    printf("Usage: alpncheck decode [--role client|server] [--json] [HEX]\n\n"
           "Checks extension_data of the ALPN extension (RFC 7301 §3.1) and lists its names.\n"
           "HEX is the extension_data in hex (spaces, ':' and a leading 0x are ignored); read from standard\n"
           "input when absent or '-'.\n\n"
           "  --role client   a client's offer in a ClientHello: one or more names (default)\n"
           "  --role server   a server's answer in ServerHello/EncryptedExtensions: exactly one name\n"
           "  --json          machine-readable output\n\n"
           "Exit status: 0 valid, 1 invalid, 2 usage error.\n");
}

int cmd_decode(int argc, char **argv)
{
    static const cli_word roles[] = {{"client", ALPN_ROLE_CLIENT}, {"server", ALPN_ROLE_SERVER}, {NULL, 0}};
    int role = ALPN_ROLE_CLIENT, json = 0;
    const cli_option opts[] = {{"role", 'r', .words = roles, .value = &role}, {"json", 'j', .flag = &json}, {0}};
    int done = cli_parse_options("decode", argc, argv, opts, help);
    if (done >= 0)
        return done;
    if (argc - optind > 1)
        return cli_usage_error("decode", "expected one HEX argument, got %d", argc - optind);

    static char text[CLI_INPUT_MAX];
    static uint8_t ext[CLI_INPUT_MAX / 2];
    long tlen = cli_operand("decode", optind < argc ? argv[optind] : NULL, text);
    if (tlen < 0)
        return EXIT_USAGE;
    size_t bad_at = 0;
    long len = cli_hex_decode(text, (size_t)tlen, ext, sizeof ext, &bad_at);
    if (len < 0) {
        char why[128];
        cli_hex_error(len, bad_at, why, sizeof why);
        return cli_usage_error("decode", "%s", why);
    }

    const char *what = role == ALPN_ROLE_CLIENT ? "client offer" : "server answer";
    size_t count = 0;
    alpn_error err = {0};
    int rc = alpn_list_validate(ext, (size_t)len, (alpn_role)role, &count, &err);
    if (json) {
        json_t *o = json_pack("{s:s, s:I, s:b}", "role", role == ALPN_ROLE_CLIENT ? "client" : "server", "length",
                              (json_int_t)len, "valid", rc == ALPN_OK);
        if (rc == ALPN_OK)
            json_object_set_new(o, "names", cli_names_json(ext, (size_t)len));
        else
            json_object_set_new(o, "error", cli_error_json(&err));
        cli_json_print(o);
        return rc == ALPN_OK ? EXIT_VALID : EXIT_INVALID;
    }
    if (rc == ALPN_OK) {
        printf("%s: valid ProtocolNameList, %zu byte%s, %zu name%s\n", what, (size_t)len, len == 1 ? "" : "s", count, count == 1 ? "" : "s");
        cli_names_print(stdout, ext, (size_t)len);
        return EXIT_VALID;
    }
    printf("%s: INVALID ProtocolNameList, %zu byte%s\n", what, (size_t)len, len == 1 ? "" : "s");
    printf("  %s (alert %d) at byte %zu: %s\n", alpn_strerror(err.status), err.status, err.offset, err.detail);
    printf("  check: %s\n", err.check);
    cli_hex_caret(stdout, ext, (size_t)len, err.offset);
    /* The catalogue row of the check may accept a second alert (two names: the list is well-formed, RFC 8446 §6.2). */
    const check_entry *row = check_find(err.check);
    int also = row != NULL ? row->client.alert_also : 0;
    printf("  A %s receiving this must abort the handshake with a fatal %s%s%s alert (RFC 7301 §3.1).\n",
           role == ALPN_ROLE_CLIENT ? "server" : "client", alpn_strerror(err.status), also > 0 ? " or " : "",
           also > 0 ? alpn_alert_name(also) : "");
    return EXIT_INVALID;
}
