/*
 * libalpn: reference implementation of TLS ALPN (RFC 7301) and the HTTP ALPN header (RFC 7639).
 *
 * Pure code: no I/O, no allocation, no global state. Inputs are (pointer, length); outputs go to caller
 * buffers. NUL bytes are data, never terminators.
 *
 * Status codes are the TLS alert a conforming peer sends for the condition (0 = success), so a parser's
 * return value is exactly what goes on the wire. Internal conditions that no peer caused carry
 * ALPN_INTERNAL (bit 8) and never collide with an alert number (alerts are 0..255).
 *
 * Every rejection fills an alpn_error (when the caller passes one): the byte offset in the input where the
 * violation was detected and the check ID from CHECKS.md that it enforces.
 */
#ifndef ALPN_H
#define ALPN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ALPN_VERSION "0.1.0"

/* Limits from RFC 7301 §3.1: opaque ProtocolName<1..2^8-1>; ProtocolName protocol_name_list<2..2^16-1>. */
#define ALPN_NAME_MAX 255u
#define ALPN_LIST_MAX 65535u               /* bytes of protocol_name_list, without its length prefix */
#define ALPN_EXT_MAX  (ALPN_LIST_MAX + 2u) /* bytes of extension_data: length prefix + list */

#define ALPN_INTERNAL 0x100

typedef enum {
    ALPN_OK = 0,
    ALPN_ILLEGAL_PARAMETER = 47,         /* TLS alert illegal_parameter */
    ALPN_DECODE_ERROR = 50,              /* TLS alert decode_error: malformed bytes */
    ALPN_UNSUPPORTED_EXTENSION = 110,    /* TLS alert unsupported_extension */
    ALPN_NO_APPLICATION_PROTOCOL = 120,  /* TLS alert no_application_protocol: no overlap */
    ALPN_E_BUFFER = ALPN_INTERNAL | 1,   /* caller's output buffer is too small */
    ALPN_E_ARGUMENT = ALPN_INTERNAL | 2, /* caller passed an invalid argument (NULL, bad name, bad list) */
    ALPN_E_HEADER = ALPN_INTERNAL | 3,   /* RFC 7639 header syntax violation (HTTP has no TLS alert) */
} alpn_status;

/* Why a call failed. check is the CHECKS.md ID of the rule the input broke, or "API" when the caller broke the
 * function's contract (NULL pointer, invalid server list, buffer too small); a static string, never NULL after a
 * failure. */
typedef struct {
    int status;         /* alpn_status of the failure */
    size_t offset;      /* byte offset in the input where the violation was detected (for the encoder and for
                           a server list: the index of the offending name) */
    const char *check;  /* e.g. "SRV-MALFORMED-EMPTY-NAME", "HDR-PCT-UPPER" */
    const char *detail; /* one sentence for a person, static string */
} alpn_error;

/* Human-readable name of a status ("decode_error", "no_application_protocol", "output buffer too small"...). Never
 * NULL. */
const char *alpn_strerror(int status);
/* The name of a TLS alert description (RFC 8446 §6, RFC 5246 §7.2, RFC 7301 §3.2), e.g. "decode_error" for 50;
 * "unknown alert" for a code with no name. The one alert-name table of the project. */
const char *alpn_alert_name(int code);
/* The name of an alert's level (RFC 8446 §6, RFC 5246 §7.2): "warning" for 1, "fatal" for 2, "undefined-level" for
 * any other byte a peer may send there. Never NULL. */
const char *alpn_alert_level_name(int level);

/* A borrowed byte string: one protocol name. */
typedef struct {
    const uint8_t *data;
    size_t len;
} alpn_name;

/* ------------------------------------------------------------------------------------------------------------
 * ProtocolNameList (RFC 7301 §3.1), the extension_data of extension 16.
 * ---------------------------------------------------------------------------------------------------------- */

/* Who sent the list. CLIENT: the offer in a ClientHello (one or more names). SERVER: the answer in a ServerHello
 * or EncryptedExtensions (exactly one name). The role also picks the check-ID family of errors: SRV-* for a
 * client's offer (what a server under test must reject), CLI-* for a server's answer (what a client must reject). */
typedef enum { ALPN_ROLE_CLIENT = 0, ALPN_ROLE_SERVER = 1 } alpn_role;

