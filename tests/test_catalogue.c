/*
 * The check catalogue is the single source of the check IDs: every ID the server run, the client run, libalpn and the
 * test vectors can produce has exactly one row, of the right family; every row is produced by one of them; the
 * results carry the row's level, clause, section and title; and a row's TLS versions are the ones its check runs
 * over (SKIP elsewhere).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "client_checks.h"
#include "run.h"
#include "testkit.h"

/* ---- a set of IDs ------------------------------------------------------------------------------------------- */

#define IDS_MAX 128
struct ids {
    char id[IDS_MAX][64];
    size_t n;
};

static int ids_has(const struct ids *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->id[i], id) == 0)
            return 1;
    }
    return 0;
}

/* Adds a copy of id (the IDs of the vectors live in JSON that is freed). */
static void ids_add(struct ids *s, const char *id)
{
    if (ids_has(s, id))
        return;
    cr_assert_lt(s->n, IDS_MAX, "more than %d distinct IDs", IDS_MAX);
    cr_assert_lt(strlen(id), sizeof s->id[0], "%s: longer than an ID", id);
    snprintf(s->id[s->n++], sizeof s->id[0], "%s", id);
}

static size_t rows_with_id(const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < check_catalogue_count; i++)
        n += strcmp(check_catalogue[i].id, id) == 0;
    return n;
}

/* Every ID in s has exactly one row, of family f. */
static void expect_rows(const struct ids *s, check_family f, const char *who)
{
    for (size_t i = 0; i < s->n; i++) {
        cr_expect_eq(rows_with_id(s->id[i]), 1, "%s produces %s, which has %zu catalogue rows", who, s->id[i],
                     rows_with_id(s->id[i]));
        const check_entry *c = check_find(s->id[i]);
        if (c != NULL)
            cr_expect_eq(c->family, f, "%s produces %s, a row of family %s", who, s->id[i],
                         check_family_name(c->family));
    }
}

/* ---- the runs, with peers that never answer ----------------------------------------------------------------- */

static int silent_probe(void *ctx, const probe_request *s, observation *o)
{
    (void)ctx;
    (void)s;
    o->error = 1;
    snprintf(o->error_text, sizeof o->error_text, "no server in this test");
    return 0;
}

static int no_start(void *ctx, const client_request *s, char *err, size_t err_cap)
{
    (void)ctx;
    (void)s;
    snprintf(err, err_cap, "no client in this test");
    return 1;
}

static int no_finish(void *ctx)
{
    (void)ctx;
    return -1;
}

static int no_serve(void *ctx, const client_request *s, observation *o)
{
    (void)ctx;
    (void)s;
    (void)o;
    return 0;
}

/* The results carry the facts of their row, so reports print what the catalogue says. */
static void expect_results_match_rows(const report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        const result *res = &r->results[i];
        const check_entry *c = check_find(res->id);
        cr_assert_not_null(c, "%s has no row", res->id);
        cr_expect_str_eq(res->section, c->section, "%s", res->id);
        cr_expect_str_eq(res->ref, c->ref, "%s", res->id);
        cr_expect_str_eq(res->title, c->title, "%s", res->id);
        cr_expect_eq(res->lvl, c->lvl, "%s", res->id);
    }
}

static struct ids server_run_ids(void)
{
    static report r;
    struct ids s = {.n = 0};
    profile p;
    tk_profile(&p, "h2,http/1.1");
    run_options opt = {.tls = {"1.3", "1.2"}};
    report_init(&r, "test", "silent");
    cr_assert_gt(run_server_checks(silent_probe, NULL, &p, &opt, &r), 0);
    expect_results_match_rows(&r);
    for (size_t i = 0; i < r.n; i++)
        ids_add(&s, r.results[i].id);
    /* A server that lacks a version gets a SKIP per check instead. */
    report_init(&r, "test", "silent");
    cr_assert_gt(skip_server_checks(&opt, "1.2", "the server does not speak TLS 1.2", &r), 0);
    expect_results_match_rows(&r);
    for (size_t i = 0; i < r.n; i++)
        cr_expect(ids_has(&s, r.results[i].id), "only the skip path produces %s", r.results[i].id);
    return s;
}

static struct ids client_run_ids(void)
{
    static report r;
    struct ids s = {.n = 0};
    run_options opt = {.tls = {"1.3", "1.2"}};
    client_driver d = {no_start, no_finish, NULL};
    report_init(&r, "test", "silent");
    cr_assert_gt(run_client_checks(no_serve, NULL, &d, &opt, &r), 0);
    expect_results_match_rows(&r);
    for (size_t i = 0; i < r.n; i++)
        ids_add(&s, r.results[i].id);
    return s;
}

