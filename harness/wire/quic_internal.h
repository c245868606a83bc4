/* Shared between the QUIC carrier's files (quic_crypto.c, quic_packet.c); not for other layers. */
#ifndef ALPN_QUIC_INTERNAL_H
#define ALPN_QUIC_INTERNAL_H

#include <gnutls/gnutls.h>

#include "quic.h"

/* Seals (encrypts, writing tag) or opens (decrypts, checking tag) data[0..len) in place under k with packet number
 * pn and the associated data ad (RFC 9001 §5.3). 0, or -1 for a tag that does not match. k comes from
 * quic_keys_from_secret or quic_initial_keys (the key schedules it holds). */
int quic_payload_aead(const quic_keys *k, int seal, uint64_t pn, const giovec_t *ad, int ad_count, uint8_t *data,
                      size_t len, uint8_t tag[16]);
/* The five mask bytes of header protection for a 16-byte sample (RFC 9001 §5.4.3, §5.4.4). */
void quic_hp_mask(const quic_keys *k, const uint8_t sample[16], uint8_t mask[5]);

/* Long header packet type bits of a version (RFC 9000 §17.2 Table 5; RFC 9369 §3.2); -1 for none. */
int quic_type_bits(uint32_t version, quic_ptype t);

#endif
