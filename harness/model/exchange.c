/* The shared exchange model: names and initial values. */
#include "exchange.h"
#include "table_text.h"

#include <stdio.h>
#include <string.h>

const char *where_name(alpn_where w)
{
    static const char *const names[] = {
        [WHERE_NONE] = "nowhere",
        [WHERE_SERVER_HELLO] = "ServerHello",
        [WHERE_ENCRYPTED_EXTENSIONS] = "EncryptedExtensions",
        [WHERE_HELLO_RETRY_REQUEST] = "HelloRetryRequest",
        [WHERE_OTHER] = "another handshake message",
    };
    return TABLE_TEXT(names, w, "?");
}

void observation_init(observation *o)
{
    memset(o, 0, sizeof *o);
    o->alert = -1;
    o->client_exit = -1;
}

const char *obs_packet_name(obs_packet p)
{
    static const char *const names[] = {
        [OBS_PACKET_NONE] = "no packet",
        [OBS_PACKET_INITIAL] = "an Initial packet",
        [OBS_PACKET_HANDSHAKE] = "a Handshake packet",
        [OBS_PACKET_1RTT] = "a 1-RTT packet",
    };
    return TABLE_TEXT(names, p, "?");
}

void observation_quic_close(observation *o, unsigned frame, uint64_t code, obs_packet packet, const uint8_t *reason,
                            size_t reason_len)
{
    o->quic_close = 1;
    o->quic_close_frame = frame;
    o->quic_close_code = code;
    o->quic_close_packet = packet;
    o->quic_close_reason_len = reason_len;
    /* No reason phrase may come as (NULL, 0): memcpy takes no NULL even for no bytes (C11 §7.24.1). */
    if (reason_len > 0)
        memcpy(o->quic_close_reason, reason,
               reason_len < sizeof o->quic_close_reason ? reason_len : sizeof o->quic_close_reason);
    /* Any close that is not a TLS alert ends the connection without one. */
    o->closed = observation_alert(o, NULL) < 0;
}

int observation_alert(const observation *o, int *level)
{
    int lvl = 0, alert = -1;
    if (o->alert >= 0) {
        alert = o->alert;
        lvl = o->alert_level;
    } else if (o->transport == OBS_QUIC && o->quic_close && o->quic_close_frame == 0x1c &&
               o->quic_close_code >= 0x100 && o->quic_close_code <= 0x1ff) {
        /* RFC 9001 §4.8: a TLS alert is "converted into a QUIC connection error", CRYPTO_ERROR 0x0100 + its
         * AlertDescription, in a CONNECTION_CLOSE of type 0x1c; QUIC has no warning alerts. */
        alert = (int)(o->quic_close_code - 0x100);
        lvl = 2;
    }
    if (level != NULL)
        *level = lvl;
    return alert;
}

int observation_application_close(const observation *o)
{
    return o->quic_close &&
           (o->quic_close_frame == 0x1d || (o->quic_close_frame == 0x1c && o->quic_close_code == 0x0c));
}

void proxy_observation_init(proxy_observation *o)
{
    memset(o, 0, sizeof *o);
}

int early_play(const early_path *p, void *ctx, early_sequence seq, const alpn_name *a, const alpn_name *b,
                session_observation *control, session_observation *test)
{
    session_observation scratch;
    memset(control, 0, sizeof *control);
    memset(test, 0, sizeof *test);
    control->alert = test->alert = -1;
    /* What the tickets are made with (SRV-0RTT-ALPN-ADDED: no ALPN), and what the test's early data offers. */
    const alpn_name *made = seq == EARLY_ALPN_ADDED ? NULL : a;
    const alpn_name *offer = seq == EARLY_OTHER_PROTOCOL ? b : seq == EARLY_ALPN_OMITTED ? NULL : a;
    if (p->fresh(ctx, 0, made, control) != 0)
        return 0;
    p->early(ctx, 0, made, control);
    if (p->fresh(ctx, 0, made, &scratch) != 0) {
        *test = scratch;
        return 0;
    }
    if (seq != EARLY_RENEWED_TICKET) {
        p->early(ctx, 0, offer, test);
        return 0;
    }
    /* SRV-0RTT-TICKET-FRESH: resume offering B (no early data), keep the ticket of that connection, then 0-RTT on it
     * offering A: that ticket belongs to B, so early data with A must be refused. */
    if (p->renew(ctx, 0, b, 1, &scratch) != 0) {
        *test = scratch;
        if (!test->error) {
            test->error = 1;
            snprintf(test->error_text, sizeof test->error_text,
                     "no new ticket after the resumption with the new protocol");
        }
        return 0;
    }
    p->early(ctx, 1, offer, test);
    return 0;
}
