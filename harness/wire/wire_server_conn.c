/*
 * The server object: the client's ClientHello in, the crafted flight out (TLS 1.3: ServerHello, EncryptedExtensions,
 * Certificate, CertificateVerify, Finished; TLS 1.2: ServerHello, Certificate, ServerKeyExchange, ServerHelloDone),
 * PSK resumption with the binder checked and 0-RTT accepted, a ticket, and the client's next message read as its
 * verdict on the flight.
 */
#include <gnutls/crypto.h>
#include <string.h>

#include "wire_conn.h"

void wire_server_start(wire_server_conn *sv, const wire_identity *id, int tls13)
{
    memset(sv, 0, sizeof *sv);
    wire_conn_init(&sv->conn);
    sv->id = id;
    sv->tls13 = tls13;
}

int wire_server_take_client_hello(wire_server_conn *sv, const uint8_t *msg, size_t len)
{
    if (len < 4 || len > sizeof sv->ch_msg || msg[0] != WIRE_HS_CLIENT_HELLO)
        return wire_conn_fail(&sv->conn, "malformed ClientHello");
    memcpy(sv->ch_msg, msg, len);
    sv->ch_len = len;
    if (wire_parse_client_hello(sv->ch_msg + 4, len - 4, &sv->ch) != 0)
        return wire_conn_fail(&sv->conn, "malformed ClientHello");
    wire_conn_received(&sv->conn, msg, len);
    return 0;
}

/* Queues one message built into w at level; on failure conn.error says what could not be built. */
static int emit(wire_server_conn *sv, wire_level level, const wire_wr *w, const char *what)
{
    return wire_conn_emit(&sv->conn, level, w) == 0 ? 0 : wire_conn_fail(&sv->conn, "cannot build %s", what);
}

/* RFC 8446 §4.1.4: a HelloRetryRequest asking for a share of a group the client supports; the transcript turns
 * ClientHello1 into message_hash (§4.4.1). 1, or -1 when the client supports neither group we share. */
static int hello_retry(wire_server_conn *sv)
{
    wire_conn *c = &sv->conn;
    if (!sv->ch.group_x25519 && !sv->ch.group_p256)
        return wire_conn_fail(c, "the client supports neither X25519 nor secp256r1");
    wire_server_hello_params p = {
        .version = WIRE_TLS13,
        .hello_retry = 1,
        .session_id = sv->ch.session_id,
        .session_id_len = sv->ch.session_id_len,
        .cipher = c->suite_code,
        .group = sv->ch.group_x25519 ? WIRE_GROUP_X25519 : WIRE_GROUP_SECP256R1,
    };
    wire_wr w;
    if (wire_transcript_hello_retry(&c->transcript) != 0)
        return wire_conn_fail(c, "transcript hash failed");
    wire_conn_begin(c, &w);
    wire_build_server_hello(&w, &p);
    if (emit(sv, WIRE_LEVEL_INITIAL, &w, "the HelloRetryRequest") != 0)
        return -1;
    sv->hrr_sent = 1;
    return 1;
}

/* The server's key share for the client's: x25519 first, secp256r1 second (RFC 8446 §4.2.8). 0; 1 when the client
 * sent neither; -1 with conn.error. */
static int key_share(wire_server_conn *sv, unsigned *group, uint8_t pub[65], size_t *pub_len, uint8_t shared[32])
{
    uint8_t priv[32];
    if (sv->ch.share_x25519) {
        *group = WIRE_GROUP_X25519;
        *pub_len = 32;
        if (wire_x25519_keypair(priv, pub) != 0)
            return wire_conn_fail(&sv->conn, "no X25519 key pair (the random generator failed)");
        if (wire_x25519_shared(priv, sv->ch.x25519, shared) != 0)
            return wire_conn_fail(&sv->conn, "the client's %s", wire_share_refusal(*group));
        return 0;
    }
    if (sv->ch.share_p256) {
        *group = WIRE_GROUP_SECP256R1;
        *pub_len = 65;
        if (wire_p256_keypair(priv, pub) != 0)
            return wire_conn_fail(&sv->conn, "no secp256r1 key pair (the random generator failed)");
        if (wire_p256_shared(priv, sv->ch.p256, shared) != 0)
            return wire_conn_fail(&sv->conn, "the client's %s", wire_share_refusal(*group));
        return 0;
    }
    return 1;
}

