/* The QUIC carrier (harness/wire/quic_*.c) against the known answers of RFC 9001 Appendix A (QUIC version 1) and
 * RFC 9369 Appendix A (version 2): Initial secrets and keys, the client's and the server's Initial packets sealed
 * byte for byte and opened again, the Retry integrity tag, a ChaCha20-Poly1305 short header packet; RFC 9000
 * Appendix A's varint and packet number examples; and malformed input for every parser of peer bytes. The hex
 * values are the RFCs'. */
#include <criterion/criterion.h>
#include <string.h>

#include "cases.h"
#include "guard.h"
#include "quic.h"
#include "quic_internal.h"
#include "quic_client.h"
#include "wire_conn.h"
#include "wire_server.h"

static void hex(const char *h, uint8_t *out, size_t want)
{
    size_t n = guard_hex(h, out, want);
    cr_assert_eq(n, want, "hex of %zu bytes expected, got %zu", want, n);
}

static void expect_hex(const uint8_t *got, const char *want_hex, size_t len, const char *what)
{
    uint8_t want[64];
    cr_assert_leq(len, sizeof want);
    hex(want_hex, want, len);
    cr_expect_arr_eq(got, want, len, "%s", what);
}

/* RFC 9001 §A and RFC 9369 §A: the client's first Destination Connection ID; the server's Source Connection ID. */
static const uint8_t odcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
static const uint8_t server_cid[8] = {0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5};

/* RFC 9001 A.2 = RFC 9369 A.2: the client's CRYPTO frame (its ClientHello), before PADDING; 245 bytes. */
static const char client_crypto_frame[] =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47f06a2b69484c00000413011302010000c0000000"
    "10000e00000b6578616d706c652e636f6dff01000100000a00080006001d0017001800100007000504616c706e0005000501000000000033"
    "00260024001d00209370b2c9caa47fbabaf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b0003020304000d0010000e040305"
    "0306030203080408050806002d00020101001c00024001003900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff";
/* RFC 9001 A.3 = RFC 9369 A.3: the server's Initial payload (ACK, CRYPTO with its ServerHello); 99 bytes. */
static const char server_payload[] =
    "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf73988cfc79825df566dc5430b9a045a1200130100002e003300"
    "24001d00209d3c940d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00020304";
/* RFC 9001 A.2: the protected client Initial (packet number 2); 1200 bytes. */
static const char v1_client_initial[] =
    "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd"
    "449f63300099f3991c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c8eb7539ec4d4905fed1bee1fc8aafba1"
    "7c750e2c7ace01e6005f80fcb7df621230c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5457afd84d05dfffd"
    "b20392844ae812154682e9cf012f9021a6f0be17ddd0c2084dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
    "4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e3"
    "0c5c4287e53805db059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c7b4378e846d29f37ed7b4ea9ec5d82e7"
    "961b7f25a9323851f681d582363aa5f89937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556be52afe3f565636a"
    "d1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c7468449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
    "c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c481"
    "9e8b9c5927726632291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe5896425c5bac4aee82e57a85aaf4e2513e4f0"
    "5796b07ba2ee47d80506f8d2c25e50fd14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ffef132eef2fa09346"
    "aee33c28eb130ff28f5b766953334113211996d20011a198e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
    "c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da5"
    "10b0ff20dcc0c77fcb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450efc60ac47683d7b8d0f811365565fd98c"
    "4c8eb936bcab8d069fc33bd801b03adea2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e72404790a2181014f3b94a"
    "4e97d117b438130368cc39dbb2d198065ae3986547926cd2162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
    "40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca06948109f23f350db82123535eb8a7433bdabcb909271a6ec"
    "bcb58b936a88cd4e8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0be79e2fb8f5d5fbbe2e30ecadd220723"
    "c8c0aea8078cdfcb3868263ff8f0940054da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab760d58a606654f9f"
    "4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
    "056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd46840647e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c"
    "88d4a9a7f9474241e221af44860018ab0856972e194cd934";
/* RFC 9001 A.3: the protected server Initial (packet number 1); 135 bytes. */
static const char v1_server_initial[] =
    "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf7"
    "3c3ec2493a1839b3dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84022f8ef4cdd93795d77d06edbb7aaf2f"
    "58891850abbdca3d20398c276456cbc42158407dd074ee";
/* RFC 9001 A.4: a Retry answering A.2 (token "token"); 36 bytes. */
static const char v1_retry[] =
    "ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba";
/* RFC 9369 A.2: the protected client Initial; 1200 bytes. */
static const char v2_client_initial[] =
    "d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdf"
    "cbf903388e99ad049f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d250f2c4f0e0202b70785b7946e992e58"
    "a59ac52dea6774d4f03b55545243cf1a12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500cb9122faa9f1df66"
    "c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd6818f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
    "12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c"
    "7777c023462239dd6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520bcfb7966fc49b393f0061d974a2706df"
    "8c4a9449f11d7f3d2dcbb90c6b877045636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1fac7cf4ed77f322e8"
    "fa894b6a83810a34b361901751a6f5eb65a0326e07de7c1216ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
    "4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a3"
    "7cbb08b847741c3b8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de714d19d61370f8149748c72f132f0fc99"
    "f34d766c6938597040d8f9e2bb522ff99c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91abfe43960977c874"
    "71cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
    "848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18d703dd84045a274ae8bfa73379661388d6991fe39b0d93de"
    "bb41700b41f90a15c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc7e27a096d37a1a86952ec71bd89a3e9a"
    "30a2a26162984d7740f81193e8238e61f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e7071010d3f270121b493c"
    "e85054ef58bada42310138fe081adb04e2bd901f2f13458b3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
    "06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f"
    "31f0eed19e3417d134b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1e86215c2d54e6670e07383a27bbffb5a"
    "ddf47d66aa85a0c6f9f32e59d85a44dd5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e38d209d0fa6536d27"
    "a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
    "6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb199a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb"
    "69745a262ccde96ba18b2faa745b6fe189cf772a9f84cbfc";
/* RFC 9369 A.3: the protected server Initial; 135 bytes. */
static const char v2_server_initial[] =
    "dc6b3343cf0008f067a5502a4262b5004075d92faaf16f05d8a4398c47089698baeea26b91eb761d9b89237bbf87263017915358230035f7"
    "fd3945d88965cf17f9af6e16886c61bfc703106fbaf3cb4cfa52382dd16a393e42757507698075b2c984c707f0a0812d8cd5a6881eaf21ce"
    "da98f4bd23f6fe1a3e2c43edd9ce7ca84bed8521e2e140";
/* RFC 9369 A.4: the Retry; 36 bytes. */
static const char v2_retry[] =
    "cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe33952d955543665dcc7b6";

/* The per-version facts of the appendices that are not whole packets. */
typedef struct {
    uint32_t version;
    const char *client_secret, *client_key, *client_iv, *client_hp;
    const char *server_secret, *server_key, *server_iv, *server_hp;
    const char *client_packet, *server_packet, *retry;
    const char *chacha_key, *chacha_iv, *chacha_hp, *chacha_packet; /* A.5 */
} appendix;

static const appendix rfc9001 = {
    QUIC_V1,
    /* RFC 9001 A.1 */
    "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea",
    "1f369613dd76d5467730efcbe3b1a22d",
    "fa044b2f42a3fd3b46fb255c",
    "9f50449e04a0e810283a1e9933adedd2",
    "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b",
    "cf3a5331653c364c88f0f379b6067e37",
    "0ac1493ca1905853b0bba03e",
    "c206b8d9b9f0f37644430b490eeaa314",
    v1_client_initial,
    v1_server_initial,
    v1_retry,
    /* RFC 9001 A.5 */
    "c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8",
    "e0459b3474bdd0e44a41c144",
    "25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4",
    "4cfe4189655e5cd55c41f69080575d7999c25a5bfb",
};