/* Strictly validates extension_data. Returns ALPN_OK and the number of names in *count (may be NULL), or
 * ALPN_DECODE_ERROR with err filled. Never reads outside [ext, ext + ext_len). */
int alpn_list_validate(const uint8_t *ext, size_t ext_len, alpn_role role, size_t *count, alpn_error *err);

/* Iterates the names of extension_data that alpn_list_validate accepted (on other input it stops at the first
 * malformed element, without reading out of bounds). */
typedef struct {
    const uint8_t *ext;
    size_t ext_len;
    size_t pos;
} alpn_iter;

void alpn_iter_init(alpn_iter *it, const uint8_t *ext, size_t ext_len);
/* Returns 1 and sets *name to the next name, or 0 at the end. */
int alpn_iter_next(alpn_iter *it, alpn_name *name);

/* Encodes names into extension_data (2-byte list length, then each name with its 1-byte length).
 * Returns ALPN_OK and the size in *out_len; ALPN_E_ARGUMENT for no names, an empty name or one over 255 bytes, or a
 * list over 65535 bytes (err->check says which rule); ALPN_E_BUFFER when out_cap is too small (*out_len then holds
 * the size needed). out may be NULL when out_cap is 0. */
int alpn_list_encode(const alpn_name *names, size_t n, uint8_t *out, size_t out_cap, size_t *out_len, alpn_error *err);

/* ------------------------------------------------------------------------------------------------------------
 * Server-side selection (RFC 7301 §3.2).
 * ---------------------------------------------------------------------------------------------------------- */

typedef enum {
    ALPN_PREFER_SERVER = 0, /* the server's most preferred name that the client offered (RFC 7301 §3.2 SHOULD) */
    ALPN_PREFER_CLIENT = 1, /* the client's most preferred name that the server supports */
} alpn_preference;

/* Chooses a protocol for a client's offer. server[0..n_server) is the server's list, most preferred first.
 * The whole client list is validated before any name counts: malformed → ALPN_DECODE_ERROR, never a partial
 * match. Names match by exact bytes only. GREASE values (RFC 8701) are never selected, even when the server list
 * holds one. Returns ALPN_OK with *selected = index into server[] and *client_index (may be NULL) = position of the
 * name in the client's list; ALPN_NO_APPLICATION_PROTOCOL when nothing overlaps; ALPN_E_ARGUMENT for an invalid
 * server list (empty name, name over 255 bytes). Linear in the client list for a fixed server list. */
int alpn_select(const alpn_name *server, size_t n_server, const uint8_t *client_ext, size_t client_ext_len,
                alpn_preference pref, size_t *selected, size_t *client_index, alpn_error *err);

/* The same selection with the server's list checked and indexed once, as a server configures it, instead of on
 * every call. The selector keeps a pointer to server[], which must outlive it. alpn_selector_init returns ALPN_OK,
 * or ALPN_E_ARGUMENT for an invalid server list (the selector then selects nothing). */
typedef struct {
    const alpn_name *names;
    size_t n;
    uint8_t len_ok[256]; /* filter of the names' lengths: 1 at n when a server name has n bytes; [0] = 1 always */
    uint32_t filter[8];  /* filter of (length, last byte), hashed to 256 bits */
    uint64_t head;       /* the server's first name as a client list starts with it: length byte, then the name */
    uint64_t head_mask;  /* the bytes of head that count; 0 when the name is too long for it, or GREASE */
} alpn_selector;

int alpn_selector_init(alpn_selector *sel, const alpn_name *server, size_t n_server, alpn_error *err);
int alpn_selector_select(const alpn_selector *sel, const uint8_t *client_ext, size_t client_ext_len,
                         alpn_preference pref, size_t *selected, size_t *client_index, alpn_error *err);

/* ------------------------------------------------------------------------------------------------------------
 * HTTP ALPN header field (RFC 7639 §2): ALPN = 1#protocol-id; protocol-id = token, percent-encoded.
 * Canonical form: octets that are not tchar, and '%' itself, as %HH with upper-case hex; every other tchar raw;
 * elements joined by ", ".
 * ---------------------------------------------------------------------------------------------------------- */

typedef enum {
    ALPN_HDR_STRICT = 0,  /* reject the first violation of RFC 7639 / RFC 9110 (for checking senders) */
    ALPN_HDR_LENIENT = 1, /* accept what real parsers accept, listing each deviation (for receivers) */
} alpn_hdr_mode;