/* Certificate and CertificateVerify (RFC 8446 §4.4.2, §4.4.3): the signature covers Hash(ClientHello ..
 * Certificate). 0 or -1. */
static int certificate13(wire_server_conn *sv)
{
    wire_conn *c = &sv->conn;
    size_t leaf_len;
    const uint8_t *leaf = wire_identity_leaf(sv->id, &leaf_len);
    uint8_t th[48], input[200], sig[160];
    wire_wr w;
    wire_conn_begin(c, &w);
    wire_build_certificate(&w, 1, leaf, leaf_len);
    if (emit(sv, WIRE_LEVEL_HANDSHAKE, &w, "EncryptedExtensions and Certificate") != 0 ||
        wire_transcript_hash(&c->transcript, th) != 0)
        return wire_conn_fail(c, "cannot build EncryptedExtensions and Certificate");
    size_t in_len = wire_certificate_verify_input(th, c->suite.hash_len, input);
    long sig_len = wire_identity_sign(sv->id, input, in_len, sig, sizeof sig);
    if (sig_len < 0)
        return wire_conn_fail(c, "cannot sign CertificateVerify");
    wire_conn_begin(c, &w);
    wire_build_certificate_verify(&w, WIRE_SIG_ECDSA_P256_SHA256, sig, (size_t)sig_len);
    return emit(sv, WIRE_LEVEL_HANDSHAKE, &w, "CertificateVerify");
}

int wire_server_answer13(wire_server_conn *sv, const wire_server_answer *a)
{
    wire_conn *c = &sv->conn;
    static const unsigned suites[] = {0x1301, 0x1302, 0x1303};
    unsigned suite = sv->resuming ? c->suite_code : 0;
    for (size_t i = 0; i < 3 && suite == 0; i++)
        suite = wire_ch_offers_suite(&sv->ch, suites[i]) ? suites[i] : 0;
    if (suite == 0 || wire_conn_select_suite(c, suite) != 0)
        return wire_conn_fail(c, "the client offers none of TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, "
                                 "TLS_CHACHA20_POLY1305_SHA256");
    /* RFC 8446 §4.4.2: a resumption has no Certificate, so no signature the client must accept. */
    if (!sv->ch.sig_ecdsa_p256 && !sv->resuming)
        return wire_conn_fail(c, "the client does not accept ecdsa_secp256r1_sha256 signatures");
    uint8_t pub[65], shared[32];
    size_t pub_len;
    unsigned group;
    int share = key_share(sv, &group, pub, &pub_len, shared);
    if (share == 1 && sv->allow_hrr && !sv->hrr_sent && !sv->resuming)
        return hello_retry(sv);
    if (share == 1)
        return wire_conn_fail(c, "the client sent no X25519 or secp256r1 key share (alpncheck sends no "
                                 "HelloRetryRequest)");
    if (share != 0)
        return -1;
    wire_server_hello_params p = {
        .version = WIRE_TLS13,
        .session_id = sv->ch.session_id,
        .session_id_len = sv->ch.session_id_len,
        .cipher = suite,
        .group = group,
        .key_share = pub,
        .key_share_len = pub_len,
        .send_alpn = a->alpn && a->alpn_in_server_hello,
        .alpn = a->alpn_data,
        .alpn_len = a->alpn_len,
        .psk = sv->resuming,
        .psk_identity = sv->psk_identity,
    };
    if (gnutls_rnd(GNUTLS_RND_NONCE, p.random, sizeof p.random) < 0)
        return wire_conn_fail(c, "no randomness");
    uint8_t th[48];
    if (sv->resuming) {
        /* RFC 8446 §7.1: client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello). */
        uint8_t early[48], secret[48];
        if (wire_transcript_hash(&c->transcript, th) != 0 || wire_early_secret(&c->suite, sv->psk, early) != 0 ||
            wire_derive_secret(&c->suite, early, "c e traffic", th, secret) != 0)
            return wire_conn_fail(c, "cannot derive the client's early traffic keys");
        wire_conn_export(c, WIRE_LEVEL_EARLY, WIRE_FROM_CLIENT, secret);
    }
    wire_wr w;
    wire_conn_begin(c, &w);
    wire_build_server_hello(&w, &p);
    if (emit(sv, WIRE_LEVEL_INITIAL, &w, "the ServerHello") != 0 ||
        wire_conn_handshake_secrets(c, sv->resuming ? sv->psk : NULL, shared, sizeof shared) != 0)
        return wire_conn_fail(c, "cannot build the ServerHello");
    c->version = WIRE_TLS13;

    /* EncryptedExtensions (RFC 8446 §4.3.1), with ALPN unless it went into the ServerHello; resuming, it accepts the
     * early data (§4.2.10) and no Certificate or CertificateVerify follows (§2.2). */
    int ee_alpn = a->alpn && !a->alpn_in_server_hello;
    wire_conn_begin(c, &w);
    if (sv->resuming)
        wire_build_encrypted_extensions_early(&w, ee_alpn, a->alpn_data, a->alpn_len);
    else if (sv->quic_tp != NULL)
        wire_build_encrypted_extensions_quic(&w, ee_alpn, a->alpn_data, a->alpn_len, sv->quic_tp, sv->quic_tp_len);
    else
        wire_build_encrypted_extensions(&w, ee_alpn, a->alpn_data, a->alpn_len);
    if (emit(sv, WIRE_LEVEL_HANDSHAKE, &w, "EncryptedExtensions") != 0 || (!sv->resuming && certificate13(sv) != 0))
        return -1;
    /* Finished over Hash(ClientHello .. CertificateVerify) (RFC 8446 §4.4.4), then the application secrets over
     * ClientHello .. server Finished (§7.1). */
    uint8_t verify[48];
    if (wire_conn_finished(c, WIRE_FROM_SERVER, verify) != 0)
        return wire_conn_fail(c, "cannot build Finished");
    wire_conn_begin(c, &w);
    wire_build_finished(&w, verify, c->suite.hash_len);
    if (emit(sv, WIRE_LEVEL_HANDSHAKE, &w, "Finished") != 0 || wire_conn_application_secrets(c) != 0)
        return wire_conn_fail(c, "cannot build Finished");
    /* The client's next messages: under its early keys when 0-RTT is accepted (until EndOfEarlyData, §4.5), else
     * under its handshake keys. */
    c->read_level = sv->resuming ? WIRE_LEVEL_EARLY : WIRE_LEVEL_HANDSHAKE;
    return 0;
}