static const appendix rfc9369 = {
    QUIC_V2,
    /* RFC 9369 A.1 */
    "14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b",
    "8b1a0bc121284290a29e0971b5cd045d",
    "91f73e2351d8fa91660e909f",
    "45b95e15235d6f45a6b19cbcb0294ba9",
    "0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1",
    "82db637861d55e1d011f19ea71d5d2a7",
    "dd13c276499c0249d3310652",
    "edf6d05c83121201b436e16877593c3a",
    v2_client_initial,
    v2_server_initial,
    v2_retry,
    /* RFC 9369 A.5 */
    "3bfcddd72bcf02541d7fa0dd1f5f9eeea817e09a6963a0e6c7df0f9a1bab90f2",
    "a6b5bc6ab7dafce30ffff5dd",
    "d659760d2ba434a226fd37b35c69e2da8211d10c4f12538787d65645d5d1b8e2",
    "5558b1c60ae7b6b932bc27d786f4bc2bb20f2162ba",
};

/* RFC 9001 A.5 = RFC 9369 A.5: the server's application traffic secret. */
static const char chacha_secret[] = "9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b";

static void check_initial_keys(const appendix *a)
{
    uint8_t secret[32];
    quic_keys k;
    cr_assert_eq(quic_initial_keys(a->version, odcid, sizeof odcid, WIRE_FROM_CLIENT, secret, &k), 0);
    expect_hex(secret, a->client_secret, 32, "client_initial_secret");
    expect_hex(k.key, a->client_key, 16, "client key");
    expect_hex(k.iv, a->client_iv, 12, "client iv");
    expect_hex(k.hp, a->client_hp, 16, "client hp");
    cr_assert_eq(quic_initial_keys(a->version, odcid, sizeof odcid, WIRE_FROM_SERVER, secret, &k), 0);
    expect_hex(secret, a->server_secret, 32, "server_initial_secret");
    expect_hex(k.key, a->server_key, 16, "server key");
    expect_hex(k.iv, a->server_iv, 12, "server iv");
    expect_hex(k.hp, a->server_hp, 16, "server hp");
}

Test(quic_kat, v1_initial_keys) { check_initial_keys(&rfc9001); }
Test(quic_kat, v2_initial_keys) { check_initial_keys(&rfc9369); }

Test(quic_kat, unknown_version_has_no_keys)
{
    quic_keys k;
    cr_expect_eq(quic_initial_keys(0xff00001d, odcid, sizeof odcid, WIRE_FROM_CLIENT, NULL, &k), -1);
    cr_expect_eq(quic_keys_from_secret(QUIC_V1, 0x1304, odcid, &k), -1, "TLS_AES_128_CCM_SHA256 is not spoken");
}

/* One appendix packet: what is sealed, how, and the packet the appendix shows for it. */
typedef struct {
    const quic_keys *k;
    quic_packet_spec spec;
    uint64_t pn, largest; /* its packet number, and the one before it at the receiver (UINT64_MAX: none) */
    size_t pn_len, min_len;
    const uint8_t *payload;
    size_t payload_len;
    uint8_t *want; /* the appendix's protected packet; opened in place */
    size_t want_len;
} kat_packet;

/* Sealing the payload must give the appendix's packet byte for byte; parsing and opening that packet must give the
 * packet number and the payload back (followed by PADDING when min_len asked for it). The header in *h, the opened
 * payload at t->want + *off, *len bytes. */
static void seal_open(const kat_packet *t, quic_header *h, size_t *off, size_t *len)
{
    uint8_t got[1500];
    wire_wr w;
    wire_wr_init(&w, got, sizeof got);
    cr_assert_eq(quic_seal_packet(&w, t->k, &t->spec, t->pn, t->pn_len, t->payload, t->payload_len, t->min_len), 0);
    cr_assert_eq(w.len, t->want_len);
    cr_expect_arr_eq(got, t->want, t->want_len, "sealed packet");
    char err[QUIC_ERROR_MAX];
    uint64_t pn;
    cr_assert_eq(quic_parse_header(t->want, t->want_len, 0, h, err), 0, "%s", err);
    cr_expect_eq(h->type, t->spec.type);
    cr_expect_eq(h->len, t->want_len);
    cr_assert_eq(quic_open_packet(t->k, t->want, h, t->largest, &pn, off, len, err), 0, "%s", err);
    cr_expect_eq(pn, t->pn);
    cr_assert_geq(*len, t->payload_len);
    cr_expect_arr_eq(t->want + *off, t->payload, t->payload_len, "opened payload");
}

/* A.2 (from the client) and A.3 (from the server): the payload sealed under that side's Initial keys must be the
 * appendix's packet and open back to it. The client's: its CRYPTO frame (245 bytes) and PADDING to exactly the
 * appendix's 1162 bytes, as min_len 1200 asks (RFC 9000 §14.1), packet number 2 in 4 bytes, our ID as Destination.
 * The server's: ACK and CRYPTO (99 bytes), packet number 1 in 2 bytes, its own ID as Source, none as Destination.
 * want (1200 bytes of room) holds the opened packet, its payload at *off, *len bytes. */
static void check_initial(const appendix *a, int from, uint8_t *want, size_t *off, size_t *len)
{
    int client = from == WIRE_FROM_CLIENT;
    uint8_t payload[245];
    size_t payload_len = client ? 245 : 99, want_len = client ? 1200 : 135;
    hex(client ? client_crypto_frame : server_payload, payload, payload_len);
    hex(client ? a->client_packet : a->server_packet, want, want_len);
    quic_keys k;
    cr_assert_eq(quic_initial_keys(a->version, odcid, sizeof odcid, from, NULL, &k), 0);
    kat_packet t = {&k, {.type = QUIC_PT_INITIAL, .version = a->version}, client ? 2 : 1, UINT64_MAX,
                    client ? 4 : 2, client ? 1200 : 0, payload, payload_len, want, want_len};
    t.spec.dcid = client ? odcid : NULL;
    t.spec.dcid_len = client ? 8 : 0;
    t.spec.scid = client ? NULL : server_cid;
    t.spec.scid_len = client ? 0 : 8;
    quic_header h;
    seal_open(&t, &h, off, len);
    cr_expect_eq(h.version, a->version);
    cr_expect_eq(h.dcid_len, t.spec.dcid_len);
    cr_expect_eq(h.scid_len, t.spec.scid_len);
    cr_expect_eq(h.token_len, 0);
}

static void check_client_initial(const appendix *a)
{
    uint8_t want[1200];
    size_t off, len;
    check_initial(a, WIRE_FROM_CLIENT, want, &off, &len);
    cr_expect_arr_eq(want + 6, odcid, 8, "Destination Connection ID");
    cr_expect_eq(len, 1162);
    for (size_t i = 245; i < len; i++)
        cr_assert_eq(want[off + i], 0, "PADDING at %zu", i);
}

Test(quic_kat, v1_client_initial) { check_client_initial(&rfc9001); }
Test(quic_kat, v2_client_initial) { check_client_initial(&rfc9369); }

static void check_server_initial(const appendix *a)
{
    uint8_t want[1200];
    size_t off, len;
    check_initial(a, WIRE_FROM_SERVER, want, &off, &len);
    cr_assert_eq(len, 99);

    /* Its frames: ACK of packet 0, CRYPTO at offset 0 holding a 90-byte ServerHello. */
    wire_rd r;
    wire_rd_init(&r, want + off, len);
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    cr_assert_eq(quic_frame_next(&r, QUIC_PT_INITIAL, &f, err), 1, "%s", err);
    cr_expect_eq(f.type, QUIC_FRAME_ACK);
    cr_expect_eq(f.ack_largest, 0);
    cr_expect_eq(f.ack_smallest, 0);
    cr_assert_eq(quic_frame_next(&r, QUIC_PT_INITIAL, &f, err), 1, "%s", err);
    cr_expect_eq(f.type, QUIC_FRAME_CRYPTO);
    cr_expect_eq(f.crypto_off, 0);
    cr_expect_eq(f.data_len, 90);
    cr_expect_eq(f.data[0], WIRE_HS_SERVER_HELLO);
    cr_expect_eq(quic_frame_next(&r, QUIC_PT_INITIAL, &f, err), 0);
}

