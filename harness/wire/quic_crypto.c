/* QUIC packet protection (RFC 9001 §5): Initial secrets, packet protection keys, AEAD with the packet number in the
 * nonce, header protection masks, the Retry Integrity Tag; version 2's salt, labels and Retry key (RFC 9369 §3.3). */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <nettle/aes.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/chacha.h>
#include <nettle/gcm.h>
#include <nettle/memops.h>
#include <string.h>

#include "quic.h"
#include "quic_internal.h"
#include "wire_conn.h"

/* What differs between the versions this carrier speaks. */
typedef struct {
    uint32_t version;
    uint8_t salt[20];          /* RFC 9001 §5.2; RFC 9369 §3.3.1 */
    const char *key, *iv, *hp; /* RFC 9001 §5.1; RFC 9369 §3.3.2 */
    uint8_t retry_key[16], retry_nonce[12]; /* RFC 9001 §5.8; RFC 9369 §3.3.3 */
} quic_version_info;

static const quic_version_info versions[] = {
    {QUIC_V1,
     {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f,
      0x0a},
     "quic key",
     "quic iv",
     "quic hp",
     {0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e},
     {0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb}},
    {QUIC_V2,
     {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e,
      0xd9},
     "quicv2 key",
     "quicv2 iv",
     "quicv2 hp",
     {0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2, 0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92},
     {0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a}},
};

static const quic_version_info *version_info(uint32_t version)
{
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
        if (versions[i].version == version)
            return &versions[i];
    return NULL;
}

int quic_version_known(uint32_t version)
{
    return version_info(version) != NULL;
}

/* The AES key schedules of k's key and header protection key, made once here rather than per packet (ChaCha20's key
 * setup is a copy of the key: nothing to keep). */
static void schedule(quic_keys *k)
{
    if (k->aead == QUIC_AEAD_AES128GCM) {
        aes128_set_encrypt_key(&k->key_aes.a128, k->key);
        aes128_set_encrypt_key(&k->hp_aes.a128, k->hp);
    } else if (k->aead == QUIC_AEAD_AES256GCM) {
        aes256_set_encrypt_key(&k->key_aes.a256, k->key);
        aes256_set_encrypt_key(&k->hp_aes.a256, k->hp);
    }
}

int quic_keys_from_secret(uint32_t version, unsigned suite, const uint8_t *secret, quic_keys *k)
{
    const quic_version_info *v = version_info(version);
    wire_suite s;
    if (v == NULL || wire_suite_for(suite, &s) != 0)
        return -1;
    memset(k, 0, sizeof *k);
    k->aead = suite == 0x1301 ? QUIC_AEAD_AES128GCM : suite == 0x1302 ? QUIC_AEAD_AES256GCM : QUIC_AEAD_CHACHA20;
    k->key_len = s.key_len;
    /* RFC 9001 §5.1: the header protection key is as long as the AEAD key. */
    if (wire_expand_label(&s, secret, v->key, NULL, 0, k->key, k->key_len) ||
        wire_expand_label(&s, secret, v->iv, NULL, 0, k->iv, 12) ||
        wire_expand_label(&s, secret, v->hp, NULL, 0, k->hp, k->key_len))
        return -1;
    schedule(k);
    return 0;
}

static int derive_initial(uint32_t version, const uint8_t *dcid, size_t dcid_len, int from, uint8_t *secret,
                          quic_keys *k)
{
    const quic_version_info *v = version_info(version);
    wire_suite s;
    if (v == NULL || dcid_len > 255 || wire_suite_for(0x1301, &s) != 0)
        return -1;
    /* RFC 9001 §5.2: initial_secret = HKDF-Extract(initial_salt, client_dst_connection_id), then "client in" or
     * "server in" with SHA-256; Initial packets use AEAD_AES_128_GCM. */
    uint8_t initial[32], own[32];
    gnutls_datum_t ikm = {(unsigned char *)(dcid_len ? dcid : (const uint8_t *)""), (unsigned)dcid_len};
    gnutls_datum_t salt = {(unsigned char *)v->salt, sizeof v->salt};
    if (gnutls_hkdf_extract(GNUTLS_MAC_SHA256, &ikm, &salt, initial) < 0 ||
        wire_expand_label(&s, initial, from == WIRE_FROM_CLIENT ? "client in" : "server in", NULL, 0, own, 32) != 0)
        return -1;
    if (secret != NULL)
        memcpy(secret, own, 32);
    return quic_keys_from_secret(version, 0x1301, own, k);
}

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* Fuzzing builds only (the libFuzzer, AFL++ and OSS-Fuzz builds define the macro; CMakeLists.txt): the last Initial
 * secret and keys derived per direction, for the next call with the same version and Destination Connection ID.
 * fuzz_quic_server starts every input's connection from one fixed ID, whose derivation (an HKDF-Extract and four
 * Expand-Labels per direction) was an eighth of its run. The result of a pure function, so no input sees a
 * difference; production never repeats a random ID, and every other build (the unit tests, the replay ctests, the
 * coverage build, alpncheck itself) runs the derivation each time. */