/* One deviation from the canonical form. Lenient mode lists every deviation it accepted (never the error that
 * made a parse fail); strict mode stores its single violation as devs[0] (n_devs = 1) besides reporting it in err. */
typedef struct {
    const char *check; /* HDR-* ID */
    size_t offset;     /* byte offset in the field value */
} alpn_deviation;

/* What a header parse produced. The caller sets the buffers and capacities; the parser fills the rest. */
typedef struct {
    uint8_t *ext; /* out: decoded names as ProtocolNameList extension_data (iterate with alpn_iter) */
    size_t ext_cap;
    size_t ext_len;
    size_t count;         /* number of names */
    alpn_deviation *devs; /* out: deviations accepted in lenient mode (may be NULL with devs_cap 0) */
    size_t devs_cap;
    size_t n_devs; /* total number found, may exceed devs_cap (only the first devs_cap are stored) */
} alpn_header_result;

/* Parses a field value (without the "ALPN:" name). Leading and trailing SP/HTAB are ignored. Returns ALPN_OK;
 * ALPN_E_HEADER with err->check = the HDR-* ID of the first violation that the mode does not accept, and its
 * offset; ALPN_E_BUFFER when res->ext_cap is too small (only for otherwise valid input; res->ext_len then holds the
 * size needed). On failure res->count and res->ext_len are 0 except in that last case. */
int alpn_header_parse(const char *value, size_t len, alpn_hdr_mode mode, alpn_header_result *res, alpn_error *err);

/* Formats extension_data (validated as a client-role list) into the canonical field value. Returns ALPN_OK and
 * the length in *out_len (no NUL is written); ALPN_DECODE_ERROR for a malformed list (err->check is then the
 * SRV-MALFORMED-* ID of alpn_list_validate); ALPN_E_BUFFER when out_cap is too small (*out_len then holds the size
 * needed). */
int alpn_header_format(const uint8_t *ext, size_t ext_len, char *out, size_t out_cap, size_t *out_len, alpn_error *err);

/* Encodes one name as a canonical protocol-id. Same return convention as alpn_header_format; ALPN_E_ARGUMENT for
 * an empty name or one over 255 bytes. */
int alpn_pid_encode(const uint8_t *name, size_t len, char *out, size_t out_cap, size_t *out_len, alpn_error *err);

/* Decodes one protocol-id (a single token taken exactly as given: no whitespace stripping, no list syntax) into
 * out. Strict or lenient as for alpn_header_parse; lenient mode accepts the same deviations without listing them
 * (use alpn_header_parse to see them). An empty token is HDR-NAME-LENGTH. */
int alpn_pid_decode(const char *tok, size_t len, alpn_hdr_mode mode, uint8_t *out, size_t out_cap, size_t *out_len,
                    alpn_error *err);

/* ------------------------------------------------------------------------------------------------------------
 * HTTP Alt-Svc field value (RFC 7838 §3):
 *   Alt-Svc = clear / 1#alt-value;  clear = %s"clear"
 *   alt-value = alternative *( OWS ";" OWS parameter );  alternative = protocol-id "=" alt-authority
 *   protocol-id = token (RFC 7639 percent-encoding);  alt-authority = quoted-string holding [ uri-host ] ":" port
 * Canonical form: "clear", or alternatives joined by ", ", each protocol-id canonical as in the ALPN header, the
 * authority quoted without quoted-pairs, the port without leading zeros, each parameter as "; name=value" with the
 * name in lower case and the value a token when it can be one; ma as a plain number; persist only as persist=1.
 * Violations and deviations name ALTSVC-* IDs, or the HDR-* IDs of the protocol-id's percent-encoding.
 * ---------------------------------------------------------------------------------------------------------- */

#define ALPN_ALTSVC_MA_DEFAULT 86400u     /* RFC 7838 §3.1: freshness when ma is absent (24 hours) */
#define ALPN_ALTSVC_MA_MAX 2147483648u    /* RFC 9111 §1.2.2: a larger delta-seconds counts as this */
#define ALPN_ALTSVC_HOST_MAX 255u         /* RFC 1035 §2.3.4: no DNS name is longer */

