/*
 * HTTP Alt-Svc field value (RFC 7838 §3):
 *
 *   Alt-Svc       = clear / 1#alt-value
 *   clear         = %s"clear"                 ; case-sensitive
 *   alt-value     = alternative *( OWS ";" OWS parameter )
 *   alternative   = protocol-id "=" alt-authority
 *   protocol-id   = token                     ; percent-encoded ALPN protocol name (RFC 7639 §2's rules)
 *   alt-authority = quoted-string             ; containing [ uri-host ] ":" port
 *   parameter     = token "=" ( token / quoted-string )
 *
 * The list rule and OWS are RFC 9110 §5.6.1 and §5.6.3, quoted-string RFC 9110 §5.6.4, parameters RFC 9110 §5.6.6,
 * uri-host and port RFC 3986 §3.2.2–3.2.3, ma and persist RFC 7838 §3.1.
 *
 * Decisions this file makes where the RFCs leave a choice (the tests pin them down):
 *  - Lenient mode accepts, and lists: empty list elements and empty parameters (RFC 9110 §5.6.1 asks recipients to
 *    skip them), whitespace around "=" (ALTSVC-ALTERNATIVE, ALTSVC-PARAM), quoted-pairs that quote a character
 *    needing no quoting (RFC 9110 §5.6.4 SHOULD NOT), "clear" in another case, an ma that is not delta-seconds
 *    (then ignored), persist other than 1 (ignored, RFC 7838 §3.1), and the header's percent-encoding deviations.
 *  - An authority is at most 255 octets of host, ":" and five digits of port; a longer one is ALTSVC-AUTHORITY.
 *  - A repeated ma counts the first time; the canonical form keeps every parameter in its order.
 */
#include <string.h>

#include "alpn.h"
#include "alpn_internal.h"

/* The decoded content of a quoted-string: the octets and the offset each came from (for the error offsets). */
#define QMAX (ALPN_ALTSVC_HOST_MAX + 6u)
struct qtext {
    uint8_t b[QMAX];
    size_t at[QMAX];
    size_t n;     /* octets stored */
    size_t total; /* octets decoded (more than QMAX: too long) */
    size_t close; /* offset of the closing quote */
};

static void skip_ows(const struct scan *sc, size_t *i)
{
    while (*i < sc->end && scan_ows(sc->v[*i]))
        (*i)++;
}

/* RFC 9110 §5.6.4: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text. */
static int is_qdtext(unsigned c)
{
    return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c != 0x7f);
}

/* A quoted-string starting at *pos (its opening quote); decodes into q (may be NULL) and sets *pos past it. */
static int quoted_scan(struct scan *sc, size_t *pos, struct qtext *q)
{
    size_t start = *pos, i = start + 1;
    int rc;
    for (;;) {
        if (i >= sc->end)
            return scan_violation(sc, "ALTSVC-QUOTED", start, "quoted-string is not closed");
        unsigned c = (unsigned char)sc->v[i];
        size_t at = i;
        if (c == '"')
            break;
        if (c == '\\') {
            /* RFC 9110 §5.6.4: quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ). */
            if (i + 1 >= sc->end || !(is_qdtext((unsigned char)sc->v[i + 1]) || sc->v[i + 1] == '"' ||
                                      sc->v[i + 1] == '\\'))
                return scan_violation(sc, "ALTSVC-QUOTED", i, "backslash does not quote a visible character");
            c = (unsigned char)sc->v[++i];
            /* RFC 9110 §5.6.4: "A sender SHOULD NOT generate a quoted-pair in a quoted-string except where
             * necessary to quote DQUOTE and backslash octets occurring within that string." */
            if (c != '"' && c != '\\') {
                rc = scan_deviation(sc, "ALTSVC-QUOTED", at, "quoted-pair quotes a character that needs no quoting");
                if (rc != ALPN_OK)
                    return rc;
            }
        } else if (!is_qdtext(c)) {
            return scan_violation(sc, "ALTSVC-QUOTED", i, "control character inside a quoted-string");
        }
        if (q != NULL && q->total < QMAX) {
            q->b[q->n] = (uint8_t)c;
            q->at[q->n++] = at;
        }
        if (q != NULL)
            q->total++;
        i++;
    }
    if (q != NULL)
        q->close = i;
    *pos = i + 1;
    return ALPN_OK;
}

/* RFC 3986 §3.2.2: reg-name = *( unreserved / pct-encoded / sub-delims ); the "%" of pct-encoded is checked by the
 * caller. */
