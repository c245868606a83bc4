/* The server identity of the client checks: a CA and a localhost leaf, ECDSA P-256, made with GnuTLS at start. */
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire_server.h"

struct wire_identity {
    gnutls_x509_privkey_t ca_key, leaf_key;
    gnutls_x509_crt_t ca, leaf;
    gnutls_privkey_t signer;
    gnutls_datum_t leaf_der, ca_pem;
};

static int make_key(gnutls_x509_privkey_t *key)
{
    return gnutls_x509_privkey_init(key) < 0 ||
                   gnutls_x509_privkey_generate(*key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
                                                0) < 0
               ? -1
               : 0;
}

/* The fields both certificates share: X.509 v3, a random positive serial, validity, subject, public key. */
static int make_crt(gnutls_x509_crt_t *crt, gnutls_x509_privkey_t key, const char *dn)
{
    uint8_t serial[16];
    time_t now = time(NULL);
    const char *bad = NULL;
    if (gnutls_x509_crt_init(crt) < 0 || gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial) < 0)
        return -1;
    serial[0] &= 0x7f; /* RFC 5280 §4.1.2.2: a positive integer */
    serial[0] |= 0x01;
    return gnutls_x509_crt_set_version(*crt, 3) < 0 || gnutls_x509_crt_set_serial(*crt, serial, sizeof serial) < 0 ||
                   gnutls_x509_crt_set_activation_time(*crt, now - 3600) < 0 ||
                   gnutls_x509_crt_set_expiration_time(*crt, now + 7 * 24 * 3600) < 0 ||
                   gnutls_x509_crt_set_dn(*crt, dn, &bad) < 0 || gnutls_x509_crt_set_key(*crt, key) < 0
               ? -1
               : 0;
}

static int set_key_ids(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, gnutls_x509_privkey_t issuer_key)
{
    uint8_t id[64], issuer_id[64];
    size_t id_len = sizeof id, issuer_len = sizeof issuer_id;
    return gnutls_x509_privkey_get_key_id(key, 0, id, &id_len) < 0 ||
                   gnutls_x509_privkey_get_key_id(issuer_key, 0, issuer_id, &issuer_len) < 0 ||
                   gnutls_x509_crt_set_subject_key_id(crt, id, id_len) < 0 ||
                   (key != issuer_key && gnutls_x509_crt_set_authority_key_id(crt, issuer_id, issuer_len) < 0)
               ? -1
               : 0;
}

wire_identity *wire_identity_create(char *err, size_t err_cap)
{
    wire_identity *id = calloc(1, sizeof *id);
    static const uint8_t v4[4] = {127, 0, 0, 1}, v6[16] = {[15] = 1};
    const char *step = "allocation";
    if (id == NULL)
        goto fail;
    step = "key generation";
    if (make_key(&id->ca_key) != 0 || make_key(&id->leaf_key) != 0)
        goto fail;
    step = "CA certificate";
    /* RFC 5280 §4.2.1.9 and §4.2.1.3: a CA with keyCertSign. */
    if (make_crt(&id->ca, id->ca_key, "CN=alpncheck test CA,O=alpncheck") != 0 ||
        gnutls_x509_crt_set_basic_constraints(id->ca, 1, 0) < 0 ||
        gnutls_x509_crt_set_key_usage(id->ca, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN) < 0 ||
        set_key_ids(id->ca, id->ca_key, id->ca_key) != 0 ||
        gnutls_x509_crt_sign2(id->ca, id->ca, id->ca_key, GNUTLS_DIG_SHA256, 0) < 0)
        goto fail;
    step = "leaf certificate";
    /* RFC 6125 §6.4 / RFC 5280 §4.2.1.6: the names go in subjectAltName; serverAuth for TLS servers. */
    if (make_crt(&id->leaf, id->leaf_key, "CN=localhost,O=alpncheck") != 0 ||
        gnutls_x509_crt_set_basic_constraints(id->leaf, 0, -1) < 0 ||
        gnutls_x509_crt_set_key_usage(id->leaf, GNUTLS_KEY_DIGITAL_SIGNATURE) < 0 ||
        gnutls_x509_crt_set_key_purpose_oid(id->leaf, GNUTLS_KP_TLS_WWW_SERVER, 0) < 0 ||
        gnutls_x509_crt_set_subject_alt_name(id->leaf, GNUTLS_SAN_DNSNAME, "localhost", 9, GNUTLS_FSAN_APPEND) < 0 ||
        gnutls_x509_crt_set_subject_alt_name(id->leaf, GNUTLS_SAN_IPADDRESS, v4, 4, GNUTLS_FSAN_APPEND) < 0 ||
        gnutls_x509_crt_set_subject_alt_name(id->leaf, GNUTLS_SAN_IPADDRESS, v6, 16, GNUTLS_FSAN_APPEND) < 0 ||
        set_key_ids(id->leaf, id->leaf_key, id->ca_key) != 0 ||
        gnutls_x509_crt_sign2(id->leaf, id->ca, id->ca_key, GNUTLS_DIG_SHA256, 0) < 0)
        goto fail;
    step = "export";
    if (gnutls_x509_crt_export2(id->leaf, GNUTLS_X509_FMT_DER, &id->leaf_der) < 0 ||
        gnutls_x509_crt_export2(id->ca, GNUTLS_X509_FMT_PEM, &id->ca_pem) < 0)
        goto fail;
    step = "signing key";
    if (gnutls_privkey_init(&id->signer) < 0 ||
        gnutls_privkey_import_x509(id->signer, id->leaf_key, GNUTLS_PRIVKEY_IMPORT_COPY) < 0)
        goto fail;
    /* The PEM text is used as a C string. */
    uint8_t *pem = gnutls_malloc(id->ca_pem.size + 1);
    if (pem == NULL)
        goto fail;
    memcpy(pem, id->ca_pem.data, id->ca_pem.size);
    pem[id->ca_pem.size] = '\0';
    gnutls_free(id->ca_pem.data);
    id->ca_pem.data = pem;
    return id;
fail:
    snprintf(err, err_cap, "cannot create the server certificate (%s failed)", step);
    wire_identity_free(id);
    return NULL;
}

void wire_identity_free(wire_identity *id)
{
    if (id == NULL)
        return;
    if (id->signer)
        gnutls_privkey_deinit(id->signer);
    if (id->ca)
        gnutls_x509_crt_deinit(id->ca);
    if (id->leaf)
        gnutls_x509_crt_deinit(id->leaf);
    if (id->ca_key)
        gnutls_x509_privkey_deinit(id->ca_key);
    if (id->leaf_key)
        gnutls_x509_privkey_deinit(id->leaf_key);
    gnutls_free(id->leaf_der.data);
    gnutls_free(id->ca_pem.data);
    free(id);
}

const uint8_t *wire_identity_leaf(const wire_identity *id, size_t *len)
{
    *len = id->leaf_der.size;
    return id->leaf_der.data;
}

const char *wire_identity_ca_pem(const wire_identity *id)
{
    return (const char *)id->ca_pem.data;
}

long wire_identity_sign(const wire_identity *id, const uint8_t *data, size_t len, uint8_t *sig, size_t sig_cap)
{
    gnutls_datum_t in = {(unsigned char *)data, (unsigned)len}, out = {NULL, 0};
    if (gnutls_privkey_sign_data(id->signer, GNUTLS_DIG_SHA256, 0, &in, &out) < 0)
        return -1;
    long n = out.size <= sig_cap ? (long)out.size : -1;
    if (n > 0)
        memcpy(sig, out.data, out.size);
    gnutls_free(out.data);
    return n;
}