Test(quic_kat, v1_server_initial) { check_server_initial(&rfc9001); }
Test(quic_kat, v2_server_initial) { check_server_initial(&rfc9369); }

/* A.4: the Retry's tag verifies against the client's original Destination Connection ID, and only against it. */
static void check_retry(const appendix *a)
{
    uint8_t pkt[36];
    hex(a->retry, pkt, sizeof pkt);
    quic_header h;
    char err[QUIC_ERROR_MAX];
    cr_assert_eq(quic_parse_header(pkt, sizeof pkt, 0, &h, err), 0, "%s", err);
    cr_expect_eq(h.type, QUIC_PT_RETRY);
    cr_expect_eq(h.token_len, 5);
    cr_expect_arr_eq(h.token, "token", 5);
    cr_expect_eq(h.scid_len, 8);
    cr_expect_eq(quic_retry_verify(pkt, &h, odcid, sizeof odcid), 1);
    uint8_t tag[16];
    cr_assert_eq(quic_retry_tag(a->version, odcid, sizeof odcid, pkt, sizeof pkt - 16, tag), 0);
    cr_expect_arr_eq(tag, pkt + 20, 16, "Retry Integrity Tag");
    cr_expect_eq(quic_retry_verify(pkt, &h, server_cid, sizeof server_cid), 0, "another ODCID");
    pkt[sizeof pkt - 1] ^= 1;
    cr_expect_eq(quic_retry_verify(pkt, &h, odcid, sizeof odcid), 0, "a changed tag");
}

Test(quic_kat, v1_retry) { check_retry(&rfc9001); }
Test(quic_kat, v2_retry) { check_retry(&rfc9369); }

/* A.5: ChaCha20-Poly1305 keys from an application secret; a PING in a short header, packet number 654360564 in
 * 3 bytes; opened again from the packet before it. */
static void check_chacha(const appendix *a)
{
    uint8_t secret[32], want[21];
    hex(chacha_secret, secret, 32);
    hex(a->chacha_packet, want, sizeof want);
    quic_keys k;
    cr_assert_eq(quic_keys_from_secret(a->version, 0x1303, secret, &k), 0);
    cr_expect_eq(k.aead, QUIC_AEAD_CHACHA20);
    expect_hex(k.key, a->chacha_key, 32, "key");
    expect_hex(k.iv, a->chacha_iv, 12, "iv");
    expect_hex(k.hp, a->chacha_hp, 32, "hp");
    static const uint8_t ping[1] = {QUIC_FRAME_PING};
    kat_packet t = {&k, {.type = QUIC_PT_SHORT, .version = a->version}, 654360564, 654360563, 3, 0, ping, 1, want,
                    sizeof want};
    quic_header h;
    size_t off, len;
    seal_open(&t, &h, &off, &len);
    cr_expect_eq(len, 1);
}

Test(quic_kat, v1_chacha20_short_header) { check_chacha(&rfc9001); }
Test(quic_kat, v2_chacha20_short_header) { check_chacha(&rfc9369); }

/* AES-256-GCM has no appendix: a packet sealed with TLS_AES_256_GCM_SHA384 keys opens, and not under other keys. */
Test(quic_kat, aes256_round_trip)
{
    uint8_t secret[48], pkt[128];
    memset(secret, 0x5a, sizeof secret);
    quic_keys k, other;
    cr_assert_eq(quic_keys_from_secret(QUIC_V1, 0x1302, secret, &k), 0);
    cr_expect_eq(k.key_len, 32);
    secret[0] ^= 1;
    cr_assert_eq(quic_keys_from_secret(QUIC_V1, 0x1302, secret, &other), 0);
    quic_packet_spec s = {.type = QUIC_PT_HANDSHAKE, .version = QUIC_V1, .dcid = odcid, .dcid_len = 8};
    wire_wr w;
    wire_wr_init(&w, pkt, sizeof pkt);
    static const uint8_t ping[1] = {QUIC_FRAME_PING};
    cr_assert_eq(quic_seal_packet(&w, &k, &s, 7, 1, ping, 1, 0), 0);
    uint8_t copy[128];
    memcpy(copy, pkt, w.len);
    quic_header h;
    char err[QUIC_ERROR_MAX];
    uint64_t pn;
    size_t off, len;
    cr_assert_eq(quic_parse_header(pkt, w.len, 0, &h, err), 0, "%s", err);
    cr_expect_eq(h.type, QUIC_PT_HANDSHAKE);
    cr_expect_eq(quic_open_packet(&other, copy, &h, 6, &pn, &off, &len, err), -1, "opened under the wrong key");
    cr_assert_eq(quic_open_packet(&k, pkt, &h, 6, &pn, &off, &len, err), 0, "%s", err);
    cr_expect_eq(pn, 7);
    /* PING and the zero bytes that make the sample possible (RFC 9001 §5.4.2). */
    cr_expect_eq(len, 3);
    cr_expect_eq(pkt[off], QUIC_FRAME_PING);
}

/* ---- RFC 9000 Appendix A examples --------------------------------------------------------------------------- */

Test(quic_varint, rfc9000_a1_examples)
{
    /* tests/cases/quic_varint.json: the RFC's encodings (hex) and their values. */
    case_file f;
    cases_open(&f, "quic_varint");
    for (size_t i = 0; i < f.n; i++) {
        const json_t *c = cases_at(&f, i);
        const char *name = case_name(c);
        uint8_t b[8];
        size_t len = case_hex(c, "hex", b, sizeof b);
        cr_assert_gt(len, 0, "%s: no bytes", name);
        uint64_t value = (uint64_t)case_int(c, "value", -1);
        wire_rd r;
        wire_rd_init(&r, b, len);
        cr_expect_eq(quic_rd_varint(&r), value, "%s", name);
        cr_expect_eq(r.err, 0);
        cr_expect_eq(wire_rd_left(&r), 0);
        /* Truncated by one byte: an error, not a value. */
        wire_rd_init(&r, b, len - 1);
        (void)quic_rd_varint(&r);
        cr_expect_eq(r.err, 1, "%s, truncated", name);
    }
    cases_close(&f);
    uint8_t out[16];
    wire_wr w;
    wire_wr_init(&w, out, sizeof out);
    quic_wr_varint(&w, 15293);
    quic_wr_varint(&w, 37);
    cr_assert_eq(w.err, 0);
    cr_expect_eq(w.len, 3);
    cr_expect_eq(out[0], 0x7b);
    cr_expect_eq(out[1], 0xbd);
    quic_wr_varint(&w, QUIC_VARINT_MAX + 1);
    cr_expect_eq(w.err, 1, "2^62 has no encoding");
    wire_wr_init(&w, out, sizeof out);
    quic_wr_varint_n(&w, 16384, 2);
    cr_expect_eq(w.err, 1, "16384 does not fit 2 bytes");
}

Test(quic_pn, rfc9000_a2_a3_examples)
{
    /* A.2: 0xac5c02 with 0xabe8b3 acknowledged needs 16 bits; 0xace8fe needs 24. */
    cr_expect_eq(quic_pn_size(0xac5c02, 0xabe8b3), 2);
    cr_expect_eq(quic_pn_size(0xace8fe, 0xabe8b3), 3);
    cr_expect_eq(quic_pn_size(0, UINT64_MAX), 1);
    /* A.3: 0x9b32 in 16 bits after 0xa82f30ea is 0xa82f9b32. */
    cr_expect_eq(quic_pn_decode(0xa82f30ea, 0x9b32, 2), 0xa82f9b32);
    cr_expect_eq(quic_pn_decode(UINT64_MAX, 0, 1), 0);
    cr_expect_eq(quic_pn_decode(0xff, 0x01, 1), 0x101, "wraps forward");
    cr_expect_eq(quic_pn_decode(0x101, 0xff, 1), 0xff, "wraps back");
}

/* ---- headers: coalesced packets, Version Negotiation, malformed input --------------------------------------- */

