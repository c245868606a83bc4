/* The HTTP head parser that reads a proxy's answer to CONNECT (alpncheck proxy) and a client's CONNECT request. The
 * first input byte picks the parser (even: response, odd: request), the rest is the head. Oracles: no crash, no read
 * outside the input (ASan); what a complete parse reports lies inside the head; an error names an offset inside the
 * input; and the head alone, cut at head_len, parses to the same result (the parser never looked past it): the same
 * length, fields seen and fields kept, each field's name and value, and a response's status and reason phrase or a
 * request's method and request-target, all at the same places in the head. */
#include <stdlib.h>
#include <string.h>

#include "http_head.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *p, size_t len, const uint8_t *head, size_t head_len)
{
    return p >= head && len <= head_len && (size_t)(p - head) <= head_len - len;
}

static http_head_status parse(int request, const uint8_t *p, size_t len, http_head *h)
{
    return request ? http_parse_request(p, len, h) : http_parse_response(p, len, h);
}

/* Both parses read the same bytes, so the same result is the same pointers and lengths: the same contents. */
static int same_span(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    return a_len == b_len && (a_len == 0 || a == b);
}

static int same_head(const http_head *a, const http_head *b, int request)
{
    if (a->head_len != b->head_len || a->fields_seen != b->fields_seen || a->n_fields != b->n_fields)
        return 0;
    if (!request && (a->status != b->status || !same_span(a->reason, a->reason_len, b->reason, b->reason_len)))
        return 0;
    if (request && (!same_span(a->method, a->method_len, b->method, b->method_len) ||
                    !same_span(a->target, a->target_len, b->target, b->target_len)))
        return 0;
    for (size_t i = 0; i < a->n_fields; i++)
        if (!same_span(a->fields[i].name, a->fields[i].name_len, b->fields[i].name, b->fields[i].name_len) ||
            !same_span(a->fields[i].value, a->fields[i].value_len, b->fields[i].value, b->fields[i].value_len))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int request = data[0] & 1;
    const uint8_t *p = data + 1;
    size_t len = size - 1;
    static http_head h, again;
    http_head_status st = parse(request, p, len, &h);
    if (st == HTTP_HEAD_MALFORMED && (h.error == NULL || h.error_at > len))
        abort();
    if (st == HTTP_HEAD_TOO_LONG && len < HTTP_HEAD_MAX)
        abort();
    if (st != HTTP_HEAD_COMPLETE)
        return 0;
    if (h.head_len > len || h.head_len > HTTP_HEAD_MAX || h.n_fields > HTTP_FIELDS_MAX || h.n_fields > h.fields_seen)
        abort();
    if (!request && (h.status < 100 || h.status > 599 || !inside(h.reason, h.reason_len, p, h.head_len)))
        abort();
    if (request && (!inside(h.method, h.method_len, p, h.head_len) || !inside(h.target, h.target_len, p, h.head_len)))
        abort();
    for (size_t i = 0; i < h.n_fields; i++)
        if (h.fields[i].name_len == 0 || !inside(h.fields[i].name, h.fields[i].name_len, p, h.head_len) ||
            !inside(h.fields[i].value, h.fields[i].value_len, p, h.head_len))
            abort();
    if (parse(request, p, h.head_len, &again) != HTTP_HEAD_COMPLETE || !same_head(&again, &h, request))
        abort();
    return 0;
}
