/* The wire engine's TLS 1.3 key schedule against RFC 8448 §3 ("Simple 1-RTT Handshake"): the trace's inputs in,
 * the trace's secrets, keys and IVs out; and the connection objects' transcript (wire_transcript, with the
 * message_hash rule of RFC 8446 §4.4.1 against §5, "HelloRetryRequest") and key schedule (wire_conn) over the
 * trace's messages. The hex values are the RFC's. */
#include <criterion/criterion.h>
#include <gnutls/crypto.h>
#include <nettle/curve25519.h>
#include <string.h>

#include "guard.h"
#include "wire.h"
#include "wire_conn.h"

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

/* RFC 8448 §3: the server's encrypted flight and the client's Finished, as hashed (EncryptedExtensions, Certificate,
 * CertificateVerify, server Finished; client Finished). */
static const char flight[] =
    "080000240022000a00140012001d00170018001901000101010201030104001c00024001000000000b0001b9000001b50001b0308201"
    "ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a06035504031303727361301e170d313630373330"
    "3031323335395a170d3236303733303031323335395a300e310c300a0603550403130372736130819f300d06092a864886f70d010101"
    "050003818d0030818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a"
    "95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c"
    "8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d130402300030"
    "0b0603551d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b"
    "337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1"
    "fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de100000f"
    "000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78e2d33a5c141a078653"
    "fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c9ea58c181e818e95b8c3fb0bf3"
    "278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb"
    "7fffee5454b78f0718";
static const char client_finished[] = "14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61";

/* Adds hex-coded messages to c's transcript (as received). */
static void receive(wire_conn *c, const char *h)
{
    static uint8_t buf[1024];
    size_t n = guard_hex(h, buf, sizeof buf);
    cr_assert_neq(n, (size_t)-1);
    wire_conn_received(c, buf, n);
}

/* Expects c's transcript hash to be the RFC's. */
static void expect_hash(const wire_conn *c, const char *want_hex, const char *what)
{
    uint8_t th[32], want[32];
    hex(want_hex, want, 32);
    cr_assert_eq(wire_transcript_hash(&c->transcript, th), 0);
    cr_expect_arr_eq(th, want, 32, "%s", what);
}

/* The connection objects' transcript and key schedule (wire_conn) over the trace's messages: one running hash from
 * ClientHello to the client's Finished, the handshake and application traffic secrets, both Finished. */
Test(rfc8448, transcript_and_schedule_of_a_connection)
{
    static wire_conn c;
    uint8_t shared[32], want[32], verify[32];
    wire_conn_init(&c);
    /* As a client does: the ClientHello goes in before the suite (and so the hash) is known. */
    receive(&c, ch_sh);
    cr_assert_eq(wire_conn_select_suite(&c, 0x1301), 0);
    expect_hash(&c, "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8",
                "Hash(ClientHello || ServerHello)");
    hex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d", shared, 32);
    cr_assert_eq(wire_conn_handshake_secrets(&c, NULL, shared, 32), 0);
    hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21", want, 32);
    cr_expect_arr_eq(c.secret[WIRE_LEVEL_HANDSHAKE][WIRE_FROM_CLIENT], want, 32, "client handshake traffic secret");
    hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", want, 32);
    cr_expect_arr_eq(c.secret[WIRE_LEVEL_HANDSHAKE][WIRE_FROM_SERVER], want, 32, "server handshake traffic secret");

    /* EncryptedExtensions .. CertificateVerify, then the server's Finished over them (RFC 8446 §4.4.4). */
    static uint8_t msgs[1024];
    size_t n = guard_hex(flight, msgs, sizeof msgs), sf = n - 36;
    cr_assert_eq(n, 40 + 445 + 136 + 36);
    wire_conn_received(&c, msgs, sf);
    cr_assert_eq(wire_conn_finished(&c, WIRE_FROM_SERVER, verify), 0);
    cr_expect_arr_eq(verify, msgs + sf + 4, 32, "server Finished");
    wire_conn_received(&c, msgs + sf, 36);
    expect_hash(&c, "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13",
                "ClientHello .. server Finished");
    cr_assert_eq(wire_conn_application_secrets(&c), 0);
    hex("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5", want, 32);
    cr_expect_arr_eq(c.secret[WIRE_LEVEL_APPLICATION][WIRE_FROM_CLIENT], want, 32, "client application secret");
    hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643", want, 32);
    cr_expect_arr_eq(c.secret[WIRE_LEVEL_APPLICATION][WIRE_FROM_SERVER], want, 32, "server application secret");

    cr_assert_eq(wire_conn_finished(&c, WIRE_FROM_CLIENT, verify), 0);
    hex("a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61", want, 32);
    cr_expect_arr_eq(verify, want, 32, "client Finished");
    receive(&c, client_finished);
    expect_hash(&c, "209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d",
                "ClientHello .. client Finished");
}

/* RFC 8448 §5: ClientHello1 (x25519 share), the HelloRetryRequest asking for secp256r1 with a cookie, ClientHello2
 * and the ServerHello. */
