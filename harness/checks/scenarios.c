/* Server-check scenarios: the exact ALPN bytes each catalogue server check offers, built from the profile. */
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "checks.h"

/* The single-connection server checks in the order they run, with what each expects; level, clause, section and
 * title come from the catalogue row of the same ID (catalogue.c). */
struct scenario_kind {
    const char *id;
    expectation expect;
};

static const struct scenario_kind kinds[] = {
    {"SRV-SELECT-OFFERED", EXPECT_SELECT},
    {"SRV-SELECT-SINGLE", EXPECT_SELECT},
    {"SRV-UNKNOWN-IGNORED", EXPECT_SELECT},
    {"SRV-NO-OVERLAP-ALERT", EXPECT_NO_OVERLAP},
    {"SRV-NO-PREFIX-MATCH", EXPECT_NO_OVERLAP},
    {"SRV-CASE-SENSITIVE", EXPECT_NO_OVERLAP},
    {"SRV-NUL-IN-NAME", EXPECT_NO_OVERLAP},
    {"SRV-LONG-NAME", EXPECT_SELECT},
    {"SRV-MANY-NAMES", EXPECT_SELECT},
    {"SRV-MANY-TINY-NAMES", EXPECT_SELECT},
    {"SRV-GREASE-IGNORED", EXPECT_SELECT},
    {"SRV-GREASE-ONLY", EXPECT_NO_OVERLAP},
    {"SRV-NO-UNSOLICITED", EXPECT_NO_ALPN},
    {"SRV-TLS13-IN-EE", EXPECT_SELECT},
    {"SRV-HRR-ALPN-CHANGED", EXPECT_HRR_ABORT},
    {"SRV-DUPLICATE-EXTENSION", EXPECT_ANY_FATAL},
    {"SRV-NO-H2C", EXPECT_NOT_NAME},
    {"SRV-H2-MIN-TLS12", EXPECT_NOT_NAME},
    {"SRV-NO-NPN-WITH-ALPN", EXPECT_SELECT},
    {"SRV-MALFORMED-EMPTY-EXT", EXPECT_DECODE_ERROR},
    {"SRV-MALFORMED-ONE-BYTE", EXPECT_DECODE_ERROR},
    {"SRV-MALFORMED-EMPTY-LIST", EXPECT_DECODE_ERROR},
    {"SRV-MALFORMED-EMPTY-NAME", EXPECT_DECODE_ERROR},
    {"SRV-MALFORMED-EMPTY-NAME-LATER", EXPECT_DECODE_ERROR},
    {"SRV-MALFORMED-LIST-SHORT", EXPECT_DECODE_ERROR},
    {"SRV-MALFORMED-LIST-LONG", EXPECT_DECODE_ERROR},
    {"SRV-MALFORMED-NAME-OVERRUN", EXPECT_DECODE_ERROR},
    {"SRV-MALFORMED-NAME-SHORT", EXPECT_DECODE_ERROR},
    {"SRV-MALFORMED-TRAILING-AFTER-MATCH", EXPECT_DECODE_ERROR},
};

const size_t server_check_count = sizeof kinds / sizeof kinds[0];

const char *server_check_id(size_t i)
{
    return i < server_check_count ? kinds[i].id : NULL;
}

/* ---- profile ------------------------------------------------------------------------------------------------ */

int profile_parse(profile *p, const char *csv, char *err, size_t err_cap)
{
    p->n = 0;
    const char *s = csv;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        /* RFC 7301 §3.1: ProtocolName<1..2^8-1>. */
        if (len == 0 || len > ALPN_NAME_MAX) {
            snprintf(err, err_cap, "protocol name %zu is %s", p->n + 1, len == 0 ? "empty" : "longer than 255 bytes");
            return -1;
        }
        if (p->n == PROFILE_MAX) {
            snprintf(err, err_cap, "more than %d protocol names", PROFILE_MAX);
            return -1;
        }
        /* A server's list names each protocol once; a repeated name would make the preference checks compare a
         * name with itself. */
        for (size_t i = 0; i < p->n; i++) {
            if (p->lens[i] == len && memcmp(p->names[i], s, len) == 0) {
                snprintf(err, err_cap, "'%.*s' is given twice", (int)(len > 64 ? 64 : len), s);
                return -1;
            }
        }
        memcpy(p->names[p->n], s, len);
        p->lens[p->n++] = len;
        if (comma == NULL)
            return 0;
        s = comma + 1;
    }
}

void profile_format(const profile *p, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n && o < cap; i++) {
        int w = snprintf(buf + o, cap - o, "%s%.*s", i ? ", " : "", (int)p->lens[i], (const char *)p->names[i]);
        if (w < 0)
            return;
        o += (size_t)w;
    }
}

