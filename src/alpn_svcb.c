/*
 * SVCB/HTTPS "alpn" and "no-default-alpn" (RFC 9460 §7.1) in wire and presentation format, and their relation to
 * TLS extension_data (RFC 7301 §3.1).
 *
 *   wire:          alpn-id = 1*255OCTET, each with a one-octet length; "These pairs MUST exactly fill the
 *                  SvcParamValue" and there is at least one (RFC 9460 §7.1.1)
 *   presentation:  a character-string (RFC 1035 §5.1: "\DDD" decimal and "\X" escapes, optionally quoted) whose
 *                  decoded content is a comma-separated list (RFC 9460 Appendix A.1) in which "\," and "\\" stand
 *                  for a literal "," and "\"; items are non-empty
 *
 * Decisions where the RFCs leave a choice (the tests pin them down):
 *  - Unquoted presentation text must escape SP, HTAB, '"', ';', '(' and ')' and control characters (they end or
 *    change a zone-file field, RFC 1035 §5.1); inside quotes only '"' and '\' need it.
 *  - "\" followed by a digit must be "\DDD" with three digits and a value up to 255; anything shorter is an error.
 *  - Offsets point into the text given: a decoded octet is reported at the start of its escape.
 */
#include <string.h>

#include "alpn.h"
#include "alpn_internal.h"

static int svcb_fail(alpn_error *err, size_t offset, const char *check, const char *detail)
{
    return alpn_fail(err, ALPN_DECODE_ERROR, offset, check, detail);
}

static size_t get_u16(const uint8_t *p)
{
    return (size_t)p[0] << 8 | p[1];
}

int alpn_svcb_alpn_validate(const uint8_t *val, size_t len, size_t *count, alpn_error *err)
{
    if (val == NULL && len != 0)
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "value pointer is NULL");
    /* RFC 9460 §7.1.1: the value "consists of at least one alpn-id". */
    if (len == 0)
        return svcb_fail(err, 0, "SVCB-ALPN-EMPTY", "alpn value is empty; it needs at least one alpn-id");
    size_t n = 0;
    for (size_t pos = 0; pos < len; n++) {
        /* RFC 9460 §7.1: alpn-id = 1*255OCTET. */
        if (val[pos] == 0)
            return svcb_fail(err, pos, "SVCB-ALPN-ID-EMPTY", "empty alpn-id");
        /* RFC 9460 §7.1.1: the length-value pairs "MUST exactly fill the SvcParamValue". */
        if (val[pos] > len - pos - 1)
            return svcb_fail(err, pos, "SVCB-ALPN-OVERRUN", "alpn-id runs past the end of the value");
        pos += 1u + val[pos];
    }
    if (count != NULL)
        *count = n;
    return ALPN_OK;
}

/* The keys seen so far, for the rules on a key set. */
struct keyset {
    size_t n;
    unsigned prev;
    int alpn;
    int no_default;
    size_t no_default_at;
};

static int key_add(struct keyset *ks, unsigned key, size_t at, alpn_error *err)
{
    /* RFC 9460 §2.2: "SvcParamKeys SHALL appear in increasing numeric order" — so no key twice either. */
    if (ks->n++ > 0 && key <= ks->prev)
        return svcb_fail(err, at, "SVCB-KEY-ORDER", "SvcParamKey not in increasing order (or repeated)");
    ks->prev = key;
    ks->alpn |= key == ALPN_SVCB_KEY_ALPN;
    if (key == ALPN_SVCB_KEY_NO_DEFAULT_ALPN) {
        ks->no_default = 1;
        ks->no_default_at = at;
    }
    return ALPN_OK;
}

static int keys_done(const struct keyset *ks, alpn_error *err)
{
    /* RFC 9460 §7.1.1: when "no-default-alpn" is specified, "alpn" must also be (a self-consistent RR, §2.4.3). */
    if (ks->no_default && !ks->alpn)
        return svcb_fail(err, ks->no_default_at, "SVCB-NO-DEFAULT-ALONE", "no-default-alpn without alpn");
    return ALPN_OK;
}

int alpn_svcb_keys_validate(const uint16_t *keys, size_t n, alpn_error *err)
{
    if (keys == NULL && n != 0)
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "keys pointer is NULL");
    struct keyset ks = {0};
    for (size_t k = 0; k < n; k++) {
        int rc = key_add(&ks, keys[k], k, err);
        if (rc != ALPN_OK)
            return rc;
    }
    return keys_done(&ks, err);
}

