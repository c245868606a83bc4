/* quic_transport_parameters (RFC 9000 §18; TLS extension 57, RFC 9001 §8.2): built for our hellos, parsed bounded
 * from the peer's. */
#include <stdio.h>
#include <string.h>

#include "quic.h"

void quic_tp_set(quic_tp *tp, unsigned id, uint64_t value)
{
    if (id < QUIC_TP_INTEGERS)
        tp->value[id] = value;
    tp->present |= 1u << id;
}

/* Where tp keeps the connection ID parameter id (original_dcid, initial_scid or retry_scid), and its length. */
static uint8_t *cid_slot(quic_tp *tp, unsigned id, size_t **len)
{
    if (id == QUIC_TP_ORIGINAL_DCID) {
        *len = &tp->original_dcid_len;
        return tp->original_dcid;
    }
    if (id == QUIC_TP_RETRY_SCID) {
        *len = &tp->retry_scid_len;
        return tp->retry_scid;
    }
    *len = &tp->initial_scid_len;
    return tp->initial_scid;
}

void quic_tp_set_cid(quic_tp *tp, unsigned id, const uint8_t *cid, size_t len)
{
    size_t *to_len;
    uint8_t *to = cid_slot(tp, id, &to_len);
    *to_len = len > QUIC_CID_MAX ? QUIC_CID_MAX : len;
    memcpy(to, cid, *to_len);
    tp->present |= 1u << id;
}

void quic_tp_client_default(quic_tp *tp, const uint8_t *scid, size_t scid_len)
{
    /* Enough for a handshake and a look at the server's answer, nothing more: no streams are opened. */
    memset(tp, 0, sizeof *tp);
    quic_tp_set(tp, QUIC_TP_MAX_IDLE_TIMEOUT, 10000);
    quic_tp_set(tp, QUIC_TP_MAX_UDP_PAYLOAD_SIZE, 1452);
    quic_tp_set(tp, QUIC_TP_INITIAL_MAX_DATA, 65536);
    quic_tp_set(tp, QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_LOCAL, 16384);
    quic_tp_set(tp, QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_REMOTE, 16384);
    quic_tp_set(tp, QUIC_TP_INITIAL_MAX_STREAM_DATA_UNI, 16384);
    quic_tp_set(tp, QUIC_TP_INITIAL_MAX_STREAMS_BIDI, 4);
    quic_tp_set(tp, QUIC_TP_INITIAL_MAX_STREAMS_UNI, 4);
    quic_tp_set(tp, QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT, 2);
    quic_tp_set_cid(tp, QUIC_TP_INITIAL_SCID, scid, scid_len);
}

void quic_tp_server_default(quic_tp *tp, const uint8_t *odcid, size_t odcid_len, const uint8_t *scid, size_t scid_len)
{
    /* The client's limits suit a server that only answers a handshake; RFC 9000 §7.3 adds the client's first
     * Destination Connection ID. */
    quic_tp_client_default(tp, scid, scid_len);
    quic_tp_set_cid(tp, QUIC_TP_ORIGINAL_DCID, odcid, odcid_len);
}

static void wr_param(wire_wr *w, unsigned id, const uint8_t *value, size_t len)
{
    quic_wr_varint(w, id);
    quic_wr_varint(w, len);
    wire_wr_bytes(w, value, len);
}

int quic_tp_build(wire_wr *w, const quic_tp *tp)
{
    quic_tp copy = *tp; /* cid_slot takes a writable quic_tp */
    for (unsigned id = 0; id <= QUIC_TP_RETRY_SCID; id++) {
        if (!QUIC_TP_HAS(tp, id))
            continue;
        if (id == QUIC_TP_ORIGINAL_DCID || id == QUIC_TP_INITIAL_SCID || id == QUIC_TP_RETRY_SCID) {
            size_t *len;
            const uint8_t *cid = cid_slot(&copy, id, &len);
            wr_param(w, id, cid, *len);
        } else if (id == QUIC_TP_STATELESS_RESET_TOKEN) {
            wr_param(w, id, tp->stateless_reset_token, 16);
        } else if (id == QUIC_TP_DISABLE_ACTIVE_MIGRATION) {
            wr_param(w, id, NULL, 0);
        } else if (id < QUIC_TP_INTEGERS && id != QUIC_TP_PREFERRED_ADDRESS) {
            quic_wr_varint(w, id);
            quic_wr_varint(w, quic_varint_size(tp->value[id]));
            quic_wr_varint(w, tp->value[id]);
        }
    }
    return w->err ? -1 : 0;
}

static int fail(char *err, const char *what, uint64_t id)
{
    snprintf(err, QUIC_ERROR_MAX, "transport parameter 0x%llx: %s", (unsigned long long)id, what);
    return -1;
}

