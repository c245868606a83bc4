#!/bin/bash
# Integration test of `alpncheck client` against real clients on loopback: openssl s_client, gnutls-cli and curl,
# each run by --exec once per check (openssl and gnutls-cli also by --exec-0rtt for CLI-0RTT-ALPN). Asserts that every check gets a verdict (never ERROR), the exit codes, the
# JSON report against its schema, findings that hold for these versions, the CA written by --ca-out, the client
# log, that no client process is left behind, and the usage errors.
#   usage: integration_client.sh ALPNCHECK SOURCE_DIR
set -u
# shellcheck source=itest.sh
. "$2/tests/itest.sh"
itest_start itc "$@"
itest_need openssl openssl; itest_need gnutls-cli gnutls-bin; itest_need curl curl; itest_need pgrep procps
# A full run gives a result per client check and TLS version; the catalogue says how many.
n_cli=$(catalogue results client)
expect "the catalogue lists client checks ($n_cli results)" test "${n_cli:-0}" -gt 0

count() { # count REPORT VERDICT
    "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(sum(1 for x in r["results"] if x["verdict"] == sys.argv[2]))' "$@"
}

# run NAME EXEC EXEC-NO-ALPN [EXEC-0RTT]: alpncheck client with these commands; leaves $work/NAME.{json,out,log,rc}.
run() {
    local name=$1 cmd=$2 cmd0=$3 zero=()
    [ $# -ge 4 ] && zero=(--exec-0rtt "$4")
    "$ALPNCHECK" client -q --exec "$cmd" --exec-no-alpn "$cmd0" "${zero[@]}" --ca-out "$work/$name-ca.pem" \
        --client-log "$work/$name.log" --json "$work/$name.json" --junit "$work/$name.xml" >"$work/$name.out" 2>&1
    echo $? >"$work/$name.rc"
}

# 0-RTT (CLI-0RTT-ALPN) takes two s_client runs sharing a session file; stdin stays open a second (sleep) so that
# s_client reads the NewSessionTicket, which comes after the handshake, before it hangs up.
printf 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n' >"$work/early.txt"
s_client='openssl s_client -connect {host}:{port} -servername localhost -CAfile {ca} -verify_return_error -verify_hostname localhost -alpn {alpn}'

# Each client, like a real deployment, trusts the CA and checks the name localhost.
run openssl \
    'openssl s_client -connect {host}:{port} -servername localhost -CAfile {ca} -verify_return_error -verify_hostname localhost -alpn {alpn} </dev/null' \
    'openssl s_client -connect {host}:{port} -servername localhost -CAfile {ca} -verify_return_error -verify_hostname localhost </dev/null' \
    "sleep 1 | $s_client -sess_out {session}; sleep 1 | $s_client -sess_in {session} -early_data $work/early.txt"
run gnutls \
    'gnutls-cli --x509cafile {ca} --verify-hostname localhost --alpn h2 --alpn http/1.1 -p {port} {host} </dev/null' \
    'gnutls-cli --x509cafile {ca} --verify-hostname localhost -p {port} {host} </dev/null' \
    "gnutls-cli --x509cafile {ca} --verify-hostname localhost --alpn h2 --alpn http/1.1 --resume --earlydata $work/early.txt -p {port} {host} </dev/null"
run curl \
    'curl -sS --max-time 5 --http2 --cacert {ca} --resolve localhost:{port}:{host} -o /dev/null https://localhost:{port}/' \
    'curl -sS --max-time 5 --no-alpn --cacert {ca} --resolve localhost:{port}:{host} -o /dev/null https://localhost:{port}/'

for name in openssl gnutls curl; do
    j=$work/$name.json
    rc=$(cat "$work/$name.rc")
    expect "$name: exit 0 or 1 (got $rc): $(tail -n 2 "$work/$name.out")" test "$rc" -le 1
    expect "$name: JSON report validates against the schema" validate "$j"
    expect "$name: JUnit read alike by both consumers' schemas and junitparser" junit_consumers "$work/$name.xml" "$j"
    expect "$name: the suite is \"client\" (a free port; never the command)" \
        grep -q '^<testsuite name="client" ' "$work/$name.xml"
    n=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]))' "$j")
    expect "$name: $n_cli results (every client check x 2 versions), got $n" test "$n" -eq "$n_cli"
    e=$(count "$j" ERROR)
    expect "$name: no ERROR verdicts (got $e): $(grep -A3 ERROR "$work/$name.out" | head -n 8)" test "$e" -eq 0
    for v in 1.3 1.2; do
        expect "$name: accepts a valid answer over TLS $v" test "$(verdict "$j" CLI-ACCEPT-VALID $v)" = PASS
        expect "$name: well-formed offer over TLS $v" test "$(verdict "$j" CLI-OFFER-WELLFORMED $v)" = PASS
        expect "$name: unsolicited ALPN judged over TLS $v (the no-ALPN command ran)" \
            test "$(verdict "$j" CLI-REJECT-UNSOLICITED $v)" != SKIP
    done
    expect "$name: --ca-out wrote a PEM certificate" \
        openssl x509 -in "$work/$name-ca.pem" -noout -checkend 3600 >/dev/null
    runs=$(grep -c '^==== CLI-' "$work/$name.log")
    expect "$name: the client log holds one run per applicable check (got $runs)" test "$runs" -ge 20
    [ "$rc" -eq "$([ "$(count "$j" FAIL)" -gt 0 ] && echo 1 || echo 0)" ] && ok ||
        fail "$name: exit code $rc does not match the FAIL count"