int wire_server_answer12(wire_server_conn *sv, const wire_server_answer *a)
{
    wire_conn *c = &sv->conn;
    /* ECDHE_ECDSA suites with AES-GCM, ChaCha20 or AES-CBC: only the key exchange and signature matter here. */
    static const unsigned suites[] = {0xc02b, 0xc02c, 0xcca9, 0xc023, 0xc024, 0xc009, 0xc00a};
    unsigned suite = 0;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0] && suite == 0; i++)
        suite = wire_ch_offers_suite(&sv->ch, suites[i]) ? suites[i] : 0;
    if (suite == 0)
        return wire_conn_fail(c, "the client offers no ECDHE_ECDSA cipher suite for TLS 1.2");
    if (!sv->ch.sig_ecdsa_p256)
        return wire_conn_fail(c, "the client does not accept ecdsa_secp256r1_sha256 signatures");
    /* The client's reaction comes before its ClientKeyExchange is needed: our private key is not kept. */
    uint8_t priv[32], pub[65];
    size_t pub_len;
    unsigned group;
    if (sv->ch.group_x25519) {
        group = WIRE_GROUP_X25519;
        pub_len = 32;
        if (wire_x25519_keypair(priv, pub) != 0)
            return wire_conn_fail(c, "no X25519 key");
    } else if (sv->ch.group_p256) {
        group = WIRE_GROUP_SECP256R1;
        pub_len = 65;
        if (wire_p256_keypair(priv, pub) != 0)
            return wire_conn_fail(c, "no secp256r1 key");
    } else {
        return wire_conn_fail(c, "the client supports neither X25519 nor secp256r1");
    }
    /* RFC 5246 §7.4.1.3: echoing the client's session_id would announce a resumption of a session the client never
     * had (its ID is the TLS 1.3 compatibility one, RFC 8446 §4.1.2), which BoringSSL rejects; an empty one says
     * this new session is not cached. */
    wire_server_hello_params p = {
        .version = WIRE_TLS12,
        .session_id = NULL,
        .session_id_len = 0,
        .cipher = suite,
        .send_alpn = a->alpn,
        .alpn = a->alpn_data,
        .alpn_len = a->alpn_len,
        .send_npn = a->npn,
        .npn = a->npn_data,
        .npn_len = a->npn_len,
        .reneg_info = sv->ch.reneg_info || sv->ch.scsv,
        .ems = sv->ch.ems,
        .ec_point_formats = sv->ch.ec_point_formats,
    };
    if (gnutls_rnd(GNUTLS_RND_NONCE, p.random, sizeof p.random) < 0)
        return wire_conn_fail(c, "no randomness");
    uint8_t params[80], signed_data[64 + 80], sig[160];
    wire_wr w, pw;
    wire_wr_init(&pw, params, sizeof params);
    wire_build_ecdhe_params(&pw, group, pub, pub_len);
    /* RFC 8422 §5.4: the signature covers client_random, server_random and the ECDH parameters. */
    memcpy(signed_data, sv->ch.random, 32);
    memcpy(signed_data + 32, p.random, 32);
    memcpy(signed_data + 64, params, pw.len);
    long sig_len = pw.err ? -1 : wire_identity_sign(sv->id, signed_data, 64 + pw.len, sig, sizeof sig);
    if (sig_len < 0)
        return wire_conn_fail(c, "cannot sign ServerKeyExchange");
    size_t leaf_len;
    const uint8_t *leaf = wire_identity_leaf(sv->id, &leaf_len);
    int rc = 0;
    wire_conn_begin(c, &w);
    wire_build_server_hello(&w, &p);
    rc |= wire_conn_emit(c, WIRE_LEVEL_INITIAL, &w);
    wire_conn_begin(c, &w);
    wire_build_certificate(&w, 0, leaf, leaf_len);
    rc |= wire_conn_emit(c, WIRE_LEVEL_INITIAL, &w);
    wire_conn_begin(c, &w);
    wire_build_server_key_exchange(&w, params, pw.len, WIRE_SIG_ECDSA_P256_SHA256, sig, (size_t)sig_len);
    rc |= wire_conn_emit(c, WIRE_LEVEL_INITIAL, &w);
    wire_conn_begin(c, &w);
    wire_build_server_hello_done(&w);
    rc |= wire_conn_emit(c, WIRE_LEVEL_INITIAL, &w);
    if (rc != 0)
        return wire_conn_fail(c, "cannot build the server's flight");
    c->version = WIRE_TLS12;
    return 0;
}