/* One SvcParam at pos: its key and value, checked against the alpn rules. */
static int param_check(const uint8_t *p, size_t len, size_t pos, struct keyset *ks, size_t *vlen, alpn_error *err)
{
    /* RFC 9460 §2.2: each SvcParam is a 2-octet key, a 2-octet length and that many octets of value. */
    if (len - pos < 4)
        return svcb_fail(err, pos, "SVCB-PARAMS-WIRE", "SvcParam truncated before its key and length");
    unsigned key = (unsigned)get_u16(p + pos);
    *vlen = get_u16(p + pos + 2);
    if (*vlen > len - pos - 4)
        return svcb_fail(err, pos + 2, "SVCB-PARAMS-WIRE", "SvcParamValue runs past the end of the data");
    int rc = key_add(ks, key, pos, err);
    if (rc != ALPN_OK)
        return rc;
    if (key == ALPN_SVCB_KEY_ALPN) {
        rc = alpn_svcb_alpn_validate(p + pos + 4, *vlen, NULL, err);
        if (rc != ALPN_OK && err != NULL)
            err->offset += pos + 4;
        return rc;
    }
    /* RFC 9460 §7.1.1: "For "no-default-alpn", the presentation and wire-format values MUST be empty." */
    if (key == ALPN_SVCB_KEY_NO_DEFAULT_ALPN && *vlen != 0)
        return svcb_fail(err, pos + 4, "SVCB-NO-DEFAULT-EMPTY", "no-default-alpn has a value; it must be empty");
    return ALPN_OK;
}

int alpn_svcb_params_validate(const uint8_t *params, size_t len, const uint8_t **alpn, size_t *alpn_len,
                              int *no_default, alpn_error *err)
{
    if (params == NULL && len != 0)
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "params pointer is NULL");
    struct keyset ks = {0};
    const uint8_t *a = NULL;
    size_t a_len = 0, vlen;
    for (size_t pos = 0; pos < len; pos += 4 + vlen) {
        int rc = param_check(params, len, pos, &ks, &vlen, err);
        if (rc != ALPN_OK)
            return rc;
        if (get_u16(params + pos) == ALPN_SVCB_KEY_ALPN) {
            a = params + pos + 4;
            a_len = vlen;
        }
    }
    int rc = keys_done(&ks, err);
    if (rc != ALPN_OK)
        return rc;
    if (alpn != NULL)
        *alpn = a;
    if (alpn_len != NULL)
        *alpn_len = a_len;
    if (no_default != NULL)
        *no_default = ks.no_default;
    return ALPN_OK;
}

/* ---- presentation format ------------------------------------------------------------------------------------- */

/* The character-string layer (RFC 1035 §5.1) over text[i..end). */
struct chars {
    const char *t;
    size_t i, end;
    int quoted;
    alpn_error *err;
};

/* RFC 1035 §5.1: outside quotes, whitespace ends the field and ';' '(' ')' '"' have their own meaning. */
static int needs_escape_unquoted(unsigned c)
{
    return c <= 0x20 || c == 0x7f || c == '"' || c == ';' || c == '(' || c == ')';
}

/* Next decoded octet and the offset of its first character. */
static int chars_next(struct chars *cs, uint8_t *octet, size_t *at)
{
    const char *t = cs->t;
    size_t i = cs->i;
    *at = i;
    if (t[i] != '\\') {
        if (!cs->quoted && needs_escape_unquoted((unsigned char)t[i]))
            return svcb_fail(cs->err, i, "SVCB-CHAR-STRING", "character must be escaped or the value quoted");
        *octet = (uint8_t)t[i];
        cs->i = i + 1;
        return ALPN_OK;
    }
    if (i + 1 == cs->end)
        return svcb_fail(cs->err, i, "SVCB-CHAR-STRING", "backslash at the end of the value escapes nothing");
    if (t[i + 1] < '0' || t[i + 1] > '9') {
        /* RFC 1035 §5.1: \X is the character X itself. */
        *octet = (uint8_t)t[i + 1];
        cs->i = i + 2;
        return ALPN_OK;
    }
    /* RFC 1035 §5.1: \DDD is the octet with decimal value DDD. */
    unsigned v = 0;
    for (size_t k = 1; k <= 3; k++) {
        if (i + k >= cs->end || t[i + k] < '0' || t[i + k] > '9')
            return svcb_fail(cs->err, i, "SVCB-CHAR-STRING", "a decimal escape needs exactly three digits (\\DDD)");
        v = v * 10 + (unsigned)(t[i + k] - '0');
    }
    if (v > 255)
        return svcb_fail(cs->err, i, "SVCB-CHAR-STRING", "a decimal escape is above 255");
    *octet = (uint8_t)v;
    cs->i = i + 4;
    return ALPN_OK;
}

/* The list layer (RFC 9460 Appendix A.1) writing length-prefixed ids. */
struct items {
    struct sink out;
    size_t prefix;   /* where the current id's length goes */
    size_t item_len;
    int escaped;     /* the previous octet was a list-level "\" */
    size_t escaped_at;
};

