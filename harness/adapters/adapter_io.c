#include "adapter_io.h"

#include "hex.h"

#include <stdio.h>
#include <string.h>

int adapter_next(char *buf, size_t cap, adapter_request *req)
{
    size_t n = 0;
    int c, overflow = 0;
    while ((c = getchar()) != EOF && c != '\n') {
        if (n + 1 < cap && n < ADAPTER_LINE_MAX)
            buf[n++] = (char)c;
        else
            overflow = 1;
    }
    if (c == EOF && n == 0)
        return 0;
    buf[n] = '\0';
    if (overflow)
        return -1;
    if (strcmp(buf, "quit") == 0)
        return 0;
    req->n = 0;
    for (char *p = buf;;) {
        if (req->n == ADAPTER_FIELDS_MAX)
            return -1;
        req->field[req->n++] = p;
        char *sp = strchr(p, ' ');
        if (sp == NULL)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    return 1;
}

long adapter_hex(const char *hex, uint8_t *out, size_t cap)
{
    if (strcmp(hex, "-") == 0)
        return 0;
    size_t len = strlen(hex);
    if (len == 0) /* no bytes are spelt "-" (FORMAT.md): an empty field is a malformed request */
        return -1;
    long n = hex_decode(hex, len, 0, out, cap, NULL);
    return n < 0 ? -1 : n;
}

void adapter_hello(const char *name, const char *families)
{
    printf("alpncheck-adapter 1 %s %s\n", name, families);
    fflush(stdout);
}

void adapter_ok_names(const uint8_t *const *names, const size_t *lens, size_t n)
{
    fputs("ok", stdout);
    for (size_t i = 0; i < n; i++) {
        putchar(' ');
        if (lens[i] == 0)
            putchar('-');
        hex_fprint(stdout, names[i], lens[i]);
    }
    putchar('\n');
    fflush(stdout);
}

void adapter_error(const char *what)
{
    printf("error %s\n", what);
    fflush(stdout);
}

void adapter_skip(const char *reason)
{
    printf("skip %s\n", reason);
    fflush(stdout);
}

/* The buffers of adapter_select_loop: one request line, and its two lists decoded. */
static char select_line[ADAPTER_LINE_MAX + 2];
static uint8_t select_server[ADAPTER_LINE_MAX / 2], select_client[ADAPTER_LINE_MAX / 2];

void adapter_select_loop(const char *prog, const char *name, void (*fn)(const adapter_select_args *),
                         const char *other_reason)
{
    adapter_hello(name, "select");
    adapter_request req;
    int r;
    while ((r = adapter_next(select_line, sizeof select_line, &req)) != 0) {
        if (r < 0) {
            fprintf(stderr, "%s: request line too long or with too many fields\n", prog);
            adapter_error("-");
            continue;
        }
        if (strcmp(req.field[0], "select") != 0) {
            adapter_skip(other_reason);
            continue;
        }
        if (req.n != 4) {
            fprintf(stderr, "%s: select needs TCID SERVERNAMESHEX CLIENTEXTHEX\n", prog);
            adapter_error("-");
            continue;
        }
        long sl = adapter_hex(req.field[2], select_server, sizeof select_server);
        long cl = adapter_hex(req.field[3], select_client, sizeof select_client);
        if (sl < 0 || cl < 0) {
            fprintf(stderr, "%s: tcId %s: bad hex\n", prog, req.field[1]);
            adapter_error("-");
            continue;
        }
        adapter_select_args a = {select_server, (size_t)sl, cl >= 2 ? select_client + 2 : select_client,
                                 cl >= 2 ? (unsigned int)(cl - 2) : 0};
        fn(&a);
    }
}

void adapter_selected(const uint8_t *name, size_t len)
{
    if (name == NULL) {
        adapter_error("120");
        return;
    }
    const uint8_t *names[1] = {name};
    size_t lens[1] = {len};
    adapter_ok_names(names, lens, 1);
}
