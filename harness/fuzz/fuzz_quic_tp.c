/* The quic_transport_parameters parser (harness/wire/quic_tp.c): the first byte says whether a server sent them,
 * the rest is the extension_data. Oracles: a refusal says why; what parses has each connection ID within 20 bytes
 * and no more parameters than the bound or than the input can hold; and building the parameters read, then parsing
 * that, gives the same parameters back (preferred_address, which is only checked, and unknown IDs aside): the same
 * integers, the three connection IDs byte for byte, the same stateless_reset_token, and a count of exactly the known
 * parameters kept. */
#include <stdlib.h>
#include <string.h>

#include "quic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t rebuilt[4096];

static size_t bits_set(uint32_t v)
{
    size_t n = 0;
    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int from_server = data[0] & 1;
    quic_tp tp, back;
    char err[QUIC_ERROR_MAX];
    if (quic_tp_parse(data + 1, size - 1, from_server, &tp, err) != 0) {
        if (err[0] == '\0')
            abort();
        return 0;
    }
    if (tp.count > QUIC_TP_MAX_PARAMS || tp.count > (size - 1) / 2 || tp.original_dcid_len > QUIC_CID_MAX ||
        tp.initial_scid_len > QUIC_CID_MAX || tp.retry_scid_len > QUIC_CID_MAX)
        abort();
    wire_wr w;
    wire_wr_init(&w, rebuilt, sizeof rebuilt);
    if (quic_tp_build(&w, &tp) != 0 || quic_tp_parse(rebuilt, w.len, from_server, &back, err) != 0)
        abort();
    uint32_t kept = tp.present & ~(1u << QUIC_TP_PREFERRED_ADDRESS);
    if (back.present != kept || memcmp(back.value, tp.value, sizeof tp.value) != 0 ||
        back.initial_scid_len != tp.initial_scid_len ||
        memcmp(back.initial_scid, tp.initial_scid, tp.initial_scid_len) != 0 ||
        back.original_dcid_len != tp.original_dcid_len ||
        memcmp(back.original_dcid, tp.original_dcid, tp.original_dcid_len) != 0 ||
        back.retry_scid_len != tp.retry_scid_len || memcmp(back.retry_scid, tp.retry_scid, tp.retry_scid_len) != 0 ||
        memcmp(back.stateless_reset_token, tp.stateless_reset_token, 16) != 0)
        abort();
    /* The rebuilt parameters are exactly the known ones kept, one each; the input had those and perhaps unknown IDs. */
    if (back.count != bits_set(kept) || tp.count < bits_set(tp.present))
        abort();
    return 0;
}
