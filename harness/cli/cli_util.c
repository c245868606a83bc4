#include "cli_util.h"
#include "catalogue.h"

#include "hex.h"
#include "table_text.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

long cli_hex_decode(const char *hex, size_t len, uint8_t *out, size_t out_cap, size_t *bad_at)
{
    return hex_decode(hex, len, HEX_LOOSE, out, out_cap, bad_at);
}

void cli_hex_error(long rc, size_t bad_at, char *buf, size_t cap)
{
    if (rc == CLI_HEX_ODD)
        snprintf(buf, cap, "odd number of hex digits (the last one, at character %zu, has no pair)", bad_at);
    else if (rc == CLI_HEX_TOO_LONG)
        snprintf(buf, cap, "more than %zu bytes of hex", bad_at);
    else
        snprintf(buf, cap, "not a hex digit at character %zu (digits 0-9a-f in pairs expected)", bad_at);
}

void cli_name_format(char *out, size_t cap, const uint8_t *p, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char tmp[5];
        size_t t;
        if (p[i] == '\\') {
            memcpy(tmp, "\\\\", 2);
            t = 2;
        } else if (p[i] >= 0x20 && p[i] < 0x7f) {
            tmp[0] = (char)p[i];
            t = 1;
        } else {
            t = hex_escape(p[i], tmp);
        }
        if (o + t + 4 > cap) {
            if (cap >= 4) {
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        memcpy(out + o, tmp, t);
        o += t;
    }
    if (cap > 0)
        out[o < cap ? o : cap - 1] = '\0';
}

void cli_name_print(FILE *f, const uint8_t *p, size_t len)
{
    char buf[4 * ALPN_NAME_MAX + 8];
    cli_name_format(buf, sizeof buf, p, len > ALPN_NAME_MAX ? ALPN_NAME_MAX : len);
    fputs(buf, f);
}

long cli_read_stdin(char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            int c = getchar();
            if (c != EOF)
                return -1;
            break;
        }
    }
    return ferror(stdin) ? -1 : (long)n;
}

long cli_operand(const char *cmd, const char *operand, char *buf)
{
    long len;
    if (operand != NULL && strcmp(operand, "-") != 0) {
        size_t l = strlen(operand);
        if (l > CLI_INPUT_MAX) {
            fprintf(stderr, "alpncheck %s: input longer than %u bytes\n", cmd, CLI_INPUT_MAX);
            return -1;
        }
        memcpy(buf, operand, l);
        len = (long)l;
    } else {
        len = cli_read_stdin(buf, CLI_INPUT_MAX);
        if (len < 0) {
            fprintf(stderr, "alpncheck %s: standard input unreadable or longer than %u bytes\n", cmd, CLI_INPUT_MAX);
            return -1;
        }
    }
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    return len;
}

const char *cli_kind_name(alpn_kind kind)
{
    static const char *const names[] = {[ALPN_KIND_REGISTERED] = "registered",
                                        [ALPN_KIND_GREASE] = "GREASE",
                                        [ALPN_KIND_UNREGISTERED] = "unregistered"};
    return TABLE_TEXT(names, kind, "?");
}

json_t *cli_hex_json(const void *p, size_t len)
{
    char *hex = malloc(2 * len + 1);
    if (hex == NULL)
        return NULL;
    hex_encode(p, len, hex);
    json_t *j = json_stringn(hex, 2 * len);
    free(hex);
    return j;
}

json_t *cli_name_json(const uint8_t *p, size_t len)
{
    char text[4 * ALPN_NAME_MAX + 8];
    char hex[2 * ALPN_NAME_MAX + 1];
    size_t l = len > ALPN_NAME_MAX ? ALPN_NAME_MAX : len;
    hex_encode(p, l, hex);
    cli_name_format(text, sizeof text, p, l);
    json_t *o = json_pack("{s:s, s:s, s:I}", "hex", hex, "text", text, "length", (json_int_t)len);
    const alpn_registry_entry *e = alpn_registry_find(p, len);
    if (e != NULL) {
        json_object_set_new(o, "kind", json_string(cli_kind_name(e->kind)));
        json_object_set_new(o, "protocol", json_string(e->protocol));
        json_object_set_new(o, "reference", json_string(e->reference));
    } else {
        json_object_set_new(o, "kind", json_null());
    }
    return o;
}