static int is_regname(unsigned c)
{
    static const char specials[] = "-._~!$&'()*+,;=%";
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    /* The length excludes the terminator, so octet 0 is not found. */
    return memchr(specials, (int)c, sizeof specials - 1) != NULL;
}

/* RFC 3986 §3.2.2: IP-literal = "[" ( IPv6address / IPvFuture ) "]"; the characters of an IPv6 address (hex digits,
 * ":" and the "." of an embedded IPv4 address) are checked, not the grammar of the groups. */
static int is_ip6char(unsigned c)
{
    return scan_hex((char)c) >= 0 || c == ':' || c == '.';
}

static int host_check(struct scan *sc, const struct qtext *q, size_t colon)
{
    int literal = colon > 0 && q->b[0] == '[';
    for (size_t k = 0; k < colon; k++) {
        unsigned c = q->b[k];
        int ok = literal ? (k == 0 || (k == colon - 1 ? c == ']' : is_ip6char(c))) : is_regname(c);
        if (!literal && c == '%')
            ok = k + 2 < colon && scan_hex((char)q->b[k + 1]) >= 0 && scan_hex((char)q->b[k + 2]) >= 0;
        /* RFC 7838 §3: alt-authority holds [ uri-host ] ":" port, uri-host as in RFC 3986 §3.2.2. */
        if (!ok || (literal && colon < 3))
            return scan_violation(sc, "ALTSVC-AUTHORITY", q->at[k], "character not allowed in the host");
    }
    return ALPN_OK;
}

/* The content of alt-authority: [ uri-host ] ":" port (RFC 7838 §3, RFC 3986 §3.2.2–3.2.3). */
static int authority_check(struct scan *sc, const struct qtext *q, alpn_altsvc_alt *alt)
{
    if (q->total > QMAX)
        return scan_violation(sc, "ALTSVC-AUTHORITY", q->at[QMAX - 1], "alt-authority is longer than a host and port");
    size_t colon = q->n;
    while (colon > 0 && q->b[colon - 1] != ':')
        colon--;
    if (colon == 0)
        return scan_violation(sc, "ALTSVC-AUTHORITY", q->close, "alt-authority has no ':' and port");
    colon--;
    int rc = host_check(sc, q, colon);
    if (rc != ALPN_OK)
        return rc;
    if (colon > ALPN_ALTSVC_HOST_MAX)
        return scan_violation(sc, "ALTSVC-AUTHORITY", q->at[ALPN_ALTSVC_HOST_MAX], "host is longer than 255 octets");
    memcpy(alt->host, q->b, colon);
    alt->host_len = colon;
    /* RFC 7838 §3: the port is not optional; RFC 3986 §3.2.3 port = *DIGIT, and TCP and UDP ports are 16 bits. */
    if (colon + 1 == q->n)
        return scan_violation(sc, "ALTSVC-PORT", q->close, "the port number is missing");
    uint32_t port = 0;
    for (size_t k = colon + 1; k < q->n; k++) {
        if (q->b[k] < '0' || q->b[k] > '9')
            return scan_violation(sc, "ALTSVC-PORT", q->at[k], "the port is not a decimal number");
        port = port * 10 + (uint32_t)(q->b[k] - '0');
        if (port > 65535)
            return scan_violation(sc, "ALTSVC-PORT", q->at[colon + 1], "the port is larger than 65535");
    }
    alt->port = (uint16_t)port;
    return ALPN_OK;
}

/* Skips OWS before an "=", which the grammar does not allow there (lenient mode accepts it as check). */
static int skip_ows_dev(struct scan *sc, size_t *i, const char *check)
{
    size_t from = *i;
    skip_ows(sc, i);
    if (*i > from)
        return scan_deviation(sc, check, from, "whitespace around '='");
    return ALPN_OK;
}

/* The "=" between a name and its value, for parameters and alternatives alike: OWS on either side is a deviation
 * (check), a missing "=" a violation (check, why). Sets *i after the OWS that follows the "=". */
static int equals_scan(struct scan *sc, size_t *i, const char *check, const char *why)
{
    int rc;
    if ((rc = skip_ows_dev(sc, i, check)) != ALPN_OK)
        return rc;
    if (*i == sc->end || sc->v[*i] != '=')
        return scan_violation(sc, check, *i, why);
    ++*i;
    return skip_ows_dev(sc, i, check);
}

/* A parameter's name or token value at *i (RFC 9110 §5.6.2: token = 1*tchar): where it is in *tok, *len. Without a
 * tchar at *i an ALTSVC-PARAM violation (why). */
