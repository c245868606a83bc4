/*
 * The wire engine and GnuTLS agree: for every catalogue scenario whose offer GnuTLS can express (a valid list of at
 * most 8 names of at most 32 bytes), a wire-engine probe and an ordinary GnuTLS handshake against the same real
 * server (openssl s_server, gnutls-serv) see the same outcome: the same protocol selected, or the same alert.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checks.h"
#include "gnutls_probe.h"
#include "server_probe.h"
#include "testkit.h"

extern char **environ;

static char dir[] = "/tmp/alpncheck-paths-XXXXXX";

/* Starts argv as a child and waits until 127.0.0.1:port accepts (10 s at most). */
static pid_t start(char *const argv[], int port)
{
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    cr_assert_eq(posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ), 0, "cannot start %s", argv[0]);
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 100; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                .sin_port = htons((uint16_t)port)};
        int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (ok)
            return pid;
        usleep(100000);
    }
    kill(pid, SIGTERM);
    cr_assert_fail("%s did not start listening on %d", argv[0], port);
    return -1;
}

static void stop(pid_t pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

/* The scenario's names, when GnuTLS can offer exactly them. */
static size_t gnutls_names(const scenario *s, alpn_name *names)
{
    size_t n = 0;
    if (!s->send_alpn)
        return 0;
    /* GnuTLS can send neither a duplicated extension, NPN, nor an empty key share that forces a retry. */
    if (s->duplicate_alpn || s->send_npn || s->force_hrr ||
        alpn_list_validate(s->ext, s->ext_len, ALPN_ROLE_CLIENT, NULL, NULL))
        return (size_t)-1;
    alpn_iter it;
    alpn_name name;
    alpn_iter_init(&it, s->ext, s->ext_len);
    while (alpn_iter_next(&it, &name)) {
        if (n == GNUTLS_PROBE_MAX_NAMES || name.len > GNUTLS_PROBE_MAX_NAME)
            return (size_t)-1;
        names[n++] = name;
    }
    return n;
}

static void cross_check(const char *server, int port, size_t *compared)
{
    server_target t;
    tk_loopback_target(&t, port, 3000);
    profile p;
    tk_profile(&p, "h2,http/1.1");
    static scenario s;
    static const char *const versions[] = {"1.3", "1.2"};
    for (size_t v = 0; v < 2; v++) {
        for (size_t i = 0; i < server_check_count(); i++) {
            cr_assert_eq(scenario_build(&s, server_check_id(i), versions[v], &p), 0);
            alpn_name names[GNUTLS_PROBE_MAX_NAMES];
            size_t n = gnutls_names(&s, names);
            if (s.skip_reason != NULL || n == (size_t)-1)
                continue;
            observation wire;
            observation_init(&wire);
            probe_request req;
            scenario_request(&s, &req);
            server_probe(&t, &req, &wire);
            gnutls_observation g;
            gnutls_probe(&t, versions[v], names, n, NULL, NULL, NULL, 0, &g);
            cr_assert_not(wire.error, "[%s] %s TLS %s: wire probe: %s", server, s.id, s.tls, wire.error_text);
            cr_assert_not(g.error, "[%s] %s TLS %s: GnuTLS: %s", server, s.id, s.tls, g.error_text);
            if (wire.alert >= 0 || g.alert >= 0) {
                cr_expect_eq(wire.alert, g.alert, "[%s] %s TLS %s: alert %d on the wire path, %d with GnuTLS",
                             server, s.id, s.tls, wire.alert, g.alert);
            } else {
                cr_expect(wire.completed && g.completed, "[%s] %s TLS %s: both complete", server, s.id, s.tls);
                size_t wl = wire.alpn_count ? wire.alpn_len : 0;
                /* The wire path keeps the raw answer (length-prefixed list); GnuTLS returns the name. */
                cr_expect_eq(wire.alpn_count > 0, g.has_selected, "[%s] %s TLS %s: ALPN answered on one path only",
                             server, s.id, s.tls);
                if (g.has_selected && wl == g.selected_len + 3)
                    cr_expect_eq(memcmp(wire.alpn + 3, g.selected, g.selected_len), 0, "[%s] %s TLS %s: %.*s",
                                 server, s.id, s.tls, (int)g.selected_len, g.selected);
                else if (g.has_selected)
                    cr_expect_fail("[%s] %s TLS %s: wire answer of %zu bytes, GnuTLS selected %.*s", server, s.id,
                                   s.tls, wl, (int)g.selected_len, g.selected);
            }
            (*compared)++;
        }
    }
}

Test(paths, wire_engine_agrees_with_gnutls, .timeout = 120)
{
    cr_assert_not_null(mkdtemp(dir));
    char cmd[512], cert[128], key[128];
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost "
             "-keyout %s -out %s 2>/dev/null",
             key, cert);
    cr_assert_eq(system(cmd), 0, "openssl req");

    size_t compared = 0;
    int port = tk_free_port(SOCK_STREAM);
    char accept[32], port_s[8];
    snprintf(accept, sizeof accept, "127.0.0.1:%d", port);
    char *openssl_argv[] = {"openssl", "s_server", "-accept", accept, "-cert", cert, "-key", key,
                            "-alpn", "h2,http/1.1", "-quiet", NULL};
    pid_t pid = start(openssl_argv, port);
    cross_check("openssl s_server", port, &compared);
    stop(pid);

    port = tk_free_port(SOCK_STREAM);
    snprintf(port_s, sizeof port_s, "%d", port);
    char *gnutls_argv[] = {"gnutls-serv", "--port", port_s, "--x509certfile", cert, "--x509keyfile", key,
                           "--alpn", "h2", "--alpn", "http/1.1", "--alpn-fatal", NULL};
    pid = start(gnutls_argv, port);
    cross_check("gnutls-serv", port, &compared);
    stop(pid);

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
    cr_expect_geq(compared, 2 * 2 * 10, "only %zu scenarios were comparable; at least 10 per version and server expected", compared);
}
