/* The GnuTLS path: one ordinary GnuTLS client handshake. */
#include "gnutls_probe.h"

#include <gnutls/gnutls.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int initialised;

int gnutls_probe(const server_target *t, const char *tls, const alpn_name *names, size_t n,
                 const gnutls_session_blob *resume, gnutls_session_blob *save, gnutls_observation *o)
{
    memset(o, 0, sizeof *o);
    o->alert = -1;
    if (n > GNUTLS_PROBE_MAX_NAMES) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "GnuTLS offers at most %d names", GNUTLS_PROBE_MAX_NAMES);
        return 0;
    }
    gnutls_datum_t protos[GNUTLS_PROBE_MAX_NAMES];
    for (size_t i = 0; i < n; i++) {
        if (names[i].len == 0 || names[i].len > GNUTLS_PROBE_MAX_NAME) {
            o->error = 1;
            snprintf(o->error_text, sizeof o->error_text, "GnuTLS offers names of 1 to %d bytes only",
                     GNUTLS_PROBE_MAX_NAME);
            return 0;
        }
        protos[i] = (gnutls_datum_t){(unsigned char *)names[i].data, (unsigned)names[i].len};
    }
    if (!initialised) {
        gnutls_global_init();
        initialised = 1;
    }

    double deadline = probe_now_ms() + t->timeout_ms;
    int fd = probe_dial(t, deadline, o->error_text, sizeof o->error_text);
    if (fd < 0) {
        o->error = 1;
        return 0;
    }
    gnutls_session_t s = NULL;
    gnutls_certificate_credentials_t cred = NULL;
    /* No certificate verification: the checks judge ALPN, and test servers use throw-away certificates. */
    const char *prio = strcmp(tls, "1.2") == 0 ? "NORMAL:-VERS-ALL:+VERS-TLS1.2" : "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    int rc = gnutls_certificate_allocate_credentials(&cred);
    if (rc >= 0)
        rc = gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
    if (rc >= 0)
        rc = gnutls_priority_set_direct(s, prio, NULL);
    if (rc >= 0)
        rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    if (rc >= 0 && t->sni[0])
        rc = gnutls_server_name_set(s, GNUTLS_NAME_DNS, t->sni, strlen(t->sni));
    if (rc >= 0 && n > 0)
        rc = gnutls_alpn_set_protocols(s, protos, (unsigned)n, 0);
    if (rc >= 0 && resume != NULL && resume->data != NULL)
        rc = gnutls_session_set_data(s, resume->data, resume->size);
    if (rc < 0) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "GnuTLS set-up: %s", gnutls_strerror(rc));
        goto done;
    }
    gnutls_transport_set_int(s, fd);
    /* The socket is non-blocking: GnuTLS's own timeout bounds the handshake. */
    gnutls_handshake_set_timeout(s, (unsigned)t->timeout_ms);
    do {
        rc = gnutls_handshake(s);
    } while (rc < 0 && !gnutls_error_is_fatal(rc) && probe_now_ms() < deadline);
    if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
        o->alert = (int)gnutls_alert_get(s);
        goto done;
    }
    if (rc < 0) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "GnuTLS handshake: %s", gnutls_strerror(rc));
        goto done;
    }
    o->completed = 1;
    o->resumed = gnutls_session_is_resumed(s) != 0;
    gnutls_datum_t sel;
    if (gnutls_alpn_get_selected_protocol(s, &sel) == 0 && sel.size < sizeof o->selected) {
        o->has_selected = 1;
        memcpy(o->selected, sel.data, sel.size);
        o->selected_len = sel.size;
    }
    if (save != NULL) {
        /* TLS 1.3 tickets arrive after the handshake: read briefly so that GnuTLS processes them. */
        char buf[256];
        double until = probe_now_ms() + (t->timeout_ms < 300 ? t->timeout_ms : 300);
        while (probe_now_ms() < until) {
            int r = (int)gnutls_record_recv(s, buf, sizeof buf);
            if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED)
                break;
            usleep(10000);
        }
        gnutls_datum_t d = {NULL, 0};
        if (gnutls_session_get_data2(s, &d) == 0) {
            save->data = d.data;
            save->size = d.size;
        }
    }
done:
    if (s != NULL)
        gnutls_deinit(s);
    if (cred != NULL)
        gnutls_certificate_free_credentials(cred);
    close(fd);
    return 0;
}

static void to_session(const gnutls_observation *g, session_observation *o)
{
    memset(o, 0, sizeof *o);
    o->error = g->error;
    snprintf(o->error_text, sizeof o->error_text, "%s", g->error_text);
    o->alert = g->alert;
    o->completed = g->completed;
    o->resumed = g->resumed;
    o->has_selected = g->has_selected && g->selected_len <= sizeof o->selected;
    if (o->has_selected) {
        memcpy(o->selected, g->selected, g->selected_len);
        o->selected_len = g->selected_len;
    }
}

int gnutls_resume_probe(void *ctx, const char *tls, const alpn_name *a, size_t na, const alpn_name *b, size_t nb,
                        session_observation *first, session_observation *second)
{
    const server_target *t = ctx;
    static gnutls_observation g;
    gnutls_session_blob blob = {NULL, 0};
    gnutls_probe(t, tls, a, na, NULL, &blob, &g);
    to_session(&g, first);
    if (blob.data == NULL) {
        /* Without session data there is nothing to resume: the second handshake is a plain full one. */
        gnutls_probe(t, tls, b, nb, NULL, NULL, &g);
    } else {
        gnutls_probe(t, tls, b, nb, &blob, NULL, &g);
        gnutls_free(blob.data);
    }
    to_session(&g, second);
    return 0;
}
