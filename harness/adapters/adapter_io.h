/*
 * The adapter side of the vector line protocol (vectors/FORMAT.md): bounded request lines from stdin, fields, hex,
 * and the response line. Shared by the alpn-adapter-* programs; never reads past its buffers, whatever arrives.
 */
#ifndef ALPN_ADAPTER_IO_H
#define ALPN_ADAPTER_IO_H

#include <stddef.h>
#include <stdint.h>

#define ADAPTER_LINE_MAX   300000u /* longest request line of the protocol, newline excluded */
#define ADAPTER_FIELDS_MAX 8

/* One request: the line split at single spaces. field[0] is the request type ("select", ...), field[1] the tcId. */
typedef struct {
    char *field[ADAPTER_FIELDS_MAX];
    size_t n;
} adapter_request;

/* Reads the next request line into buf (cap > ADAPTER_LINE_MAX) and splits it. Returns 1 for a request, 0 at end
 * of input or `quit`, -1 for a line over ADAPTER_LINE_MAX (consumed and discarded) or one with too many fields. */
int adapter_next(char *buf, size_t cap, adapter_request *req);

/* Decodes a hex field ('-' = no bytes; either case) into out. Returns the length, or -1 for bad hex or overflow. */
long adapter_hex(const char *hex, uint8_t *out, size_t cap);

/* Prints the handshake line `alpncheck-adapter 1 NAME FAMILIES` and flushes. */
void adapter_hello(const char *name, const char *families);

/* Responses; each ends the line and flushes. */
void adapter_ok_names(const uint8_t *const *names, const size_t *lens, size_t n);
void adapter_error(const char *what); /* "error WHAT" */
void adapter_skip(const char *reason);

/* ---- adapters of a selection helper (OpenSSL, nghttp2): `select` only ---------------------------------------- */

/* The two lists of `select TCID SERVERHEX CLIENTHEX`, decoded: the server's extension_data, and the body of the
 * client's (its 2-byte length stripped without checking it; an offer under 2 bytes gives an empty body), which is
 * what those helpers take. Valid until the next request. */
typedef struct {
    const uint8_t *server;
    size_t server_len;
    const uint8_t *client_body;
    unsigned int client_body_len;
} adapter_select_args;

/* Reads the request loop from stdin: announces name (family `select`), hands each well-formed select request to
 * fn, answers `error -` for a malformed line, wrong field count or bad hex (the reason on stderr after prog), and
 * `skip other_reason` for every other family. Returns at end of input or `quit`. */
void adapter_select_loop(const char *prog, const char *name, void (*fn)(const adapter_select_args *),
                         const char *other_reason);

/* Answers a selection: `ok NAME`, or `error 120` when name is NULL (no_application_protocol, RFC 7301 §3.2). */
void adapter_selected(const uint8_t *name, size_t len);

#endif
