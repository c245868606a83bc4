#!/bin/bash
# Integration test of the contract a CI relies on (exit status, what goes to stdout, refusals up front), with real
# peers on loopback: openssl s_server with and without ALPN, and client commands that fail in the ways users' do.
# Each case was seen to go wrong once (exit 0 on 26 ERRORs, a typo silently ignored, a report path that failed
# after the whole run, JSON and the human report mixed on stdout).
#   usage: integration_exit.sh ALPNCHECK SOURCE_DIR
set -u
# shellcheck source=itest.sh
. "$2/tests/itest.sh"
itest_start exit "$@"
itest_peers
itest_need openssl openssl
itest_cert

# run NAME ARGS...: alpncheck with stdout in $work/NAME.out, stderr in $work/NAME.err; the status in $rc.
run() {
    local name=$1
    shift
    "$ALPNCHECK" "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
}
# one_message NAME: the usage error is one message and the hint, nothing of getopt's own.
one_message() { test "$(wc -l <"$work/$1.err")" -eq 2 && grep -q "^Try 'alpncheck " "$work/$1.err"; }

p=$(free_port)
start_openssl "$p"
wait_port "$p" || fail "openssl s_server did not start"
t="127.0.0.1:$p"

# --- the document alone on stdout -----------------------------------------------------------------------------------
run json-stdout server "$t" --only SRV-SELECT-OFFERED,SRV-NO-OVERLAP-ALERT --json -
expect "--json -: exit 0 (got $rc)" test "$rc" -eq 0
expect "--json -: stdout is one JSON document" "$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/json-stdout.out"
expect "--json -: the human report on stderr" grep -q '^4 passed, 0 failed, 0 skipped$' "$work/json-stdout.err"
run junit-stdout server "$t" --only SRV-SELECT-OFFERED --junit -
expect "--junit -: stdout is XML only" "$PY" -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$work/junit-stdout.out"
run two-stdout server "$t" --json - --md -
expect "--json - --md -: refused, exit 2 (got $rc)" test "$rc" -eq 2
expect "--json - --md -: says why" grep -q 'cannot both write to standard output' "$work/two-stdout.err"

# --- output paths are opened before the run -------------------------------------------------------------------------
run missing-dir server "$t" --json "$work/missing/dir/x.json"
expect "--json into a missing directory: exit 2 (got $rc)" test "$rc" -eq 2
expect "--json into a missing directory: errno in the message" \
    grep -q "cannot write $work/missing/dir/x.json: No such file or directory" "$work/missing-dir.err"
expect "--json into a missing directory: no check ran" test ! -s "$work/missing-dir.out"
# A run abandoned after the files were opened (the server refuses the --alpn names) leaves no empty report behind.
run abandoned server "$t" --alpn spdy/3 --json "$work/abandoned.json"
expect "an abandoned run removes the report file it created" test ! -e "$work/abandoned.json"
# ... and leaves a report that was there before as it was (it was emptied before the run); a report that comes
# replaces it whole, also when the old one was longer.
printf '%s\n' '{"an earlier": "report"}' >"$work/kept.json"
run kept server "$t" --alpn spdy/3 --json "$work/kept.json" --md "$work/kept.md"
expect "an abandoned run leaves an existing report as it was" grep -q '"an earlier"' "$work/kept.json"
head -c 300000 /dev/zero | tr '\0' x >"$work/long.json"
run replaced server "$t" --only SRV-SELECT-OFFERED --json "$work/long.json"
expect "a new report replaces a longer old one whole" "$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' \
    "$work/long.json"
run vectors-kept vectors --exec "exit 3" --json "$work/kept.json"
expect "vectors: an adapter that fails leaves an existing summary as it was (exit $rc)" \
    sh -c "test $rc -eq 2 && grep -q '\"an earlier\"' '$work/kept.json'"

# --- mistakes refused up front with exit 2 ---------------------------------------------------------------------------
printf 'SRV-HRR-ALPN-CHANGED\nSRV-NO-OVERLAP-ALRET@1.3\n' >"$work/known-typo"
run known-typo server "$t" --known-failures "$work/known-typo"
expect "--known-failures with a misspelt ID: exit 2 (got $rc)" test "$rc" -eq 2
expect "--known-failures with a misspelt ID: names it" grep -q "'SRV-NO-OVERLAP-ALRET' is not a server check ID" "$work/known-typo.err"
expect "--known-failures with a misspelt ID: no check ran" test ! -s "$work/known-typo.out"
mkdir -p "$work/known-dir"
run known-dir server "$t" --known-failures "$work/known-dir"
expect "--known-failures naming a directory: exit 2, not an empty list (got $rc)" test "$rc" -eq 2
expect "--known-failures naming a directory: says so" grep -q "known-dir: Is a directory" "$work/known-dir.err"
run alpn-dup server "$t" --alpn h2,http/1.1,h2
expect "--alpn with a name twice: exit 2 (got $rc)" test "$rc" -eq 2
expect "--alpn with a name twice: says which" grep -q "'h2' is given twice" "$work/alpn-dup.err"
run alpn-none server "$t" --alpn spdy/3
expect "--alpn the server selects none of: exit 2, not 12 FAILs (got $rc)" test "$rc" -eq 2
expect "--alpn the server selects none of: says what the server did" \
    grep -q 'offered exactly the --alpn names over TLS 1.3, the server gave alert 120' "$work/alpn-none.err"