typedef struct {
    int ok;
    uint32_t version;
    size_t dcid_len;
    uint8_t dcid[QUIC_CID_MAX], secret[32];
    quic_keys k;
} initial_memo;

static initial_memo memo[2];

int quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len, int from, uint8_t *secret,
                      quic_keys *k)
{
    initial_memo *m = &memo[from == WIRE_FROM_CLIENT];
    if (dcid_len > QUIC_CID_MAX)
        return derive_initial(version, dcid, dcid_len, from, secret, k);
    if (!m->ok || m->version != version || m->dcid_len != dcid_len || (dcid_len && memcmp(m->dcid, dcid, dcid_len))) {
        m->ok = 0;
        if (derive_initial(version, dcid, dcid_len, from, m->secret, &m->k) != 0)
            return -1;
        m->ok = 1;
        m->version = version;
        m->dcid_len = dcid_len;
        if (dcid_len > 0)
            memcpy(m->dcid, dcid, dcid_len);
    }
    if (secret != NULL)
        memcpy(secret, m->secret, 32);
    *k = m->k;
    return 0;
}
#else
int quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len, int from, uint8_t *secret,
                      quic_keys *k)
{
    return derive_initial(version, dcid, dcid_len, from, secret, k);
}
#endif

/* The block functions of the AES key schedules in quic_keys, as GCM calls them. */
static void aes128_block(const void *ctx, size_t len, uint8_t *dst, const uint8_t *src)
{
    aes128_encrypt(ctx, len, dst, src);
}

static void aes256_block(const void *ctx, size_t len, uint8_t *dst, const uint8_t *src)
{
    aes256_encrypt(ctx, len, dst, src);
}

/* GCM's associated data from pieces: nettle's gcm_update takes whole blocks in every call but the last, so what a
 * piece leaves of a block waits in one for the next piece. */
static void gcm_ad(struct gcm_ctx *g, const struct gcm_key *h, const giovec_t *ad, int ad_count)
{
    uint8_t block[GCM_BLOCK_SIZE];
    size_t held = 0;
    for (int i = 0; i < ad_count; i++) {
        const uint8_t *p = ad[i].iov_base;
        size_t n = ad[i].iov_len;
        if (n == 0)
            continue;
        if (held > 0) {
            size_t take = n < GCM_BLOCK_SIZE - held ? n : GCM_BLOCK_SIZE - held;
            memcpy(block + held, p, take);
            held += take;
            p += take;
            n -= take;
            if (held < GCM_BLOCK_SIZE)
                continue;
            gcm_update(g, h, GCM_BLOCK_SIZE, block);
            held = 0;
        }
        size_t whole = n - n % GCM_BLOCK_SIZE;
        gcm_update(g, h, whole, p);
        memcpy(block, p + whole, n - whole);
        held = n - whole;
    }
    gcm_update(g, h, held, block);
}

/* AEAD_AES_128_GCM or AEAD_AES_256_GCM (RFC 5116 §5.1, §5.2) under k's key schedule, in place; the tag to mac. */
static void aes_gcm(const quic_keys *k, int seal, const uint8_t nonce[12], const giovec_t *ad, int ad_count,
                    uint8_t *data, size_t len, uint8_t mac[16])
{
    nettle_cipher_func *f = k->aead == QUIC_AEAD_AES128GCM ? aes128_block : aes256_block;
    struct gcm_key h;
    struct gcm_ctx g;
    gcm_set_key(&h, &k->key_aes, f);
    gcm_set_iv(&g, &h, GCM_IV_SIZE, nonce);
    gcm_ad(&g, &h, ad, ad_count);
    if (seal)
        gcm_encrypt(&g, &h, &k->key_aes, f, len, data, data);
    else
        gcm_decrypt(&g, &h, &k->key_aes, f, len, data, data);
    gcm_digest(&g, &h, &k->key_aes, f, GCM_DIGEST_SIZE, mac);
}

