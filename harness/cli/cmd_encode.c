/* alpncheck encode: protocol names → extension_data (hex) and the canonical ALPN header value. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* optind */

#include "cli_util.h"
#include "hex.h"
#include "escape.h"
#include "commands.h"

/* Enough names for the largest list of one-byte names (65535 / 2). */
#define ENCODE_MAX_NAMES 32768u

static void help(void)
{
    printf("Usage: alpncheck encode [--hex] [--json] NAME...\n\n"
           "Encodes protocol names, most preferred first, as the extension_data of the ALPN extension\n"
           "(RFC 7301 §3.1) and as the canonical value of the HTTP ALPN header (RFC 7639 §2).\n"
           "Without NAME arguments (or with '-'), names are read from standard input, one per line.\n\n"
           "  --hex    each NAME is given in hex (for bytes a shell cannot pass, such as NUL)\n"
           "  --json   machine-readable output\n\n"
           "Exit status: 0 encoded, 1 a name or the list is invalid (empty, over 255 bytes, list over 65535), 2 usage.\n");
}

int cmd_encode(int argc, char **argv)
{
    int hex = 0, json = 0;
    const cli_option opts[] = {{"hex", 'x', .flag = &hex}, {"json", 'j', .flag = &json}, {0}};
    int done = cli_parse_options("encode", argc, argv, opts, help);
    if (done >= 0)
        return done;

    /* Collect the names as (pointer, length) into text; hex names are decoded into bytes. */
    static char text[CLI_INPUT_MAX];
    static uint8_t bytes[CLI_INPUT_MAX];
    static alpn_name names[ENCODE_MAX_NAMES];
    size_t n = 0, used = 0;
    static const char *src[ENCODE_MAX_NAMES];
    static size_t src_len[ENCODE_MAX_NAMES];
    size_t n_src = 0;
    if (optind < argc && !(argc - optind == 1 && strcmp(argv[optind], "-") == 0)) {
        for (int i = optind; i < argc && n_src < ENCODE_MAX_NAMES; i++, n_src++) {
            src[n_src] = argv[i];
            src_len[n_src] = strlen(argv[i]);
        }
    } else {
        long len = cli_read_stdin(text, sizeof text);
        if (len < 0) {
            fprintf(stderr, "alpncheck encode: standard input unreadable or longer than %zu bytes\n", sizeof text);
            return EXIT_USAGE;
        }
        size_t start = 0;
        for (size_t i = 0; i <= (size_t)len && n_src < ENCODE_MAX_NAMES; i++) {
            if (i == (size_t)len || text[i] == '\n') {
                size_t l = i - start;
                if (l > 0 && text[start + l - 1] == '\r')
                    l--;
                if (i < (size_t)len || l > 0) {
                    src[n_src] = text + start;
                    src_len[n_src++] = l;
                }
                start = i + 1;
            }
        }
    }
    if (n_src == 0)
        return cli_usage_error("encode", "no names given");
    if (n_src == ENCODE_MAX_NAMES)
        return cli_usage_error("encode", "more than %u names", ENCODE_MAX_NAMES - 1);

    for (size_t i = 0; i < n_src; i++) {
        if (!hex) {
            names[n++] = (alpn_name){(const uint8_t *)src[i], src_len[i]};
            continue;
        }
        size_t bad_at = 0;
        long l = cli_hex_decode(src[i], src_len[i], bytes + used, sizeof bytes - used, &bad_at);
        if (l < 0) {
            char why[128];
            cli_hex_error(l, bad_at, why, sizeof why);
            return cli_usage_error("encode", "name %zu: %s", i + 1, why);
        }
        names[n++] = (alpn_name){bytes + used, (size_t)l};
        used += (size_t)l;
    }

    static uint8_t ext[ALPN_EXT_MAX];
    static char header[3 * ALPN_EXT_MAX + 2 * ENCODE_MAX_NAMES];
    size_t ext_len = 0, header_len = 0;
    alpn_error err = {0};
    int rc = alpn_list_encode(names, n, ext, sizeof ext, &ext_len, &err);
    if (rc == ALPN_OK)
        rc = alpn_header_format(ext, ext_len, header, sizeof header, &header_len, &err);
    if (rc != ALPN_OK) {
        if (json) {
            json_t *o = json_pack("{s:b}", "valid", 0);
            json_object_set_new(o, "error", cli_error_json(&err));
            cli_json_print(o);
        } else {
            fprintf(stderr, "alpncheck encode: name %zu: %s [%s]\n", err.offset + 1, err.detail, err.check);
        }
        return EXIT_INVALID;
    }
    if (json) {
        /* The header value is percent-encoded ASCII, the names go through cli_name_json (hex and escaped text):
         * nothing here can be ill-formed UTF-8, whatever bytes the names hold. */
        json_t *o = json_pack("{s:b, s:o, s:I, s:o}", "valid", 1, "extension_data", cli_hex_json(ext, ext_len),
                              "length", (json_int_t)ext_len, "header", esc_json(header, header_len));
        if (o == NULL)
            return EXIT_USAGE;
        json_object_set_new(o, "names", cli_names_json(ext, ext_len));
        cli_json_print(o);
        return EXIT_VALID;
    }
    printf("extension_data (%zu bytes): ", ext_len);
    hex_fprint(stdout, ext, ext_len);
    printf("\nALPN header: %.*s\n", (int)header_len, header);
    return EXIT_VALID;
}
