/* The server role: ClientHello parsing and the server's handshake messages. */
#include "wire_server.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

/* RFC 8701 §2: GREASE values are 0x?A?A with both bytes equal. */
static int is_grease16(unsigned v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* A value a uint16 list may hold, and the flag that records that it does. */
typedef struct {
    unsigned value;
    int *seen;
} u16_mark;

/* A vector of uint16 values (a length of prefix bytes; at least one value, whole values): sets the flag of each
 * marked value it holds, and *grease (when not NULL) for a GREASE value. 0, or -1 when malformed. */
static int u16_list(wire_rd *data, int prefix, const u16_mark *marks, size_t n, int *grease)
{
    wire_rd v = wire_rd_block(data, prefix);
    if (v.err || v.len < 2 || v.len % 2 != 0)
        return -1;
    while (wire_rd_left(&v) > 0) {
        unsigned x = wire_rd_u16(&v);
        for (size_t i = 0; i < n; i++)
            *marks[i].seen |= x == marks[i].value;
        if (grease != NULL)
            *grease |= is_grease16(x);
    }
    return 0;
}

static int parse_extension(wire_client_hello_info *ch, unsigned type, wire_rd *data, int *saw_versions)
{
    switch (type) {
    case WIRE_EXT_ALPN:
        /* Kept raw: the client checks judge the list itself (RFC 7301 §3.1). */
        if (ch->alpn_count++ == 0) {
            ch->alpn = data->p;
            ch->alpn_len = data->len;
        }
        wire_rd_bytes(data, data->len);
        break;
    case WIRE_EXT_SUPPORTED_VERSIONS: {
        /* RFC 8446 §4.2.1: ProtocolVersion versions<2..254>. */
        const u16_mark m[] = {{WIRE_TLS12, &ch->offers_tls12}, {WIRE_TLS13, &ch->offers_tls13}};
        if (u16_list(data, 1, m, 2, &ch->grease) != 0)
            return -1;
        *saw_versions = 1;
        break;
    }
    case WIRE_EXT_SUPPORTED_GROUPS: {
        /* RFC 8446 §4.2.7: NamedGroup named_group_list<2..2^16-1>. */
        const u16_mark m[] = {{WIRE_GROUP_X25519, &ch->group_x25519}, {WIRE_GROUP_SECP256R1, &ch->group_p256}};
        if (u16_list(data, 2, m, 2, &ch->grease) != 0)
            return -1;
        break;
    }
    case WIRE_EXT_KEY_SHARE: {
        /* RFC 8446 §4.2.8: KeyShareEntry client_shares<0..2^16-1>; key_exchange<1..2^16-1>. */
        wire_rd shares = wire_rd_block(data, 2), key;
        unsigned group;
        int more;
        while ((more = wire_rd_entry(&shares, 2, &group, &key)) > 0) {
            if (key.len == 0)
                return -1;
            if (group == WIRE_GROUP_X25519 && key.len == 32 && !ch->share_x25519) {
                memcpy(ch->x25519, key.p, 32);
                ch->share_x25519 = 1;
            } else if (group == WIRE_GROUP_SECP256R1 && key.len == 65 && !ch->share_p256) {
                memcpy(ch->p256, key.p, 65);
                ch->share_p256 = 1;
            }
            ch->grease |= is_grease16(group);
        }
        if (more < 0)
            return -1;
        break;
    }
    case WIRE_EXT_SIGNATURE_ALGORITHMS: {
        /* RFC 8446 §4.2.3: SignatureScheme supported_signature_algorithms<2..2^16-2>. */
        const u16_mark m[] = {{WIRE_SIG_ECDSA_P256_SHA256, &ch->sig_ecdsa_p256}};
        if (u16_list(data, 2, m, 1, NULL) != 0)
            return -1;
        break;
    }
    case WIRE_EXT_SERVER_NAME: {
        /* RFC 6066 §3: ServerName server_name_list<1..2^16-1>; HostName<1..2^16-1>. */
        wire_rd list = wire_rd_block(data, 2), name;
        unsigned name_type;
        int more;
        while ((more = wire_rd_entry(&list, 1, &name_type, &name)) > 0) {
            if (name_type == 0 && ch->sni[0] == '\0' && name.len > 0 && name.len < sizeof ch->sni) {
                memcpy(ch->sni, name.p, name.len);
                ch->sni[name.len] = '\0';
            }
        }
        if (more < 0)
            return -1;
        break;
    }
    case WIRE_EXT_PSK_KEY_EXCHANGE_MODES: {
        /* RFC 8446 §4.2.9: PskKeyExchangeMode ke_modes<1..255>. */
        wire_rd m = wire_rd_block(data, 1);
        if (m.err || m.len < 1)
            return -1;
        while (wire_rd_left(&m) > 0)
            ch->psk_dhe_ke |= wire_rd_u8(&m) == 1;
        break;
    }
    case WIRE_EXT_PRE_SHARED_KEY: {
        /* RFC 8446 §4.2.11: OfferedPsks { PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>; },
         * PskIdentity { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; },
         * PskBinderEntry<32..255>. A second pre_shared_key (RFC 8446 §4.2: one extension of a type) starts the
         * kept identities and binders over, so that they always come from one extension; the first is followed by
         * another extension, which psk_not_last records. */
        ch->psk = 1;
        ch->n_psks = 0;
        memset(ch->psks, 0, sizeof ch->psks);
        size_t before = wire_rd_left(data);
        wire_rd ids = wire_rd_block(data, 2);
        size_t binders_at = before - wire_rd_left(data);
        wire_rd binders = wire_rd_block(data, 2);
        if (data->err || ids.len < 7 || binders.len < 33)
            return -1;
        ch->psk_binders_len = before - binders_at;
        size_t ni = 0;
        while (wire_rd_left(&ids) > 0) {
            ni++;
            wire_rd id = wire_rd_block(&ids, 2);
            uint32_t age = (uint32_t)wire_rd_u16(&ids) << 16;
            age |= wire_rd_u16(&ids);
            if (ids.err || id.len == 0)
                return -1;
            if (ch->n_psks < WIRE_CH_PSK_KEEP) {
                ch->psks[ch->n_psks].identity = id.p;
                ch->psks[ch->n_psks].identity_len = id.len;
                ch->psks[ch->n_psks++].obfuscated_age = age;
            }
        }
        size_t nb = 0;
        while (wire_rd_left(&binders) > 0) {
            wire_rd b = wire_rd_block(&binders, 1);
            if (binders.err || b.len < 32)
                return -1;
            if (nb < WIRE_CH_PSK_KEEP) {
                ch->psks[nb].binder = b.p;
                ch->psks[nb].binder_len = b.len;
            }
            nb++;
        }
        /* RFC 8446 §4.2.11: one binder per identity, in the same order. Counted over all of them; the first
         * WIRE_CH_PSK_KEEP are kept. */
        ch->n_binders = nb == ni ? (nb < WIRE_CH_PSK_KEEP ? nb : WIRE_CH_PSK_KEEP) : (size_t)-1;
        break;
    }
    case WIRE_EXT_QUIC_TRANSPORT_PARAMETERS:
        /* Kept raw, the first one: the QUIC server parses it (RFC 9001 §8.2). */
        if (ch->quic_tp == NULL) {
            ch->quic_tp = data->p;
            ch->quic_tp_len = data->len;
        }
        wire_rd_bytes(data, data->len);
        break;
    case WIRE_EXT_EARLY_DATA:
        /* RFC 8446 §4.2.10: empty in a ClientHello. */
        if (data->len != 0)
            return -1;
        ch->early_data = 1;
        break;
    default:
        ch->npn |= type == WIRE_EXT_NPN;
        ch->ems |= type == WIRE_EXT_EXTENDED_MASTER_SECRET;
        ch->reneg_info |= type == WIRE_EXT_RENEGOTIATION_INFO;
        ch->ec_point_formats |= type == WIRE_EXT_EC_POINT_FORMATS;
        wire_rd_bytes(data, data->len);
        break;
    }
    /* Each parsed extension must fill its extension_data exactly. */
    return data->err || wire_rd_left(data) != 0 ? -1 : 0;
}

int wire_parse_client_hello(const uint8_t *body, size_t len, wire_client_hello_info *ch)
{
    wire_rd r;
    memset(ch, 0, sizeof *ch);
    wire_rd_init(&r, body, len);
    ch->legacy_version = wire_rd_u16(&r);
    const uint8_t *random = wire_rd_bytes(&r, 32);
    /* RFC 8446 §4.1.2: legacy_session_id<0..32>. */
    wire_rd sid = wire_rd_block(&r, 1);
    /* cipher_suites<2..2^16-2>, legacy_compression_methods<1..2^8-1>. */
    wire_rd suites = wire_rd_block(&r, 2);
    wire_rd comp = wire_rd_block(&r, 1);
    if (r.err || sid.len > 32 || suites.len < 2 || suites.len % 2 != 0 || comp.len < 1)
        return -1;
    memcpy(ch->random, random, 32);
    memcpy(ch->session_id, sid.p, sid.len);
    ch->session_id_len = sid.len;
    while (wire_rd_left(&suites) > 0) {
        unsigned s = wire_rd_u16(&suites);
        if (ch->n_suites < WIRE_CH_SUITES_KEEP)
            ch->suites[ch->n_suites++] = s;
        ch->scsv |= s == 0x00ff;
        ch->grease |= is_grease16(s);
    }
    while (wire_rd_left(&comp) > 0)
        ch->compression_null |= wire_rd_u8(&comp) == 0;
    int saw_versions = 0, more;
    wire_rd exts, data;
    unsigned type;
    /* RFC 5246 §7.4.1.2: the extensions may be absent; when present they fill the rest of the hello. */
    if (wire_rd_hello_extensions(&r, &exts) != 0)
        return -1;
    while ((more = wire_rd_extension(&exts, &type, &data)) > 0) {
        ch->n_extensions++;
        ch->grease |= is_grease16(type);
        /* RFC 8446 §4.2.11: pre_shared_key MUST be the last extension in the ClientHello. */
        ch->psk_not_last |= ch->psk;
        if (parse_extension(ch, type, &data, &saw_versions) != 0)
            return -1;
    }
    if (more < 0)
        return -1;
    /* RFC 8446 §4.2.1: without supported_versions, legacy_version is the highest version offered. */
    if (!saw_versions)
        ch->offers_tls12 = ch->legacy_version >= WIRE_TLS12;
    return 0;
}

int wire_ch_offers_suite(const wire_client_hello_info *ch, unsigned suite)
{
    for (size_t i = 0; i < ch->n_suites; i++) {
        if (ch->suites[i] == suite)
            return 1;
    }
    return 0;
}

void wire_build_server_hello(wire_wr *w, const wire_server_hello_params *p)
{
    int tls13 = p->version == WIRE_TLS13;
    wire_wr_u8(w, WIRE_HS_SERVER_HELLO);
    size_t m = wire_wr_open(w, 3);
    /* RFC 8446 §4.1.3: legacy_version 0x0303; the real version is in supported_versions. */
    wire_wr_u16(w, WIRE_TLS12);
    /* RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello with a special random. */
    wire_wr_bytes(w, p->hello_retry ? wire_hrr_random : p->random, 32);
    size_t sid = wire_wr_open(w, 1);
    wire_wr_bytes(w, p->session_id, p->session_id_len);
    wire_wr_close(w, sid, 1);
    wire_wr_u16(w, p->cipher);
    wire_wr_u8(w, 0);
    size_t exts = wire_wr_open(w, 2);
    if (tls13) {
        static const uint8_t v13[] = {0x03, 0x04};
        wire_wr_extension(w, WIRE_EXT_SUPPORTED_VERSIONS, v13, sizeof v13);
    }
    if (tls13 && p->hello_retry) {
        /* RFC 8446 §4.2.8: in a HelloRetryRequest, key_share holds only the selected_group. */
        const uint8_t group[2] = {(uint8_t)(p->group >> 8), (uint8_t)p->group};
        wire_wr_extension(w, WIRE_EXT_KEY_SHARE, group, sizeof group);
    } else if (tls13) {
        /* RFC 8446 §4.2.8: ServerHello carries one KeyShareEntry. */
        wire_wr_u16(w, WIRE_EXT_KEY_SHARE);
        size_t e = wire_wr_open(w, 2);
        wire_wr_u16(w, p->group);
        size_t k = wire_wr_open(w, 2);
        wire_wr_bytes(w, p->key_share, p->key_share_len);
        wire_wr_close(w, k, 2);
        wire_wr_close(w, e, 2);
        /* RFC 8446 §4.2.11: in ServerHello, uint16 selected_identity. */
        if (p->psk) {
            wire_wr_u16(w, WIRE_EXT_PRE_SHARED_KEY);
            wire_wr_u16(w, 2);
            wire_wr_u16(w, p->psk_identity);
        }
    } else {
        /* RFC 5746 §3.6: an empty renegotiation_info answers the client's (or its SCSV). */
        static const uint8_t empty_reneg[] = {0x00};
        if (p->reneg_info)
            wire_wr_extension(w, WIRE_EXT_RENEGOTIATION_INFO, empty_reneg, 1);
        if (p->ems)
            wire_wr_extension(w, WIRE_EXT_EXTENDED_MASTER_SECRET, NULL, 0);
        static const uint8_t formats[] = {0x01, 0x00};
        if (p->ec_point_formats)
            wire_wr_extension(w, WIRE_EXT_EC_POINT_FORMATS, formats, sizeof formats);
    }
    if (p->send_alpn)
        wire_wr_extension(w, WIRE_EXT_ALPN, p->alpn, p->alpn_len);
    if (p->send_npn)
        wire_wr_extension(w, WIRE_EXT_NPN, p->npn, p->npn_len);
    wire_wr_close(w, exts, 2);
    wire_wr_close(w, m, 3);
}

static void encrypted_extensions(wire_wr *w, int send_alpn, const uint8_t *alpn, size_t alpn_len, int early,
                                 const uint8_t *quic_tp, size_t quic_tp_len)
{
    /* RFC 8446 §4.3.1: struct { Extension extensions<0..2^16-1>; } EncryptedExtensions. */
    wire_wr_u8(w, WIRE_HS_ENCRYPTED_EXTENSIONS);
    size_t m = wire_wr_open(w, 3), exts = wire_wr_open(w, 2);
    if (send_alpn)
        wire_wr_extension(w, WIRE_EXT_ALPN, alpn, alpn_len);
    /* RFC 8446 §4.2.10: an empty early_data extension in EncryptedExtensions accepts the client's 0-RTT data. */
    if (early)
        wire_wr_extension(w, WIRE_EXT_EARLY_DATA, NULL, 0);
    /* RFC 9001 §8.2: a QUIC server's transport parameters travel in EncryptedExtensions. */
    if (quic_tp != NULL)
        wire_wr_extension(w, WIRE_EXT_QUIC_TRANSPORT_PARAMETERS, quic_tp, quic_tp_len);
    wire_wr_close(w, exts, 2);
    wire_wr_close(w, m, 3);
}

void wire_build_encrypted_extensions(wire_wr *w, int send_alpn, const uint8_t *alpn, size_t alpn_len)
{
    encrypted_extensions(w, send_alpn, alpn, alpn_len, 0, NULL, 0);
}

void wire_build_encrypted_extensions_early(wire_wr *w, int send_alpn, const uint8_t *alpn, size_t alpn_len)
{
    encrypted_extensions(w, send_alpn, alpn, alpn_len, 1, NULL, 0);
}

void wire_build_encrypted_extensions_quic(wire_wr *w, int send_alpn, const uint8_t *alpn, size_t alpn_len,
                                          const uint8_t *quic_tp, size_t quic_tp_len)
{
    encrypted_extensions(w, send_alpn, alpn, alpn_len, 0, quic_tp, quic_tp_len);
}

void wire_build_new_session_ticket(wire_wr *w, uint32_t lifetime, uint32_t age_add, const uint8_t *nonce,
                                   size_t nonce_len, const uint8_t *ticket, size_t ticket_len, uint32_t max_early_data)
{
    /* RFC 8446 §4.6.1: uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
     * opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>. */
    wire_wr_u8(w, WIRE_HS_NEW_SESSION_TICKET);
    size_t m = wire_wr_open(w, 3);
    wire_wr_u16(w, lifetime >> 16);
    wire_wr_u16(w, lifetime & 0xffff);
    wire_wr_u16(w, age_add >> 16);
    wire_wr_u16(w, age_add & 0xffff);
    size_t n = wire_wr_open(w, 1);
    wire_wr_bytes(w, nonce, nonce_len);
    wire_wr_close(w, n, 1);
    size_t t = wire_wr_open(w, 2);
    wire_wr_bytes(w, ticket, ticket_len);
    wire_wr_close(w, t, 2);
    size_t exts = wire_wr_open(w, 2);
    if (max_early_data > 0) {
        /* RFC 8446 §4.2.10: in a NewSessionTicket, uint32 max_early_data_size. */
        wire_wr_u16(w, WIRE_EXT_EARLY_DATA);
        wire_wr_u16(w, 4);
        wire_wr_u16(w, max_early_data >> 16);
        wire_wr_u16(w, max_early_data & 0xffff);
    }
    wire_wr_close(w, exts, 2);
    wire_wr_close(w, m, 3);
}

void wire_build_certificate(wire_wr *w, int tls13, const uint8_t *der, size_t der_len)
{
    wire_wr_u8(w, WIRE_HS_CERTIFICATE);
    size_t m = wire_wr_open(w, 3);
    /* RFC 8446 §4.4.2: certificate_request_context<0..255> (empty), then CertificateEntry certificate_list<0..2^24-1>
     * with cert_data<1..2^24-1> and extensions<0..2^16-1>; RFC 5246 §7.4.2: ASN.1Cert certificate_list<0..2^24-1>. */
    if (tls13)
        wire_wr_u8(w, 0);
    size_t list = wire_wr_open(w, 3), cert = wire_wr_open(w, 3);
    wire_wr_bytes(w, der, der_len);
    wire_wr_close(w, cert, 3);
    if (tls13)
        wire_wr_u16(w, 0);
    wire_wr_close(w, list, 3);
    wire_wr_close(w, m, 3);
}

void wire_build_certificate_verify(wire_wr *w, unsigned scheme, const uint8_t *sig, size_t sig_len)
{
    /* RFC 8446 §4.4.3: SignatureScheme algorithm; opaque signature<0..2^16-1>. */
    wire_wr_u8(w, WIRE_HS_CERTIFICATE_VERIFY);
    size_t m = wire_wr_open(w, 3);
    wire_wr_u16(w, scheme);
    size_t s = wire_wr_open(w, 2);
    wire_wr_bytes(w, sig, sig_len);
    wire_wr_close(w, s, 2);
    wire_wr_close(w, m, 3);
}

void wire_build_finished(wire_wr *w, const uint8_t *verify_data, size_t len)
{
    wire_wr_u8(w, WIRE_HS_FINISHED);
    size_t m = wire_wr_open(w, 3);
    wire_wr_bytes(w, verify_data, len);
    wire_wr_close(w, m, 3);
}

void wire_build_ecdhe_params(wire_wr *w, unsigned group, const uint8_t *pub, size_t pub_len)
{
    /* RFC 8422 §5.4: ECCurveType named_curve (3), NamedCurve, then ECPoint point<1..2^8-1>. */
    wire_wr_u8(w, 3);
    wire_wr_u16(w, group);
    size_t pt = wire_wr_open(w, 1);
    wire_wr_bytes(w, pub, pub_len);
    wire_wr_close(w, pt, 1);
}

void wire_build_server_key_exchange(wire_wr *w, const uint8_t *params, size_t params_len, unsigned scheme,
                                    const uint8_t *sig, size_t sig_len)
{
    /* RFC 8422 §5.4 with RFC 5246 §4.7: params, then digitally-signed (SignatureAndHashAlgorithm, signature). */
    wire_wr_u8(w, WIRE_HS_SERVER_KEY_EXCHANGE);
    size_t m = wire_wr_open(w, 3);
    wire_wr_bytes(w, params, params_len);
    wire_wr_u16(w, scheme);
    size_t s = wire_wr_open(w, 2);
    wire_wr_bytes(w, sig, sig_len);
    wire_wr_close(w, s, 2);
    wire_wr_close(w, m, 3);
}

void wire_build_server_hello_done(wire_wr *w)
{
    /* RFC 5246 §7.4.5: an empty body. */
    wire_wr_u8(w, WIRE_HS_SERVER_HELLO_DONE);
    wire_wr_u24(w, 0);
}

size_t wire_certificate_verify_input(const uint8_t *transcript_hash, size_t hash_len, uint8_t out[200])
{
    static const char context[] = "TLS 1.3, server CertificateVerify";
    size_t n = 0;
    memset(out, 0x20, 64);
    n += 64;
    memcpy(out + n, context, sizeof context); /* with its terminating 0, the separator byte */
    n += sizeof context;
    if (hash_len > 200 - n)
        hash_len = 200 - n;
    memcpy(out + n, transcript_hash, hash_len);
    return n + hash_len;
}

int wire_finished_verify_data(const wire_suite *s, const uint8_t *base_key, const uint8_t *transcript_hash,
                              uint8_t *out)
{
    uint8_t finished_key[48];
    if (wire_expand_label(s, base_key, "finished", NULL, 0, finished_key, s->hash_len) != 0)
        return -1;
    return gnutls_hmac_fast((gnutls_mac_algorithm_t)s->mac, finished_key, s->hash_len, transcript_hash, s->hash_len,
                            out) < 0
               ? -1
               : 0;
}
