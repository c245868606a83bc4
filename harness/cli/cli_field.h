/* What the field-value commands (header, altsvc) share: the options and the value, both judgements of it, and how
 * they are shown. */
#ifndef ALPN_CLI_FIELD_H
#define ALPN_CLI_FIELD_H

#include <jansson.h>
#include <stddef.h>

#include "alpn.h"

/* One judgement of a field value by libalpn. */
#define CLI_FIELD_MAX_DEVS 64
typedef struct {
    int rc; /* ALPN_OK, or the status of the failure in err */
    alpn_error err;
    alpn_deviation devs[CLI_FIELD_MAX_DEVS]; /* what a lenient judgement accepted: n_devs found, the first kept */
    size_t n_devs;
} cli_judgement;

/* The judgement of a parse that returned rc and found n_devs deviations (its err and devs are written in place;
 * call it after the parse, not with the parse as an argument: the order arguments are read in is unspecified). */
static inline const cli_judgement *cli_judged(cli_judgement *j, int rc, size_t n_devs)
{
    j->rc = rc;
    j->n_devs = n_devs;
    return j;
}

/* A field value judged both ways: the strict judgement names the first violation, the lenient one lists every
 * deviation a tolerant receiver accepts; the mode asked for decides validity. */
typedef struct {
    const char *value;
    size_t len;
    int lenient; /* --lenient: the lenient judgement decides */
    const cli_judgement *strict, *tolerant; /* inside the command's two judging states */
    int canonical; /* the value is its own canonical form */
    int refs;      /* each check ID is followed by its RFC clause */
} cli_field;

/* How a command judges a value in one mode: into state (its own type), returning the judgement inside it. */
typedef const cli_judgement *(*cli_field_judge)(void *state, const char *value, size_t len, alpn_hdr_mode mode);

/* The start of a field-value command, the same for each: the options --lenient and --json (into f->lenient, *json),
 * then one text VALUE (an argument, or standard input when absent or "-") read into buf (CLI_INPUT_MAX bytes), judged
 * strictly into strict_state and leniently into tolerant_state; f gets the value and both judgements (pointers into
 * the states, which must outlive f; its other members are kept). Returns the state whose reading is shown (cli_field_shows_lenient), or NULL with *status set
 * when the command ends there (help printed, usage error). */
void *cli_field_start(const char *cmd, int argc, char **argv, void (*help)(void), char *buf, cli_field_judge judge,
                      void *strict_state, void *tolerant_state, cli_field *f, int *json, int *status);

/* 1 when the value is shown (its names, its canonical form) as the lenient judgement read it: it decides, or the
 * strict one refused the value. */
int cli_field_shows_lenient(const cli_field *f);

/* The exit status: EXIT_VALID when the judgement that decides accepts the value, else EXIT_INVALID. */
int cli_field_exit(const cli_field *f);

/* The JSON object of both judgements: value (bytes that are not UTF-8 as \xNN), value_hex (the value exactly), mode,
 * valid, canonical, then the members of more (may be NULL; its reference is taken), error (of the judgement that
 * decides), strict_violation, deviations. NULL when out of memory. */
json_t *cli_field_json(const cli_field *f, json_t *more);

/* Prints both judgements: "FIELD: valid (MODE), SUMMARY[, canonical form]" or "FIELD: INVALID (MODE)", the strict
 * violation with a caret under its byte, then the lenient receiver's deviations, or its own refusal. */
void cli_field_print(const cli_field *f, const char *field, const char *summary);

#endif