static int item_close(struct items *it, size_t at, alpn_error *err)
{
    /* RFC 9460 §7.1: alpn-id = 1*255OCTET; Appendix A.1: items are non-empty. */
    if (it->item_len == 0)
        return svcb_fail(err, at, "SVCB-ALPN-ID-EMPTY", "empty alpn-id in the list");
    if (it->prefix < it->out.cap)
        it->out.buf[it->prefix] = (uint8_t)it->item_len;
    it->prefix = it->out.len;
    sink_put(&it->out, 0);
    it->item_len = 0;
    return ALPN_OK;
}

static int item_octet(struct items *it, uint8_t b, size_t at, alpn_error *err)
{
    if (it->escaped) {
        /* RFC 9460 Appendix A.1: inside an item "\" only escapes "," and "\". */
        if (b != ',' && b != '\\')
            return svcb_fail(err, it->escaped_at, "SVCB-ALPN-LIST", "a backslash in an item may only escape ',' or '\\'");
        it->escaped = 0;
    } else if (b == '\\') {
        it->escaped = 1;
        it->escaped_at = at;
        return ALPN_OK;
    } else if (b == ',') {
        return item_close(it, at, err);
    }
    if (it->item_len == ALPN_NAME_MAX)
        return svcb_fail(err, at, "SVCB-ALPN-LENGTH", "alpn-id is longer than 255 octets");
    sink_put(&it->out, b);
    it->item_len++;
    return ALPN_OK;
}

/* The quotes of a quoted value: the content runs to the first '"' that no backslash escapes, which must be the
 * last character. */
static int unquote(struct chars *cs, size_t len)
{
    cs->quoted = len > 0 && cs->t[0] == '"';
    if (!cs->quoted)
        return ALPN_OK;
    size_t i = 1;
    while (i < len && cs->t[i] != '"')
        i += cs->t[i] == '\\' ? 2 : 1;
    if (i >= len)
        return svcb_fail(cs->err, 0, "SVCB-CHAR-STRING", "the opening quote is not closed");
    if (i + 1 != len)
        return svcb_fail(cs->err, i + 1, "SVCB-CHAR-STRING", "text after the closing quote");
    cs->i = 1;
    cs->end = i;
    return ALPN_OK;
}

/* The start of both presentation parsers: their arguments checked (an output of out_cap bytes, its length into
 * *out_len), text's quotes taken off into cs. */