/* Seals an Initial and a Handshake packet into one datagram, padded to 1200 bytes (RFC 9000 §12.2, §14.1). */
/* That datagram, its keys, and room for what parsing and opening it give. */
typedef struct {
    uint8_t dgram[1500];
    quic_keys ki, kh;
    size_t first; /* the Initial's length: the Handshake packet starts there */
    quic_header h;
    char err[QUIC_ERROR_MAX];
    uint64_t pn;
    size_t off, len;
} coalesced_fixture;

static void coalesced(coalesced_fixture *c)
{
    quic_keys *ki = &c->ki, *kh = &c->kh;
    uint8_t secret[32];
    memset(secret, 0x11, sizeof secret);
    cr_assert_eq(quic_initial_keys(QUIC_V1, odcid, sizeof odcid, WIRE_FROM_CLIENT, NULL, ki), 0);
    cr_assert_eq(quic_keys_from_secret(QUIC_V1, 0x1301, secret, kh), 0);
    static const uint8_t ping[1] = {QUIC_FRAME_PING};
    quic_packet_spec s = {.type = QUIC_PT_INITIAL, .version = QUIC_V1, .dcid = odcid, .dcid_len = 8,
                          .scid = server_cid, .scid_len = 8, .token = (const uint8_t *)"tok", .token_len = 3};
    wire_wr w;
    wire_wr_init(&w, c->dgram, sizeof c->dgram);
    cr_assert_eq(quic_seal_packet(&w, ki, &s, 0, 1, ping, 1, 0), 0);
    c->first = w.len;
    s.type = QUIC_PT_HANDSHAKE;
    cr_assert_eq(quic_seal_packet(&w, kh, &s, 0, 1, ping, 1, 1200 - c->first), 0);
    cr_assert_eq(w.len, 1200);
}

Test(quic_header, coalesced_packets)
{
    coalesced_fixture c;
    coalesced(&c);
    cr_assert_eq(quic_parse_header(c.dgram, 1200, 0, &c.h, c.err), 0, "%s", c.err);
    cr_expect_eq(c.h.type, QUIC_PT_INITIAL);
    cr_expect_eq(c.h.len, c.first);
    cr_expect_eq(c.h.token_len, 3);
    cr_assert_eq(quic_open_packet(&c.ki, c.dgram, &c.h, UINT64_MAX, &c.pn, &c.off, &c.len, c.err), 0, "%s", c.err);
    cr_assert_eq(quic_parse_header(c.dgram + c.first, 1200 - c.first, 0, &c.h, c.err), 0, "%s", c.err);
    cr_expect_eq(c.h.type, QUIC_PT_HANDSHAKE);
    cr_expect_eq(c.h.len, 1200 - c.first);
    cr_assert_eq(quic_open_packet(&c.kh, c.dgram + c.first, &c.h, UINT64_MAX, &c.pn, &c.off, &c.len, c.err), 0, "%s", c.err);
    cr_expect_eq(c.dgram[c.first + c.off], QUIC_FRAME_PING);
}

Test(quic_header, version_negotiation)
{
    /* RFC 9000 §17.2.1: version 0, our connection IDs echoed, then the versions the server supports. */
    static const uint8_t vn[] = {0x80, 0, 0, 0, 0, 1, 0xaa, 1, 0xbb, 0x6b, 0x33, 0x43, 0xcf, 0, 0, 0, 1};
    quic_header h;
    char err[QUIC_ERROR_MAX];
    cr_assert_eq(quic_parse_header(vn, sizeof vn, 0, &h, err), 0, "%s", err);
    cr_expect_eq(h.type, QUIC_PT_VERSION_NEGOTIATION);
    cr_expect_eq(h.n_versions, 2);
    cr_expect_eq(h.versions[3], 0xcf);
    cr_expect_eq(h.len, sizeof vn);
    cr_expect_eq(quic_parse_header(vn, sizeof vn - 1, 0, &h, err), -1, "a list of 7 bytes");
    cr_expect_eq(quic_parse_header(vn, 9, 0, &h, err), -1, "an empty list");
}

/* The long packet types of both versions, from their Type bits: RFC 9000 §17.2 Table 5 (Initial 0, 0-RTT 1,
 * Handshake 2, Retry 3) and RFC 9369 §3.2 (Initial 1, 0-RTT 2, Handshake 3, Retry 0), written out here rather than
 * taken from quic_type_bits, which the parser inverts. */
Test(quic_header, long_header_types_of_both_versions)
{
    static const struct {
        uint32_t version;
        unsigned bits[4]; /* by quic_ptype: Initial, 0-RTT, Handshake, Retry */
    } table[] = {{QUIC_V1, {0, 1, 2, 3}}, {QUIC_V2, {1, 2, 3, 0}}};
    for (size_t v = 0; v < sizeof table / sizeof table[0]; v++) {
        for (quic_ptype t = QUIC_PT_INITIAL; t <= QUIC_PT_RETRY; t++) {
            uint8_t pkt[40] = {0};
            uint32_t ver = table[v].version;
            /* Form 1, Fixed Bit 1, the type's bits; the version; empty connection IDs; then for Initial an empty
             * token, a Length of 4 and 4 bytes; for 0-RTT and Handshake the same without token; for Retry its tag. */
            pkt[0] = (uint8_t)(0xc0u | table[v].bits[t] << 4);
            pkt[1] = (uint8_t)(ver >> 24), pkt[2] = (uint8_t)(ver >> 16), pkt[3] = (uint8_t)(ver >> 8);
            pkt[4] = (uint8_t)ver;
            size_t len = 7;
            if (t == QUIC_PT_INITIAL)
                len++; /* token length 0 */
            if (t != QUIC_PT_RETRY)
                pkt[len++] = 4, len += 4;
            else
                len += 16;
            quic_header h;
            char err[QUIC_ERROR_MAX];
            cr_assert_eq(quic_parse_header(pkt, len, 0, &h, err), 0, "version %08x type %d: %s", ver, (int)t, err);
            cr_expect_eq(h.type, t, "version %08x, Type bits %u", ver, table[v].bits[t]);
            cr_expect_eq(quic_type_bits(ver, t), (int)table[v].bits[t]);
        }
    }
}

/* Each malformed header is refused with a reason, never read past. */
Test(quic_header, malformed)
{
    coalesced_fixture c;
    coalesced(&c);
    for (size_t cut = 0; cut < 6 + 1 + 8 + 1 + 8 + 1 + 3 + 2; cut++)
        cr_expect_eq(quic_parse_header(c.dgram, cut, 0, &c.h, c.err), -1, "cut at %zu", cut);
    cr_expect_neq(c.err[0], '\0');

    uint8_t bad[64];
    memcpy(bad, c.dgram, sizeof bad);
    bad[5] = 21; /* Destination Connection ID of 21 bytes (RFC 9000 §17.2) */
    cr_expect_eq(quic_parse_header(bad, sizeof bad, 0, &c.h, c.err), -1);
    cr_expect(strstr(c.err, "20 bytes") != NULL, "%s", c.err);
    memcpy(bad, c.dgram, sizeof bad);
    bad[0] &= (uint8_t)~0x40; /* Fixed Bit 0 */
    cr_expect_eq(quic_parse_header(bad, sizeof bad, 0, &c.h, c.err), -1);
    memcpy(bad, c.dgram, sizeof bad);
    bad[4] = 2; /* version 0x00000002: unknown */
    cr_expect_eq(quic_parse_header(bad, sizeof bad, 0, &c.h, c.err), -1);
    /* The Length field (2 bytes after the 3-byte token) claims more than the 40 bytes at hand. */
    cr_expect_eq(quic_parse_header(c.dgram, 40, 0, &c.h, c.err), -1);
    cr_expect(strstr(c.err, "Length beyond") != NULL, "%s", c.err);
    /* Token length beyond the datagram. */
    memcpy(bad, c.dgram, sizeof bad);
    bad[6 + 1 + 8 + 1 + 8] = 0x7f;
    cr_expect_eq(quic_parse_header(bad, 40, 0, &c.h, c.err), -1);
    /* A short header shorter than the connection ID we expect, with the Fixed Bit 0. */
    static const uint8_t short_pkt[4] = {0x40, 1, 2, 3}, no_fixed[4] = {0x00, 1, 2, 3};
    cr_expect_eq(quic_parse_header(short_pkt, 4, 8, &c.h, c.err), -1);
    cr_expect_eq(quic_parse_header(no_fixed, 4, 0, &c.h, c.err), -1);
    cr_expect_eq(quic_parse_header(short_pkt, 0, 0, &c.h, c.err), -1);
    /* A Retry shorter than its tag. */
    static const uint8_t retry[] = {0xf0, 0, 0, 0, 1, 0, 0, 1, 2, 3};
    cr_expect_eq(quic_parse_header(retry, sizeof retry, 0, &c.h, c.err), -1);
}

