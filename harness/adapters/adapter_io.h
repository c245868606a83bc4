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

#endif