done

# Findings that hold for the Debian 12 versions (OpenSSL 3.0, GnuTLS 3.7.9, curl 7.88 on OpenSSL).
expect "openssl: two names rejected with decode_error" test "$(verdict "$work/openssl.json" CLI-REJECT-MULTIPLE 1.3)" = PASS
expect "openssl: nothing failed" test "$(count "$work/openssl.json" FAIL)" -eq 0
# OpenSSL 3.0 resumes with 0-RTT and refuses early data accepted under another ALPN than the ticket's (alert 47), also
# (RFC 8446 §4.2.10's "if any") a protocol selected on a ticket from a connection answered without ALPN; GnuTLS 3.7.9
# compares neither. Each check really resumed with early data on the ticket it names.
for zero in 'CLI-0RTT-ALPN:ticket for "http/1.1"' 'CLI-0RTT-ALPN-ADDED:ticket without ALPN'; do
    id=${zero%%:*} ticket=${zero#*:}
    expect "openssl: $id: illegal_parameter ($(verdict "$work/openssl.json" "$id" 1.3))" \
        test "$(verdict "$work/openssl.json" "$id" 1.3)" = PASS
    expect "gnutls: $id: early data accepted all the same (WARN: a SHOULD)" test "$(verdict "$work/gnutls.json" "$id" 1.3)" = WARN
    for name in openssl gnutls; do
        expect "$name: $id resumed with early data on its ticket" \
            grep -qF "${ticket//\"/\\\"}, resumed with early data" "$work/$name.json"
    done
    expect "curl: $id is SKIP without --exec-0rtt" test "$(verdict "$work/curl.json" "$id" 1.3)" = SKIP
done
expect "gnutls: accepts an unoffered name (GnuTLS 3.7.9 does not check the answer)" \
    test "$(verdict "$work/gnutls.json" CLI-REJECT-UNOFFERED 1.3)" = WARN
expect "gnutls: ALPN in a TLS 1.3 ServerHello refused with the wrong alert (110, not 47)" \
    test "$(verdict "$work/gnutls.json" CLI-TLS13-ALPN-IN-SH 1.3)" = WARN
expect "gnutls: exit 1 with failures" test "$(cat "$work/gnutls.rc")" -eq 1

# A client that resumes without early data, and one that does not resume: CLI-0RTT-ALPN is SKIP and says why.
"$ALPNCHECK" client -q --tls 1.3 --only CLI-0RTT-ALPN --exec true --json "$work/0rtt-none.json" \
    --exec-0rtt "sleep 1 | $s_client -sess_out {session}; sleep 1 | $s_client -sess_in {session}" >/dev/null 2>&1
expect "openssl without -early_data: SKIP" test "$(verdict "$work/0rtt-none.json" CLI-0RTT-ALPN 1.3)" = SKIP
expect "openssl without -early_data: the reason" grep -q 'the client sent no early data' "$work/0rtt-none.json"
"$ALPNCHECK" client -q --tls 1.3 --only CLI-0RTT-ALPN --exec true --json "$work/0rtt-once.json" \
    --exec-0rtt "$s_client </dev/null" >/dev/null 2>&1
expect "one connection only: SKIP" grep -q 'the client did not resume (no second connection' "$work/0rtt-once.json"

# No client process survives its check.
# (Their command lines name the CA file in $work, which no other test's processes do.)
left=$(pgrep -f "$work/" | wc -l)
expect "no client process left behind ($left)" test "$left" -eq 0

# A command that never connects: every check is ERROR, found without waiting for the deadline, exit 2 (nothing could be
# judged), and the output says why.
start=$(date +%s%N)
lport=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ALPNCHECK" client -q --timeout 3000 --only CLI-ACCEPT-VALID --exec 'exit 3' --json "$work/none.json" \
    --junit "$work/none.xml" --listen "127.0.0.1:$lport" >"$work/none.out" 2>&1
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
expect "never connecting: ERROR verdicts" test "$(count "$work/none.json" ERROR)" -eq 2
expect "never connecting: the exit status of the command is reported" grep -q 'ended (exit status 3)' "$work/none.json"
expect "never connecting: noticed before the 2 x 3 s deadlines (${ms} ms)" test "$ms" -lt 3000
expect "never connecting: exit 2 (got $rc)" test "$rc" -eq 2
expect "never connecting: the reason line" grep -q '^exit 2: 2 checks could not be judged' "$work/none.out"
expect "never connecting: JUnit (errors) read alike by both schemas and junitparser" \
    junit_consumers "$work/none.xml" "$work/none.json"
expect "a fixed --listen address names the suite" grep -q "^<testsuite name=\"127.0.0.1:$lport\" " "$work/none.xml"

# Sleep durations unique to this run, so that processes of another run (or a leftover) are never counted here.
hang="sleep $((30000 + $$ % 30000))"
bg="sleep $((60001 + $$ % 30000))"
term="sleep $((90002 + $$ % 30000))"
# Whatever a failed assertion below leaves running goes when the script ends.
trap 'pkill -fx "$hang"; pkill -fx "$bg"; pkill -fx "$term"; rm -rf "$work"' EXIT

# A command that hangs without connecting is killed at the deadline.
start=$(date +%s%N)
"$ALPNCHECK" client -q --timeout 500 --only CLI-ACCEPT-VALID --tls 1.3 --exec "$hang" >"$work/hang.out" 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
expect "hanging command: ended within 5 s (${ms} ms)" test "$ms" -lt 5000
expect "hanging command: no sleep left" test "$(pgrep -fx "$hang" | wc -l)" -eq 0

# Without --exec: alpncheck says where to connect and waits; a person (here: this script) runs the client.
"$ALPNCHECK" client --only CLI-ACCEPT-VALID --tls 1.3 --timeout 10000 --ca-out "$work/manual-ca.pem" \
    --json "$work/manual.json" >"$work/manual.out" 2>"$work/manual.err" &
pid=$!
port=""
for _ in $(seq 100); do
    port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$work/manual.err" | cut -d: -f2)
    [ -n "$port" ] && grep -q 'connect your client to' "$work/manual.err" && break
    sleep 0.05
done
expect "manual mode: tells where to connect ($(head -c 200 "$work/manual.err"))" test -n "$port"
openssl s_client -connect "127.0.0.1:$port" -servername localhost -CAfile "$work/manual-ca.pem" -verify_return_error \
    -alpn h2,http/1.1 </dev/null >/dev/null 2>&1
wait "$pid"
rc=$?
expect "manual mode: exit 0 (got $rc)" test "$rc" -eq 0
expect "manual mode: the connection was judged" test "$(verdict "$work/manual.json" CLI-ACCEPT-VALID 1.3)" = PASS

# A command that leaves a background job behind: the job is killed with the command's process group.
"$ALPNCHECK" client -q --timeout 500 --only CLI-ACCEPT-VALID --tls 1.3 --exec "$bg & exit 0" \
    >"$work/bg.out" 2>&1
expect "background job of the command killed after its check" test "$(pgrep -fx "$bg" | wc -l)" -eq 0

# SIGTERM to alpncheck: the running client command and the temporary files go with it.
mkdir -p "$work/tmp"
TMPDIR=$work/tmp "$ALPNCHECK" client -q --timeout 20000 --tls 1.3 --exec "$term" --exec-0rtt "$term" \
    >"$work/term.out" 2>&1 &
pid=$!
for _ in $(seq 100); do pgrep -fx "$term" >/dev/null && break; sleep 0.05; done
expect "SIGTERM: the client command was running" pgrep -fx "$term" >/dev/null
kill -TERM "$pid"
wait "$pid"
rc=$?
expect "SIGTERM: alpncheck ends by the signal (status $rc)" test "$rc" -eq 143
expect "SIGTERM: no client command left" test "$(pgrep -fx "$term" | wc -l)" -eq 0
expect "SIGTERM: temporary CA and session files removed ($(ls "$work/tmp"))" test -z "$(ls -A "$work/tmp")"

# SIGTERM at any moment of the start-up (the handlers go in, with the signals held, before the first temporary file
# exists): a sweep of delays from 0 to 39 ms after the start, each in a fresh TMPDIR that must be empty afterwards.
left=""
for ms in $(seq 0 39); do
    mkdir -p "$work/tmp-$ms"
    TMPDIR=$work/tmp-$ms "$ALPNCHECK" client -q --timeout 2000 --tls 1.3 --only CLI-0RTT-ALPN --exec "$term" \
        --exec-0rtt "$term" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '0.%03d' "$ms")"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -z "$(ls -A "$work/tmp-$ms")" ] || left="$left ${ms}ms"