expect "--alpn the server selects none of: no check ran" test ! -s "$work/alpn-none.out"
run alpn-ok server "$t" --alpn http/1.1,h2 --only SRV-SELECT-OFFERED --tls 1.3
expect "--alpn with names the server selects: the run goes on (got $rc)" test "$rc" -le 1
run bad-option server "$t" --jsn x
expect "an unknown option: exit 2 (got $rc)" test "$rc" -eq 2
expect "an unknown option: one message, naming it" one_message bad-option
expect "an unknown option: named" grep -q "unknown option '--jsn'" "$work/bad-option.err"
run no-arg server "$t" --json
expect "a missing option argument: one message" one_message no-arg
expect "a missing option argument: named" grep -q "option '--json' needs an argument" "$work/no-arg.err"
run bad-port server 127.0.0.1:70000
expect "port 70000: exit 2 and the range" grep -q 'the port must be a number from 1 to 65535' "$work/bad-port.err"

# --- nothing tested is never green ------------------------------------------------------------------------------------
p2=$(free_port)
openssl s_server -accept "127.0.0.1:$p2" -cert "$PEER_DIR/cert.pem" -key "$PEER_DIR/key.pem" -quiet \
    >"$work/noalpn-server.log" 2>&1 </dev/null &
PEER_PIDS+=($!)
wait_port "$p2" || fail "openssl s_server without ALPN did not start"
run no-alpn server "127.0.0.1:$p2" -q
expect "a server without ALPN: every check SKIP, exit 2 (got $rc)" test "$rc" -eq 2
expect "a server without ALPN: one line says why" grep -q '^exit 2: nothing was tested' "$work/no-alpn.out"
run all-skip server "$t" --only SRV-PROTOCOL-DEFINITIVE --tls 1.3
expect "only a check that does not apply: exit 2 (got $rc)" test "$rc" -eq 2

# --- -q shows what needs attention, and the recap ---------------------------------------------------------------------
run quiet server "$t" -q --tls 1.3
expect "-q: no PASS line" test "$(grep -c '^  PASS ' "$work/quiet.out")" -eq 0
expect "-q: the WARN (openssl accepts a changed list after HRR)" grep -q '^  WARN  SRV-HRR-ALPN-CHANGED' "$work/quiet.out"
expect "-q: SKIPs as one line" grep -Eq '^[0-9]+ checks? not applicable' "$work/quiet.out"
expect "-q with only a WARN: exit 0 (got $rc)" test "$rc" -eq 0

# --- client: commands that never make a connection are exit 2 ----------------------------------------------------------
run exec-true client --exec true --tls 1.3 --only CLI-ACCEPT-VALID,CLI-REJECT-UNOFFERED
expect "client --exec true: exit 2, not 0 (got $rc)" test "$rc" -eq 2
expect "client --exec true: ERROR verdicts" grep -q '^  ERROR CLI-ACCEPT-VALID' "$work/exec-true.out"
run exec-missing client --exec 'no-such-client-binary {host} {port}' --tls 1.3 --only CLI-ACCEPT-VALID
expect "a misspelt client binary: exit 2 (got $rc)" test "$rc" -eq 2
expect "a misspelt client binary: its exit status 127 shown" grep -q 'exit status 127' "$work/exec-missing.out"
run exec-typo client --exec 'openssl s_client -connect {hots}:{port}'
expect "an unknown placeholder: exit 2 up front (got $rc)" test "$rc" -eq 2
expect "an unknown placeholder: named" grep -q "unknown placeholder '{hots}'" "$work/exec-typo.err"
expect "an unknown placeholder: nothing ran" test ! -s "$work/exec-typo.out"
run exec-shell client --exec 'echo ${HOME} {host} | awk "{ print }" >/dev/null' --tls 1.3 --only CLI-ACCEPT-VALID
expect "the shell's own braces are not placeholders (got $rc)" test "$rc" -eq 2 -a ! -s "$work/exec-shell.err"
run exec-awk client --exec 'echo {host} | awk "{print}"' --tls 1.3 --only CLI-ACCEPT-VALID
expect "a {word} that is no placeholder is refused, with the way out" grep -q "write '{ print }'" "$work/exec-awk.err"
printf 'CLI-ACEPT-VALID\n' >"$work/known-client"
run known-client client --exec true --known-failures "$work/known-client"
expect "client --known-failures with a misspelt ID: exit 2 (got $rc)" test "$rc" -eq 2
expect "client --known-failures with a misspelt ID: names it" grep -q "'CLI-ACEPT-VALID' is not a client check ID" "$work/known-client.err"
run listen-port client --listen 127.0.0.1:99999 --exec true
expect "--listen port 99999: the range" grep -q 'the port must be a number from 0' "$work/listen-port.err"

