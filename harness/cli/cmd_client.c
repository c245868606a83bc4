/* alpncheck client: alpncheck listens as a (mis)behaving TLS server and runs every CLI-* check against a client. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_report.h"
#include "cli_util.h"
#include "client_checks.h"
#include "client_harness.h"
#include "commands.h"
#include "report.h"
#include "server_probe.h"

#define DEFAULT_OFFER "h2,http/1.1"

static void help(void)
{
    printf(
        "Usage: alpncheck client [OPTIONS]\n\n"
        "Checks a TLS client's ALPN handling (RFC 7301, RFC 8701, RFC 8446 §4.2): alpncheck listens as a TLS 1.3\n"
        "and TLS 1.2 server and answers each connection with one scenario — a protocol the client never\n"
        "offered, two names, an empty name or list, an unsolicited answer, ALPN in the TLS 1.3 ServerHello, a\n"
        "selected GREASE value, NPN beside ALPN — then judges the client's reaction (its alert, or its next\n"
        "handshake message). The client's own ClientHello is checked too. One connection per check and version.\n\n"
        "  --listen HOST:PORT     where to listen (default 127.0.0.1:0; port 0 picks a free one)\n"
        "  --exec CMD             run CMD (with sh -c) once per check, killing it and everything it started\n"
        "                         (setsid and nohup included) after the check; in CMD,\n"
        "                         {host} {port} {ca} {alpn} stand for the listening address, the CA file, and the\n"
        "                         list to offer (see --offer). Values never become shell text: the command's\n"
        "                         environment holds them (ALPNCHECK_HOST, ALPNCHECK_PORT, ALPNCHECK_CA,\n"
        "                         ALPNCHECK_ALPN, ALPNCHECK_SESSION) and each placeholder becomes a quoted\n"
        "                         reference to its variable, one word (bare, or within \"...\"); a placeholder\n"
        "                         inside '...' is refused (use the variable there). Any other {word} is refused\n"
        "                         as a misspelt placeholder (write { word } for the shell's own braces)\n"
        "  --exec-no-alpn CMD     the command for CLI-REJECT-UNSOLICITED, which needs a client offering no ALPN\n"
        "                         (default: --exec with {alpn} empty when CMD contains {alpn}; else SKIP)\n"
        "  --exec-0rtt CMD        the command for the 0-RTT checks CLI-0RTT-* (TLS 1.3), run once per check: it\n"
        "                         must connect twice, first saving the session to {session} (a temporary file\n"
        "                         alpncheck names), then resuming from it with early data; without it those\n"
        "                         checks are SKIP\n"
        "  --offer LIST           what {alpn} stands for (default " DEFAULT_OFFER ")\n"
        "  --ca-out FILE          write the CA certificate (PEM) that signs alpncheck's localhost certificate;\n"
        "                         FILE is replaced (mode 0644; a symlink there is replaced, not followed);\n"
        "                         without it {ca} is a temporary file removed at the end\n"
        "  --client-log FILE      append the output of every client run to FILE (default: discarded)\n"
        "  --proxy                alpncheck is also the client's HTTP proxy: every connection must start with a\n"
        "                         CONNECT (answered 200; the TLS server plays in the tunnel), and the\n"
        "                         CLI-PROXY-* checks judge its ALPN field (RFC 7639 §2); configure the client to\n"
        "                         use http://{host}:{port} as its proxy, e.g. curl -p -x http://{host}:{port}\n"
        "  --quic                 alpncheck is a QUIC server on UDP instead (RFC 9000, RFC 9001): TLS 1.3 only,\n"
        "                         version 1 or 2 as the client speaks; the answer travels in Initial and\n"
        "                         Handshake packets, and the client's CONNECTION_CLOSE 0x0100 + alert counts as\n"
        "                         that alert (RFC 9001 §4.8); CLI-QUIC-NO-ALPN wants 0x0178 (RFC 9001 §8.1).\n"
        "                         Rows of TLS 1.2, tickets or proxies are SKIP with the reason\n"
        "  --tls VERSIONS         1.3, 1.2 or 1.2,1.3 (default: both; with --quic: 1.3)\n"
        "  --only IDS             run only these check IDs (comma-separated)\n"
        "  --skip IDS             leave these check IDs out\n"
        "  --known-failures FILE  check IDs (optionally ID@1.3) expected to fail: FAIL becomes XFAIL, a pass XPASS;\n"
        "                         an ID that is not a client check is refused\n"
        "  --timeout MS           deadline of each check: the client's connection, then its whole handshake,\n"
        "                         however much it sends (default 5000 with --exec, 60000 without); at most\n"
        "                         1 MiB is read per connection (with --quic, also at most 1024 datagrams), at\n"
        "                         most 32 records that carry nothing for the handshake (ChangeCipherSpec) are\n"
        "                         skipped, and a client that has connected must send its ClientHello within\n"
        "                         2000 ms\n"
        "  --deadline SECONDS     deadline of the whole run (default 600 with --exec, none without; 0: none):\n"
        "                         the checks left when it passes are ERROR (\"run deadline of N s reached\").\n"
        "                         Each check takes at most --timeout plus 3 s for the command to end, so a\n"
        "                         run takes at most checks x (timeout + 3 s), and never longer than the\n"
        "                         deadline\n"
        "  --json FILE            JSON report (schema: reports/schema/report-1.schema.json)\n"
        "  --junit FILE           JUnit XML report\n"
        "  --html FILE            self-contained HTML report\n"
        "  --md FILE              Markdown report\n"
        "  --name NAME            the run's name in the reports: the JUnit suite name, the report's title\n"
        "                         (default: the --listen address when it names a port, else \"client\"; never\n"
        "                         the command)\n"
        "                         (report files are opened before the run; one of them may be '-', standard\n"
        "                         output, and the terminal report then goes to standard error)\n"
        "  -q, --quiet            print only what needs attention (FAIL, WARN, ERROR, XPASS) and the recap\n"
        "  -v, --verbose          print expected and observed for every check\n\n"
        "Without --exec, alpncheck prints what to connect where and waits for one connection per check.\n\n"
        "Example:\n"
        "  alpncheck client --exec 'openssl s_client -connect {host}:{port} -CAfile {ca} -alpn {alpn} </dev/null' \\\n"
        "    --exec-no-alpn 'openssl s_client -connect {host}:{port} -CAfile {ca} </dev/null'\n"
        "  ({alpn} empty, as it is for CLI-REJECT-UNSOLICITED without --exec-no-alpn, suits a wrapper script that\n"
        "  takes an empty list as \"no ALPN\", like harness/peers/client.sh; openssl refuses -alpn '')\n"
        "  for the CLI-0RTT-* checks, add (early.txt holds the request to send as early data):\n"
        "    --exec-0rtt 'sleep 1 | openssl s_client -connect {host}:{port} -CAfile {ca} -alpn {alpn} \\\n"
        "                   -sess_out {session};\n"
        "                 sleep 1 | openssl s_client -connect {host}:{port} -CAfile {ca} -alpn {alpn} \\\n"
        "                   -sess_in {session} -early_data early.txt'\n\n"
        "Exit status: 0 checks ran and none FAILed, XPASSed or was ERROR (WARN and XFAIL allowed); 1 a check\n"
        "failed or a known failure passed; 2 usage error, alpncheck could not listen, a check that could not be\n"
        "judged (ERROR: e.g. the client never connected), or nothing tested (every check SKIP).\n");
}

/* ---- the command ------------------------------------------------------------------------------------------- */