done
expect "SIGTERM during start-up: no client command left ($(pgrep -fx "$term" | wc -l))" test "$(pgrep -fx "$term" | wc -l)" -eq 0
pkill -fx "$term"
expect "SIGTERM during start-up: no temporary file left at any of 40 moments (${left:-none})" test -z "$left"
# The same with --ca-out: its directory then holds the whole certificate or nothing, never the new file that is
# renamed over the path (PATH.XXXXXX), nor half a certificate.
left=""
for ms in $(seq 0 39); do
    mkdir -p "$work/caout-$ms"
    "$ALPNCHECK" client -q --timeout 2000 --tls 1.3 --only CLI-ACCEPT-VALID --exec "$term"         --ca-out "$work/caout-$ms/ca.pem" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '0.%03d' "$ms")"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    files=$(ls -A "$work/caout-$ms")
    if [ "$files" = ca.pem ]; then
        tail -n 1 "$work/caout-$ms/ca.pem" | grep -q -- '-----END CERTIFICATE-----' || left="$left ${ms}ms(half)"
    elif [ -n "$files" ]; then
        left="$left ${ms}ms($files)"
    fi
done
pkill -fx "$term"
expect "SIGTERM during start-up with --ca-out: the whole CA or none, nothing beside it (${left:-so at all 40 moments})" \
    test -z "$left"

