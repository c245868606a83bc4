/*
 * The wire engine in the server role, for the client checks: a bounded, strict ClientHello parser, builders of the
 * server's handshake messages (TLS 1.3: ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished;
 * TLS 1.2: ServerHello, Certificate, ServerKeyExchange, ServerHelloDone) with any ALPN bytes in any of them, and
 * the identity the server presents: a CA and a leaf for localhost (ECDSA P-256) made with GnuTLS at start.
 */
#ifndef ALPN_WIRE_SERVER_H
#define ALPN_WIRE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* ---- ClientHello ------------------------------------------------------------------------------------------- */

#define WIRE_CH_SUITES_KEEP        128
#define WIRE_CH_PSK_KEEP           4
#define WIRE_SIG_ECDSA_P256_SHA256 0x0403 /* RFC 8446 §4.2.3 ecdsa_secp256r1_sha256 */

/* What a ClientHello offers. Pointers point into the parsed body. */
typedef struct {
    unsigned legacy_version;
    uint8_t random[32];
    uint8_t session_id[32];
    size_t session_id_len;
    unsigned suites[WIRE_CH_SUITES_KEEP]; /* the first WIRE_CH_SUITES_KEEP cipher suites */
    size_t n_suites;
    int compression_null;           /* the null compression method is offered */
    int offers_tls12, offers_tls13; /* supported_versions, else legacy_version */
    int group_x25519, group_p256;   /* supported_groups */
    int share_x25519, share_p256;   /* key_share entries of the right length */
    uint8_t x25519[32];
    uint8_t p256[65];
    int sig_ecdsa_p256;  /* signature_algorithms holds ecdsa_secp256r1_sha256 */
    unsigned alpn_count; /* ALPN extensions (RFC 8446 §4.2: at most one) */
    const uint8_t *alpn; /* the first one's extension_data (unvalidated) */
    size_t alpn_len;
    int npn, ems, reneg_info, ec_point_formats, early_data, psk;
    /* pre_shared_key (RFC 8446 §4.2.11): the first WIRE_CH_PSK_KEEP identities and binders, pointing into the body */
    struct {
        const uint8_t *identity;
        size_t identity_len;
        uint32_t obfuscated_age;
        const uint8_t *binder;
        size_t binder_len;
    } psks[WIRE_CH_PSK_KEEP];
    size_t n_psks;          /* identities kept (binders pair with them by index) */
    size_t n_binders;       /* binders kept (= n_psks), or (size_t)-1 when their count differs from the identities' */
    size_t psk_binders_len; /* the binders list with its 2-byte length: Truncate(ClientHello) drops these bytes */
    int psk_not_last;       /* another extension follows pre_shared_key (RFC 8446 §4.2.11: illegal_parameter) */
    int psk_dhe_ke;         /* psk_key_exchange_modes holds psk_dhe_ke (RFC 8446 §4.2.9) */
    int scsv;               /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3) */
    int grease;             /* a GREASE value (RFC 8701 §2) among suites, extensions, groups or versions */
    char sni[256];          /* the first host_name, "" for none */
    const uint8_t *quic_tp; /* the first quic_transport_parameters extension_data (unvalidated), NULL for none */
    size_t quic_tp_len;
    unsigned n_extensions;
} wire_client_hello_info;

/* Parses a ClientHello body (after the 4-byte handshake header). Every length must fit its block exactly and the
 * body must end with the extensions (RFC 8446 §4.1.2; RFC 5246 §7.4.1.2 allows no extensions). Returns 0, or -1
 * when malformed. */
int wire_parse_client_hello(const uint8_t *body, size_t len, wire_client_hello_info *ch);

/* 1 when the suite is offered. */
int wire_ch_offers_suite(const wire_client_hello_info *ch, unsigned suite);

/* ---- server messages --------------------------------------------------------------------------------------- */

typedef struct {
    unsigned version; /* WIRE_TLS12 or WIRE_TLS13 */
    uint8_t random[32];
    const uint8_t *session_id; /* echoed (RFC 8446 §4.1.3 legacy_session_id_echo) */
    size_t session_id_len;
    unsigned cipher;
    unsigned group; /* TLS 1.3 key_share */
    const uint8_t *key_share;
    size_t key_share_len;
    int send_alpn; /* an ALPN extension with extension_data alpn[0..alpn_len) */
    const uint8_t *alpn;
    size_t alpn_len;
    int send_npn; /* TLS 1.2: an NPN extension (13172) with npn[0..npn_len) */
    const uint8_t *npn;
    size_t npn_len;
    int reneg_info, ems, ec_point_formats; /* TLS 1.2 answers to the client's extensions */
    int psk;                               /* TLS 1.3: a pre_shared_key extension selecting identity psk_identity */
    unsigned psk_identity;
    int hello_retry; /* TLS 1.3: a HelloRetryRequest asking for a share of group (no key_share, random, psk) */
} wire_server_hello_params;

