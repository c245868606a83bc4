/* alpncheck svcb: check the alpn and no-default-alpn SvcParams of an SVCB/HTTPS record (RFC 9460 §7.1) and show
 * the same names as TLS extension_data and as an ALPN header value. */
#include <string.h>
#include <unistd.h> /* optind */

#include "cli_util.h"
#include "escape.h"
#include "commands.h"

static void help(void)
{
    printf("Usage: alpncheck svcb [--json] PARAMS\n"
           "       alpncheck svcb [--json] --wire HEX\n\n"
           "Checks the alpn and no-default-alpn SvcParams of an SVCB or HTTPS record (RFC 9460 §7.1) and shows\n"
           "the protocol names in every form: presentation, wire, TLS extension_data and ALPN header.\n"
           "PARAMS are SvcParams in zone-file presentation form, e.g. 'alpn=h2,h3 no-default-alpn' or\n"
           "'alpn=\"f\\\\\\\\oo\\\\,bar,h2\"', or in the generic form 'key1=\\002h2 key2' (other keys are not\n"
           "checked); read from standard input when absent or '-'.\n\n"
           "  --wire HEX  the alpn SvcParamValue in wire format (length-prefixed ids), in hex\n"
           "  --json      machine-readable output\n\n"
           "Exit status: 0 valid, 1 invalid, 2 usage error.\n");
}

/* What the input held: the alpn value in wire format, whether no-default-alpn was there, or the failure. */
struct svcb_in {
    int rc;
    alpn_error err;
    uint8_t val[CLI_INPUT_MAX];
    size_t val_len;
    int has_alpn, no_default;
};

/* The key of text[at..at+klen) as a number: alpn and no-default-alpn by name or in the generic form "keyNNNNN"
 * (RFC 9460 §2.1: decimal, no leading zeros), any other name -1 (listed, not checked). */
static long param_key(const char *k, size_t klen)
{
    if (klen == 4 && memcmp(k, "alpn", 4) == 0)
        return ALPN_SVCB_KEY_ALPN;
    if (klen == 15 && memcmp(k, "no-default-alpn", 15) == 0)
        return ALPN_SVCB_KEY_NO_DEFAULT_ALPN;
    if (klen < 4 || klen > 8 || memcmp(k, "key", 3) != 0 || (k[3] == '0' && klen > 4))
        return -1;
    long v = 0;
    for (size_t i = 3; i < klen; i++) {
        if (k[i] < '0' || k[i] > '9')
            return -1;
        v = v * 10 + (k[i] - '0');
    }
    return v <= 65535 ? v : -1;
}

/* One presentation SvcParam key=value at text[at..at+len). */
static void param_take(struct svcb_in *in, const char *text, size_t at, size_t len)
{
    const char *eq = memchr(text + at, '=', len);
    size_t klen = eq != NULL ? (size_t)(eq - (text + at)) : len, vat = at + klen + 1;
    const char *v = eq != NULL ? text + vat : "";
    size_t vlen = eq != NULL ? len - klen - 1 : 0;
    long key = param_key(text + at, klen);
    int generic = klen >= 3 && memcmp(text + at, "key", 3) == 0;
    if (key == ALPN_SVCB_KEY_ALPN) {
        /* RFC 9460 §2.1: keys appear at most once, under either name. */
        if (in->has_alpn++) {
            in->rc = cli_fail_text(&in->err, at, "SVCB-KEY-ORDER", "alpn appears twice (alpn or key1)");
            return;
        }
        if (generic) {
            /* RFC 9460 §7.1.1: key1=\002h2 is alpn in the generic form, its value the wire format itself. */
            in->rc = alpn_svcb_value_parse(v, vlen, in->val, sizeof in->val, &in->val_len, &in->err);
            if (in->rc != ALPN_OK) {
                in->err.offset += eq != NULL ? vat : at; /* an offset in the value's text */
                return;
            }
            in->rc = alpn_svcb_alpn_validate(in->val, in->val_len, NULL, &in->err);
            /* A wire offset is not a text offset: the value's start is named. */
            in->err.offset = eq != NULL ? vat : at;
            return;
        }
        in->rc = alpn_svcb_alpn_parse(v, vlen, in->val, sizeof in->val, &in->val_len, &in->err);
        in->err.offset += eq != NULL ? vat : at;
    } else if (key == ALPN_SVCB_KEY_NO_DEFAULT_ALPN) {
        /* A value is allowed only when it is empty: no-default-alpn="" and key2= are the same key (Appendix A). */
        uint8_t scratch[8];
        size_t n = 0;
        if (in->no_default++) {
            in->rc = cli_fail_text(&in->err, at, "SVCB-KEY-ORDER", "no-default-alpn appears twice (or as key2)");
        } else if (eq != NULL && alpn_svcb_value_parse(v, vlen, scratch, sizeof scratch, &n, NULL) != ALPN_OK) {
            in->rc = cli_fail_text(&in->err, vat, "SVCB-NO-DEFAULT-EMPTY",
                                   "no-default-alpn has a value; it must be empty");
        } else if (n > 0) {
            in->rc = cli_fail_text(&in->err, vat, "SVCB-NO-DEFAULT-EMPTY",
                                   "no-default-alpn has a value; it must be empty");
        }
    }
}

