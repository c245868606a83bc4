/* Running the server checks over a probe callback: the rows in run order, the runners of the checks of several
 * connections, and profile discovery. */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void scenario_request(const scenario *s, probe_request *r)
{
    *r = (probe_request){.tls = s->tls,
                         .send_alpn = s->send_alpn,
                         .duplicate_alpn = s->duplicate_alpn,
                         .send_npn = s->send_npn,
                         .ext = s->ext,
                         .ext_len = s->ext_len,
                         .force_hrr = s->force_hrr,
                         .has_ext2 = s->has_ext2,
                         .ext2 = s->ext2,
                         .ext2_len = s->ext2_len};
}

/* One connection for a scenario, through the peer layer's probe. */
static void play(probe_fn probe, void *ctx, const scenario *s, observation *o)
{
    probe_request r;
    scenario_request(s, &r);
    probe(ctx, &r, o);
}

/* Monotonic milliseconds, for the duration of checks that take several connections (the probes time their own). */
static double elapsed_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

int id_listed(const char *list, const char *id)
{
    if (list == NULL)
        return 0;
    size_t n = strlen(id);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, id, n) == 0)
            return 1;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return 0;
}

static int known_server_id(const char *id, size_t len)
{
    const check_entry *c = check_find_n(id, len);
    return c != NULL && c->family == CHECK_FAMILY_SERVER;
}

