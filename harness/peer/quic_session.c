/* The session checks over QUIC (issue 16): whole QUIC connections that keep the server's ticket, resume with it and
 * send 0-RTT, as the GnuTLS path plays them over TCP (gnutls_probe.c), with the same observations for the same
 * judges. The QUIC client connection (harness/wire/quic_client.h) does the work; this file keeps the tickets, their
 * age and the transport parameters that came with them, and says what the server did. */
#include <stdio.h>
#include <string.h>

#include "quic_probe.h"

/* How long a complete connection waits for the server's NewSessionTicket and HANDSHAKE_DONE: servers send both right
 * after our Finished, so this only bounds the wait for a server that issues none. */
#define QUIC_TICKET_WAIT_MS 1000

/* A ticket as the client keeps it: the TLS ticket, when it came, and the server's transport parameters of that
 * connection (RFC 9000 §7.4.1: remembered for 0-RTT). */
typedef struct {
    int have;
    wire_client_ticket tls;
    quic_tp tp;
    double at;
    char no_early[OBS_TEXT_MAX]; /* with a ticket that allows no 0-RTT: why (no early_data, RFC 9001 §4.6.1) */
} quic_ticket;

/* The selected protocol of an ALPN answer (extension_data: a ProtocolNameList of exactly one name, RFC 7301 §3.1).
 * 0 (none, or one name into o), or -1 when the answer is not one name. */
static int selected_name(const wire_client_conn *cl, session_observation *o)
{
    const uint8_t *d = cl->alpn.data;
    size_t len = cl->alpn.len;
    if (cl->alpn.count == 0)
        return 0;
    if (cl->alpn.count != 1 || len < 3 || len > WIRE_ALPN_KEEP || ((size_t)d[0] << 8 | d[1]) != len - 2 ||
        d[2] != len - 3 || d[2] == 0 || len - 3 > sizeof o->selected)
        return -1;
    o->has_selected = 1;
    o->selected_len = len - 3;
    memcpy(o->selected, d + 3, o->selected_len);
    return 0;
}

/* What one connection showed, as a session observation: how it ended (a TLS alert travels as CONNECTION_CLOSE 0x1c
 * with crypto error 0x0100 + alert, RFC 9001 §4.8), resumption, early data, the selection, and the client's note. */
static void observe_session(const quic_client *q, int state, const char *err, session_observation *o)
{
    memset(o, 0, sizeof *o);
    o->alert = -1;
    o->completed = q->complete;
    o->resumed = q->tls.resumed;
    o->early_sent = q->early_sent;
    o->early_accepted = q->tls.early_accepted;
    if (state == QUIC_CLIENT_CLOSED && q->close.frame == QUIC_FRAME_CLOSE && q->close.code >= 0x100 &&
        q->close.code <= 0x1ff) {
        o->alert = (int)(q->close.code - 0x100);
    } else if (state == QUIC_CLIENT_CLOSED && !q->complete) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "CONNECTION_CLOSE (frame 0x%llx) with code 0x%llx",
                 (unsigned long long)q->close.frame, (unsigned long long)q->close.code);
    } else if (state < 0) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "%s", err);
    }
    if (selected_name(&q->tls, o) != 0 && !o->error) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "the server's ALPN answer is not one protocol name");
    }
    snprintf(o->note, sizeof o->note, "%s", q->note[0] ? q->note : q->tls.ticket_error);
    /* Early data accepted in TLS, but the 0-RTT packet never acknowledged: worth saying (RFC 9001 §4.6.1). */
    if (o->early_accepted && !q->early_acked && o->note[0] == '\0')
        snprintf(o->note, sizeof o->note, "the server accepted early data but acknowledged no 0-RTT packet");
}

/* One whole connection offering offer (NULL: no ALPN), resuming with resume when it holds a ticket (with 0-RTT when
 * early and the ticket allows it, RFC 8446 §4.2.10), keeping the server's ticket in save (may be NULL). */
