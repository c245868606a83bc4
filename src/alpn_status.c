/* Status names, and the TLS alert names (RFC 8446 §6, RFC 5246 §7.2, RFC 7301 §3.2) that alert-valued statuses use. */
#include "alpn.h"

const char *alpn_strerror(int status)
{
    switch (status) {
    case ALPN_OK:
        return "ok";
    case ALPN_E_BUFFER:
        return "output buffer too small";
    case ALPN_E_ARGUMENT:
        return "invalid argument";
    case ALPN_E_HEADER:
        return "ALPN header syntax error";
    case ALPN_ILLEGAL_PARAMETER:
    case ALPN_DECODE_ERROR:
    case ALPN_UNSUPPORTED_EXTENSION:
    case ALPN_NO_APPLICATION_PROTOCOL:
        return alpn_alert_name(status); /* an alert-valued status is named by its alert */
    default:
        return "unknown status";
    }
}

/* TLS alert names (RFC 8446 §6, RFC 5246 §7.2, RFC 7301 §3.2). */
const char *alpn_alert_name(int code)
{
    static const struct {
        int code;
        const char *name;
    } names[] = {
        {0, "close_notify"},
        {10, "unexpected_message"},
        {20, "bad_record_mac"},
        {21, "decryption_failed"},
        {22, "record_overflow"},
        {40, "handshake_failure"},
        {42, "bad_certificate"},
        {43, "unsupported_certificate"},
        {44, "certificate_revoked"},
        {45, "certificate_expired"},
        {46, "certificate_unknown"},
        {47, "illegal_parameter"},
        {48, "unknown_ca"},
        {49, "access_denied"},
        {50, "decode_error"},
        {51, "decrypt_error"},
        {70, "protocol_version"},
        {71, "insufficient_security"},
        {80, "internal_error"},
        {86, "inappropriate_fallback"},
        {90, "user_canceled"},
        {100, "no_renegotiation"},
        {109, "missing_extension"},
        {110, "unsupported_extension"},
        {112, "unrecognized_name"},
        {113, "bad_certificate_status_response"},
        {115, "unknown_psk_identity"},
        {116, "certificate_required"},
        {120, "no_application_protocol"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (names[i].code == code)
            return names[i].name;
    }
    return "unknown alert";
}