int validate_ids(const char *list, int (*known)(const char *id, size_t len), const char *kind, char *err,
                 size_t err_cap)
{
    if (list == NULL)
        return 0;
    for (const char *p = list;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (!known(p, len)) {
            snprintf(err, err_cap, "'%.*s' is not a %s check ID", (int)(len > 64 ? 64 : len), p, kind);
            return -1;
        }
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

int validate_id_list(const char *list, char *err, size_t err_cap)
{
    return validate_ids(list, known_server_id, "server", err, err_cap);
}

/* ---- profile discovery ---------------------------------------------------------------------------------------- */

/* Identifiers discovery never offers: they do not name an application protocol the server might speak, they ask it
 * to behave differently, so offering them tests something else (and can end the handshake). Exact bytes. */
static const struct {
    const char *name;
    const char *why;
} discovery_never[] = {
    /* RFC 8737 §3: "acme-tls/1" is what an ACME server offers, alone, to validate a tls-alpn-01 challenge, and §4:
     * it "MUST only be used for validating ACME tls-alpn-01 challenges". A server doing ACME answers it with a
     * validation certificate, or fails the handshake when no challenge is pending (Caddy 2.6: alert 80), wherever it
     * stands in the offer. */
    {"acme-tls/1", "RFC 8737 §3-4: reserved for ACME tls-alpn-01 validation"},
};
#define DISCOVERY_NEVER_COUNT (sizeof discovery_never / sizeof discovery_never[0])

/* Offered one at a time when offers of several names are refused: the names servers commonly speak over TLS. */
static const char *const discovery_common[] = {"h2",   "http/1.1", "http/1.0",    "h3",   "dot",
                                               "imap", "pop3",     "xmpp-client", "mqtt", "postgresql"};
#define DISCOVERY_COMMON_COUNT (sizeof discovery_common / sizeof discovery_common[0])

/* A refused offer of more than this many names is split in halves and each half offered; one of at most this many
 * is given up (its common names are then offered alone). */
#define DISCOVERY_MIN_SPLIT 8

const char *discovery_excluded(const uint8_t *name, size_t len)
{
    for (size_t i = 0; i < DISCOVERY_NEVER_COUNT; i++) {
        if (strlen(discovery_never[i].name) == len && memcmp(discovery_never[i].name, name, len) == 0)
            return discovery_never[i].why;
    }
    return NULL;
}

static int name_in_profile(const profile *p, const uint8_t *name, size_t len)
{
    for (size_t i = 0; i < p->n; i++) {
        if (p->lens[i] == len && memcmp(p->names[i], name, len) == 0)
            return 1;
    }
    return 0;
}

typedef enum {
    OFFER_SELECTED, /* a well-formed answer naming an offered name: learnt */
    OFFER_NONE,     /* nothing to learn: no overlap (alert 120, or completed without ALPN), or an answer that names
                     * nothing offered or is malformed (the checks judge that) */
    OFFER_REFUSED,  /* the server refused the hello: another alert, or it closed the connection before completing */
    OFFER_EMPTY,    /* nothing left to offer, the profile is full or the connection budget is spent: no connection */
    OFFER_ERROR,    /* the server could not be reached (err filled) */
} offer_outcome;

struct discovery {
    probe_fn probe;
    void *ctx;
    const char *tls;
    profile *p;
    discovery_info *info;
    char *err;
    size_t err_cap;
    uint8_t *ext; /* SCEN_EXT_MAX bytes for the offer being sent */
};

/* Offers names[0..n) minus what is learnt already, in that order, in one ClientHello. */
static offer_outcome offer_names(struct discovery *d, const alpn_name *names, size_t n)
{
    if (d->p->n == PROFILE_MAX || d->info->connections >= DISCOVERY_MAX_CONNECTIONS) {
        d->info->budget_spent |= d->info->connections >= DISCOVERY_MAX_CONNECTIONS;
        return OFFER_EMPTY;
    }
    uint8_t *ext = d->ext;
    size_t pos = 2;
    for (size_t i = 0; i < n; i++) {
        if (name_in_profile(d->p, names[i].data, names[i].len) || pos + 1 + names[i].len > SCEN_EXT_MAX)
            continue;
        ext[pos++] = (uint8_t)names[i].len;
        memcpy(ext + pos, names[i].data, names[i].len);
        pos += names[i].len;
    }
    if (pos == 2)
        return OFFER_EMPTY;
    ext[0] = (uint8_t)((pos - 2) >> 8);
    ext[1] = (uint8_t)(pos - 2);

    observation o;
    observation_init(&o);
    probe_request r = {.tls = d->tls, .send_alpn = 1, .ext = ext, .ext_len = pos};
    d->probe(d->ctx, &r, &o);
    d->info->connections++;
    /* A close or reset before any answer is how some servers refuse a hello (o.refused): the run has already seen
     * this server answer a plain ClientHello, so it is reachable. Any other error is not a refusal. */
    if (o.error && !o.refused) {
        snprintf(d->err, d->err_cap, "%s", o.error_text);
        return OFFER_ERROR;
    }
    /* Over QUIC the alert comes as CONNECTION_CLOSE 0x0100 + alert (RFC 9001 §4.8). */
    int alert = observation_alert(&o, NULL), refusal_alert = o.error ? -1 : alert;
    /* RFC 7301 §3.2: no_application_protocol (120) is the answer to no overlap, not a refusal of the hello. */
    if (o.error || (alert >= 0 && alert != 120) || (!o.completed && alert < 0)) {
        if (d->info->refused_offers++ == 0)
            d->info->first_refusal_alert = refusal_alert;
        return OFFER_REFUSED;
    }
    size_t kept = o.alpn_len < OBS_ALPN_MAX ? o.alpn_len : OBS_ALPN_MAX;
    /* Only a well-formed one-name answer (RFC 7301 §3.1) naming an offered, not yet learnt name teaches anything. */
    if (o.alpn_count == 0 || kept != o.alpn_len ||
        alpn_list_validate(o.alpn, kept, ALPN_ROLE_SERVER, NULL, NULL) != ALPN_OK)
        return OFFER_NONE;
    alpn_iter it;
    alpn_name name;
    alpn_iter_init(&it, o.alpn, kept);
    if (!alpn_iter_next(&it, &name))
        return OFFER_NONE;
    int offered = 0;
    alpn_iter oi;
    alpn_name on;
    alpn_iter_init(&oi, ext, pos);
    while (alpn_iter_next(&oi, &on))
        offered |= on.len == name.len && memcmp(on.data, name.data, name.len) == 0;
    if (!offered)
        return OFFER_NONE;
    memcpy(d->p->names[d->p->n], name.data, name.len);
    d->p->lens[d->p->n++] = name.len;
    return OFFER_SELECTED;
}

typedef enum { CHUNK_DONE, CHUNK_REFUSED, CHUNK_ERROR } chunk_outcome;

/* Offers names[0..n), notes the selection, removes it and offers the rest again, until nothing more is learnt.
 * CHUNK_REFUSED only when the very first offer was refused: a refusal after a selection is read as the server's
 * (wrong) answer to no overlap, which SRV-NO-OVERLAP-ALERT judges. */
static chunk_outcome learn_from(struct discovery *d, const alpn_name *names, size_t n)
{
    for (int learnt = 0;; learnt++) {
        switch (offer_names(d, names, n)) {
        case OFFER_SELECTED:
            continue;
        case OFFER_REFUSED:
            return learnt ? CHUNK_DONE : CHUNK_REFUSED;
        case OFFER_ERROR:
            return CHUNK_ERROR;
        default:
            return CHUNK_DONE;
        }
    }
}

static chunk_outcome explore(struct discovery *d, const alpn_name *names, size_t n, unsigned char *given_up);

/* A refused offer of names[0..n): its two halves in turn (each explored), or, at DISCOVERY_MIN_SPLIT names or
 * fewer, given up: its names are flagged in given_up[] for the single-name offers. */
static chunk_outcome split_refused(struct discovery *d, const alpn_name *names, size_t n, unsigned char *given_up)
{
    if (n <= DISCOVERY_MIN_SPLIT) {
        memset(given_up, 1, n);
        return CHUNK_REFUSED;
    }
    size_t half = n / 2;
    if (explore(d, names, half, given_up) == CHUNK_ERROR ||
        explore(d, names + half, n - half, given_up + half) == CHUNK_ERROR)
        return CHUNK_ERROR;
    return CHUNK_REFUSED;
}

/* learn_from, and split_refused when the offer is refused. */
static chunk_outcome explore(struct discovery *d, const alpn_name *names, size_t n, unsigned char *given_up)
{
    chunk_outcome r = learn_from(d, names, n);
    return r == CHUNK_REFUSED ? split_refused(d, names, n, given_up) : r;
}

/* After learning from separate offers, the names were picked from different subsets: offer the learnt names
 * together, repeatedly, so that the profile is in the server's order again. */
static int reorder(struct discovery *d)
{
    profile learnt = *d->p;
    alpn_name names[PROFILE_MAX];
    for (size_t i = 0; i < learnt.n; i++)
        names[i] = (alpn_name){learnt.names[i], learnt.lens[i]};
    d->p->n = 0;
    while (d->p->n + 1 < learnt.n) {
        offer_outcome r = offer_names(d, names, learnt.n);
        if (r == OFFER_ERROR)
            return -1;
        if (r != OFFER_SELECTED) {
            d->info->order_unknown = 1;
            break;
        }
    }
    /* The rest (the last one, or those the server would not order), in the order they were learnt. */
    for (size_t i = 0; i < learnt.n; i++) {
        if (!name_in_profile(d->p, learnt.names[i], learnt.lens[i])) {
            memcpy(d->p->names[d->p->n], learnt.names[i], learnt.lens[i]);
            d->p->lens[d->p->n++] = learnt.lens[i];
        }
    }
    return 0;
}

/* discover_profile's work, with storage for the candidates and for those given up. */
static int discover(struct discovery *d, alpn_name *cand, unsigned char *given_up)
{
    discovery_info *info = d->info;
    profile *p = d->p;

    /* The candidates: the registry without GREASE (RFC 8701 §3.1: never selected, so never learnt) and without the
     * identifiers of discovery_never. */
    size_t n = 0, count = 0;
    const alpn_registry_entry *t = alpn_registry(&count);
    for (size_t i = 0; i < count && n < DISCOVERY_CANDIDATES_MAX; i++) {
        if (t[i].kind == ALPN_KIND_GREASE || discovery_excluded(t[i].name.data, t[i].name.len) != NULL) {
            info->excluded += t[i].kind != ALPN_KIND_GREASE;
            continue;
        }
        cand[n++] = t[i].name;
    }
    memset(given_up, 0, DISCOVERY_CANDIDATES_MAX);

    chunk_outcome r = learn_from(d, cand, n);
    if (r == CHUNK_ERROR)
        return -1;
    if (r == CHUNK_REFUSED) {
        /* The whole offer was refused (an alert other than 120, or a close): smaller offers, then the common names
         * one at a time from the subsets that were refused too, then the learnt names together for their order. At
         * most 1 + 2 + 4 + 8 offers while splitting ~60 names down to DISCOVERY_MIN_SPLIT, DISCOVERY_COMMON_COUNT
         * single names, and one more per name learnt; never over DISCOVERY_MAX_CONNECTIONS. */
        info->fallback = 1;
        if (split_refused(d, cand, n, given_up) == CHUNK_ERROR)
            return -1;
        for (size_t c = 0; c < DISCOVERY_COMMON_COUNT; c++) {
            size_t len = strlen(discovery_common[c]);
            for (size_t i = 0; i < n; i++) {
                if (!given_up[i] || cand[i].len != len || memcmp(cand[i].data, discovery_common[c], len) != 0)
                    continue;
                if (offer_names(d, &cand[i], 1) == OFFER_ERROR)
                    return -1;
            }
        }
        if (p->n >= 2 && reorder(d) != 0)
            return -1;
    }
    return info->connections;
}

int discover_profile(probe_fn probe, void *ctx, const char *tls, profile *p, discovery_info *info, char *err,
                     size_t err_cap)
{
    alpn_name cand[DISCOVERY_CANDIDATES_MAX];
    unsigned char given_up[DISCOVERY_CANDIDATES_MAX];
    discovery_info local;
    if (info == NULL)
        info = &local;
    memset(info, 0, sizeof *info);
    info->first_refusal_alert = -1;
    p->n = 0;
    /* An offer may approach 64 KiB: on the heap, not the stack. */
    struct discovery d = {probe, ctx, tls, p, info, err, err_cap, malloc(SCEN_EXT_MAX)};
    if (d.ext == NULL) {
        snprintf(err, err_cap, "out of memory");
        return -1;
    }
    int used = discover(&d, cand, given_up);
    free(d.ext);
    return used;
}

void discovery_describe(const discovery_info *info, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!info->fallback)
        return;
    char how[64];
    if (info->first_refusal_alert >= 0)
        snprintf(how, sizeof how, "with alert %d (%s)", info->first_refusal_alert,
                 alpn_alert_name(info->first_refusal_alert));
    else
        snprintf(how, sizeof how, "by closing the connection");
    snprintf(buf, cap, "the full offer was refused %s; discovered with smaller offers (%d of %d refused)%s%s", how,
             info->refused_offers, info->connections,
             info->order_unknown ? "; the server would not order the names found" : "",
             info->budget_spent ? "; connection budget spent" : "");
}

/* ---- the runners of the checks of several connections ----------------------------------------------------------- */

/* A session check that could run but has no GnuTLS-path callback (e.g. unit tests with a model server). */
static void skip_no_path(result *res)
{
    res->v = VERDICT_SKIP;
    snprintf(res->observed, sizeof res->observed, "not run: no complete-handshake path configured");
}

void run_server_preference(const check_entry *c, const server_peer *peer, const profile *p, const char *tls,
                           result *out)
{
    observation ab, ba;
    observation_init(&ab);
    observation_init(&ba);
    if (p->n >= 2) {
        /* The row's offer with the first two supported names, in the server's order and reversed. */
        profile two = *p, rev = *p;
        two.n = rev.n = 2;
        memcpy(rev.names[0], p->names[1], p->lens[1]);
        rev.lens[0] = p->lens[1];
        memcpy(rev.names[1], p->names[0], p->lens[0]);
        rev.lens[1] = p->lens[0];
        scenario *s = malloc(sizeof *s); /* 64 KiB of extension bytes: not on the stack */
        if (s == NULL) {
            ab.error = 1;
            snprintf(ab.error_text, sizeof ab.error_text, "out of memory");
        } else {
            scenario_over(s, c, tls, peer->transport, &two);
            play(peer->probe, peer->probe_ctx, s, &ab);
            scenario_over(s, c, tls, peer->transport, &rev);
            play(peer->probe, peer->probe_ctx, s, &ba);
            free(s);
        }
    }
    judge_server_preference(p, tls, &ab, &ba, out);
}

/* The session checks that play two handshakes with the server's first two supported names, a and b: they run when
 * the server has two and the row applies to the version, and take the GnuTLS path when the peer has it. */
typedef struct {
    session_observation first, second;
    alpn_name a, b;
    int runnable, has_path;
    struct timespec t0;
} session_pair;

/* Starts the clock; returns 1 when the handshakes are to be played: the row applies, the server has the `need`
 * names the check offers (1 or 2) and the peer has the path. */
static int pair_start(session_pair *sp, const profile *p, size_t need, int applies, int has_path)
{
    memset(sp, 0, sizeof *sp);
    sp->first.alert = sp->second.alert = -1;
    clock_gettime(CLOCK_MONOTONIC, &sp->t0);
    sp->runnable = p->n >= need && applies;
    sp->has_path = has_path;
    if (p->n >= 1)
        sp->a = (alpn_name){p->names[0], p->lens[0]};
    if (p->n >= 2)
        sp->b = (alpn_name){p->names[1], p->lens[1]};
    return sp->runnable && has_path;
}

/* After the judge: the time taken, and SKIP when the check could have run but the peer has no GnuTLS path. */
static void pair_finish(const session_pair *sp, result *out)
{
    out->ms = elapsed_since(&sp->t0);
    if (sp->runnable && !sp->has_path)
        skip_no_path(out);
}

void run_resumption(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, result *out)
{
    (void)c;
    session_pair sp;
    if (pair_start(&sp, p, 2, 1, peer->resume != NULL))
        peer->resume(peer->session_ctx, tls, &sp.a, 1, &sp.b, 1, &sp.first, &sp.second);
    judge_resume_fresh(p, tls, &sp.first, &sp.second, out);
    pair_finish(&sp, out);
}

void run_protocol_spoken(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, result *out)
{
    (void)c;
    /* h2 if the server supports it, else http/1.1. */
    const alpn_name *name = NULL;
    alpn_name cand;
    for (int pass = 0; pass < 2 && name == NULL; pass++) {
        for (size_t i = 0; i < p->n && name == NULL; i++) {
            int h2 = p->lens[i] == 2 && memcmp(p->names[i], "h2", 2) == 0;
            int h11 = p->lens[i] == 8 && memcmp(p->names[i], "http/1.1", 8) == 0;
            if ((pass == 0 && h2) || (pass == 1 && h11)) {
                cand = (alpn_name){p->names[i], p->lens[i]};
                name = &cand;
            }
        }
    }
    session_observation so = {.alert = -1};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (name != NULL && peer->speak != NULL)
        peer->speak(peer->session_ctx, tls, name, &so);
    judge_protocol_definitive(tls, name, &so, out);
    out->ms = elapsed_since(&t0);
    if (name != NULL && peer->speak == NULL)
        skip_no_path(out);
}

void run_alt_svc(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, result *out)
{
    (void)c;
    (void)p; /* http/1.1 is offered whatever the profile: a server that refuses it is SKIP with its answer */
    altsvc_observation o;
    memset(&o, 0, sizeof o);
    o.session.alert = -1;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (peer->altsvc != NULL)
        peer->altsvc(peer->session_ctx, tls, &o);
    judge_alt_svc(tls, &o, out);
    out->ms = elapsed_since(&t0);
    if (peer->altsvc == NULL)
        skip_no_path(out);
}

void run_0rtt(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, result *out)
{
    session_pair sp; /* first: the control run with the ticket's own offer; second: the test */
    early_sequence seq = c->server.early;
    size_t need = seq == EARLY_ALPN_ADDED || seq == EARLY_ALPN_OMITTED ? 1 : 2;
    if (pair_start(&sp, p, need, check_applies(c, tls), peer->early != NULL))
        peer->early(peer->session_ctx, seq, &sp.a, &sp.b, &sp.first, &sp.second);
    judge_0rtt(p, tls, seq, &sp.first, &sp.second, out);
    pair_finish(&sp, out);
}

void run_renegotiation(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, result *out)
{
    session_pair sp;
    if (pair_start(&sp, p, 2, check_applies(c, tls), peer->reneg != NULL))
        peer->reneg(peer->session_ctx, &sp.a, &sp.b, &sp.first, &sp.second);
    judge_reneg(p, tls, &sp.first, &sp.second, out);
    pair_finish(&sp, out);
}

/* ---- the run ---------------------------------------------------------------------------------------------------- */

static void add_result(report *r, const result *res, const run_options *opt, size_t done, size_t total)
{
    const result *stored = report_add(r, res, opt->known);
    if (opt->progress != NULL && stored != NULL)
        opt->progress(opt->progress_ctx, done, total, stored);
}

int run_selects(const run_options *opt, const char *id)
{
    return (opt->only == NULL || id_listed(opt->only, id)) && !id_listed(opt->skip, id);
}

/* A row for TLS 1.2 or 1.3 runs once per version of the run (SKIP over the one it does not apply to); a row only
 * for older versions (RFC 9113 §9.2) runs once per run, over each of its versions, newest first — except over QUIC,
 * which has TLS 1.3 only (RFC 9001 §4.2): there every row is reported once, for the run's version. */
static int per_run_version(const check_entry *c, unsigned transport)
{
    return (c->tls & CHECK_TLS12_13) != 0 || transport == CHECK_TRANSPORT_QUIC;
}

static size_t old_versions(const check_entry *c, const char *out[2])
{
    size_t n = 0;
    if (c->tls & CHECK_TLS11)
        out[n++] = "1.1";
    if (c->tls & CHECK_TLS10)
        out[n++] = "1.0";
    return n;
}

/* The ALPN bytes of a played connection, into its result: the offer of the last ClientHello (the second one after a
 * HelloRetryRequest), and the server's answer as far as it was kept. */
static void record_alpn(const scenario *s, const observation *o, result *res)
{
    const uint8_t *sent = s->force_hrr && s->has_ext2 ? s->ext2 : s->ext;
    size_t sent_len = s->force_hrr && s->has_ext2 ? s->ext2_len : s->ext_len;
    result_set_alpn(res, s->send_alpn ? sent : NULL, sent_len, o->alpn_count ? o->alpn : NULL,
                    o->alpn_len < OBS_ALPN_MAX ? o->alpn_len : OBS_ALPN_MAX);
}

/* The result of a check that makes no connection: SKIP with the reason, and what the check expects. */
static void skip_one(const check_entry *c, const char *tls, unsigned transport, const char *reason, scenario *s,
                     result *res)
{
    static const profile none = {.n = 0};
    const server_peer nobody = {.transport = transport};
    if (c->server.run != NULL) {
        /* With no names and no peer, a runner connects nowhere and says what it expects. */
        c->server.run(c, &nobody, &none, tls, res);
        res->ms = 0;
        snprintf(res->observed, sizeof res->observed, "not run: %s", reason);
        return;
    }
    observation o;
    observation_init(&o);
    scenario_over(s, c, tls, transport, &none);
    s->skip_reason = reason;
    judge(s, &o, res);
}

/* One check for one version: its runner, or its one connection played and judged; SKIP over a transport the row
 * does not apply to. */
static void run_one(const check_entry *c, const server_peer *peer, const profile *p, const char *tls, scenario *s,
                    result *res)
{
    const char *elsewhere = check_transport_skip(c, peer->transport);
    if (elsewhere != NULL) {
        skip_one(c, tls, peer->transport, elsewhere, s, res);
        return;
    }
    if (c->server.run != NULL) {
        c->server.run(c, peer, p, tls, res);
        return;
    }
    scenario_over(s, c, tls, peer->transport, p);
    observation o;
    observation_init(&o);
    if (s->skip_reason == NULL)
        play(peer->probe, peer->probe_ctx, s, &o);
    judge(s, &o, res);
    if (s->skip_reason == NULL)
        record_alpn(s, &o, res);
}

/* Adds a result for every selected check of one TLS version without a connection: SKIP, or ERROR, with the reason. */
static size_t mark_server_checks(const run_options *opt, const char *tls, verdict v, const char *reason, report *r)
{
    scenario *s = malloc(sizeof *s); /* 64 KiB of extension bytes: not on the stack */
    if (s == NULL)
        return 0;
    size_t before = r->n;
    /* The checks over alpncheck's own ClientHellos first, then those over complete handshakes. */
    for (int full = 0; full < 2; full++) {
        const check_entry *c;
        for (size_t i = 0; (c = server_check_in_run_order(i)) != NULL; i++) {
            if (c->server.full_handshakes != full || !per_run_version(c, opt->transport) || !run_selects(opt, c->id))
                continue;
            result res;
            skip_one(c, tls, opt->transport, reason, s, &res);
            if (v == VERDICT_ERROR) {
                res.v = VERDICT_ERROR;
                snprintf(res.observed, sizeof res.observed, "%s", reason);
            }
            report_add(r, &res, opt->known);
        }
    }
    free(s);
    return r->n - before;
}

size_t skip_server_checks(const run_options *opt, const char *tls, const char *reason, report *r)
{
    return mark_server_checks(opt, tls, VERDICT_SKIP, reason, r);
}

size_t error_server_checks(const run_options *opt, const char *tls, const char *reason, report *r)
{
    return mark_server_checks(opt, tls, VERDICT_ERROR, reason, r);
}

size_t run_server_checks(probe_fn probe, void *ctx, const profile *p, const run_options *opt, report *r)
{
    scenario *s = malloc(sizeof *s); /* 64 KiB of extension bytes: not on the stack */
    if (s == NULL)
        return 0;
    const server_peer peer = {.transport = opt->transport, .probe = probe, .probe_ctx = ctx, .resume = opt->resume,
                              .speak = opt->speak, .early = opt->early, .reneg = opt->reneg,
                              .session_ctx = opt->resume_ctx, .altsvc = opt->altsvc};
    size_t versions = 0, total = 0, done = 0, before = r->n;
    while (versions < 2 && opt->tls[versions] != NULL)
        versions++;
    const check_entry *c;
    for (size_t i = 0; (c = server_check_in_run_order(i)) != NULL; i++) {
        const char *old[2];
        if (run_selects(opt, c->id))
            total += per_run_version(c, opt->transport) ? versions : old_versions(c, old);
    }

    result res;
    for (size_t v = 0; v < versions; v++) {
        for (size_t i = 0; (c = server_check_in_run_order(i)) != NULL; i++) {
            if (!per_run_version(c, opt->transport) || !run_selects(opt, c->id))
                continue;
            run_one(c, &peer, p, opt->tls[v], s, &res);
            add_result(r, &res, opt, ++done, total);
        }
    }
    for (size_t i = 0; (c = server_check_in_run_order(i)) != NULL; i++) {
        const char *old[2];
        size_t n = per_run_version(c, opt->transport) || !run_selects(opt, c->id) ? 0 : old_versions(c, old);
        for (size_t v = 0; v < n; v++) {
            run_one(c, &peer, p, old[v], s, &res);
            add_result(r, &res, opt, ++done, total);
        }
    }
    free(s);
    return r->n - before;
}
