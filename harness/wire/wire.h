/*
 * The wire engine: our own TLS record layer and handshake codecs, so that a ClientHello can carry any ALPN bytes
 * (malformed, over 16 KiB, duplicated) and the server's answer can be read wherever it is — including inside the
 * encrypted TLS 1.3 EncryptedExtensions. GnuTLS 3.7.9 cannot send such hellos, and rewriting its hello on the wire
 * breaks its TLS 1.3 transcript. Crypto: GnuTLS (HKDF, AEAD, hashes, random) and nettle (X25519).
 * Every parser of peer data is bounded and returns an error instead of trusting a length.
 */
#ifndef ALPN_WIRE_H
#define ALPN_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- bounded reading and writing ---------------------------------------------------------------------------- */

/* A read cursor. A read past the end sets err (sticky) and yields zeros; callers check err after a block. */
typedef struct {
    const uint8_t *p;
    size_t len, pos;
    int err;
} wire_rd;

/* The byte-level steps are inline: every parser of the engine runs through them, and as calls into another file
 * their fixed widths and bounds could not be folded (a fuzzing build traces each comparison left standing). */
static inline void wire_rd_init(wire_rd *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = p ? len : 0;
    r->pos = 0;
    r->err = 0;
}

static inline size_t wire_rd_left(const wire_rd *r)
{
    return r->err ? 0 : r->len - r->pos;
}