static int in_profile(const profile *p, const uint8_t *name, size_t len)
{
    for (size_t i = 0; i < p->n; i++) {
        if (p->lens[i] == len && memcmp(p->names[i], name, len) == 0)
            return 1;
    }
    return 0;
}

/* ---- list building ------------------------------------------------------------------------------------------ */

/* A list under construction inside scenario.ext; the 2-byte length is written by finish(). Names that do not fit
 * are dropped (the scenarios stay far below the limit). */
struct builder {
    scenario *s;
};

static void begin(struct builder *b, scenario *s)
{
    b->s = s;
    s->ext_len = 2;
}

static void add(struct builder *b, const uint8_t *name, size_t len)
{
    scenario *s = b->s;
    if (len == 0 || len > ALPN_NAME_MAX || s->ext_len + 1 + len > SCEN_EXT_MAX)
        return;
    s->ext[s->ext_len++] = (uint8_t)len;
    memcpy(s->ext + s->ext_len, name, len);
    s->ext_len += len;
}

static void add_str(struct builder *b, const char *name)
{
    add(b, (const uint8_t *)name, strlen(name));
}

static void raw(struct builder *b, const uint8_t *bytes, size_t len)
{
    scenario *s = b->s;
    if (s->ext_len + len <= SCEN_EXT_MAX) {
        memcpy(s->ext + s->ext_len, bytes, len);
        s->ext_len += len;
    }
}

/* Writes the list length; delta adjusts it away from the truth for the malformed-length scenarios. */
static void finish(struct builder *b, long delta)
{
    long len = (long)b->s->ext_len - 2 + delta;
    b->s->ext[0] = (uint8_t)((unsigned long)len >> 8);
    b->s->ext[1] = (uint8_t)len;
}

static void expect(scenario *s, const uint8_t *name, size_t len)
{
    memcpy(s->expect_name, name, len);
    s->expect_name_len = len;
}

/* Unknown names: recognisably ours and never in a profile (a profile holding one is told apart by in_profile). */
static void add_unknown(struct builder *b, const profile *p, int i)
{
    char name[32];
    snprintf(name, sizeof name, "alpncheck-unknown-%d", i);
    if (!in_profile(p, (const uint8_t *)name, strlen(name)))
        add_str(b, name);
}

/* ---- scenarios ---------------------------------------------------------------------------------------------- */

