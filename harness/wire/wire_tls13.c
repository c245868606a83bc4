/* TLS 1.3 key schedule (RFC 8446 §7.1: with or without a PSK), record protection (§5.2), and X25519 (RFC 7748). */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <nettle/curve25519.h>
#include <string.h>

#include "wire.h"

int wire_suite_for(unsigned code, wire_suite *s)
{
    switch (code) {
    case 0x1301:
        *s = (wire_suite){GNUTLS_MAC_SHA256, GNUTLS_DIG_SHA256, GNUTLS_CIPHER_AES_128_GCM, 32, 16};
        return 0;
    case 0x1302:
        *s = (wire_suite){GNUTLS_MAC_SHA384, GNUTLS_DIG_SHA384, GNUTLS_CIPHER_AES_256_GCM, 48, 32};
        return 0;
    case 0x1303:
        *s = (wire_suite){GNUTLS_MAC_SHA256, GNUTLS_DIG_SHA256, GNUTLS_CIPHER_CHACHA20_POLY1305, 32, 32};
        return 0;
    default:
        return -1;
    }
}

int wire_expand_label(const wire_suite *s, const uint8_t *secret, const char *label, const uint8_t *ctx, size_t ctx_len,
                      uint8_t *out, size_t out_len)
{
    /* RFC 8446 §7.1: HkdfLabel = uint16 length, opaque label<7..255> = "tls13 " + Label, opaque context<0..255>. */
    uint8_t info[2 + 1 + 255 + 1 + 255];
    size_t label_len = strlen(label);
    if (label_len > 249 || ctx_len > 255)
        return -1;
    wire_wr w;
    wire_wr_init(&w, info, sizeof info);
    wire_wr_u16(&w, (unsigned)out_len);
    wire_wr_u8(&w, (unsigned)(6 + label_len));
    wire_wr_bytes(&w, "tls13 ", 6);
    wire_wr_bytes(&w, label, label_len);
    wire_wr_u8(&w, (unsigned)ctx_len);
    wire_wr_bytes(&w, ctx, ctx_len);
    gnutls_datum_t key = {(unsigned char *)secret, (unsigned)s->hash_len};
    gnutls_datum_t inf = {info, (unsigned)w.len};
    return w.err || gnutls_hkdf_expand((gnutls_mac_algorithm_t)s->mac, &key, &inf, out, out_len) < 0 ? -1 : 0;
}

int wire_traffic_keys(const wire_suite *s, const uint8_t *secret, wire_traffic *t)
{
    /* RFC 8446 §7.3: write_key = Expand-Label(secret, "key", "", key_length); write_iv likewise with "iv", 12. */
    memset(t, 0, sizeof *t);
    return wire_expand_label(s, secret, "key", NULL, 0, t->key, s->key_len) ||
                   wire_expand_label(s, secret, "iv", NULL, 0, t->iv, 12)
               ? -1
               : 0;
}

int wire_derive_secret(const wire_suite *s, const uint8_t *secret, const char *label, const uint8_t *transcript_hash,
                       uint8_t *out)
{
    /* RFC 8446 §7.1: Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label,
     * Transcript-Hash(Messages), Hash.length). */
    return wire_expand_label(s, secret, label, transcript_hash, s->hash_len, out, s->hash_len);
}

int wire_early_secret(const wire_suite *s, const uint8_t *psk, uint8_t *early)
{
    /* RFC 8446 §7.1: Early Secret = HKDF-Extract(salt 0, IKM = PSK), a string of Hash.length zeros without one. */
    uint8_t zeros[48] = {0};
    gnutls_datum_t ikm = {(unsigned char *)(psk != NULL ? psk : zeros), (unsigned)s->hash_len}, salt = {NULL, 0};
    return gnutls_hkdf_extract((gnutls_mac_algorithm_t)s->mac, &ikm, &salt, early) < 0 ? -1 : 0;
}

