/*
 * vecgen: deterministic generator of the alpncheck test vectors (vectors/FORMAT.md).
 *
 * The expected outcome of a vector comes from oracle.c, which restates the RFC rules on its own, or, for Alt-Svc and
 * SVCB alpn (fam_altsvc.c, fam_svcb.c), from how the test is built: known parts with at most one fault, the
 * hand-picked ones with their outcome in their case (gen/cases/README.md). vecgen never links libalpn, so the vectors
 * check libalpn (and every other implementation) against an independent reading of RFC 7301, RFC 7639, RFC 7838,
 * RFC 8701, RFC 9110 and RFC 9460.
 */
#ifndef VECGEN_H
#define VECGEN_H

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vec_families.h"

/* ---- growable byte strings and name lists (the generator may allocate; it aborts when memory runs out) ---- */

typedef struct {
    uint8_t *p;
    size_t n, cap;
} buf;

void buf_put(buf *b, const void *d, size_t n);
void buf_byte(buf *b, unsigned c);
void buf_u16(buf *b, size_t v); /* big-endian, low 16 bits */
void buf_str(buf *b, const char *s);
void buf_fill(buf *b, unsigned c, size_t n);
void buf_free(buf *b);
/* Appends the bytes of the first len characters of hex, two digits each (hex_decode). 0, or -1 (nothing appended)
 * when a character is not a hex digit or the count is odd. */
int buf_hex(buf *b, const char *hex, size_t len);
buf buf_copy(const uint8_t *d, size_t n);

typedef struct {
    buf *v;
    size_t n, cap;
} namelist;

void nl_add(namelist *l, const void *d, size_t n);
void nl_adds(namelist *l, const char *s);
void nl_addl(namelist *l, const namelist *src);
void nl_free(namelist *l);
/* A list from C strings, terminated by NULL ("\0" inside a literal cannot be used: see nl_add). */
namelist nl_of(const char *first, ...);
/* A list of one name: d[0..n). */
namelist nl_one(const void *d, size_t n);
/* A list of one name: n octets c. */
namelist nl_filled(unsigned c, size_t n);

/* extension_data of names: 2-byte list length, then each name with its 1-byte length. The lengths are written
 * modulo 256 / 65536 without complaint, so callers can build deliberately broken encodings. */
void enc_list(const namelist *l, buf *ext);

/* ---- the oracle: RFC rules (oracle.c) ---- */

typedef enum { ROLE_CLIENT, ROLE_SERVER } role;

int is_tchar(unsigned c);
int is_grease(const uint8_t *d, size_t n);
void grease_value(unsigned i, uint8_t out[2]); /* the i-th (0..15) GREASE value */

/* Parses extension_data sent by a client (an offer) or a server (an answer). Returns NULL and the names when the
 * data is a valid ProtocolNameList for that role, else the CHECKS.md ID of the first violation. */
const char *oracle_pnl(const uint8_t *ext, size_t len, role r, namelist *names);

/* Server preference selection. Returns 0 and the selected name, 50 (malformed offer, *check set) or 120. */
int oracle_select(const namelist *server, const uint8_t *ext, size_t len, buf *selected, const char **check);

/* RFC 7639 header field value parse. strict_check: NULL when a strict parser accepts, else the first HDR-* ID a
 * strict parser reports; lenient_check likewise for a lenient parser (a recipient). names: what the lenient parser
 * yields (equal to the strict result when both accept). lenient_is_same_issue is set when both fail at the same
 * point. */
typedef struct {
    const char *strict_check;
    size_t strict_pos;
    const char *lenient_check;
    size_t lenient_pos;
    namelist names;
} hdr_result;

void oracle_hparse(const uint8_t *v, size_t len, hdr_result *r);
void hdr_result_free(hdr_result *r);

/* Canonical protocol-id of one name and canonical field value of a list (names must be 1..255 octets). Returns
 * NULL, or the HDR-* ID why the names have no field value. */
void oracle_pid(const uint8_t *d, size_t n, buf *out);
const char *oracle_hformat(const namelist *l, buf *out);

/* ---- registry (src/registry.tsv, read at generation time) ---- */

extern namelist g_registry; /* registered and unregistered names, GREASE excluded, file order */
int registry_load(const char *path);

/* Fixed-seed PRNG (xorshift32), reset at the start of each family so files do not depend on each other. */
void prng_seed(uint32_t s);
uint32_t prng_next(void);

/* ---- output ---- */

typedef struct vfile vfile;