# --- wire-data commands: '-' is standard input, hex messages ----------------------------------------------------------
echo 000302683231 | "$ALPNCHECK" decode - >"$work/dash.out" 2>&1
expect "decode -: reads standard input" grep -q 'INVALID ProtocolNameList, 6 bytes' "$work/dash.out"
echo 'h2, http%2F1.1' | "$ALPNCHECK" header - >"$work/hdash.out" 2>&1
expect "header -: reads standard input" grep -q 'valid' "$work/hdash.out"
printf 'h2\nhttp/1.1\n' | "$ALPNCHECK" encode - >"$work/edash.out" 2>&1
expect "encode -: names from standard input" grep -q '000c02683208687474702f312e31' "$work/edash.out"
run odd decode 0003026
expect "odd hex: exit 2 and the reason" grep -q 'odd number of hex digits' "$work/odd.err"

# --- vectors: the same contract ----------------------------------------------------------------------------------------
ALPNCHECK_VECTORS_DIR="$SRC/vectors" "$ALPNCHECK" vectors --quiet --json - >"$work/vec.out" 2>"$work/vec.err"
rc=$?
expect "vectors --json -: exit 0 (got $rc)" test "$rc" -eq 0
expect "vectors --json -: stdout is the JSON summary alone" \
    "$PY" -c 'import json, sys; assert json.load(open(sys.argv[1]))["passed"] > 2000' "$work/vec.out"
expect "vectors --json -: the counts on stderr" grep -Eq '^[0-9]+ passed, 0 failed$' "$work/vec.err"
ALPNCHECK_VECTORS_DIR="$SRC/vectors" "$ALPNCHECK" vectors --quiet --json "$work/missing/v.json" >"$work/vecm.out" 2>"$work/vecm.err"
rc=$?
expect "vectors --json into a missing directory: exit 2 before the run (got $rc)" test "$rc" -eq 2 -a ! -s "$work/vecm.out"
expect "vectors --json into a missing directory: errno" grep -q 'No such file or directory' "$work/vecm.err"

# --- make demo stops when a section cannot run ------------------------------------------------------------------------
# A PATH without curl: the demo refuses to start, naming it.
mkdir -p "$work/nocurl"
for f in /usr/bin/*; do [ "${f##*/}" = curl ] || ln -s "$f" "$work/nocurl/${f##*/}"; done
PATH="$work/nocurl" DEMO_OUT="$work/demo" "$SRC/harness/demo.sh" "$ALPNCHECK" >"$work/demo1.out" 2>&1
rc=$?
expect "demo without curl: exit 2 (got $rc)" test "$rc" -eq 2
expect "demo without curl: names it" grep -q 'demo: curl is not installed' "$work/demo1.out"
# A curl that cannot connect (exit 127 as a missing program would): the client section stops the demo.
mkdir -p "$work/badcurl"
printf '#!/bin/sh
[ "$1" = --version ] && { echo "curl 0.0.0"; exit 0; }
exit 127
' >"$work/badcurl/curl"
chmod +x "$work/badcurl/curl"
PATH="$work/badcurl:$PATH" DEMO_OUT="$work/demo" "$SRC/harness/demo.sh" "$ALPNCHECK" >"$work/demo2.out" 2>&1
rc=$?
expect "demo with a broken client: exit 2 (got $rc)" test "$rc" -eq 2
expect "demo with a broken client: says which section stopped" \
    grep -q 'demo: STOPPED: alpncheck client with curl-0.0.0 could not run' "$work/demo2.out"
expect "demo with a broken client: the earlier sections ran" test -s "$work/demo/openssl-s_client-$(openssl version | cut -d' ' -f2).json"

# --- help and version -----------------------------------------------------------------------------------------------
"$ALPNCHECK" help server >"$work/help1" 2>&1
"$ALPNCHECK" server --help >"$work/help2" 2>&1
expect "'alpncheck help server' is the server's help" cmp -s "$work/help1" "$work/help2"
expect "the server's help is shown" grep -q '^Usage: alpncheck server' "$work/help1"
"$ALPNCHECK" --help >"$work/help" 2>&1
expect "--help names --version and -V" grep -q -- '-V, --version' "$work/help"
expect "-V prints the version" sh -c "'$ALPNCHECK' -V | grep -Eq '^alpncheck [0-9]+\.[0-9]+\.[0-9]+$'"

itest_end integration_exit