/* Splits presentation SvcParams at unquoted whitespace (RFC 1035 §5.1) and takes each. */
static void presentation_read(struct svcb_in *in, const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && in->rc == ALPN_OK) {
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))
            i++;
        size_t start = i;
        int quoted = 0;
        while (i < len && (quoted || !(text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))) {
            if (text[i] == '\\' && i + 1 < len)
                i++;
            else if (text[i] == '"')
                quoted = !quoted;
            i++;
        }
        if (i > start)
            param_take(in, text, start, i - start);
    }
    /* RFC 9460 §7.1.1: no-default-alpn needs alpn. */
    if (in->rc == ALPN_OK && in->no_default && !in->has_alpn)
        in->rc = cli_fail_text(&in->err, 0, "SVCB-NO-DEFAULT-ALONE", "no-default-alpn without alpn");
    if (in->rc == ALPN_OK && !in->has_alpn)
        in->rc = cli_fail_text(&in->err, 0, "SVCB-ALPN-EMPTY", "no alpn SvcParam in the input");
}

static void forms_print(const struct svcb_in *in, const char *pres, size_t pn, const uint8_t *ext, size_t en,
                        const char *hdr, size_t hn)
{
    printf("  presentation: alpn=%.*s%s\n", (int)pn, pres, in->no_default ? " no-default-alpn" : "");
    printf("  wire (alpn value): ");
    hex_fprint(stdout, in->val, in->val_len);
    printf("\n  extension_data: ");
    hex_fprint(stdout, ext, en);
    printf("\n  ALPN header: %.*s\n", (int)hn, hdr);
    cli_names_print(stdout, ext, en);
}

int cmd_svcb(int argc, char **argv)
{
    int json = 0;
    const char *wire = NULL;
    const cli_option opts[] = {{"json", 'j', .flag = &json}, {"wire", 'w', .arg = &wire}, {0}};
    int done = cli_parse_options("svcb", argc, argv, opts, help);
    if (done >= 0)
        return done;
    if (argc - optind > (wire != NULL ? 0 : 1))
        return cli_usage_error("svcb", "expected one PARAMS argument (quote it) or --wire HEX, got %d", argc - optind);
    static char text[CLI_INPUT_MAX];
    static struct svcb_in in;
    long tlen;
    if (wire != NULL) {
        tlen = (long)strlen(wire);
        size_t bad_at = 0;
        long n = cli_hex_decode(wire, (size_t)tlen, in.val, sizeof in.val, &bad_at);
        if (n < 0) {
            char why[128];
            cli_hex_error(n, bad_at, why, sizeof why);
            return cli_usage_error("svcb", "%s", why);
        }
        in.val_len = (size_t)n;
        in.has_alpn = 1;
        in.rc = alpn_svcb_alpn_validate(in.val, in.val_len, NULL, &in.err);
    } else {
        if ((tlen = cli_operand("svcb", optind < argc ? argv[optind] : NULL, text)) < 0)
            return EXIT_USAGE;
        presentation_read(&in, text, (size_t)tlen);
    }
    static char pres[4 * CLI_INPUT_MAX], hdr[3 * CLI_INPUT_MAX];
    static uint8_t ext[CLI_INPUT_MAX + 2];
    size_t pn = 0, en = 0, hn = 0;
    if (in.rc == ALPN_OK)
        in.rc = alpn_svcb_alpn_format(in.val, in.val_len, pres, sizeof pres, &pn, &in.err);
    if (in.rc == ALPN_OK)
        in.rc = alpn_svcb_alpn_to_ext(in.val, in.val_len, ext, sizeof ext, &en, &in.err);
    if (in.rc == ALPN_OK)
        in.rc = alpn_header_format(ext, en, hdr, sizeof hdr, &hn, &in.err);

    if (json) {
        json_t *o = json_pack("{s:s, s:b}", "input", wire != NULL ? "wire" : "presentation", "valid", in.rc == ALPN_OK);
        if (in.rc != ALPN_OK) {
            json_object_set_new(o, "error", cli_error_json(&in.err));
        } else {
            json_object_set_new(o, "no_default_alpn", json_boolean(in.no_default));
            json_object_set_new(o, "names", cli_names_json(ext, en));
            json_object_set_new(o, "presentation", esc_json(pres, pn));
            json_object_set_new(o, "wire_hex", cli_hex_json(in.val, in.val_len));
            json_object_set_new(o, "extension_data_hex", cli_hex_json(ext, en));
            json_object_set_new(o, "alpn_header", esc_json(hdr, hn));
        }
        cli_json_print(o);
        return in.rc == ALPN_OK ? EXIT_VALID : EXIT_INVALID;
    }
    if (in.rc == ALPN_OK) {
        printf("SVCB alpn: valid, %zu byte%s of wire value\n", in.val_len, in.val_len == 1 ? "" : "s");
        forms_print(&in, pres, pn, ext, en, hdr, hn);
        return EXIT_VALID;
    }
    printf("SVCB alpn: INVALID (%s)\n", wire != NULL ? "wire format" : "presentation format");
    if (wire != NULL) {
        printf("  %s (RFC %s) at byte %zu: %s\n", in.err.check, cli_check_ref(in.err.check), in.err.offset,
               in.err.detail);
        cli_hex_caret(stdout, in.val, in.val_len, in.err.offset);
    } else {
        cli_violation_print(stdout, "", &in.err, text, (size_t)tlen);
    }
    return EXIT_INVALID;
}