Test(quic_header, open_refuses_short_and_altered_packets)
{
    coalesced_fixture c;
    coalesced(&c);
    /* A short header packet of 1 + 19 bytes cannot be sampled (RFC 9001 §5.4.2). */
    uint8_t tiny[20] = {0x40};
    cr_assert_eq(quic_parse_header(tiny, sizeof tiny, 0, &c.h, c.err), 0);
    cr_expect_eq(quic_open_packet(&c.kh, tiny, &c.h, UINT64_MAX, &c.pn, &c.off, &c.len, c.err), -1);
    cr_expect(strstr(c.err, "sample") != NULL, "%s", c.err);
    /* One flipped payload bit: the tag does not verify. */
    cr_assert_eq(quic_parse_header(c.dgram, 1200, 0, &c.h, c.err), 0);
    c.dgram[c.first - 1] ^= 0x80;
    cr_expect_eq(quic_open_packet(&c.ki, c.dgram, &c.h, UINT64_MAX, &c.pn, &c.off, &c.len, c.err), -1);
    cr_expect(strstr(c.err, "AEAD") != NULL, "%s", c.err);
    /* Under the other level's keys. */
    cr_assert_eq(quic_parse_header(c.dgram + c.first, 1200 - c.first, 0, &c.h, c.err), 0);
    cr_expect_eq(quic_open_packet(&c.ki, c.dgram + c.first, &c.h, UINT64_MAX, &c.pn, &c.off, &c.len, c.err), -1);
}

/* ---- frames ------------------------------------------------------------------------------------------------- */

/* Reads all frames of payload (hex) in packet type pt: the count read, or -1 with err filled. */
static int read_frames(const char *payload_hex, quic_ptype pt, quic_frame *last, char *err)
{
    uint8_t p[256];
    size_t n = guard_hex(payload_hex, p, sizeof p);
    wire_rd r;
    wire_rd_init(&r, p, n);
    int count = 0, rc;
    quic_frame f;
    while ((rc = quic_frame_next(&r, pt, &f, err)) == 1) {
        *last = f;
        count++;
    }
    /* The data pointers would dangle after return: callers look at numbers only. */
    last->data = last->reason = NULL;
    return rc < 0 ? -1 : count;
}

Test(quic_frames, handshake_frames)
{
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    /* PADDING run, PING, ACK 10 (first range 2: 8..10) gap 0 range 1 (5..6), CRYPTO off 3 "abc". */
    cr_expect_eq(read_frames("000000" "01" "020a0001020001" "01" "0603036162 63", QUIC_PT_HANDSHAKE, &f, err), 5);
    /* PADDING runs of every length around the word size are one frame each, and end where the next frame starts. */
    for (size_t zeros = 1; zeros <= 17; zeros++) {
        char hex[64] = "";
        for (size_t i = 0; i < zeros; i++)
            strcat(hex, "00");
        strcat(hex, "01");
        cr_expect_eq(read_frames(hex, QUIC_PT_INITIAL, &f, err), 2, "%zu zero bytes, then PING: %s", zeros, err);
        cr_expect_eq(f.type, QUIC_FRAME_PING);
        cr_expect_eq(f.off, zeros);
        hex[2 * zeros] = '\0';
        cr_expect_eq(read_frames(hex, QUIC_PT_INITIAL, &f, err), 1, "%zu zero bytes to the end", zeros);
    }
    /* ACK 10, ack_delay 0, 1 more range, first range 2 (8..10), gap 0, length 1: smallest 5. */
    cr_expect_eq(read_frames("020a0001020001", QUIC_PT_INITIAL, &f, err), 1, "%s", err);
    cr_expect_eq(f.ack_smallest, 5);
    cr_expect_eq(f.ack_ranges, 1);
    /* ACK_ECN with its three counts. */
    cr_expect_eq(read_frames("03050000 00 010203", QUIC_PT_INITIAL, &f, err), 1, "%s", err);
    /* CONNECTION_CLOSE 0x1c: error 0x178 (no_application_protocol, RFC 9001 §8.1), frame type 6, reason "no". */
    cr_expect_eq(read_frames("1c41780602 6e6f", QUIC_PT_INITIAL, &f, err), 1, "%s", err);
    cr_expect_eq(f.error_code, 0x178);
    cr_expect_eq(f.frame_type, 6);
    cr_expect_eq(f.reason_len, 2);
    /* CONNECTION_CLOSE 0x1d and HANDSHAKE_DONE and NEW_TOKEN in 1-RTT. */
    cr_expect_eq(read_frames("1d0000 1e 0701aa", QUIC_PT_SHORT, &f, err), 3, "%s", err);
    /* A simple ACK and a CRYPTO frame built here parse back. */
    uint8_t b[32];
    wire_wr w;
    wire_wr_init(&w, b, sizeof b);
    quic_wr_ack(&w, 300, 7, 300);
    quic_wr_crypto(&w, 70000, (const uint8_t *)"xy", 2);
    cr_assert_eq(w.err, 0);
    wire_rd r;
    wire_rd_init(&r, b, w.len);
    cr_assert_eq(quic_frame_next(&r, QUIC_PT_INITIAL, &f, err), 1, "%s", err);
    cr_expect_eq(f.ack_largest, 300);
    cr_expect_eq(f.ack_smallest, 0);
    cr_expect_eq(f.ack_delay, 7);
    cr_assert_eq(quic_frame_next(&r, QUIC_PT_INITIAL, &f, err), 1, "%s", err);
    cr_expect_eq(f.crypto_off, 70000);
    cr_expect_eq(f.data_len, 2);
}

/* Every input of tests/cases/FILE.json (its "hex", named by why it is malformed) must be refused with a reason
 * containing must_say. The case's word under arg_key (one of words, n of them) gives parse's third argument: codes[i]
 * for words[i]. Called through REFUSE_ALL, which checks that words and codes are as long. */
static void refuse_all(const char *file, const char *arg_key, const char *const *words, const int *codes, size_t n,
                       int (*parse)(const uint8_t *, size_t, int, char *), const char *must_say)
{
    case_file f;
    cases_open(&f, file);
    for (size_t i = 0; i < f.n; i++) {
        const json_t *c = cases_at(&f, i);
        uint8_t b[64];
        size_t len = case_hex(c, "hex", b, sizeof b);
        char err[QUIC_ERROR_MAX] = "";
        cr_expect_eq(parse(b, len, codes[case_word(c, arg_key, words, n, -1)], err), -1, "%s", case_name(c));
        cr_expect(strstr(err, must_say) != NULL, "%s: the error says '%s': %s", case_name(c), must_say, err);
    }
    cases_close(&f);
}
#define REFUSE_ALL(file, arg_key, words, codes, parse, must_say)                                                       \
    refuse_all((file), (arg_key), (words), (codes),                                                                    \
               sizeof(words) / sizeof((words)[0]) + CASE_SAME_LENGTH(words, codes), (parse), (must_say))

/* All frames of a payload in packet type pt: 0, or -1 with err. */
static int parse_frames(const uint8_t *p, size_t len, int pt, char *err)
{
    wire_rd r;
    wire_rd_init(&r, p, len);
    quic_frame f;
    int rc;
    while ((rc = quic_frame_next(&r, (quic_ptype)pt, &f, err)) == 1)
        ;
    return rc;
}