static int token_scan(struct scan *sc, size_t *i, const char *why, const char **tok, size_t *len)
{
    size_t from = *i;
    while (*i < sc->end && scan_tchar((unsigned char)sc->v[*i]))
        ++*i;
    if (*i == from)
        return scan_violation(sc, "ALTSVC-PARAM", *i, why);
    *tok = sc->v + from;
    *len = *i - from;
    return ALPN_OK;
}

/* One parameter after its ";" at *pos (RFC 9110 §5.6.6: parameter = token "=" ( token / quoted-string )). An empty
 * one (lenient) leaves p->name_len 0. */
static int param_scan(struct scan *sc, size_t *pos, alpn_altsvc_param *p)
{
    size_t i = *pos + 1;
    int rc;
    memset(p, 0, sizeof *p);
    skip_ows(sc, &i);
    if (i == sc->end || sc->v[i] == ',' || sc->v[i] == ';') {
        *pos = i;
        return scan_deviation(sc, "ALTSVC-PARAM", i, "empty parameter");
    }
    size_t name = i;
    if ((rc = token_scan(sc, &i, "parameter name is not a token", &p->name, &p->name_len)) != ALPN_OK)
        return rc;
    p->offset = name;
    if ((rc = equals_scan(sc, &i, "ALTSVC-PARAM", "parameter has no '=' and value")) != ALPN_OK)
        return rc;
    if (i < sc->end && sc->v[i] == '"') {
        size_t value = i;
        if ((rc = quoted_scan(sc, &i, NULL)) != ALPN_OK)
            return rc;
        p->value = sc->v + value;
        p->value_len = i - value;
    } else if ((rc = token_scan(sc, &i, "parameter value is neither a token nor a quoted-string", &p->value,
                                &p->value_len)) != ALPN_OK) {
        return rc;
    }
    *pos = i;
    return ALPN_OK;
}

/* s[0..n) equals the lower-case word regardless of ASCII case (RFC 9110 §5.6.6: parameter names). */
static int equal_nocase(const char *s, size_t n, const char *word)
{
    if (n != strlen(word))
        return 0;
    for (size_t k = 0; k < n; k++) {
        char c = s[k];
        if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != word[k])
            return 0;
    }
    return 1;
}

static int name_is(const alpn_altsvc_param *p, const char *want)
{
    return equal_nocase(p->name, p->name_len, want);
}

/* The value of a parameter without its quotes when it is quoted without quoted-pairs; NULL length otherwise. */
static size_t plain_value(const alpn_altsvc_param *p, const char **text)
{
    *text = p->value;
    if (p->value[0] != '"')
        return p->value_len;
    *text = p->value + 1;
    return memchr(p->value, '\\', p->value_len) == NULL ? p->value_len - 2 : 0;
}

/* RFC 7838 §3.1: ma = delta-seconds (RFC 9111 §1.2.2: 1*DIGIT, saturating at 2^31); persist = "1". */
static int known_param(struct scan *sc, const alpn_altsvc_param *p, alpn_altsvc_alt *alt)
{
    const char *t;
    size_t n = plain_value(p, &t);
    if (name_is(p, "ma") && !alt->has_ma) {
        uint64_t ma = 0;
        size_t k = 0;
        while (k < n && t[k] >= '0' && t[k] <= '9') {
            ma = ma * 10 + (uint64_t)(t[k++] - '0');
            ma = ma > ALPN_ALTSVC_MA_MAX ? ALPN_ALTSVC_MA_MAX : ma;
        }
        if (n == 0 || k < n)
            return scan_deviation(sc, "ALTSVC-MA", p->offset, "ma is not a number of seconds; it is ignored");
        alt->ma = (uint32_t)ma;
        alt->has_ma = 1;
    } else if (name_is(p, "persist")) {
        if (n != 1 || t[0] != '1')
            return scan_deviation(sc, "ALTSVC-PERSIST", p->offset, "persist has a value other than 1; it is ignored");
        alt->persist = 1;
    }
    return ALPN_OK;
}

