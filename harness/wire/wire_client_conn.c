/*
 * The client object: the ClientHello a probe asks for, the answer to a HelloRetryRequest, the TLS 1.3 handshake keys
 * from our share, and what the server's messages show — where ALPN was, NPN, the version, whether the flight ended.
 */
#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>

#include "wire_conn.h"

/* The hash of the offered ticket's suite (RFC 8446 §4.2.11: a PSK goes with its hash) into s, and a copy of the
 * transcript as it stands with that hash selected. 0 or -1. */
static int ticket_transcript(const wire_client_conn *cl, wire_suite *s, wire_transcript *t)
{
    *t = cl->conn.transcript;
    return wire_suite_for(cl->p.resume->suite, s) != 0 || wire_transcript_select(t, s) != 0 ? -1 : 0;
}

/* The binder of the offered ticket (RFC 8446 §4.2.11.2): an HMAC under the PSK's binder key over
 * Transcript-Hash(Truncate(ClientHello)), the hello without its binders list (2 + 1 + Hash.length bytes at its end),
 * after what the transcript already holds (message_hash and HelloRetryRequest for a second hello). It replaces the
 * zeros the builder left there. 0 or -1. */
static int bind_psk(const wire_client_conn *cl, wire_wr *w)
{
    wire_suite s;
    wire_transcript t;
    uint8_t th[48], binder[48];
    if (ticket_transcript(cl, &s, &t) != 0 || w->err || w->len < 3 + s.hash_len)
        return -1;
    wire_transcript_add(&t, w->p, w->len - 3 - s.hash_len);
    if (wire_transcript_hash(&t, th) != 0 || wire_psk_binder(&s, cl->p.resume->psk, th, binder) != 0)
        return -1;
    memcpy(w->p + w->len - s.hash_len, binder, s.hash_len);
    return 0;
}

/* Queues cl->hello as a ClientHello at INITIAL (and so into the transcript), its PSK binder filled in. 0 or -1. */
static int send_hello(wire_client_conn *cl)
{
    wire_wr w;
    wire_conn_begin(&cl->conn, &w);
    wire_build_client_hello(&w, &cl->hello);
    if (cl->hello.psk_identity != NULL && bind_psk(cl, &w) != 0)
        return -1;
    return wire_conn_emit(&cl->conn, WIRE_LEVEL_INITIAL, &w);
}

/* RFC 8446 §7.1: client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello), under the
 * ticket's suite (§4.2.10: 0-RTT uses the PSK's suite), exported at EARLY. The connection has no suite yet, so the
 * secret is stored directly. 0 or -1. */
static int export_early(wire_client_conn *cl)
{
    wire_conn *c = &cl->conn;
    wire_suite s;
    wire_transcript t;
    uint8_t th[48], early[48];
    if (ticket_transcript(cl, &s, &t) != 0 || wire_transcript_hash(&t, th) != 0 ||
        wire_early_secret(&s, cl->p.resume->psk, early) != 0 ||
        wire_derive_secret(&s, early, "c e traffic", th, c->secret[WIRE_LEVEL_EARLY][WIRE_FROM_CLIENT]) != 0)
        return -1;
    c->have |= WIRE_HAVE(WIRE_LEVEL_EARLY, WIRE_FROM_CLIENT);
    return 0;
}

/* A resuming hello offers the ticket (RFC 8446 §4.2.11) with its obfuscated age (§4.2.11.1: the age in ms plus
 * ticket_age_add, modulo 2^32) and, for 0-RTT, early_data (§4.2.10). */
static void offer_ticket(wire_client_hello *h, const wire_client_params *p)
{
    wire_suite s;
    if (p->resume == NULL || p->version != WIRE_TLS13 || wire_suite_for(p->resume->suite, &s) != 0)
        return;
    h->psk_identity = p->resume->identity;
    h->psk_identity_len = p->resume->identity_len;
    h->psk_obfuscated_age = (uint32_t)(p->resume_age_ms + p->resume->age_add);
    h->psk_binder_len = s.hash_len;
    h->early_data = p->early_data;
}

