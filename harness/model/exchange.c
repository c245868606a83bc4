/* The shared exchange model: names and initial values. */
#include "exchange.h"

#include <string.h>

const char *where_name(alpn_where w)
{
    switch (w) {
    case WHERE_NONE:
        return "nowhere";
    case WHERE_SERVER_HELLO:
        return "ServerHello";
    case WHERE_ENCRYPTED_EXTENSIONS:
        return "EncryptedExtensions";
    case WHERE_HELLO_RETRY_REQUEST:
        return "HelloRetryRequest";
    case WHERE_OTHER:
        return "another handshake message";
    }
    return "?";
}

void observation_init(observation *o)
{
    memset(o, 0, sizeof *o);
    o->alert = -1;
    o->client_exit = -1;
}
