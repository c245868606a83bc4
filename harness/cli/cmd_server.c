/* alpncheck server: every SRV-* check against a TLS server, TLS 1.2 and 1.3 over TCP or TLS 1.3 over QUIC v1 (--quic),
 * with reports. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_report.h"
#include "cli_util.h"
#include "commands.h"
#include "gnutls_probe.h"
#include "quic_probe.h"
#include "report.h"
#include "run.h"
#include "server_probe.h"

static void help(void)
{
    printf("Usage: alpncheck server HOST:PORT [OPTIONS]\n\n"
           "Checks a TLS server's ALPN handling (RFC 7301, RFC 8701, RFC 8446 §4.2): selection, server preference,\n"
           "exact matching, GREASE, malformed lists, alert 120 on no overlap; for TLS 1.3 and TLS 1.2.\n\n"
           "  --quic                 the server speaks QUIC v1 on UDP (RFC 9000, RFC 9001): TLS 1.3 only; a TLS\n"
           "                         alert is then CONNECTION_CLOSE 0x0100+alert, a hello without ALPN or without\n"
           "                         a common name must be closed with 0x178 (SRV-QUIC-*); resumption and\n"
           "                         0-RTT run over whole QUIC connections, the checks that need TCP or TLS 1.2\n"
           "                         are SKIP with the reason\n"
           "  --sni NAME             server_name to send (default: HOST unless it is an address)\n"
           "  --alpn LIST            the server's protocols, most preferred first (e.g. h2,http/1.1); without it\n"
           "                         they are discovered by offering every registered name (but GREASE and\n"
           "                         acme-tls/1), then smaller offers if the server refuses that hello. With\n"
           "                         LIST, a handshake offering exactly LIST must select one of them, or the\n"
           "                         run stops (exit 2)\n"
           "  --tls VERSIONS         1.3, 1.2 or 1.2,1.3 (default: both)\n"
           "  --only IDS             run only these check IDs (comma-separated)\n"
           "  --skip IDS             leave these check IDs out\n"
           "  --known-failures FILE  check IDs (optionally ID@1.3) expected to fail: FAIL becomes XFAIL, a pass XPASS;\n"
           "                         an ID that is not a server check is refused\n"
           "  --timeout MS           deadline of each connection, from connect to the last read, however much the\n"
           "                         server sends (default 5000); at most 1 MiB is read per connection (with\n"
           "                         --quic, also at most 1024 datagrams), and at most 32 records that carry\n"
           "                         nothing for the handshake (ChangeCipherSpec) are skipped\n"
           "  --deadline SECONDS     deadline of the whole run (default 600; 0: none): the checks left when it\n"
           "                         passes are ERROR (\"run deadline of N s reached\"). Every connection is\n"
           "                         bounded by --timeout and a check makes one or a few (up to 64 more\n"
           "                         discover the profile), so a run takes at most connections x timeout, and\n"
           "                         never longer than the deadline\n"
           "  --json FILE            JSON report (schema: reports/schema/report-1.schema.json)\n"
           "  --junit FILE           JUnit XML report\n"
           "  --html FILE            self-contained HTML report\n"
           "  --md FILE              Markdown report\n"
           "  --name NAME            the run's name in the reports: the JUnit suite name, the report's title\n"
           "                         (default HOST:PORT as given)\n"
           "                         (report files are opened before the run; one of them may be '-', standard\n"
           "                         output, and the terminal report then goes to standard error)\n"
           "  -q, --quiet            print only what needs attention (FAIL, WARN, ERROR, XPASS) and the recap\n"
           "  -v, --verbose          print expected and observed for every check\n\n"
           "Exit status: 0 checks ran and none FAILed, XPASSed or was ERROR (WARN and XFAIL allowed); 1 a check\n"
           "failed or a known failure passed; 2 usage error, unreachable server, --alpn names the server does not\n"
           "select, a check that could not be judged (ERROR), or nothing tested (every check SKIP).\n");
}

static int is_address(const char *host)
{
    return strspn(host, "0123456789.") == strlen(host) || strchr(host, ':') != NULL;
}

/* The probe of the run: over TCP (server_probe on a server_target) or QUIC (quic_server_probe on a quic_target). */
typedef struct {
    probe_fn fn;
    void *ctx;
    int quic;
} prober;

