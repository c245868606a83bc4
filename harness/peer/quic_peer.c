/* What the QUIC client prober (quic_probe.c) and the QUIC listener (quic_listener.c) share. */
#include "quic_peer.h"

void quic_observe_close(const quic_close_info *c, observation *o)
{
    obs_packet packet = c->type == QUIC_PT_INITIAL     ? OBS_PACKET_INITIAL
                        : c->type == QUIC_PT_HANDSHAKE ? OBS_PACKET_HANDSHAKE
                                                       : OBS_PACKET_1RTT;
    observation_quic_close(o, (unsigned)c->frame, c->code, packet, c->reason, c->reason_len);
}