/* protocol-id "=" (RFC 7838 §3), with "clear" inside a list told apart. */
static int alternative_head(struct scan *sc, size_t *pos, alpn_altsvc_alt *alt)
{
    struct sink ns = {alt->name, ALPN_NAME_MAX, 0};
    size_t i = *pos;
    int rc = pid_decode_at(sc, &i, "= \t,;\"", &ns, &alt->name_len);
    if (rc != ALPN_OK)
        return rc;
    size_t eq = i;
    skip_ows(sc, &eq);
    if (alt->name_len == 5 && memcmp(alt->name, "clear", 5) == 0 && (eq == sc->end || sc->v[eq] != '='))
        return scan_violation(sc, "ALTSVC-CLEAR", *pos, "'clear' must be the whole field value");
    if (alt->name_len == 0)
        return scan_violation(sc, "ALTSVC-ALTERNATIVE", i, "protocol-id is missing");
    if ((rc = equals_scan(sc, &i, "ALTSVC-ALTERNATIVE", "protocol-id is not followed by '=' and an alt-authority")) !=
        ALPN_OK)
        return rc;
    *pos = i;
    return ALPN_OK;
}

/* One alt-value at *pos; sets *pos after its last parameter. */
static int alt_value_scan(struct scan *sc, size_t *pos, alpn_altsvc_alt *alt)
{
    struct qtext q;
    size_t i = *pos;
    memset(alt, 0, sizeof *alt);
    alt->offset = i;
    alt->ma = ALPN_ALTSVC_MA_DEFAULT;
    int rc = alternative_head(sc, &i, alt);
    if (rc != ALPN_OK)
        return rc;
    if (i == sc->end || sc->v[i] != '"')
        return scan_violation(sc, "ALTSVC-AUTHORITY", i, "alt-authority is not a quoted-string");
    q.n = q.total = 0;
    if ((rc = quoted_scan(sc, &i, &q)) != ALPN_OK || (rc = authority_check(sc, &q, alt)) != ALPN_OK)
        return rc;
    size_t last = i;
    alt->params = sc->v + i;
    alt->params_offset = i;
    for (;;) {
        size_t j = i;
        skip_ows(sc, &j);
        if (j == sc->end || sc->v[j] != ';')
            break;
        alpn_altsvc_param p;
        if ((rc = param_scan(sc, &j, &p)) != ALPN_OK)
            return rc;
        if (p.name_len > 0 && (rc = known_param(sc, &p, alt)) != ALPN_OK)
            return rc;
        i = last = j;
    }
    alt->params_len = last - alt->params_offset;
    *pos = i;
    return ALPN_OK;
}

/* "clear" (RFC 7838 §3: case-sensitive); lenient mode takes it in any case. Returns 1 when the value is clear. */
static int clear_check(struct scan *sc, size_t start, int *rc)
{
    *rc = ALPN_OK;
    if (!equal_nocase(sc->v + start, sc->end - start, "clear"))
        return 0;
    if (memcmp(sc->v + start, "clear", 5) != 0)
        *rc = scan_deviation(sc, "ALTSVC-CLEAR", start, "'clear' is case-sensitive");
    return 1;
}

/* One alt-value of the list (scan_list), counted in and handed to the result in ctx. */
static int alt_element(void *ctx, struct scan *sc, size_t *i)
{
    alpn_altsvc_result *res = ctx;
    alpn_altsvc_alt alt;
    int rc;
    if ((rc = alt_value_scan(sc, i, &alt)) != ALPN_OK)
        return rc;
    skip_ows(sc, i);
    if (*i < sc->end && sc->v[*i] != ',')
        return scan_violation(sc, "ALTSVC-PARAM", *i, "expected ';' and a parameter, or ',' and an alternative");
    res->count++;
    return res->on_alt != NULL ? res->on_alt(res->ctx, &alt) : ALPN_OK;
}