/* One connection playing check id's hello for TLS version tls and profile p, whether or not the check would apply,
 * into o. 0, or -1 when memory for the scenario (its 64 KiB of extension bytes) is lacking (o says so). */
static int probe_hello_of(const prober *t, const char *id, const char *tls, const profile *p, observation *o)
{
    observation_init(o);
    scenario *s = malloc(sizeof *s);
    if (s == NULL) {
        o->error = 1;
        snprintf(o->error_text, sizeof o->error_text, "out of memory");
        return -1;
    }
    scenario_build(s, id, tls, p);
    s->skip_reason = NULL;
    probe_request r;
    scenario_request(s, &r);
    t->fn(t->ctx, &r, o);
    free(s);
    return 0;
}

/* One baseline connection per version, without ALPN: does the server speak it at all? NULL when it does, else the
 * reason to skip that version's checks; *malformed when the server answered with something unusable (its checks are
 * then ERROR, not SKIP: the server is reachable, its answer is wrong). */
static const char *version_unsupported(const prober *t, const char *tls, char *why, size_t cap, int *unreachable,
                                       int *malformed)
{
    static const profile none = {.n = 0};
    observation o;
    probe_hello_of(t, "SRV-NO-UNSOLICITED", tls, &none, &o);
    *unreachable = o.error && !o.malformed;
    *malformed = o.error && o.malformed;
    if (*malformed) {
        snprintf(why, cap, "unusable answer to a plain TLS %s ClientHello: %s", tls, o.error_text);
        return why;
    }
    if (o.error) {
        snprintf(why, cap, "%s", o.error_text);
        return why;
    }
    if (o.completed && o.alert < 0)
        return NULL;
    /* Over QUIC the hello without ALPN must be closed (RFC 9001 §8.1): any CONNECTION_CLOSE shows a server that
     * speaks QUIC v1 and TLS 1.3 (SRV-QUIC-NO-ALPN judges which close). */
    if (t->quic && o.quic_close)
        return NULL;
    if (o.alert < 0 && o.version != 0 && o.version < 0x0304 && strcmp(tls, "1.3") == 0) {
        snprintf(why, cap, "the server answers a TLS 1.3 ClientHello with version 0x%04x", o.version);
        return why;
    }
    if (o.alert < 0 && o.error_text[0])
        snprintf(why, cap, "the server does not complete a plain TLS %s handshake with alpncheck (no alert; %.180s)",
                 tls, o.error_text);
    else
        snprintf(why, cap, "the server does not complete a plain TLS %s handshake with alpncheck (%s%d)", tls,
                 o.alert >= 0 ? "alert " : "no alert, ", o.alert >= 0 ? o.alert : 0);
    return why;
}

/* With --alpn, one handshake offering exactly those names must select one of them before any check runs: otherwise
 * every selection check would fail for the user's mistake, not the server's. A server that answers with a name that
 * was not offered at all is not the user's mistake but a finding the checks will report, so the run goes on (a note
 * goes into note). NULL when the run may go on, else the reason to stop. */
