/* What the QUIC client prober (quic_probe.c) and the QUIC listener (quic_listener.c) share. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "quic_peer.h"

int quic_send_pending(const quic_datagram_source *src, int fd, const struct sockaddr *to, socklen_t to_len, int again,
                      char *err, size_t err_cap)
{
    uint8_t d[QUIC_DATAGRAM_MAX];
    long n;
    /* again starts the flight over; the calls after it take the rest of that same flight. */
    while ((n = src->next(src->conn, d, sizeof d, again)) > 0) {
        again = 0;
        if (sendto(fd, d, (size_t)n, 0, to, to_len) != n) {
            snprintf(err, err_cap, "sendto: %s", strerror(errno));
            return -1;
        }
    }
    if (n < 0)
        snprintf(err, err_cap, "%s", src->error);
    return n < 0 ? -1 : 0;
}

void quic_observe_close(const quic_close_info *c, observation *o)
{
    obs_packet packet = c->type == QUIC_PT_INITIAL     ? OBS_PACKET_INITIAL
                        : c->type == QUIC_PT_HANDSHAKE ? OBS_PACKET_HANDSHAKE
                                                       : OBS_PACKET_1RTT;
    observation_quic_close(o, (unsigned)c->frame, c->code, packet, c->reason, c->reason_len);
}
