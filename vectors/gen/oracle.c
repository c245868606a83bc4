/*
 * The oracle: the RFC rules that decide every expected outcome, written out plainly and on their own (no libalpn).
 * Each rule cites its clause. Speed does not matter here; obviousness does.
 */
#include <string.h>

#include "vecgen.h"
#include "hex.h"

/* RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
 * / DIGIT / ALPHA */
int is_tchar(unsigned c)
{
    static const char specials[] = "!#$%&'*+-.^_`|~";
    if (c >= '0' && c <= '9')
        return 1;
    if (c >= 'a' && c <= 'z')
        return 1;
    if (c >= 'A' && c <= 'Z')
        return 1;
    for (size_t i = 0; i < sizeof specials - 1; i++)
        if ((unsigned char)specials[i] == c)
            return 1;
    return 0;
}

/* RFC 8701 §2: the ALPN GREASE values are the 16 two-byte names 0x0A0A, 0x1A1A, ..., 0xFAFA. */
void grease_value(unsigned i, uint8_t out[2])
{
    out[0] = out[1] = (uint8_t)(i << 4 | 0x0a);
}

int is_grease(const uint8_t *d, size_t n)
{
    return n == 2 && d[0] == d[1] && (d[0] & 0x0f) == 0x0a;
}

/* ---- ProtocolNameList (RFC 7301 §3.1) ----
 *   opaque ProtocolName<1..2^8-1>;
 *   struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
 * A receiver reads left to right. The extension's own length frames extension_data, so the list length field is
 * judged against it as soon as it is read; then the names are walked; then (server role) the count. */
const char *oracle_pnl(const uint8_t *ext, size_t len, role r, namelist *names)
{
    int cli = r == ROLE_SERVER; /* a server's answer is judged by a client: CLI-REJECT-* IDs */
    namelist got = {0};

    /* RFC 7301 §3.1: extension_data is a ProtocolNameList, which begins with a 2-byte length. */
    if (len == 0)
        return cli ? "CLI-REJECT-MALFORMED" : "SRV-MALFORMED-EMPTY-EXT";
    if (len == 1)
        return cli ? "CLI-REJECT-MALFORMED" : "SRV-MALFORMED-ONE-BYTE";
    size_t list_len = (size_t)ext[0] << 8 | ext[1];
    /* RFC 7301 §3.1: protocol_name_list<2..2^16-1> has at least 2 bytes; length 0 is the empty list. */
    if (list_len == 0)
        return cli ? "CLI-REJECT-EMPTY-LIST" : "SRV-MALFORMED-EMPTY-LIST";
    /* RFC 8446 §4.2 / RFC 5246 §7.4.1.4: extension_data is exactly the structure, no more and no less. */
    if (list_len > len - 2)
        return cli ? "CLI-REJECT-MALFORMED" : "SRV-MALFORMED-LIST-LONG";
    if (list_len < len - 2)
        return cli ? "CLI-REJECT-MALFORMED" : "SRV-MALFORMED-LIST-SHORT";

    size_t pos = 2, end = 2 + list_len;
    while (pos < end) {
        size_t n = ext[pos];
        /* RFC 7301 §3.1: "Empty strings MUST NOT be included" (ProtocolName<1..2^8-1>). */
        if (n == 0) {
            size_t before = got.n;
            nl_free(&got);
            if (cli)
                return "CLI-REJECT-EMPTY-NAME";
            return before == 0 ? "SRV-MALFORMED-EMPTY-NAME" : "SRV-MALFORMED-EMPTY-NAME-LATER";
        }
        /* RFC 7301 §3.1: "byte strings MUST NOT be truncated": a name lies wholly inside the list. */
        if (n > end - pos - 1) {
            nl_free(&got);
            return cli ? "CLI-REJECT-MALFORMED" : "SRV-MALFORMED-NAME-OVERRUN";
        }
        nl_add(&got, ext + pos + 1, n);
        pos += 1 + n;
    }
    /* RFC 7301 §3.1: the server's "ProtocolNameList MUST contain exactly one" protocol name. Syntax first, then
     * this count, so a list that is also malformed is reported as malformed. */
    if (r == ROLE_SERVER && got.n != 1) {
        nl_free(&got);
        return "CLI-REJECT-MULTIPLE";
    }
    if (names != NULL)
        *names = got;
    else
        nl_free(&got);
    return NULL;
}

