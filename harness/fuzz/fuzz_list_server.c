/* ProtocolNameList as a server answers it (ServerHello / EncryptedExtensions: exactly one name). Oracle in
 * list_oracle.h, plus: the answer validates in the server role exactly when it is a one-name client list. */
#include "list_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    list_oracle(data, size, ALPN_ROLE_SERVER);
    size_t count = 0;
    int as_server = alpn_list_validate(data, size, ALPN_ROLE_SERVER, NULL, NULL) == ALPN_OK;
    int as_client = alpn_list_validate(data, size, ALPN_ROLE_CLIENT, &count, NULL) == ALPN_OK;
    if (as_server != (as_client && count == 1))
        abort();
    return 0;
}
