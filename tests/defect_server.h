/*
 * A small TLS server on the wire engine, for tests: it answers alpncheck's ClientHellos on 127.0.0.1 the way a
 * conforming server would — or with exactly one switchable defect. It sends just enough of a handshake for the
 * probe (TLS 1.3: ServerHello, then EncryptedExtensions and a Finished under the handshake keys; TLS 1.2:
 * ServerHello and ServerHelloDone) and no certificate: the probe judges ALPN, not authentication.
 */
#ifndef ALPN_TEST_DEFECT_SERVER_H
#define ALPN_TEST_DEFECT_SERVER_H

#include "loopback_server.h"

typedef enum {
    DEFECT_NONE = 0,
    DEFECT_FIRST_MATCH,        /* parses names until one matches; never sees later damage (CVE-2024-5535 class) */
    DEFECT_NO_ALERT,           /* no overlap: carries on without ALPN instead of alert 120 (ALPACA) */
    DEFECT_WRONG_ALERT,        /* refuses with handshake_failure (40) instead of 120 / 50 */
    DEFECT_CLIENT_PREFERENCE,  /* picks the client's first supported name */
    DEFECT_CASE_INSENSITIVE,   /* compares names ignoring ASCII case */
    DEFECT_PREFIX_MATCH,       /* a name matches when one is a prefix of the other */
    DEFECT_C_STRING,           /* compares names as C strings: stops at NUL */
    DEFECT_SELECT_GREASE,      /* treats GREASE values as supported */
    DEFECT_ECHO_FIRST,         /* selects the client's first name, known or not */
    DEFECT_ALPN_IN_SH,         /* TLS 1.3: puts the ALPN answer in ServerHello */
    DEFECT_UNSOLICITED,        /* answers h2 when the client offered no ALPN */
    DEFECT_TWO_NAMES,          /* answers with two names */
    DEFECT_IGNORE_DUPLICATE,   /* accepts a ClientHello with two ALPN extensions */
    DEFECT_H2C,                /* selects h2c when offered */
    DEFECT_NPN_TOO,            /* TLS 1.2: answers NPN as well as ALPN */
    DEFECT_STALL_ON_NO_OVERLAP, /* no overlap: neither alert nor answer, just silence */
} defect;

/* Starts a server supporting h2 then http/1.1 (server preference) with the defect, on a free loopback port
 * (loopback_server_port); stop it with loopback_server_stop. Returns NULL on failure. */
loopback_server *defect_server_start(defect d);

#endif