int wire_client_start(wire_client_conn *cl, const wire_client_params *p)
{
    memset(cl, 0, sizeof *cl);
    wire_conn_init(&cl->conn);
    cl->p = *p;
    wire_client_hello *h = &cl->hello;
    h->version = p->version;
    h->sni = p->sni;
    h->send_alpn = p->send_alpn;
    h->alpn = p->alpn;
    h->alpn_len = p->alpn_len;
    h->duplicate_alpn = p->duplicate_alpn;
    h->send_npn = p->send_npn;
    h->quic_tp = p->quic_tp;
    h->quic_tp_len = p->quic_tp_len;
    h->empty_key_share = p->force_hrr;
    offer_ticket(h, p);
    if (gnutls_rnd(GNUTLS_RND_NONCE, h->random, sizeof h->random) < 0 ||
        gnutls_rnd(GNUTLS_RND_NONCE, h->session_id, sizeof h->session_id) < 0 ||
        wire_x25519_keypair(cl->x25519_private, h->x25519_public) != 0)
        return wire_conn_fail(&cl->conn, "no randomness");
    if (send_hello(cl) != 0)
        return wire_conn_fail(&cl->conn, "ClientHello does not fit, or its PSK binder failed");
    if (h->early_data && export_early(cl) != 0)
        return wire_conn_fail(&cl->conn, "cannot derive the early traffic secret");
    return 0;
}

/* Counts the ALPN extensions of one message; the first one seen is kept with where it was. */
static void note_alpn(wire_client_conn *cl, const wire_alpn_seen *a, wire_where where)
{
    if (a->count == 0)
        return;
    if (cl->alpn.count == 0) {
        cl->alpn_where = where;
        cl->alpn.len = a->len;
        memcpy(cl->alpn.data, a->data, a->len < WIRE_ALPN_KEEP ? a->len : WIRE_ALPN_KEEP);
    }
    cl->alpn.count += a->count;
}

/* Answers a HelloRetryRequest with a second ClientHello: a share of the group asked for, the cookie echoed, and the
 * second ALPN list when the probe has one (RFC 8446 §4.1.2: otherwise the hello is unchanged). 0 or -1. */
static int retry(wire_client_conn *cl, const wire_server_hello *sh, const uint8_t *msg, size_t len)
{
    wire_conn *c = &cl->conn;
    /* RFC 8446 §4.1.4: a second HelloRetryRequest is an error; so is one for a group we do not offer. */
    if (cl->retried || cl->p.version != WIRE_TLS13 || sh->version != WIRE_TLS13 ||
        wire_conn_select_suite(c, sh->cipher) != 0)
        return wire_conn_fail(c, "unusable HelloRetryRequest (version 0x%04x, suite 0x%04x%s)", sh->version, sh->cipher,
                              cl->retried ? ", a second one" : "");
    /* RFC 8446 §4.2.8: the requested group must be one we offered (x25519, secp256r1, secp384r1): we can share the
     * first two. */
    if (sh->key_share_group != 0 && sh->key_share_group != WIRE_GROUP_X25519 &&
        sh->key_share_group != WIRE_GROUP_SECP256R1)
        return wire_conn_fail(c, "HelloRetryRequest for group 0x%04x: alpncheck shares X25519 and secp256r1 only",
                              sh->key_share_group);
    cl->hello.p256 = sh->key_share_group == WIRE_GROUP_SECP256R1;
    if (cl->hello.p256 && wire_p256_keypair(cl->p256_private, cl->hello.p256_public) != 0)
        return wire_conn_fail(c, "cannot make a secp256r1 key");
    if (sh->cookie_len > sizeof sh->cookie)
        return wire_conn_fail(c, "HelloRetryRequest cookie of %zu bytes", sh->cookie_len);
    /* RFC 8446 §4.4.1: the transcript restarts as message_hash(ClientHello1), then the HelloRetryRequest. */
    if (wire_transcript_hello_retry(&c->transcript) != 0)
        return wire_conn_fail(c, "transcript hash failed");
    wire_conn_received(c, msg, len);
    memcpy(cl->cookie, sh->cookie, sh->cookie_len);
    cl->hello.empty_key_share = 0;
    /* RFC 8446 §4.1.2: the second hello drops early_data; its PSK binder covers the new transcript (§4.2.11.2). */
    cl->hello.early_data = 0;
    cl->hello.cookie = cl->cookie;
    cl->hello.cookie_len = sh->cookie_len;
    if (cl->p.has_alpn2) {
        cl->hello.alpn = cl->p.alpn2;
        cl->hello.alpn_len = cl->p.alpn2_len;
    }
    if (send_hello(cl) != 0)
        return wire_conn_fail(c, "cannot send the second ClientHello");
    cl->retried = 1;
    cl->hrr = 1;
    return 0;
}