static int parse_tp(const uint8_t *p, size_t len, int from_server, char *err)
{
    quic_tp tp;
    return quic_tp_parse(p, len, from_server, &tp, err);
}

Test(quic_frames, malformed_frames)
{
    /* tests/cases/quic_frames_bad.json: payloads and the packet type they arrive in. */
    static const char *const packets[] = {"initial", "0rtt", "handshake", "retry", "1rtt"};
    static const int packet_codes[] = {QUIC_PT_INITIAL, QUIC_PT_0RTT, QUIC_PT_HANDSHAKE, QUIC_PT_RETRY, QUIC_PT_SHORT};
    REFUSE_ALL("quic_frames_bad", "packet", packets, packet_codes, parse_frames, "at byte");
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    /* The offset names the frame: PING, PADDING, then a STREAM frame at byte 3. */
    cr_expect_eq(read_frames("010000 08", QUIC_PT_SHORT, &f, err), -1);
    cr_expect(strstr(err, "0x8 at byte 3") != NULL, "%s", err);
}

/* ---- CRYPTO reassembly -------------------------------------------------------------------------------------- */

Test(quic_crypto, out_of_order_duplicates_overlap)
{
    quic_crypto_stream s;
    quic_crypto_init(&s);
    char err[QUIC_ERROR_MAX];
    uint8_t out[32];
    const uint8_t *text = (const uint8_t *)"0123456789";
    cr_assert_eq(quic_crypto_add(&s, 5, text + 5, 5, err), 0, "%s", err);
    cr_expect_eq(quic_crypto_take(&s, out, sizeof out), 0, "nothing contiguous yet");
    cr_assert_eq(quic_crypto_add(&s, 3, text + 3, 4, err), 0, "overlap agreeing: %s", err);
    cr_assert_eq(quic_crypto_add(&s, 0, text, 2, err), 0, "%s", err);
    cr_expect_eq(quic_crypto_take(&s, out, sizeof out), 2);
    cr_assert_eq(quic_crypto_add(&s, 0, text, 4, err), 0, "partly handed out already: %s", err);
    cr_expect_eq(quic_crypto_take(&s, out, 3), 3, "at most cap");
    cr_expect_arr_eq(out, "234", 3);
    cr_expect_eq(quic_crypto_take(&s, out, sizeof out), 5);
    cr_expect_arr_eq(out, "56789", 5);
    cr_expect_eq(s.base, 10);
    cr_assert_eq(quic_crypto_add(&s, 0, text, 10, err), 0, "a retransmission of all of it: %s", err);
    cr_expect_eq(quic_crypto_take(&s, out, sizeof out), 0);
    /* Different bytes where some were received: refused. */
    cr_assert_eq(quic_crypto_add(&s, 20, text, 4, err), 0);
    cr_expect_eq(quic_crypto_add(&s, 22, (const uint8_t *)"xx", 2, err), -1);
    cr_expect(strstr(err, "differs") != NULL, "%s", err);
    /* The refused frame left nothing behind: bytes 20..23 are still all there is (found by fuzz_quic_frames). */
    cr_assert_eq(quic_crypto_add(&s, 10, text, 10, err), 0, "%s", err);
    cr_expect_eq(quic_crypto_take(&s, out, sizeof out), 14);
    cr_expect_eq(quic_crypto_add(&s, 26, (const uint8_t *)"ab", 2, err), 0);
    cr_expect_eq(quic_crypto_add(&s, 24, (const uint8_t *)"xyz", 3, err), -1, "conflicts at its last byte");
    cr_expect_eq(quic_crypto_take(&s, out, sizeof out), 0, "bytes 24 and 25 were not written");
}

/* A take moves only the bytes below the end mark (the last byte received): whatever lies past it stays unreceived,
 * and once everything is handed out nothing is marked. */
Test(quic_crypto, end_mark)
{
    quic_crypto_stream s;
    quic_crypto_init(&s);
    char err[QUIC_ERROR_MAX];
    uint8_t text[100], out[128];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (uint8_t)(i * 7 + 1);
    cr_assert_eq(quic_crypto_add(&s, 90, text + 90, 4, err), 0, "%s", err);
    cr_expect_eq(s.end, 94);
    cr_assert_eq(quic_crypto_add(&s, 0, text, 40, err), 0, "%s", err);
    cr_expect_eq(s.end, 94, "an earlier frame leaves the mark");
    cr_expect_eq(quic_crypto_take(&s, out, sizeof out), 40);
    cr_expect_eq(s.end, 54, "the mark moves with the bytes");
    cr_expect_eq(quic_crypto_take(&s, out, sizeof out), 0, "40..89 missing");
    cr_expect_eq(quic_crypto_add(&s, 92, (const uint8_t *)"xx", 2, err), -1, "bytes 90..93 were moved, not lost");
    cr_assert_eq(quic_crypto_add(&s, 40, text + 40, 60, err), 0, "%s", err);
    cr_expect_eq(quic_crypto_take(&s, out, sizeof out), 60);
    cr_expect_arr_eq(out, text + 40, 60);
    cr_expect_eq(s.end, 0);
    cr_expect_null(memchr(s.have, 1, sizeof s.have), "nothing marked received past the bytes handed out");
}

Test(quic_crypto, bounds)
{
    quic_crypto_stream s;
    quic_crypto_init(&s);
    char err[QUIC_ERROR_MAX];
    uint8_t b[2] = {1, 2};
    cr_expect_eq(quic_crypto_add(&s, QUIC_CRYPTO_WINDOW - 2, b, 2, err), 0, "the window's last bytes");
    cr_expect_eq(quic_crypto_add(&s, QUIC_CRYPTO_WINDOW - 1, b, 2, err), -1, "one byte beyond the window");
    cr_expect(strstr(err, "7.5") != NULL, "%s", err);
    cr_expect_eq(quic_crypto_add(&s, QUIC_VARINT_MAX, b, 1, err), -1, "ending at 2^62");
    cr_expect_eq(quic_crypto_add(&s, QUIC_VARINT_MAX - 1, b, 1, err), -1, "beyond the window, at 2^62 - 1");
    cr_expect_eq(quic_crypto_add(&s, UINT64_MAX, b, 2, err), -1, "offset overflow");
}

/* ---- transport parameters ----------------------------------------------------------------------------------- */

Test(quic_tp, build_and_parse)
{
    static const uint8_t scid[4] = {1, 2, 3, 4};
    quic_tp tp, back;
    quic_tp_client_default(&tp, scid, sizeof scid);
    uint8_t b[256];
    wire_wr w;
    wire_wr_init(&w, b, sizeof b);
    cr_assert_eq(quic_tp_build(&w, &tp), 0);
    char err[QUIC_ERROR_MAX];
    cr_assert_eq(quic_tp_parse(b, w.len, 0, &back, err), 0, "%s", err);
    cr_expect_eq(back.present, tp.present);
    cr_expect_eq(back.initial_scid_len, 4);
    cr_expect_arr_eq(back.initial_scid, scid, 4);
    cr_expect_eq(back.value[QUIC_TP_MAX_UDP_PAYLOAD_SIZE], 1452);
    cr_expect_eq(back.value[QUIC_TP_INITIAL_MAX_DATA], 65536);
    cr_expect_eq(quic_tp_parse(b, w.len, 1, &back, err), -1, "a server must send original_destination_connection_id");
    /* The client's parameters of RFC 9001 A.2's ClientHello (extension 0x39). */
    uint8_t rfc[50];
    hex("0408ffffffffffffffff05048000ffff07048000ffff0801100104800075300901100f088394c8f03e51570806048000ffff", rfc,
        50);
    cr_assert_eq(quic_tp_parse(rfc, sizeof rfc, 0, &back, err), 0, "%s", err);
    cr_expect_eq(back.value[QUIC_TP_INITIAL_MAX_DATA], UINT64_C(0x3fffffffffffffff));
    cr_expect_eq(back.value[QUIC_TP_MAX_IDLE_TIMEOUT], 30000);
    cr_expect_arr_eq(back.initial_scid, odcid, 8);
    cr_expect_eq(back.count, 8);
}

