/*
 * HTTP/1.1 message heads around a CONNECT tunnel (RFC 9110 §9.3.6, RFC 9112): the request alpncheck sends to a proxy
 * and the proxy's answer, and the request a client sends when alpncheck is the proxy. Pure and bounded: the caller
 * hands in the bytes read so far, and learns whether the head is complete, how long it is, and what it says. A peer's
 * head is hostile data: nothing here reads past len, and every length is checked before it is used.
 */
#ifndef ALPN_HTTP_HEAD_H
#define ALPN_HTTP_HEAD_H

#include <stddef.h>
#include <stdint.h>

/* The most alpncheck reads of one head: proxies answer a CONNECT with a few hundred bytes; an answer longer than
 * this is an error of the peer, not a head to keep waiting for. */
#define HTTP_HEAD_MAX 16384

typedef enum {
    HTTP_HEAD_INCOMPLETE = 0, /* no end of the head yet: read more (while len < HTTP_HEAD_MAX) */
    HTTP_HEAD_COMPLETE = 1,
    HTTP_HEAD_MALFORMED = -1, /* not an HTTP/1.x head: what and where in error, error_at */
    HTTP_HEAD_TOO_LONG = -2,  /* no end within HTTP_HEAD_MAX bytes */
} http_head_status;

/* A field line of a head: pointers into the caller's bytes. */
typedef struct {
    const uint8_t *name, *value;
    size_t name_len, value_len; /* the value without leading and trailing whitespace */
} http_field;

#define HTTP_FIELDS_MAX 64

typedef struct {
    size_t head_len; /* bytes of the head, its closing empty line included: what follows belongs to the tunnel */
    /* A response's status line (RFC 9112 §4). */
    int status;              /* 100 to 599 */
    const uint8_t *reason;   /* the reason phrase, possibly empty */
    size_t reason_len;
    /* A request's request line (RFC 9112 §3): the method and request-target. */
    const uint8_t *method, *target;
    size_t method_len, target_len;
    http_field fields[HTTP_FIELDS_MAX];
    size_t n_fields;      /* fields kept (at most HTTP_FIELDS_MAX) */
    size_t fields_seen;   /* all field lines, kept or not */
    const char *error;    /* with HTTP_HEAD_MALFORMED: what is wrong */
    size_t error_at;      /* and the offset of the offending byte */
} http_head;

/* Parses a response head (status line and fields) from p[0..len). */
http_head_status http_parse_response(const uint8_t *p, size_t len, http_head *h);
/* Parses a request head (request line and fields) from p[0..len). */
http_head_status http_parse_request(const uint8_t *p, size_t len, http_head *h);

/* The fields named name (ASCII case-insensitive, RFC 9110 §5.1), one after the other: start with *i = 0; returns the
 * next one, or NULL when there is none. */
const http_field *http_field_next(const http_head *h, const char *name, size_t *i);

/* Writes "CONNECT authority HTTP/1.1" with Host and, when alpn is not NULL, "ALPN: alpn" (RFC 7639 §2) into out.
 * Returns the length, or 0 when it does not fit or authority/alpn hold CR, LF or NUL (they would split the head). */
size_t http_connect_request(char *out, size_t cap, const char *authority, const char *alpn);

#endif
