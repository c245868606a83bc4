/* ProtocolNameList as a client offers it (ClientHello). Oracle in list_oracle.h: what validates iterates to the
 * validated count and re-encodes to the same bytes; a rejection names its rule. */
#include "list_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    list_oracle(data, size, ALPN_ROLE_CLIENT);
    return 0;
}
