/* Helpers shared inside libalpn (not part of the public API). */
#ifndef ALPN_INTERNAL_H
#define ALPN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "alpn.h"

/* Fills err (when given) and returns status: every libalpn failure goes through here. */
static inline int alpn_fail(alpn_error *err, int status, size_t offset, const char *check, const char *detail)
{
    if (err != NULL) {
        err->status = status;
        err->offset = offset;
        err->check = check;
        err->detail = detail;
    }
    return status;
}

/* RFC 8701 §2: the GREASE ALPN identifiers are the two-byte sequences {0x?A, 0x?A} with both bytes equal:
 * 0x0A0A, 0x1A1A, ..., 0xFAFA. Inline so that selection pays no call for it. */
static inline int alpn_grease_value(const uint8_t *name, size_t len)
{
    return name != NULL && len == 2 && name[0] == name[1] && (name[0] & 0x0f) == 0x0a;
}

/* ---- text scanning shared by the header (RFC 7639), Alt-Svc (RFC 7838) and SVCB (RFC 9460) parsers -------------
 * (alpn_scan.c). Not exported: libalpn.map exports only alpn_*. */

/* Output that counts every byte but stores only those that fit, so one pass yields both the data and the size a
 * retry needs. */
struct sink {
    uint8_t *buf;
    size_t cap;
    size_t len;
};
void sink_put(struct sink *s, uint8_t b);
void sink_puts(struct sink *s, const char *text, size_t len);

/* One parse: the text, its end, its mode, where deviations go (devs may be NULL: not listed) and the error. */
struct scan {
    const char *v;
    size_t end;
    alpn_hdr_mode mode;
    alpn_deviation *devs;
    size_t devs_cap;
    size_t *n_devs; /* NULL: deviations are accepted without being listed */
    alpn_error *err;
};
/* A violation that no mode accepts: strict mode also lists it as the one deviation. Returns ALPN_E_HEADER. */
int scan_violation(struct scan *sc, const char *check, size_t offset, const char *detail);
/* A deviation that lenient mode accepts (and lists) and strict mode rejects. */
int scan_deviation(struct scan *sc, const char *check, size_t offset, const char *detail);

/* RFC 9110 §5.6.2 tchar; RFC 9110 §5.6.3 OWS character (SP / HTAB); a hex digit's value (either case) or -1. */
int scan_tchar(unsigned c);
int scan_ows(char c);
int scan_hex(char c);
/* RFC 9110 §5.5: a field value has no leading or trailing whitespace; narrows [*start, *end) past SP/HTAB at both
 * ends. Offsets stay relative to the value as given. */
void scan_trim_ows(const char *value, size_t *start, size_t *end);

/* The start of a field value's parse: *sc over value without the leading and trailing whitespace that is not part of
 * it (RFC 9110 §5.5), deviations listed into devs (*n_devs reset to 0). Returns where the value starts. */
size_t scan_field(struct scan *sc, const char *value, size_t len, alpn_hdr_mode mode, alpn_deviation *devs,
                  size_t devs_cap, size_t *n_devs, alpn_error *err);
/* Reads one list element at *i (not empty: *i is not at the end or a ","), leaving *i at the "," after it or at
 * sc->end. ALPN_OK, or the status of the failure. */
typedef int (*scan_element_fn)(void *ctx, struct scan *sc, size_t *i);
/* An RFC 9110 §5.6.1 list, 1#element, over sc->v[start, sc->end) with start after any OWS: an empty element is a
 * deviation (check), every other one is read by element(ctx, ...); no element at all is a violation (check, none).
 * *count: the elements read. */
int scan_list(struct scan *sc, size_t start, const char *check, const char *none, scan_element_fn element, void *ctx,
              size_t *count);

/* Decodes one RFC 7639 protocol-id starting at *pos into out, stopping before any character of stops (NULL: none;
 * never a token character or '%', which are part of the protocol-id) or at sc->end. Sets *pos past it and *name_len to the decoded length (0 when it stopped at once). Reports the
 * HDR-* IDs of RFC 7639 §2. */
int pid_decode_at(struct scan *sc, size_t *pos, const char *stops, struct sink *out, size_t *name_len);
/* Appends the canonical protocol-id of a name (RFC 7639 §2). */
void pid_encode_into(const uint8_t *name, size_t len, struct sink *out);

#endif
