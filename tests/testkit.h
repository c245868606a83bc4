/*
 * What many tests do the same way: capture what a writer prints, parse the usual server profile, and point a target at
 * a server on loopback. Failures are Criterion assertions in the calling test.
 */
#ifndef ALPN_TEST_TESTKIT_H
#define ALPN_TEST_TESTKIT_H

#include <stddef.h>
#include <stdio.h>

#include "alpn.h"
#include "checks.h"
#include "server_probe.h"

/* Output written to a FILE in memory: tk_capture_open gives the FILE to write to, tk_capture_take closes it and
 * returns the text written (NUL-terminated; the caller frees it), its length in c->len. */
typedef struct {
    char *text;
    size_t len;
    FILE *f;
} tk_capture;

FILE *tk_capture_open(tk_capture *c);
char *tk_capture_take(tk_capture *c);

/* How often needle occurs in text (overlapping occurrences counted). */
size_t tk_count(const char *text, const char *needle);

/* The expected verdicts of a defect test (test_defects, test_client_checks): a NULL-terminated list of at most max
 * entries "ID=VERDICT" (both TLS versions) or "ID@1.3=VERDICT" (one). tk_expected_verdict gives the verdict the list
 * names for the result of id over tls, or NULL; tk_expected_results how many results the list names (two for an
 * entry without a version, one for an entry with one). */
const char *tk_expected_verdict(const char *const *expect, size_t max, const char *id, const char *tls);
size_t tk_expected_results(const char *const *expect, size_t max);

/* Parses a profile such as "h2,http/1.1" (asserting that it parses). */
void tk_profile(profile *p, const char *csv);

/* A loopback port the kernel has free now, for socktype SOCK_STREAM (TCP) or SOCK_DGRAM (UDP): bound, read back and
 * released, for a peer the test starts next. */
int tk_free_port(int socktype);

/* A target at 127.0.0.1:port with this deadline per connection, and no SNI. */
void tk_loopback_target(server_target *t, int port, int timeout_ms);

/* The failure a libalpn parser reported in err is the one a table case expects: check at offset (name: the case,
 * in the messages). The status is the caller's to check: the tables expect different ones. */
void tk_expect_error_at(const char *name, const alpn_error *err, const char *check, size_t offset);

#endif