json_t *cli_error_json(const alpn_error *err)
{
    json_t *o = json_pack("{s:i, s:s, s:I, s:s, s:s}", "status", err->status, "error", alpn_strerror(err->status),
                          "offset", (json_int_t)err->offset, "check", err->check ? err->check : "",
                          "detail", err->detail ? err->detail : "");
    if (err->status > 0 && err->status < 256)
        json_object_set_new(o, "alert", json_integer(err->status));
    return o;
}

void cli_json_print(json_t *v)
{
    json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    fputc('\n', stdout);
    json_decref(v);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "alpncheck %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'alpncheck %s --help'.\n", cmd);
    return EXIT_USAGE;
}

void cli_names_print(FILE *f, const uint8_t *ext, size_t ext_len)
{
    alpn_iter it;
    alpn_name n;
    size_t i = 0;
    alpn_iter_init(&it, ext, ext_len);
    while (alpn_iter_next(&it, &n)) {
        char text[40];
        cli_name_format(text, sizeof text, n.data, n.len);
        fprintf(f, "  %3zu  %-20s %3zu %-5s  ", ++i, text, n.len, n.len == 1 ? "byte" : "bytes");
        const alpn_registry_entry *e = alpn_registry_find(n.data, n.len);
        if (e != NULL)
            fprintf(f, "%-12s %s (%s)\n", cli_kind_name(e->kind), e->protocol, e->reference);
        else
            fprintf(f, "%-12s\n", "unknown");
    }
}

json_t *cli_names_json(const uint8_t *ext, size_t ext_len)
{
    json_t *a = json_array();
    alpn_iter it;
    alpn_name n;
    alpn_iter_init(&it, ext, ext_len);
    while (alpn_iter_next(&it, &n))
        json_array_append_new(a, cli_name_json(n.data, n.len));
    return a;
}

/* Shows at most this many bytes (or characters) before and after the offending offset. */
#define CARET_CONTEXT 16

void cli_hex_caret(FILE *f, const uint8_t *data, size_t len, size_t offset)
{
    size_t from = offset > CARET_CONTEXT ? offset - CARET_CONTEXT : 0;
    size_t to = offset + CARET_CONTEXT < len ? offset + CARET_CONTEXT : len;
    fprintf(f, "    %s", from > 0 ? "..." : "");
    hex_fprint(f, data + from, to - from);
    fprintf(f, "%s\n    %*s^ byte %zu\n", to < len ? "..." : "", (int)((from > 0 ? 3 : 0) + 2 * (offset - from)), "",
            offset);
}

void cli_text_caret(FILE *f, const char *text, size_t len, size_t offset)
{
    size_t from = offset > 2 * CARET_CONTEXT ? offset - 2 * CARET_CONTEXT : 0;
    size_t to = offset + 2 * CARET_CONTEXT < len ? offset + 2 * CARET_CONTEXT : len;
    char shown[4 * 4 * CARET_CONTEXT + 8];
    cli_name_format(shown, sizeof shown, (const uint8_t *)text + from, to - from);
    /* The caret column counts the escaped width of what precedes the offset. */
    char before[4 * 4 * CARET_CONTEXT + 8];
    cli_name_format(before, sizeof before, (const uint8_t *)text + from, offset - from);
    fprintf(f, "    %s%s%s\n    %*s^ byte %zu\n", from > 0 ? "..." : "", shown, to < len ? "..." : "",
            (int)((from > 0 ? 3 : 0) + strlen(before)), "", offset);
}

int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts)
{
    /* A leading ':' (after a '+', which stops at the first operand) makes getopt report a missing argument as ':'
     * and print nothing itself. */
    char spec[64];
    int plus = shortopts[0] == '+';
    snprintf(spec, sizeof spec, "%s:%s", plus ? "+" : "", shortopts + plus);
    opterr = 0;
    int c = getopt_long(argc, argv, spec, longopts, NULL);
    if (c != '?' && c != ':')
        return c;
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    char name[64];
    if (optopt != 0 && (strncmp(arg, "--", 2) != 0))
        snprintf(name, sizeof name, "-%c", optopt);
    else
        snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
    if (c == ':')
        cli_usage_error(cmd, "option '%s' needs an argument", name);
    else
        cli_usage_error(cmd, "unknown option '%s'", name);
    return CLI_OPT_BAD;
}

