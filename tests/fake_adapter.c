/*
 * A fake vector adapter for tests/test_vectors_run.c: answers every family of the line protocol (vectors/FORMAT.md)
 * with libalpn, except where told to misbehave:
 *   --wrong TCID      answer that test wrongly (accept what libalpn rejects, reject what it accepts)
 *   --hang-at TCID    stop answering at that test (sleeps until killed)
 *   --die-at TCID     exit 3 at that test without answering
 *   --garble-at TCID  answer that test with a line that is not ok/error/skip
 *   --alert-at TCID ALERT  answer that test with `error ALERT`
 *   --no-hello        never print the handshake (sleeps until killed)
 *   --families F      announce F instead of list,select,hparse,hformat
 *   --ignore-quit     keep running after `quit` (the runner must kill it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapter_io.h"
#include "alpn.h"

#define HEX_MAX (ADAPTER_LINE_MAX / 2)

static char line[ADAPTER_LINE_MAX + 2];
static uint8_t a[HEX_MAX], b[HEX_MAX], out[HEX_MAX + ALPN_EXT_MAX];
static char text[3 * HEX_MAX + 16];

static void ok_ext(const uint8_t *ext, size_t len)
{
    const uint8_t *names[ALPN_LIST_MAX / 2];
    size_t lens[ALPN_LIST_MAX / 2], n = 0;
    alpn_iter it;
    alpn_name nm;
    alpn_iter_init(&it, ext, len);
    while (n < ALPN_LIST_MAX / 2 && alpn_iter_next(&it, &nm)) {
        names[n] = nm.data;
        lens[n++] = nm.len;
    }
    adapter_ok_names(names, lens, n);
}

static void error_alert(int rc)
{
    char s[16];
    snprintf(s, sizeof s, "%d", rc < ALPN_INTERNAL ? rc : 80);
    adapter_error(s);
}

/* Answers correctly; returns 1 when the answer was ok (so --wrong knows what to invert). */
static int answer(const adapter_request *r, int dry)
{
    const char *t = r->field[0];
    alpn_error err;
    if (strcmp(t, "list") == 0 && r->n == 4) {
        long l = adapter_hex(r->field[3], a, sizeof a);
        int rc = l < 0 ? ALPN_DECODE_ERROR
                       : alpn_list_validate(a, (size_t)l, strcmp(r->field[2], "server") == 0, NULL, &err);
        if (!dry)
            rc == ALPN_OK ? ok_ext(a, (size_t)l) : error_alert(rc);
        return rc == ALPN_OK;
    }
    if (strcmp(t, "select") == 0 && r->n == 4) {
        long sl = adapter_hex(r->field[2], a, sizeof a), cl = adapter_hex(r->field[3], b, sizeof b);
        alpn_name server[512];
        size_t n = 0, sel = 0;
        alpn_iter it;
        alpn_name nm;
        alpn_iter_init(&it, a, sl < 0 ? 0 : (size_t)sl);
        while (n < 512 && alpn_iter_next(&it, &nm))
            server[n++] = nm;
        int rc =
            cl < 0 ? ALPN_DECODE_ERROR : alpn_select(server, n, b, (size_t)cl, ALPN_PREFER_SERVER, &sel, NULL, &err);
        if (!dry) {
            if (rc == ALPN_OK)
                adapter_ok_names(&server[sel].data, &server[sel].len, 1);
            else
                error_alert(rc);
        }
        return rc == ALPN_OK;
    }
    if (strcmp(t, "hparse") == 0 && r->n == 4) {
        long l = adapter_hex(r->field[3], a, sizeof a);
        alpn_header_result res = {.ext = out, .ext_cap = sizeof out};
        int rc = l < 0 ? ALPN_E_HEADER
                       : alpn_header_parse((const char *)a, (size_t)l,
                                           strcmp(r->field[2], "lenient") == 0 ? ALPN_HDR_LENIENT : ALPN_HDR_STRICT,
                                           &res, &err);
        if (!dry)
            rc == ALPN_OK ? ok_ext(out, res.ext_len) : adapter_error(l < 0 ? "-" : err.check);
        return rc == ALPN_OK;
    }
    if (strcmp(t, "hformat") == 0 && r->n == 3) {
        long l = adapter_hex(r->field[2], a, sizeof a);
        size_t len = 0;
        int rc = l < 0 ? ALPN_DECODE_ERROR : alpn_header_format(a, (size_t)l, text, sizeof text, &len, &err);
        if (!dry) {
            const uint8_t *v[1] = {(const uint8_t *)text};
            if (rc == ALPN_OK)
                adapter_ok_names(v, &len, 1);
            else
                adapter_error(l < 0 ? "-" : err.check);
        }
        return rc == ALPN_OK;
    }
    if (!dry)
        adapter_error("-");
    return 0;
}

int main(int argc, char **argv)
{
    long wrong = -1, hang = -1, die = -1, garble = -1, alert_at = -1;
    const char *alert = "50";
    int hello = 1, ignore_quit = 0;
    const char *families = "list,select,hparse,hformat";
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : "0";
        if (strcmp(argv[i], "--wrong") == 0)
            wrong = atol(v), i++;
        else if (strcmp(argv[i], "--hang-at") == 0)
            hang = atol(v), i++;
        else if (strcmp(argv[i], "--die-at") == 0)
            die = atol(v), i++;
        else if (strcmp(argv[i], "--garble-at") == 0)
            garble = atol(v), i++;
        else if (strcmp(argv[i], "--alert-at") == 0 && i + 2 < argc)
            alert_at = atol(v), alert = argv[i + 2], i += 2;
        else if (strcmp(argv[i], "--families") == 0)
            families = v, i++;
        else if (strcmp(argv[i], "--no-hello") == 0)
            hello = 0;
        else if (strcmp(argv[i], "--ignore-quit") == 0)
            ignore_quit = 1;
    }
    if (!hello)
        for (;;)
            pause();
    adapter_hello("fake", families);
    adapter_request r;
    int n;
    for (;;) {
        n = adapter_next(line, sizeof line, &r);
        if (n == 0) {
            if (!ignore_quit)
                return 0;
            for (;;)
                pause();
        }
        if (n < 0) {
            adapter_error("-");
            continue;
        }
        long tc = r.n > 1 ? atol(r.field[1]) : -1;
        if (tc == hang)
            for (;;)
                pause();
        if (tc == die)
            return 3;
        if (tc == garble) {
            puts("maybe 42");
            fflush(stdout);
            continue;
        }
        if (tc == alert_at) {
            adapter_error(alert);
            continue;
        }
        if (tc == wrong) {
            if (answer(&r, 1))
                adapter_error(strcmp(r.field[0], "list") == 0 || strcmp(r.field[0], "select") == 0 ? "50" : "-");
            else
                puts("ok 78"), fflush(stdout);
            continue;
        }
        answer(&r, 0);
    }
}
