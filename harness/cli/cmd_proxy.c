/* alpncheck proxy: every proxy check (RFC 7639 §2.3, RFC 9110 §9.3.6) against an HTTP proxy, with reports. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_report.h"
#include "cli_util.h"
#include "commands.h"
#include "proxy_checks.h"
#include "proxy_probe.h"
#include "report.h"

static void help(void)
{
    printf("Usage: alpncheck proxy HOST:PORT [OPTIONS]\n\n"
           "Checks an HTTP proxy's handling of CONNECT requests that carry the ALPN header field (RFC 7639 §2.3):\n"
           "alpncheck listens on loopback as the tunnel's target, sends CONNECT for it through the proxy without\n"
           "the field and with registered, unknown, GREASE, percent-encoded and malformed values, and checks that\n"
           "the tunnel opens and relays a ClientHello and the answer byte for byte (RFC 9110 §9.3.6).\n\n"
           "  --target HOST          the address the target listens on, as the proxy reaches it (default 127.0.0.1)\n"
           "  --upstream HOST:PORT   also listen there as the upstream (parent) proxy the proxy under test is\n"
           "                         configured to chain to: PRX-ALPN-FORWARDED reads the CONNECT it forwards\n"
           "                         (without --upstream that check is SKIP)\n"
           "  --only IDS             run only these check IDs (comma-separated)\n"
           "  --skip IDS             leave these check IDs out\n"
           "  --known-failures FILE  check IDs expected to fail: FAIL becomes XFAIL, a pass XPASS; an ID that is not\n"
           "                         a proxy check is refused\n"
           "  --timeout MS           deadline of each CONNECT, from connect to the last byte through the tunnel\n"
           "                         (default 5000)\n"
           "  --deadline SECONDS     deadline of the whole run (default 600; 0: none): the checks left when it\n"
           "                         passes are ERROR (\"run deadline of N s reached\"); no CONNECT outlives it\n"
           "  --json FILE            JSON report (schema: reports/schema/report-1.schema.json)\n"
           "  --junit FILE           JUnit XML report\n"
           "  --html FILE            self-contained HTML report\n"
           "  --md FILE              Markdown report\n"
           "  --name NAME            the run's name in the reports (default HOST:PORT as given)\n"
           "                         (report files are opened before the run; one of them may be '-', standard\n"
           "                         output, and the terminal report then goes to standard error)\n"
           "  -q, --quiet            print only what needs attention (FAIL, WARN, ERROR, XPASS) and the recap\n"
           "  -v, --verbose          print expected and observed for every check\n\n"
           "The proxy must allow CONNECT to the target's address and port (a free port chosen at each run).\n\n"
           "Exit status: 0 checks ran and none FAILed, XPASSed or was ERROR (WARN and XFAIL allowed); 1 a check\n"
           "failed or a known failure passed; 2 usage error, unreachable proxy, a proxy that refuses even a CONNECT\n"
           "without the ALPN field (every check ERROR), or nothing tested.\n");
}

static int run_cmd_proxy(cli_run *r, void *own, int argc, char **argv)
{
    proxy_peer *const peer = own;
    const char *target_host = "127.0.0.1", *upstream = NULL;
    const cli_option opts[] = {{"target", 0, .arg = &target_host}, {"upstream", 0, .arg = &upstream}, {0}};
    char err[256];
    int done = cli_run_parse(r, "proxy", argc, argv, opts, help);
    if (done >= 0)
        return done;
    if (r->a.tls_arg != NULL)
        return cli_usage_error("proxy", "--tls does not apply: the tunnel carries whatever the client speaks");
    if (argc - optind != 1)
        return cli_usage_error("proxy", "expected one HOST:PORT argument");
    if (server_target_parse(&peer->proxy, argv[optind], err, sizeof err) != 0)
        return cli_usage_error("proxy", "%s", err);
    peer->proxy.timeout_ms = r->a.timeout_ms ? r->a.timeout_ms : 5000;
    probe_run_limit_start(&peer->proxy.run, r->a.deadline_s < 0 ? CLI_DEADLINE_DEFAULT_S : r->a.deadline_s);
    if (cli_run_setup(r, validate_proxy_id_list, CHECK_TRANSPORT_TCP) != 0)
        return EXIT_USAGE;
    server_target up;
    if (upstream != NULL && server_target_parse(&up, upstream, err, sizeof err) != 0)
        return cli_usage_error("proxy", "--upstream: %s", err);
    if (proxy_peer_open(peer, target_host, err, sizeof err) != 0 ||
        (upstream != NULL && proxy_peer_upstream(peer, up.host, atoi(up.port), err, sizeof err) != 0)) {
        proxy_peer_close(peer);
        fprintf(stderr, "alpncheck proxy: cannot listen: %s\n", err);
        return EXIT_USAGE;
    }
    if (cli_outputs_open("proxy", &r->a.out) != 0) {
        proxy_peer_close(peer);
        return EXIT_USAGE;
    }
    cli_run_report(r, argv[optind], NULL);
    snprintf(r->rep.profile, sizeof r->rep.profile, "CONNECT %s through the proxy (alpncheck's target)",
             peer->authority);
    cli_run_start(r, 1);
    int refused = 0;
    run_proxy_checks(proxy_probe, peer, &r->ro, &r->rep, &refused);
    proxy_peer_close(peer);
    if (refused)
        fprintf(stderr, "alpncheck proxy: %s\n", r->rep.results[0].observed);
    return cli_run_finish(r);
}

int cmd_proxy(int argc, char **argv)
{
    return cli_run_on_heap(sizeof(proxy_peer), run_cmd_proxy, argc, argv);
}
