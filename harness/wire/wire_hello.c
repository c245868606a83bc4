/* ClientHello construction and the parsers of the server's hello messages. */
#include <stdio.h>
#include <string.h>

#include "wire.h"

const uint8_t wire_hrr_random[32] = {0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
                                     0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
                                     0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

void wire_build_client_hello(wire_wr *w, const wire_client_hello *ch)
{
    int tls13 = ch->version == WIRE_TLS13, legacy = ch->version < WIRE_TLS12;
    wire_wr_u8(w, WIRE_HS_CLIENT_HELLO);
    size_t msg = wire_wr_open(w, 3);
    /* RFC 8446 §4.1.2: legacy_version is TLS 1.2 in a TLS 1.3 hello, which names 1.3 in supported_versions;
     * TLS 1.0 and 1.1 hellos (RFC 2246, RFC 4346) carry their own version here. */
    wire_wr_u16(w, legacy ? ch->version : WIRE_TLS12);
    wire_wr_bytes(w, ch->random, 32);
    size_t sid = wire_wr_open(w, 1);
    wire_wr_bytes(w, ch->session_id, ch->quic_tp != NULL ? 0 : 32);
    wire_wr_close(w, sid, 1);

    size_t suites = wire_wr_open(w, 2);
    if (tls13) {
        static const unsigned s13[] = {0x1301, 0x1302, 0x1303};
        for (size_t i = 0; i < 3; i++)
            wire_wr_u16(w, s13[i]);
    } else if (legacy) {
        /* CBC suites, the only ones TLS 1.0/1.1 have: ECDHE-ECDSA/RSA with AES-128/256-SHA, RSA AES-128-SHA. */
        static const unsigned s10[] = {0xc009, 0xc013, 0xc00a, 0xc014, 0x002f, 0x0035, 0x00ff};
        for (size_t i = 0; i < sizeof s10 / sizeof s10[0]; i++)
            wire_wr_u16(w, s10[i]);
    } else {
        /* ECDHE with AES-GCM and ChaCha20 for ECDSA and RSA certificates, plain RSA as a last resort, and the
         * renegotiation SCSV (RFC 5746 §3.3) instead of an empty renegotiation_info. */
        static const unsigned s12[] = {0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009c, 0x009d, 0x00ff};
        for (size_t i = 0; i < sizeof s12 / sizeof s12[0]; i++)
            wire_wr_u16(w, s12[i]);
    }
    wire_wr_close(w, suites, 2);
    wire_wr_u8(w, 1); /* compression_methods: null only */
    wire_wr_u8(w, 0);

    size_t exts = wire_wr_open(w, 2);
    if (ch->sni != NULL && ch->sni[0] != '\0') {
        /* RFC 6066 §3: server_name list with one host_name. */
        wire_wr_u16(w, WIRE_EXT_SERVER_NAME);
        size_t e = wire_wr_open(w, 2), list = wire_wr_open(w, 2);
        wire_wr_u8(w, 0);
        size_t host = wire_wr_open(w, 2);
        wire_wr_bytes(w, ch->sni, strlen(ch->sni));
        wire_wr_close(w, host, 2);
        wire_wr_close(w, list, 2);
        wire_wr_close(w, e, 2);
    }
    static const uint8_t groups[] = {0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18};
    wire_wr_extension(w, WIRE_EXT_SUPPORTED_GROUPS, groups, sizeof groups);
    static const uint8_t sigalgs[] = {0x00, 0x18, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08,
                                      0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x02, 0x01};
    /* RFC 5246 §7.4.1.4.1: signature_algorithms exists from TLS 1.2 on. */
    if (!legacy)
        wire_wr_extension(w, WIRE_EXT_SIGNATURE_ALGORITHMS, sigalgs, sizeof sigalgs);
    if (ch->send_alpn) {
        wire_wr_extension(w, WIRE_EXT_ALPN, ch->alpn, ch->alpn_len);
        if (ch->duplicate_alpn)
            wire_wr_extension(w, WIRE_EXT_ALPN, ch->alpn, ch->alpn_len);
    }
    if (ch->send_npn)
        wire_wr_extension(w, WIRE_EXT_NPN, NULL, 0);
    if (ch->quic_tp != NULL)
        wire_wr_extension(w, WIRE_EXT_QUIC_TRANSPORT_PARAMETERS, ch->quic_tp, ch->quic_tp_len);
    if (tls13) {
        static const uint8_t versions[] = {0x02, 0x03, 0x04};
        wire_wr_extension(w, WIRE_EXT_SUPPORTED_VERSIONS, versions, sizeof versions);
        static const uint8_t psk_modes[] = {0x01, 0x01};
        wire_wr_extension(w, WIRE_EXT_PSK_KEY_EXCHANGE_MODES, psk_modes, sizeof psk_modes);
        wire_wr_u16(w, WIRE_EXT_KEY_SHARE);
        size_t e = wire_wr_open(w, 2), list = wire_wr_open(w, 2);
        /* RFC 8446 §4.2.8: client_shares may be empty; the server then asks for a share with a HelloRetryRequest. */
        if (!ch->empty_key_share) {
            wire_wr_u16(w, ch->p256 ? WIRE_GROUP_SECP256R1 : WIRE_GROUP_X25519);
            size_t key = wire_wr_open(w, 2);
            if (ch->p256)
                wire_wr_bytes(w, ch->p256_public, 65);
            else
                wire_wr_bytes(w, ch->x25519_public, 32);
            wire_wr_close(w, key, 2);
        }
        wire_wr_close(w, list, 2);
        wire_wr_close(w, e, 2);
        if (ch->cookie_len > 0) {
            wire_wr_u16(w, WIRE_EXT_COOKIE);
            size_t c = wire_wr_open(w, 2), cookie = wire_wr_open(w, 2);
            wire_wr_bytes(w, ch->cookie, ch->cookie_len);
            wire_wr_close(w, cookie, 2);
            wire_wr_close(w, c, 2);
        }
        /* RFC 8446 §4.2.10: early_data in a ClientHello is empty. */
        if (ch->early_data)
            wire_wr_extension(w, WIRE_EXT_EARLY_DATA, NULL, 0);
        if (ch->psk_identity != NULL) {
            /* RFC 8446 §4.2.11: OfferedPsks { PskIdentity identities<7..2^16-1>; PskBinderEntry
             * binders<33..2^16-1>; }, PskIdentity { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; };
             * it MUST be the last extension. */
            wire_wr_u16(w, WIRE_EXT_PRE_SHARED_KEY);
            size_t pe = wire_wr_open(w, 2), ids = wire_wr_open(w, 2), id = wire_wr_open(w, 2);
            wire_wr_bytes(w, ch->psk_identity, ch->psk_identity_len);
            wire_wr_close(w, id, 2);
            wire_wr_u16(w, ch->psk_obfuscated_age >> 16);
            wire_wr_u16(w, ch->psk_obfuscated_age & 0xffff);
            wire_wr_close(w, ids, 2);
            size_t binders = wire_wr_open(w, 2), binder = wire_wr_open(w, 1);
            for (size_t i = 0; i < ch->psk_binder_len; i++)
                wire_wr_u8(w, 0);
            wire_wr_close(w, binder, 1);
            wire_wr_close(w, binders, 2);
            wire_wr_close(w, pe, 2);
        }
    } else {
        static const uint8_t formats[] = {0x01, 0x00};
        wire_wr_extension(w, WIRE_EXT_EC_POINT_FORMATS, formats, sizeof formats);
        wire_wr_extension(w, WIRE_EXT_EXTENDED_MASTER_SECRET, NULL, 0);
    }
    wire_wr_close(w, exts, 2);
    wire_wr_close(w, msg, 3);
}

/* Counts an ALPN extension and keeps the first one's extension_data. */
static void keep_alpn(wire_alpn_seen *alpn, const wire_rd *data)
{
    if (alpn->count++ == 0) {
        alpn->len = data->len;
        memcpy(alpn->data, data->p, data->len < WIRE_ALPN_KEEP ? data->len : WIRE_ALPN_KEEP);
    }
}

int wire_parse_extensions(wire_rd *r, wire_alpn_seen *alpn, int *npn)
{
    wire_rd exts = wire_rd_block(r, 2), data;
    unsigned type;
    int more;
    while ((more = wire_rd_extension(&exts, &type, &data)) > 0) {
        if (type == WIRE_EXT_ALPN)
            keep_alpn(alpn, &data);
        else if (type == WIRE_EXT_NPN && npn != NULL)
            *npn = 1;
    }
    return more < 0 || r->err ? -1 : 0;
}

/* Where the cursor r stands, as a byte offset in the message whose body starts at body (4 header bytes before). */
static size_t offset_of(const uint8_t *body, const wire_rd *r)
{
    return 4 + (size_t)((r->p ? r->p : body) + r->pos - body);
}

/* Notes why the parse fails (type >= 0: the extension's type) and where; -1. */
static int hello_bad(wire_server_hello *sh, size_t at, const char *what, int type)
{
    if (type >= 0)
        snprintf(sh->bad, sizeof sh->bad, "%s of type %d", what, type);
    else
        snprintf(sh->bad, sizeof sh->bad, "%s", what);
    sh->bad_at = at;
    return -1;
}

/* One extension of a ServerHello or HelloRetryRequest into sh. 0, or -1 when its data is malformed. */
static int hello_extension(wire_server_hello *sh, unsigned type, wire_rd *data)
{
    switch (type) {
    case WIRE_EXT_ALPN:
        keep_alpn(&sh->alpn, data);
        break;
    case WIRE_EXT_NPN:
        sh->npn = 1;
        break;
    case WIRE_EXT_SUPPORTED_VERSIONS:
        /* RFC 8446 §4.2.1: in a ServerHello, the one selected_version. */
        sh->version = wire_rd_u16(data);
        return wire_rd_left(data) != 0 ? -1 : 0;
    case WIRE_EXT_COOKIE: {
        /* RFC 8446 §4.2.2: opaque cookie<1..2^16-1>. */
        wire_rd cookie = wire_rd_block(data, 2);
        if (!cookie.err) {
            sh->cookie_len = cookie.len;
            memcpy(sh->cookie, cookie.p, cookie.len < sizeof sh->cookie ? cookie.len : sizeof sh->cookie);
        }
        break;
    }
    case WIRE_EXT_PRE_SHARED_KEY:
        /* RFC 8446 §4.2.11: in a ServerHello, uint16 selected_identity. */
        sh->psk_selected = 1;
        sh->psk_identity = wire_rd_u16(data);
        return wire_rd_left(data) != 0 ? -1 : 0;
    case WIRE_EXT_KEY_SHARE:
        /* RFC 8446 §4.2.8: ServerHello holds one KeyShareEntry; a HelloRetryRequest only the group. */
        sh->key_share_group = wire_rd_u16(data);
        if (!sh->is_hrr) {
            wire_rd key = wire_rd_block(data, 2);
            if (!key.err && ((key.len == 32 && sh->key_share_group == WIRE_GROUP_X25519) ||
                             (key.len == 65 && sh->key_share_group == WIRE_GROUP_SECP256R1))) {
                memcpy(sh->key_share, key.p, key.len);
                sh->key_share_ok = 1;
            }
        }
        break;
    default:
        break;
    }
    return data->err ? -1 : 0;
}

int wire_parse_server_hello(const uint8_t *body, size_t len, wire_server_hello *sh)
{
    wire_rd r;
    memset(sh, 0, sizeof *sh);
    wire_rd_init(&r, body, len);
    sh->version_at = 4;
    sh->version = wire_rd_u16(&r);
    const uint8_t *random = wire_rd_bytes(&r, 32);
    wire_rd_block(&r, 1); /* legacy_session_id_echo */
    sh->cipher = wire_rd_u16(&r);
    wire_rd_u8(&r); /* legacy_compression_method */
    if (r.err)
        return hello_bad(sh, offset_of(body, &r), "cut short", -1);
    sh->is_hrr = memcmp(random, wire_hrr_random, 32) == 0;
    wire_rd exts, data;
    unsigned type;
    int more;
    size_t block_at = offset_of(body, &r);
    if (wire_rd_hello_extensions(&r, &exts) != 0)
        return hello_bad(sh, block_at, "the extensions' length does not match the message", -1);
    /* RFC 8446 §4.2, RFC 5246 §7.4.1.4: one extension of a type per message. A second ALPN is counted and left to
     * the judges (an ALPN answer given twice is the check's finding); any other is an unusable answer, so that no
     * second copy can silently replace the first. */
    uint8_t seen[65536 / 8];
    memset(seen, 0, sizeof seen);
    for (;;) {
        size_t at = offset_of(body, &exts);
        if ((more = wire_rd_extension(&exts, &type, &data)) <= 0)
            return more < 0 ? hello_bad(sh, at, "an extension overruns the extensions block", -1) : 0;
        if ((seen[type >> 3] & 1u << (type & 7)) && type != WIRE_EXT_ALPN)
            return hello_bad(sh, at, "a second extension", (int)type);
        seen[type >> 3] |= (uint8_t)(1u << (type & 7));
        if (type == WIRE_EXT_SUPPORTED_VERSIONS)
            sh->version_at = at + 4;
        if (hello_extension(sh, type, &data) != 0)
            return hello_bad(sh, at, "a malformed extension", (int)type);
    }
}

int wire_parse_new_session_ticket(const uint8_t *body, size_t len, wire_new_session_ticket *t)
{
    wire_rd r;
    memset(t, 0, sizeof *t);
    wire_rd_init(&r, body, len);
    /* RFC 8446 §4.6.1: uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
     * opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>. */
    t->lifetime = (uint32_t)wire_rd_u16(&r) << 16;
    t->lifetime |= wire_rd_u16(&r);
    t->age_add = (uint32_t)wire_rd_u16(&r) << 16;
    t->age_add |= wire_rd_u16(&r);
    wire_rd nonce = wire_rd_block(&r, 1);
    wire_rd ticket = wire_rd_block(&r, 2);
    wire_rd exts, data;
    unsigned type;
    int more;
    if (wire_rd_last_block(&r, &exts) != 0 || ticket.len == 0 || ticket.len > WIRE_TICKET_KEEP)
        return -1;
    memcpy(t->nonce, nonce.p, nonce.len);
    t->nonce_len = nonce.len;
    memcpy(t->ticket, ticket.p, ticket.len);
    t->ticket_len = ticket.len;
    while ((more = wire_rd_extension(&exts, &type, &data)) > 0) {
        if (type == WIRE_EXT_EARLY_DATA) {
            /* RFC 8446 §4.2.10: in a NewSessionTicket, uint32 max_early_data_size. */
            t->max_early_data = (uint32_t)wire_rd_u16(&data) << 16;
            t->max_early_data |= wire_rd_u16(&data);
            if (data.err || wire_rd_left(&data) != 0)
                return -1;
            t->early_data = 1;
        }
    }
    return more < 0 ? -1 : 0;
}
