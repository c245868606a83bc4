/*
 * The result model of a conformance run: levels, verdicts, one result per check and TLS version, known failures, and
 * the run's collection of results with the exit status it implies. Checks produce results, this model applies known
 * failures, the renderers (harness/report/) print. No I/O but reading a known-failures file.
 */
#ifndef ALPN_RESULT_H
#define ALPN_RESULT_H

#include <stddef.h>
#include <stdio.h>

typedef enum {
    VERDICT_PASS = 0,
    VERDICT_FAIL,  /* a MUST broken */
    VERDICT_WARN,  /* a SHOULD broken, or rejected with the wrong alert */
    VERDICT_SKIP,  /* not applicable, with the reason */
    VERDICT_ERROR, /* no answer could be obtained, with the reason */
    VERDICT_XFAIL, /* FAIL that the user declared known */
    VERDICT_XPASS, /* PASS of a check the user declared a known failure */
    VERDICT_COUNT
} verdict;

typedef enum { LEVEL_MUST = 0, LEVEL_SHOULD, LEVEL_INFO } level;

const char *verdict_name(verdict v); /* "PASS", "FAIL", ... */
const char *level_name(level l);     /* "MUST", "SHOULD", "INFO" */

#define REPORT_TEXT_MAX  512
#define RESULT_HEX_BYTES 64
#define RESULT_HEX_MAX   (2 * RESULT_HEX_BYTES + 32)

typedef struct {
    const char *id;      /* CHECKS.md ID, static */
    const char *tls;     /* "1.2", "1.3" or "" when the check has no TLS version */
    const char *section; /* grouping heading, e.g. "RFC 7301 §3.1 — wire format", static */
    const char *ref;     /* RFC reference, e.g. "7301 §3.2", static */
    const char *title;   /* one line: what the check sends or inspects, static */
    level lvl;
    verdict v;
    char expected[REPORT_TEXT_MAX];
    char observed[REPORT_TEXT_MAX];
    double ms; /* duration */
    /* The ALPN bytes of the check's connection, for a report a peer's maintainer can replay (result_set_alpn): what
     * alpncheck sent and what it received, each an extension_data as lower-case hex. Server checks: sent = the
     * ClientHello's offer, received = the server's answer. Client checks: sent = alpncheck's answer, received = the
     * client's offer. alpn_recorded is 0 for the checks over complete handshakes (GnuTLS path) and those not
     * played; has_* is 0 when the connection had no such extension. */
    int alpn_recorded, has_sent, has_received;
    char sent_hex[RESULT_HEX_MAX];
    char received_hex[RESULT_HEX_MAX];
} result;

/* Records a played connection's ALPN bytes in r: sent[0..sent_len) and received[0..received_len), NULL for an
 * extension that was not there. Each is kept as at most RESULT_HEX_BYTES bytes of hex, then "..." and the whole
 * length ("...(16402 bytes)"), so that a report stays small. */
void result_set_alpn(result *r, const unsigned char *sent, size_t sent_len, const unsigned char *received,
                     size_t received_len);

/* Known failures: check IDs, optionally with a TLS version ("@1.0" to "@1.3"), one per line; '#' starts a comment. */
#define KNOWN_MAX 256
/* The file is read whole, at most this many bytes (comments included), within KNOWN_READ_MS. */
#define KNOWN_FILE_MAX (1 << 20)
#define KNOWN_READ_MS 5000
typedef struct {
    char entries[KNOWN_MAX][64];
    size_t n;
} known_failures;

/* Loads a known-failures file (a regular file, a FIFO or a pipe). Returns 0, or -1 with a message in err (unreadable,
 * a directory, over KNOWN_FILE_MAX bytes, not at its end within KNOWN_READ_MS, a NUL byte, too many entries, an entry
 * that is not an ID of upper-case letters, digits and '-', shown with every byte but printable ASCII as \xNN). */
int known_failures_load(known_failures *k, const char *path, char *err, size_t err_cap);
/* 1 when (id, tls) is declared: an entry "ID" matches every version, "ID@1.3" only that one. */
int known_failures_match(const known_failures *k, const char *id, const char *tls);

#define REPORT_MAX_RESULTS 512

typedef struct {
    const char *tool_version;
    char target[256];  /* "HOST:PORT" or a description */
    char name[256];    /* stable name of the run (--name): the JUnit suite name; report_init sets the target */
    char hostname[256]; /* where alpncheck ran (JUnit hostname); report_init sets it, "localhost" when unknown */
    char profile[512]; /* discovered or configured server profile, free text */
    char started[32];  /* ISO 8601 UTC */
    double total_ms; /* sum of the results' durations; a runner may set the run's wall time instead */
    result results[REPORT_MAX_RESULTS];
    size_t n;
    size_t counts[VERDICT_COUNT];
} report;

void report_init(report *r, const char *tool_version, const char *target);
/* Appends a result (copied), applying known failures: FAIL → XFAIL; PASS → XPASS. Returns the stored result, or
 * NULL when the report is full. */
result *report_add(report *r, const result *res, const known_failures *k);
/* Exit status of a run, the contract a CI relies on: 1 when anything FAILed or XPASSed; else 2 when a check is ERROR
 * or when no check produced a verdict (every result SKIP, or none at all: nothing was tested); else 0 (PASS, WARN
 * and XFAIL only, at least one of them). */
int report_exit_code(const report *r);
/* Why report_exit_code is not 0, and what to do about it, as one line into buf ("" when it is 0). */
void report_exit_reason(const report *r, char *buf, size_t cap);
/* The checks that need attention (FAIL, XPASS, ERROR), each ID once with its TLS versions, e.g.
 * "SRV-NO-OVERLAP-ALERT (TLS 1.3, 1.2), SRV-X (TLS 1.2)"; "" when none. Returns the number of distinct IDs. */
size_t report_failed_ids(const report *r, char *buf, size_t cap);
/* The closing line "N passed, N failed, N skipped" into buf. */
void report_summary_line(const report *r, char *buf, size_t cap);
/* The other non-zero counts ("2 WARN, 1 ERROR"), or "" when there are none. */
void report_other_counts(const report *r, char *buf, size_t cap);

#endif
