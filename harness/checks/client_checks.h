/*
 * The client checks (family client of catalogue.h): alpncheck is the server. Each catalogue row says how the
 * server answers the client's ALPN offer (client_answer_kind) and what the client must do (client_expectation, with
 * the alert); client_answer_build and client_judge, pure functions, interpret them. The answer's bytes depend on what
 * the client offered, so they are built from the ClientHello (client_answer_build), by the peer layer when it answers
 * and again by the judge when it explains. Nothing here touches a socket or a process.
 */
#ifndef ALPN_CLIENT_CHECKS_H
#define ALPN_CLIENT_CHECKS_H

#include "checks.h"
#include "exchange.h"
#include "result.h"
#include "run.h"

typedef struct {
    const check_entry *row;
    const char *id;
    const char *tls; /* "1.2" or "1.3" */
    client_answer_kind answer;
    client_expectation expect;
    int expect_alert;        /* with CLIENT_EXPECT_ALERT: the alert description, -1 for any fatal alert */
    int expect_alert_also;   /* another description that passes too; 0 for none */
    int no_alpn_offer;       /* the check needs a client that offers no ALPN (CLI-REJECT-UNSOLICITED) */
    int resumption;          /* the check takes two connections: a full handshake that issues a ticket, then a
                              * resumption with early data (CLI-0RTT-ALPN, CLI-0RTT-ALPN-ADDED) */
    int ticket_no_alpn;      /* with resumption: the first connection is answered without ALPN */
    const char *skip_reason; /* non-NULL: the check does not apply to this TLS version */
} client_scenario;

/* The client rows in catalogue order (the order they run in): client_check_id(i) for i < client_check_count(). */
size_t client_check_count(void);
const char *client_check_id(size_t i); /* NULL past the end */

/* Builds the scenario of client row c for TLS version tls from the row's answer, expectation and alert. Returns 0,
 * or -1 when c is no client row. */
int client_scenario_of(client_scenario *s, const check_entry *c, const char *tls);
/* The same over a transport (CHECK_TRANSPORT_TCP or CHECK_TRANSPORT_QUIC): a row for another transport gets its
 * reason (check_transport_skip) as skip_reason. client_scenario_of is this over TCP. */
int client_scenario_over(client_scenario *s, const check_entry *c, const char *tls, unsigned transport);
/* The same, by ID: -1 also for an unknown ID. */
int client_scenario_build(client_scenario *s, const char *id, const char *tls);

/* Checks that every ID in a comma-separated list is a client check. 0, or -1 with the unknown ID in err. */
int validate_client_id_list(const char *list, char *err, size_t err_cap);

/* The answer to an offer (extension_data offer[0..offer_len) of the first of offer_count ALPN extensions). Pure. */
void client_answer_build(const client_scenario *s, const uint8_t *offer, size_t offer_len, unsigned offer_count,
                         int offer_npn, client_answer *a);

/* Turns an observation of the client into a result. Pure. */
void client_judge(const client_scenario *s, const observation *o, result *out);

/* ---- running ------------------------------------------------------------------------------------------------ */

/* How many client checks opt's --only/--skip select (per TLS version). */
size_t client_checks_selected(const run_options *opt);

/* The request the peer layer plays for a scenario: its answer and the valid answer are built by client_answer_build
 * from s and valid (s with the answer CLIENT_ANSWER_VALID); both must outlive the request. */
void client_request_of(const client_scenario *s, const client_scenario *valid, client_request *r);

/* Runs the selected client checks (opt: tls, transport, only, skip, known, progress) into r. Returns the results added. */
size_t run_client_checks(client_serve_fn serve, void *serve_ctx, const client_driver *d, const run_options *opt,
                         report *r);

#endif
