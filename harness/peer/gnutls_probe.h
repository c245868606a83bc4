/*
 * The GnuTLS path: an ordinary GnuTLS client session (gnutls_alpn_set_protocols, a real handshake) for the checks
 * that need a complete handshake — resumption, protocols spoken after the handshake — and as a cross-check of the
 * wire engine on well-formed offers. GnuTLS 3.7.9 limits the offer to 8 names of at most 32 bytes each.
 */
#ifndef ALPN_PEER_GNUTLS_PROBE_H
#define ALPN_PEER_GNUTLS_PROBE_H

#include <stddef.h>

#include "alpn.h"
#include "exchange.h"
#include "server_probe.h"

#define GNUTLS_PROBE_MAX_NAMES 8
#define GNUTLS_PROBE_MAX_NAME  32

typedef struct {
    int error; /* no result: connect failed, timeout, or a local GnuTLS error (error_text says which) */
    char error_text[200];
    int alert;        /* fatal alert received from the server, -1 for none */
    int completed;    /* the handshake completed */
    int has_selected; /* a protocol was negotiated */
    char selected[256];
    size_t selected_len;
    int resumed;     /* the session was resumed */
    int reneg_tried; /* a TLS 1.2 renegotiation was attempted (gnutls_probe_reneg) */
    int reneg_completed;
    int reneg_alert; /* alert that ended or refused it, -1 for none */
    char reneg_error[120];
    int reneg_has_selected;
    char reneg_selected[256];
    size_t reneg_selected_len;
    int early_sent;        /* 0-RTT data went out with the ClientHello */
    int early_accepted;    /* the server accepted it (GNUTLS_SFLAGS_EARLY_DATA) */
    unsigned char app[64]; /* the first bytes the server sent after `send` (see gnutls_probe) */
    size_t app_len;
    /* In (kept by gnutls_probe): where to read the whole HTTP/1.x response head after `send`, instead of only the
     * first bytes; NULL for the first bytes alone. Out: head_len bytes read (the head and maybe some body). */
    unsigned char *head;
    size_t head_cap;
    size_t head_len;
} gnutls_observation;

/* Session data to resume with (in) or the data of the session just made (out: caller frees out->data with
 * gnutls_free). Both may be NULL. */
typedef struct {
    unsigned char *data;
    unsigned int size;
} gnutls_session_blob;

/* One handshake over TLS tls ("1.2"/"1.3") offering names[0..n). Returns 0; problems are in o. n == 0 sends no
 * ALPN. More than GNUTLS_PROBE_MAX_NAMES names or a longer name is an error in o. With send != NULL, the bytes are
 * sent after the handshake and the first bytes of the answer (until the deadline) land in o->app. */
int gnutls_probe(const server_target *t, const char *tls, const alpn_name *names, size_t n,
                 const gnutls_session_blob *resume, gnutls_session_blob *save, const void *send, size_t send_len,
                 gnutls_observation *o);

/* The same with 0-RTT: when resume is given, early data is sent with the ClientHello (TLS 1.3). */
int gnutls_probe_early(const server_target *t, const alpn_name *names, size_t n, const gnutls_session_blob *resume,
                       gnutls_session_blob *save, gnutls_observation *o);

/* A TLS 1.2 handshake offering a, then a client-initiated renegotiation offering b (RFC 5746 secure
 * renegotiation); the second selection goes to o->reneg_*. */
int gnutls_probe_reneg(const server_target *t, const alpn_name *a, const alpn_name *b, gnutls_observation *o);

/* reneg_fn of exchange.h over gnutls_probe_reneg. */
int gnutls_reneg_probe(void *ctx, const alpn_name *a, const alpn_name *b, session_observation *first,
                       session_observation *second);

/* early_fn of exchange.h: the 0-RTT sequences (SRV-0RTT-ALPN, SRV-0RTT-TICKET-FRESH, SRV-0RTT-ALPN-ADDED,
 * SRV-0RTT-ALPN-OMITTED) over GnuTLS sessions. */
int gnutls_early_probe(void *ctx, early_sequence seq, const alpn_name *a, const alpn_name *b,
                       session_observation *control, session_observation *test);

/* speak_fn of exchange.h: offers only name and speaks it (HTTP/2 preface and SETTINGS, or an HTTP/1.1 request). */
int gnutls_speak_probe(void *ctx, const char *tls, const alpn_name *name, session_observation *o);

/* altsvc_fn of exchange.h: offers only http/1.1, sends GET / and reads the answer's head (bounded by HTTP_HEAD_MAX
 * and the deadline), keeping its Alt-Svc field lines (RFC 7838 §3). */
int gnutls_altsvc_probe(void *ctx, const char *tls, altsvc_observation *o);

/* resume_fn of exchange.h over gnutls_probe: ctx is a server_target. */
int gnutls_resume_probe(void *ctx, const char *tls, const alpn_name *a, size_t na, const alpn_name *b, size_t nb,
                        session_observation *first, session_observation *second);

#endif
