/*
 * The ProtocolNameList oracle shared by fuzz_list_client and fuzz_list_server (one role each, so that each corpus
 * and coverage report belongs to one role). Included by exactly one target file; the targets abort() on a violation.
 */
#ifndef FUZZ_LIST_ORACLE_H
#define FUZZ_LIST_ORACLE_H

#include <stdlib.h>
#include <string.h>

#include "alpn.h"
#include "buffer_oracle.h"

typedef struct {
    const alpn_name *names;
    size_t n;
} names_ctx;

static int encode_names(const void *ctx, void *out, size_t cap, size_t *need)
{
    const names_ctx *c = ctx;
    return alpn_list_encode(c->names, c->n, out, cap, need, NULL);
}

/* RFC 7301 §3.1 on the sending side: the encoder refuses what a peer must reject instead of truncating it. Derived
 * from a valid list: no names; its first name emptied; a name one byte too long (only when the input has the 256
 * readable bytes); copies of a long name until the list passes 65535 bytes. */
static void encoder_contract(alpn_name *names, size_t n, size_t len)
{
    static uint8_t out[ALPN_EXT_MAX];
    size_t out_len = 0;
    alpn_error err = {0};
    if (alpn_list_encode(names, 0, out, sizeof out, &out_len, &err) != ALPN_E_ARGUMENT || err.check == NULL)
        abort();
    alpn_name saved = names[0];
    names[0].len = 0;
    int rc = alpn_list_encode(names, n, out, sizeof out, &out_len, NULL);
    names[0] = saved;
    if (rc != ALPN_E_ARGUMENT)
        abort();
    /* The first name starts at byte 3 of the input, so 256 bytes from there are readable when len >= 259. */
    alpn_name too_long = {saved.data, ALPN_NAME_MAX + 1};
    if (len >= 3 + ALPN_NAME_MAX + 1 &&
        alpn_list_encode(&too_long, 1, out, sizeof out, &out_len, NULL) != ALPN_E_ARGUMENT)
        abort();
    if (saved.len >= 128) {
        static alpn_name copies[ALPN_LIST_MAX / 129 + 1];
        size_t k = ALPN_LIST_MAX / (saved.len + 1) + 1; /* k names of 1 + len bytes exceed 65535 */
        for (size_t i = 0; i < k; i++)
            copies[i] = saved;
        if (alpn_list_encode(copies, k, out, sizeof out, &out_len, NULL) != ALPN_E_ARGUMENT ||
            alpn_list_encode(copies, k - 1, out, sizeof out, &out_len, NULL) != ALPN_OK)
            abort();
    }
}

/* The registry and the GREASE rule agree on every name: a GREASE value found in the table is of kind GREASE, a name
 * found is byte-equal to the one looked up, and every status has a name. */
static void registry_agrees(const alpn_name *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const alpn_registry_entry *e = alpn_registry_find(names[i].data, names[i].len);
        int grease = alpn_is_grease(names[i].data, names[i].len);
        if (e != NULL && (e->name.len != names[i].len || memcmp(e->name.data, names[i].data, names[i].len) != 0 ||
                          (e->kind == ALPN_KIND_GREASE) != grease))
            abort();
        if (e == NULL && grease)
            abort(); /* all 16 GREASE values are in the table (RFC 8701 §2) */
    }
    if (alpn_strerror(names[0].len) == NULL)
        abort();
}

static void list_oracle(const uint8_t *ext, size_t len, alpn_role role)
{
    static alpn_name names[ALPN_LIST_MAX / 2 + 1]; /* a valid list holds at most 32767 names; one more slot for the
                                                    * iterator call that must find none */
    static uint8_t out[ALPN_EXT_MAX];
    alpn_error err = {0};
    size_t count = 0;
    int rc = alpn_list_validate(ext, len, role, &count, &err);
    if (rc != ALPN_OK) {
        /* A rejection is always decode_error with its rule named and an offset inside the input. */
        if (rc != ALPN_DECODE_ERROR || err.status != rc || err.check == NULL || err.detail == NULL || err.offset > len)
            abort();
        /* On rejected input the iterator stops early and stays inside the input. */
        alpn_iter it;
        alpn_name name;
        size_t n = 0;
        alpn_iter_init(&it, ext, len);
        while (alpn_iter_next(&it, &name)) {
            if (name.len == 0 || name.data < ext || name.data + name.len > ext + len || ++n > len)
                abort();
        }
        return;
    }
    /* RFC 7301 §3.1: the client offers one or more names, the server answers with exactly one. */
    if (count == 0 || count > ALPN_LIST_MAX / 2 || (role == ALPN_ROLE_SERVER && count != 1))
        abort();
    /* The iterator yields exactly the validated names, each non-empty and inside the input ... */
    alpn_iter it;
    size_t n = 0;
    alpn_iter_init(&it, ext, len);
    while (n <= count && alpn_iter_next(&it, &names[n])) {
        if (names[n].len == 0 || names[n].data < ext || names[n].data + names[n].len > ext + len)
            abort();
        n++;
    }
    if (n != count)
        abort();
    /* ... and they re-encode to the very same bytes: decode and encode agree on the wire format. */
    size_t out_len = 0;
    if (alpn_list_encode(names, n, out, sizeof out, &out_len, NULL) != ALPN_OK || out_len != len ||
        memcmp(out, ext, len) != 0)
        abort();
    /* Too little room (cut at an input-dependent point) keeps the buffer contract. */
    const names_ctx nc = {names, n};
    buffer_contract(encode_names, &nc, (ext[len - 1] * 257u + len) % len, len);
    encoder_contract(names, n, len);
    registry_agrees(names, n);
}

#endif
