/*
 * Server-side protocol selection (RFC 7301 §3.2).
 *
 * The client's list is validated whole before any name counts, so a malformed list is always an error and never
 * a partial match (the bug class of OpenSSL's CVE-2024-5535, where a selection read past a bad list).
 */
#include <string.h>

#include "alpn.h"

static int fail(alpn_error *err, int status, size_t offset, const char *check, const char *detail)
{
    if (err != NULL) {
        err->status = status;
        err->offset = offset;
        err->check = check;
        err->detail = detail;
    }
    return status;
}

/* Index of the first server name equal to name (exact bytes), or n_server. GREASE entries never match:
 * RFC 8701 §3.1 — a server MUST NOT negotiate a GREASE value, whatever its own configuration says. */
static size_t find_server(const alpn_name *server, size_t n_server, const alpn_name *name)
{
    for (size_t i = 0; i < n_server; i++) {
        /* RFC 7301 §3.1: names are opaque byte strings — compared by length and bytes, no case folding, no
         * prefix match, and NUL is an ordinary byte. */
        if (server[i].len == name->len && memcmp(server[i].data, name->data, name->len) == 0)
            return alpn_is_grease(name->data, name->len) ? n_server : i;
    }
    return n_server;
}

int alpn_select(const alpn_name *server, size_t n_server, const uint8_t *client_ext, size_t client_ext_len,
                alpn_preference pref, size_t *selected, size_t *client_index, alpn_error *err)
{
    if ((server == NULL && n_server != 0) || selected == NULL)
        return fail(err, ALPN_E_ARGUMENT, 0, "API", "server list or selected is NULL");
    for (size_t i = 0; i < n_server; i++) {
        if (server[i].data == NULL || server[i].len == 0 || server[i].len > ALPN_NAME_MAX)
            return fail(err, ALPN_E_ARGUMENT, i, "API", "server list holds an empty or over-long name");
    }

    /* RFC 7301 §3.1 + RFC 8446 §6.2: a malformed list is a decode_error, decided before any matching. */
    int rc = alpn_list_validate(client_ext, client_ext_len, ALPN_ROLE_CLIENT, NULL, err);
    if (rc != ALPN_OK)
        return rc;

    size_t best = n_server, best_client = 0, ci = 0;
    alpn_iter it;
    alpn_name name;
    alpn_iter_init(&it, client_ext, client_ext_len);
    for (; alpn_iter_next(&it, &name); ci++) {
        /* RFC 7301 §3.2: names the server does not recognise are ignored. */
        size_t si = find_server(server, n_server, &name);
        if (si >= best)
            continue;
        best = si;
        best_client = ci;
        /* Client preference: the first supported name in the client's order wins. Server preference
         * (RFC 7301 §3.2 SHOULD): the lowest server index wins, and index 0 cannot be beaten. */
        if (pref == ALPN_PREFER_CLIENT || best == 0)
            break;
    }
    /* RFC 7301 §3.2: no overlap → fatal no_application_protocol alert. */
    if (best == n_server)
        return fail(err, ALPN_NO_APPLICATION_PROTOCOL, 0, "SRV-NO-OVERLAP-ALERT",
                    "no protocol offered by the client is supported by the server");
    *selected = best;
    if (client_index != NULL)
        *client_index = best_client;
    return ALPN_OK;
}