/* RFC 7301 §3.2: the server selects "the most highly preferred protocol that it supports and that is also
 * advertised by the client"; with none, it sends the fatal alert no_application_protocol (120). */
int oracle_select(const namelist *server, const uint8_t *ext, size_t len, buf *selected, const char **check)
{
    namelist offer = {0};
    /* The whole offer is judged first: a malformed ClientHello extension is a decode_error (RFC 8446 §6.2,
     * RFC 7301 §3.1), never a partial match. */
    const char *bad = oracle_pnl(ext, len, ROLE_CLIENT, &offer);
    if (bad != NULL) {
        *check = bad;
        return 50;
    }
    for (size_t s = 0; s < server->n; s++) {
        /* RFC 8701 §3.2: servers treat GREASE as unknown and never select one, even if configured. */
        if (is_grease(server->v[s].p, server->v[s].n))
            continue;
        for (size_t c = 0; c < offer.n; c++) {
            /* RFC 7301 §3.1: names are opaque byte strings: equal length and bytes, nothing else. */
            if (offer.v[c].n == server->v[s].n && memcmp(offer.v[c].p, server->v[s].p, offer.v[c].n) == 0) {
                buf_put(selected, server->v[s].p, server->v[s].n);
                nl_free(&offer);
                *check = NULL;
                return 0;
            }
        }
    }
    nl_free(&offer);
    *check = "SRV-NO-OVERLAP-ALERT";
    return 120;
}

/* ---- HTTP ALPN field (RFC 7639 §2) ----
 *   ALPN = 1#protocol-id ; protocol-id = token, percent-encoded
 * A strict parser checks a sender: every MUST of RFC 7639 §2 and RFC 9110 §5.6.1. A lenient parser is a recipient:
 * RFC 9110 §5.6.1 obliges it to skip empty list elements, and it may tolerate the two spelling faults that do not
 * change the decoded octets (lower-case hex, an over-encoded tchar). Everything else fails in both modes. */

static int is_ows(unsigned c)
{
    return c == ' ' || c == '\t'; /* RFC 9110 §5.6.3: OWS = *( SP / HTAB ) */
}

/* A tolerable deviation: the first one is what a strict parser reports. */
static void deviation(hdr_result *r, const char *check, size_t pos)
{
    if (r->strict_check == NULL) {
        r->strict_check = check;
        r->strict_pos = pos;
    }
}

/* A violation no parser accepts. Returns 1 so callers can stop. */
static int violation(hdr_result *r, const char *check, size_t pos)
{
    deviation(r, check, pos);
    r->lenient_check = check;
    r->lenient_pos = pos;
    return 1;
}