/* A TLS 1.3 ServerHello (msg already in the transcript): our share's secret with the server's, and the handshake
 * secrets over ClientHello .. ServerHello (RFC 8446 §7.1). 0 or -1. */
static int server_hello13(wire_client_conn *cl, const wire_server_hello *sh)
{
    wire_conn *c = &cl->conn;
    unsigned want = cl->hello.p256 ? WIRE_GROUP_SECP256R1 : WIRE_GROUP_X25519;
    if (sh->version != WIRE_TLS13 || wire_conn_select_suite(c, sh->cipher) != 0 || !sh->key_share_ok ||
        sh->key_share_group != want)
        return wire_conn_fail(c,
                              "ServerHello not usable for TLS 1.3 (version 0x%04x, suite 0x%04x, key share 0x%04x %s)",
                              sh->version, sh->cipher, sh->key_share_group, sh->key_share_ok ? "present" : "missing");
    uint8_t shared[32];
    int ecdh = cl->hello.p256 ? wire_p256_shared(cl->p256_private, sh->key_share, shared)
                              : wire_x25519_shared(cl->x25519_private, sh->key_share, shared);
    if (ecdh != 0)
        return wire_conn_fail(c, "the server's %s", wire_share_refusal(want));
    /* RFC 8446 §4.2.11: a server that resumes selects an identity we offered (index 0, the only one), under a suite
     * of the PSK's hash. */
    if (sh->psk_selected && (cl->hello.psk_identity == NULL || sh->psk_identity != 0))
        return wire_conn_fail(c, "the ServerHello selects PSK identity %u, which was not offered", sh->psk_identity);
    if (sh->psk_selected) {
        wire_suite ts; /* offer_ticket offered only a ticket of a known suite */
        if (wire_suite_for(cl->p.resume->suite, &ts) != 0 || ts.hash_len != c->suite.hash_len)
            return wire_conn_fail(c, "the ServerHello resumes under suite 0x%04x, whose hash is not the ticket's",
                                  sh->cipher);
        cl->resumed = 1;
    }
    if (wire_conn_handshake_secrets(c, cl->resumed ? cl->p.resume->psk : NULL, shared, sizeof shared) != 0)
        return wire_conn_fail(c, "key schedule failed");
    c->version = WIRE_TLS13;
    c->read_level = WIRE_LEVEL_HANDSHAKE;
    cl->keys_ready = 1;
    return 0;
}

/* The server's Finished (TLS 1.3), not yet in the transcript: checked (RFC 8446 §4.4.4), then the application
 * secrets over ClientHello .. server Finished. Neither decides completion: the probe judges ALPN, not the server's
 * keys. */