/* opt's argument as one of its words: the word's value into *opt->value; else the usage error that lists them. */
static int take_word(const char *cmd, const cli_option *opt, const char *arg)
{
    size_t n = 0;
    for (; opt->words[n].word != NULL; n++)
        if (strcmp(arg, opt->words[n].word) == 0) {
            *opt->value = opt->words[n].value;
            return 0;
        }
    char list[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s'%s'", i == 0 ? "" : i + 1 < n ? ", " : " or ",
                                opt->words[i].word);
    return cli_usage_error(cmd, "--%s takes %s, not '%s'", opt->name, list, arg);
}

int cli_parse_options_more(const char *cmd, int argc, char **argv, const cli_option *opts, void (*help)(void),
                           const cli_more_options *more)
{
    enum { MAX = 32, LONG_ONLY = 0x100 };
    struct option longopts[MAX + 1];
    char shortopts[2 * MAX + 2] = "+"; /* '+': options end at the first operand */
    size_t n = 0, s = more != NULL ? 0 : 1, m = 0;
    for (; opts[n].name != NULL && n < MAX / 2 - 1; n++) {
        int val = opts[n].short_name ? opts[n].short_name : LONG_ONLY + (int)n;
        int takes_arg = opts[n].arg != NULL || opts[n].words != NULL;
        longopts[n] = (struct option){opts[n].name, takes_arg ? required_argument : no_argument, NULL, val};
        if (opts[n].short_name) {
            shortopts[s++] = opts[n].short_name;
            if (takes_arg)
                shortopts[s++] = ':';
        }
    }
    for (; more != NULL && more->longopts[m].name != NULL && m < MAX / 2 - 1; m++) {
        longopts[n + m] = more->longopts[m];
        if (more->longopts[m].val < LONG_ONLY)
            shortopts[s++] = (char)more->longopts[m].val;
    }
    longopts[n + m] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[n + m + 1] = (struct option){NULL, 0, NULL, 0};
    shortopts[s++] = 'h';
    shortopts[s] = '\0';
    optind = 0;
    int c;
    while ((c = cli_getopt(cmd, argc, argv, shortopts, longopts)) != -1) {
        if (c == CLI_OPT_BAD)
            return EXIT_USAGE;
        if (c == 'h') {
            help();
            return EXIT_VALID;
        }
        size_t i = 0;
        while (i < n && c != (opts[i].short_name ? opts[i].short_name : LONG_ONLY + (int)i))
            i++;
        if (i == n) {
            int status = more != NULL ? more->take(more->ctx, c, optarg) : cli_usage_error(cmd, "unknown option");
            if (status != 0)
                return status;
            continue;
        }
        if (opts[i].flag != NULL)
            *opts[i].flag = 1;
        if (opts[i].arg != NULL)
            *opts[i].arg = optarg;
        if (opts[i].words != NULL && take_word(cmd, &opts[i], optarg) != 0)
            return EXIT_USAGE;
    }
    return -1;
}

int cli_parse_options(const char *cmd, int argc, char **argv, const cli_option *opts, void (*help)(void))
{
    return cli_parse_options_more(cmd, argc, argv, opts, help, NULL);
}

void cli_violation_print(FILE *f, const char *lead, const alpn_error *err, const char *text, size_t len)
{
    fprintf(f, "  %s%s (RFC %s) at byte %zu: %s\n", lead, err->check, cli_check_ref(err->check), err->offset,
            err->detail);
    cli_text_caret(f, text, len, err->offset);
}

const char *cli_check_ref(const char *check)
{
    return check_get(check)->ref;
}

int cli_fail_text(alpn_error *err, size_t offset, const char *check, const char *detail)
{
    err->status = ALPN_DECODE_ERROR;
    err->offset = offset;
    err->check = check;
    err->detail = detail;
    return ALPN_DECODE_ERROR;
}

FILE *cli_output_open(const char *path, int *created)
{
    /* O_EXCL first: then we know whether the file is ours to remove if the run is abandoned. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    *created = fd >= 0;
    if (fd < 0 && errno == EEXIST)
        fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        int saved = errno;
        close(fd);
        if (*created)
            unlink(path);
        errno = saved;
    }
    return f;
}

int cli_output_rewrite(FILE *f)
{
    struct stat st;
    if (fstat(fileno(f), &st) != 0)
        return -1;
    return S_ISREG(st.st_mode) && ftruncate(fileno(f), 0) != 0 ? -1 : 0;
}