Test(catalogue, every_server_run_id_has_one_row_and_every_server_row_runs)
{
    struct ids s = server_run_ids();
    cr_expect_eq(s.n, server_check_count() + 9, "the single-connection checks and nine multi-connection ones");
    expect_rows(&s, CHECK_FAMILY_SERVER, "the server run");
    for (size_t i = 0; i < check_catalogue_count; i++) {
        if (check_catalogue[i].family == CHECK_FAMILY_SERVER)
            cr_expect(ids_has(&s, check_catalogue[i].id), "server row %s: no result of the server run carries it",
                      check_catalogue[i].id);
    }
}

Test(catalogue, every_client_run_id_has_one_row_and_every_client_row_runs)
{
    struct ids s = client_run_ids();
    cr_expect_eq(s.n, client_check_count());
    expect_rows(&s, CHECK_FAMILY_CLIENT, "the client run");
    for (size_t i = 0; i < check_catalogue_count; i++) {
        if (check_catalogue[i].family == CHECK_FAMILY_CLIENT)
            cr_expect(ids_has(&s, check_catalogue[i].id), "client row %s: no result of the client run carries it",
                      check_catalogue[i].id);
    }
}

/* ---- libalpn and the vectors -------------------------------------------------------------------------------- */

/* Each rule of the list validator in both roles: what a client's offer gives (SRV-* IDs) and what a server's answer
 * gives (CLI-* IDs); NULL where the input is not a case for that role. */
struct list_case {
    const char *ext;
    size_t len;
    const char *offer_want, *answer_want;
};

static const struct list_case list_cases[] = {
    {"", 0, "SRV-MALFORMED-EMPTY-EXT", "CLI-REJECT-MALFORMED"},
    {"\x00", 1, "SRV-MALFORMED-ONE-BYTE", "CLI-REJECT-MALFORMED"},
    {"\x00\x00", 2, "SRV-MALFORMED-EMPTY-LIST", "CLI-REJECT-EMPTY-LIST"},
    {"\x00\x04\x02h2", 5, "SRV-MALFORMED-LIST-LONG", "CLI-REJECT-MALFORMED"},
    {"\x00\x03\x02h2X", 6, "SRV-MALFORMED-LIST-SHORT", "CLI-REJECT-MALFORMED"},
    {"\x00\x01\x00", 3, "SRV-MALFORMED-EMPTY-NAME", "CLI-REJECT-EMPTY-NAME"},
    {"\x00\x04\x02h2\x00", 6, "SRV-MALFORMED-EMPTY-NAME-LATER", "CLI-REJECT-EMPTY-NAME"},
    {"\x00\x03\x05"
     "ab",
     5, "SRV-MALFORMED-NAME-OVERRUN", "CLI-REJECT-MALFORMED"},
    {"\x00\x06\x02h2\x02h3", 8, NULL, "CLI-REJECT-MULTIPLE"},
};

/* What the header parser names for a value in strict mode (the error) and in lenient mode (the error, or the first
 * deviation); NULL where the value is not a case for that mode. */
struct header_case {
    const char *value;
    const char *strict_want, *lenient_want;
};

static const struct header_case header_cases[] = {
    {"http%2f1.1", "HDR-PCT-UPPER", "HDR-PCT-UPPER"},
    {"%68%32", "HDR-PCT-NOT-TCHAR", "HDR-PCT-NOT-TCHAR"},
    {"h2,,http%2F1.1", "HDR-LIST", "HDR-LIST"},
    {"", NULL, "HDR-LIST"},
    {"http/1.1", "HDR-TOKEN", NULL},
    {"h2 x", NULL, "HDR-TOKEN"},
    {"h2%2", "HDR-PCT-TRUNCATED", NULL},
    {"h2%zz", NULL, "HDR-PCT-TRUNCATED"},
};

/* Records what libalpn names: err->check of a failure, else the first deviation. */
static void header_ids(struct ids *s, const char *value, size_t len, alpn_hdr_mode mode, const char *want)
{
    static uint8_t ext[ALPN_EXT_MAX + 1024];
    alpn_deviation devs[8];
    alpn_header_result res = {.ext = ext, .ext_cap = sizeof ext, .devs = devs, .devs_cap = 8};
    alpn_error err = {0};
    int rc = alpn_header_parse(value, len, mode, &res, &err);
    const char *got = rc != ALPN_OK ? err.check : res.n_devs > 0 ? devs[0].check : "(valid)";
    if (want != NULL)
        cr_expect_str_eq(got, want, "%.40s (%s mode)", value, mode == ALPN_HDR_STRICT ? "strict" : "lenient");
    ids_add(s, got);
}

/* Header, Alt-Svc and SVCB rows describe text or DNS data: no TLS version, no transport, no play. */
static int is_text_family(check_family f)
{
    return f == CHECK_FAMILY_HEADER || f == CHECK_FAMILY_ALTSVC || f == CHECK_FAMILY_SVCB;
}

