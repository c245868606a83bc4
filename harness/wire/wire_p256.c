/* secp256r1 ECDH (RFC 8446 §4.2.8.2: uncompressed points; the shared secret is the x coordinate) with nettle. */
#include <gmp.h>
#include <gnutls/crypto.h>
#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <string.h>

#include "wire.h"

/* RFC 8446 §4.2.8.2 / SEC 1: 0x04 || X || Y, each 32 bytes big-endian. */
static void put_coordinate(uint8_t out[32], const mpz_t v)
{
    memset(out, 0, 32);
    size_t n = (mpz_sizeinbase(v, 2) + 7) / 8;
    if (n <= 32)
        mpz_export(out + 32 - n, NULL, 1, 1, 1, 0, v);
}

int wire_p256_keypair(uint8_t private_key[32], uint8_t public_key[65])
{
    const struct ecc_curve *curve = nettle_get_secp_256r1();
    struct ecc_scalar k;
    struct ecc_point q;
    mpz_t d, x, y;
    int rc = -1;
    ecc_scalar_init(&k, curve);
    ecc_point_init(&q, curve);
    mpz_inits(d, x, y, NULL);
    /* A uniformly random scalar in [1, n-1]: ecc_scalar_set refuses values outside that range, so draw again. */
    for (int tries = 0; tries < 16 && rc != 0; tries++) {
        if (gnutls_rnd(GNUTLS_RND_KEY, private_key, 32) < 0)
            break;
        mpz_import(d, 32, 1, 1, 1, 0, private_key);
        if (ecc_scalar_set(&k, d))
            rc = 0;
    }
    if (rc == 0) {
        ecc_point_mul_g(&q, &k);
        ecc_point_get(&q, x, y);
        public_key[0] = 0x04;
        put_coordinate(public_key + 1, x);
        put_coordinate(public_key + 33, y);
    }
    mpz_clears(d, x, y, NULL);
    ecc_point_clear(&q);
    ecc_scalar_clear(&k);
    return rc;
}

int wire_p256_shared(const uint8_t private_key[32], const uint8_t peer_public[65], uint8_t shared[32])
{
    const struct ecc_curve *curve = nettle_get_secp_256r1();
    struct ecc_scalar k;
    struct ecc_point peer, r;
    mpz_t d, x, y;
    int rc = -1;
    if (peer_public[0] != 0x04)
        return -1; /* RFC 8446 §4.2.8.2: only the uncompressed form */
    ecc_scalar_init(&k, curve);
    ecc_point_init(&peer, curve);
    ecc_point_init(&r, curve);
    mpz_inits(d, x, y, NULL);
    mpz_import(d, 32, 1, 1, 1, 0, private_key);
    mpz_import(x, 32, 1, 1, 1, 0, peer_public + 1);
    mpz_import(y, 32, 1, 1, 1, 0, peer_public + 33);
    /* RFC 8446 §4.2.8.2: the peer's point must be validated; ecc_point_set refuses points off the curve. */
    if (ecc_scalar_set(&k, d) && ecc_point_set(&peer, x, y)) {
        ecc_point_mul(&r, &k, &peer);
        ecc_point_get(&r, x, y);
        put_coordinate(shared, x);
        rc = 0;
    }
    mpz_clears(d, x, y, NULL);
    ecc_point_clear(&r);
    ecc_point_clear(&peer);
    ecc_scalar_clear(&k);
    return rc;
}