Test(quic_tp, malformed)
{
    /* tests/cases/quic_tp_bad.json: transport parameters and who sent them (from_server 0 or 1). */
    static const char *const senders[] = {"client", "server"};
    static const int from_server[] = {0, 1};
    REFUSE_ALL("quic_tp_bad", "from", senders, from_server, parse_tp, "transport parameter 0x");
    quic_tp tp;
    char err[QUIC_ERROR_MAX];
    /* 129 distinct parameters: beyond our bound. */
    uint8_t many[3 * 130 + 2];
    wire_wr w;
    wire_wr_init(&w, many, sizeof many);
    wire_wr_bytes(&w, "\x0f\x00", 2);
    for (unsigned id = 0; id < 129; id++) {
        quic_wr_varint_n(&w, 64 + id, 2);
        wire_wr_u8(&w, 0);
    }
    cr_assert_eq(w.err, 0);
    cr_expect_eq(quic_tp_parse(many, w.len, 0, &tp, err), -1);
    cr_expect(strstr(err, "128") != NULL, "%s", err);
}

/* ---- the ClientHello of a QUIC connection ------------------------------------------------------------------- */

/* With quic_tp set the ClientHello carries quic_transport_parameters (RFC 9001 §8.2) and an empty legacy_session_id
 * (§8.4); without it, the TCP hello keeps its 32-byte session ID and has no extension 57. */
Test(quic_hello, transport_parameters_and_no_session_id)
{
    static const uint8_t scid[8] = {9, 9, 9, 9, 9, 9, 9, 9};
    quic_tp tp;
    quic_tp_client_default(&tp, scid, sizeof scid);
    uint8_t tpb[128], msg[1024];
    wire_wr w;
    wire_wr_init(&w, tpb, sizeof tpb);
    cr_assert_eq(quic_tp_build(&w, &tp), 0);
    for (int quic = 0; quic <= 1; quic++) {
        wire_client_hello ch = {.version = WIRE_TLS13, .quic_tp = quic ? tpb : NULL, .quic_tp_len = quic ? w.len : 0};
        wire_wr m;
        wire_wr_init(&m, msg, sizeof msg);
        wire_build_client_hello(&m, &ch);
        cr_assert_eq(m.err, 0);
        wire_client_hello_info info;
        cr_assert_eq(wire_parse_client_hello(msg + 4, m.len - 4, &info), 0);
        cr_expect_eq(info.session_id_len, quic ? 0 : 32);
        /* Extension 57 and its data, found by searching the message for type, length and the parameters. */
        uint8_t ext[4] = {0x00, 0x39, 0x00, (uint8_t)w.len};
        int found = 0;
        for (size_t i = 0; i + 4 + w.len <= m.len; i++)
            found |= memcmp(msg + i, ext, 4) == 0 && memcmp(msg + i + 4, tpb, w.len) == 0;
        cr_expect_eq(found, quic, "quic_transport_parameters %s", quic ? "missing" : "in a TCP hello");
    }
}

/* ---- the client connection against crafted server packets (no network) ------------------------------------- */

static quic_client qc; /* about 1 MiB: file scope */
static uint8_t qc_dgram[1500];

static void client_start(void)
{
    wire_client_params p = {.version = WIRE_TLS13, .sni = "localhost", .send_alpn = 1,
                            .alpn = (const uint8_t *)"\x00\x03\x02h3", .alpn_len = 5};
    cr_assert_eq(quic_client_start(&qc, QUIC_V1, &p), 0, "%s", qc.error);
}

/* Opens the client's Initial datagram qc_dgram[0..n) (padded to 1200 bytes, RFC 9000 §14.1), sent to the client's
 * current destination under the Initial keys of dcid (RFC 9001 §5.2): its header in h, its frames in r. */
static void open_client_initial(long n, const uint8_t *dcid, size_t dcid_len, quic_header *h, wire_rd *r)
{
    cr_assert_geq(n, 1200, "a datagram with an Initial is padded to 1200 bytes: %ld %s", n, qc.error);
    char err[QUIC_ERROR_MAX];
    cr_assert_eq(quic_parse_header(qc_dgram, (size_t)n, 0, h, err), 0, "%s", err);
    cr_assert_eq(h->type, QUIC_PT_INITIAL);
    cr_assert_eq(h->dcid_len, qc.dcid_len);
    cr_expect_arr_eq(h->dcid, qc.dcid, qc.dcid_len);
    quic_keys k;
    cr_assert_eq(quic_initial_keys(QUIC_V1, dcid, dcid_len, WIRE_FROM_CLIENT, NULL, &k), 0);
    uint64_t pn;
    size_t off, len;
    cr_assert_eq(quic_open_packet(&k, qc_dgram, h, UINT64_MAX, &pn, &off, &len, err), 0, "%s", err);
    wire_rd_init(r, qc_dgram + off, len);
}

/* The client's next datagram: one Initial to dcid carrying CRYPTO from offset 0 with a ClientHello (and the token,
 * if any). */
static void expect_client_initial(const uint8_t *dcid, size_t dcid_len, size_t token_len)
{
    quic_header h;
    wire_rd r;
    open_client_initial(quic_client_datagram(&qc, qc_dgram, sizeof qc_dgram, 0), dcid, dcid_len, &h, &r);
    cr_assert_eq(h.dcid_len, dcid_len);
    cr_expect_arr_eq(h.dcid, dcid, dcid_len);
    cr_expect_eq(h.token_len, token_len);
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    cr_assert_eq(quic_frame_next(&r, QUIC_PT_INITIAL, &f, err), 1, "%s", err);
    cr_expect_eq(f.type, QUIC_FRAME_CRYPTO);
    cr_expect_eq(f.crypto_off, 0);
    cr_expect_eq(f.data[0], WIRE_HS_CLIENT_HELLO);
}

Test(quic_client, first_datagram)
{
    client_start();
    expect_client_initial(qc.odcid, sizeof qc.odcid, 0);
    cr_expect_eq(quic_client_datagram(&qc, qc_dgram, sizeof qc_dgram, 0), 0, "nothing more to send");
    cr_expect_eq(quic_client_datagram(&qc, qc_dgram, sizeof qc_dgram, 1), 1200, "the ClientHello again on a timeout");
}

/* A Version Negotiation packet (RFC 9000 §17.2.1) from the server to the client's connection IDs. */
static size_t version_negotiation(uint8_t *p, const uint8_t *dcid, const uint8_t *scid, uint32_t version)
{
    size_t n = 0;
    p[n++] = 0x80;
    memset(p + n, 0, 4);
    n += 4;
    p[n++] = 8;
    memcpy(p + n, dcid, 8);
    n += 8;
    p[n++] = 8;
    memcpy(p + n, scid, 8);
    n += 8;
    for (int i = 3; i >= 0; i--)
        p[n++] = (uint8_t)(version >> (8 * i));
    return n;
}

Test(quic_client, version_negotiation)
{
    client_start();
    uint8_t p[64];
    /* Listing our own version: dropped (RFC 9000 §6.2). Not echoing our IDs: dropped. */
    size_t n = version_negotiation(p, qc.scid, qc.odcid, QUIC_V1);
    cr_expect_eq(quic_client_receive(&qc, p, n), QUIC_CLIENT_MORE);
    n = version_negotiation(p, qc.odcid, qc.scid, 0xff00001d);
    cr_expect_eq(quic_client_receive(&qc, p, n), QUIC_CLIENT_MORE);
    n = version_negotiation(p, qc.scid, qc.odcid, 0xff00001d);
    cr_expect_eq(quic_client_receive(&qc, p, n), -1);
    cr_expect(strstr(qc.error, "Version Negotiation") != NULL, "%s", qc.error);
    cr_expect_eq(qc.vn_count, 1);
}