# An offer longer than 1 KiB (112 names): the answers are built and judged on the whole offer.
long=$(for i in $(seq 110); do printf 'proto-%03d,' "$i"; done)h2,http/1.1
"$ALPNCHECK" client -q --tls 1.3 --only CLI-ACCEPT-VALID,CLI-REJECT-MULTIPLE --offer "$long" --json "$work/long.json" \
    --junit "$work/long.xml" --name "s_client, long offer" \
    --exec 'openssl s_client -connect {host}:{port} -servername localhost -CAfile {ca} -alpn {alpn} </dev/null' \
    >"$work/long.out" 2>&1
expect "long offer: a valid answer accepted" test "$(verdict "$work/long.json" CLI-ACCEPT-VALID 1.3)" = PASS
expect "long offer: two names rejected" test "$(verdict "$work/long.json" CLI-REJECT-MULTIPLE 1.3)" = PASS
expect "--name names the suite" grep -q '^<testsuite name="s_client, long offer" ' "$work/long.xml"
expect "--name in the JSON report" grep -q '"name": "s_client, long offer"' "$work/long.json"

# Usage errors: exit 2 with a message.
for args in "--listen nonsense" "--tls 1.1" "--only SRV-NO-OVERLAP-ALERT" "--exec-no-alpn true" "--exec-0rtt true" "--timeout 5" "extra"; do
    # shellcheck disable=SC2086
    "$ALPNCHECK" client $args >"$work/u.out" 2>&1
    rc=$?
    expect "usage error '$args' exits 2 (got $rc)" test "$rc" -eq 2
    expect "usage error '$args' explains itself" grep -q 'alpncheck client:' "$work/u.out"
done
"$ALPNCHECK" client --listen 192.0.2.1:1 --exec true >"$work/l.out" 2>&1
rc=$?
expect "cannot listen: exit 2 (got $rc)" test "$rc" -eq 2

itest_end integration_client
