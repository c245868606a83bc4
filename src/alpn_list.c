/*
 * ProtocolNameList codec (RFC 7301 §3.1):
 *
 *   opaque ProtocolName<1..2^8-1>;
 *   struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
 *
 * The extension_data is a 2-byte big-endian list length followed by that many bytes of 1-byte-length-prefixed
 * names. Validation checks the outer structure first (so a bad list length is reported as such, not as the
 * misaligned name it causes), then every name, then the role's name count.
 */
#include "alpn.h"
#include "alpn_internal.h"

/* The check IDs a rejection reports depend on who sent the list: a client's offer is what a server under test
 * must reject (SRV-*), a server's answer is what a client under test must reject (CLI-*). */
struct rule_ids {
    const char *empty_ext;
    const char *one_byte;
    const char *empty_list;
    const char *list_long;
    const char *list_short;
    const char *empty_name;
    const char *empty_name_later;
    const char *name_overrun;
};

static const struct rule_ids client_ids = {
    "SRV-MALFORMED-EMPTY-EXT",  "SRV-MALFORMED-ONE-BYTE",  "SRV-MALFORMED-EMPTY-LIST",
    "SRV-MALFORMED-LIST-LONG",  "SRV-MALFORMED-LIST-SHORT", "SRV-MALFORMED-EMPTY-NAME",
    "SRV-MALFORMED-EMPTY-NAME-LATER", "SRV-MALFORMED-NAME-OVERRUN",
};

static const struct rule_ids server_ids = {
    "CLI-REJECT-MALFORMED", "CLI-REJECT-MALFORMED",  "CLI-REJECT-EMPTY-LIST", "CLI-REJECT-MALFORMED",
    "CLI-REJECT-MALFORMED", "CLI-REJECT-EMPTY-NAME", "CLI-REJECT-EMPTY-NAME", "CLI-REJECT-MALFORMED",
};

static size_t get_u16(const uint8_t *p)
{
    return (size_t)p[0] << 8 | p[1];
}

int alpn_list_validate(const uint8_t *ext, size_t ext_len, alpn_role role, size_t *count, alpn_error *err)
{
    const struct rule_ids *ids = role == ALPN_ROLE_SERVER ? &server_ids : &client_ids;
    size_t names = 0;

    if (ext == NULL && ext_len != 0)
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "extension data pointer is NULL");
    /* RFC 7301 §3.1: extension_data is a ProtocolNameList, which starts with a 2-byte length. */
    if (ext_len == 0)
        return alpn_fail(err, ALPN_DECODE_ERROR, 0, ids->empty_ext, "extension data is empty; a ProtocolNameList is required");
    if (ext_len == 1)
        return alpn_fail(err, ALPN_DECODE_ERROR, 0, ids->one_byte, "extension data is 1 byte; the list length needs 2");

    size_t list_len = get_u16(ext);
    /* RFC 7301 §3.1: protocol_name_list<2..2^16-1> — an empty list is not allowed. */
    if (list_len == 0)
        return alpn_fail(err, ALPN_DECODE_ERROR, 0, ids->empty_list, "protocol_name_list is empty (length 0)");
    /* RFC 8446 §4 / RFC 5246 §7.4.1.4: the extension_data must be exactly the ProtocolNameList. */
    if (list_len > ext_len - 2)
        return alpn_fail(err, ALPN_DECODE_ERROR, 0, ids->list_long, "list length runs past the end of the extension");
    if (list_len < ext_len - 2)
        return alpn_fail(err, ALPN_DECODE_ERROR, 2 + list_len, ids->list_short,
                    "bytes follow the end of the list (list length too small)");

    size_t end = 2 + list_len, second = 0;
    for (size_t pos = 2; pos < end;) {
        size_t n = ext[pos];
        /* RFC 7301 §3.1: "Empty strings MUST NOT be included" (ProtocolName<1..2^8-1>). */
        if (n == 0)
            return alpn_fail(err, ALPN_DECODE_ERROR, pos, names == 0 ? ids->empty_name : ids->empty_name_later,
                        "empty protocol name");
        /* RFC 7301 §3.1: names are not truncated — each one lies wholly inside the list. */
        if (n > end - pos - 1)
            return alpn_fail(err, ALPN_DECODE_ERROR, pos, ids->name_overrun, "protocol name runs past the end of the list");
        if (++names == 2)
            second = pos;
        pos += 1 + n;
    }
    /* RFC 7301 §3.1: the server's ProtocolNameList MUST contain exactly one name. Checked after the walk, so a
     * list that is also malformed is reported as malformed. */
    if (role == ALPN_ROLE_SERVER && names > 1)
        return alpn_fail(err, ALPN_DECODE_ERROR, second, "CLI-REJECT-MULTIPLE", "server answer holds more than one protocol name");
    if (count != NULL)
        *count = names;
    return ALPN_OK;
}

void alpn_iter_init(alpn_iter *it, const uint8_t *ext, size_t ext_len)
{
    it->ext = ext;
    it->ext_len = ext_len;
    it->pos = 2;
}

int alpn_iter_next(alpn_iter *it, alpn_name *name)
{
    if (it->ext == NULL || it->ext_len < 2)
        return 0;
    size_t end = 2 + get_u16(it->ext);
    if (end > it->ext_len)
        end = it->ext_len;
    if (it->pos >= end)
        return 0;
    size_t n = it->ext[it->pos];
    if (n == 0 || n > end - it->pos - 1) {
        it->pos = end; /* malformed: stop here for good */
        return 0;
    }
    name->data = it->ext + it->pos + 1;
    name->len = n;
    it->pos += 1 + n;
    return 1;
}

int alpn_list_encode(const alpn_name *names, size_t n, uint8_t *out, size_t out_cap, size_t *out_len,
                     alpn_error *err)
{
    if (names == NULL || out_len == NULL || (out == NULL && out_cap != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "names or out_len is NULL");
    /* RFC 7301 §3.1: protocol_name_list<2..2^16-1> holds at least one name. */
    if (n == 0)
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "CLI-OFFER-WELLFORMED", "no protocol names to encode");

    size_t list_len = 0;
    for (size_t i = 0; i < n; i++) {
        /* RFC 7301 §3.1: ProtocolName<1..2^8-1>; "Empty strings MUST NOT be included and byte strings MUST NOT
         * be truncated" — so refuse instead of dropping or cutting. */
        if (names[i].len == 0 || names[i].data == NULL)
            return alpn_fail(err, ALPN_E_ARGUMENT, i, "CLI-OFFER-WELLFORMED", "empty protocol name");
        if (names[i].len > ALPN_NAME_MAX)
            return alpn_fail(err, ALPN_E_ARGUMENT, i, "CLI-OFFER-WELLFORMED", "protocol name longer than 255 bytes");
        list_len += 1 + names[i].len;
        if (list_len > ALPN_LIST_MAX)
            return alpn_fail(err, ALPN_E_ARGUMENT, i, "CLI-OFFER-WELLFORMED", "protocol_name_list longer than 65535 bytes");
    }

    *out_len = 2 + list_len;
    if (out_cap < 2 + list_len)
        return alpn_fail(err, ALPN_E_BUFFER, 0, "API", "output buffer too small");
    out[0] = (uint8_t)(list_len >> 8);
    out[1] = (uint8_t)list_len;
    size_t pos = 2;
    for (size_t i = 0; i < n; i++) {
        out[pos++] = (uint8_t)names[i].len;
        for (size_t j = 0; j < names[i].len; j++)
            out[pos++] = names[i].data[j];
    }
    return ALPN_OK;
}
