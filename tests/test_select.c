/* Server-side selection: exact matching, preference, GREASE, malformed lists, scale. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "alpn.h"
#include "cases.h"
#include "guard.h"

/* Splits a comma-separated list of names (no escapes; "\0" inside C literals is not usable here, so NUL cases are
 * written in hex separately) into alpn_name entries pointing into storage. */
static size_t split(const char *csv, char *storage, alpn_name *names, size_t max)
{
    size_t n = 0, len = strlen(csv);
    memcpy(storage, csv, len + 1);
    char *p = storage;
    while (*p && n < max) {
        char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        names[n++] = (alpn_name){(const uint8_t *)p, l};
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}

/* tests/cases/select.json: one selection each (the server's names comma-separated, the client's extension_data in
 * hex, whose preference, the expected status and, on success, the name and its position in the client's list). */
static const char *const statuses[] = {"ok", "decode_error", "no_application_protocol"};
static const int status_codes[] = {ALPN_OK, ALPN_DECODE_ERROR, ALPN_NO_APPLICATION_PROTOCOL};
static const char *const preferences[] = {"server", "client"};
static const alpn_preference preference_codes[] = {ALPN_PREFER_SERVER, ALPN_PREFER_CLIENT};

Test(select, table)
{
    char storage[256];
    alpn_name server[8];
    uint8_t buf[256];
    case_file f;
    cases_open(&f, "select");
    for (size_t i = 0; i < f.n; i++) {
        const json_t *c = cases_at(&f, i);
        const char *name = case_name(c), *csv = case_text(c, "server", NULL);
        cr_assert_not_null(csv, "%s: no server list", name);
        cr_assert_lt(strlen(csv), sizeof storage, "%s: server list too long", name);
        int status = CASE_CODE(c, "status", statuses, status_codes);
        /* Only a success selects: elsewhere selected and client_index stay unread and fail the case. */
        const char *selected = status == ALPN_OK ? case_text(c, "selected", NULL) : NULL;
        long long want_ci = status == ALPN_OK ? case_int(c, "client_index", -1) : -1;
        alpn_preference pref = CASE_CODE(c, "prefer", preferences, preference_codes);
        size_t n_server = csv[0] ? split(csv, storage, server, 8) : 0;
        size_t len = case_hex(c, "offer", buf, sizeof buf);
        size_t sel = 999, ci = 999;
        alpn_error err = {0};
        int rc = alpn_select(n_server ? server : NULL, n_server, guard_place(buf, len), len, pref, &sel, &ci, &err);
        cr_expect_eq(rc, status, "%s: status %d (%s), expected %d", name, rc, alpn_strerror(rc), status);
        if (rc == ALPN_OK && status == ALPN_OK) {
            cr_assert_not_null(selected, "%s: a success names the selected protocol", name);
            cr_assert_lt(sel, n_server, "%s", name);
            cr_expect(server[sel].len == strlen(selected) && memcmp(server[sel].data, selected, server[sel].len) == 0,
                      "%s: selected %.*s, expected %s", name, (int)server[sel].len, server[sel].data, selected);
            cr_expect_eq(ci, (size_t)want_ci, "%s: client index %zu, expected %lld", name, ci, want_ci);
        } else if (rc != ALPN_OK) {
            cr_expect_eq(sel, 999, "%s: selected written on failure", name);
            cr_expect_not_null(err.check, "%s: no check ID", name);
        }
    }
    cases_close(&f);
}

/* A server supporting only h2 refuses the client's list with status want; the error it reports. */
static alpn_error h2_server_refuses(const uint8_t *client, size_t len, int want)
{
    alpn_name server[] = {{(const uint8_t *)"h2", 2}};
    size_t sel;
    alpn_error err;
    cr_assert_eq(alpn_select(server, 1, guard_place(client, len), len, ALPN_PREFER_SERVER, &sel, NULL, &err), want);
    return err;
}

Test(select, no_overlap_reports_check)
{
    static const uint8_t client[] = {0, 4, 3, 'f', 'o', 'o'};
    alpn_error err = h2_server_refuses(client, sizeof client, ALPN_NO_APPLICATION_PROTOCOL);
    cr_expect_str_eq(err.check, "SRV-NO-OVERLAP-ALERT");
    cr_expect_eq(err.status, 120);
}

Test(select, malformed_reports_list_check)
{
    static const uint8_t client[] = {0, 4, 2, 'h', '2', 0};
    alpn_error err = h2_server_refuses(client, sizeof client, ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SRV-MALFORMED-EMPTY-NAME-LATER");
    cr_expect_eq(err.offset, 5);
}

Test(select, invalid_arguments)
{
    const uint8_t client[] = {0, 3, 2, 'h', '2'};
    uint8_t long_name[256];
    memset(long_name, 'a', sizeof long_name);
    alpn_name bad[][1] = {{{(const uint8_t *)"", 0}}, {{NULL, 2}}, {{long_name, 256}}};
    size_t sel;
    alpn_error err;
    for (size_t i = 0; i < 3; i++) {
        cr_expect_eq(alpn_select(bad[i], 1, client, sizeof client, ALPN_PREFER_SERVER, &sel, NULL, &err),
                     ALPN_E_ARGUMENT, "bad server name %zu", i);
    }
    alpn_name ok[] = {{(const uint8_t *)"h2", 2}};
    cr_expect_eq(alpn_select(ok, 1, client, sizeof client, ALPN_PREFER_SERVER, NULL, NULL, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_select(NULL, 1, client, sizeof client, ALPN_PREFER_SERVER, &sel, NULL, NULL), ALPN_E_ARGUMENT);
    alpn_name long_ok[] = {{long_name, 255}};
    cr_expect_eq(alpn_select(long_ok, 1, client, sizeof client, ALPN_PREFER_SERVER, &sel, NULL, NULL),
                 ALPN_NO_APPLICATION_PROTOCOL);
}

/* SRV-MANY-TINY-NAMES / SRV-MANY-NAMES: the largest possible list of one-byte names (21845 of them, many
 * duplicates), the supported name last. Checks correctness; speed is measured in make bench. */
Test(select, maximum_list_supported_last)
{
    static uint8_t ext[ALPN_EXT_MAX];
    size_t pos = 2;
    while (pos + 2 <= ALPN_EXT_MAX - 3) {
        ext[pos] = 1;
        ext[pos + 1] = (uint8_t)('a' + pos % 7);
        pos += 2;
    }
    ext[pos++] = 2;
    ext[pos++] = 'h';
    ext[pos++] = '2';
    ext[0] = (uint8_t)((pos - 2) >> 8);
    ext[1] = (uint8_t)(pos - 2);
    alpn_name server[] = {{(const uint8_t *)"http/1.1", 8}, {(const uint8_t *)"h2", 2}};
    size_t sel = 9, ci = 0, count = 0;
    cr_assert_eq(alpn_list_validate(ext, pos, ALPN_ROLE_CLIENT, &count, NULL), ALPN_OK);
    cr_assert_eq(alpn_select(server, 2, guard_place(ext, pos), pos, ALPN_PREFER_SERVER, &sel, &ci, NULL), ALPN_OK);
    cr_expect_eq(sel, 1);
    cr_expect_eq(ci, count - 1);
}

/* Property: against a brute-force model, on random well-formed lists over a small alphabet of names. */
Test(select, matches_model_on_random_lists)
{
    static const char *const pool[] = {"h2", "http/1.1", "h3", "H2", "h2c", "\x0a\x0a", "http/1.", "x", "spdy/3"};
    const size_t pool_n = sizeof pool / sizeof pool[0];
    srand(7301);
    for (int round = 0; round < 4000; round++) {
        /* Up to 8 server names: the one-shot call compares names directly up to 4 and builds the filters above. */
        alpn_name server[8], client[6];
        size_t ns = (size_t)rand() % 9, nc = 1 + (size_t)rand() % 6;
        for (size_t i = 0; i < ns; i++) {
            const char *s = pool[(size_t)rand() % pool_n];
            server[i] = (alpn_name){(const uint8_t *)s, strlen(s)};
        }
        for (size_t i = 0; i < nc; i++) {
            const char *s = pool[(size_t)rand() % pool_n];
            client[i] = (alpn_name){(const uint8_t *)s, strlen(s)};
        }
        uint8_t ext[128];
        size_t ext_len;
        cr_assert_eq(alpn_list_encode(client, nc, ext, sizeof ext, &ext_len, NULL), ALPN_OK);
        for (int pref = 0; pref < 2; pref++) {
            /* Model: best (server index, client index) pair in the preference order, GREASE excluded. */
            size_t want_s = ns, want_c = nc;
            for (size_t s = 0; s < ns; s++) {
                for (size_t c = 0; c < nc; c++) {
                    if (server[s].len != client[c].len || memcmp(server[s].data, client[c].data, client[c].len))
                        continue;
                    if (alpn_is_grease(client[c].data, client[c].len))
                        continue;
                    int better = pref == ALPN_PREFER_SERVER ? (s < want_s || (s == want_s && c < want_c))
                                                            : (c < want_c || (c == want_c && s < want_s));
                    if (better) {
                        want_s = s;
                        want_c = c;
                    }
                }
            }
            size_t sel = 99, ci = 99, psel = 99, pci = 99;
            int rc = alpn_select(ns ? server : NULL, ns, ext, ext_len, (alpn_preference)pref, &sel, &ci, NULL);
            /* The prepared selector answers exactly like the one-shot call. */
            alpn_selector prepared;
            cr_assert_eq(alpn_selector_init(&prepared, ns ? server : NULL, ns, NULL), ALPN_OK);
            int prc = alpn_selector_select(&prepared, ext, ext_len, (alpn_preference)pref, &psel, &pci, NULL);
            cr_assert_eq(prc, rc, "round %d pref %d: prepared %d, one-shot %d", round, pref, prc, rc);
            cr_assert(rc != ALPN_OK || (psel == sel && pci == ci), "round %d pref %d", round, pref);
            if (want_s == ns) {
                cr_assert_eq(rc, ALPN_NO_APPLICATION_PROTOCOL, "round %d pref %d", round, pref);
            } else {
                cr_assert_eq(rc, ALPN_OK, "round %d pref %d", round, pref);
                cr_assert_eq(sel, want_s, "round %d pref %d: server index %zu, want %zu", round, pref, sel, want_s);
                cr_assert_eq(ci, want_c, "round %d pref %d: client index %zu, want %zu", round, pref, ci, want_c);
            }
        }
    }
}

Test(select, prepared_selector)
{
    static const alpn_name server[] = {{(const uint8_t *)"h2", 2}, {(const uint8_t *)"http/1.1", 8}};
    alpn_selector sel;
    alpn_error err = {0};
    size_t out = 99;
    cr_assert_eq(alpn_selector_init(&sel, server, 2, &err), ALPN_OK);
    /* RFC 7301 §3.1: the server's first choice comes first, yet an empty name after it still spoils the list. */
    static const uint8_t later_empty[] = {0x00, 0x04, 0x02, 'h', '2', 0x00};
    cr_expect_eq(alpn_selector_select(&sel, later_empty, sizeof later_empty, ALPN_PREFER_SERVER, &out, NULL, &err),
                 ALPN_DECODE_ERROR);
    cr_expect_eq(out, 99);
    /* ... and so does a name running past the end after the match. */
    static const uint8_t later_overrun[] = {0x00, 0x05, 0x02, 'h', '2', 0x05, 'x'};
    cr_expect_eq(alpn_selector_select(&sel, later_overrun, sizeof later_overrun, ALPN_PREFER_SERVER, &out, NULL, &err),
                 ALPN_DECODE_ERROR);
    static const uint8_t ok[] = {0x00, 0x0c, 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1', 0x02, 'h', '2'};
    cr_expect_eq(alpn_selector_select(&sel, ok, sizeof ok, ALPN_PREFER_SERVER, &out, NULL, &err), ALPN_OK);
    cr_expect_eq(out, 0, "server preference: h2 although the client lists it second");
    /* Caller errors. */
    cr_expect_eq(alpn_selector_init(NULL, server, 2, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_selector_init(&sel, NULL, 1, &err), ALPN_E_ARGUMENT);
    static const alpn_name empty_name[] = {{(const uint8_t *)"h2", 2}, {(const uint8_t *)"", 0}};
    cr_expect_eq(alpn_selector_init(&sel, empty_name, 2, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(err.offset, 1, "the bad server name's index");
    /* A selector whose init failed selects nothing. */
    cr_expect_eq(alpn_selector_select(&sel, ok, sizeof ok, ALPN_PREFER_SERVER, &out, NULL, &err),
                 ALPN_NO_APPLICATION_PROTOCOL);
    cr_expect_eq(alpn_selector_select(NULL, ok, sizeof ok, ALPN_PREFER_SERVER, &out, NULL, &err), ALPN_E_ARGUMENT);
    cr_expect_eq(alpn_selector_select(&sel, ok, sizeof ok, ALPN_PREFER_SERVER, NULL, NULL, &err), ALPN_E_ARGUMENT);
}

/* The common case (the client's first name is the server's first) has its own path; it must agree with the general
 * one on every edge: the rest of the list still validated, GREASE never selected, both preferences, client_index,
 * no offer at all. */
Test(select, first_name_matches_server_first)
{
    static const alpn_name server[] = {{(const uint8_t *)"h2", 2}, {(const uint8_t *)"http/1.1", 8}};
    alpn_selector sel;
    alpn_error err = {0};
    size_t out = 99, ci = 99;
    cr_assert_eq(alpn_selector_init(&sel, server, 2, &err), ALPN_OK);
    static const uint8_t first[] = {0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    for (int pref = ALPN_PREFER_SERVER; pref <= ALPN_PREFER_CLIENT; pref++) {
        out = ci = 99;
        cr_expect_eq(alpn_selector_select(&sel, first, sizeof first, (alpn_preference)pref, &out, &ci, &err), ALPN_OK);
        cr_expect(out == 0 && ci == 0, "preference %d: server index %zu, client index %zu", pref, out, ci);
    }
    /* Only the first name: the list ends right after it. */
    static const uint8_t only[] = {0x00, 0x03, 0x02, 'h', '2'};
    cr_expect_eq(alpn_selector_select(&sel, only, sizeof only, ALPN_PREFER_SERVER, &out, NULL, &err), ALPN_OK);
    /* The list length says less than the extension holds: decode_error, whatever matched. */
    static const uint8_t short_len[] = {0x00, 0x03, 0x02, 'h', '2', 0x01, 'x'};
    cr_expect_eq(alpn_selector_select(&sel, short_len, sizeof short_len, ALPN_PREFER_SERVER, &out, NULL, &err),
                 ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SRV-MALFORMED-LIST-SHORT");
    /* The first name would run past the list. */
    static const uint8_t overrun[] = {0x00, 0x02, 0x02, 'h'};
    cr_expect_eq(alpn_selector_select(&sel, overrun, sizeof overrun, ALPN_PREFER_SERVER, &out, NULL, &err),
                 ALPN_DECODE_ERROR);
    /* No offer at all. */
    cr_expect_eq(alpn_selector_select(&sel, NULL, 0, ALPN_PREFER_SERVER, &out, NULL, &err), ALPN_DECODE_ERROR);
    /* RFC 8701 §3.1: a server list that begins with a GREASE value still never selects it, even offered first. */
    static const uint8_t grease_name[] = {0x2a, 0x2a};
    static const alpn_name greasy[] = {{grease_name, 2}, {(const uint8_t *)"h2", 2}};
    cr_assert_eq(alpn_selector_init(&sel, greasy, 2, &err), ALPN_OK);
    static const uint8_t grease_first[] = {0x00, 0x06, 0x02, 0x2a, 0x2a, 0x02, 'h', '2'};
    out = ci = 99;
    cr_expect_eq(alpn_selector_select(&sel, grease_first, sizeof grease_first, ALPN_PREFER_SERVER, &out, &ci, &err),
                 ALPN_OK);
    cr_expect(out == 1 && ci == 1, "h2 selected (server index %zu, client index %zu)", out, ci);
    /* The same with a list long enough for the one-load comparison of the first name. */
    static const uint8_t grease_long[] = {0x00, 0x0d, 0x02, 0x2a, 0x2a, 0x02, 'h', '2',
                                          0x06, 's',  'p',  'd',  'y',  '/',  '3'};
    out = ci = 99;
    cr_expect_eq(alpn_selector_select(&sel, grease_long, sizeof grease_long, ALPN_PREFER_SERVER, &out, &ci, &err),
                 ALPN_OK);
    cr_expect(out == 1 && ci == 1, "h2 selected (server index %zu, client index %zu)", out, ci);
    /* A 7-byte first name fills the comparison word: one byte off in its last place is another name. */
    static const alpn_name seven[] = {{(const uint8_t *)"abcdefg", 7}, {(const uint8_t *)"h2", 2}};
    cr_assert_eq(alpn_selector_init(&sel, seven, 2, &err), ALPN_OK);
    static const uint8_t seven_first[] = {0x00, 0x0b, 0x07, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 0x02, 'h', '2'};
    out = ci = 99;
    cr_expect_eq(alpn_selector_select(&sel, seven_first, sizeof seven_first, ALPN_PREFER_SERVER, &out, &ci, &err),
                 ALPN_OK);
    cr_expect(out == 0 && ci == 0, "abcdefg selected (server index %zu, client index %zu)", out, ci);
    static const uint8_t seven_off[] = {0x00, 0x0b, 0x07, 'a', 'b', 'c', 'd', 'e', 'f', 'h', 0x02, 'h', '2'};
    out = ci = 99;
    cr_expect_eq(alpn_selector_select(&sel, seven_off, sizeof seven_off, ALPN_PREFER_SERVER, &out, &ci, &err), ALPN_OK);
    cr_expect(out == 1 && ci == 1, "h2 selected (server index %zu, client index %zu)", out, ci);
    /* An 8-byte first name is too long for the word: the general path selects it. */
    static const alpn_name eight[] = {{(const uint8_t *)"http/1.1", 8}, {(const uint8_t *)"h2", 2}};
    cr_assert_eq(alpn_selector_init(&sel, eight, 2, &err), ALPN_OK);
    out = ci = 99;
    cr_expect_eq(alpn_selector_select(&sel, first, sizeof first, ALPN_PREFER_SERVER, &out, &ci, &err), ALPN_OK);
    cr_expect(out == 0 && ci == 1, "http/1.1 selected (server index %zu, client index %zu)", out, ci);
    /* Back to h2 first: a longer name starting like it (h2c) is not it, whatever its bytes after the word. */
    cr_assert_eq(alpn_selector_init(&sel, server, 2, &err), ALPN_OK);
    static const uint8_t prefix[] = {0x00, 0x0a, 0x03, 'h', '2', 'c', 0x05, 'h', '2', '-', '1', '4'};
    cr_expect_eq(alpn_selector_select(&sel, prefix, sizeof prefix, ALPN_PREFER_SERVER, &out, NULL, &err),
                 ALPN_NO_APPLICATION_PROTOCOL);
    /* h2 matched in one load, and the rest of the list is still validated: an empty name, a name past the end. */
    static const uint8_t rest_empty[] = {0x00, 0x08, 0x02, 'h', '2', 0x03, 'a', 'b', 'c', 0x00};
    cr_expect_eq(alpn_selector_select(&sel, rest_empty, sizeof rest_empty, ALPN_PREFER_SERVER, &out, NULL, &err),
                 ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SRV-MALFORMED-EMPTY-NAME-LATER");
    static const uint8_t rest_overrun[] = {0x00, 0x08, 0x02, 'h', '2', 0x05, 'a', 'b', 'c', 'd'};
    cr_expect_eq(alpn_selector_select(&sel, rest_overrun, sizeof rest_overrun, ALPN_PREFER_SERVER, &out, NULL, &err),
                 ALPN_DECODE_ERROR);
    cr_expect_str_eq(err.check, "SRV-MALFORMED-NAME-OVERRUN");
    /* An empty server list selects nothing. */
    cr_assert_eq(alpn_selector_init(&sel, server, 0, &err), ALPN_OK);
    cr_expect_eq(alpn_selector_select(&sel, first, sizeof first, ALPN_PREFER_SERVER, &out, NULL, &err),
                 ALPN_NO_APPLICATION_PROTOCOL);
}
