/* HTTP/1.1 message heads (http_head.h). */
#include "http_head.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* RFC 9110 §5.6.2: tchar. */
static int is_tchar(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static http_head_status malformed(http_head *h, const char *what, size_t at)
{
    h->error = what;
    h->error_at = at;
    return HTTP_HEAD_MALFORMED;
}

/* The end of the head: the offset just past the empty line that closes it (CRLF CRLF, or bare LFs, which RFC 9112
 * §2.2 lets a recipient accept), or 0 when it is not in p[0..len) yet. */
static size_t head_end(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != '\n')
            continue;
        size_t j = i + 1;
        if (j < len && p[j] == '\r')
            j++;
        if (j < len && p[j] == '\n')
            return j + 1;
    }
    return 0;
}

/* The line starting at *pos inside the head: its length without CR LF, and *pos moved past it. A CR anywhere but
 * before the LF is not allowed (RFC 9112 §2.2). -1 with the offset in *bad when there is one. */
static long next_line(const uint8_t *p, size_t end, size_t *pos, size_t *bad)
{
    size_t start = *pos, i = start;
    while (i < end && p[i] != '\n')
        i++;
    size_t line_end = i;
    if (line_end > start && p[line_end - 1] == '\r')
        line_end--;
    const void *cr = memchr(p + start, '\r', line_end - start);
    if (cr != NULL) {
        *bad = (size_t)((const uint8_t *)cr - p);
        return -1;
    }
    *pos = i + 1;
    return (long)(line_end - start);
}

/* "HTTP/d.d" at p[0..8), RFC 9112 §2.3. */
static int is_version(const uint8_t *p, size_t len)
{
    return len == 8 && memcmp(p, "HTTP/", 5) == 0 && is_digit(p[5]) && p[6] == '.' && is_digit(p[7]);
}

/* Field lines from *pos to the closing empty line (RFC 9112 §5): name ":" OWS value OWS. */
static http_head_status parse_fields(const uint8_t *p, size_t end, size_t pos, http_head *h)
{
    for (;;) {
        size_t bad = 0, at = pos;
        long n = next_line(p, end, &pos, &bad);
        if (n < 0)
            return malformed(h, "a bare CR in a field line", bad);
        if (n == 0)
            return HTTP_HEAD_COMPLETE;
        const uint8_t *line = p + at;
        size_t name_len = 0;
        while (name_len < (size_t)n && is_tchar(line[name_len]))
            name_len++;
        if (name_len == 0 && (line[0] == ' ' || line[0] == '\t'))
            return malformed(h, "a folded field line (obs-fold, RFC 9112 §5.2)", at);
        if (name_len == 0 || name_len == (size_t)n || line[name_len] != ':')
            return malformed(h, "a field line without 'name:' (RFC 9112 §5.1)", at + name_len);
        size_t v = name_len + 1, v_end = (size_t)n;
        while (v < v_end && (line[v] == ' ' || line[v] == '\t'))
            v++;
        while (v_end > v && (line[v_end - 1] == ' ' || line[v_end - 1] == '\t'))
            v_end--;
        h->fields_seen++;
        if (h->n_fields < HTTP_FIELDS_MAX)
            h->fields[h->n_fields++] = (http_field){line, line + v, name_len, v_end - v};
    }
}

/* Common start of both parsers: the end of the head, or why there is none. */
static http_head_status head_start(const uint8_t *p, size_t len, http_head *h)
{
    memset(h, 0, sizeof *h);
    size_t end = head_end(p, len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX);
    if (end == 0)
        return len >= HTTP_HEAD_MAX ? HTTP_HEAD_TOO_LONG : HTTP_HEAD_INCOMPLETE;
    h->head_len = end;
    return HTTP_HEAD_COMPLETE;
}

http_head_status http_parse_response(const uint8_t *p, size_t len, http_head *h)
{
    http_head_status st = head_start(p, len, h);
    if (st != HTTP_HEAD_COMPLETE)
        return st;
    size_t pos = 0, bad = 0;
    long n = next_line(p, h->head_len, &pos, &bad);
    if (n < 0)
        return malformed(h, "a bare CR in the status line", bad);
    /* RFC 9112 §4: HTTP-version SP status-code SP [reason-phrase]; a missing SP before an empty reason is common
     * and harmless, so it is accepted. */
    if (n < 12 || !is_version(p, 8) || p[8] != ' ')
        return malformed(h, "not an HTTP/1.x status line", 0);
    if (!is_digit(p[9]) || !is_digit(p[10]) || !is_digit(p[11]) || p[9] < '1' || p[9] > '5')
        return malformed(h, "the status code is not three digits from 100 to 599", 9);
    if (n > 12 && p[12] != ' ')
        return malformed(h, "no space after the status code", 12);
    h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    h->reason = p + (n > 12 ? 13 : 12);
    h->reason_len = n > 12 ? (size_t)n - 13 : 0;
    return parse_fields(p, h->head_len, pos, h);
}

http_head_status http_parse_request(const uint8_t *p, size_t len, http_head *h)
{
    http_head_status st = head_start(p, len, h);
    if (st != HTTP_HEAD_COMPLETE)
        return st;
    size_t pos = 0, bad = 0, at;
    long n;
    /* RFC 9112 §2.2: empty lines before the request line are ignored. */
    do {
        at = pos;
        n = next_line(p, h->head_len, &pos, &bad);
        if (n < 0)
            return malformed(h, "a bare CR in the request line", bad);
    } while (n == 0 && pos < h->head_len);
    const uint8_t *line = p + at;
    size_t m = 0;
    while (m < (size_t)n && is_tchar(line[m]))
        m++;
    if (m == 0 || m >= (size_t)n || line[m] != ' ')
        return malformed(h, "no method token followed by a space (RFC 9112 §3)", at + m);
    size_t t = m + 1, t_end = t;
    while (t_end < (size_t)n && line[t_end] > ' ' && line[t_end] < 0x7f)
        t_end++;
    if (t_end == t || t_end >= (size_t)n || line[t_end] != ' ')
        return malformed(h, "no request-target followed by a space (RFC 9112 §3)", at + t_end);
    if ((size_t)n - t_end - 1 != 8 || !is_version(line + t_end + 1, 8))
        return malformed(h, "the request line does not end with HTTP/d.d (RFC 9112 §2.3)", at + t_end + 1);
    h->method = line;
    h->method_len = m;
    h->target = line + t;
    h->target_len = t_end - t;
    return parse_fields(p, h->head_len, pos, h);
}

const http_field *http_field_next(const http_head *h, const char *name, size_t *i)
{
    /* Field names are tokens (the parser keeps no others), so the C library's ASCII case folding compares them. */
    size_t len = strlen(name);
    for (; *i < h->n_fields; (*i)++)
        if (h->fields[*i].name_len == len && strncasecmp((const char *)h->fields[*i].name, name, len) == 0)
            return &h->fields[(*i)++];
    return NULL;
}

size_t http_connect_request(char *out, size_t cap, const char *authority, const char *alpn)
{
    if (strpbrk(authority, "\r\n") != NULL || (alpn != NULL && strpbrk(alpn, "\r\n") != NULL))
        return 0;
    /* RFC 9110 §9.3.6: the request-target of CONNECT is the authority, and Host carries it too (§7.2). */
    int n = snprintf(out, cap, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s%s%s\r\n", authority, authority,
                     alpn != NULL ? "ALPN: " : "", alpn != NULL ? alpn : "", alpn != NULL ? "\r\n" : "");
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
