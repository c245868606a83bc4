/* The shared exchange model: names and initial values. */
#include "exchange.h"

#include <string.h>

const char *where_name(alpn_where w)
{
    static const char *const names[] = {
        [WHERE_NONE] = "nowhere",
        [WHERE_SERVER_HELLO] = "ServerHello",
        [WHERE_ENCRYPTED_EXTENSIONS] = "EncryptedExtensions",
        [WHERE_HELLO_RETRY_REQUEST] = "HelloRetryRequest",
        [WHERE_OTHER] = "another handshake message",
    };
    return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "?";
}

void observation_init(observation *o)
{
    memset(o, 0, sizeof *o);
    o->alert = -1;
    o->client_exit = -1;
}

void proxy_observation_init(proxy_observation *o)
{
    memset(o, 0, sizeof *o);
}
