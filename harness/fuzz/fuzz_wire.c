/* The wire engine's parsers of peer data: ServerHello, extension blocks (and NewSessionTicket), records (first byte
 * picks). Oracles: no crash, no read outside the input (ASan), consistent lengths. */
#include <stdlib.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = data + 1;
    size_t len = size - 1;
    switch (data[0] % 3) {
    case 0: {
        static wire_server_hello sh;
        if (wire_parse_server_hello(p, len, &sh) == 0 && sh.alpn.count > 0 && sh.alpn.len > len)
            abort();
        break;
    }
    case 1: {
        wire_rd r;
        wire_alpn_seen a = {0};
        int npn = 0;
        wire_rd_init(&r, p, len);
        if (wire_parse_extensions(&r, &a, &npn) == 0 && a.count > 0 && a.len > len)
            abort();
        /* The same bytes as a NewSessionTicket body, which ends in an extension block too (RFC 8446 §4.6.1). */
        static wire_new_session_ticket t;
        if (wire_parse_new_session_ticket(p, len, &t) == 0 &&
            (t.nonce_len > sizeof t.nonce || t.ticket_len > sizeof t.ticket || t.nonce_len + t.ticket_len + 13 > len))
            abort();
        break;
    }
    default: {
        size_t pos = 0;
        for (;;) {
            wire_record rec;
            size_t used = 0;
            int rc = wire_record_parse(p + pos, len - pos, &rec, &used);
            if (rc != 1)
                break;
            if (used != 5 + rec.len || used > len - pos || rec.len > WIRE_RECORD_CIPHER_MAX)
                abort();
            pos += used;
        }
        break;
    }
    }
    return 0;
}
