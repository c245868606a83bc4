/* wire_decrypt_record, TLS 1.3 record protection (RFC 8446 §5.2), under fixed keys (record_oracle.h). The first byte
 * picks the suite; the rest is read twice:
 *   as a protected record as received (header included): opening it fails (a forged tag) or keeps the open contract;
 *   as a TLSInnerPlaintext, sealed under the same key first: the tag verifies and the open gives exactly the content
 *     and content type RFC 8446 §5.4 makes of those bytes (padding stripped, -1 for all zeros), and counts a record. */
#include "record_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t plain[WIRE_RECORD_CIPHER_MAX + 1], sealed[5 + WIRE_RECORD_CIPHER_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const wire_records *rl = fuzz_carrier(fuzz_suite_codes[data[0] % FUZZ_SUITES]);
    wire_traffic key = rl->read[WIRE_LEVEL_HANDSHAKE];
    key.seq = data[0] / FUZZ_SUITES; /* the nonce differs with the sequence number (RFC 8446 §5.3) */
    const uint8_t *p = data + 1;
    size_t len = size - 1;

    wire_traffic t = key;
    unsigned type = 0;
    long n = wire_decrypt_record(&rl->suite, &t, p, len, plain, &type);
    open_contract(n, len, type, key.seq, t.seq, 0);

    size_t rec_len = seal_inner(&rl->suite, &key, p, len, sealed);
    if (rec_len == 0)
        return 0;
    t = key;
    type = 0;
    n = wire_decrypt_record(&rl->suite, &t, sealed, rec_len, plain, &type);
    open_contract(n, rec_len, type, key.seq, t.seq, 1);
    sealed_contract(p, len, n, plain, type);
    /* The same record one sequence number later has another nonce: its tag no longer verifies. */
    t = key;
    t.seq++;
    if (wire_decrypt_record(&rl->suite, &t, sealed, rec_len, plain, &type) >= 0)
        abort();
    return 0;
}
