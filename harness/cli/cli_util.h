/* Shared helpers of the alpncheck subcommands: input, hex, name display, JSON output, usage errors. */
#ifndef ALPN_CLI_UTIL_H
#define ALPN_CLI_UTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alpn.h"
#include "hex.h"

/* Exit codes shared by every subcommand. */
enum { EXIT_VALID = 0, EXIT_INVALID = 1, EXIT_USAGE = 2 };

/* Largest input a subcommand reads from stdin or an argument (hex of the largest extension plus slack). */
#define CLI_INPUT_MAX (4u * ALPN_EXT_MAX)

/* Decodes hex digits as a person types them (hex_decode with HEX_LOOSE: either case, whitespace, ':' and a leading
 * "0x" ignored) into out. Returns the byte count, or a negative CLI_HEX_* and sets *bad_at: the offending
 * character's offset (CLI_HEX_NOT_HEX), the last digit's (CLI_HEX_ODD), out_cap (CLI_HEX_TOO_LONG). */
enum { CLI_HEX_NOT_HEX = HEX_NOT_HEX, CLI_HEX_ODD = HEX_ODD, CLI_HEX_TOO_LONG = HEX_TOO_LONG };
long cli_hex_decode(const char *hex, size_t len, uint8_t *out, size_t out_cap, size_t *bad_at);
/* The message for a failed cli_hex_decode ("odd number of hex digits", ...) into buf. */
void cli_hex_error(long rc, size_t bad_at, char *buf, size_t cap);

/* Writes a name for a person: printable ASCII as is, '\\' as "\\\\", other bytes as \xNN. */
void cli_name_print(FILE *f, const uint8_t *p, size_t len);

/* The same escaping into a buffer (NUL-terminated, truncated with "..." when it does not fit). */
void cli_name_format(char *out, size_t cap, const uint8_t *p, size_t len);

/* Reads all of stdin into buf (at most cap bytes). Returns the length, or -1 when larger than cap or unreadable. */
long cli_read_stdin(char *buf, size_t cap);

/* A report file named on the command line, opened before a run so that a wrong path costs nothing, but not emptied
 * yet: a run that ends without a report leaves an existing file as it was. Created (0644, O_EXCL) when it does not
 * exist, with *created = 1 (the caller removes it if no report comes), else opened as it is (following a symlink, as
 * a shell's redirection does: /dev/stdout works). NULL with errno. */
FILE *cli_output_open(const char *path, int *created);
/* Empties f when it is a regular file, just before the report goes in. 0, or -1 with errno. */
int cli_output_rewrite(FILE *f);

/* The input of a one-argument subcommand: argv's operand if given and not "-", else stdin. Trailing newlines are dropped.
 * Returns the length or -1 (message printed). buf must hold CLI_INPUT_MAX bytes. */
long cli_operand(const char *cmd, const char *operand, char *buf);

/* JSON string of bytes as lower-case hex without separators ("" for none). */
json_t *cli_hex_json(const void *p, size_t len);

/* JSON object describing a name: {"hex":…, "text": printable form, "kind": registry kind or null, …}. */
json_t *cli_name_json(const uint8_t *p, size_t len);

/* JSON object for a failure: {"status":…, "alert":…, "offset":…, "check":…, "detail":…}. */
json_t *cli_error_json(const alpn_error *err);

/* Prints a JSON value to stdout (indented, stable key order) followed by a newline, and frees it. */
void cli_json_print(json_t *v);

/* Prints "alpncheck CMD: message" and a hint to use --help to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* getopt_long for a subcommand, with one clear message per bad option ("unknown option '--jsn'", "option '--json'
 * needs an argument") instead of getopt's own and a second one of ours. Returns what getopt_long returns, or
 * CLI_OPT_BAD after printing the usage error (the caller returns EXIT_USAGE). shortopts as for getopt, without a
 * leading ':'. */
#define CLI_OPT_BAD (-2)
struct option;
int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts);

/* A word an option may take (--role client), and what it stands for. A list of them ends with a NULL word. */
typedef struct {
    const char *word;
    int value;
} cli_word;

/* One option of a subcommand that takes only flags and simple values: a flag (flag != NULL: set to 1 when given), an
 * option with an argument (arg != NULL: set to it), or one whose argument is one of a few words (words != NULL: *value
 * set to the word's value; any other argument is a usage error that lists the words). The table ends with a NULL
 * name. */
typedef struct {
    const char *name;
    char short_name; /* 0: long form only */
    int *flag;
    const char **arg;
    const cli_word *words;
    int *value;
} cli_option;

/* Parses argv against opts plus -h/--help, with cli_getopt's one message per bad option; stops at the first operand
 * (optind then points at it). Returns -1 when the command goes on, else its exit status: EXIT_VALID after printing
 * help(), EXIT_USAGE after a usage error. At most 15 options. */
int cli_parse_options(const char *cmd, int argc, char **argv, const cli_option *opts, void (*help)(void));

/* More options than a table can say: getopt_long entries (a val below 0x100 is also a short option), ended by a NULL
 * name, handed to take(ctx, val, optarg), which returns 0 or the command's exit status. */
typedef struct {
    const struct option *longopts;
    int (*take)(void *ctx, int c, const char *arg);
    void *ctx;
} cli_more_options;

/* cli_parse_options with more options (NULL: none). With more, options may also follow operands (getopt permutes
 * argv; optind then points at the first operand). At most 15 options in opts and 15 in more. */
int cli_parse_options_more(const char *cmd, int argc, char **argv, const cli_option *opts, void (*help)(void),
                           const cli_more_options *more);

/* The registry kind as text: "registered", "GREASE", "unregistered". */
const char *cli_kind_name(alpn_kind kind);

/* Prints the names of a valid extension_data as a numbered table with hex and registry annotation. */
void cli_names_print(FILE *f, const uint8_t *ext, size_t ext_len);

/* JSON array of cli_name_json() for each name of a valid extension_data. */
json_t *cli_names_json(const uint8_t *ext, size_t ext_len);

/* Prints the hex of data around offset with a caret under the byte at offset (or just past the end). */
void cli_hex_caret(FILE *f, const uint8_t *data, size_t len, size_t offset);

/* Prints text around offset with a caret under the character at offset. */
void cli_text_caret(FILE *f, const char *text, size_t len, size_t offset);

/* Prints "  LEAD CHECK (RFC clause) at byte N: detail" for a libalpn failure, the clause from the check catalogue,
 * then a caret under that byte of text. */
void cli_violation_print(FILE *f, const char *lead, const alpn_error *err, const char *text, size_t len);

/* The RFC clause of a check ID from the catalogue ("?" for an ID without a row). */
const char *cli_check_ref(const char *check);

/* Fills err with a failure the CLI itself found in input text (ALPN_DECODE_ERROR, a catalogue ID); returns the
 * status. */
int cli_fail_text(alpn_error *err, size_t offset, const char *check, const char *detail);

#endif
