/* alpncheck subcommands: each takes the arguments after "alpncheck" (argv[0] = its own name) and returns the
 * process exit code (0 valid / all passed, 1 invalid / failures, 2 usage or environment error). */
#ifndef ALPN_CLI_COMMANDS_H
#define ALPN_CLI_COMMANDS_H

int cmd_altsvc(int argc, char **argv);
int cmd_checks(int argc, char **argv);
int cmd_client(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_header(int argc, char **argv);
int cmd_proxy(int argc, char **argv);
int cmd_registry(int argc, char **argv);
int cmd_server(int argc, char **argv);
int cmd_svcb(int argc, char **argv);
int cmd_vectors(int argc, char **argv);

#endif
