/* What both QUIC roles of the peer layer share (harness/peer/quic_peer.c): the peer's CONNECTION_CLOSE, as a
 * connection object notes it, read into an observation. */
#include <criterion/criterion.h>
#include <string.h>

#include "quic_peer.h"

static quic_close_info close_info(quic_ptype type, uint64_t frame, uint64_t code, const char *reason)
{
    quic_close_info c;
    memset(&c, 0, sizeof c);
    c.type = type;
    c.frame = frame;
    c.code = code;
    c.reason_len = strlen(reason);
    memcpy(c.reason, reason, c.reason_len);
    return c;
}

Test(quic_observe_close, packet_type_of_each_space)
{
    static const struct {
        quic_ptype type;
        obs_packet want;
    } cases[] = {
        {QUIC_PT_INITIAL, OBS_PACKET_INITIAL},
        {QUIC_PT_HANDSHAKE, OBS_PACKET_HANDSHAKE},
        {QUIC_PT_SHORT, OBS_PACKET_1RTT},
        {QUIC_PT_0RTT, OBS_PACKET_1RTT}, /* neither Initial nor Handshake: an application-data packet */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        quic_close_info c = close_info(cases[i].type, 0x1c, 0x0a, "");
        observation o;
        observation_init(&o);
        quic_observe_close(&c, &o);
        cr_expect_eq(o.quic_close_packet, cases[i].want, "packet type %d: %s, expected %s", (int)cases[i].type,
                     obs_packet_name(o.quic_close_packet), obs_packet_name(cases[i].want));
    }
}

Test(quic_observe_close, frame_code_and_reason)
{
    /* A crypto error (RFC 9001 §4.8): 0x0100 + no_application_protocol is the alert, not a close without one. */
    quic_close_info c = close_info(QUIC_PT_INITIAL, 0x1c, 0x178, "no overlap");
    observation o;
    observation_init(&o);
    o.transport = OBS_QUIC;
    quic_observe_close(&c, &o);
    cr_expect_eq(o.quic_close, 1);
    cr_expect_eq(o.quic_close_frame, 0x1c);
    cr_expect_eq(o.quic_close_code, 0x178);
    cr_expect_eq(o.quic_close_reason_len, 10);
    cr_expect_eq(memcmp(o.quic_close_reason, "no overlap", 10), 0);
    cr_expect_eq(observation_alert(&o, NULL), 120);
    cr_expect_eq(o.closed, 0);

    /* An application close (0x1d) with a reason longer than the observation keeps: its first bytes, its full length. */
    char long_reason[200];
    memset(long_reason, 'r', sizeof long_reason - 1);
    long_reason[sizeof long_reason - 1] = '\0';
    c = close_info(QUIC_PT_SHORT, 0x1d, 0x0c, long_reason);
    observation_init(&o);
    o.transport = OBS_QUIC;
    quic_observe_close(&c, &o);
    cr_expect_eq(o.quic_close_frame, 0x1d);
    cr_expect_eq(o.quic_close_code, 0x0c);
    cr_expect_eq(o.quic_close_reason_len, sizeof long_reason - 1);
    cr_expect_eq(memcmp(o.quic_close_reason, long_reason, sizeof o.quic_close_reason), 0);
    cr_expect_eq(observation_alert(&o, NULL), -1);
    cr_expect_eq(o.closed, 1, "a close that is no TLS alert ends the connection without one");
}