/* One parameter of an alternative, as it stands in the field value. */
typedef struct {
    const char *name; /* a token; compare without regard to case (RFC 9110 §5.6.6) */
    size_t name_len;
    const char *value; /* a token, or a quoted-string with its quotes and any quoted-pairs */
    size_t value_len;
    size_t offset; /* of the name, in the field value */
} alpn_altsvc_param;

/* One alternative. Everything is copied or points into the field value the parser was given. */
typedef struct {
    size_t offset;                /* where the alternative starts in the field value */
    uint8_t name[ALPN_NAME_MAX];  /* the decoded ALPN protocol name */
    size_t name_len;
    char host[ALPN_ALTSVC_HOST_MAX]; /* uri-host with any quoted-pairs removed; empty: the origin's host */
    size_t host_len;
    uint16_t port;
    uint32_t ma;     /* seconds; ALPN_ALTSVC_MA_DEFAULT without a valid ma */
    int has_ma;      /* a valid ma was given */
    int persist;     /* 1 when persist=1 was given (RFC 7838 §3.1: other values are ignored) */
    const char *params; /* the parameters as given, from the first ";" (iterate with alpn_altsvc_param_next) */
    size_t params_len;
    size_t params_offset; /* where params starts in the field value */
} alpn_altsvc_alt;

/* Receives each alternative as soon as it is parsed: alternatives before a later violation are delivered too (parse
 * once without a callback to judge the whole value first). A non-zero return stops the parse with that status. */
typedef int (*alpn_altsvc_fn)(void *ctx, const alpn_altsvc_alt *alt);

typedef struct {
    alpn_altsvc_fn on_alt; /* in: may be NULL */
    void *ctx;
    int clear;             /* out: the value is "clear" */
    size_t count;          /* out: alternatives */
    alpn_deviation *devs;  /* out: as for alpn_header_result */
    size_t devs_cap;
    size_t n_devs;
} alpn_altsvc_result;

/* Parses an Alt-Svc field value (without "Alt-Svc:"). Leading and trailing SP/HTAB are ignored. Returns ALPN_OK,
 * ALPN_E_HEADER with err->check and err->offset of the first violation the mode does not accept, or the non-zero
 * status of the callback. */
int alpn_altsvc_parse(const char *value, size_t len, alpn_hdr_mode mode, alpn_altsvc_result *res, alpn_error *err);

/* Iterates the parameters of an alternative the parser delivered: *pos starts at 0; returns 1 and fills *p, or 0
 * after the last one. Empty parameters (lenient mode) are skipped. */
int alpn_altsvc_param_next(const alpn_altsvc_alt *alt, size_t *pos, alpn_altsvc_param *p);

/* The canonical form of a field value that parses in the given mode. Same return convention as
 * alpn_header_format (ALPN_E_BUFFER with the size needed in *out_len); a parse failure as alpn_altsvc_parse. */
int alpn_altsvc_format(const char *value, size_t len, alpn_hdr_mode mode, char *out, size_t out_cap, size_t *out_len,
                       alpn_error *err);

/* ------------------------------------------------------------------------------------------------------------
 * SVCB/HTTPS "alpn" and "no-default-alpn" SvcParams (RFC 9460 §7.1).
 * Wire format of alpn: one or more alpn-ids, each 1..255 octets with a one-octet length, exactly filling the
 * SvcParamValue — a ProtocolNameList without its two-byte length. Presentation format: a comma-separated list
 * (RFC 9460 Appendix A.1, "\," and "\\" inside an item) written as a DNS character-string (RFC 1035 §5.1:
 * "\DDD" and "\X" escapes, optionally in double quotes), whose escapes are undone first. Violations name SVCB-*
 * IDs. Canonical presentation: unquoted, printable ASCII raw except '"', ';', '(', ')' and '\', "," inside an
 * item as "\\,", "\" as "\\\\", every other octet as \DDD.
 * ---------------------------------------------------------------------------------------------------------- */

#define ALPN_SVCB_KEY_MANDATORY 0u
#define ALPN_SVCB_KEY_ALPN 1u
#define ALPN_SVCB_KEY_NO_DEFAULT_ALPN 2u

/* Validates the wire-format value of alpn. Returns ALPN_OK and the number of ids in *count (may be NULL), or
 * ALPN_DECODE_ERROR with the SVCB-* ID and offset. */