/* The IDs libalpn's Alt-Svc and SVCB code report, one input each. */
static void altsvc_svcb_ids(struct ids *s)
{
    static const struct {
        const char *in;
        alpn_hdr_mode mode;
        const char *want;
    } alt[] = {
        {"CLEAR", ALPN_HDR_STRICT, "ALTSVC-CLEAR"},         {"", ALPN_HDR_STRICT, "ALTSVC-LIST"},
        {"h2 =\":1\"", ALPN_HDR_STRICT, "ALTSVC-ALTERNATIVE"}, {"h2=\":1", ALPN_HDR_STRICT, "ALTSVC-QUOTED"},
        {"h2=\"a\"", ALPN_HDR_STRICT, "ALTSVC-AUTHORITY"},    {"h2=\":x\"", ALPN_HDR_STRICT, "ALTSVC-PORT"},
        {"h2=\":1\";", ALPN_HDR_STRICT, "ALTSVC-PARAM"},     {"h2=\":1\"; ma=x", ALPN_HDR_STRICT, "ALTSVC-MA"},
        {"h2=\":1\"; persist=0", ALPN_HDR_STRICT, "ALTSVC-PERSIST"},
    };
    for (size_t i = 0; i < sizeof alt / sizeof alt[0]; i++) {
        alpn_altsvc_result res = {0};
        alpn_error err = {0};
        cr_expect_eq(alpn_altsvc_parse(alt[i].in, strlen(alt[i].in), alt[i].mode, &res, &err), ALPN_E_HEADER);
        cr_expect_str_eq(err.check, alt[i].want);
        ids_add(s, err.check);
    }
    static const struct {
        const char *in;
        size_t len;
        int kind; /* 0 wire value, 1 presentation, 2 SvcParams */
        const char *want;
    } sv[] = {
        {"", 0, 0, "SVCB-ALPN-EMPTY"},          {"\0", 1, 0, "SVCB-ALPN-ID-EMPTY"},
        {"\3h2", 3, 0, "SVCB-ALPN-OVERRUN"},     {"a\\\\b", 4, 1, "SVCB-ALPN-LIST"},
        {"\\256", 4, 1, "SVCB-CHAR-STRING"},    {"\0\2\0\0", 4, 2, "SVCB-NO-DEFAULT-ALONE"},
        {"\0\1\0\3\2h2\0\2\0\1x", 12, 2, "SVCB-NO-DEFAULT-EMPTY"},
        {"\0\3\0\0\0\3\0\0", 8, 2, "SVCB-KEY-ORDER"}, {"\0\1\0", 3, 2, "SVCB-PARAMS-WIRE"},
    };
    for (size_t i = 0; i < sizeof sv / sizeof sv[0]; i++) {
        alpn_error err = {0};
        uint8_t out[8];
        size_t n;
        const uint8_t *b = (const uint8_t *)sv[i].in;
        int rc = sv[i].kind == 0   ? alpn_svcb_alpn_validate(b, sv[i].len, NULL, &err)
                 : sv[i].kind == 1 ? alpn_svcb_alpn_parse(sv[i].in, sv[i].len, out, sizeof out, &n, &err)
                                   : alpn_svcb_params_validate(b, sv[i].len, NULL, NULL, NULL, &err);
        cr_expect_eq(rc, ALPN_DECODE_ERROR, "%s", sv[i].want);
        cr_expect_str_eq(err.check, sv[i].want);
        ids_add(s, err.check);
    }
    static char longid[256];
    memset(longid, 'a', sizeof longid);
    alpn_error err = {0};
    uint8_t val[300];
    size_t n;
    cr_expect_eq(alpn_svcb_alpn_parse(longid, sizeof longid, val, sizeof val, &n, &err), ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SVCB-ALPN-LENGTH");
    ids_add(s, err.check);
}

static struct ids libalpn_ids(void)
{
    struct ids s = {.n = 0};
    alpn_error err;
    for (size_t i = 0; i < sizeof list_cases / sizeof list_cases[0]; i++) {
        const struct list_case *c = &list_cases[i];
        for (int r = 0; r < 2; r++) {
            alpn_role role = r == 0 ? ALPN_ROLE_CLIENT : ALPN_ROLE_SERVER;
            const char *want = r == 0 ? c->offer_want : c->answer_want;
            if (want == NULL)
                continue;
            memset(&err, 0, sizeof err);
            cr_expect_eq(alpn_list_validate((const uint8_t *)c->ext, c->len, role, NULL, &err), ALPN_DECODE_ERROR);
            cr_expect_str_eq(err.check, want, "list case %zu, %s role", i,
                             role == ALPN_ROLE_CLIENT ? "client" : "server");
            ids_add(&s, err.check);
        }
    }
    /* The encoder names the rule of a well-formed offer. */
    uint8_t out[64];
    size_t out_len;
    alpn_name empty = {(const uint8_t *)"", 0};
    memset(&err, 0, sizeof err);
    cr_expect_eq(alpn_list_encode(&empty, 1, out, sizeof out, &out_len, &err), ALPN_E_ARGUMENT);
    cr_expect_str_eq(err.check, "CLI-OFFER-WELLFORMED");
    ids_add(&s, err.check);
    /* Selection without overlap. */
    alpn_name h2 = {(const uint8_t *)"h2", 2};
    size_t sel;
    memset(&err, 0, sizeof err);
    cr_expect_eq(alpn_select(&h2, 1, (const uint8_t *)"\x00\x02\x01x", 4, ALPN_PREFER_SERVER, &sel, NULL, &err),
                 ALPN_NO_APPLICATION_PROTOCOL);
    cr_expect_str_eq(err.check, "SRV-NO-OVERLAP-ALERT");
    ids_add(&s, err.check);
    /* The header parser. */
    for (size_t i = 0; i < sizeof header_cases / sizeof header_cases[0]; i++) {
        const struct header_case *c = &header_cases[i];
        if (c->strict_want != NULL)
            header_ids(&s, c->value, strlen(c->value), ALPN_HDR_STRICT, c->strict_want);
        if (c->lenient_want != NULL)
            header_ids(&s, c->value, strlen(c->value), ALPN_HDR_LENIENT, c->lenient_want);
    }
    static char big[400 * 257];
    memset(big, 'a', 256);
    header_ids(&s, big, 256, ALPN_HDR_STRICT, "HDR-NAME-LENGTH");
    /* 300 names of 255 octets: more than one ClientHello's list can hold. */
    size_t o = 0;
    for (int i = 0; i < 300; i++) {
        memset(big + o, 'a', 255);
        o += 255;
        big[o++] = ',';
    }
    header_ids(&s, big, o - 1, ALPN_HDR_STRICT, "HDR-SAME-AS-TLS");
    altsvc_svcb_ids(&s);
    return s;
}

/* Every string value of a vector file that looks like a check ID (the tests' "check" fields). */
static void collect_json_ids(json_t *v, struct ids *s)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) collect_json_ids(x, s);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) collect_json_ids(x, s);
    } else if (json_is_string(v)) {
        const char *t = json_string_value(v);
        if ((strncmp(t, "SRV-", 4) == 0 || strncmp(t, "CLI-", 4) == 0 || strncmp(t, "HDR-", 4) == 0 ||
             strncmp(t, "ALTSVC-", 7) == 0 || strncmp(t, "SVCB-", 5) == 0) &&
            strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(t))
            ids_add(s, t);
    }
}

