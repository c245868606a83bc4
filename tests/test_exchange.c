/* The exchange model's questions about an observation (harness/model/exchange.c), asked of observations built by
 * hand: each case a CONNECTION_CLOSE as the peer layer records it. */
#include <criterion/criterion.h>

#include "exchange.h"

static observation quic_closed(unsigned frame, uint64_t code, obs_packet packet)
{
    observation o;
    observation_init(&o);
    o.transport = OBS_QUIC;
    observation_quic_close(&o, frame, code, packet, NULL, 0);
    return o;
}

Test(exchange, application_close)
{
    static const struct {
        unsigned frame;
        uint64_t code;
        obs_packet packet;
        int want;
        const char *why;
    } cases[] = {
        {0x1d, 0x0, OBS_PACKET_1RTT, 1, "an application close, whatever its code"},
        {0x1d, 0x178, OBS_PACKET_1RTT, 1, "0x1d codes are the application's, never an alert"},
        {0x1c, 0x0c, OBS_PACKET_HANDSHAKE, 1, "APPLICATION_ERROR standing for 0x1d (RFC 9000 §10.2.3)"},
        {0x1c, 0x0c, OBS_PACKET_INITIAL, 1, "APPLICATION_ERROR in an Initial packet"},
        {0x1c, 0x0, OBS_PACKET_INITIAL, 0, "NO_ERROR is a transport close"},
        {0x1c, 0x0a, OBS_PACKET_HANDSHAKE, 0, "PROTOCOL_VIOLATION is a transport error"},
        {0x1c, 0x178, OBS_PACKET_HANDSHAKE, 0, "a TLS alert (RFC 9001 §4.8)"},
        {0x1c, 0x10c, OBS_PACKET_HANDSHAKE, 0, "a crypto error whose low byte is 0x0c is alert 12, not 0x0c"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        observation o = quic_closed(cases[i].frame, cases[i].code, cases[i].packet);
        cr_expect_eq(observation_application_close(&o), cases[i].want, "0x%x code 0x%llx: %s", cases[i].frame,
                     (unsigned long long)cases[i].code, cases[i].why);
    }
    observation tcp;
    observation_init(&tcp);
    tcp.closed = 1;
    cr_expect_eq(observation_application_close(&tcp), 0, "a TCP close without an alert is no CONNECTION_CLOSE");
}
