/*
 * Server-side protocol selection (RFC 7301 §3.2).
 *
 * The client's list is validated whole before any name counts, so a malformed list is always an error and never
 * a partial match (the bug class of OpenSSL's CVE-2024-5535, where a selection read past a bad list).
 */
#include "alpn.h"
#include "alpn_internal.h"

/* Slot of a (length, first byte) pair in the 256-bit name filter. */
#define FILTER_SLOT(len, first) ((unsigned)((len)*37u + (first)) & 255u)

/* Exact comparison of two names of equal length. Names are short (2 to 8 bytes in practice), where an inline loop
 * beats a call into memcmp. */
static inline int same_name(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return 0;
    }
    return 1;
}

int alpn_selector_init(alpn_selector *sel, const alpn_name *server, size_t n_server, alpn_error *err)
{
    if (sel == NULL || (server == NULL && n_server != 0))
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "selector or server list is NULL");
    /* Two 256-bit filters of the server's names, by length and by (length, first byte): a client name missing from
     * either cannot match and is skipped after a bit test or two, so long lists of unknown names (SRV-MANY-NAMES,
     * SRV-MANY-TINY-NAMES) cost little more than walking them. The length test needs no extra load. */
    for (size_t k = 0; k < 8; k++)
        sel->lengths[k] = sel->filter[k] = 0;
    sel->names = server;
    sel->n = 0;
    for (size_t i = 0; i < n_server; i++) {
        if (server[i].data == NULL || server[i].len == 0 || server[i].len > ALPN_NAME_MAX)
            return alpn_fail(err, ALPN_E_ARGUMENT, i, "API", "server list holds an empty or over-long name");
        unsigned h = FILTER_SLOT(server[i].len, server[i].data[0]);
        sel->lengths[server[i].len >> 5] |= 1u << (server[i].len & 31);
        sel->filter[h >> 5] |= 1u << (h & 31);
    }
    sel->n = n_server;
    return ALPN_OK;
}

int alpn_select(const alpn_name *server, size_t n_server, const uint8_t *client_ext, size_t client_ext_len,
                alpn_preference pref, size_t *selected, size_t *client_index, alpn_error *err)
{
    if (selected == NULL)
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "server list or selected is NULL");
    alpn_selector sel;
    int rc = alpn_selector_init(&sel, server, n_server, err);
    if (rc != ALPN_OK)
        return rc;
    return alpn_selector_select(&sel, client_ext, client_ext_len, pref, selected, client_index, err);
}

/* The general selection: any list, any preference, and every error. Kept out of line so that the common case in
 * alpn_selector_select needs no stack frame. */