static struct ids vector_ids(void)
{
    struct ids s = {.n = 0};
    const char *src = getenv("ALPN_SOURCE_DIR");
    cr_assert_not_null(src, "ALPN_SOURCE_DIR is set by ctest");
    char dir[1024], path[sizeof dir + 1 + sizeof((struct dirent *)0)->d_name];
    snprintf(dir, sizeof dir, "%s/vectors", src);
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        json_error_t je;
        json_t *v = json_load_file(path, 0, &je);
        cr_assert_not_null(v, "%s: %s", path, je.text);
        collect_json_ids(v, &s);
        json_decref(v);
        files++;
    }
    closedir(d);
    cr_expect_geq(files, 5, "the five vector files");
    return s;
}

Test(catalogue, every_libalpn_and_vector_id_has_one_row)
{
    struct ids lib = libalpn_ids();
    for (size_t i = 0; i < lib.n; i++) {
        cr_expect_eq(rows_with_id(lib.id[i]), 1, "libalpn names %s, which has %zu rows", lib.id[i],
                     rows_with_id(lib.id[i]));
        const check_entry *c = check_find(lib.id[i]);
        check_family want = strncmp(lib.id[i], "SRV-", 4) == 0      ? CHECK_FAMILY_SERVER
                            : strncmp(lib.id[i], "CLI-", 4) == 0    ? CHECK_FAMILY_CLIENT
                            : strncmp(lib.id[i], "ALTSVC-", 7) == 0 ? CHECK_FAMILY_ALTSVC
                            : strncmp(lib.id[i], "SVCB-", 5) == 0   ? CHECK_FAMILY_SVCB
                                                                    : CHECK_FAMILY_HEADER;
        if (c != NULL)
            cr_expect_eq(c->family, want, "%s", lib.id[i]);
    }
    struct ids vec = vector_ids();
    cr_expect_gt(vec.n, 20);
    for (size_t i = 0; i < vec.n; i++)
        cr_expect_eq(rows_with_id(vec.id[i]), 1, "the vectors cite %s, which has %zu rows", vec.id[i],
                     rows_with_id(vec.id[i]));
    /* The header rows are what libalpn's header code or the vectors name, no more. */
    for (size_t i = 0; i < check_catalogue_count; i++) {
        const check_entry *c = &check_catalogue[i];
        if (is_text_family(c->family))
            cr_expect(ids_has(&lib, c->id) || ids_has(&vec, c->id),
                      "header row %s: neither libalpn nor a vector "
                      "names it",
                      c->id);
    }
}

