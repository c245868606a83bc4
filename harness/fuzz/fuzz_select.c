/*
 * Server-side selection. Input: a server list (a count byte, modulo 9, then 1-byte-length names) followed by the
 * client's extension_data. When the count byte's top bit is set, the same call with the last server name emptied must
 * be ALPN_E_ARGUMENT.
 *
 * Oracles, in both preference modes: a malformed client list is decode_error, never a selection; on a valid one the
 * answer is the best (server index, client index) pair of equal names found by brute force, GREASE excluded (RFC
 * 8701 §3.1), or no_application_protocol when there is none.
 *
 * Differential, on valid input only (both libraries take the list without its 2-byte length prefix):
 *   OpenSSL SSL_select_next_proto(out, outlen, server, client): the first name of the server list that the client
 *     list holds (server preference), OPENSSL_NPN_NEGOTIATED, else OPENSSL_NPN_NO_OVERLAP. It does not know GREASE,
 *     so it gets the server list with GREASE values removed; then it must agree with ALPN_PREFER_SERVER exactly.
 *   nghttp2 nghttp2_select_alpn (nghttp2_select_next_protocol before 1.58, same algorithm): "h2" anywhere in the
 *     client list → 1, else "http/1.1" → 0, else -1; that is ALPN_PREFER_SERVER with the server list {h2, http/1.1}.
 * Not compared, because they are known to differ on malformed input (see README.md in this directory):
 *   OpenSSL (3.0.19, measured) checks only that the client list starts with a non-empty name (else NO_OVERLAP with
 *     out = NULL); after that it walks the list up to its first malformed element and selects a name found before
 *     it (a partial match where libalpn rejects the whole list), and later empty names do not stop it. Before
 *     3.0.15/3.3.2 (CVE-2024-5535) an empty client list made it read past the buffer.
 *   nghttp2 validates nothing: it matches the 3 or 9 bytes "\x02h2" / "\x08http/1.1" at each element start, ignores
 *     a truncated last element and trailing bytes, and never sees the 2-byte list length.
 */
#include <stdlib.h>
#include <string.h>

#include <nghttp2/nghttp2.h>
#include <openssl/ssl.h>

#include "alpn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SERVER_MAX 8