static void build(scenario *s, const profile *p)
{
    struct builder b;
    const uint8_t *s0 = p->names[0];
    size_t s0_len = p->lens[0];
    const char *id = s->id;
    begin(&b, s);

    if (strcmp(id, "SRV-SELECT-OFFERED") == 0) {
        /* One supported name among unknown ones: selecting an unknown name (echoing the offer) is as wrong as
         * selecting an unoffered one. */
        add_unknown(&b, p, 1);
        add(&b, s0, s0_len);
        add_unknown(&b, p, 2);
        expect(s, s0, s0_len);
    } else if (strcmp(id, "SRV-SELECT-SINGLE") == 0) {
        for (size_t i = 0; i < p->n; i++)
            add(&b, p->names[i], p->lens[i]);
    } else if (strcmp(id, "SRV-UNKNOWN-IGNORED") == 0 || strcmp(id, "SRV-TLS13-IN-EE") == 0 ||
               strcmp(id, "SRV-NO-NPN-WITH-ALPN") == 0 || strcmp(id, "SRV-DUPLICATE-EXTENSION") == 0) {
        if (strcmp(id, "SRV-UNKNOWN-IGNORED") == 0) {
            add_unknown(&b, p, 1);
            add_unknown(&b, p, 2);
        }
        add(&b, s0, s0_len);
        if (strcmp(id, "SRV-UNKNOWN-IGNORED") == 0)
            add_unknown(&b, p, 3);
        expect(s, s0, s0_len);
    } else if (strcmp(id, "SRV-NO-OVERLAP-ALERT") == 0) {
        add_unknown(&b, p, 1);
        add_unknown(&b, p, 2);
    } else if (strcmp(id, "SRV-NO-PREFIX-MATCH") == 0) {
        /* RFC 7301 §3.1: names are compared whole — a prefix or an extension is another name. */
        for (size_t i = 0; i < p->n; i++) {
            uint8_t v[ALPN_NAME_MAX];
            size_t l = p->lens[i];
            if (l > 1 && !in_profile(p, p->names[i], l - 1))
                add(&b, p->names[i], l - 1);
            if (l < ALPN_NAME_MAX) {
                memcpy(v, p->names[i], l);
                v[l] = 'x';
                if (!in_profile(p, v, l + 1))
                    add(&b, v, l + 1);
            }
        }
    } else if (strcmp(id, "SRV-CASE-SENSITIVE") == 0) {
        for (size_t i = 0; i < p->n; i++) {
            uint8_t v[ALPN_NAME_MAX];
            int changed = 0;
            for (size_t j = 0; j < p->lens[i]; j++) {
                v[j] = p->names[i][j];
                if (v[j] >= 'a' && v[j] <= 'z') {
                    v[j] = (uint8_t)(v[j] - 'a' + 'A');
                    changed = 1;
                }
            }
            if (changed && !in_profile(p, v, p->lens[i]))
                add(&b, v, p->lens[i]);
        }
        if (b.s->ext_len == 2)
            s->skip_reason = "no supported name contains a lower-case letter";
    } else if (strcmp(id, "SRV-NUL-IN-NAME") == 0) {
        /* A C-string comparison would stop at the NUL and match. */
        for (size_t i = 0; i < p->n; i++) {
            uint8_t v[ALPN_NAME_MAX];
            size_t l = p->lens[i];
            if (l + 2 > ALPN_NAME_MAX)
                continue;
            memcpy(v, p->names[i], l);
            v[l] = 0;
            v[l + 1] = 'x';
            add(&b, v, l + 2);
        }
    } else if (strcmp(id, "SRV-LONG-NAME") == 0) {
        uint8_t v[ALPN_NAME_MAX];
        memset(v, 'a', sizeof v);
        add(&b, v, sizeof v);
        add(&b, s0, s0_len);
        expect(s, s0, s0_len);
    } else if (strcmp(id, "SRV-MANY-NAMES") == 0) {
        for (int i = 0; i < 300; i++) {
            char name[64];
            snprintf(name, sizeof name, "alpncheck-unknown-%04d-padding-padding-padding-padding-pad", i);
            add_str(&b, name);
        }
        add(&b, s0, s0_len);
        expect(s, s0, s0_len);
    } else if (strcmp(id, "SRV-MANY-TINY-NAMES") == 0) {
        for (int i = 0; i < 10000; i++) {
            uint8_t c = (uint8_t)('a' + i % 26);
            if (!in_profile(p, &c, 1))
                add(&b, &c, 1);
        }
        add(&b, s0, s0_len);
        expect(s, s0, s0_len);
    } else if (strcmp(id, "SRV-GREASE-IGNORED") == 0) {
        static const uint8_t g1[] = {0x0a, 0x0a}, g2[] = {0x7a, 0x7a}, g3[] = {0xfa, 0xfa};
        add(&b, g1, 2);
        add(&b, g2, 2);
        add(&b, s0, s0_len);
        add(&b, g3, 2);
        expect(s, s0, s0_len);
    } else if (strcmp(id, "SRV-GREASE-ONLY") == 0) {
        /* RFC 8701 §2: all sixteen reserved values. */
        for (unsigned hi = 0; hi < 16; hi++) {
            uint8_t g[2] = {(uint8_t)(hi << 4 | 0x0a), (uint8_t)(hi << 4 | 0x0a)};
            add(&b, g, 2);
        }
    } else if (strcmp(id, "SRV-NO-H2C") == 0) {
        add_str(&b, "h2c");
        for (size_t i = 0; i < p->n; i++)
            add(&b, p->names[i], p->lens[i]);
        expect(s, (const uint8_t *)"h2c", 3);
    } else if (strcmp(id, "SRV-HRR-ALPN-CHANGED") == 0) {
        /* RFC 8446 §4.1.2: the second ClientHello repeats the first but for key_share, cookie, early_data and
         * padding; here it also gains a name in its ALPN list. */
        add(&b, s0, s0_len);
        finish(&b, 0);
        s->force_hrr = 1;
        s->has_ext2 = 1;
        memcpy(s->ext2, s->ext, s->ext_len);
        s->ext2_len = s->ext_len;
        const char *extra = "alpncheck-unknown-1";
        size_t el = strlen(extra);
        s->ext2[s->ext2_len++] = (uint8_t)el;
        memcpy(s->ext2 + s->ext2_len, extra, el);
        s->ext2_len += el;
        s->ext2[0] = (uint8_t)((s->ext2_len - 2) >> 8);
        s->ext2[1] = (uint8_t)(s->ext2_len - 2);
        return;
    } else if (strcmp(id, "SRV-H2-MIN-TLS12") == 0) {
        add_str(&b, "h2");
        add_str(&b, "http/1.1");
        expect(s, (const uint8_t *)"h2", 2);
    } else if (strcmp(id, "SRV-MALFORMED-EMPTY-EXT") == 0) {
        s->ext_len = 0;
        return;
    } else if (strcmp(id, "SRV-MALFORMED-ONE-BYTE") == 0) {
        s->ext_len = 0;
        raw(&b, (const uint8_t *)"\x00", 1);
        return;
    } else if (strcmp(id, "SRV-MALFORMED-EMPTY-LIST") == 0) {
        /* Nothing after the length. */
    } else if (strcmp(id, "SRV-MALFORMED-EMPTY-NAME") == 0) {
        raw(&b, (const uint8_t *)"\x00", 1);
    } else if (strcmp(id, "SRV-MALFORMED-EMPTY-NAME-LATER") == 0) {
        add(&b, s0, s0_len);
        raw(&b, (const uint8_t *)"\x00", 1);
    } else if (strcmp(id, "SRV-MALFORMED-LIST-SHORT") == 0) {
        /* The length covers the first name only; a second, well-formed name trails after the list. */
        add(&b, s0, s0_len);
        finish(&b, 0);
        add(&b, s0, s0_len);
        return;
    } else if (strcmp(id, "SRV-MALFORMED-LIST-LONG") == 0) {
        add(&b, s0, s0_len);
        finish(&b, +1);
        return;
    } else if (strcmp(id, "SRV-MALFORMED-NAME-OVERRUN") == 0) {
        add(&b, s0, s0_len);
        raw(&b, (const uint8_t *)"\x05" "ab", 3);
    } else if (strcmp(id, "SRV-MALFORMED-NAME-SHORT") == 0) {
        /* "alpncheck-x" with its length one too short: the parser then reads 'x' (120) as the next length. */
        raw(&b, (const uint8_t *)"\x0a" "alpncheck-x", 12);
        add(&b, s0, s0_len);
    } else if (strcmp(id, "SRV-MALFORMED-TRAILING-AFTER-MATCH") == 0) {
        /* A first-match parser selects s0 and never looks at the rest. */
        add(&b, s0, s0_len);
        raw(&b, (const uint8_t *)"\xff\xfe\x00", 3);
    }
    finish(&b, 0);
}