/* "API" (a caller broke a function's contract) is libalpn's one name that is not a check. */
Test(catalogue, api_errors_are_not_checks)
{
    alpn_error err = {0};
    cr_expect_eq(alpn_list_validate(NULL, 3, ALPN_ROLE_CLIENT, NULL, &err), ALPN_E_ARGUMENT);
    cr_expect_str_eq(err.check, "API");
    cr_expect_null(check_find("API"));
}

/* ---- the rows themselves ------------------------------------------------------------------------------------ */

static size_t sentences(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += (*p == '.' || *p == '?') && (p[1] == '\0' || p[1] == ' ') && p > s && p[-1] != '.';
    return n;
}

Test(catalogue, rows_are_complete_and_ids_unique)
{
    static const char *const prefix[CHECK_FAMILY_COUNT] = {"SRV-", "CLI-", "HDR-", "PRX-", "ALTSVC-", "SVCB-"};
    size_t per_family[CHECK_FAMILY_COUNT] = {0};
    cr_assert_gt(check_catalogue_count, 0);
    for (size_t i = 0; i < check_catalogue_count; i++) {
        const check_entry *c = &check_catalogue[i];
        cr_assert_lt((unsigned)c->family, CHECK_FAMILY_COUNT, "%s", c->id);
        per_family[c->family]++;
        cr_expect_eq(rows_with_id(c->id), 1, "%s appears %zu times", c->id, rows_with_id(c->id));
        /* HDR-PROXY-TOLERANT is the proxy check the first catalogue named after the header it is about. */
        int proxy_hdr = c->family == CHECK_FAMILY_PROXY && strncmp(c->id, "HDR-PROXY-", 10) == 0;
        cr_expect(strncmp(c->id, prefix[c->family], strlen(prefix[c->family])) == 0 || proxy_hdr,
                  "%s is in family %s", c->id, check_family_name(c->family));
        cr_expect_eq(strspn(c->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"), strlen(c->id), "%s", c->id);
        cr_expect(c->lvl == LEVEL_MUST || c->lvl == LEVEL_SHOULD || c->lvl == LEVEL_INFO, "%s", c->id);
        cr_expect(c->ref[0] >= '1' && c->ref[0] <= '9' && strstr(c->ref, "§") != NULL, "%s: clause '%s'", c->id,
                  c->ref);
        cr_expect(c->section[0] != '\0' && strncmp(c->section, "RFC ", 4) == 0, "%s: section '%s'", c->id, c->section);
        cr_expect(c->title[0] != '\0' && strchr(c->title, '\n') == NULL, "%s: title", c->id);
        size_t n = sentences(c->description);
        cr_expect(n >= 2 && n <= 4, "%s: %zu sentences in the description", c->id, n);
        if (is_text_family(c->family) || c->family == CHECK_FAMILY_PROXY) {
            cr_expect_eq(c->tls, 0, "%s: header, Alt-Svc, SVCB and proxy checks have no TLS version", c->id);
            cr_expect_eq(c->transport, 0, "%s", c->id);
        } else {
            cr_expect_neq(c->tls, 0, "%s: no TLS version", c->id);
            cr_expect_eq(c->tls & ~(unsigned)(CHECK_TLS10 | CHECK_TLS11 | CHECK_TLS12 | CHECK_TLS13), 0, "%s", c->id);
            unsigned both = CHECK_TRANSPORT_TCP | CHECK_TRANSPORT_QUIC;
            cr_expect(c->transport != 0 && (c->transport & ~both) == 0, "%s: transport", c->id);
            /* QUIC carries TLS 1.3 only (RFC 9001 §4.2). */
            if (c->transport & CHECK_TRANSPORT_QUIC)
                cr_expect(c->tls & CHECK_TLS13, "%s: over QUIC without TLS 1.3", c->id);
            /* A server or client row that is SKIP over QUIC says why. */
            if (!(c->transport & CHECK_TRANSPORT_QUIC))
                cr_expect(c->not_quic != NULL && c->not_quic[0] != '\0', "%s: no not_quic reason", c->id);
        }
        cr_expect_eq(check_find(c->id), c);
        cr_expect_eq(check_get(c->id), c);
    }
    cr_expect_eq(per_family[CHECK_FAMILY_SERVER], server_check_count() + 9);
    cr_expect_eq(per_family[CHECK_FAMILY_CLIENT], client_check_count());
    cr_expect_gt(per_family[CHECK_FAMILY_HEADER], 0);
    cr_expect_gt(per_family[CHECK_FAMILY_PROXY], 0);
    cr_expect_gt(per_family[CHECK_FAMILY_ALTSVC], 0);
    cr_expect_gt(per_family[CHECK_FAMILY_SVCB], 0);
}

/* run_pos values the play checks count (more server rows than any catalogue has). */
enum { RUN_POS_MAX = 256 };

/* A row of another family carries no play of this kind: all of it is zero, as none is. */
static void expect_no_play(const check_entry *c, const void *play, const void *none, size_t size, const char *kind)
{
    cr_expect_eq(memcmp(play, none, size), 0, "%s: a %s play in a %s row", c->id, kind, check_family_name(c->family));
}

/* A server row's play (see every_row_says_how_it_is_played); at counts the rows at each run_pos. Returns 1 for a server
 * row. */
static int expect_server_play(const check_entry *c, unsigned char at[RUN_POS_MAX])
{
    static const server_play no_server;
    const server_play *s = &c->server;
    if (c->family == CHECK_FAMILY_SERVER) {
        if (s->run != NULL) {
            cr_expect_null(s->judge, "%s: a runner judges its connections itself", c->id);
            cr_expect(!s->no_alpn && !s->duplicate_alpn && !s->npn && !s->force_hrr,
                      "%s: hello flags belong to one-connection checks", c->id);
        } else {
            cr_expect_not_null(s->judge, "%s: neither a judge nor a runner", c->id);
            cr_expect(s->offer != NULL || s->no_alpn, "%s: no offer builder for the ALPN it sends", c->id);
            cr_expect(s->offer == NULL || !s->no_alpn, "%s: an offer that is never sent", c->id);
            cr_expect_not(s->full_handshakes, "%s: full_handshakes without a runner", c->id);
        }
        cr_expect(s->run_pos >= 1 && s->run_pos < RUN_POS_MAX, "%s: run_pos %u", c->id, s->run_pos);
        if (s->run_pos < RUN_POS_MAX)
            cr_expect_eq(at[s->run_pos]++, 0, "%s: run_pos %u is taken", c->id, s->run_pos);
    } else {
        expect_no_play(c, s, &no_server, sizeof *s, "server");
    }
    return c->family == CHECK_FAMILY_SERVER;
}

static void expect_client_play(const check_entry *c)
{
    static const client_play no_client;
    const client_play *k = &c->client;
    if (c->family == CHECK_FAMILY_CLIENT) {
        cr_expect(k->answer >= CLIENT_ANSWER_VALID && k->answer <= CLIENT_ANSWER_0RTT_ADDED, "%s: no answer kind",
                  c->id);
        cr_expect(k->expect >= CLIENT_EXPECT_WELLFORMED && k->expect <= CLIENT_EXPECT_PROXY_CANONICAL, "%s: no expectation",
                  c->id);
        if (k->expect == CLIENT_EXPECT_ALERT)
            cr_expect(k->alert == -1 || k->alert > 0, "%s: alert %d (0 is close_notify, no rejection)", c->id,
                      k->alert);
        else
            cr_expect_eq(k->alert, -1, "%s: an alert it does not expect", c->id);
    } else {
        expect_no_play(c, k, &no_client, sizeof *k, "client");
    }
}

static void expect_proxy_play(const check_entry *c)
{
    const proxy_play *x = &c->proxy;
    if (c->family == CHECK_FAMILY_PROXY) {
        cr_expect(x->expect >= PROXY_EXPECT_INTACT && x->expect <= PROXY_EXPECT_FORWARDED, "%s: no expectation",
                  c->id);
        /* The baseline is the one CONNECT without the field; INFO rows report, they never judge a refusal. */
        cr_expect_eq(x->alpn_header == NULL, x->expect == PROXY_EXPECT_INTACT, "%s", c->id);
        cr_expect_eq(c->lvl == LEVEL_INFO, x->expect == PROXY_EXPECT_REPORT, "%s", c->id);
    } else {
        cr_expect(x->alpn_header == NULL && x->expect == 0, "%s: a proxy play in a %s row", c->id,
                  check_family_name(c->family));
    }
}

/* Every server and client row says how its check is played, so that no row exists without a check behind it. A
 * server row has a runner (several connections), or a judge and, unless its ClientHello carries no ALPN, an offer
 * builder (one connection); run_pos numbers the server rows 1..N, each once. A client row names its answer and its
 * expectation, and an expected alert (-1: any) exactly when it expects one. Header rows are libalpn's and the
 * vectors' and carry no play. A row that does not run over both TLS 1.2 and 1.3 says why it is SKIP elsewhere. */
Test(catalogue, every_row_says_how_it_is_played)
{
    unsigned char at[RUN_POS_MAX] = {0};
    size_t servers = 0;
    for (size_t i = 0; i < check_catalogue_count; i++) {
        const check_entry *c = &check_catalogue[i];
        servers += (size_t)expect_server_play(c, at);
        expect_client_play(c);
        expect_proxy_play(c);
        if (!is_text_family(c->family) && c->family != CHECK_FAMILY_PROXY)
            cr_expect_eq(c->outside != NULL, (c->tls & CHECK_TLS12_13) != CHECK_TLS12_13,
                         "%s: TLS versions %#x, outside \"%s\"", c->id, c->tls, c->outside ? c->outside : "(none)");
        else
            cr_expect_null(c->outside, "%s", c->id);
    }
    for (size_t pos = 1; pos <= servers; pos++)
        cr_expect_eq(at[pos], 1, "no server row has run_pos %zu (of %zu)", pos, servers);
    cr_expect_not_null(server_check_in_run_order(servers - 1));
    cr_expect_null(server_check_in_run_order(servers));
}

Test(catalogue, lookups_and_texts)
{
    cr_expect_null(check_find("SRV-NOT-A-CHECK"));
    cr_expect_null(check_find(NULL));
    cr_expect_str_eq(check_get("SRV-NOT-A-CHECK")->section, "unknown check");
    cr_expect_str_eq(check_find("SRV-GREASE-ONLY")->ref, "8701 §3");
    cr_expect_eq(check_family_parse("server"), CHECK_FAMILY_SERVER);
    cr_expect_eq(check_family_parse("client"), CHECK_FAMILY_CLIENT);
    cr_expect_eq(check_family_parse("header"), CHECK_FAMILY_HEADER);
    cr_expect_eq(check_family_parse("proxy"), CHECK_FAMILY_PROXY);
    cr_expect_eq(check_family_parse("Server"), -1);
    cr_expect_str_eq(check_family_name(CHECK_FAMILY_HEADER), "header");
    cr_expect_eq(check_tls_bit("1.3"), CHECK_TLS13);
    cr_expect_eq(check_tls_bit("1.0"), CHECK_TLS10);
    cr_expect_eq(check_tls_bit("1.4"), 0);
    cr_expect_eq(check_tls_bit("1.3x"), 0);
    char buf[64];
    check_tls_text(CHECK_TLS12 | CHECK_TLS13, buf, sizeof buf);
    cr_expect_str_eq(buf, "1.2, 1.3");
    check_tls_text(0, buf, sizeof buf);
    cr_expect_str_eq(buf, "");
    check_applies_text(check_find("SRV-H2-MIN-TLS12"), buf, sizeof buf);
    cr_expect_str_eq(buf, "TLS 1.0, 1.1 over TCP");
    check_applies_text(check_find("SRV-GREASE-ONLY"), buf, sizeof buf);
    cr_expect_str_eq(buf, "TLS 1.2, 1.3 over TCP; TLS 1.3 over QUIC");
    check_applies_text(check_find("SRV-QUIC-NO-ALPN"), buf, sizeof buf);
    cr_expect_str_eq(buf, "TLS 1.3 over QUIC");
    cr_expect_null(check_transport_skip(check_find("SRV-GREASE-ONLY"), CHECK_TRANSPORT_QUIC));
    cr_expect_null(check_transport_skip(check_find("SRV-GREASE-ONLY"), 0), "0 is TCP");
    cr_expect_str_eq(check_transport_skip(check_find("SRV-QUIC-NO-ALPN"), CHECK_TRANSPORT_TCP),
                     "applies over QUIC only");
    cr_expect_str_eq(check_transport_skip(check_find("SRV-RENEG-ALPN"), CHECK_TRANSPORT_QUIC),
                     check_find("SRV-RENEG-ALPN")->not_quic);
    check_applies_text(check_find("HDR-TOKEN"), buf, sizeof buf);
    cr_expect_str_eq(buf, "HTTP header field");
}

/* ---- a row's TLS versions are where its check runs ---------------------------------------------------------- */

static const char *const all_versions[] = {"1.0", "1.1", "1.2", "1.3"};

Test(catalogue, server_scenarios_skip_exactly_outside_their_versions)
{
    static scenario s;
    profile p;
    tk_profile(&p, "h2,http/1.1,h3");
    static const unsigned transports[] = {CHECK_TRANSPORT_TCP, CHECK_TRANSPORT_QUIC};
    for (size_t i = 0; i < server_check_count(); i++) {
        const check_entry *c = check_get(server_check_id(i));
        for (size_t t = 0; t < 2; t++) {
            for (size_t v = 0; v < 4; v++) {
                cr_assert_eq(scenario_over(&s, c, all_versions[v], transports[t], &p), 0);
                int applies = (c->tls & check_tls_bit(all_versions[v])) != 0 && (c->transport & transports[t]) != 0;
                cr_expect_eq(s.skip_reason == NULL, applies, "%s over TLS %s, %s: %s", c->id, all_versions[v],
                             check_transport_name(transports[t]), s.skip_reason ? s.skip_reason : "runs");
                /* Over a transport the row lacks, the reason is the transport's, whatever the version. */
                if (!(c->transport & transports[t]))
                    cr_expect_str_eq(s.skip_reason, check_transport_skip(c, transports[t]), "%s", c->id);
            }
        }
    }
}

/* Observations with which each multi-connection judge reaches a verdict other than SKIP wherever it applies. */
Test(catalogue, multi_connection_checks_skip_exactly_outside_their_versions)
{
    profile p;
    tk_profile(&p, "h2,http/1.1");
    observation ab;
    observation_init(&ab);
    ab.completed = 1;
    ab.alpn_count = 1;
    memcpy(ab.alpn, "\x00\x03\x02h2", 5);
    ab.alpn_len = 5;
    session_observation first = {.alert = -1, .completed = 1, .has_selected = 1, .selected = "h2", .selected_len = 2};
    session_observation second = {
        .alert = -1, .completed = 1, .resumed = 1, .has_selected = 1, .selected = "http/1.1", .selected_len = 8};
    session_observation spoke = first;
    memcpy(spoke.app, "\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9);
    spoke.app_len = 9;
    spoke.spoke = 1;
    session_observation control = {.alert = -1, .completed = 1, .early_sent = 1, .early_accepted = 1};
    session_observation test = {.alert = -1, .completed = 1, .early_sent = 1};
    alpn_name h2 = {(const uint8_t *)"h2", 2};
    static const char *const ids[] = {"SRV-SERVER-PREFERENCE", "SRV-RESUME-FRESH",      "SRV-PROTOCOL-DEFINITIVE",
                                      "SRV-0RTT-ALPN",         "SRV-0RTT-TICKET-FRESH", "SRV-RENEG-ALPN",
                                      "SRV-0RTT-ALPN-ADDED",   "SRV-0RTT-ALPN-OMITTED"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const check_entry *c = check_get(ids[i]);
        for (size_t v = 2; v < 4; v++) {
            const char *tls = all_versions[v];
            result r;
            switch (i) {
            case 0:
                judge_server_preference(&p, tls, &ab, &ab, &r);
                break;
            case 1:
                judge_resume_fresh(&p, tls, &first, &second, &r);
                break;
            case 2:
                judge_protocol_definitive(tls, &h2, &spoke, &r);
                break;
            case 3:
                judge_0rtt(&p, tls, EARLY_OTHER_PROTOCOL, &control, &test, &r);
                break;
            case 4:
                judge_0rtt(&p, tls, EARLY_RENEWED_TICKET, &control, &test, &r);
                break;
            case 5:
                judge_reneg(&p, tls, &first, &second, &r);
                break;
            default:
                judge_0rtt(&p, tls, i == 6 ? EARLY_ALPN_ADDED : EARLY_ALPN_OMITTED, &control, &test, &r);
                break;
            }
            cr_expect_str_eq(r.id, c->id);
            int applies = (c->tls & check_tls_bit(tls)) != 0;
            cr_expect_eq(r.v != VERDICT_SKIP, applies, "%s over TLS %s: %s — %s", c->id, tls, verdict_name(r.v),
                         r.observed);
        }
    }
}

/* The client checks take their versions from the row, so the row is held here to what the checks are: ALPN in a TLS
 * 1.3 ServerHello and 0-RTT exist in TLS 1.3 only, NPN in TLS 1.2 only; every other client check runs over both. */
Test(catalogue, client_scenarios_skip_exactly_outside_their_versions)
{
    static const struct {
        const char *id;
        unsigned tls;
    } one_version[] = {
        {"CLI-TLS13-ALPN-IN-SH", CHECK_TLS13},
        {"CLI-NPN-AND-ALPN", CHECK_TLS12},
        {"CLI-0RTT-ALPN", CHECK_TLS13},
        {"CLI-0RTT-ALPN-ADDED", CHECK_TLS13},
        {"CLI-QUIC-NO-ALPN", CHECK_TLS13},
    };
    static client_scenario s;
    for (size_t i = 0; i < client_check_count(); i++) {
        const check_entry *c = check_get(client_check_id(i));
        unsigned want = CHECK_TLS12_13;
        for (size_t j = 0; j < sizeof one_version / sizeof one_version[0]; j++) {
            if (strcmp(one_version[j].id, c->id) == 0)
                want = one_version[j].tls;
        }
        cr_expect_eq(c->tls, want, "%s: TLS versions %#x, expected %#x", c->id, c->tls, want);
        for (size_t v = 2; v < 4; v++) {
            cr_assert_eq(client_scenario_build(&s, c->id, all_versions[v]), 0);
            /* client_scenario_build is over TCP: a QUIC-only row is SKIP there, with that reason. */
            int over_tcp = (c->transport & CHECK_TRANSPORT_TCP) != 0;
            int applies = over_tcp && (want & check_tls_bit(all_versions[v])) != 0;
            cr_expect_eq(s.skip_reason == NULL, applies, "%s over TLS %s: %s", c->id, all_versions[v],
                         s.skip_reason ? s.skip_reason : "runs");
            if (!over_tcp)
                cr_expect_str_eq(s.skip_reason, "applies over QUIC only", "%s", c->id);
        }
        /* Over QUIC (TLS 1.3): the rows with QUIC in their mask run, the others give their not_quic reason. */
        cr_assert_eq(client_scenario_over(&s, c, "1.3", CHECK_TRANSPORT_QUIC), 0);
        int quic = (c->transport & CHECK_TRANSPORT_QUIC) != 0;
        cr_expect_eq(s.skip_reason == NULL, quic, "%s over QUIC: %s", c->id, s.skip_reason ? s.skip_reason : "runs");
        if (!quic)
            cr_expect_str_eq(s.skip_reason, c->not_quic, "%s", c->id);
    }
}