__attribute__((noinline)) static int select_general(const alpn_selector *sel, const uint8_t *client_ext,
                                                    size_t client_ext_len, alpn_preference pref, size_t *selected,
                                                    size_t *client_index, alpn_error *err)
{
    const alpn_name *server = sel->names;
    size_t n_server = sel->n;
    const uint32_t *lengths = sel->lengths, *filter = sel->filter;

    /* One pass validates and matches. Any malformation sends the call to alpn_list_validate, which names the exact
     * rule: RFC 7301 §3.1 + RFC 8446 §6.2 — a malformed list is a decode_error and never a partial match, however
     * early a supported name appeared. */
    if (client_ext == NULL || client_ext_len < 2)
        return alpn_list_validate(client_ext, client_ext_len, ALPN_ROLE_CLIENT, NULL, err);
    size_t end = 2 + ((size_t)client_ext[0] << 8 | client_ext[1]);
    if (end == 2 || end != client_ext_len)
        return alpn_list_validate(client_ext, client_ext_len, ALPN_ROLE_CLIENT, NULL, err);

    size_t best = n_server, best_client = 0, ci = 0;
    size_t pos = 2;
    /* Search phase: until the answer cannot change (client preference: the first supported name; server
     * preference: the server's first name), each name is validated and looked up. */
    int searching = n_server > 0;
    for (; pos < end; ci++) {
        size_t n = client_ext[pos];
        if (n == 0)
            return alpn_list_validate(client_ext, client_ext_len, ALPN_ROLE_CLIENT, NULL, err);
        /* A name running past the list is caught before its bytes are read, or after the loops (pos != end). */
        if (searching && (lengths[n >> 5] >> (n & 31) & 1u) && n <= end - pos - 1) {
            const uint8_t *name = client_ext + pos + 1;
            unsigned h = FILTER_SLOT(n, name[0]);
            if ((filter[h >> 5] >> (h & 31) & 1u) == 0) {
                pos += 1 + n;
                continue;
            }
            /* Only a server index better than the best so far can change the answer; the first equal entry is
             * the server's most preferred copy of the name. */
            for (size_t i = 0; i < best; i++) {
                /* RFC 7301 §3.1: opaque byte strings — exact length and bytes, no case folding, no prefix match,
                 * NUL is an ordinary byte. RFC 7301 §3.2: names the server does not know are ignored. */
                if (server[i].len != n || !same_name(server[i].data, name, n))
                    continue;
                /* RFC 8701 §3.1: a GREASE value is never negotiated, whatever the server list says. */
                if (alpn_grease_value(name, n))
                    break;
                best = i;
                best_client = ci;
                /* Client preference: the first supported name in the client's order wins. Server preference
                 * (RFC 7301 §3.2 SHOULD): the lowest server index wins, and index 0 cannot be beaten. */
                if (pref == ALPN_PREFER_CLIENT || best == 0)
                    searching = 0;
                break;
            }
            if (!searching) {
                pos += 1 + n;
                break;
            }
        }
        pos += 1 + n;
    }
    /* Validation phase: the rest of the list must still be well-formed (RFC 7301 §3.1: no empty name). */
    while (pos < end) {
        size_t n = client_ext[pos];
        if (n == 0)
            return alpn_list_validate(client_ext, client_ext_len, ALPN_ROLE_CLIENT, NULL, err);
        pos += 1 + n;
    }
    /* RFC 7301 §3.1: the last name must end exactly at the end of the list (no overrun). */
    if (pos != end)
        return alpn_list_validate(client_ext, client_ext_len, ALPN_ROLE_CLIENT, NULL, err);
    /* RFC 7301 §3.2: no overlap → fatal no_application_protocol alert. */
    if (best == n_server)
        return alpn_fail(err, ALPN_NO_APPLICATION_PROTOCOL, 0, "SRV-NO-OVERLAP-ALERT",
                         "no protocol offered by the client is supported by the server");
    *selected = best;
    if (client_index != NULL)
        *client_index = best_client;
    return ALPN_OK;
}

int alpn_selector_select(const alpn_selector *sel, const uint8_t *client_ext, size_t client_ext_len,
                         alpn_preference pref, size_t *selected, size_t *client_index, alpn_error *err)
{
    if (sel == NULL || selected == NULL)
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "selector or selected is NULL");
    /* The common case: the client's first name is the server's most preferred one (h2 offered first to a server
     * preferring h2). Server index 0 cannot be beaten and is also the client's first choice, so with either
     * preference only the rest of the list is left to validate (RFC 7301 §3.1: a list of non-empty names filling
     * the extension exactly). Anything else, errors included, takes the general path. */
    if (client_ext != NULL && client_ext_len >= 3 && sel->n > 0) {
        size_t end = 2 + ((size_t)client_ext[0] << 8 | client_ext[1]);
        size_t n = sel->names[0].len;
        if (end == client_ext_len && client_ext[2] == n && n <= end - 3 &&
            same_name(sel->names[0].data, client_ext + 3, n) && !alpn_grease_value(client_ext + 3, n)) {
            size_t pos = 3 + n;
            while (pos < end && client_ext[pos] != 0)
                pos += 1u + client_ext[pos];
            if (pos == end) {
                *selected = 0;
                if (client_index != NULL)
                    *client_index = 0;
                return ALPN_OK;
            }
        }
    }
    return select_general(sel, client_ext, client_ext_len, pref, selected, client_index, err);
}