static const char hrr_ch1[] =
    "010000b00303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f00000613011303130201000081000000"
    "0b0009000006736572766572ff01000100000a00080006001d00170018003300260024001d0020e8e8e3f3b93a25ed97a14a7dcacb8a"
    "272c6288e585c6484d05262fcad062ad1f002b0003020304000d0020001e040305030603020308040805080604010501060102010402"
    "050206020202002d00020101001c00024001";
static const char hrr_hrr[] =
    "020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c001301000084003300020017002c0074"
    "007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aacad365dd0030953f4edf625636e5f21bb2e23fcc654b1b5b"
    "40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf57"
    "1fb2b7cff0f934b0002b00020304";
static const char hrr_ch2[] =
    "010001fc0303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f000006130113031302010001cd000000"
    "0b0009000006736572766572ff01000100000a00080006001d001700180033004700450017004104a6da7392ec591e17abfd535964b9"
    "9894d13befb221b3def2ebe3830eac8f0151812677c4d6d2237e85cf01d6910cfb83954e76ba7352830534159897e8065780002b0003"
    "020304000d0020001e040305030603020308040805080604010501060102010402050206020202002c0074007271dcd04bb88bc31891"
    "19398a00000000eefafc76c146b823b096f8aacad365dd0030953f4edf625636e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574"
    "e36e8a1f025f7dfa5d6e50781b5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934b0002d00"
    "020101001c00024001001500af0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000";
static const char hrr_sh[] =
    "020000770303bb341d847fd789c47c387172dc0c9bf147fccacb5043d86ca4c598d3ff571b9800130100004f00330045001700410458"
    "3e054b7a66672ae020ad9d2686fcc85b5ad41a134a0f03ee72b893052bd85b4c8de6776f5b04ac07d83540eab3e3d9c547bc6528c431"
    "7d294686093a6cad7d002b00020304";

/* RFC 8446 §4.4.1 against RFC 8448 §5: ClientHello1 becomes message_hash(Hash(ClientHello1)); the handshake secrets
 * over message_hash .. ServerHello are the trace's. */
Test(rfc8448, hello_retry_request_message_hash)
{
    static wire_conn c;
    uint8_t shared[32], want[32];
    wire_conn_init(&c);
    receive(&c, hrr_ch1);
    cr_assert_eq(wire_conn_select_suite(&c, 0x1301), 0);
    cr_assert_eq(wire_transcript_hello_retry(&c.transcript), 0);
    receive(&c, hrr_hrr);
    receive(&c, hrr_ch2);
    receive(&c, hrr_sh);
    expect_hash(&c, "8aa8e828ec2f8a884fec95a3139de01c15a3daa7ff5bfc3f4bfcc21b438d7bf8",
                "message_hash(ClientHello1) .. ServerHello");
    hex("c142ce13ca11b5c2233652e63ad3d97844f1621fbfb9de69d547dc8fedeabeb4", shared, 32);
    cr_assert_eq(wire_conn_handshake_secrets(&c, NULL, shared, 32), 0);
    hex("ce022e5e6e81e50736d773f2d3adfce8220d049bf510f0dbfac927ef4243b148", want, 32);
    cr_expect_arr_eq(c.handshake_secret, want, 32, "handshake secret");
    hex("158aa7ab8855073582b41d674b4055cabcc534728f659314861b4e08e2011566", want, 32);
    cr_expect_arr_eq(c.secret[WIRE_LEVEL_HANDSHAKE][WIRE_FROM_CLIENT], want, 32, "client handshake traffic secret");
    hex("3403e781e2af7b6508da28574f6e95a1abf162de83a97927c37672a4a0cef8a1", want, 32);
    cr_expect_arr_eq(c.secret[WIRE_LEVEL_HANDSHAKE][WIRE_FROM_SERVER], want, 32, "server handshake traffic secret");
}

/* The transcript's two hashes run until the suite picks one: SHA-384 (TLS_AES_256_GCM_SHA384) sees the same bytes,
 * and a change of hash after the choice is refused. */
Test(rfc8448, transcript_runs_both_hashes_until_the_suite_picks)
{
    static uint8_t msgs[512];
    size_t n = guard_hex(ch_sh, msgs, sizeof msgs);
    wire_transcript t;
    wire_suite s384, s256;
    uint8_t got[48], want[48];
    cr_assert_eq(wire_suite_for(0x1302, &s384), 0);
    cr_assert_eq(wire_suite_for(0x1301, &s256), 0);
    wire_transcript_init(&t);
    cr_expect_eq(wire_transcript_hash(&t, got), -1, "no hash before the suite is known");
    wire_transcript_add(&t, msgs, 100);
    wire_transcript_add(&t, msgs + 100, n - 100);
    cr_assert_eq(wire_transcript_select(&t, &s384), 0);
    cr_assert_eq(wire_transcript_hash(&t, got), 0);
    cr_assert_geq(gnutls_hash_fast(GNUTLS_DIG_SHA384, msgs, n, want), 0);
    cr_expect_arr_eq(got, want, 48, "SHA-384 over the same messages");
    cr_expect_eq(wire_transcript_select(&t, &s256), -1, "the hash cannot change once chosen");
}