static void server_finished13(wire_client_conn *cl, const uint8_t *msg, size_t len)
{
    wire_conn *c = &cl->conn;
    uint8_t verify[48];
    cl->server_finished_ok = cl->keys_ready && wire_conn_finished(c, WIRE_FROM_SERVER, verify) == 0 &&
                             len == 4 + c->suite.hash_len && memcmp(msg + 4, verify, c->suite.hash_len) == 0;
    wire_conn_received(c, msg, len);
    if (cl->keys_ready && wire_conn_application_secrets(c) == 0)
        c->read_level = WIRE_LEVEL_APPLICATION;
}

/* 1 when an extension block (the whole of body) holds an extension of this type. */
static int has_extension(const uint8_t *body, size_t len, unsigned want)
{
    wire_rd r, exts, data;
    unsigned type;
    wire_rd_init(&r, body, len);
    exts = wire_rd_block(&r, 2);
    while (wire_rd_extension(&exts, &type, &data) == 1)
        if (type == want)
            return 1;
    return 0;
}

/* A NewSessionTicket after our Finished (a post-handshake message: not in the transcript) becomes cl->ticket, its
 * PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length) (RFC 8446 §4.6.1).
 * One that comes earlier or does not parse is noted in ticket_error. */
static void take_ticket(wire_client_conn *cl, const uint8_t *body, size_t len)
{
    wire_conn *c = &cl->conn;
    wire_new_session_ticket nst;
    if (!cl->finished_sent) {
        snprintf(cl->ticket_error, sizeof cl->ticket_error, "a NewSessionTicket before the handshake completed");
        return;
    }
    if (wire_parse_new_session_ticket(body, len, &nst) != 0) {
        snprintf(cl->ticket_error, sizeof cl->ticket_error,
                 "a NewSessionTicket that is malformed (RFC 8446 §4.6.1) or whose ticket exceeds %u bytes",
                 WIRE_TICKET_KEEP);
        return;
    }
    wire_client_ticket *t = &cl->ticket;
    if (wire_expand_label(&c->suite, cl->resumption_secret, "resumption", nst.nonce, nst.nonce_len, t->psk,
                          c->suite.hash_len) != 0) {
        snprintf(cl->ticket_error, sizeof cl->ticket_error, "cannot derive the ticket's PSK");
        return;
    }
    memcpy(t->identity, nst.ticket, nst.ticket_len);
    t->identity_len = nst.ticket_len;
    t->suite = c->suite_code;
    t->lifetime = nst.lifetime;
    t->age_add = nst.age_add;
    t->early_data = nst.early_data;
    t->max_early_data = nst.max_early_data;
    cl->tickets++;
}

/* EncryptedExtensions: ALPN and NPN where they belong, and early_data, the server's acceptance of 0-RTT (RFC 8446
 * §4.2.10). 0 or -1. */
static int encrypted_extensions(wire_client_conn *cl, const uint8_t *body, size_t len)
{
    wire_rd r;
    wire_alpn_seen a = {0};
    int npn = 0;
    wire_rd_init(&r, body, len);
    if (wire_parse_extensions(&r, &a, &npn) != 0 || wire_rd_left(&r) != 0)
        return wire_conn_fail(&cl->conn, "malformed EncryptedExtensions");
    note_alpn(cl, &a, WIRE_WHERE_ENCRYPTED_EXTENSIONS);
    cl->npn |= npn;
    cl->early_accepted |= has_extension(body, len, WIRE_EXT_EARLY_DATA);
    return 0;
}