/* NULL (and err) when fewer than n remain. */
static inline const uint8_t *wire_rd_bytes(wire_rd *r, size_t n)
{
    if (r->err || n > r->len - r->pos) {
        r->err = 1;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

/* A big-endian number of n (1 to 4) bytes; 0 and err when fewer remain. */
static inline uint32_t wire_rd_be(wire_rd *r, size_t n)
{
    const uint8_t *p = wire_rd_bytes(r, n);
    uint32_t v = 0;
    for (size_t i = 0; p != NULL && i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static inline unsigned wire_rd_u8(wire_rd *r)
{
    return (unsigned)wire_rd_be(r, 1);
}

static inline unsigned wire_rd_u16(wire_rd *r)
{
    return (unsigned)wire_rd_be(r, 2);
}

static inline uint32_t wire_rd_u24(wire_rd *r)
{
    return wire_rd_be(r, 3);
}

/* A length-prefixed block (prefix of 1, 2 or 3 bytes) as a sub-cursor; err on the parent when it overruns. */
wire_rd wire_rd_block(wire_rd *r, int prefix);
/* The next entry of a list of tagged entries (a tag of tag_bytes bytes, then opaque body<0..2^16-1>): 1 with its tag
 * and body, 0 at the end of the list, -1 when the list is malformed. */
int wire_rd_entry(wire_rd *list, int tag_bytes, unsigned *tag, wire_rd *body);
/* The next extension of a block of extensions (RFC 8446 §4.2: uint16 type; opaque extension_data<0..2^16-1>), as
 * wire_rd_entry. */
int wire_rd_extension(wire_rd *exts, unsigned *type, wire_rd *data);
/* The extensions block (2-byte length) that ends a message: 0, or -1 when it overruns or does not fill the rest. */
int wire_rd_last_block(wire_rd *r, wire_rd *exts);
/* The same for a hello, whose extensions may be absent when nothing follows (RFC 5246 §7.4.1.2, §7.4.1.3): an empty
 * block then. */
int wire_rd_hello_extensions(wire_rd *r, wire_rd *exts);

/* A write buffer over caller memory. Writing past cap sets err and writes nothing more. */
typedef struct {
    uint8_t *p;
    size_t cap, len;
    int err;
} wire_wr;

static inline void wire_wr_init(wire_wr *w, uint8_t *p, size_t cap)
{
    w->p = p;
    w->cap = cap;
    w->len = 0;
    w->err = 0;
}

/* The next n bytes of w, taken for the caller to fill; NULL (and err) when they do not fit. The one bounds check of
 * every write. */
static inline uint8_t *wire_wr_take(wire_wr *w, size_t n)
{
    if (w->err || n > w->cap - w->len) {
        w->err = 1;
        return NULL;
    }
    uint8_t *at = w->p + w->len;
    w->len += n;
    return at;
}

static inline void wire_wr_bytes(wire_wr *w, const void *p, size_t n)
{
    uint8_t *at = wire_wr_take(w, n);
    if (at != NULL && n > 0)
        memcpy(at, p, n);
}

/* v as a big-endian number of n (1 to 4) bytes. */
static inline void wire_wr_be(wire_wr *w, uint32_t v, size_t n)
{
    uint8_t *at = wire_wr_take(w, n);
    for (size_t i = 0; at != NULL && i < n; i++)
        at[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static inline void wire_wr_u8(wire_wr *w, unsigned v)
{
    wire_wr_be(w, v, 1);
}

static inline void wire_wr_u16(wire_wr *w, unsigned v)
{
    wire_wr_be(w, v, 2);
}

static inline void wire_wr_u24(wire_wr *w, uint32_t v)
{
    wire_wr_be(w, v, 3);
}

/* Opens a length-prefixed block and returns its start; wire_wr_close fills in the length (err if too long). */
size_t wire_wr_open(wire_wr *w, int prefix);
void wire_wr_close(wire_wr *w, size_t start, int prefix);
/* One extension: type, 2-byte length, data (RFC 8446 §4.2: extension_data<0..2^16-1>; err when longer). */
void wire_wr_extension(wire_wr *w, unsigned type, const uint8_t *data, size_t len);

/* ---- constants ---------------------------------------------------------------------------------------------- */

enum { WIRE_CT_CCS = 20, WIRE_CT_ALERT = 21, WIRE_CT_HANDSHAKE = 22, WIRE_CT_APPDATA = 23 };
enum {
    WIRE_HS_CLIENT_HELLO = 1,
    WIRE_HS_SERVER_HELLO = 2,
    WIRE_HS_NEW_SESSION_TICKET = 4,
    WIRE_HS_END_OF_EARLY_DATA = 5,
    WIRE_HS_ENCRYPTED_EXTENSIONS = 8,
    WIRE_HS_CERTIFICATE = 11,
    WIRE_HS_SERVER_KEY_EXCHANGE = 12,
    WIRE_HS_CERTIFICATE_REQUEST = 13,
    WIRE_HS_SERVER_HELLO_DONE = 14,
    WIRE_HS_CERTIFICATE_VERIFY = 15,
    WIRE_HS_CLIENT_KEY_EXCHANGE = 16,
    WIRE_HS_FINISHED = 20,
};
enum {
    WIRE_EXT_SERVER_NAME = 0,
    WIRE_EXT_SUPPORTED_GROUPS = 10,
    WIRE_EXT_EC_POINT_FORMATS = 11,
    WIRE_EXT_SIGNATURE_ALGORITHMS = 13,
    WIRE_EXT_ALPN = 16,
    WIRE_EXT_EXTENDED_MASTER_SECRET = 23,
    WIRE_EXT_PRE_SHARED_KEY = 41,
    WIRE_EXT_EARLY_DATA = 42,
    WIRE_EXT_SUPPORTED_VERSIONS = 43,
    WIRE_EXT_COOKIE = 44,
    WIRE_EXT_PSK_KEY_EXCHANGE_MODES = 45,
    WIRE_EXT_KEY_SHARE = 51,
    WIRE_EXT_QUIC_TRANSPORT_PARAMETERS = 57,
    WIRE_EXT_NPN = 13172,
    WIRE_EXT_RENEGOTIATION_INFO = 0xff01,
};
#define WIRE_GROUP_X25519      0x001d
#define WIRE_GROUP_SECP256R1   0x0017
#define WIRE_TLS10             0x0301
#define WIRE_TLS11             0x0302
#define WIRE_TLS12             0x0303
#define WIRE_TLS13             0x0304
#define WIRE_RECORD_MAX        16384u          /* RFC 8446 §5.1: plaintext fragment limit */
#define WIRE_RECORD_CIPHER_MAX (16384u + 256u) /* RFC 8446 §5.2: protected record limit */
#define WIRE_HANDSHAKE_MAX     (1u << 17)      /* our bound on one reassembled handshake message */
/* The bound on a message of fixed fields and one block of up to 2^16-1 bytes (ServerHello, EncryptedExtensions, ...):
 * 64 KiB and room for the fields. */
#define WIRE_SMALL_MESSAGE_MAX ((1u << 16) + 256)

/* ---- records ------------------------------------------------------------------------------------------------ */

/* Writes msg as records of the given type, split at WIRE_RECORD_MAX bytes (RFC 8446 §5.1). */
void wire_write_records(wire_wr *w, int type, unsigned version, const uint8_t *msg, size_t len);

typedef struct {
    unsigned type, version;
    const uint8_t *body;
    size_t len;
} wire_record;

/* One record at the start of buf: 1 with *rec and *used when it is all there, 0 when more bytes are needed,
 * -1 for a header that cannot be TLS (unknown content type, length over the protected-record limit). */
int wire_record_parse(const uint8_t *buf, size_t len, wire_record *rec, size_t *used);

/* ---- ClientHello -------------------------------------------------------------------------------------------- */

typedef struct {
    unsigned version;    /* WIRE_TLS10 to WIRE_TLS13: the only version offered */
    const char *sni;     /* server_name, or NULL / "" for none */
    int send_alpn;       /* 0: no ALPN extension */
    const uint8_t *alpn; /* ALPN extension_data, any bytes */
    size_t alpn_len;
    int duplicate_alpn; /* the ALPN extension twice */
    int send_npn;       /* an empty NPN extension */
    uint8_t random[32];
    uint8_t session_id[32];
    uint8_t x25519_public[32]; /* TLS 1.3 key share */
    int p256;                  /* TLS 1.3: share secp256r1 instead (after a HelloRetryRequest asking for it) */
    uint8_t p256_public[65];
    int empty_key_share;   /* TLS 1.3: an empty client_shares list, which obliges a HelloRetryRequest */
    const uint8_t *cookie; /* TLS 1.3: the cookie of a HelloRetryRequest, echoed (RFC 8446 §4.2.2) */
    size_t cookie_len;
    int early_data;              /* TLS 1.3: the early_data extension (RFC 8446 §4.2.10) */
    const uint8_t *psk_identity; /* TLS 1.3: a pre_shared_key with this one identity (a ticket), the last extension */
    size_t psk_identity_len;
    uint32_t psk_obfuscated_age;
    size_t psk_binder_len; /* its binder's length (Hash.length), written as zeros: the caller computes it over
                            * the message without its last 3 + psk_binder_len bytes and puts it in the last ones */
    const uint8_t *quic_tp; /* QUIC: quic_transport_parameters extension_data (RFC 9001 §8.2) and an empty
                             * legacy_session_id (§8.4); NULL over TCP */
    size_t quic_tp_len;
} wire_client_hello;

/* RFC 8446 §4.1.3: the random of a HelloRetryRequest, SHA-256("HelloRetryRequest"). */
extern const uint8_t wire_hrr_random[32];

/* Builds the ClientHello handshake message (type, 24-bit length, body). */
void wire_build_client_hello(wire_wr *w, const wire_client_hello *ch);

/* ---- server messages ---------------------------------------------------------------------------------------- */

#define WIRE_ALPN_KEEP 1024

typedef struct {
    unsigned count;               /* ALPN extensions in the message */
    uint8_t data[WIRE_ALPN_KEEP]; /* the first one's extension_data (first WIRE_ALPN_KEEP bytes) */
    size_t len;                   /* its full length */
} wire_alpn_seen;

typedef struct {
    int is_hrr;        /* HelloRetryRequest: RFC 8446 §4.1.3 special random */
    unsigned version;  /* supported_versions, else legacy_version */
    size_t version_at; /* where version came from: the byte offset in the message (header included) */
    unsigned cipher;
    unsigned key_share_group;
    uint8_t key_share[65]; /* X25519 (32 bytes) or secp256r1 (65 bytes, uncompressed) share */
    int key_share_ok;      /* a share of one of those two groups, of the right length */
    wire_alpn_seen alpn;
    int npn;
    uint8_t cookie[512];   /* a HelloRetryRequest's cookie */
    size_t cookie_len;     /* its full length (kept only up to 512 bytes) */
    int psk_selected;      /* a pre_shared_key extension (RFC 8446 §4.2.11): the server resumes */
    unsigned psk_identity; /* its selected_identity */
    char bad[80];          /* when the parse fails: what is wrong ("a second extension of type 43") */
    size_t bad_at;         /* and at which byte of the message (header included) */
} wire_server_hello;

#define WIRE_TICKET_KEEP 1024

/* NewSessionTicket (RFC 8446 §4.6.1). */
typedef struct {
    uint32_t lifetime, age_add;
    uint8_t nonce[255];
    size_t nonce_len;
    uint8_t ticket[WIRE_TICKET_KEEP];
    size_t ticket_len;
    int early_data;          /* an early_data extension: 0-RTT allowed on this ticket */
    uint32_t max_early_data; /* its max_early_data_size */
} wire_new_session_ticket;

/* Parses a NewSessionTicket body (after the 4-byte handshake header). 0, or -1 when malformed or when the ticket is
 * longer than WIRE_TICKET_KEEP. */
int wire_parse_new_session_ticket(const uint8_t *body, size_t len, wire_new_session_ticket *t);

/* Parses a ServerHello body (after the 4-byte handshake header). Returns 0 or -1 when malformed. */
int wire_parse_server_hello(const uint8_t *body, size_t len, wire_server_hello *sh);

/* Parses an extension block (2-byte length, then extensions) that must fill r, noting ALPN and NPN. 0 or -1. */
int wire_parse_extensions(wire_rd *r, wire_alpn_seen *alpn, int *npn);

/* ---- TLS 1.3 key schedule (RFC 8446 §7.1) and record protection (§5.2) -------------------------------------- */

typedef struct {
    int mac;    /* gnutls_mac_algorithm_t of the suite's hash */
    int digest; /* gnutls_digest_algorithm_t */
    int cipher; /* gnutls_cipher_algorithm_t (AEAD) */
    size_t hash_len, key_len;
} wire_suite;

/* TLS_AES_128_GCM_SHA256 (0x1301), TLS_AES_256_GCM_SHA384 (0x1302), TLS_CHACHA20_POLY1305_SHA256 (0x1303);
 * -1 for anything else. */
int wire_suite_for(unsigned code, wire_suite *s);

/* HKDF-Expand-Label (RFC 8446 §7.1). 0 or -1. */
int wire_expand_label(const wire_suite *s, const uint8_t *secret, const char *label, const uint8_t *ctx, size_t ctx_len,
                      uint8_t *out, size_t out_len);

typedef struct {
    uint8_t key[32];
    uint8_t iv[12];
    uint64_t seq;
} wire_traffic;

typedef struct {
    uint8_t handshake_secret[48];
    uint8_t client_secret[48], server_secret[48];
    wire_traffic client, server;
} wire_hs_keys;

/* Handshake secrets and traffic keys from the (EC)DHE shared secret and Hash(ClientHello..ServerHello); no PSK. */
int wire_derive_handshake_keys(const wire_suite *s, const uint8_t *shared, size_t shared_len,
                               const uint8_t *transcript_hash, wire_hs_keys *k);
/* The same with a PSK of s->hash_len bytes (RFC 8446 §7.1 psk_dhe_ke); psk NULL: none. 0 or -1. */
int wire_derive_handshake_keys_psk(const wire_suite *s, const uint8_t *psk, const uint8_t *shared, size_t shared_len,
                                   const uint8_t *transcript_hash, wire_hs_keys *k);

/* The pieces of the key schedule (RFC 8446 §7.1), each writing s->hash_len bytes; 0 or -1. */
/* Early Secret = HKDF-Extract(0, PSK); psk NULL: Hash.length zeros. */
int wire_early_secret(const wire_suite *s, const uint8_t *psk, uint8_t *early);
/* Derive-Secret(secret, label, Messages), given Transcript-Hash(Messages). */
int wire_derive_secret(const wire_suite *s, const uint8_t *secret, const char *label, const uint8_t *transcript_hash,
                       uint8_t *out);
/* Master Secret from the Handshake Secret. */
int wire_master_secret(const wire_suite *s, const uint8_t *handshake_secret, uint8_t *master);
/* Key and IV of a traffic secret (RFC 8446 §7.3), sequence number 0. */
int wire_traffic_keys(const wire_suite *s, const uint8_t *secret, wire_traffic *t);
/* The binder of a resumption PSK (RFC 8446 §4.2.11.2) over Transcript-Hash(Truncate(ClientHello)). */
int wire_psk_binder(const wire_suite *s, const uint8_t *psk, const uint8_t *truncated_hash, uint8_t *out);

/* Decrypts one protected record (5-byte header + ciphertext) into out (room for its length); the inner content
 * type goes to *type (padding removed). Returns the plaintext length, or -1 (bad tag, no content type). */
long wire_decrypt_record(const wire_suite *s, wire_traffic *t, const uint8_t *record, size_t record_len, uint8_t *out,
                         unsigned *type);

/* Protects plaintext of the given content type as one record (RFC 8446 §5.2: inner type appended, no padding)
 * and appends it to w. Returns 0 or -1. */
int wire_encrypt_record(const wire_suite *s, wire_traffic *t, unsigned type, const uint8_t *plain, size_t len,
                        wire_wr *w);

/* The X25519 key pair of a connection: a fresh private key from gnutls_rnd, its public key, the shared secret. */
int wire_x25519_keypair(uint8_t private_key[32], uint8_t public_key[32]);
int wire_x25519_shared(const uint8_t private_key[32], const uint8_t peer_public[32], uint8_t shared[32]);

/* secp256r1 (RFC 8446 §4.2.8.2): a key pair with the uncompressed public point, and the shared x coordinate; the
 * peer's point is checked to be on the curve. 0 or -1. */
int wire_p256_keypair(uint8_t private_key[32], uint8_t public_key[65]);
int wire_p256_shared(const uint8_t private_key[32], const uint8_t peer_public[65], uint8_t shared[32]);

/* Why wire_x25519_shared or wire_p256_shared refused a peer's key share of GROUP, for an error that names the peer
 * first: "the server's %s". One text for both roles, so that a client and a server report the same fault alike. */
const char *wire_share_refusal(unsigned group);

#endif