static const char *alpn_preflight(const prober *t, const char *tls, const profile *p, char *why, size_t cap,
                                  char *note, size_t note_cap)
{
    observation o;
    probe_hello_of(t, "SRV-SELECT-SINGLE", tls, p, &o);
    note[0] = '\0';
    /* A server's answer is exactly one name (RFC 7301 §3.1): libalpn's parser in the server role says whether it is. */
    alpn_error err;
    if (!o.error && observation_alert(&o, NULL) < 0 && o.alpn_count == 1 && o.alpn_len <= sizeof o.alpn &&
        alpn_list_validate(o.alpn, o.alpn_len, ALPN_ROLE_SERVER, NULL, &err) == ALPN_OK) {
        const uint8_t *name = o.alpn + 3;
        size_t len = o.alpn[2];
        for (size_t i = 0; i < p->n; i++)
            if (p->lens[i] == len && memcmp(p->names[i], name, len) == 0)
                return NULL;
        char text[4 * ALPN_NAME_MAX + 8];
        cli_name_format(text, sizeof text, name, len);
        snprintf(note, note_cap, "; offered exactly these names, the server selected \"%.80s\", which was not offered",
                 text);
        return NULL;
    }
    char answer[OBS_TEXT_MAX + 40];
    if (o.error)
        snprintf(answer, sizeof answer, "%s", o.error_text);
    else if (observation_alert(&o, NULL) >= 0)
        snprintf(answer, sizeof answer, "alert %d %s", observation_alert(&o, NULL),
                 alpn_alert_name(observation_alert(&o, NULL)));
    else if (o.quic_close)
        snprintf(answer, sizeof answer, "CONNECTION_CLOSE code 0x%llx", (unsigned long long)o.quic_close_code);
    else if (o.alpn_count == 0)
        snprintf(answer, sizeof answer, "no ALPN in its answer");
    else
        snprintf(answer, sizeof answer, "a malformed ALPN answer");
    snprintf(why, cap, "offered exactly the --alpn names over TLS %s, the server gave %s", tls, answer);
    return why;
}

/* The server command's own state of a run, on the heap with the run. */
struct server_state {
    server_target target;
    quic_target quic; /* --quic: the target and the QUIC connection's state (about 1 MiB) */
    profile prof;
};