static int split_listen(const char *arg, char *host, size_t host_cap, int *port)
{
    const char *colon = strrchr(arg, ':');
    if (colon == NULL || colon == arg || colon[1] == '\0')
        return -1;
    size_t hl = (size_t)(colon - arg);
    const char *h = arg;
    if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end != '\0' || p < 0 || p > 65535)
        return -2;
    if (hl >= host_cap)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (int)p;
    return 0;
}

static int run_cmd_client(cli_run *r, void *own, int argc, char **argv)
{
    client_harness *const h = own;
    report *const rep = &r->rep;
    client_harness_config cfg = {.offer = DEFAULT_OFFER};
    char host[64];
    const char *listen_arg = NULL, *ca_out = NULL, *log_path = NULL;
    int proxy = 0, quic = 0;
    const cli_option opts[] = {{"listen", 0, .arg = &listen_arg},
                               {"proxy", 0, .flag = &proxy},
                               {"quic", 0, .flag = &quic},
                               {"exec", 0, .arg = &cfg.cmd},
                               {"exec-no-alpn", 0, .arg = &cfg.cmd_no_alpn},
                               {"exec-0rtt", 0, .arg = &cfg.cmd_0rtt},
                               {"offer", 0, .arg = &cfg.offer},
                               {"ca-out", 0, .arg = &ca_out},
                               {"client-log", 0, .arg = &log_path},
                               {0}};
    char err[512];
    int done = cli_run_parse(r, "client", argc, argv, opts, help);
    if (done >= 0)
        return done;
    int listen_given = listen_arg != NULL;
    if (!listen_given)
        listen_arg = "127.0.0.1:0";
    if (optind != argc)
        return cli_usage_error("client", "unexpected argument '%s' (the client command goes in --exec)", argv[optind]);
    if (cfg.cmd_no_alpn != NULL && cfg.cmd == NULL)
        return cli_usage_error("client", "--exec-no-alpn needs --exec");
    if (cfg.cmd_0rtt != NULL && cfg.cmd == NULL)
        return cli_usage_error("client", "--exec-0rtt needs --exec");
    if (quic && proxy)
        return cli_usage_error("client", "--quic and --proxy: an HTTP CONNECT tunnel carries TCP, not QUIC");
    cfg.quic = quic;
    if (strlen(cfg.offer) > 8000)
        return cli_usage_error("client", "--offer is longer than 8000 bytes");
    const char *const tmpl_opt[] = {"--exec", "--exec-no-alpn", "--exec-0rtt"};
    const char *const tmpl[] = {cfg.cmd, cfg.cmd_no_alpn, cfg.cmd_0rtt};
    for (size_t i = 0; i < 3; i++)
        if (tmpl[i] != NULL && exec_check_placeholders(tmpl_opt[i], tmpl[i], err, sizeof err) != 0)
            return cli_usage_error("client", "%s", err);
    int port, bad_listen = split_listen(listen_arg, host, sizeof host, &port);
    if (bad_listen == -2)
        return cli_usage_error("client", "--listen '%s': the port must be a number from 0 (any free port) to 65535",
                               listen_arg);
    if (bad_listen != 0)
        return cli_usage_error("client",
                               "--listen takes HOST:PORT (IPv6 as [ADDR]:PORT, port 0 for a free one), "
                               "not '%s'",
                               listen_arg);
    if (cli_run_setup(r, validate_client_id_list, quic ? CHECK_TRANSPORT_QUIC : CHECK_TRANSPORT_TCP) != 0)
        return EXIT_USAGE;
    if (cli_outputs_open("client", &r->a.out) != 0)
        return EXIT_USAGE;
    cfg.timeout_ms = r->a.timeout_ms ? r->a.timeout_ms : cfg.cmd ? 5000 : 60000;
    /* A person connecting by hand is not hurried: without --exec no deadline unless one is given. */
    cfg.deadline_s = r->a.deadline_s >= 0 ? r->a.deadline_s : cfg.cmd ? CLI_DEADLINE_DEFAULT_S : 0;
    cfg.host = host;
    cfg.port = port;
    cfg.ca_out = ca_out;
    cfg.log_path = log_path;
    if (client_harness_open(h, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "alpncheck client: %s\n", err);
        cli_outputs_abandon(&r->a.out);
        return EXIT_USAGE;
    }
    exec_driver *d = &h->d;
    h->l.proxy = proxy;

    d->total = client_checks_selected(&r->ro) * (r->ro.tls[1] ? 2 : 1);
    char target[sizeof rep->target];
    if (d->cmd)
        snprintf(target, sizeof target, "%.240s", d->cmd);
    else
        snprintf(target, sizeof target, "clients connecting to %s:%s", d->host, d->port);
    /* A stable name: a fixed listening address names the run, a free port (different every run) does not. */
    cli_run_report(r, target, listen_given && port != 0 ? listen_arg : "client");
    snprintf(rep->profile, sizeof rep->profile,
             "alpncheck listened on %s:%s as a %s server for localhost%s; {alpn} = %s", d->host, d->port,
             quic ? "QUIC (UDP)" : "TLS", proxy ? " behind its own HTTP proxy (CONNECT)" : "", cfg.offer);
    if (cfg.cmd == NULL)
        fprintf(stderr,
                "alpncheck client: listening on %s:%s%s; the CA is in %s. Connect a client that trusts it %zu time%s, "
                "once per line below (each waits %d ms).\n",
                d->host, d->port, quic ? " (QUIC, UDP)" : "", d->ca, d->total, d->total == 1 ? "" : "s", d->timeout_ms);
    cli_run_start(r, d->cmd != NULL);
    client_driver drv = client_harness_driver(h);
    run_client_checks(quic ? client_serve_quic : client_serve, &h->l, &drv, &r->ro, rep);
    int rc = cli_run_finish(r);
    client_harness_close(h);
    return rc;
}

int cmd_client(int argc, char **argv)
{
    return cli_run_on_heap(sizeof(client_harness), run_cmd_client, argc, argv);
}