static int same(const alpn_name *a, const alpn_name *b)
{
    return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* The best pair by brute force; returns 0 when no non-GREASE name is in both lists. */
static int brute_force(const alpn_name *server, size_t n_server, const uint8_t *ext, size_t ext_len,
                       alpn_preference pref, size_t *want_s, size_t *want_c)
{
    int found = 0;
    alpn_iter it;
    alpn_name name;
    alpn_iter_init(&it, ext, ext_len);
    for (size_t c = 0; alpn_iter_next(&it, &name); c++) {
        if (alpn_is_grease(name.data, name.len))
            continue;
        for (size_t s = 0; s < n_server; s++) {
            if (!same(&server[s], &name))
                continue;
            int better = !found || (pref == ALPN_PREFER_SERVER ? s < *want_s || (s == *want_s && c < *want_c)
                                                               : c < *want_c || (c == *want_c && s < *want_s));
            if (better) {
                *want_s = s;
                *want_c = c;
                found = 1;
            }
            break; /* later server copies of this name are worse in both orders */
        }
    }
    return found;
}

static void against_openssl(const alpn_name *server, size_t n_server, const uint8_t *ext, size_t ext_len)
{
    uint8_t wire[SERVER_MAX * 256];
    size_t wire_len = 0;
    for (size_t i = 0; i < n_server; i++) {
        if (alpn_is_grease(server[i].data, server[i].len))
            continue;
        wire[wire_len++] = (uint8_t)server[i].len;
        memcpy(wire + wire_len, server[i].data, server[i].len);
        wire_len += server[i].len;
    }
    size_t sel = 0;
    int rc = alpn_select(server, n_server, ext, ext_len, ALPN_PREFER_SERVER, &sel, NULL, NULL);
    unsigned char *out = NULL;
    unsigned char out_len = 0;
    int ossl = SSL_select_next_proto(&out, &out_len, wire, (unsigned)wire_len, ext + 2, (unsigned)(ext_len - 2));
    if (rc == ALPN_OK) {
        alpn_name got = {out, out_len};
        if (ossl != OPENSSL_NPN_NEGOTIATED || out == NULL || !same(&got, &server[sel]))
            abort();
    } else if (rc != ALPN_NO_APPLICATION_PROTOCOL || ossl != OPENSSL_NPN_NO_OVERLAP) {
        abort();
    }
}

static void against_nghttp2(const uint8_t *ext, size_t ext_len)
{
    static const alpn_name h2_first[2] = {{(const uint8_t *)"h2", 2}, {(const uint8_t *)"http/1.1", 8}};
    size_t sel = 0;
    int rc = alpn_select(h2_first, 2, ext, ext_len, ALPN_PREFER_SERVER, &sel, NULL, NULL);
    const unsigned char *out = NULL;
    unsigned char out_len = 0;
#ifdef ALPN_HAVE_NGHTTP2_SELECT_ALPN
    int ng = nghttp2_select_alpn(&out, &out_len, ext + 2, (unsigned)(ext_len - 2));
#else
    unsigned char *out_rw = NULL;
    int ng = nghttp2_select_next_protocol(&out_rw, &out_len, ext + 2, (unsigned)(ext_len - 2));
    out = out_rw;
#endif
    int want = rc == ALPN_OK ? (sel == 0 ? 1 : 0) : -1;
    if (rc != ALPN_OK && rc != ALPN_NO_APPLICATION_PROTOCOL)
        abort();
    if (ng != want)
        abort();
    if (ng >= 0) {
        alpn_name got = {out, out_len};
        if (out == NULL || !same(&got, &h2_first[sel]))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n_server = data[0] % (SERVER_MAX + 1), pos = 1;
    alpn_name server[SERVER_MAX];
    for (size_t i = 0; i < n_server; i++) {
        /* Only valid server lists: an invalid one is the caller's error (ALPN_E_ARGUMENT), not peer input. */
        if (pos >= size || data[pos] == 0 || data[pos] > size - pos - 1)
            return 0;
        server[i] = (alpn_name){data + pos + 1, data[pos]};
        pos += 1 + data[pos];
    }
    const uint8_t *ext = data + pos;
    size_t ext_len = size - pos;
    /* An invalid server list (an empty name) is the caller's error, whatever the client sent. */
    if (n_server > 0 && (data[0] & 0x80)) {
        alpn_name bad[SERVER_MAX];
        size_t sel = 0;
        memcpy(bad, server, n_server * sizeof bad[0]);
        bad[n_server - 1].len = 0;
        if (alpn_select(bad, n_server, ext, ext_len, ALPN_PREFER_SERVER, &sel, NULL, NULL) != ALPN_E_ARGUMENT)
            abort();
    }
    alpn_error verr = {0};
    int valid = alpn_list_validate(ext, ext_len, ALPN_ROLE_CLIENT, NULL, &verr) == ALPN_OK;
    for (int p = 0; p < 2; p++) {
        alpn_preference pref = p == 0 ? ALPN_PREFER_SERVER : ALPN_PREFER_CLIENT;
        size_t sel = SERVER_MAX, ci = (size_t)-1, want_s = 0, want_c = 0;
        alpn_error err = {0};
        int rc = alpn_select(server, n_server, ext, ext_len, pref, &sel, &ci, &err);
        if (!valid) {
            /* The whole list is validated before any name counts: the same rule and offset as the validator. */
            if (rc != ALPN_DECODE_ERROR || err.check == NULL || strcmp(err.check, verr.check) != 0 ||
                err.offset != verr.offset)
                abort();
            continue;
        }
        if (!brute_force(server, n_server, ext, ext_len, pref, &want_s, &want_c)) {
            if (rc != ALPN_NO_APPLICATION_PROTOCOL)
                abort();
        } else if (rc != ALPN_OK || sel != want_s || ci != want_c ||
                   alpn_is_grease(server[sel].data, server[sel].len)) {
            abort();
        }
    }
    if (valid) {
        against_openssl(server, n_server, ext, ext_len);
        against_nghttp2(ext, ext_len);
    }
    return 0;
}
