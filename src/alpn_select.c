/*
 * Server-side protocol selection (RFC 7301 §3.2).
 *
 * The client's list is validated whole before any name counts, so a malformed list is always an error and never
 * a partial match (the bug class of OpenSSL's CVE-2024-5535, where a selection read past a bad list).
 */
#include "alpn.h"
#include "alpn_internal.h"

#include <string.h>

/* Slot of a (length, last byte) pair in the 256-bit name filter. The last byte tells registered names of one length
 * apart better than the first (h2/h3, http/1.0 and http/1.1, spdy/1 to spdy/3) and costs one load. */
#define FILTER_SLOT(len, last) ((unsigned)((len)*37u + (last)) & 255u)

/* The fast path compares the client list's first 8 bytes (2-byte length excluded) in one load. */
#define HEAD_BYTES 8u

/* The 8 bytes at p as a little-endian number, whatever the machine's byte order. */
static inline uint64_t load_le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* Walks the names from pos on and returns where the walk stopped: end when they fill the list exactly (RFC 7301
 * §3.1), beyond it when the last name runs past it, or before it at an empty name. */
static inline size_t skip_names(const uint8_t *ext, size_t pos, size_t end)
{
    while (pos < end && ext[pos] != 0)
        pos += 1u + ext[pos];
    return pos;
}

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
    sel->names = server;
    sel->n = 0;
    sel->head = sel->head_mask = 0;
    /* Two filters of the server's names, by length (a byte each) and by (length, last byte) (256 bits): a client name
     * missing from either cannot match and is skipped after a test or two, so long lists of unknown names
     * (SRV-MANY-NAMES, SRV-MANY-TINY-NAMES) cost little more than walking them. The length table is cleared by
     * copying a static zeroed block, which compilers turn into a few vector moves (a memset of this size became
     * `rep stos`, which costs as much as a whole selection). */
    static const struct {
        uint64_t w[sizeof sel->len_ok / sizeof(uint64_t)];
    } zero;
    memcpy(sel->len_ok, &zero, sizeof zero);
    sel->len_ok[0] = 1; /* an empty name is never skipped: the search reports it */
    for (size_t k = 0; k < 8; k++)
        sel->filter[k] = 0;
    for (size_t i = 0; i < n_server; i++) {
        if (server[i].data == NULL || server[i].len == 0 || server[i].len > ALPN_NAME_MAX)
            return alpn_fail(err, ALPN_E_ARGUMENT, i, "API", "server list holds an empty or over-long name");
        unsigned h = FILTER_SLOT(server[i].len, server[i].data[server[i].len - 1]);
        sel->len_ok[server[i].len] = 1;
        sel->filter[h >> 5] |= 1u << (h & 31);
    }
    /* The fast path's key: the server's first name with its length byte, as the first HEAD_BYTES bytes of a client
     * list that starts with it would hold them, read as a little-endian number (one load compares them). A GREASE
     * first name gets no key: it is never selected (RFC 8701 §3.1), so the general path must answer. */
    if (n_server > 0 && server[0].len < HEAD_BYTES && !alpn_grease_value(server[0].data, server[0].len)) {
        uint64_t key = server[0].len;
        for (size_t k = 0; k < server[0].len; k++)
            key |= (uint64_t)server[0].data[k] << (8 * (k + 1));
        sel->head = key;
        sel->head_mask =
            server[0].len + 1 == HEAD_BYTES ? ~(uint64_t)0 : ((uint64_t)1 << (8 * (server[0].len + 1))) - 1;
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

/* The general selection: any list, any preference, and every error (NULL arguments too). Kept out of line so that the
 * common case in alpn_selector_select needs no stack frame, and aligned to a cache line so that the speed of its
 * loop does not depend on what happens to be linked before it (unaligned, the same 100-name call measured anywhere
 * from 171 to 201 ns). */
__attribute__((noinline, aligned(64))) static int select_general(const alpn_selector *sel, const uint8_t *client_ext,
                                                                 size_t client_ext_len, alpn_preference pref,
                                                                 size_t *selected, size_t *client_index,
                                                                 alpn_error *err)
{
    if (sel == NULL || selected == NULL)
        return alpn_fail(err, ALPN_E_ARGUMENT, 0, "API", "selector or selected is NULL");
    const alpn_name *server = sel->names;
    size_t n_server = sel->n;
    const uint8_t *len_ok = sel->len_ok;
    const uint32_t *filter = sel->filter;

    /* One pass validates and matches. Any malformation sends the call to alpn_list_validate, which names the exact
     * rule: RFC 7301 §3.1 + RFC 8446 §6.2 — a malformed list is a decode_error and never a partial match, however
     * early a supported name appeared. */
    if (client_ext == NULL || client_ext_len < 2)
        return alpn_list_validate(client_ext, client_ext_len, ALPN_ROLE_CLIENT, NULL, err);
    size_t end = 2 + ((size_t)client_ext[0] << 8 | client_ext[1]);
    if (end == 2 || end != client_ext_len)
        return alpn_list_validate(client_ext, client_ext_len, ALPN_ROLE_CLIENT, NULL, err);

    size_t best = n_server, best_client = 0, pos = 2;
    /* Search phase: until the answer cannot change (client preference: the first supported name; server
     * preference: the server's first name), each name is looked up. A name whose length no server name has costs
     * one table test; len_ok[0] is set, so an empty name takes the slower path too, where it is reported. A name
     * running past the list ends the walk beyond `end`, which the check after the loops reports. */
    for (size_t ci = 0; n_server > 0 && pos < end; ci++) {
        size_t n = client_ext[pos];
        const uint8_t *name = client_ext + pos + 1;
        pos += 1 + n;
        if (!len_ok[n])
            continue;
        /* RFC 7301 §3.1: no empty name, and no name running past the list (its bytes are not read then). */
        if (n == 0 || pos > end)
            return alpn_list_validate(client_ext, client_ext_len, ALPN_ROLE_CLIENT, NULL, err);
        unsigned h = FILTER_SLOT(n, name[n - 1]);
        if ((filter[h >> 5] >> (h & 31) & 1u) == 0)
            continue;
        /* Only a server index better than the best so far can change the answer; the first equal entry is the
         * server's most preferred copy of the name. RFC 7301 §3.1: opaque byte strings — exact length and bytes,
         * no case folding, no prefix match, NUL is an ordinary byte. RFC 7301 §3.2: names the server does not
         * know are ignored. */
        size_t i = 0;
        while (i < best && (server[i].len != n || !same_name(server[i].data, name, n)))
            i++;
        /* RFC 8701 §3.1: a GREASE value is never negotiated, whatever the server list says. */
        if (i == best || alpn_grease_value(name, n))
            continue;
        best = i;
        best_client = ci;
        /* Client preference: the first supported name in the client's order wins. Server preference (RFC 7301
         * §3.2 SHOULD): the lowest server index wins, and index 0 cannot be beaten. */
        if (pref == ALPN_PREFER_CLIENT || best == 0)
            break;
    }
    /* Validation phase: the rest of the list must still be well-formed (RFC 7301 §3.1: no empty name, and the last
     * name ends exactly at the end of the list). A walk that overshot in the search phase stays beyond `end`. */
    if (skip_names(client_ext, pos, end) != end)
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

/* Aligned like select_general, for the same reason (3.4 to 4.3 ns for the realistic list, unaligned). */
__attribute__((aligned(64))) int alpn_selector_select(const alpn_selector *sel, const uint8_t *client_ext,
                                                      size_t client_ext_len, alpn_preference pref, size_t *selected,
                                                      size_t *client_index, alpn_error *err)
{
    /* The common case: the client's first name is the server's most preferred one (h2 offered first to a server
     * preferring h2). Server index 0 cannot be beaten and is also the client's first choice, so with either
     * preference only the rest of the list is left to validate (RFC 7301 §3.1: a list of non-empty names filling
     * the extension exactly). One load compares the first name, length byte included; a list of at least
     * 2 + HEAD_BYTES bytes holds it whole, as the key is shorter than HEAD_BYTES. Anything else, errors included,
     * takes the general path. */
    if (sel != NULL && selected != NULL && client_ext != NULL && client_ext_len >= 2 + HEAD_BYTES) {
        size_t end = 2 + ((size_t)client_ext[0] << 8 | client_ext[1]);
        uint64_t mask = sel->head_mask;
        if (end == client_ext_len && mask != 0 && (load_le64(client_ext + 2) & mask) == sel->head) {
            if (skip_names(client_ext, 3 + (size_t)client_ext[2], end) == end) {
                *selected = 0;
                if (client_index != NULL)
                    *client_index = 0;
                return ALPN_OK;
            }
        }
    }
    return select_general(sel, client_ext, client_ext_len, pref, selected, client_index, err);
}