int wire_server_find_ticket(const wire_server_conn *sv, const wire_ticket *t)
{
    for (size_t i = 0; i < sv->ch.n_psks; i++) {
        if (sv->ch.psks[i].identity_len == sizeof t->id && memcmp(sv->ch.psks[i].identity, t->id, sizeof t->id) == 0)
            return (int)i;
    }
    return -1;
}

int wire_server_accept_psk(wire_server_conn *sv, const wire_ticket *t, int idx)
{
    wire_conn *c = &sv->conn;
    const wire_client_hello_info *ch = &sv->ch;
    /* RFC 8446 §4.2.11: pre_shared_key MUST be the last extension (else illegal_parameter), with one binder per
     * identity. */
    if (idx < 0 || ch->psk_not_last || ch->n_binders != ch->n_psks || (size_t)idx >= ch->n_binders) {
        wire_conn_fail(c, "the second ClientHello's pre_shared_key is not the last extension or lacks binders");
        return 47;
    }
    /* RFC 8446 §4.2.11: the PSK is used with its own suite's hash; alpncheck resumes with the ticket's suite. */
    if (!wire_ch_offers_suite(ch, t->suite) || wire_conn_select_suite(c, t->suite) != 0) {
        wire_conn_fail(c, "the second ClientHello does not offer the ticket's cipher suite");
        return 40;
    }
    /* RFC 8446 §4.2.11.2: the binder is an HMAC over Transcript-Hash(Truncate(ClientHello)), the hello without its
     * binders list; a binder that does not verify aborts the handshake (decrypt_error). */
    wire_transcript truncated;
    uint8_t th[48], binder[48];
    wire_transcript_init(&truncated);
    if (ch->psk_binders_len <= sv->ch_len)
        wire_transcript_add(&truncated, sv->ch_msg, sv->ch_len - ch->psk_binders_len);
    if (ch->psk_binders_len > sv->ch_len || wire_transcript_select(&truncated, &c->suite) != 0 ||
        wire_transcript_hash(&truncated, th) != 0 || wire_psk_binder(&c->suite, t->psk, th, binder) != 0 ||
        ch->psks[idx].binder_len != c->suite.hash_len || memcmp(ch->psks[idx].binder, binder, c->suite.hash_len) != 0) {
        wire_conn_fail(c, "the client's PSK binder does not verify (RFC 8446 §4.2.11.2)");
        return 51;
    }
    sv->resuming = 1;
    memcpy(sv->psk, t->psk, c->suite.hash_len);
    sv->psk_identity = (unsigned)idx;
    return 0;
}

