/* The shared exchange model: names and initial values. */
#include "exchange.h"

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
    return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "?";
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
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

void observation_quic_close(observation *o, unsigned frame, uint64_t code, obs_packet packet, const uint8_t *reason,
                            size_t reason_len)
{
    o->quic_close = 1;
    o->quic_close_frame = frame;
    o->quic_close_code = code;
    o->quic_close_packet = packet;
    o->quic_close_reason_len = reason_len;
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

void proxy_observation_init(proxy_observation *o)
{
    memset(o, 0, sizeof *o);
}
