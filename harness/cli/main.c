/* alpncheck: the ALPN conformance suite's command line. Dispatches to one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include "alpn.h"
#include "cli_util.h"
#include "commands.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"altsvc", cmd_altsvc, "check and explain an HTTP Alt-Svc value (RFC 7838) and its protocol-ids"},
    {"checks", cmd_checks, "list the check catalogue: every check ID with its level, RFC clause and title"},
    {"client", cmd_client, "check a TLS client's ALPN handling (every CLI-* check; alpncheck is the server)"},
    {"decode", cmd_decode, "check and explain a ProtocolNameList (extension_data, hex)"},
    {"encode", cmd_encode, "encode protocol names as extension_data and as an ALPN header value"},
    {"header", cmd_header, "check and explain an HTTP ALPN header value (RFC 7639)"},
    {"proxy", cmd_proxy, "check an HTTP proxy's CONNECT tunnels with the ALPN header (RFC 7639 §2.3)"},
    {"registry", cmd_registry, "list the known protocol IDs (IANA registry, GREASE, unregistered)"},
    {"server", cmd_server, "check a TLS server's ALPN handling (every SRV-* check, TLS 1.2 and 1.3)"},
    {"svcb", cmd_svcb, "check and explain SVCB/HTTPS alpn SvcParams (RFC 9460), in every form"},
    {"vectors", cmd_vectors, "run the test vectors (vectors/*.json) against libalpn or an adapter"},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: alpncheck COMMAND [OPTIONS] [ARGS]\n\n"
               "alpncheck checks ALPN (RFC 7301), the HTTP ALPN header (RFC 7639), Alt-Svc (RFC 7838) and SVCB alpn (RFC 9460)\nfor conformance.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nOptions:\n"
               "  -h, --help     this help; 'alpncheck help COMMAND' or 'alpncheck COMMAND --help' for a command's\n"
               "  -V, --version  print the version\n"
               "\nExit status: 0 valid (or checks ran and none failed), 1 invalid input (or a check failed), 2 usage\n"
               "or environment error, an unreachable peer, a check that could not be judged, or nothing tested.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "help") == 0 && argc >= 3) {
        /* alpncheck help server = alpncheck server --help */
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            if (strcmp(argv[2], commands[i].name) == 0) {
                char *sub[] = {argv[2], "--help", NULL};
                return commands[i].run(2, sub);
            }
        }
        fprintf(stderr, "alpncheck help: unknown command '%s'\n\n", argv[2]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_VALID;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("alpncheck %s\n", ALPN_VERSION);
        return EXIT_VALID;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "alpncheck: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
