/* What the client and server objects share: the outbox, the TLS 1.3 key schedule over the transcript (RFC 8446
 * §7.1) and the secrets it exports per level. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wire_conn.h"

void wire_outbox_clear(wire_outbox *ob)
{
    ob->len = 0;
    ob->n = 0;
}

void wire_conn_init(wire_conn *c)
{
    memset(c, 0, sizeof *c);
    wire_transcript_init(&c->transcript);
}

int wire_conn_fail(wire_conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    return -1;
}

int wire_conn_select_suite(wire_conn *c, unsigned code)
{
    if (wire_suite_for(code, &c->suite) != 0 || wire_transcript_select(&c->transcript, &c->suite) != 0)
        return -1;
    c->suite_code = code;
    return 0;
}

void wire_conn_begin(wire_conn *c, wire_wr *w)
{
    wire_wr_init(w, c->out.buf + c->out.len, sizeof c->out.buf - c->out.len);
}

int wire_conn_emit(wire_conn *c, wire_level level, const wire_wr *w)
{
    wire_outbox *ob = &c->out;
    if (w->err || ob->n == WIRE_OUTBOX_MSGS)
        return -1;
    ob->msg[ob->n].level = level;
    ob->msg[ob->n].off = ob->len;
    ob->msg[ob->n++].len = w->len;
    /* RFC 8446 §4.4.1: every handshake message we send is part of the transcript. */
    wire_transcript_add(&c->transcript, ob->buf + ob->len, w->len);
    ob->len += w->len;
    return 0;
}

void wire_conn_received(wire_conn *c, const uint8_t *msg, size_t len)
{
    wire_transcript_add(&c->transcript, msg, len);
}

void wire_conn_export(wire_conn *c, wire_level level, int from, const uint8_t *secret)
{
    memcpy(c->secret[level][from], secret, c->suite.hash_len);
    c->have |= WIRE_HAVE(level, from);
}

int wire_conn_handshake_secrets(wire_conn *c, const uint8_t *psk, const uint8_t *shared, size_t shared_len)
{
    /* RFC 8446 §7.1: the handshake traffic secrets hash ClientHello .. ServerHello. */
    uint8_t th[48];
    wire_hs_keys k;
    if (wire_transcript_hash(&c->transcript, th) != 0 ||
        wire_derive_handshake_keys_psk(&c->suite, psk, shared, shared_len, th, &k) != 0)
        return -1;
    memcpy(c->handshake_secret, k.handshake_secret, c->suite.hash_len);
    wire_conn_export(c, WIRE_LEVEL_HANDSHAKE, WIRE_FROM_CLIENT, k.client_secret);
    wire_conn_export(c, WIRE_LEVEL_HANDSHAKE, WIRE_FROM_SERVER, k.server_secret);
    return 0;
}

int wire_conn_application_secrets(wire_conn *c)
{
    /* RFC 8446 §7.1: Master Secret from the Handshake Secret; the application traffic secrets hash ClientHello ..
     * server Finished. */
    uint8_t th[48], client[48], server[48];
    if (wire_transcript_hash(&c->transcript, th) != 0 ||
        wire_master_secret(&c->suite, c->handshake_secret, c->master_secret) != 0 ||
        wire_derive_secret(&c->suite, c->master_secret, "c ap traffic", th, client) != 0 ||
        wire_derive_secret(&c->suite, c->master_secret, "s ap traffic", th, server) != 0)
        return -1;
    wire_conn_export(c, WIRE_LEVEL_APPLICATION, WIRE_FROM_CLIENT, client);
    wire_conn_export(c, WIRE_LEVEL_APPLICATION, WIRE_FROM_SERVER, server);
    return 0;
}

int wire_conn_finished(const wire_conn *c, int from, uint8_t *verify)
{
    /* RFC 8446 §4.4.4: BaseKey is the sender's handshake traffic secret; the hash covers the messages before this
     * Finished. */
    uint8_t th[48];
    if (!(c->have & WIRE_HAVE(WIRE_LEVEL_HANDSHAKE, from)) || wire_transcript_hash(&c->transcript, th) != 0)
        return -1;
    return wire_finished_verify_data(&c->suite, c->secret[WIRE_LEVEL_HANDSHAKE][from], th, verify);
}