int wire_client_take(wire_client_conn *cl, wire_level level, const uint8_t *msg, size_t len)
{
    (void)level;
    wire_conn *c = &cl->conn;
    int tls13 = cl->p.version == WIRE_TLS13;
    unsigned type = msg[0];
    const uint8_t *body = msg + 4;
    size_t body_len = len - 4;
    if (type == WIRE_HS_SERVER_HELLO) {
        wire_server_hello sh;
        if (wire_parse_server_hello(body, body_len, &sh) != 0)
            return wire_conn_fail(c, "malformed ServerHello: %s at byte %zu", sh.bad, sh.bad_at);
        /* RFC 8446 §4.2.1, RFC 5246 §7.4.1.3: the server picks a version the client offered; a ClientHello without
         * supported_versions offers its legacy_version and below, so a TLS 1.3 answer to it is no answer. (A TLS 1.2
         * answer to a TLS 1.0 or 1.1 hello is left to the judges, which say the old version was not negotiated.) */
        if (!tls13 && sh.version >= WIRE_TLS13)
            return wire_conn_fail(c,
                                  "the ServerHello selects version 0x%04x (byte %zu), which the ClientHello did not "
                                  "offer (up to 0x%04x; RFC 8446 §4.2.1)",
                                  sh.version, sh.version_at, cl->p.version);
        cl->version = sh.version;
        cl->npn |= sh.npn;
        note_alpn(cl, &sh.alpn, sh.is_hrr ? WIRE_WHERE_HELLO_RETRY_REQUEST : WIRE_WHERE_SERVER_HELLO);
        if (sh.is_hrr)
            return retry(cl, &sh, msg, len);
        wire_conn_received(c, msg, len);
        return tls13 ? server_hello13(cl, &sh) : 0;
    }
    if (tls13 && type == WIRE_HS_FINISHED) {
        /* The end of the server's first flight. */
        server_finished13(cl, msg, len);
        cl->completed = 1;
        return 1;
    }
    if (tls13 && type == WIRE_HS_NEW_SESSION_TICKET) {
        take_ticket(cl, body, body_len);
        return 0;
    }
    /* The transcript holds what follows the ServerHello; anything a server sends before it is not a message of this
     * handshake and goes into no key. */
    if (cl->keys_ready)
        wire_conn_received(c, msg, len);
    if (type == WIRE_HS_ENCRYPTED_EXTENSIONS)
        return encrypted_extensions(cl, body, body_len);
    if (type == WIRE_HS_CERTIFICATE_REQUEST && tls13) {
        /* RFC 8446 §4.3.2: CertificateRequest carries extensions; ALPN there is misplaced. */
        wire_rd r;
        wire_alpn_seen a = {0};
        wire_rd_init(&r, body, body_len);
        wire_rd_block(&r, 1); /* certificate_request_context */
        if (!r.err && wire_parse_extensions(&r, &a, NULL) == 0)
            note_alpn(cl, &a, WIRE_WHERE_OTHER);
        return 0;
    }
    /* RFC 5246 §7.4.5: ServerHelloDone ends the server's flight. */
    if (!tls13 && type == WIRE_HS_SERVER_HELLO_DONE) {
        cl->completed = 1;
        return 1;
    }
    return 0;
}

int wire_client_finish(wire_client_conn *cl)
{
    wire_conn *c = &cl->conn;
    uint8_t verify[48];
    wire_wr w;
    if (!cl->completed || !cl->keys_ready || wire_conn_finished(c, WIRE_FROM_CLIENT, verify) != 0)
        return wire_conn_fail(c, "no client Finished before the server's");
    wire_conn_begin(c, &w);
    wire_build_finished(&w, verify, c->suite.hash_len);
    if (wire_conn_emit(c, WIRE_LEVEL_HANDSHAKE, &w) != 0)
        return wire_conn_fail(c, "cannot build Finished");
    /* RFC 8446 §7.1: resumption_master_secret = Derive-Secret(Master Secret, "res master", ClientHello .. client
     * Finished). */
    uint8_t th[48];
    if (wire_transcript_hash(&c->transcript, th) != 0 ||
        wire_derive_secret(&c->suite, c->master_secret, "res master", th, cl->resumption_secret) != 0)
        return wire_conn_fail(c, "cannot derive the resumption secret");
    cl->finished_sent = 1;
    return 0;
}
