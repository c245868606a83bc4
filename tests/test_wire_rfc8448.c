/* The wire engine's TLS 1.3 key schedule against RFC 8448 §3 ("Simple 1-RTT Handshake"): the trace's inputs in,
 * the trace's secrets, keys and IVs out. The hex values are the RFC's. */
#include <criterion/criterion.h>
#include <gnutls/crypto.h>
#include <nettle/curve25519.h>
#include <string.h>

#include "guard.h"
#include "wire.h"

static void hex(const char *h, uint8_t *out, size_t want)
{
    size_t n = guard_hex(h, out, want);
    cr_assert_eq(n, want, "hex of %zu bytes expected, got %zu", want, n);
}

/* RFC 8448 §3: {client} ClientHello (196 octets) and {server} ServerHello (90 octets), as hashed. */
static const char ch_sh[] =
    "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000000b"
    "0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d0020"
    "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e04030503060302030804"
    "0805080604010501060102010402050206020202002d00020101001c00024001"
    "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c98288"
    "76112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";

Test(rfc8448, simple_1rtt_handshake_keys)
{
    uint8_t client_private[32], client_public[32], server_public[32], shared[32], want[48];
    hex("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005", client_private, 32);
    hex("99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c", client_public, 32);
    hex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f", server_public, 32);

    /* X25519 through nettle, as the probe does it: the public key first, then the shared secret. */
    uint8_t derived_public[32];
    curve25519_mul_g(derived_public, client_private);
    cr_expect_arr_eq(derived_public, client_public, 32, "client public key");
    cr_assert_eq(wire_x25519_shared(client_private, server_public, shared), 0);
    hex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d", want, 32);
    cr_expect_arr_eq(shared, want, 32, "ECDHE shared secret");

    static uint8_t transcript[300];
    size_t tlen = guard_hex(ch_sh, transcript, sizeof transcript);
    cr_assert_eq(tlen, 196 + 90);
    uint8_t th[32];
    cr_assert_geq(gnutls_hash_fast(GNUTLS_DIG_SHA256, transcript, tlen, th), 0);
    hex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8", want, 32);
    cr_expect_arr_eq(th, want, 32, "Hash(ClientHello || ServerHello)");

    wire_suite s;
    wire_hs_keys k;
    cr_assert_eq(wire_suite_for(0x1301, &s), 0);
    cr_assert_eq(wire_derive_handshake_keys(&s, shared, 32, th, &k), 0);
    hex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac", want, 32);
    cr_expect_arr_eq(k.handshake_secret, want, 32, "handshake secret");
    hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21", want, 32);
    cr_expect_arr_eq(k.client_secret, want, 32, "client handshake traffic secret");
    hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", want, 32);
    cr_expect_arr_eq(k.server_secret, want, 32, "server handshake traffic secret");
    hex("3fce516009c21727d0f2e4e86ee403bc", want, 16);
    cr_expect_arr_eq(k.server.key, want, 16, "server handshake write key");
    hex("5d313eb2671276ee13000b30", want, 12);
    cr_expect_arr_eq(k.server.iv, want, 12, "server handshake write iv");
    hex("dbfaa693d1762c5b666af5d950258d01", want, 16);
    cr_expect_arr_eq(k.client.key, want, 16, "client handshake write key");
    hex("5bd3c71b836e0b76bb73265f", want, 12);
    cr_expect_arr_eq(k.client.iv, want, 12, "client handshake write iv");
}

/* RFC 8448 §3 (after the handshake) and §4 ("Resumed 0-RTT Handshake"): master secret, application and resumption
 * secrets, the ticket's PSK, and from it the early secret, the binder and the client's early traffic secret. The
 * transcript hashes are the trace's. */
Test(rfc8448, resumption_and_early_secrets)
{
    uint8_t hs[32], th[32], master[32], secret[32], res[32], psk[32], want[32], early[32];
    wire_suite s;
    cr_assert_eq(wire_suite_for(0x1301, &s), 0);
    hex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac", hs, 32);
    cr_assert_eq(wire_master_secret(&s, hs, master), 0);
    hex("18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919", want, 32);
    cr_expect_arr_eq(master, want, 32, "master secret");
    hex("9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13", th, 32); /* CH .. server Finished */
    cr_assert_eq(wire_derive_secret(&s, master, "s ap traffic", th, secret), 0);
    hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643", want, 32);
    cr_expect_arr_eq(secret, want, 32, "server application traffic secret");
    hex("209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d", th, 32); /* CH .. client Finished */
    cr_assert_eq(wire_derive_secret(&s, master, "res master", th, res), 0);
    hex("7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c", want, 32);
    cr_expect_arr_eq(res, want, 32, "resumption master secret");
    /* RFC 8446 §4.6.1: the ticket's nonce is 00 00 in the trace. */
    static const uint8_t nonce[2] = {0, 0};
    cr_assert_eq(wire_expand_label(&s, res, "resumption", nonce, 2, psk, 32), 0);
    hex("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3", want, 32);
    cr_expect_arr_eq(psk, want, 32, "PSK");

    cr_assert_eq(wire_early_secret(&s, psk, early), 0);
    hex("9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c", want, 32);
    cr_expect_arr_eq(early, want, 32, "early secret");
    uint8_t binder[32];
    hex("63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14", th, 32); /* Truncate(ClientHello) */
    cr_assert_eq(wire_psk_binder(&s, psk, th, binder), 0);
    hex("3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d", want, 32);
    cr_expect_arr_eq(binder, want, 32, "PSK binder");
    hex("08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913", th, 32); /* the whole ClientHello */
    cr_assert_eq(wire_derive_secret(&s, early, "c e traffic", th, secret), 0);
    hex("3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62", want, 32);
    cr_expect_arr_eq(secret, want, 32, "client early traffic secret");
}