/* The file of a family (its name and schema from vec_families); header: NULL-terminated array of lines. */
vfile *vf_new(vec_family family, const char *const *header);
/* A new group object of f's family's type; the caller adds the other group fields, then hands it to vf_group. */
json_t *vf_group_new(const vfile *f);
/* Appends a group (the object holds the group fields) and returns its tests array. */
json_t *vf_group(vfile *f, json_t *group);
/* Appends a test with tcId, comment, flags (space-separated note keys, "" for none) and result; the caller adds the
 * family's fields. */
json_t *vf_test(vfile *f, json_t *tests, const char *result, const char *flags, const char *comment);
size_t vf_count(const vfile *f);
/* 1 when key[0..len) is a flag, a key of the notes vf_write writes. */
int note_known(const char *key, size_t len);
int vf_write(vfile *f, const char *dir);

json_t *jhex(const uint8_t *d, size_t n);
json_t *jnames(const namelist *l);
/* Short printable description of a name for comments ("h2", "0x0a0a", "255 x 'a'"): at most 79 characters, so it
 * always fits DESC_NAME_CAP bytes. */
#define DESC_NAME_CAP 80
void describe_name(const uint8_t *d, size_t n, char out[DESC_NAME_CAP]);
/* The same for a list: up to six names one by one, else the count, the first and the last; at most 6 x 79 + 12
 * characters, so it always fits DESC_CAP bytes, whatever a case holds. */
#define DESC_CAP 512
void describe_list(const namelist *l, char out[DESC_CAP]);
/* 1 when every octet is printable ASCII (0x20-0x7E): such values are also given as JSON text. */
int printable(const uint8_t *v, size_t n);

/* ---- hand-picked cases (gen/cases/<vector file>.json, cases.c; vectors/gen/cases/README.md) ---- */

/* The directory of the case files: the source tree's gen/cases, or vecgen's third argument. */
extern const char *cases_dir;

/* What a key's value must be: a string; a string of hex digit pairs (bytes); an array of printable-ASCII strings
 * (names); an array of strings of hex digit pairs (names as bytes); a string of flags (note keys, see note_known)
 * separated by spaces. */
typedef enum { CK_TEXT, CK_HEX, CK_NAMES, CK_HEXNAMES, CK_FLAGS } case_kind;
typedef struct {
    const char *key;
    case_kind kind;
} case_key;

typedef struct case_file case_file;
typedef struct {
    const case_file *file;
    const json_t *o;
    size_t index;
} vcase;

/* Loads and checks cases_dir/name against keys (every case also has "set", a string). Exits 2 on any fault. */
case_file *cases_open(const char *name, const case_key *keys, size_t nkeys);
/* The next case of set after *at (0 to start), in file order: 1 and *c, or 0 at the end. A set without a case
 * ends vecgen (exit 2). */
int case_next(case_file *f, const char *set, size_t *at, vcase *c);
/* Ends vecgen (exit 2) when a case was never read (its set is one the code does not walk) or has a key its set's
 * code never read (a key that would silently mean nothing); frees f. */
void cases_close(case_file *f);

/* Ends vecgen (exit 2) with why (a printf format), naming the file and the case; c NULL or zeroed for a test the
 * generator builds itself (then the fault is the generator's). */
__attribute__((format(printf, 2, 3), noreturn)) void case_die(const vcase *c, const char *why, ...);
/* Formats into out (cap bytes) as snprintf does, or ends vecgen (case_die, naming c) when the text does not fit: a
 * case value too long for a buffer must stop the generator, never leave a cut vector behind. Every formatting of
 * case data into a fixed buffer goes through these two. */
__attribute__((format(printf, 4, 5))) void case_fmt(const vcase *c, char *out, size_t cap, const char *fmt, ...);
__attribute__((format(printf, 4, 0))) void case_vfmt(const vcase *c, char *out, size_t cap, const char *fmt,
                                                     va_list ap);
int case_has(const vcase *c, const char *key);
/* The string of key: case_text ends vecgen (exit 2) when the case lacks it, case_opt returns NULL. */
const char *case_text(const vcase *c, const char *key);
const char *case_opt(const vcase *c, const char *key);
/* The bytes of key, whose value is hex; ends vecgen (exit 2) when the case lacks it. */
buf case_hex(const vcase *c, const char *key);
/* The bytes of whichever of text_key (a string) and hex_key (hex) the case has; exactly one is required. */
buf case_bytes(const vcase *c, const char *text_key, const char *hex_key);
/* The names of "names" (printable ASCII) or "namesHex" (hex), whichever the case has; exactly one is required. */
namelist case_names(const vcase *c);

/* ---- families ---- */

void fam_list(vfile *f);
void fam_select(vfile *f);
void fam_hparse(vfile *f);
void fam_hformat(vfile *f);
void fam_cross(vfile *f);
void fam_altsvc(vfile *f);
void fam_svcb(vfile *f);

#endif
