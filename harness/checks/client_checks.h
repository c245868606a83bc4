/*
 * The client checks (family client of catalogue.h): alpncheck is the server. Each check is data — how the
 * server answers the client's ALPN offer — plus a pure judge of the client's reaction. The answer's bytes depend on
 * what the client offered, so they are built from the ClientHello (client_answer_build), by the peer layer when it
 * answers and again by the judge when it explains. Nothing here touches a socket or a process.
 */
#ifndef ALPN_CLIENT_CHECKS_H
#define ALPN_CLIENT_CHECKS_H

#include "checks.h"
#include "exchange.h"
#include "result.h"
#include "run.h"

typedef enum {
    CLIENT_ANSWER_VALID,           /* one offered name: the second non-GREASE one when there are several */
    CLIENT_ANSWER_UNOFFERED,       /* a name the client did not offer */
    CLIENT_ANSWER_TWO_NAMES,       /* the valid name and another */
    CLIENT_ANSWER_EMPTY_NAME,      /* 00 01 00 */
    CLIENT_ANSWER_EMPTY_LIST,      /* 00 00 */
    CLIENT_ANSWER_MALFORMED,       /* a valid one-name list, then a stray byte inside extension_data */
    CLIENT_ANSWER_UNSOLICITED,     /* ALPN although the client offered none */
    CLIENT_ANSWER_GREASE,          /* a GREASE value the client offered */
    CLIENT_ANSWER_IN_SERVER_HELLO, /* TLS 1.3: the valid answer in ServerHello instead of EncryptedExtensions */
    CLIENT_ANSWER_WITH_NPN,        /* TLS 1.2: the valid ALPN answer and an NPN answer */
    CLIENT_ANSWER_NONE,            /* no ALPN answer */
    CLIENT_ANSWER_ALERT_120,       /* fatal no_application_protocol instead of a ServerHello */
    CLIENT_ANSWER_0RTT_CHANGE,     /* TLS 1.3, second connection: resumes with 0-RTT accepted, but selects another
                                    * offered name (the first non-GREASE one) than the ticket's (the valid answer) */
} client_answer_kind;

typedef enum {
    CLIENT_EXPECT_WELLFORMED, /* inspects the offer: a strictly valid list in one extension */
    CLIENT_EXPECT_NO_H2C,     /* inspects the offer: no h2c */
    CLIENT_EXPECT_ACCEPT,     /* the client completes its side of the handshake */
    CLIENT_EXPECT_ALERT,      /* a fatal alert: expect_alert, or any when it is -1 */
    CLIENT_EXPECT_REPORT,     /* INFO: what the client did */
} client_expectation;

typedef struct {
    const char *id;
    const char *section;
    const char *ref;
    const char *title;
    level lvl;
    const char *tls; /* "1.2" or "1.3" */
    client_answer_kind answer;
    client_expectation expect;
    int expect_alert;        /* with CLIENT_EXPECT_ALERT: the alert description, -1 for any fatal alert */
    int no_alpn_offer;       /* the check needs a client that offers no ALPN (CLI-REJECT-UNSOLICITED) */
    int resumption;          /* the check takes two connections: a full handshake that issues a ticket, then a
                              * resumption with early data (CLI-0RTT-ALPN) */
    const char *skip_reason; /* non-NULL: the check does not apply to this TLS version */
} client_scenario;

extern const size_t client_check_count;
const char *client_check_id(size_t i); /* NULL past the end */

/* Builds the scenario of check id for TLS version tls. Returns 0, or -1 for an unknown ID. */
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

/* Runs the selected client checks (opt: tls, only, skip, known, progress) into r. Returns the results added. */
size_t run_client_checks(client_serve_fn serve, void *serve_ctx, const client_driver *d, const run_options *opt,
                         report *r);

#endif