/* AEAD_CHACHA20_POLY1305 (RFC 8439 §2.8) with k's key, in place; the tag to mac. */
static void chacha_poly(const quic_keys *k, int seal, const uint8_t nonce[12], const giovec_t *ad, int ad_count,
                        uint8_t *data, size_t len, uint8_t mac[16])
{
    struct chacha_poly1305_ctx c;
    chacha_poly1305_set_key(&c, k->key);
    chacha_poly1305_set_nonce(&c, nonce);
    for (int i = 0; i < ad_count; i++)
        if (ad[i].iov_len > 0)
            chacha_poly1305_update(&c, ad[i].iov_len, ad[i].iov_base);
    if (seal)
        chacha_poly1305_encrypt(&c, len, data, data);
    else
        chacha_poly1305_decrypt(&c, len, data, data);
    chacha_poly1305_digest(&c, CHACHA_POLY1305_DIGEST_SIZE, mac);
}

int quic_payload_aead(const quic_keys *k, int seal, uint64_t pn, const giovec_t *ad, int ad_count, uint8_t *data,
                      size_t len, uint8_t tag[16])
{
    /* RFC 9001 §5.3: nonce = IV XOR the packet number, left-padded to the IV's 12 bytes; the header is the AD. The
     * payload is sealed and opened in place, the 16-byte tag kept apart. nettle directly, on the stack: a GnuTLS
     * AEAD handle per packet (init, deinit) cost an allocation and a key setup each time. */
    uint8_t nonce[12], mac[16];
    memcpy(nonce, k->iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
    if (k->aead == QUIC_AEAD_CHACHA20)
        chacha_poly(k, seal, nonce, ad, ad_count, data, len, mac);
    else
        aes_gcm(k, seal, nonce, ad, ad_count, data, len, mac);
    if (seal) {
        memcpy(tag, mac, 16);
        return 0;
    }
    /* RFC 5116 §2.2: an open fails unless the tag is the one the key, nonce, AD and ciphertext give (compared in
     * constant time). What was decrypted in place stays, as header protection's removal does. */
    return memeql_sec(mac, tag, 16) ? 0 : -1;
}

void quic_hp_mask(const quic_keys *k, const uint8_t sample[16], uint8_t mask[5])
{
    if (k->aead == QUIC_AEAD_CHACHA20) {
        /* RFC 9001 §5.4.4: counter = sample[0..3] (little-endian), nonce = sample[4..15], mask = ChaCha20 of five
         * zero bytes. nettle's 32-bit counter variant takes the counter as 4 little-endian bytes. */
        struct chacha_ctx ctx;
        static const uint8_t zeros[5];
        chacha_set_key(&ctx, k->hp);
        chacha_set_nonce96(&ctx, sample + 4);
        chacha_set_counter32(&ctx, sample);
        chacha_crypt32(&ctx, 5, mask, zeros);
        return;
    }
    /* RFC 9001 §5.4.3: mask = AES-ECB(hp_key, sample). */
    uint8_t block[16];
    if (k->aead == QUIC_AEAD_AES128GCM)
        aes128_encrypt(&k->hp_aes.a128, 16, block, sample);
    else
        aes256_encrypt(&k->hp_aes.a256, 16, block, sample);
    memcpy(mask, block, 5);
}

int quic_retry_tag(uint32_t version, const uint8_t *odcid, size_t odcid_len, const uint8_t *retry, size_t len,
                   uint8_t tag[16])
{
    const quic_version_info *v = version_info(version);
    if (v == NULL || odcid_len > QUIC_CID_MAX)
        return -1;
    /* RFC 9001 §5.8: the tag is AEAD_AES_128_GCM with the version's fixed key and nonce over an empty plaintext,
     * with the Retry Pseudo-Packet (ODCID Length, ODCID, the Retry packet without its tag) as associated data. */
    uint8_t odcid_len8 = (uint8_t)odcid_len;
    giovec_t pseudo[3] = {{&odcid_len8, 1}, {(void *)odcid, odcid_len}, {(void *)retry, len}};
    quic_keys k = {.aead = QUIC_AEAD_AES128GCM, .key_len = 16};
    memcpy(k.key, v->retry_key, 16);
    memcpy(k.iv, v->retry_nonce, 12);
    schedule(&k);
    uint8_t none[1];
    return quic_payload_aead(&k, 1, 0, pseudo, 3, none, 0, tag);
}
