#include "adapter_io.h"

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

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long adapter_hex(const char *hex, uint8_t *out, size_t cap)
{
    if (strcmp(hex, "-") == 0)
        return 0;
    size_t len = strlen(hex), n = 0;
    if (len == 0 || len % 2 != 0 || len / 2 > cap)
        return -1;
    for (size_t i = 0; i < len; i += 2) {
        int hi = hexval((unsigned char)hex[i]), lo = hexval((unsigned char)hex[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[n++] = (uint8_t)(hi << 4 | lo);
    }
    return (long)n;
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
        for (size_t j = 0; j < lens[i]; j++)
            printf("%02x", names[i][j]);
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