int wire_server_take(wire_server_conn *sv, wire_level level, const uint8_t *msg, size_t len)
{
    (void)level;
    wire_conn *c = &sv->conn;
    unsigned type = msg[0];
    /* The first message after our flight decides; after anything else, nothing later counts as acceptance. */
    if (sv->stalled)
        return 0;
    if (!sv->tls13) {
        /* RFC 5246 §7.3: after ServerHelloDone the client goes on with its Certificate or ClientKeyExchange. */
        if (type == WIRE_HS_CLIENT_KEY_EXCHANGE || type == WIRE_HS_CERTIFICATE)
            return 1;
        sv->stalled = 1;
        return 0;
    }
    if (type == WIRE_HS_FINISHED) {
        /* RFC 8446 §4.4.4: the client's Finished, over ClientHello .. server Finished (and EndOfEarlyData). Its
         * arrival is the client's acceptance; whether it verifies is kept beside. */
        uint8_t verify[48];
        sv->client_finished_ok = wire_conn_finished(c, WIRE_FROM_CLIENT, verify) == 0 && len == 4 + c->suite.hash_len &&
                                 memcmp(msg + 4, verify, c->suite.hash_len) == 0;
        wire_conn_received(c, msg, len);
        sv->client_finished = 1;
        return 1;
    }
    if (type == WIRE_HS_END_OF_EARLY_DATA) {
        /* RFC 8446 §4.5: EndOfEarlyData ends the early keys; the client's next records are under its handshake
         * key. */
        wire_conn_received(c, msg, len);
        c->read_level = WIRE_LEVEL_HANDSHAKE;
        return 0;
    }
    sv->stalled = 1;
    return 0;
}

int wire_server_issue_ticket(wire_server_conn *sv, wire_ticket *t)
{
    wire_conn *c = &sv->conn;
    uint8_t th[48], res[48], nonce[8];
    uint32_t age_add;
    /* RFC 8446 §7.1: resumption_master_secret hashes ClientHello .. client Finished. */
    if (!sv->client_finished || wire_transcript_hash(&c->transcript, th) != 0 ||
        wire_derive_secret(&c->suite, c->master_secret, "res master", th, res) != 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, t->id, sizeof t->id) < 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, nonce, sizeof nonce) < 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, &age_add, sizeof age_add) < 0)
        return wire_conn_fail(c, "cannot derive the resumption secret");
    /* RFC 8446 §4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
    if (wire_expand_label(&c->suite, res, "resumption", nonce, sizeof nonce, t->psk, c->suite.hash_len) != 0)
        return wire_conn_fail(c, "cannot derive the ticket's PSK");
    t->suite = c->suite_code;
    wire_wr w;
    wire_conn_begin(c, &w);
    wire_build_new_session_ticket(&w, 7200, age_add, nonce, sizeof nonce, t->id, sizeof t->id, 16384);
    return wire_conn_emit(c, WIRE_LEVEL_APPLICATION, &w) == 0 ? 0
                                                              : wire_conn_fail(c, "cannot send the NewSessionTicket");
}
