/*
 * The check catalogue: one row per check ID that alpncheck or libalpn can report, with the facts every consumer
 * shares — level, RFC clause, the section heading reports group it under, its one-line title, where it applies and
 * what it is about. The server and client judges take level, clause, section and title from here; `alpncheck
 * checks` lists the rows and docs/CHECKS.md is generated from them. IDs are never renamed or reused.
 */
#ifndef ALPN_CATALOGUE_H
#define ALPN_CATALOGUE_H

#include <stddef.h>

#include "result.h"

/* Who is under test: a TLS server (alpncheck is the client), a TLS client (alpncheck is the server), or the text of
 * an HTTP ALPN header field (RFC 7639; libalpn's header parser and formatter). */
typedef enum { CHECK_FAMILY_SERVER = 0, CHECK_FAMILY_CLIENT, CHECK_FAMILY_HEADER, CHECK_FAMILY_COUNT } check_family;

/* The TLS versions a check runs over (a bit mask; 0 for checks of HTTP header text). A check run over another
 * version is reported as SKIP. */
enum {
    CHECK_TLS10 = 1u << 0,
    CHECK_TLS11 = 1u << 1,
    CHECK_TLS12 = 1u << 2,
    CHECK_TLS13 = 1u << 3,
};
#define CHECK_TLS12_13 (CHECK_TLS12 | CHECK_TLS13)

/* The transports a check runs over (a bit mask; 0 for checks of HTTP header text). Only TCP today; QUIC (RFC 9001
 * §8.1) gets the next bit. */
enum { CHECK_TRANSPORT_TCP = 1u << 0 };

typedef struct {
    const char *id; /* "SRV-SELECT-OFFERED" */
    check_family family;
    level lvl;               /* the strongest keyword behind the requirement */
    const char *ref;         /* RFC clause, e.g. "7301 §3.1–3.2" (the RFC numbers, without "RFC") */
    const char *section;     /* the heading reports group the check under */
    const char *title;       /* one line, as reports print it */
    unsigned tls;            /* CHECK_TLS* bits */
    unsigned transport;      /* CHECK_TRANSPORT_* bits */
    const char *description; /* what is sent or inspected, what is expected, and why: a few sentences */
} check_entry;

/* Every row, grouped by family, then by section. */
extern const check_entry check_catalogue[];
extern const size_t check_catalogue_count;

/* The row of id, or NULL when no check has that ID. */
const check_entry *check_find(const char *id);

/* The row of an ID the code itself defines. A missing row is a bug that test_catalogue catches; rather than hand
 * back NULL to a renderer, it returns a row whose texts say "unknown check". */
const check_entry *check_get(const char *id);

/* "server", "client", "header"; and back (-1 for another name). */
const char *check_family_name(check_family f);
int check_family_parse(const char *name);

/* The CHECK_TLS* bit of a version string ("1.0" to "1.3"), 0 for anything else. */
unsigned check_tls_bit(const char *tls);

/* The versions of a mask as "1.2, 1.3" (empty for 0). */
void check_tls_text(unsigned tls, char *buf, size_t cap);

/* Where a row applies, for a person: "TLS 1.2, 1.3 over TCP", or "HTTP header field" for header checks. */
void check_applies_text(const check_entry *c, char *buf, size_t cap);

#endif