int alpn_svcb_alpn_validate(const uint8_t *val, size_t len, size_t *count, alpn_error *err);

/* Validates a set of SvcParamKeys as they appear in wire order: strictly increasing (RFC 9460 §2.2), and
 * no-default-alpn only together with alpn (RFC 9460 §7.1.1). err->offset is the index of the offending key. */
int alpn_svcb_keys_validate(const uint16_t *keys, size_t n, alpn_error *err);

/* Walks a whole SvcParams wire sequence (key, length, value; RFC 9460 §2.2): lengths inside the data, keys in
 * order, alpn valid, no-default-alpn empty and only with alpn. On success *alpn and *alpn_len point at the alpn value
 * (NULL/0 without one) and *no_default is 1 when no-default-alpn is present; any of the three may be NULL. */
int alpn_svcb_params_validate(const uint8_t *params, size_t len, const uint8_t **alpn, size_t *alpn_len,
                              int *no_default, alpn_error *err);

/* Presentation value of alpn (what follows "alpn=", quoted or not) to its wire format. Same return convention as
 * alpn_header_format for the output (ALPN_E_BUFFER and the size needed); ALPN_DECODE_ERROR for a violation. */
int alpn_svcb_alpn_parse(const char *text, size_t len, uint8_t *val, size_t val_cap, size_t *val_len,
                         alpn_error *err);

/* A SvcParamValue in the generic presentation form (RFC 9460 §2.1: "keyNNNNN=" and a character-string, RFC 1035
 * §5.1, quoted or not) to its octets. For key1, the generic form of alpn, the octets are alpn's wire-format value,
 * to check with alpn_svcb_alpn_validate: RFC 9460 §7.1.1 names "key1=\002h2" as the way to write ids that hold ','
 * or '\'. Same return convention as alpn_svcb_alpn_parse; violations are SVCB-CHAR-STRING. */
int alpn_svcb_value_parse(const char *text, size_t len, uint8_t *out, size_t out_cap, size_t *out_len,
                          alpn_error *err);

/* Wire-format value of alpn to its canonical presentation value. */
int alpn_svcb_alpn_format(const uint8_t *val, size_t len, char *out, size_t out_cap, size_t *out_len,
                          alpn_error *err);

/* Wire-format value of alpn to TLS extension_data (a ProtocolNameList, RFC 7301 §3.1), and back. From
 * extension_data the list must be a valid client offer (its SRV-MALFORMED-* ID otherwise). The ALPN header form
 * follows with alpn_header_format / alpn_header_parse. */
int alpn_svcb_alpn_to_ext(const uint8_t *val, size_t len, uint8_t *ext, size_t ext_cap, size_t *ext_len,
                          alpn_error *err);
int alpn_svcb_alpn_from_ext(const uint8_t *ext, size_t ext_len, uint8_t *val, size_t val_cap, size_t *val_len,
                            alpn_error *err);

/* ------------------------------------------------------------------------------------------------------------
 * Registry: IANA "TLS Application-Layer Protocol Negotiation (ALPN) Protocol IDs", GREASE (RFC 8701) and
 * well-known unregistered names. Generated from src/registry.tsv.
 * ---------------------------------------------------------------------------------------------------------- */

typedef enum {
    ALPN_KIND_REGISTERED = 0,   /* in the IANA registry */
    ALPN_KIND_GREASE = 1,       /* one of the 16 reserved GREASE values (RFC 8701 §2) */
    ALPN_KIND_UNREGISTERED = 2, /* seen in practice, not registered (drafts, SPDY, ...) */
} alpn_kind;

typedef struct {
    alpn_name name; /* the identification sequence */
    alpn_kind kind;
    const char *protocol;  /* protocol name as registered, e.g. "HTTP/1.1" */
    const char *reference; /* e.g. "RFC 9112" */
} alpn_registry_entry;

/* The whole table, in data-file order. */
const alpn_registry_entry *alpn_registry(size_t *count);
/* Exact-byte lookup; NULL when the name is not in the table. */
const alpn_registry_entry *alpn_registry_find(const uint8_t *name, size_t len);
/* 1 when name is one of the 16 GREASE values 0x0A0A, 0x1A1A, ... 0xFAFA (RFC 8701 §2), else 0. */
int alpn_is_grease(const uint8_t *name, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* ALPN_H */