int scenario_build(scenario *s, const char *id, const char *tls, const profile *p)
{
    const struct scenario_kind *m = NULL;
    for (size_t i = 0; i < server_check_count; i++) {
        if (strcmp(kinds[i].id, id) == 0)
            m = &kinds[i];
    }
    if (m == NULL)
        return -1;
    const check_entry *c = check_get(m->id);
    memset(s, 0, sizeof *s);
    s->id = m->id;
    s->section = c->section;
    s->ref = c->ref;
    s->title = c->title;
    s->lvl = c->lvl;
    s->expect = m->expect;
    s->tls = strcmp(tls, "1.2") == 0 ? "1.2" : strcmp(tls, "1.1") == 0 ? "1.1" : strcmp(tls, "1.0") == 0 ? "1.0" : "1.3";
    s->send_alpn = strcmp(id, "SRV-NO-UNSOLICITED") != 0;
    s->duplicate_alpn = strcmp(id, "SRV-DUPLICATE-EXTENSION") == 0;
    s->send_npn = strcmp(id, "SRV-NO-NPN-WITH-ALPN") == 0;
    if (p->n == 0) {
        s->skip_reason = "the server's supported protocols are unknown (give --alpn or let discovery find them)";
        return 0;
    }
    if ((strcmp(id, "SRV-TLS13-IN-EE") == 0 || strcmp(id, "SRV-HRR-ALPN-CHANGED") == 0) && strcmp(s->tls, "1.3") != 0)
        s->skip_reason = "applies to TLS 1.3 only";
    /* RFC 9113 §9.2 concerns the versions before TLS 1.2; the check runs for 1.1 and 1.0 only. */
    int old_tls = strcmp(s->tls, "1.1") == 0 || strcmp(s->tls, "1.0") == 0;
    if ((strcmp(id, "SRV-H2-MIN-TLS12") == 0) != old_tls)
        s->skip_reason = old_tls ? "only SRV-H2-MIN-TLS12 runs over TLS 1.0/1.1" : "applies to TLS 1.0 and 1.1 only";
    /* NPN exists for TLS 1.2 and earlier only; TLS 1.3 servers cannot send it. */
    if (s->send_npn && strcmp(s->tls, "1.2") != 0)
        s->skip_reason = "NPN exists in TLS 1.2 only";
    build(s, p);
    return 0;
}