/* A Retry from server ID sid with the token and a tag over tagged_id (RFC 9001 §5.8). */
static size_t retry_packet(uint8_t *p, const uint8_t *tagged_id, const uint8_t *sid, const char *token)
{
    wire_wr w;
    wire_wr_init(&w, p, 128);
    wire_wr_u8(&w, 0xf0);
    wire_wr_u16(&w, 0);
    wire_wr_u16(&w, 1);
    wire_wr_u8(&w, 8);
    wire_wr_bytes(&w, qc.scid, 8);
    wire_wr_u8(&w, 8);
    wire_wr_bytes(&w, sid, 8);
    wire_wr_bytes(&w, token, strlen(token));
    cr_assert_eq(quic_retry_tag(QUIC_V1, tagged_id, 8, p, w.len, p + w.len), 0);
    return w.len + 16;
}

Test(quic_client, retry)
{
    client_start();
    (void)quic_client_datagram(&qc, qc_dgram, sizeof qc_dgram, 0);
    uint8_t p[128];
    /* A tag over another ID, an empty token (RFC 9000 §17.2.5.2): dropped. */
    size_t n = retry_packet(p, server_cid, server_cid, "tok");
    cr_expect_eq(quic_client_receive(&qc, p, n), QUIC_CLIENT_MORE);
    n = retry_packet(p, qc.odcid, server_cid, "");
    cr_expect_eq(quic_client_receive(&qc, p, n), QUIC_CLIENT_MORE);
    cr_expect_eq(qc.retried, 0);
    /* A good one: the ClientHello goes again, to the server's ID, under Initial keys from it, with the token. */
    n = retry_packet(p, qc.odcid, server_cid, "tok");
    cr_assert_eq(quic_client_receive(&qc, p, n), QUIC_CLIENT_MORE, "%s", qc.error);
    cr_expect_eq(qc.retried, 1);
    expect_client_initial(server_cid, 8, 3);
    /* A second Retry is dropped (RFC 9000 §17.2.5.2). */
    static const uint8_t other[8] = {7, 7, 7, 7, 7, 7, 7, 7};
    n = retry_packet(p, qc.odcid, other, "tok2");
    cr_expect_eq(quic_client_receive(&qc, p, n), QUIC_CLIENT_MORE);
    cr_expect_arr_eq(qc.dcid, server_cid, 8);
}

/* A server Initial to the client (Initial keys from its first Destination ID) holding these frames. */
static size_t server_initial(uint8_t *out, const uint8_t *frames, size_t len)
{
    quic_keys k;
    cr_assert_eq(quic_initial_keys(QUIC_V1, qc.odcid, 8, WIRE_FROM_SERVER, NULL, &k), 0);
    quic_packet_spec s = {.type = QUIC_PT_INITIAL, .version = QUIC_V1, .dcid = qc.scid, .dcid_len = 8,
                          .scid = server_cid, .scid_len = 8};
    wire_wr w;
    wire_wr_init(&w, out, sizeof qc_dgram);
    cr_assert_eq(quic_seal_packet(&w, &k, &s, 0, 1, frames, len, 0), 0);
    return w.len;
}

Test(quic_client, connection_close_and_hostile_crypto)
{
    client_start();
    /* CONNECTION_CLOSE 0x1c, 0x178 (no_application_protocol, RFC 9001 §8.1), frame type 6, reason "no h3". */
    static const uint8_t close_frame[] = {0x1c, 0x41, 0x78, 0x06, 0x05, 'n', 'o', ' ', 'h', '3'};
    size_t n = server_initial(qc_dgram, close_frame, sizeof close_frame);
    cr_assert_eq(quic_client_receive(&qc, qc_dgram, n), QUIC_CLIENT_CLOSED, "%s", qc.error);
    cr_expect_eq(qc.close.code, 0x178);
    cr_expect_eq(qc.close.frame_type, 6);
    cr_expect_eq(qc.close.type, QUIC_PT_INITIAL);
    cr_expect_eq(qc.close.reason_len, 5);
    cr_expect_arr_eq(qc.close.reason, "no h3", 5);
    cr_expect_arr_eq(qc.dcid, server_cid, 8, "the server's Source ID is our destination now (RFC 9000 §7.2)");

    /* CRYPTO far beyond what we buffer (RFC 9000 §7.5): the handshake ends with the reason. */
    client_start();
    static const uint8_t far[] = {0x06, 0x80, 0x10, 0x00, 0x00, 0x01, 0x01};
    n = server_initial(qc_dgram, far, sizeof far);
    cr_expect_eq(quic_client_receive(&qc, qc_dgram, n), -1);
    cr_expect(strstr(qc.error, "7.5") != NULL, "%s", qc.error);
    /* A garbled packet is dropped, not an error (RFC 9001 §5.5). */
    client_start();
    n = server_initial(qc_dgram, close_frame, sizeof close_frame);
    qc_dgram[n - 1] ^= 1;
    cr_expect_eq(quic_client_receive(&qc, qc_dgram, n), QUIC_CLIENT_MORE);
    cr_expect_eq(qc.server_initial, 0);
}

/* The CRYPTO frame of one client Initial datagram: its offset and length. */
static void client_crypto_of(long n, uint64_t *off, size_t *len)
{
    quic_header h;
    wire_rd r;
    open_client_initial(n, qc.odcid, sizeof qc.odcid, &h, &r);
    quic_frame f;
    char err[QUIC_ERROR_MAX];
    *len = 0;
    while (quic_frame_next(&r, QUIC_PT_INITIAL, &f, err) == 1) {
        if (f.type == QUIC_FRAME_CRYPTO) {
            *off = f.crypto_off;
            *len = f.data_len;
        }
    }
}

/* A ClientHello of over 16 KiB (SRV-MANY-NAMES' list) goes out in CRYPTO frames of several Initial packets, one per
 * padded datagram, at contiguous offsets. A server Initial that only acknowledges some of them (no ServerHello yet)
 * does not hold the whole hello: on a timeout the stream goes again from offset 0 (RFC 9000 §13.3), not just the ACK. */
Test(quic_client, client_hello_spans_initial_packets_and_is_sent_again)
{
    static uint8_t ext[2 + 300 * 61];
    size_t pos = 2;
    for (int i = 0; i < 300; i++) {
        ext[pos++] = 60;
        memset(ext + pos, 'a' + i % 26, 60);
        pos += 60;
    }
    ext[0] = (uint8_t)((pos - 2) >> 8);
    ext[1] = (uint8_t)(pos - 2);
    wire_client_params p = {.version = WIRE_TLS13, .sni = "localhost", .send_alpn = 1, .alpn = ext, .alpn_len = pos};
    cr_assert_eq(quic_client_start(&qc, QUIC_V1, &p), 0, "%s", qc.error);
    cr_assert_gt(qc.sp.tx_crypto_len[0], 16384);
    uint64_t next = 0, off;
    size_t len, datagrams = 0;
    long n;
    while ((n = quic_client_datagram(&qc, qc_dgram, sizeof qc_dgram, 0)) > 0) {
        client_crypto_of(n, &off, &len);
        cr_expect_eq(off, next, "CRYPTO offsets follow each other");
        next = off + len;
        datagrams++;
    }
    cr_expect_eq(next, qc.sp.tx_crypto_len[0], "the whole ClientHello went out");
    cr_expect_geq(datagrams, 12, "%zu datagrams", datagrams);
    /* The server acknowledges its first packets only (ACK of packet 0 to 2). */
    uint8_t frames[16];
    wire_wr fw;
    wire_wr_init(&fw, frames, sizeof frames);
    quic_wr_ack(&fw, 2, 0, 2);
    uint8_t pkt[1500];
    size_t pn = server_initial(pkt, frames, fw.len);
    cr_assert_eq(quic_client_receive(&qc, pkt, pn), QUIC_CLIENT_MORE, "%s", qc.error);
    cr_assert_eq(qc.server_initial, 1);
    n = quic_client_datagram(&qc, qc_dgram, sizeof qc_dgram, 1);
    client_crypto_of(n, &off, &len);
    cr_expect_gt(len, 0, "the ClientHello goes again, not only an ACK");
    cr_expect_eq(off, 0);
}
