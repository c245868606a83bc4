/*
 * HTTP ALPN header field (RFC 7639 §2):
 *
 *   ALPN        = 1#protocol-id
 *   protocol-id = token ; percent-encoded ALPN protocol identifier
 *
 * The list rule is RFC 9110 §5.6.1 (elements separated by "," with OWS around them; a recipient skips empty
 * elements), token and tchar are RFC 9110 §5.6.2, and %HH is pct-encoded of RFC 3986 §2.1. RFC 7639 §2 adds two
 * constraints so that every name has exactly one spelling: a tchar other than "%" is never encoded, and the hex
 * digits are upper-case.
 *
 * Decisions this file makes where the RFCs leave a choice (the tests pin them down):
 *  - Offsets: a raw character is reported at its own offset; every %HH problem at the offset of its "%"; an
 *    over-long name at the character that would become its 256th octet; an empty element where the element
 *    should have started (the "," that follows it, or the end of the value for a trailing one); "no name at all"
 *    at offset 0 (the whole value is at fault); a decoded list over 65535 bytes at the start of the element that
 *    overflows it.
 *  - An escape that is both over-encoded and lower-case ("%6a") yields HDR-PCT-NOT-TCHAR first, then
 *    HDR-PCT-UPPER: the escape should not exist at all, so its spelling is the lesser fault.
 *  - A decoded list that would not fit protocol_name_list<2..2^16-1> (RFC 7301 §3.1) is HDR-SAME-AS-TLS in both
 *    modes: RFC 7639 §2 bounds neither the number of names nor the field, but such a value cannot list the names of
 *    any ClientHello (the SHOULD of RFC 7639 §2), and the result has no extension_data form to return.
 *  - Syntax errors win over a small buffer: the whole value is judged before ALPN_E_BUFFER is returned, and then
 *    res->ext_len (or *out_len) holds the size needed.
 *  - In strict mode the one violation is also stored as res->devs[0] (n_devs = 1); in lenient mode devs holds
 *    only the accepted deviations, never the violation that made the parse fail.
 */
#include <string.h>

#include "alpn.h"
#include "alpn_internal.h"

/* One protocol-id of the list (scan_list), appended to the ProtocolNameList in ctx (a struct sink) with its length
 * byte. */
static int name_element(void *ctx, struct scan *sc, size_t *pos)
{
    struct sink *out = ctx;
    size_t i = *pos, first = i, prefix = out->len, n;
    sink_put(out, 0);
    int rc = pid_decode_at(sc, &i, ", \t", out, &n);
    if (rc != ALPN_OK)
        return rc;
    /* RFC 9110 §5.6.1: OWS may precede the ","; whitespace followed by anything else is inside the element, and
     * SP/HTAB are not tchar (RFC 9110 §5.6.2). */
    size_t ws = i;
    while (i < sc->end && scan_ows(sc->v[i]))
        i++;
    if (i < sc->end && sc->v[i] != ',')
        return scan_violation(sc, "HDR-TOKEN", ws, "whitespace inside a protocol-id; it must be %20 or %09");
    /* RFC 7301 §3.1: protocol_name_list<2..2^16-1>; the names must fit one ClientHello offer. */
    if (out->len - 2 > ALPN_LIST_MAX)
        return scan_violation(sc, "HDR-SAME-AS-TLS", first,
                              "decoded names exceed the 65535-byte protocol_name_list of any ClientHello");
    if (prefix < out->cap)
        out->buf[prefix] = (uint8_t)n;
    *pos = i;
    return ALPN_OK;
}