/* Derive-Secret(secret, "derived", ""), the salt of the next HKDF-Extract (RFC 8446 §7.1). */
static int derived_salt(const wire_suite *s, const uint8_t *secret, uint8_t *out)
{
    uint8_t empty_hash[48];
    if (gnutls_hash_fast((gnutls_digest_algorithm_t)s->digest, "", 0, empty_hash) < 0)
        return -1;
    return wire_derive_secret(s, secret, "derived", empty_hash, out);
}

int wire_derive_handshake_keys_psk(const wire_suite *s, const uint8_t *psk, const uint8_t *shared, size_t shared_len,
                                   const uint8_t *transcript_hash, wire_hs_keys *k)
{
    uint8_t early[48], derived[48];
    if (wire_early_secret(s, psk, early) != 0 || derived_salt(s, early, derived) != 0)
        return -1;
    /* Handshake Secret = HKDF-Extract(salt = derived, IKM = (EC)DHE shared secret). */
    gnutls_datum_t dhe = {(unsigned char *)shared, (unsigned)shared_len}, der = {derived, (unsigned)s->hash_len};
    if (gnutls_hkdf_extract((gnutls_mac_algorithm_t)s->mac, &dhe, &der, k->handshake_secret) < 0)
        return -1;
    if (wire_derive_secret(s, k->handshake_secret, "c hs traffic", transcript_hash, k->client_secret) ||
        wire_derive_secret(s, k->handshake_secret, "s hs traffic", transcript_hash, k->server_secret))
        return -1;
    return wire_traffic_keys(s, k->client_secret, &k->client) || wire_traffic_keys(s, k->server_secret, &k->server) ? -1
                                                                                                                    : 0;
}

int wire_derive_handshake_keys(const wire_suite *s, const uint8_t *shared, size_t shared_len,
                               const uint8_t *transcript_hash, wire_hs_keys *k)
{
    return wire_derive_handshake_keys_psk(s, NULL, shared, shared_len, transcript_hash, k);
}

int wire_master_secret(const wire_suite *s, const uint8_t *handshake_secret, uint8_t *master)
{
    /* RFC 8446 §7.1: Master Secret = HKDF-Extract(salt = Derive-Secret(Handshake Secret, "derived", ""), IKM = 0). */
    uint8_t zeros[48] = {0}, derived[48];
    if (derived_salt(s, handshake_secret, derived) != 0)
        return -1;
    gnutls_datum_t ikm = {zeros, (unsigned)s->hash_len}, salt = {derived, (unsigned)s->hash_len};
    return gnutls_hkdf_extract((gnutls_mac_algorithm_t)s->mac, &ikm, &salt, master) < 0 ? -1 : 0;
}

int wire_psk_binder(const wire_suite *s, const uint8_t *psk, const uint8_t *truncated_hash, uint8_t *out)
{
    /* RFC 8446 §4.2.11.2: the binder is computed as a Finished (§4.4.4) with BaseKey = binder_key, where
     * binder_key = Derive-Secret(Early Secret, "res binder", "") for a resumption PSK (§7.1), over
     * Transcript-Hash(Truncate(ClientHello)). */
    uint8_t early[48], empty_hash[48], binder_key[48], finished_key[48];
    if (wire_early_secret(s, psk, early) != 0 ||
        gnutls_hash_fast((gnutls_digest_algorithm_t)s->digest, "", 0, empty_hash) < 0 ||
        wire_derive_secret(s, early, "res binder", empty_hash, binder_key) != 0 ||
        wire_expand_label(s, binder_key, "finished", NULL, 0, finished_key, s->hash_len) != 0)
        return -1;
    return gnutls_hmac_fast((gnutls_mac_algorithm_t)s->mac, finished_key, s->hash_len, truncated_hash, s->hash_len,
                            out) < 0
               ? -1
               : 0;
}

/* The AEAD of one record under the traffic keys (RFC 8446 §5.2), sealing (encrypting) or opening in[0..in_len) into
 * out: the additional data is the 5-byte record header, the tag 16 bytes. 0, or -1 when GnuTLS refuses (a bad tag). */
