#include "testkit.h"
#include "testkit_wire.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

FILE *tk_capture_open(tk_capture *c)
{
    c->text = NULL;
    c->len = 0;
    c->f = open_memstream(&c->text, &c->len);
    cr_assert_not_null(c->f, "open_memstream");
    return c->f;
}

char *tk_capture_take(tk_capture *c)
{
    fclose(c->f);
    c->f = NULL;
    return c->text;
}

size_t tk_count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

const char *tk_expected_verdict(const char *const *expect, size_t max, const char *id, const char *tls)
{
    for (size_t i = 0; i < max && expect[i]; i++) {
        const char *e = expect[i], *eq = strchr(e, '='), *at = strchr(e, '@');
        cr_assert_not_null(eq, "expectation %s has no '='", e);
        size_t id_len = (size_t)((at && at < eq ? at : eq) - e);
        if (strlen(id) != id_len || strncmp(e, id, id_len) != 0)
            continue;
        if (at && at < eq && strncmp(at + 1, tls, (size_t)(eq - at - 1)) != 0)
            continue;
        return eq + 1;
    }
    return NULL;
}

size_t tk_expected_results(const char *const *expect, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < max && expect[i]; i++) {
        const char *at = strchr(expect[i], '@');
        n += at != NULL && at < strchr(expect[i], '=') ? 1 : 2;
    }
    return n;
}

void tk_profile(profile *p, const char *csv)
{
    char err[128];
    cr_assert_eq(profile_parse(p, csv, err, sizeof err), 0, "profile %s: %s", csv, err);
}

void tk_loopback_target(server_target *t, int port, int timeout_ms)
{
    memset(t, 0, sizeof *t);
    snprintf(t->host, sizeof t->host, "127.0.0.1");
    snprintf(t->port, sizeof t->port, "%d", port);
    t->timeout_ms = timeout_ms;
}

int tk_free_port(int socktype)
{
    int fd = socket(AF_INET, socktype, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
              getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    close(fd);
    return ntohs(a.sin_port);
}

void tk_expect_error_at(const char *name, const alpn_error *err, const char *check, size_t offset)
{
    cr_expect_str_eq(err->check, check, "%s: check %s, expected %s", name, err->check, check);
    cr_expect_eq(err->offset, offset, "%s: offset %zu, expected %zu", name, err->offset, offset);
}

wire_identity *tk_identity(void)
{
    /* A key pair and a signature cost more than most tests: every test of the process shares one. */
    static wire_identity *id;
    char err[200];
    if (id == NULL)
        id = wire_identity_create(err, sizeof err);
    cr_assert_not_null(id, "%s", err);
    return id;
}
