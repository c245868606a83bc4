/* The packet number spaces of one QUIC endpoint: keys, packet numbers, ACKs and CRYPTO streams (quic_spaces.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "quic_spaces.h"

int quic_fail(char *error, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error, cap, fmt, ap);
    va_end(ap);
    return -1;
}

const wire_level quic_space_level[QUIC_SPACES] = {WIRE_LEVEL_INITIAL, WIRE_LEVEL_HANDSHAKE, WIRE_LEVEL_APPLICATION};
const quic_ptype quic_space_type[QUIC_SPACES] = {QUIC_PT_INITIAL, QUIC_PT_HANDSHAKE, QUIC_PT_SHORT};

void quic_close_note(quic_close_info *c, const quic_frame *f, quic_ptype pt)
{
    c->type = pt;
    c->frame = f->type;
    c->code = f->error_code;
    c->frame_type = f->frame_type;
    c->reason_len = f->reason_len;
    memcpy(c->reason, f->reason, f->reason_len < sizeof c->reason ? f->reason_len : sizeof c->reason);
}

uint8_t *quic_next_packet(uint8_t *dgram, size_t len, size_t *pos, size_t cid_len, quic_header *h)
{
    char err[QUIC_ERROR_MAX];
    if (*pos >= len || quic_parse_header(dgram + *pos, len - *pos, cid_len, h, err) != 0)
        return NULL;
    uint8_t *pkt = dgram + *pos;
    *pos += h->len;
    return pkt;
}

void quic_spaces_init(quic_spaces *sp, uint32_t version, int peer)
{
    memset(sp, 0, sizeof *sp);
    sp->version = version;
    sp->peer = peer;
    for (int s = 0; s < QUIC_SPACES; s++) {
        quic_crypto_init(&sp->rx_crypto[s]);
        wire_msg_reader_reset(&sp->reader[s]);
    }
}

int quic_spaces_initial(quic_spaces *sp, const uint8_t *dcid, size_t dcid_len)
{
    if (quic_initial_keys(sp->version, dcid, dcid_len, sp->peer, NULL, &sp->rx[0]) != 0 ||
        quic_initial_keys(sp->version, dcid, dcid_len, !sp->peer, NULL, &sp->tx[0]) != 0)
        return -1;
    sp->rx_ok |= 1u;
    sp->tx_ok |= 1u;
    return 0;
}

void quic_spaces_install(quic_spaces *sp, const wire_conn *c)
{
    for (int s = QUIC_SPACE_HANDSHAKE; s < QUIC_SPACES; s++) {
        wire_level l = quic_space_level[s];
        if (!(sp->rx_ok & 1u << s) && (c->have & WIRE_HAVE(l, sp->peer)) &&
            quic_keys_from_secret(sp->version, c->suite_code, c->secret[l][sp->peer], &sp->rx[s]) == 0)
            sp->rx_ok |= 1u << s;
        if (!(sp->tx_ok & 1u << s) && (c->have & WIRE_HAVE(l, !sp->peer)) &&
            quic_keys_from_secret(sp->version, c->suite_code, c->secret[l][!sp->peer], &sp->tx[s]) == 0)
            sp->tx_ok |= 1u << s;
    }
}

int quic_spaces_queue(quic_spaces *sp, wire_outbox *ob, wire_level *level)
{
    for (size_t i = 0; i < ob->n; i++) {
        int s = ob->msg[i].level == WIRE_LEVEL_INITIAL ? 0 : ob->msg[i].level == WIRE_LEVEL_HANDSHAKE ? 1 : -1;
        if (s < 0 || ob->msg[i].len > sizeof sp->tx_crypto[s] - sp->tx_crypto_len[s]) {
            *level = ob->msg[i].level;
            return -1;
        }
        memcpy(sp->tx_crypto[s] + sp->tx_crypto_len[s], ob->buf + ob->msg[i].off, ob->msg[i].len);
        sp->tx_crypto_len[s] += ob->msg[i].len;
    }
    wire_outbox_clear(ob);
    return 0;
}

void quic_spaces_again(quic_spaces *sp)
{
    for (int s = 0; s <= QUIC_SPACE_HANDSHAKE; s++) {
        sp->crypto_sent[s] = 0;
        sp->ack_pending[s] |= (sp->have_rx >> s) & 1u;
    }
}

int quic_spaces_open(quic_spaces *sp, int s, uint8_t *pkt, const quic_header *h, size_t *off, size_t *len)
{
    uint64_t pn;
    char err[QUIC_ERROR_MAX];
    if (!(sp->rx_ok & 1u << s) ||
        quic_open_packet(&sp->rx[s], pkt, h, (sp->have_rx >> s) & 1u ? sp->largest_rx[s] : UINT64_MAX, &pn, off, len,
                         err) != 0)
        return -1;
    if (!((sp->have_rx >> s) & 1u) || pn > sp->largest_rx[s])
        sp->largest_rx[s] = pn;
    sp->have_rx |= 1u << s;
    return 0;
}

int quic_spaces_take(quic_spaces *sp, int s, const quic_frame *f, char *err)
{
    if (f->type != QUIC_FRAME_ACK && f->type != QUIC_FRAME_ACK_ECN && f->type != QUIC_FRAME_PADDING)
        sp->ack_pending[s] = 1;
    if (f->type != QUIC_FRAME_CRYPTO)
        return 0;
    if (quic_crypto_add(&sp->rx_crypto[s], f->crypto_off, f->data, f->data_len, err) != 0)
        return -1;
    uint8_t chunk[4096];
    size_t n;
    while ((n = quic_crypto_take(&sp->rx_crypto[s], chunk, sizeof chunk)) > 0) {
        if (wire_msg_reader_add(&sp->reader[s], chunk, n) != 0) {
            snprintf(err, QUIC_ERROR_MAX, "handshake data at level %d beyond what alpncheck buffers", s);
            return -1;
        }
    }
    return 0;
}

size_t quic_spaces_frames(quic_spaces *sp, int s, wire_wr *fw, size_t room)
{
    if (sp->ack_pending[s]) {
        /* The largest packet received only: enough for the peer to stop retransmitting it. */
        quic_wr_ack(fw, sp->largest_rx[s], 0, 0);
        sp->ack_pending[s] = 0;
    }
    if (s > QUIC_SPACE_HANDSHAKE || sp->crypto_sent[s] >= sp->tx_crypto_len[s] || fw->len + 16 >= room)
        return 0;
    size_t chunk = sp->tx_crypto_len[s] - sp->crypto_sent[s];
    if (chunk > room - fw->len - 16)
        chunk = room - fw->len - 16;
    quic_wr_crypto(fw, sp->crypto_sent[s], sp->tx_crypto[s] + sp->crypto_sent[s], chunk);
    return chunk;
}

void quic_spaces_sent(quic_spaces *sp, int s, size_t crypto_bytes)
{
    if (s <= QUIC_SPACE_HANDSHAKE)
        sp->crypto_sent[s] += crypto_bytes;
}

int quic_spaces_seal(quic_spaces *sp, int s, wire_wr *w, const quic_packet_spec *spec, const uint8_t *frames,
                     size_t len, size_t min_len)
{
    quic_packet_spec p = *spec;
    p.type = quic_space_type[s];
    p.version = sp->version;
    uint64_t pn = sp->next_pn[s]++;
    return quic_seal_packet(w, &sp->tx[s], &p, pn, quic_pn_size(pn, UINT64_MAX), frames, len, min_len);
}
