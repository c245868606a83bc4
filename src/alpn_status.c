/* Status names: the TLS alert names of RFC 8446 §6 / RFC 7301 §3.2 for alert-valued codes. */
#include "alpn.h"

const char *alpn_strerror(int status)
{
    switch (status) {
    case ALPN_OK:
        return "ok";
    case ALPN_ILLEGAL_PARAMETER:
        return "illegal_parameter";
    case ALPN_DECODE_ERROR:
        return "decode_error";
    case ALPN_UNSUPPORTED_EXTENSION:
        return "unsupported_extension";
    case ALPN_NO_APPLICATION_PROTOCOL:
        return "no_application_protocol";
    case ALPN_E_BUFFER:
        return "output buffer too small";
    case ALPN_E_ARGUMENT:
        return "invalid argument";
    case ALPN_E_HEADER:
        return "ALPN header syntax error";
    default:
        return "unknown status";
    }
}
