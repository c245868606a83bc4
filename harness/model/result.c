/* The result model: verdict bookkeeping, known failures, the exit status of a run. */
#include "result.h"

#include "hex.h"
#include "table_text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *verdict_name(verdict v)
{
    static const char *const names[VERDICT_COUNT] = {"PASS", "FAIL", "WARN", "SKIP", "ERROR", "XFAIL", "XPASS"};
    return TABLE_TEXT(names, v, "?");
}

const char *level_name(level l)
{
    static const char *const names[] = {[LEVEL_MUST] = "MUST", [LEVEL_SHOULD] = "SHOULD", [LEVEL_INFO] = "INFO"};
    return TABLE_TEXT(names, l, "?");
}

static int valid_id(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return 0;
    }
    return 1;
}

static double mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* The whole of path into buf (at most cap bytes, then an error), within KNOWN_READ_MS: a FIFO or a pipe (a process
 * substitution) is read as a file is, but one that stalls, never ends or never gets a writer is an error, never a
 * hang and never an empty list. Its length, or -1 with err. */
static long read_bounded(const char *path, char *buf, size_t cap, char *err, size_t err_cap)
{
    /* O_NONBLOCK: opening a FIFO without a writer does not wait for one. Each read waits for poll first: a FIFO
     * that has had no writer yet reads as the end of the file, and poll reports nothing until a writer comes. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    double end = mono_ms() + KNOWN_READ_MS;
    size_t len = 0;
    for (;;) {
        double left = end - mono_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left + 1) == 0) {
            snprintf(err, err_cap, "%s: %s within %d ms", path,
                     len == 0 ? "nothing came (a FIFO without a writer?)" : "not read to its end", KNOWN_READ_MS);
            break;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n > 0) {
            len += (size_t)n;
            if (len == cap) {
                snprintf(err, err_cap, "%s: longer than %zu bytes", path, cap - 1);
                break;
            }
            continue;
        }
        if (n == 0) {
            close(fd);
            return (long)len;
        }
        if (errno != EAGAIN && errno != EINTR) {
            snprintf(err, err_cap, "%s: %s", path, strerror(errno));
            break;
        }
    }
    close(fd);
    return -1;
}

/* A line of the file as it may be shown: printable ASCII kept, every other byte \xNN. */
static void shown(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (; *s != '\0' && o + 5 < cap; s++)
        o += (size_t)snprintf(out + o, cap - o, (unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f ? "%c" : "\\x%02x",
                              (unsigned char)*s);
    out[o] = '\0';
}

int known_failures_load(known_failures *k, const char *path, char *err, size_t err_cap)
{
    k->n = 0;
    char *text = malloc(KNOWN_FILE_MAX + 1);
    if (text == NULL) {
        snprintf(err, err_cap, "%s: out of memory", path);
        return -1;
    }
    long got = read_bounded(path, text, KNOWN_FILE_MAX + 1, err, err_cap);
    if (got < 0) {
        free(text);
        return -1;
    }
    int lineno = 0, rc = 0;
    for (size_t at = 0; at < (size_t)got && rc == 0;) {
        char *line = text + at, *nl = memchr(line, '\n', (size_t)got - at);
        size_t line_len = nl != NULL ? (size_t)(nl - line) : (size_t)got - at;
        at += line_len + 1;
        lineno++;
        if (memchr(line, '\0', line_len) != NULL) {
            snprintf(err, err_cap, "%s:%d: a NUL byte (not a text file)", path, lineno);
            rc = -1;
            break;
        }
        line[line_len] = '\0'; /* the newline, or the byte after the end of the buffer */
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        size_t len = strlen(s);
        while (len > 0 && isspace((unsigned char)s[len - 1]))
            s[--len] = '\0';
        if (len == 0)
            continue;
        char *at_sign = strchr(s, '@');
        size_t id_len = at_sign ? (size_t)(at_sign - s) : len;
        if (!valid_id(s, id_len) ||
            (at_sign && strcmp(at_sign, "@1.0") != 0 && strcmp(at_sign, "@1.1") != 0 && strcmp(at_sign, "@1.2") != 0 &&
             strcmp(at_sign, "@1.3") != 0) ||
            len >= sizeof k->entries[0]) {
            char show[160];
            shown(show, sizeof show, s);
            snprintf(err, err_cap, "%s:%d: '%s' is not a check ID (optionally with @1.0, @1.1, @1.2 or @1.3)", path,
                     lineno, show);
            rc = -1;
            break;
        }
        if (k->n == KNOWN_MAX) {
            snprintf(err, err_cap, "%s:%d: more than %d entries", path, lineno, KNOWN_MAX);
            rc = -1;
            break;
        }
        memcpy(k->entries[k->n++], s, len + 1);
    }
    free(text);
    return rc;
}

int known_failures_match(const known_failures *k, const char *id, const char *tls)
{
    if (k == NULL)
        return 0;
    size_t id_len = strlen(id);
    for (size_t i = 0; i < k->n; i++) {
        const char *e = k->entries[i];
        if (strncmp(e, id, id_len) != 0)
            continue;
        if (e[id_len] == '\0')
            return 1;
        if (e[id_len] == '@' && tls != NULL && strcmp(e + id_len + 1, tls) == 0)
            return 1;
    }
    return 0;
}

void report_init(report *r, const char *tool_version, const char *target)
{
    memset(r, 0, sizeof *r);
    r->tool_version = tool_version;
    snprintf(r->target, sizeof r->target, "%s", target);
    snprintf(r->name, sizeof r->name, "%s", target);
    if (gethostname(r->hostname, sizeof r->hostname - 1) != 0 || r->hostname[0] == '\0')
        snprintf(r->hostname, sizeof r->hostname, "localhost");
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(r->started, sizeof r->started, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void alpn_hex(char dst[RESULT_HEX_MAX], int *has, const unsigned char *p, size_t len)
{
    dst[0] = '\0';
    *has = p != NULL;
    if (p == NULL)
        return;
    size_t n = len < RESULT_HEX_BYTES ? len : RESULT_HEX_BYTES;
    hex_encode(p, n, dst);
    if (n < len)
        snprintf(dst + 2 * n, RESULT_HEX_MAX - 2 * n, "...(%zu bytes)", len);
}

void result_set_alpn(result *r, const unsigned char *sent, size_t sent_len, const unsigned char *received,
                     size_t received_len)
{
    r->alpn_recorded = 1;
    alpn_hex(r->sent_hex, &r->has_sent, sent, sent_len);
    alpn_hex(r->received_hex, &r->has_received, received, received_len);
}

result *report_add(report *r, const result *res, const known_failures *k)
{
    if (r->n == REPORT_MAX_RESULTS)
        return NULL;
    result *out = &r->results[r->n++];
    *out = *res;
    if (known_failures_match(k, out->id, out->tls)) {
        if (out->v == VERDICT_FAIL)
            out->v = VERDICT_XFAIL;
        else if (out->v == VERDICT_PASS)
            out->v = VERDICT_XPASS;
    }
    r->counts[out->v]++;
    r->total_ms += out->ms;
    return out;
}

/* Results that are a verdict on the peer: everything but SKIP (not applicable) and ERROR (no answer obtained). */
static size_t real_verdicts(const report *r)
{
    return r->counts[VERDICT_PASS] + r->counts[VERDICT_FAIL] + r->counts[VERDICT_WARN] + r->counts[VERDICT_XFAIL] +
           r->counts[VERDICT_XPASS];
}

int report_exit_code(const report *r)
{
    if (r->counts[VERDICT_FAIL] > 0 || r->counts[VERDICT_XPASS] > 0)
        return 1;
    if (r->counts[VERDICT_ERROR] > 0 || real_verdicts(r) == 0)
        return 2;
    return 0;
}

void report_exit_reason(const report *r, char *buf, size_t cap)
{
    size_t fail = r->counts[VERDICT_FAIL], xpass = r->counts[VERDICT_XPASS], err = r->counts[VERDICT_ERROR];
    if (fail > 0 && xpass > 0)
        snprintf(buf, cap, "exit 1: %zu %s failed and %zu known %s passed (remove %s from the --known-failures file)",
                 fail, fail == 1 ? "check" : "checks", xpass, xpass == 1 ? "failure" : "failures",
                 xpass == 1 ? "it" : "them");
    else if (fail > 0)
        snprintf(buf, cap, "exit 1: %zu %s failed", fail, fail == 1 ? "check" : "checks");
    else if (xpass > 0)
        snprintf(buf, cap, "exit 1: %zu known %s passed (remove %s from the --known-failures file)", xpass,
                 xpass == 1 ? "failure" : "failures", xpass == 1 ? "it" : "them");
    else if (err > 0)
        snprintf(buf, cap,
                 "exit 2: %zu %s could not be judged (ERROR): the peer gave no usable answer; the details above say "
                 "why (is the peer up, and is the command or address right?)",
                 err, err == 1 ? "check" : "checks");
    else if (real_verdicts(r) == 0)
        snprintf(buf, cap, "exit 2: nothing was tested (%s): check the target, --only/--skip, --tls and --alpn",
                 r->n == 0 ? "no check ran" : "every check was SKIP; -v shows each reason");
    else if (cap > 0)
        buf[0] = '\0';
}

/* The verdicts the recap lists: a broken MUST, a known failure that passed, a check that could not be judged. */
static int is_failure(verdict v)
{
    return v == VERDICT_FAIL || v == VERDICT_XPASS || v == VERDICT_ERROR;
}

/* Appends a then b to buf at *o, counting what did not fit (truncation is marked by the caller). */
static void append(char *buf, size_t cap, size_t *o, const char *a, const char *b)
{
    int w = snprintf(buf + *o, cap > *o ? cap - *o : 0, "%s%s", a, b);
    *o += w > 0 ? (size_t)w : 0;
}

size_t report_failed_ids(const report *r, char *buf, size_t cap)
{
    size_t o = 0, ids = 0;
    if (cap > 0)
        buf[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        const result *res = &r->results[i];
        if (!is_failure(res->v))
            continue;
        size_t first = 0; /* listed already, at an earlier result? */
        while (first < i && !(is_failure(r->results[first].v) && strcmp(r->results[first].id, res->id) == 0))
            first++;
        if (first < i)
            continue;
        append(buf, cap, &o, ++ids > 1 ? ", " : "", res->id);
        /* Its TLS versions, from every result of this ID that needs attention. */
        int any = 0;
        for (size_t j = i; j < r->n; j++) {
            const result *q = &r->results[j];
            if (is_failure(q->v) && strcmp(q->id, res->id) == 0 && q->tls && q->tls[0]) {
                append(buf, cap, &o, any ? ", " : " (TLS ", q->tls);
                any = 1;
            }
        }
        if (any)
            append(buf, cap, &o, ")", "");
    }
    if (cap > 0 && o >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
    return ids;
}

void report_summary_line(const report *r, char *buf, size_t cap)
{
    snprintf(buf, cap, "%zu passed, %zu failed, %zu skipped", r->counts[VERDICT_PASS], r->counts[VERDICT_FAIL],
             r->counts[VERDICT_SKIP]);
}

void report_other_counts(const report *r, char *buf, size_t cap)
{
    static const verdict other[] = {VERDICT_WARN, VERDICT_ERROR, VERDICT_XFAIL, VERDICT_XPASS};
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        if (r->counts[other[i]] == 0 || n >= cap)
            continue;
        int w = snprintf(buf + n, cap - n, "%s%zu %s", n ? ", " : "", r->counts[other[i]], verdict_name(other[i]));
        if (w < 0)
            break;
        n += (size_t)w;
    }
}