static int record_aead(const wire_suite *s, wire_traffic *t, int seal, const uint8_t *header, const uint8_t *in,
                       size_t in_len, uint8_t *out, size_t *out_len)
{
    /* RFC 8446 §5.3: nonce = iv XOR the 64-bit sequence number, left-padded to the iv length. */
    uint8_t nonce[12];
    memcpy(nonce, t->iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(t->seq >> (8 * i));
    gnutls_aead_cipher_hd_t h;
    gnutls_datum_t key = {t->key, (unsigned)s->key_len};
    if (gnutls_aead_cipher_init(&h, (gnutls_cipher_algorithm_t)s->cipher, &key) < 0)
        return -1;
    int rc = seal ? gnutls_aead_cipher_encrypt(h, nonce, sizeof nonce, header, 5, 16, in, in_len, out, out_len)
                  : gnutls_aead_cipher_decrypt(h, nonce, sizeof nonce, header, 5, 16, in, in_len, out, out_len);
    gnutls_aead_cipher_deinit(h);
    return rc < 0 ? -1 : 0;
}

int wire_encrypt_record(const wire_suite *s, wire_traffic *t, unsigned type, const uint8_t *plain, size_t len,
                        wire_wr *w)
{
    /* RFC 8446 §5.2: TLSInnerPlaintext = content || type; at most 2^14 bytes of content. On the stack, not static:
     * two connections sealing at once in two threads (the in-process client tests) would seal each other's bytes. */
    uint8_t inner[WIRE_RECORD_MAX + 1];
    if (len > WIRE_RECORD_MAX)
        return -1;
    memcpy(inner, plain, len);
    inner[len] = (uint8_t)type;
    size_t ct_len = len + 1 + 16;
    uint8_t header[5] = {WIRE_CT_APPDATA, 0x03, 0x03, (uint8_t)(ct_len >> 8), (uint8_t)ct_len};
    size_t at = w->len;
    wire_wr_bytes(w, header, 5);
    if (w->err || ct_len > w->cap - w->len) {
        w->err = 1;
        return -1;
    }
    size_t out_len = ct_len;
    if (record_aead(s, t, 1, w->p + at, inner, len + 1, w->p + w->len, &out_len) != 0 || out_len != ct_len)
        return -1;
    w->len += ct_len;
    t->seq++;
    return 0;
}

long wire_decrypt_record(const wire_suite *s, wire_traffic *t, const uint8_t *record, size_t record_len, uint8_t *out,
                         unsigned *type)
{
    /* RFC 8446 §5.2: at least one byte of content type plus the 16-byte tag. */
    if (record_len < 5 + 17 || record_len > 5 + WIRE_RECORD_CIPHER_MAX)
        return -1;
    size_t plain_len = record_len - 5;
    if (record_aead(s, t, 0, record, record + 5, record_len - 5, out, &plain_len) != 0)
        return -1;
    t->seq++;
    /* RFC 8446 §5.4: strip the zero padding; the last non-zero byte is the content type. */
    while (plain_len > 0 && out[plain_len - 1] == 0)
        plain_len--;
    if (plain_len == 0)
        return -1;
    *type = out[--plain_len];
    return (long)plain_len;
}

int wire_x25519_keypair(uint8_t private_key[32], uint8_t public_key[32])
{
    if (gnutls_rnd(GNUTLS_RND_KEY, private_key, 32) < 0)
        return -1;
    curve25519_mul_g(public_key, private_key);
    return 0;
}

int wire_x25519_shared(const uint8_t private_key[32], const uint8_t peer_public[32], uint8_t shared[32])
{
    curve25519_mul(shared, private_key, peer_public);
    /* RFC 7748 §6.1 / RFC 8446 §7.4.2: an all-zero shared secret means a small-order peer key: abort. */
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++)
        acc |= shared[i];
    return acc ? 0 : -1;
}

const char *wire_share_refusal(unsigned group)
{
    return group == WIRE_GROUP_SECP256R1
               ? "secp256r1 key share is no uncompressed point on the curve (RFC 8446 §4.2.8.2)"
               : "X25519 key share gives an all-zero shared secret, a small-order point (RFC 8446 §7.4.2)";
}
