/* The HTTP head parser that reads a proxy's answer to CONNECT (alpncheck proxy) and a client's CONNECT request. The
 * first input byte picks the parser (even: response, odd: request), the rest is the head. Oracles: no crash, no read
 * outside the input (ASan); what a complete parse reports lies inside the head; an error names an offset inside the
 * input; and the head alone, cut at head_len, parses to the same result (the parser never looked past it). */
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
    if (parse(request, p, h.head_len, &again) != HTTP_HEAD_COMPLETE || again.head_len != h.head_len ||
        again.status != h.status || again.fields_seen != h.fields_seen)
        abort();
    return 0;
}
