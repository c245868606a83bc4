/* The prober's own read loop (harness/peer/server_probe.c read_flight, through server_probe_replay), not a copy of
 * it: the input is what a server sends after alpncheck's ClientHello, handed to the loop in pieces as a socket would,
 * so that records, alerts and messages are cut at every point. It reaches what fuzz_server_flight, which reads the
 * protected TLS 1.3 flight on a copy of the loop, cannot: the link's buffer and its incomplete records, alerts whole,
 * split and malformed, the cap on skipped records, the "not a TLS record" text, the second ClientHello after a
 * HelloRetryRequest, TLS 1.2 flights to ServerHelloDone, and how the observation is filled. Protected records stay
 * closed here: the key share is the prober's own, fresh for every input.
 *
 * Input: byte 0 chooses the probe (bit 0: TLS 1.2 with NPN, else TLS 1.3; bit 1: a forced HelloRetryRequest), byte 1
 * the piece size (0: as much as the buffer takes), the rest is the server's bytes.
 * Oracles: the observation's contract (exchange.h): its text is a string; refused exactly when nothing came; a
 * malformed answer and a refusal are errors; a completed flight is none; an alert is a byte with its level; an ALPN
 * answer was seen somewhere and is no longer than what the server sent. */
#include <stdlib.h>
#include <string.h>

#include "server_probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t offer[] = {0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1'};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    /* No name to resolve and nothing to wait for: the replay neither dials nor waits, and a deadline of 10 s is one
     * no input reaches. */
    static server_target t = {.host = "fuzz", .port = "443", .sni = "localhost", .timeout_ms = 10000};
    probe_request r = {
        .tls = data[0] & 1 ? "1.2" : "1.3",
        .send_alpn = 1,
        .ext = offer,
        .ext_len = sizeof offer,
        .send_npn = data[0] & 1,
        .force_hrr = (data[0] & 2) != 0 && !(data[0] & 1),
    };
    const uint8_t *peer = data + 2;
    size_t len = size - 2;
    /* One connection's state for every input: fresh pages for each (a calloc of some 330 KiB) cost more than the
     * reading under test. */
    static void *scratch;
    if (scratch == NULL && (scratch = malloc(SERVER_PROBE_SCRATCH)) == NULL)
        abort();
    observation o;
    observation_init(&o);
    server_probe_replay(&t, &r, peer, len, data[1], scratch, &o);

    if (memchr(o.error_text, 0, sizeof o.error_text) == NULL)
        abort();
    if (o.refused != (o.error && len == 0))
        abort(); /* a close before any byte, and only that, refuses the hello */
    if ((o.malformed && !o.error) || (o.completed && o.error))
        abort();
    if (o.error && o.error_text[0] == '\0')
        abort(); /* every error says why */
    if (o.alert < -1 || o.alert > 255 || (o.alert >= 0 && (o.alert_level < 0 || o.alert_level > 255)))
        abort();
    if (o.alpn_count > 0 && (o.alpn_where == WHERE_NONE || o.alpn_len > len))
        abort();
    return 0;
}