static int run_cmd_server(cli_run *r, void *own, int argc, char **argv)
{
    struct server_state *st = own;
    server_target *const target = &st->target;
    profile *const prof = &st->prof;
    report *const rep = &r->rep;
    run_options *const ro = &r->ro;
    memset(target, 0, sizeof *target);
    target->timeout_ms = 5000;
    const char *sni = NULL, *alpn = NULL;
    int quic = 0;
    const cli_option opts[] = {{"sni", 0, .arg = &sni}, {"alpn", 0, .arg = &alpn}, {"quic", 0, .flag = &quic}, {0}};
    char err[256];
    int done = cli_run_parse(r, "server", argc, argv, opts, help);
    if (done >= 0)
        return done;
    if (argc - optind != 1)
        return cli_usage_error("server", "expected one HOST:PORT argument");
    if (server_target_parse(target, argv[optind], err, sizeof err) != 0)
        return cli_usage_error("server", "%s", err);
    snprintf(target->sni, sizeof target->sni, "%s", sni ? sni : is_address(target->host) ? "" : target->host);
    if (r->a.timeout_ms)
        target->timeout_ms = r->a.timeout_ms;
    if (cli_run_setup(r, validate_id_list, quic ? CHECK_TRANSPORT_QUIC : CHECK_TRANSPORT_TCP) != 0)
        return EXIT_USAGE;
    prober pr = {server_probe, target, quic};
    if (quic) {
        st->quic.t = *target;
        st->quic.version = QUIC_V1;
        pr = (prober){quic_server_probe, &st->quic, 1};
    }
    if (alpn != NULL && profile_parse(prof, alpn, err, sizeof err) != 0)
        return cli_usage_error("server", "--alpn: %s", err);
    if (cli_outputs_open("server", &r->a.out) != 0)
        return EXIT_USAGE;

    cli_run_report(r, argv[optind], NULL);
    cli_run_start(r, 1);
    probe_run_limit_start(&target->run, r->a.deadline_s < 0 ? CLI_DEADLINE_DEFAULT_S : r->a.deadline_s);
    st->quic.t.run = target->run;

    /* Which versions does the server speak? Unreachable → exit 2; a version it refuses → SKIPs with the reason. */
    const char *run_tls[2] = {NULL, NULL};
    size_t n_run = 0;
    char why[2][OBS_TEXT_MAX + 96];
    size_t n_malformed = 0;
    for (size_t v = 0; v < 2 && ro->tls[v]; v++) {
        int unreachable = 0, malformed = 0;
        if (version_unsupported(&pr, ro->tls[v], why[v], sizeof why[v], &unreachable, &malformed) == NULL) {
            run_tls[n_run++] = ro->tls[v];
            continue;
        }
        if (malformed) {
            /* Reachable, but no check of this version can be judged: ERROR each, with what was wrong and where. */
            error_server_checks(ro, ro->tls[v], why[v], rep);
            n_malformed++;
            continue;
        }
        if (unreachable) {
            fprintf(stderr, "alpncheck server: cannot reach %s%s: %s\n", argv[optind], quic ? " over QUIC (UDP)" : "",
                    why[v]);
            cli_outputs_abandon(&r->a.out);
            return EXIT_USAGE;
        }
        skip_server_checks(ro, ro->tls[v], why[v], rep);
    }
    if (n_run == 0 && n_malformed > 0)
        return cli_run_finish(r);
    if (n_run == 0) {
        fprintf(stderr, "alpncheck server: %s completes no %s handshake with alpncheck (%s)\n", argv[optind],
                quic ? "QUIC" : "TLS", why[0]);
        cli_outputs_abandon(&r->a.out);
        return EXIT_USAGE;
    }

    if (alpn != NULL) {
        char pre[OBS_TEXT_MAX + 300], note[160];
        if (alpn_preflight(&pr, run_tls[0], prof, pre, sizeof pre, note, sizeof note) != NULL) {
            fprintf(stderr,
                    "alpncheck server: %s: %s.\nGive --alpn the names the server supports, or leave --alpn out to "
                    "discover them.\n",
                    argv[optind], pre);
            cli_outputs_abandon(&r->a.out);
            return EXIT_USAGE;
        }
        char list[400];
        profile_format(prof, list, sizeof list);
        snprintf(rep->profile, sizeof rep->profile, "%.320s (given with --alpn%.150s%s)", list, note,
                 quic ? "; over QUIC v1" : "");
    } else {
        discovery_info info;
        int used = discover_profile(pr.fn, pr.ctx, run_tls[0], prof, &info, err, sizeof err);
        if (used < 0) {
            /* The baseline handshake worked: the server was reached, an answer during discovery was unusable. */
            fprintf(stderr, "alpncheck server: cannot discover the protocols of %s: %s\n", argv[optind], err);
            cli_outputs_abandon(&r->a.out);
            return EXIT_USAGE;
        }
        char list[400], how[200];
        profile_format(prof, list, sizeof list);
        discovery_describe(&info, how, sizeof how);
        int w = snprintf(rep->profile, sizeof rep->profile,
                         "%s (discovered over TLS %s%s in %d connection%s, in the order "
                         "the server picked them%s%s)",
                         prof->n ? list : "no registered protocol selected", run_tls[0], quic ? " over QUIC v1" : "",
                         used, used == 1 ? "" : "s",
                         how[0] ? "; " : "", how);
        if (w >= (int)sizeof rep->profile) /* a long profile: keep the text closed */
            memcpy(rep->profile + sizeof rep->profile - 5, "...)", 5);
    }

    /* The complete handshakes of the session checks go over GnuTLS on TCP; over QUIC the resumption and 0-RTT checks
     * go over whole QUIC connections (quic_session.c), the others are SKIP. */
    if (quic) {
        ro->resume = quic_resume_probe;
        ro->early = quic_early_probe;
        ro->resume_ctx = &st->quic;
    } else {
        ro->resume = gnutls_resume_probe;
        ro->speak = gnutls_speak_probe;
        ro->early = gnutls_early_probe;
        ro->reneg = gnutls_reneg_probe;
        ro->altsvc = gnutls_altsvc_probe;
        ro->resume_ctx = target;
    }
    run_options now = *ro;
    now.tls[0] = run_tls[0];
    now.tls[1] = run_tls[1];
    run_server_checks(pr.fn, pr.ctx, prof, &now, rep);
    /* Checks over the GnuTLS path take several connections each: the run's wall time is the honest duration. */
    return cli_run_finish(r);
}

int cmd_server(int argc, char **argv)
{
    return cli_run_on_heap(sizeof(struct server_state), run_cmd_server, argc, argv);
}