/* RFC 9000 §18.2: the bounds of integer parameters. NULL when v is acceptable for id. */
static const char *integer_limit(unsigned id, uint64_t v)
{
    if (id == QUIC_TP_MAX_UDP_PAYLOAD_SIZE && v < 1200)
        return "max_udp_payload_size below 1200 (RFC 9000 §18.2)";
    if (id == QUIC_TP_ACK_DELAY_EXPONENT && v > 20)
        return "ack_delay_exponent above 20 (RFC 9000 §18.2)";
    if (id == QUIC_TP_MAX_ACK_DELAY && v >= (1u << 14))
        return "max_ack_delay of 2^14 or more (RFC 9000 §18.2)";
    if (id == QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT && v < 2)
        return "active_connection_id_limit below 2 (RFC 9000 §18.2)";
    if ((id == QUIC_TP_INITIAL_MAX_STREAMS_BIDI || id == QUIC_TP_INITIAL_MAX_STREAMS_UNI) && v > (UINT64_C(1) << 60))
        return "initial_max_streams above 2^60 (RFC 9000 §4.6)";
    return NULL;
}

/* One known parameter's value. 0 or -1. */
static int take_known(quic_tp *tp, unsigned id, const uint8_t *v, size_t len, int from_server, char *err)
{
    int server_only = id == QUIC_TP_ORIGINAL_DCID || id == QUIC_TP_STATELESS_RESET_TOKEN ||
                      id == QUIC_TP_PREFERRED_ADDRESS || id == QUIC_TP_RETRY_SCID;
    /* RFC 9000 §18.2: a server-only parameter from a client is TRANSPORT_PARAMETER_ERROR. */
    if (server_only && !from_server)
        return fail(err, "server-only parameter sent by a client (RFC 9000 §18.2)", id);
    if (id == QUIC_TP_ORIGINAL_DCID || id == QUIC_TP_INITIAL_SCID || id == QUIC_TP_RETRY_SCID) {
        if (len > QUIC_CID_MAX)
            return fail(err, "connection ID longer than 20 bytes", id);
        quic_tp_set_cid(tp, id, v, len);
        return 0;
    }
    if (id == QUIC_TP_STATELESS_RESET_TOKEN) {
        if (len != 16)
            return fail(err, "stateless_reset_token not 16 bytes (RFC 9000 §18.2)", id);
        memcpy(tp->stateless_reset_token, v, 16);
    } else if (id == QUIC_TP_DISABLE_ACTIVE_MIGRATION) {
        if (len != 0)
            return fail(err, "disable_active_migration with a value (RFC 9000 §18.2)", id);
    } else if (id == QUIC_TP_PREFERRED_ADDRESS) {
        /* RFC 9000 §18.2: IPv4 (4+2), IPv6 (16+2), CID length (1), CID (1..20), reset token (16). */
        if (len < 41 || v[24] == 0 || v[24] > QUIC_CID_MAX || len != 41u + v[24])
            return fail(err, "preferred_address malformed (RFC 9000 §18.2)", id);
    } else {
        /* Integers: one variable-length integer filling the value exactly. */
        wire_rd r;
        wire_rd_init(&r, v, len);
        uint64_t n = quic_rd_varint(&r);
        if (r.err || wire_rd_left(&r) != 0)
            return fail(err, "integer value does not fill its length", id);
        const char *bad = integer_limit(id, n);
        if (bad != NULL)
            return fail(err, bad, id);
        tp->value[id] = n;
    }
    tp->present |= 1u << id;
    return 0;
}

/* RFC 9000 §7.4, §18: each parameter at most once (TRANSPORT_PARAMETER_ERROR). */
static int seen_before(const uint64_t *ids, size_t n, uint64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

int quic_tp_parse(const uint8_t *p, size_t len, int from_server, quic_tp *tp, char *err)
{
    uint64_t ids[QUIC_TP_MAX_PARAMS];
    memset(tp, 0, sizeof *tp);
    err[0] = '\0';
    wire_rd r;
    wire_rd_init(&r, p, len);
    while (wire_rd_left(&r) > 0) {
        uint64_t id = quic_rd_varint(&r), vlen = quic_rd_varint(&r);
        if (r.err || vlen > wire_rd_left(&r))
            return fail(err, "truncated, or value beyond the extension", id);
        const uint8_t *v = wire_rd_bytes(&r, (size_t)vlen);
        if (tp->count == QUIC_TP_MAX_PARAMS)
            return fail(err, "more parameters than alpncheck reads (128)", id);
        if (seen_before(ids, tp->count, id))
            return fail(err, "sent twice (RFC 9000 §7.4)", id);
        ids[tp->count++] = id;
        if (id <= QUIC_TP_RETRY_SCID && take_known(tp, (unsigned)id, v, (size_t)vlen, from_server, err) != 0)
            return -1;
    }
    /* RFC 9000 §7.3: both ends send initial_source_connection_id, a server original_destination_connection_id. */
    if (!QUIC_TP_HAS(tp, QUIC_TP_INITIAL_SCID))
        return fail(err, "initial_source_connection_id absent (RFC 9000 §7.3)", QUIC_TP_INITIAL_SCID);
    if (from_server && !QUIC_TP_HAS(tp, QUIC_TP_ORIGINAL_DCID))
        return fail(err, "original_destination_connection_id absent from a server (RFC 9000 §7.3)",
                    QUIC_TP_ORIGINAL_DCID);
    return 0;
}
