/*
 * The proxy checks (family proxy of catalogue.h): alpncheck sends CONNECT through the proxy under test to a target
 * it listens on itself, with the ALPN field each row names (RFC 7639 §2), and judges whether the tunnel opened and
 * relayed bytes unchanged. Pure: connections go through a proxy_fn callback of the peer layer.
 */
#ifndef ALPN_PROXY_CHECKS_H
#define ALPN_PROXY_CHECKS_H

#include "catalogue.h"
#include "exchange.h"
#include "result.h"
#include "run.h"

/* Checks that every ID in a comma-separated list is a proxy check. 0, or -1 with the unknown ID in err. */
int validate_proxy_id_list(const char *list, char *err, size_t err_cap);

/* The request of proxy row c. */
void proxy_request_of(const check_entry *c, proxy_request *r);

/* Turns what one CONNECT showed into the result of row c. Pure. */
void proxy_judge(const check_entry *c, const proxy_observation *o, result *out);

/* Runs the selected proxy checks (opt: only, skip, known, progress) into r, the baseline first: when the proxy
 * refuses a CONNECT without an ALPN field, or cannot be reached, no other check can say anything, and they are ERROR
 * with that reason. Returns the results added; *baseline_refused tells the caller the run tested nothing it could
 * judge. */
size_t run_proxy_checks(proxy_fn probe, void *ctx, const run_options *opt, report *r, int *baseline_refused);

#endif