int alpn_header_parse(const char *value, size_t len, alpn_hdr_mode mode, alpn_header_result *res, alpn_error *err)
{
    if (res == NULL || (value == NULL && len != 0) || (res->ext == NULL && res->ext_cap != 0) ||
        (res->devs == NULL && res->devs_cap != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "result, value or one of the result buffers is NULL");
    res->ext_len = 0;
    res->count = 0;
    struct scan sc;
    size_t start = scan_field(&sc, value, len, mode, res->devs, res->devs_cap, &res->n_devs, err);
    struct sink out = {res->ext, res->ext_cap, 2}; /* bytes 0..1: list length, written at the end */
    size_t count;
    /* RFC 7639 §2: ALPN = 1#protocol-id — at least one name, whatever the mode. */
    int rc = scan_list(&sc, start, "HDR-LIST", "the field value holds no protocol name", name_element, &out, &count);
    if (rc != ALPN_OK)
        return rc;

    res->ext_len = out.len;
    res->count = count;
    if (out.len > out.cap)
        return alpn_fail(err, ALPN_E_BUFFER, 0, "API", "output buffer too small for the decoded names");
    out.buf[0] = (uint8_t)((out.len - 2) >> 8);
    out.buf[1] = (uint8_t)(out.len - 2);
    return ALPN_OK;
}

int alpn_header_format(const uint8_t *ext, size_t ext_len, char *out, size_t out_cap, size_t *out_len, alpn_error *err)
{
    if (out_len == NULL || (out == NULL && out_cap != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "out_len is NULL, or out is NULL with a capacity");
    /* RFC 7639 §2.3: the header carries the list a ClientHello would offer, so it must be a valid client list. */
    int rc = alpn_list_validate(ext, ext_len, ALPN_ROLE_CLIENT, NULL, err);
    if (rc != ALPN_OK)
        return rc;

    alpn_iter it;
    alpn_name name;
    struct sink s = {(uint8_t *)out, out_cap, 0};
    alpn_iter_init(&it, ext, ext_len);
    for (int first = 1; alpn_iter_next(&it, &name); first = 0) {
        /* RFC 9110 §5.6.1: elements separated by ","; ", " is the form senders are advised to use. */
        if (!first)
            sink_puts(&s, ", ", 2);
        pid_encode_into(name.data, name.len, &s);
    }
    *out_len = s.len;
    if (s.len > out_cap)
        return alpn_fail(err, ALPN_E_BUFFER, 0, "API", "output buffer too small for the header value");
    return ALPN_OK;
}

int alpn_pid_encode(const uint8_t *name, size_t len, char *out, size_t out_cap, size_t *out_len, alpn_error *err)
{
    if (out_len == NULL || (name == NULL && len != 0) || (out == NULL && out_cap != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "name or out_len is NULL, or out is NULL with a capacity");
    /* RFC 7301 §3.1 (via RFC 7639 §2): ProtocolName<1..2^8-1>. */
    if (len == 0 || len > ALPN_NAME_MAX)
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "HDR-NAME-LENGTH", "protocol name must be 1 to 255 octets");
    struct sink s = {(uint8_t *)out, out_cap, 0};
    pid_encode_into(name, len, &s);
    *out_len = s.len;
    if (s.len > out_cap)
        return alpn_fail(err, ALPN_E_BUFFER, 0, "API", "output buffer too small for the protocol-id");
    return ALPN_OK;
}

int alpn_pid_decode(const char *tok, size_t len, alpn_hdr_mode mode, uint8_t *out, size_t out_cap, size_t *out_len,
                    alpn_error *err)
{
    if (out_len == NULL || (tok == NULL && len != 0) || (out == NULL && out_cap != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "token or out_len is NULL, or out is NULL with a capacity");
    struct scan sc = {tok, len, mode, NULL, 0, NULL, err};
    struct sink s = {out, out_cap, 0};
    size_t i = 0, n;
    int rc = pid_decode_at(&sc, &i, NULL, &s, &n);
    if (rc != ALPN_OK)
        return rc;
    /* RFC 9110 §5.6.2: token = 1*tchar; RFC 7301 §3.1: a name has at least one octet. */
    if (n == 0)
        return scan_violation(&sc, "HDR-NAME-LENGTH", 0, "protocol-id is empty");
    *out_len = n;
    if (n > out_cap)
        return alpn_fail(err, ALPN_E_BUFFER, 0, "API", "output buffer too small for the decoded name");
    return ALPN_OK;
}
