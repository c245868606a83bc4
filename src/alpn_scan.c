/*
 * Scanning helpers that the text parsers share: the counting sink, deviation bookkeeping, the character classes of
 * RFC 9110, and the RFC 7639 protocol-id codec, which both the ALPN header (RFC 7639 §2) and Alt-Svc (RFC 7838 §3,
 * "protocol-id = token ; percent-encoded ALPN protocol name") use.
 */
#include <string.h>

#include "alpn.h"
#include "alpn_internal.h"

void sink_put(struct sink *s, uint8_t b)
{
    if (s->len < s->cap)
        s->buf[s->len] = b;
    s->len++;
}

void sink_puts(struct sink *s, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        sink_put(s, (uint8_t)text[i]);
}

static void record(struct scan *sc, const char *check, size_t offset)
{
    if (sc->n_devs == NULL)
        return;
    if (*sc->n_devs < sc->devs_cap) {
        sc->devs[*sc->n_devs].check = check;
        sc->devs[*sc->n_devs].offset = offset;
    }
    (*sc->n_devs)++;
}

int scan_violation(struct scan *sc, const char *check, size_t offset, const char *detail)
{
    if (sc->mode == ALPN_HDR_STRICT)
        record(sc, check, offset);
    return alpn_fail(sc->err, ALPN_E_HEADER, offset, check, detail);
}

int scan_deviation(struct scan *sc, const char *check, size_t offset, const char *detail)
{
    if (sc->mode == ALPN_HDR_STRICT)
        return scan_violation(sc, check, offset, detail);
    record(sc, check, offset);
    return ALPN_OK;
}

/* RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" /
 * "~" / DIGIT / ALPHA. Spelled out instead of <ctype.h>, whose answer depends on the locale. */
int scan_tchar(unsigned c)
{
    static const char specials[] = "!#$%&'*+-.^_`|~";
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    /* The length excludes the terminator, so octet 0 is not found. */
    return memchr(specials, (int)c, sizeof specials - 1) != NULL;
}

/* RFC 9110 §5.6.3: OWS = *( SP / HTAB ). */
int scan_ows(char c)
{
    return c == ' ' || c == '\t';
}

void scan_trim_ows(const char *value, size_t *start, size_t *end)
{
    while (*start < *end && scan_ows(value[*start]))
        (*start)++;
    while (*end > *start && scan_ows(value[*end - 1]))
        (*end)--;
}

size_t scan_field(struct scan *sc, const char *value, size_t len, alpn_hdr_mode mode, alpn_deviation *devs,
                  size_t devs_cap, size_t *n_devs, alpn_error *err)
{
    size_t start = 0, end = len;
    scan_trim_ows(value, &start, &end);
    *n_devs = 0;
    *sc = (struct scan){value, end, mode, devs, devs_cap, n_devs, err};
    return start;
}

int scan_list(struct scan *sc, size_t start, const char *check, const char *none, scan_element_fn element, void *ctx,
              size_t *count)
{
    size_t i = start;
    int rc;
    *count = 0;
    while (start < sc->end) {
        if (i == sc->end || sc->v[i] == ',') {
            /* RFC 9110 §5.6.1: a sender MUST NOT generate empty list elements; a recipient MUST accept and ignore a
             * reasonable number of them. */
            if ((rc = scan_deviation(sc, check, i, "empty list element")) != ALPN_OK)
                return rc;
        } else {
            if ((rc = element(ctx, sc, &i)) != ALPN_OK)
                return rc;
            ++*count;
        }
        if (i == sc->end)
            break;
        /* sc->v[i] == ',': "," OWS before the next element. */
        i++;
        while (i < sc->end && scan_ows(sc->v[i]))
            i++;
    }
    if (*count == 0)
        return scan_violation(sc, check, 0, none);
    return ALPN_OK;
}

int scan_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Only called on a digit scan_hex accepted, where every lower-case letter is one of a-f. */
static int is_lower_hex(char c)
{
    return c >= 'a';
}

/* One %HH escape at v[i] (RFC 3986 §2.1: pct-encoded = "%" HEXDIG HEXDIG; RFC 7639 §2 takes it as is). */
static int pct_escape(struct scan *sc, size_t i, uint8_t *octet)
{
    const char *v = sc->v;
    int rc;
    if (sc->end - i < 3 || scan_hex(v[i + 1]) < 0 || scan_hex(v[i + 2]) < 0)
        return scan_violation(sc, "HDR-PCT-TRUNCATED", i, "'%' is not followed by two hex digits");
    *octet = (uint8_t)(scan_hex(v[i + 1]) << 4 | scan_hex(v[i + 2]));
    /* RFC 7639 §2: "Octets in the ALPN protocol MUST NOT be percent-encoded if they are valid token characters
     * except '%'". "%25" is the required spelling of "%" and passes here. */
    if (*octet != '%' && scan_tchar(*octet)) {
        rc = scan_deviation(sc, "HDR-PCT-NOT-TCHAR", i, "a token character is percent-encoded; it must be raw");
        if (rc != ALPN_OK)
            return rc;
    }
    /* RFC 7639 §2: "When using percent-encoding, uppercase hex digits MUST be used." */
    if (is_lower_hex(v[i + 1]) || is_lower_hex(v[i + 2]))
        return scan_deviation(sc, "HDR-PCT-UPPER", i, "percent-encoding uses lower-case hex digits");
    return ALPN_OK;
}

int pid_decode_at(struct scan *sc, size_t *pos, const char *stops, struct sink *out, size_t *name_len)
{
    const char *v = sc->v;
    size_t i = *pos, n = 0;

    while (i < sc->end) {
        char c = v[i];
        uint8_t octet = 0;
        size_t step = 1;

        /* Token characters first: they are nearly every character, and no stop is one (the callers stop at ',',
         * whitespace, '=', ';' and '"'), so the stop set is searched only for what would otherwise be refused. */
        if (c == '%') {
            int rc = pct_escape(sc, i, &octet);
            if (rc != ALPN_OK)
                return rc;
            step = 3;
        } else if (scan_tchar((unsigned char)c)) {
            octet = (uint8_t)c;
        } else if (stops != NULL && c != '\0' && strchr(stops, c) != NULL) {
            break;
        } else {
            /* RFC 7639 §2: protocol-id = token; RFC 9110 §5.6.2: token = 1*tchar. Anything else (quotes, ";",
             * "/", controls, octets >= 0x80) must have been percent-encoded by the sender. */
            return scan_violation(sc, "HDR-TOKEN", i, "character is not a token character and is not percent-encoded");
        }
        /* RFC 7301 §3.1 (via RFC 7639 §2): ProtocolName<1..2^8-1>, so the 256th octet is one too many. */
        if (n == ALPN_NAME_MAX)
            return scan_violation(sc, "HDR-NAME-LENGTH", i, "decoded protocol name is longer than 255 octets");
        sink_put(out, octet);
        n++;
        i += step;
    }
    *pos = i;
    *name_len = n;
    return ALPN_OK;
}

void pid_encode_into(const uint8_t *name, size_t len, struct sink *out)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        /* HDR-PCT-NOT-TCHAR: a tchar other than "%" stays raw; HDR-PCT-PERCENT: "%" itself is always "%25"
         * (RFC 7639 §2), so a decoder never meets a raw "%" in canonical output. */
        if (name[i] != '%' && scan_tchar(name[i])) {
            sink_put(out, name[i]);
        } else {
            sink_put(out, '%');
            sink_put(out, (uint8_t)hex[name[i] >> 4]);
            sink_put(out, (uint8_t)hex[name[i] & 0x0f]);
        }
    }
}