/* Handshake messages (type, 24-bit length, body) appended to w; errors are sticky in w->err. */
void wire_build_server_hello(wire_wr *w, const wire_server_hello_params *p);
void wire_build_encrypted_extensions(wire_wr *w, int send_alpn, const uint8_t *alpn, size_t alpn_len);
/* EncryptedExtensions with an (empty) early_data extension too: the server accepts 0-RTT (RFC 8446 §4.2.10). */
void wire_build_encrypted_extensions_early(wire_wr *w, int send_alpn, const uint8_t *alpn, size_t alpn_len);
/* EncryptedExtensions of a QUIC server: our quic_transport_parameters (RFC 9001 §8.2) beside the ALPN answer. */
void wire_build_encrypted_extensions_quic(wire_wr *w, int send_alpn, const uint8_t *alpn, size_t alpn_len,
                                          const uint8_t *quic_tp, size_t quic_tp_len);
/* NewSessionTicket (RFC 8446 §4.6.1); max_early_data > 0 adds an early_data extension allowing that much 0-RTT. */
void wire_build_new_session_ticket(wire_wr *w, uint32_t lifetime, uint32_t age_add, const uint8_t *nonce,
                                   size_t nonce_len, const uint8_t *ticket, size_t ticket_len, uint32_t max_early_data);
/* Certificate with one certificate (RFC 8446 §4.4.2 with an empty context and no extensions; RFC 5246 §7.4.2). */
void wire_build_certificate(wire_wr *w, int tls13, const uint8_t *der, size_t der_len);
void wire_build_certificate_verify(wire_wr *w, unsigned scheme, const uint8_t *sig, size_t sig_len);
void wire_build_finished(wire_wr *w, const uint8_t *verify_data, size_t len);
/* ECParameters and ECPoint (RFC 8422 §5.4): named_curve group, then the public point. */
void wire_build_ecdhe_params(wire_wr *w, unsigned group, const uint8_t *pub, size_t pub_len);
void wire_build_server_key_exchange(wire_wr *w, const uint8_t *params, size_t params_len, unsigned scheme,
                                    const uint8_t *sig, size_t sig_len);
void wire_build_server_hello_done(wire_wr *w);

/* RFC 8446 §4.4.3: 64 spaces, "TLS 1.3, server CertificateVerify", 0, Transcript-Hash. Returns its length. */
size_t wire_certificate_verify_input(const uint8_t *transcript_hash, size_t hash_len, uint8_t out[200]);

/* RFC 8446 §4.4.4: HMAC(finished_key, transcript_hash), finished_key = HKDF-Expand-Label(base_key, "finished", "",
 * Hash.length). Writes s->hash_len bytes. 0 or -1. */
int wire_finished_verify_data(const wire_suite *s, const uint8_t *base_key, const uint8_t *transcript_hash,
                              uint8_t *out);

/* ---- identity ---------------------------------------------------------------------------------------------- */

typedef struct wire_identity wire_identity;

/* A fresh CA and a leaf for localhost (SAN DNS:localhost, IP:127.0.0.1, IP:::1) signed by it, both ECDSA P-256,
 * valid from an hour ago for a week. NULL with the reason in err. */
wire_identity *wire_identity_create(char *err, size_t err_cap);
void wire_identity_free(wire_identity *id);
/* The leaf certificate, DER. */
const uint8_t *wire_identity_leaf(const wire_identity *id, size_t *len);
/* The CA certificate as PEM text (NUL-terminated). */
const char *wire_identity_ca_pem(const wire_identity *id);
/* Signs data with the leaf key: ECDSA P-256 with SHA-256, DER (the form RFC 8446 §4.2.3 and RFC 8422 §5.4 use).
 * Returns the signature length, or -1. */
long wire_identity_sign(const wire_identity *id, const uint8_t *data, size_t len, uint8_t *sig, size_t sig_cap);

#endif