void oracle_hparse(const uint8_t *v, size_t len, hdr_result *r)
{
    memset(r, 0, sizeof *r);
    /* RFC 9110 §5.5: a field value has no leading or trailing whitespace; the field parser drops it. */
    size_t start = 0, end = len;
    while (start < end && is_ows(v[start]))
        start++;
    while (end > start && is_ows(v[end - 1]))
        end--;

    size_t el = start;
    while (start < end) {
        /* One element: up to the next "," (never inside a token: "," is not a tchar, RFC 9110 §5.6.2). */
        size_t el_end = el;
        while (el_end < end && v[el_end] != ',')
            el_end++;
        size_t a = el, b = el_end;
        /* RFC 9110 §5.6.1: #rule elements are separated by OWS "," OWS. */
        while (a < b && is_ows(v[a]))
            a++;
        while (b > a && is_ows(v[b - 1]))
            b--;
        if (a == b) {
            /* RFC 9110 §5.6.1: "a sender MUST NOT generate empty list elements"; a recipient "MUST accept and
             * ignore a reasonable number of" them. */
            deviation(r, "HDR-LIST", a);
        } else {
            buf name = {0};
            for (size_t i = a; i < b;) {
                unsigned c = v[i];
                uint8_t octet;
                size_t step;
                if (c == '%') {
                    /* RFC 3986 §2.1: pct-encoded = "%" HEXDIG HEXDIG. */
                    if (b - i < 3 || hex_digit(v[i + 1]) < 0 || hex_digit(v[i + 2]) < 0) {
                        violation(r, "HDR-PCT-TRUNCATED", i);
                        buf_free(&name);
                        nl_free(&r->names);
                        return;
                    }
                    octet = (uint8_t)(hex_digit(v[i + 1]) << 4 | hex_digit(v[i + 2]));
                    /* RFC 7639 §2: octets that are valid token characters, except "%", MUST NOT be encoded. */
                    if (octet != '%' && is_tchar(octet))
                        deviation(r, "HDR-PCT-NOT-TCHAR", i);
                    /* RFC 7639 §2: "uppercase hex digits MUST be used". */
                    if ((v[i + 1] >= 'a' && v[i + 1] <= 'f') || (v[i + 2] >= 'a' && v[i + 2] <= 'f'))
                        deviation(r, "HDR-PCT-UPPER", i);
                    step = 3;
                } else if (is_tchar(c)) {
                    octet = (uint8_t)c; /* RFC 9110 §5.6.2: token = 1*tchar */
                    step = 1;
                } else {
                    /* RFC 7639 §2: protocol-id = token; any other octet (SP inside, DQUOTE, "/", ";", CTL, >= 0x80)
                     * must have been percent-encoded. */
                    violation(r, "HDR-TOKEN", i);
                    buf_free(&name);
                    nl_free(&r->names);
                    return;
                }
                /* RFC 7639 §2 with RFC 7301 §3.1: the decoded name is an ALPN ProtocolName<1..2^8-1>. */
                if (name.n == 255) {
                    violation(r, "HDR-NAME-LENGTH", i);
                    buf_free(&name);
                    nl_free(&r->names);
                    return;
                }
                buf_byte(&name, octet);
                i += step;
            }
            nl_add(&r->names, name.p, name.n);
            buf_free(&name);
        }
        if (el_end == end)
            break;
        el = el_end + 1;
    }
    /* RFC 7639 §2: ALPN = 1#protocol-id, at least one name, in both modes. */
    if (r->names.n == 0) {
        violation(r, "HDR-LIST", 0);
        return;
    }
    /* RFC 7639 §2 sets no limit on the number of names, but the field SHOULD list what the client offers in its
     * ClientHello (HDR-SAME-AS-TLS), and RFC 7301 §3.1 caps that offer at 2^16-1 bytes of protocol_name_list. A
     * sender that exceeds it breaks a SHOULD, so a recipient may still take the names. */
    size_t total = 0;
    for (size_t i = 0; i < r->names.n; i++)
        total += 1 + r->names.v[i].n;
    if (total > 65535)
        deviation(r, "HDR-SAME-AS-TLS", 0);
}

void hdr_result_free(hdr_result *r)
{
    nl_free(&r->names);
}

/* RFC 7639 §2: a tchar other than "%" is sent as is; every other octet, and "%", as "%" and two upper-case hex
 * digits. */
void oracle_pid(const uint8_t *d, size_t n, buf *out)
{
    for (size_t i = 0; i < n; i++) {
        if (d[i] != '%' && is_tchar(d[i])) {
            buf_byte(out, d[i]);
        } else {
            char pct[4] = "%";
            hex_encode_upper(&d[i], 1, pct + 1);
            buf_str(out, pct);
        }
    }
}

const char *oracle_hformat(const namelist *l, buf *out)
{
    /* RFC 7639 §2: ALPN = 1#protocol-id. */
    if (l->n == 0)
        return "HDR-LIST";
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].n == 0 || l->v[i].n > 255) /* RFC 7301 §3.1: ProtocolName<1..2^8-1> */
            return "HDR-NAME-LENGTH";
    for (size_t i = 0; i < l->n; i++) {
        /* RFC 9110 §5.6.1: elements joined by "," and one SP, the form its examples use. */
        if (i > 0)
            buf_str(out, ", ");
        oracle_pid(l->v[i].p, l->v[i].n, out);
    }
    return NULL;
}