static int chars_open(struct chars *cs, const char *text, size_t len, const uint8_t *out, size_t out_cap,
                      const size_t *out_len, alpn_error *err)
{
    if (out_len == NULL || (text == NULL && len != 0) || (out == NULL && out_cap != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "text or the length is NULL, or the output is NULL with a "
                                                         "capacity");
    *cs = (struct chars){text, 0, len, 0, err};
    return unquote(cs, len);
}

/* The end of both: a value of len octets within RFC 9460 §2.2's two-octet length (else check), then within the
 * caller's cap (else ALPN_E_BUFFER, the length already given). */
static int value_fits(size_t len, size_t cap, const char *check, alpn_error *err)
{
    if (len > 65535)
        return svcb_fail(err, 0, check, "the value is longer than 65535 octets");
    if (len > cap)
        return alpn_fail(err, ALPN_E_BUFFER, 0, "API", "output buffer too small for the value");
    return ALPN_OK;
}

int alpn_svcb_alpn_parse(const char *text, size_t len, uint8_t *val, size_t val_cap, size_t *val_len,
                         alpn_error *err)
{
    struct chars cs;
    int rc = chars_open(&cs, text, len, val, val_cap, val_len, err);
    if (rc != ALPN_OK)
        return rc;
    /* RFC 9460 §7.1.1: the presentation value is a list of one or more alpn-ids (Appendix D.3: "alpn" with no
     * value is a failure case). */
    if (cs.i == cs.end)
        return svcb_fail(err, 0, "SVCB-ALPN-EMPTY", "alpn has no value; it needs at least one alpn-id");
    struct items it = {{val, val_cap, 1}, 0, 0, 0, 0};
    while (cs.i < cs.end) {
        uint8_t b;
        size_t at;
        if ((rc = chars_next(&cs, &b, &at)) != ALPN_OK || (rc = item_octet(&it, b, at, err)) != ALPN_OK)
            return rc;
    }
    if (it.escaped)
        return svcb_fail(err, it.escaped_at, "SVCB-ALPN-LIST", "a backslash at the end of an item escapes nothing");
    if ((rc = item_close(&it, cs.end, err)) != ALPN_OK)
        return rc;
    /* item_close opened a next id; it is not there. */
    *val_len = it.out.len - 1;
    return value_fits(*val_len, val_cap, "SVCB-ALPN-LENGTH", err);
}

int alpn_svcb_value_parse(const char *text, size_t len, uint8_t *out, size_t out_cap, size_t *out_len,
                          alpn_error *err)
{
    struct chars cs;
    int rc = chars_open(&cs, text, len, out, out_cap, out_len, err);
    if (rc != ALPN_OK)
        return rc;
    /* RFC 9460 §2.1: a generic value is one character-string (RFC 1035 §5.1), its escapes undone, nothing more. */
    struct sink o = {out, out_cap, 0};
    size_t at;
    for (uint8_t b; cs.i < cs.end; sink_put(&o, b))
        if ((rc = chars_next(&cs, &b, &at)) != ALPN_OK)
            return rc;
    *out_len = o.len;
    return value_fits(o.len, out_cap, "SVCB-CHAR-STRING", err);
}

static void put_ddd(struct sink *s, uint8_t b)
{
    sink_put(s, '\\');
    sink_put(s, (uint8_t)('0' + b / 100));
    sink_put(s, (uint8_t)('0' + b / 10 % 10));
    sink_put(s, (uint8_t)('0' + b % 10));
}

/* What both conversions of a wire alpn value need first: a length output, a buffer unless its capacity is 0
 * (the caller's wording in why), and a valid value. */
static int convert_check(const uint8_t *val, size_t len, const void *out, size_t out_cap, const size_t *out_len,
                         const char *why, alpn_error *err)
{
    if (out_len == NULL || (out == NULL && out_cap != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", why);
    return alpn_svcb_alpn_validate(val, len, NULL, err);
}

int alpn_svcb_alpn_format(const uint8_t *val, size_t len, char *out, size_t out_cap, size_t *out_len,
                          alpn_error *err)
{
    int rc = convert_check(val, len, out, out_cap, out_len, "out_len is NULL, or out is NULL with a capacity", err);
    if (rc != ALPN_OK)
        return rc;
    struct sink s = {(uint8_t *)out, out_cap, 0};
    for (size_t pos = 0; pos < len; pos += 1u + val[pos]) {
        if (pos > 0)
            sink_put(&s, ',');
        for (size_t k = pos + 1; k <= pos + val[pos]; k++) {
            uint8_t b = val[k];
            /* Appendix A.1 escapes "," and "\" as "\," and "\\"; the character-string layer then writes each of
             * those backslashes as "\\". */
            if (b == ',')
                sink_puts(&s, "\\\\,", 3);
            else if (b == '\\')
                sink_puts(&s, "\\\\\\\\", 4);
            else if (needs_escape_unquoted(b) || b >= 0x7f)
                put_ddd(&s, b);
            else
                sink_put(&s, b);
        }
    }
    *out_len = s.len;
    if (s.len > out_cap)
        return alpn_fail(err, ALPN_E_BUFFER, 0, "API", "output buffer too small for the presentation value");
    return ALPN_OK;
}

int alpn_svcb_alpn_to_ext(const uint8_t *val, size_t len, uint8_t *ext, size_t ext_cap, size_t *ext_len,
                          alpn_error *err)
{
    int rc = convert_check(val, len, ext, ext_cap, ext_len, "ext_len is NULL, or ext is NULL with a capacity", err);
    if (rc != ALPN_OK)
        return rc;
    /* RFC 7301 §3.1: protocol_name_list<2..2^16-1>. */
    if (len > ALPN_LIST_MAX)
        return svcb_fail(err, 0, "SVCB-ALPN-LENGTH", "alpn value is longer than a ProtocolNameList can be");
    *ext_len = len + 2;
    if (len + 2 > ext_cap)
        return alpn_fail(err, ALPN_E_BUFFER, 0, "API", "output buffer too small for the extension_data");
    ext[0] = (uint8_t)(len >> 8);
    ext[1] = (uint8_t)len;
    memcpy(ext + 2, val, len);
    return ALPN_OK;
}

int alpn_svcb_alpn_from_ext(const uint8_t *ext, size_t ext_len, uint8_t *val, size_t val_cap, size_t *val_len,
                            alpn_error *err)
{
    if (val_len == NULL || (val == NULL && val_cap != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "val_len is NULL, or val is NULL with a capacity");
    int rc = alpn_list_validate(ext, ext_len, ALPN_ROLE_CLIENT, NULL, err);
    if (rc != ALPN_OK)
        return rc;
    *val_len = ext_len - 2;
    if (ext_len - 2 > val_cap)
        return alpn_fail(err, ALPN_E_BUFFER, 0, "API", "output buffer too small for the alpn value");
    memcpy(val, ext + 2, ext_len - 2);
    return ALPN_OK;
}