int alpn_altsvc_parse(const char *value, size_t len, alpn_hdr_mode mode, alpn_altsvc_result *res, alpn_error *err)
{
    if (res == NULL || (value == NULL && len != 0) || (res->devs == NULL && res->devs_cap != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "result or value is NULL, or devs is NULL with a capacity");
    res->clear = 0;
    res->count = 0;
    struct scan sc;
    size_t start = scan_field(&sc, value, len, mode, res->devs, res->devs_cap, &res->n_devs, err);
    int rc;
    if (clear_check(&sc, start, &rc)) {
        res->clear = rc == ALPN_OK;
        return rc;
    }
    /* RFC 7838 §3: Alt-Svc = clear / 1#alt-value — at least one alternative. */
    size_t count;
    return scan_list(&sc, start, "ALTSVC-LIST", "the field value holds no alternative", alt_element, res, &count);
}

int alpn_altsvc_param_next(const alpn_altsvc_alt *alt, size_t *pos, alpn_altsvc_param *p)
{
    if (alt == NULL || pos == NULL || p == NULL)
        return 0;
    /* The parser accepted these parameters already; a lenient scan without bookkeeping walks them again. */
    struct scan sc = {alt->params, alt->params_len, ALPN_HDR_LENIENT, NULL, 0, NULL, NULL};
    for (;;) {
        size_t j = *pos;
        skip_ows(&sc, &j);
        if (j >= sc.end)
            return 0;
        /* Cannot fail: alpn_altsvc_parse accepted this text in one of the modes, and lenient accepts as much. */
        (void)param_scan(&sc, &j, p);
        *pos = j;
        if (p->name_len > 0) {
            p->offset += alt->params_offset;
            return 1;
        }
    }
}

/* ---- canonical form ------------------------------------------------------------------------------------------ */

struct canon {
    struct sink out;
    size_t alts;
};

static void put_decimal(struct sink *s, uint32_t v)
{
    char d[10];
    size_t n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        sink_put(s, (uint8_t)d[--n]);
}

/* A parameter value as a token when its content is one, else a quoted-string quoting only '"' and '\'
 * (RFC 9110 §5.6.6: both forms are equivalent). */
static void put_param_value(struct sink *s, const alpn_altsvc_param *p)
{
    const char *v = p->value;
    size_t n = p->value_len;
    int token = 1;
    if (v[0] == '"') {
        v++;
        n -= 2;
        token = n > 0;
        for (size_t k = 0; k < n; k++) {
            if (v[k] == '\\')
                k++;
            token = token && scan_tchar((unsigned char)v[k]);
        }
    }
    if (token && v == p->value) {
        sink_puts(s, v, n);
        return;
    }
    if (!token)
        sink_put(s, '"');
    for (size_t k = 0; k < n; k++) {
        if (v[k] == '\\')
            k++;
        if (!token && (v[k] == '"' || v[k] == '\\'))
            sink_put(s, '\\');
        sink_put(s, (uint8_t)v[k]);
    }
    if (!token)
        sink_put(s, '"');
}

static void put_param(struct sink *s, const alpn_altsvc_param *p, const alpn_altsvc_alt *alt, int *ma_done)
{
    /* ma and persist as their meaning: a number, or persist=1; ignored ones are left out. */
    if (name_is(p, "ma")) {
        if (!alt->has_ma || *ma_done)
            return;
        *ma_done = 1;
        sink_puts(s, "; ma=", 5);
        put_decimal(s, alt->ma);
        return;
    }
    if (name_is(p, "persist")) {
        if (alt->persist)
            sink_puts(s, "; persist=1", 11);
        return;
    }
    sink_puts(s, "; ", 2);
    for (size_t k = 0; k < p->name_len; k++) {
        char c = p->name[k];
        sink_put(s, (uint8_t)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
    sink_put(s, '=');
    put_param_value(s, p);
}

static int canon_alt(void *ctx, const alpn_altsvc_alt *alt)
{
    struct canon *c = ctx;
    if (c->alts++ > 0)
        sink_puts(&c->out, ", ", 2);
    pid_encode_into(alt->name, alt->name_len, &c->out);
    sink_puts(&c->out, "=\"", 2);
    sink_puts(&c->out, alt->host, alt->host_len);
    sink_put(&c->out, ':');
    put_decimal(&c->out, alt->port);
    sink_put(&c->out, '"');
    size_t pos = 0;
    int ma_done = 0;
    alpn_altsvc_param p;
    while (alpn_altsvc_param_next(alt, &pos, &p))
        put_param(&c->out, &p, alt, &ma_done);
    return 0;
}

int alpn_altsvc_format(const char *value, size_t len, alpn_hdr_mode mode, char *out, size_t out_cap, size_t *out_len,
                       alpn_error *err)
{
    if (out_len == NULL || (out == NULL && out_cap != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "out_len is NULL, or out is NULL with a capacity");
    struct canon c = {{(uint8_t *)out, out_cap, 0}, 0};
    alpn_altsvc_result res = {canon_alt, &c, 0, 0, NULL, 0, 0};
    int rc = alpn_altsvc_parse(value, len, mode, &res, err);
    if (rc != ALPN_OK)
        return rc;
    if (res.clear)
        sink_puts(&c.out, "clear", 5);
    *out_len = c.out.len;
    if (c.out.len > out_cap)
        return alpn_fail(err, ALPN_E_BUFFER, 0, "API", "output buffer too small for the canonical value");
    return ALPN_OK;
}
