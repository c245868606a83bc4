/* QUIC payload protection (quic_payload_aead, harness/wire/quic_crypto.c) against GnuTLS's AEAD for the three TLS 1.3
 * suites: quic_crypto.c uses nettle directly with key schedules kept in quic_keys, so the ciphertext and tag of every
 * suite, nonce (IV XOR packet number, RFC 9001 §5.3) and associated data handed over in pieces (as the Retry tag's
 * pseudo-packet is, RFC 9001 §5.8) must be what an independent implementation gives for the same key. RFC 9001
 * Appendix A has known answers for AES-128-GCM and ChaCha20-Poly1305 only (test_quic.c); none for AES-256-GCM. */
#include <criterion/criterion.h>
#include <gnutls/crypto.h>
#include <string.h>

#include "quic.h"
#include "quic_internal.h"

/* The reference: GnuTLS over the associated data in one piece, ciphertext then tag in out. */
static void reference(const quic_keys *k, uint64_t pn, const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t len,
                      uint8_t *out)
{
    static const gnutls_cipher_algorithm_t alg[] = {GNUTLS_CIPHER_AES_128_GCM, GNUTLS_CIPHER_AES_256_GCM,
                                                    GNUTLS_CIPHER_CHACHA20_POLY1305};
    uint8_t nonce[12];
    memcpy(nonce, k->iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
    gnutls_aead_cipher_hd_t h;
    gnutls_datum_t key = {(unsigned char *)k->key, (unsigned)k->key_len};
    cr_assert_eq(gnutls_aead_cipher_init(&h, alg[k->aead], &key), 0);
    size_t out_len = len + 16;
    cr_assert_eq(gnutls_aead_cipher_encrypt(h, nonce, 12, ad, ad_len, 16, in, len, out, &out_len), 0);
    cr_assert_eq(out_len, len + 16);
    gnutls_aead_cipher_deinit(h);
}

/* ad cut at the offsets cuts[0..n) (ascending, within ad_len) into n + 1 pieces, some of them empty. */
static int split(const uint8_t *ad, size_t ad_len, const size_t *cuts, int n, giovec_t *pieces)
{
    size_t at = 0;
    for (int i = 0; i <= n; i++) {
        size_t end = i < n ? cuts[i] : ad_len;
        pieces[i] = (giovec_t){(void *)(ad + at), end - at};
        at = end;
    }
    return n + 1;
}

static void check_suite(unsigned suite)
{
    uint8_t secret[48], ad[80], in[1300], data[1300], want[1300 + 16], tag[16];
    memset(secret, (int)suite & 0xff, sizeof secret);
    quic_keys k;
    cr_assert_eq(quic_keys_from_secret(QUIC_V1, suite, secret, &k), 0);
    for (size_t i = 0; i < sizeof ad; i++)
        ad[i] = (uint8_t)(i * 29 + 3);
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)(i * 7 + 1);
    /* Pieces across and on GCM's 16-byte blocks, empty ones, one byte; payloads of 0 to 40 bytes and a padded
     * Initial's 1200 - header; packet numbers up to 2^62 - 1. */
    static const size_t cuts[][3] = {{0, 0, 0}, {1, 1, 9}, {15, 16, 17}, {16, 32, 48}, {0, 21, 21}, {3, 40, 79}};
    static const size_t lens[] = {0, 1, 15, 16, 17, 33, 40, 1162};
    static const uint64_t pns[] = {0, 1, 0x1234567, (UINT64_C(1) << 62) - 1};
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++)
        for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++)
            for (size_t p = 0; p < sizeof pns / sizeof pns[0]; p++) {
                size_t ad_len = 50 + c * 6, len = lens[l]; /* 50 to 80, the last piece never empty */
                giovec_t pieces[4];
                int n = split(ad, ad_len, cuts[c], 3, pieces);
                reference(&k, pns[p], ad, ad_len, in, len, want);
                memcpy(data, in, len);
                cr_assert_eq(quic_payload_aead(&k, 1, pns[p], pieces, n, data, len, tag), 0);
                cr_expect_arr_eq(data, want, len, "suite %04x: ciphertext (ad %zu, len %zu)", suite, ad_len, len);
                cr_expect_arr_eq(tag, want + len, 16, "suite %04x: tag (ad %zu, len %zu)", suite, ad_len, len);
                cr_expect_eq(quic_payload_aead(&k, 0, pns[p], pieces, n, data, len, tag), 0, "opens");
                cr_expect_arr_eq(data, in, len, "suite %04x: opened to the plaintext", suite);
                /* RFC 5116 §2.2: a tag, associated data or packet number not the sealer's does not open. */
                memcpy(data, want, len);
                tag[15] ^= 1;
                cr_expect_neq(quic_payload_aead(&k, 0, pns[p], pieces, n, data, len, tag), 0, "a flipped tag");
                tag[15] ^= 1;
                memcpy(data, want, len);
                cr_expect_neq(quic_payload_aead(&k, 0, pns[p] ^ 1, pieces, n, data, len, tag), 0, "another pn");
                memcpy(data, want, len);
                cr_expect_neq(quic_payload_aead(&k, 0, pns[p], pieces, n - 1, data, len, tag), 0, "less AD");
            }
}

Test(quic_aead, aes128gcm_as_gnutls) { check_suite(0x1301); }
Test(quic_aead, aes256gcm_as_gnutls) { check_suite(0x1302); }
Test(quic_aead, chacha20poly1305_as_gnutls) { check_suite(0x1303); }
