/* The read loop of alpncheck as a client (harness/peer/server_probe.c read_flight), without the socket: the input is
 * what a server sends after our ClientHello, read as records, opened, reassembled into handshake messages
 * (stream_oracle.h) and taken by the wire client object until the flight is complete, an alert, an error or the end
 * of the input — once by a TLS 1.3 client and once by a TLS 1.2 client (with NPN), as the probes offer.
 * Oracles: those of stream_oracle.h, and what the client object reports: an ALPN answer was seen somewhere and lies
 * inside what the server sent, the flight completes exactly when take says so, an error has its text. */
#include <stddef.h>

#include "stream_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t offer[] = {0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1'};

/* The client objects right after their first ClientHello went out, made once: a fresh one per input would cost a
 * key pair (X25519) per input, more than the reading under test. Each input starts from a copy. */
static wire_client_conn hello13, hello12, cl;
static int hellos_ready;
static fuzz_stream st;

/* The object's large buffer, not restored per input (restore.h): the templates' outboxes are flushed. */
static const restore_range big[] = {{offsetof(wire_client_conn, conn.out.buf), sizeof cl.conn.out.buf, 0}};

static void hellos_init(void)
{
    wire_client_params p = {
        .version = WIRE_TLS13, .sni = "localhost", .send_alpn = 1, .alpn = offer, .alpn_len = sizeof offer};
    if (wire_client_start(&hello13, &p) != 0)
        abort();
    p.version = WIRE_TLS12;
    p.send_npn = 1;
    if (wire_client_start(&hello12, &p) != 0)
        abort();
    /* The probe sends the queued hello and clears the outbox (flush). */
    wire_outbox_clear(&hello13.conn.out);
    wire_outbox_clear(&hello12.conn.out);
    hellos_ready = 1;
}

/* The handshake bytes of one record, message by message, to the client object. 1 flight complete, -1 stop, 0 go on. */
static int take_messages(const stream_record *r, size_t size)
{
    if (stream_add(&st, r->body, r->len) != 0)
        return -1;
    const uint8_t *msg;
    size_t mlen;
    int rc = 0;
    while (rc == 0 && stream_message(&st, &msg, &mlen) == 1) {
        rc = wire_client_take(&cl, r->level, msg, mlen);
        if (rc < 0 && (cl.conn.error[0] == '\0' || memchr(cl.conn.error, 0, sizeof cl.conn.error) == NULL))
            abort();
        if (rc > 0 && !cl.completed)
            abort();
        if (cl.alpn.count > 0 && (cl.alpn_where == WIRE_WHERE_NONE || cl.alpn.len > size))
            abort();
        wire_outbox_clear(&cl.conn.out); /* a second ClientHello after a HelloRetryRequest: sent */
        stream_follow(&st, &cl.conn);
    }
    return st.stopped ? -1 : rc;
}

static void read_flight(const wire_client_conn *hello, const uint8_t *data, size_t size)
{
    object_restore(&cl, hello, sizeof cl, big, sizeof big / sizeof big[0]);
    stream_start(&st, data, size);
    for (;;) {
        stream_record r;
        if (stream_next(&st, 1, &r) <= 0 || r.type == WIRE_CT_ALERT)
            return;
        /* ChangeCipherSpec and anything else: skipped, as the probe does. */
        if (r.type == WIRE_CT_HANDSHAKE && take_messages(&r, size) != 0)
            return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!hellos_ready)
        hellos_init();
    read_flight(&hello13, data, size);
    read_flight(&hello12, data, size);
    return 0;
}
