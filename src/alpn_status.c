/* Status names, and the TLS alert names (RFC 8446 §6, RFC 5246 §7.2, RFC 7301 §3.2) that alert-valued statuses use. */
#include "alpn.h"

typedef struct {
    int code;
    const char *name;
} code_name;

static const char *lookup(const code_name *t, size_t n, int code, const char *none)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].code == code)
            return t[i].name;
    }
    return none;
}

const char *alpn_strerror(int status)
{
    static const code_name names[] = {
        {ALPN_OK, "ok"},
        {ALPN_E_BUFFER, "output buffer too small"},
        {ALPN_E_ARGUMENT, "invalid argument"},
        {ALPN_E_HEADER, "ALPN header syntax error"},
        /* an alert-valued status is named by its alert */
        {ALPN_ILLEGAL_PARAMETER, NULL},
        {ALPN_DECODE_ERROR, NULL},
        {ALPN_UNSUPPORTED_EXTENSION, NULL},
        {ALPN_NO_APPLICATION_PROTOCOL, NULL},
    };
    const char *name = lookup(names, sizeof names / sizeof names[0], status, "unknown status");
    return name != NULL ? name : alpn_alert_name(status);
}

const char *alpn_alert_level_name(int level)
{
    /* RFC 5246 §7.2 / RFC 8446 §6: AlertLevel is warning(1) or fatal(2); a peer may send any byte. */
    return level == 1 ? "warning" : level == 2 ? "fatal" : "undefined-level";
}

/* TLS alert names (RFC 8446 §6, RFC 5246 §7.2, RFC 7301 §3.2). */
const char *alpn_alert_name(int code)
{
    static const code_name names[] = {
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
    return lookup(names, sizeof names / sizeof names[0], code, "unknown alert");
}