static void session(quic_target *qt, const alpn_name *offer, const quic_ticket *resume, int early, quic_ticket *save,
                    session_observation *o)
{
    uint8_t ext[3 + 255];
    wire_client_params p = {.version = WIRE_TLS13, .sni = qt->t.sni, .send_alpn = offer != NULL};
    if (offer != NULL && offer->len >= 1 && offer->len <= 255) {
        ext[0] = 0;
        ext[1] = (uint8_t)(offer->len + 1);
        ext[2] = (uint8_t)offer->len;
        memcpy(ext + 3, offer->data, offer->len);
        p.alpn = ext;
        p.alpn_len = offer->len + 3;
    }
    if (resume != NULL && resume->have) {
        p.resume = &resume->tls;
        p.resume_age_ms = (uint32_t)(probe_now_ms() - resume->at);
        p.early_data = early && resume->tls.early_data;
    }
    if (save != NULL)
        save->have = 0;
    char err[OBS_TEXT_MAX] = "";
    if (probe_run_over(&qt->t.run, err, sizeof err)) {
        observe_session(&qt->conn, -1, err, o);
        return;
    }
    int timeout = probe_left_ms(probe_conn_deadline(&qt->t.run, qt->t.timeout_ms));
    quic_client *q = &qt->conn;
    int state = quic_session_probe(qt->t.host, qt->t.port, qt->version, &p, p.resume ? &resume->tp : NULL, timeout,
                                   QUIC_TICKET_WAIT_MS, q, err, sizeof err);
    observe_session(q, state, err, o);
    if (save != NULL && q->tls.tickets > 0) {
        save->have = 1;
        save->tls = q->tls.ticket;
        save->tp = q->server_params;
        save->at = probe_now_ms();
    }
}

/* Says on o why a connection that should have brought a ticket did not (unless it failed anyway). */
static void note_no_ticket(session_observation *o)
{
    if (!o->error && o->note[0] == '\0')
        snprintf(o->note, sizeof o->note, "the server issued no session ticket within %d ms after the handshake",
                 QUIC_TICKET_WAIT_MS);
}

int quic_resume_probe(void *ctx, const char *tls, const alpn_name *a, size_t na, const alpn_name *b, size_t nb,
                      session_observation *first, session_observation *second)
{
    (void)tls; /* QUIC is TLS 1.3 (RFC 9001 §4.2) */
    quic_target *qt = ctx;
    quic_ticket ticket;
    session(qt, na > 0 ? a : NULL, NULL, 0, &ticket, first);
    /* Without a ticket the second connection is a full handshake, and the judge sees no resumption. */
    session(qt, nb > 0 ? b : NULL, &ticket, 0, NULL, second);
    if (!ticket.have)
        note_no_ticket(second);
    return 0;
}

/* The 0-RTT sequences' path over QUIC connections: the target and two tickets. */
typedef struct {
    quic_target *qt;
    quic_ticket slot[2];
} early_tickets;

/* early_path.fresh: a whole connection offering name that keeps its ticket. A ticket that allows no 0-RTT keeps the
 * server's reason for the 0-RTT connection on it; no ticket is a note, so that the judge SKIPs with it. */
static int fresh_ticket(void *ctx, int slot, const alpn_name *name, session_observation *o)
{
    early_tickets *e = ctx;
    quic_ticket *t = &e->slot[slot];
    session(e->qt, name, NULL, 0, t, o);
    if (t->have && !t->tls.early_data)
        snprintf(t->no_early, sizeof t->no_early, "%s",
                 o->note[0] ? o->note : "the server's ticket allows no 0-RTT (no early_data extension)");
    if (!t->have)
        note_no_ticket(o);
    return t->have ? 0 : -1;
}

/* early_path.renew: a resumption offering name without 0-RTT that keeps the new ticket. */
static int renew_ticket(void *ctx, int slot, const alpn_name *name, int next, session_observation *o)
{
    early_tickets *e = ctx;
    session(e->qt, name, &e->slot[slot], 0, &e->slot[next], o);
    return e->slot[next].have ? 0 : -1;
}

/* early_path.early: 0-RTT on the slot's ticket offering name; a ticket that allows none resumes without it, and the
 * observation says why. */
static void early_on(void *ctx, int slot, const alpn_name *name, session_observation *o)
{
    early_tickets *e = ctx;
    const quic_ticket *t = &e->slot[slot];
    session(e->qt, name, t, 1, NULL, o);
    if (!t->tls.early_data && o->note[0] == '\0')
        snprintf(o->note, sizeof o->note, "%s", t->no_early);
}

int quic_early_probe(void *ctx, early_sequence seq, const alpn_name *a, const alpn_name *b,
                     session_observation *control, session_observation *test)
{
    static const early_path quic_path = {fresh_ticket, early_on, renew_ticket};
    early_tickets e = {.qt = ctx};
    return early_play(&quic_path, &e, seq, a, b, control, test);
}
