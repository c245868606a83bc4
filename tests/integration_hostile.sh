#!/bin/bash
# Integration test: hostile peers cannot hold alpncheck. A server that answers with a ServerHello and then keeps the
# socket readable (change_cipher_spec records without end, fast or at a pace under the byte budget; HelloRequest
# messages without end over TLS 1.2), and a client that sends a ClientHello and then floods: each run must end
# with exit 2, an ERROR that says why, and within a bound far below what the old code took (over 120 s for the
# server, 60 s per check for the client); a server that drips into the renegotiation of SRV-RENEG-ALPN. Then: peers
# that drip (the run's --deadline ends the run), peers that answer wrongly at once (reset, two HelloRetryRequests,
# SSLv2, HTTP, a 16 MiB header, duplicated extensions, TLS 1.3 for a TLS 1.2 hello, a small-order key share, an alert
# record too short for an alert, an alert of undefined level and description: verdicts, reason and byte in the JSON
# report), a client streaming under the byte budget, and --exec with hostile values (no shell injection), its
# escaping descendants and --ca-out. The bounds are generous for a loaded 2-core CI; speed lives in make bench.
#   usage: integration_hostile.sh ALPNCHECK SOURCE_DIR
set -u
# shellcheck source=itest.sh
. "$2/tests/itest.sh"
itest_start hostile "$@"
itest_peers
itest_need python3 python3

# timed NAME CMD...: runs the command with its output in $work/NAME.out; $rc and $ms (wall time) afterwards. A hard
# cap of 100 s keeps a regression from hanging the suite.
timed() {
    local name=$1 start
    shift
    start=$(date +%s%N)
    timeout 100 "$@" >"$work/$name.out" 2>&1
    rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
}

# verdicts REPORT: "VERDICT count" pairs of the report, sorted; first_observed REPORT VERDICT: one observed text.
verdicts() {
    "$PY" -c 'import json, sys, collections
r = json.load(open(sys.argv[1]))
print(" ".join("%s %d" % kv for kv in sorted(collections.Counter(x["verdict"] for x in r["results"]).items())))' "$1"
}
first_observed() {
    "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(next((x["observed"] for x in r["results"] if x["verdict"] == sys.argv[2]), ""))' "$@"
}

# A server that answers and then keeps the socket readable: change_cipher_spec records (skipped, so capped at 32),
# HelloRequest messages (TLS 1.2; handshake messages the client ignores, so only the byte budget stops them), and one
# byte of a long handshake message per record (nothing skipped, under the budget: only the deadline stops it). The
# server answered: its checks are ERROR in a report, saying why (before: "cannot reach", exit 2 and no report).
for case in "ccs-flood|1.3|10000|more than 32 records that carry nothing for the handshake" \
    "hello-request-flood|1.2|10000|more than 1 MiB on this connection without finishing the handshake" \
    "hs-stream|1.3|2000|the deadline passed after"; do
    IFS='|' read -r mode tls limit text <<<"$case"
    port=$(free_port)
    "$PY" "$SRC/tests/hostile_server.py" "$port" "$mode" &
    PEER_PIDS+=($!)
    wait_port "$port" || fail "$mode: the hostile server did not start"
    # The floods get a long deadline, so that only the cap or the byte budget can stop them, even under ASan on a
    # loaded CI (a 2 s deadline came first there); the stream under both gets 2 s.
    rm -f "$work/$mode.json"
    timed "$mode" "$ALPNCHECK" server "127.0.0.1:$port" --timeout "$limit" --tls "$tls" --json "$work/$mode.json"
    expect "server $mode: exit 2 (got $rc)" test "$rc" -eq 2
    expect "server $mode: within 20 s (${ms} ms)" test "$ms" -lt 20000
    expect "server $mode: says why ($(tail -n 1 "$work/$mode.out"))" grep -qF -- "$text" "$work/$mode.out"
    if [ "$mode" = hs-stream ]; then
        # A server that completes no handshake has no check to judge: no report; the deadline, not the data, ended it.
        expect "server $mode: not before its 2 s deadline (${ms} ms)" test "$ms" -ge 1900
        continue
    fi
    expect "server $mode: not 'cannot reach'" bash -c "! grep -q 'cannot reach' '$work/$mode.out'"
    got=$(verdicts "$work/$mode.json" 2>/dev/null)
    expect "server $mode: every check ERROR in the report ($got)" sh -c "echo '$got' | grep -Eq '^ERROR [0-9]+\$'"
done

# A TLS 1.2 server that completes a real handshake and answers the renegotiation's ClientHello (SRV-RENEG-ALPN) with
# a record header promising 16 KiB, then one byte a second: the renegotiation runs on a blocking socket, whose receive
# timeout restarted with every byte, and the probe stayed in one gnutls_handshake call (killed after 30 s here; hours
# in all). Now every read of it waits at most until the renegotiation's 1.5 s are up.
itest_cert
port=$(free_port)
"$PY" "$SRC/tests/hostile_server.py" "$port" reneg-drip "$work/cert.pem" "$work/key.pem" &
PEER_PIDS+=($!)
wait_port "$port" || fail "reneg-drip: the hostile server did not start"
timed reneg-drip "$ALPNCHECK" server "127.0.0.1:$port" --tls 1.2 --only SRV-RENEG-ALPN --timeout 2000 -v
expect "server reneg-drip: exit 0, the row reported (got $rc)" test "$rc" -eq 0
expect "server reneg-drip: the renegotiation got no answer within its 1.5 s" \
    grep -q 'renegotiation failed: no answer to the renegotiation within 1.5 s' "$work/reneg-drip.out"
expect "server reneg-drip: within 20 s (${ms} ms)" test "$ms" -lt 20000

timed client "$ALPNCHECK" client --exec "$PY $SRC/tests/hostile_client.py {host} {port}" --timeout 10000 --tls 1.3 \
    --only CLI-ACCEPT-VALID,CLI-REJECT-UNOFFERED -v
expect "client flood: exit 2 (got $rc)" test "$rc" -eq 2
expect "client flood: within 30 s for two checks (${ms} ms; the cap ends each long before its 10 s)" \
    test "$ms" -lt 30000
expect "client flood: ERROR after the ClientHello, saying why" \
    grep -q 'observed:    after the ClientHello: the peer sent more than 32 records that carry nothing' "$work/client.out"

# A client that connects and says nothing costs the 2 s wait for its ClientHello, not the check's whole deadline plus
# the grace time for its exit (8 s a check before).
timed silent "$ALPNCHECK" client --tls 1.3 --only CLI-ACCEPT-VALID,CLI-REJECT-UNOFFERED -v \
    --exec "$PY -c 'import socket, sys, time; s = socket.create_connection((sys.argv[1], int(sys.argv[2]))); time.sleep(30)' {host} {port}"
expect "silent client: exit 2 (got $rc)" test "$rc" -eq 2
expect "silent client: says it sent no ClientHello in 2 s" \
    grep -q 'the client connected but sent no whole ClientHello within 2000 ms' "$work/silent.out"
expect "silent client: two checks within 12 s (${ms} ms; 16 s before)" test "$ms" -lt 12000

# A client that completes its handshake and then sends without end: after the ticket of CLI-0RTT-ALPN, alpncheck
# discards what the client sends before its second connection, and the time limit of that wait was tested only when
# no byte was waiting. Before, it read 3.9 and 21 GB there in two runs; now it stops at the byte budget (1 MiB).
sent=$work/after-handshake.sent
cmd="$PY $SRC/tests/hostile_client.py {host} {port} after-handshake $sent"
timed after-handshake "$ALPNCHECK" client --tls 1.3 --only CLI-0RTT-ALPN --timeout 2000 -v --exec "$cmd" \
    --exec-0rtt "$cmd"
expect "client after its handshake: exit 2 (got $rc)" test "$rc" -eq 2
expect "client after its handshake: its first connection got the ticket, and no second one came" \
    grep -q 'the client did not resume (no second connection after the ticket); the ticket was issued for' \
    "$work/after-handshake.out"
most=$(sort -n "$sent" | tail -n 1)
expect "client after its handshake: alpncheck took at most 64 MiB of its flood (${most:-?} bytes)" \
    test "${most:-0}" -gt 0 -a "${most:-0}" -lt $((64 << 20))
expect "client after its handshake: within 20 s (${ms} ms)" test "$ms" -lt 20000

# --- the run's deadline ----------------------------------------------------------------------------------------------
# A peer that drips one byte every 200 ms costs every connection its whole --timeout (about 30 checks x 2 s here);
# --deadline ends the run near its deadline, every check left ERROR with that reason, exit 2. Server and client.
# results_with REPORT VERDICT TEXT: how many results have that verdict and the text in "observed".
results_with() {
    "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(sum(1 for x in r["results"] if x["verdict"] == sys.argv[2] and sys.argv[3] in x["observed"]))' "$@" 2>/dev/null
}
port=$(free_port)
"$PY" "$SRC/tests/hostile_server.py" "$port" drip &
PEER_PIDS+=($!)
wait_port "$port" || fail "drip: the hostile server did not start"
timed drip-server "$ALPNCHECK" server "127.0.0.1:$port" --tls 1.2 --alpn h2 --timeout 2000 --deadline 8 \
    --json "$work/drip-server.json"
expect "server drip: exit 2 (got $rc)" test "$rc" -eq 2
expect "server drip: ends near its 8 s deadline (${ms} ms; about 60 s without one)" test "$ms" -ge 7500 -a "$ms" -lt 20000
cut=$(results_with "$work/drip-server.json" ERROR "run deadline of 8 s reached")
expect "server drip: the checks left are ERROR, saying why ($cut)" test "${cut:-0}" -ge 10
timed drip-client "$ALPNCHECK" client --tls 1.3 --timeout 2000 --deadline 6 --json "$work/drip-client.json" \
    --exec "$PY $SRC/tests/hostile_client.py {host} {port} drip"
expect "client drip: exit 2 (got $rc)" test "$rc" -eq 2
expect "client drip: ends near its 6 s deadline (${ms} ms; about 30 s without one)" test "$ms" -ge 5500 -a "$ms" -lt 20000
cut=$(results_with "$work/drip-client.json" ERROR "run deadline of 6 s reached")
expect "client drip: the checks left are ERROR, saying why ($cut)" test "${cut:-0}" -ge 5

# A client that sends its ClientHello and then one byte of a long handshake message per record, at a pace under the
# byte budget: nothing is skipped, so only the deadline of each check can end it (before, each check took the
# client's whole 60 s).
timed c-hs-stream "$ALPNCHECK" client --tls 1.3 --timeout 2000 --only CLI-ACCEPT-VALID,CLI-REJECT-UNOFFERED \
    --json "$work/c-hs-stream.json" --exec "$PY $SRC/tests/hostile_client.py {host} {port} hs-stream"
expect "client hs-stream: exit 2 (got $rc)" test "$rc" -eq 2
expect "client hs-stream: two checks within 15 s, not before their 2 s deadlines (${ms} ms)" \
    test "$ms" -lt 15000 -a "$ms" -ge 3800
expect "client hs-stream: ERROR at the deadline" \
    test "$(results_with "$work/c-hs-stream.json" ERROR "no reaction from the client before the deadline")" = 2

# --- answers that are wrong at once -----------------------------------------------------------------------------------
# Each hostile server answers every connection the same wrong way. A server that answers, however wrongly, is
# reachable: its checks are ERROR in a report that says what was wrong and at which byte (before: "cannot reach",
# no report, or an answer accepted). A reset before any answer is "cannot reach". duplicate-alpn is the check's own
# finding: FAIL, the ALPN answered twice (RFC 8446 §4.2). Every run ends within 20 s.
for case in "reset|1.2|2|cannot reach .*: Connection reset by peer before any answer" \
    "hrr-twice|1.3|2|unusable HelloRetryRequest (version 0x0304, suite 0x1301, a second one)" \
    "sslv2|1.2|2|not a TLS record at byte 0 of what the peer sent (bytes 80 " \
    "http|1.2|2|not a TLS record at byte 0 of what the peer sent (bytes 48 54 54 50, \"HTTP\")" \
    "huge-header|1.2|2|a handshake message of type 2 claims 16777215 bytes, more than the 65792" \
    "duplicate-ext|1.2|2|malformed ServerHello: a second extension of type 23 at byte 89" \
    "tls13-in-tls12|1.2|2|the ServerHello selects version 0x0304 (byte 80), which the ClientHello did not offer" \
    "bad-point|1.3|2|the server's X25519 key share gives an all-zero shared secret, a small-order point" \
    "alert-short|1.3|2|an alert record of 1 byte at byte 0 of what the peer sent, and no second byte after it" \
    "alert-empty|1.3|2|an empty alert record at byte 0 of what the peer sent (RFC 5246 §6.2.1" \
    "alert-unknown|1.3|2|completes no TLS handshake with alpncheck \(.*\(alert 255\)\)" \
    "duplicate-alpn|1.2|1|(ALPN answered twice)"; do
    IFS='|' read -r mode tls want text <<<"$case"
    port=$(free_port)
    "$PY" "$SRC/tests/hostile_server.py" "$port" "$mode" &
    PEER_PIDS+=($!)
    wait_port "$port" || fail "$mode: the hostile server did not start"
    rm -f "$work/$mode.json"
    timed "$mode" "$ALPNCHECK" server "127.0.0.1:$port" --tls "$tls" --timeout 2000 --json "$work/$mode.json"
    expect "server $mode: exit $want (got $rc)" test "$rc" -eq "$want"
    expect "server $mode: within 20 s (${ms} ms)" test "$ms" -lt 20000
    # A reset before any answer, and an alert (however odd) to every hello, leave nothing to judge: no report.
    if [ "$mode" = reset ] || [ "$mode" = alert-unknown ]; then
        expect "server $mode: says why" grep -qE "$text" "$work/$mode.out"
        continue
    fi
    got=$(verdicts "$work/$mode.json" 2>/dev/null)
    seen=$(first_observed "$work/$mode.json" "$([ "$want" = 1 ] && echo FAIL || echo ERROR)" 2>/dev/null)
    case $mode in
    duplicate-alpn) expect "server $mode: FAILs and no PASS ($got)" sh -c "echo '$got' | grep -q FAIL && ! echo '$got' | grep -q PASS" ;;
    *) expect "server $mode: every check ERROR in the report ($got)" sh -c "echo '$got' | grep -Eq '^ERROR [0-9]+\$'" ;;
    esac
    expect "server $mode: says what and where ($seen)" grep -qF -- "$text" <<<"$seen"
done

# The same wrong answers from a client: each check ERROR with what was wrong, exit 2, within 30 s for two checks. A
# reset after the ClientHello races alpncheck's flight: it is met while sending (ERROR, saying so) or while reading
# the reaction (a close to judge): never PASS, and never exit 0.
for case in "reset|" \
    "sslv2|not a TLS record at byte 0 of what the peer sent (bytes 80 1c" \
    "http|not a TLS record at byte 0 of what the peer sent (bytes 47 45 54 20, \"GET \")" \
    "huge-header|a ClientHello of 16777215 bytes, more than the 131072 it may hold" \
    "bad-point|the client's X25519 key share gives an all-zero shared secret, a small-order point" \
    "alert-short|an alert record of 1 byte at byte 158 of what the peer sent; an alert is two bytes" \
    "alert-empty|an empty alert record at byte 158 of what the peer sent (RFC 5246 §6.2.1"; do
    IFS='|' read -r mode text <<<"$case"
    rm -f "$work/c-$mode.json"
    timed "c-$mode" "$ALPNCHECK" client --tls 1.3 --timeout 2000 --only CLI-ACCEPT-VALID,CLI-REJECT-UNOFFERED \
        --json "$work/c-$mode.json" --exec "$PY $SRC/tests/hostile_client.py {host} {port} $mode"
    got=$(verdicts "$work/c-$mode.json" 2>/dev/null)
    expect "client $mode: within 30 s (${ms} ms)" test "$ms" -lt 30000
    if [ -z "$text" ]; then
        expect "client $mode: a non-zero exit (got $rc)" test "$rc" -ne 0
        expect "client $mode: no PASS ($got)" sh -c "test -n '$got' && ! echo '$got' | grep -q PASS"
        continue
    fi
    expect "client $mode: exit 2 (got $rc)" test "$rc" -eq 2
    expect "client $mode: both checks ERROR ($got)" test "$got" = "ERROR 2"
    seen=$(first_observed "$work/c-$mode.json" ERROR 2>/dev/null)
    expect "client $mode: says what and where ($seen)" grep -qF -- "$text" <<<"$seen"
done

# An alert that is well-formed but of no defined level or description (3, 255) is the client's reaction as it came:
# a refusal of the valid answer (FAIL) and of the unoffered one (PASS), reported with its level as undefined.
timed c-alert-unknown "$ALPNCHECK" client --tls 1.3 --timeout 2000 --only CLI-ACCEPT-VALID,CLI-REJECT-UNOFFERED \
    --json "$work/c-alert-unknown.json" --exec "$PY $SRC/tests/hostile_client.py {host} {port} alert-unknown"
got=$(verdicts "$work/c-alert-unknown.json" 2>/dev/null)
expect "client alert-unknown: exit 1 (got $rc)" test "$rc" -eq 1
expect "client alert-unknown: one FAIL, one PASS ($got)" test "$got" = "FAIL 1 PASS 1"
expect "client alert-unknown: the level is named undefined" \
    test "$(results_with "$work/c-alert-unknown.json" FAIL "the client sent undefined-level alert 255 (unknown alert)")" = 1

# --- processes and files of --exec -----------------------------------------------------------------------------------
# Descendants that leave the command's process group (setsid, nohup) or ignore TERM end with the check: alpncheck is
# their subreaper. Sleep durations unique to this run, so that no other process is counted.
n=$((40000 + $$ % 9000))
timed escape "$ALPNCHECK" client --tls 1.3 --only CLI-ACCEPT-VALID --timeout 1000 \
    --exec "setsid sleep $n & nohup sleep $((n + 1)) >/dev/null 2>&1 & sh -c 'trap \"\" TERM; sleep $((n + 2))' & true"
left=$(pgrep -f "^sleep ($n|$((n + 1))|$((n + 2)))\$" | wc -l)
pkill -f "^sleep ($n|$((n + 1))|$((n + 2)))\$"
expect "--exec: no setsid, nohup or TERM-ignoring descendant outlives the run ($left left)" test "$left" -eq 0
# No value becomes shell text: an --offer and a $TMPDIR (so the {ca} path) full of what a shell would run or split
# ("$(...)", backticks, quotes, ';', spaces, a newline) reach the command as the literal value, with the placeholder
# bare, in double quotes, inside $(...) and in the middle of a word; nothing they name is run. Before, a placeholder
# inside double quotes let "$(touch ...)" run. A placeholder inside single quotes is refused up front.
mkdir -p "$work/cwd"
evil_dir="$work/t\"\$(touch pwned-ca)\"\`touch pwned-ca2\`; x"
mkdir -p "$evil_dir"
evil_offer="h2\"\$(touch pwned-alpn)\"\`touch pwned-alpn2\`'; touch pwned-alpn3
two words"
(cd "$work/cwd" && TMPDIR=$evil_dir timed inject "$ALPNCHECK" client --tls 1.3 --only CLI-ACCEPT-VALID --timeout 1000 \
    --offer "$evil_offer" \
    --exec "$PY -c 'import json, sys; print(json.dumps(sys.argv[1:]))' {alpn} \"{alpn}\" \"<{ca}>\" \"\$(printf %s \"{alpn}\")\" >>'$work/seen'"
    echo "$rc" >"$work/inject.rc")
expect "--exec: no value ran as shell code ($(ls "$work/cwd" | tr '\n' ' '))" test -z "$(ls "$work/cwd")"
expect "--exec: the command saw the values literally" "$PY" -c 'import json, sys
seen = json.loads(open(sys.argv[1]).readline())
offer, tmp = sys.argv[2], sys.argv[3]
ca = seen[2][1:-1]
ok = seen[0] == seen[1] == seen[3] == offer and ca.startswith(tmp + "/alpncheck-ca-") and seen[2] == "<" + ca + ">"
sys.exit(0 if ok else "seen: %r" % seen)' "$work/seen" "$evil_offer" "$evil_dir"
timed quoted "$ALPNCHECK" client --tls 1.3 --only CLI-ACCEPT-VALID --exec "sh -c 'client {alpn}'"
expect "--exec: a placeholder inside single quotes is refused (exit $rc)" test "$rc" -eq 2
expect "--exec: ... saying where to put it" grep -q "placeholder '{alpn}' inside single quotes" "$work/quoted.out"
# --ca-out replaces what is at the path (a symlink is replaced, not followed) with a 0644 file: a mode of its own,
# whatever the umask (under umask 000, fopen's file would be 0666).
echo victim >"$work/victim"
ln -s "$work/victim" "$work/ca.pem"
mask=$(umask)
umask 000
timed caout "$ALPNCHECK" client --tls 1.3 --only CLI-ACCEPT-VALID --timeout 500 --exec true --ca-out "$work/ca.pem"
umask "$mask"
expect "--ca-out does not write through a symlink" test "$(cat "$work/victim")" = victim
expect "--ca-out is a regular file holding the CA" sh -c "test ! -L '$work/ca.pem' && grep -q 'BEGIN CERTIFICATE' '$work/ca.pem'"
expect "--ca-out has mode 0644" test "$(stat -c %a "$work/ca.pem")" = 644
# A --ca-out path longer than alpncheck keeps is refused: it was cut at 511 bytes, and the CA went to the shorter path
# (in a directory that exists: the path is many short names) under another name.
# Directories to about 470 bytes, then a name of 67: the cut falls inside the name.
deep="$work/deep"
while [ ${#deep} -lt 470 ]; do deep="$deep/dd"; done
mkdir -p "$deep"
timed caout-long "$ALPNCHECK" client --tls 1.3 --only CLI-ACCEPT-VALID --timeout 500 --exec true \
    --ca-out "$deep/ca-$(printf 'x%.0s' $(seq 1 60)).pem"
expect "--ca-out with a path over 511 bytes: exit 2 (got $rc)" test "$rc" -eq 2
expect "--ca-out with a path over 511 bytes: says so" grep -q "the path is longer than 511 bytes" "$work/caout-long.out"
expect "--ca-out with a path over 511 bytes: no file anywhere under a shorter name" \
    test -z "$(find "$work/deep" -type f)"
# The session file of --exec-0rtt is emptied before each check that uses it; a command that put a symlink there had
# the next check truncate the file it points to (before: emptied). Now the path is made anew, never written through.
echo victim >"$work/victim-session"
timed session "$ALPNCHECK" client --tls 1.3 --only CLI-0RTT-ALPN,CLI-0RTT-ALPN-ADDED --timeout 500 --exec true \
    --exec-0rtt "rm -f {session}; ln -s '$work/victim-session' {session}"
expect "--exec-0rtt: both checks ran the command (exit $rc)" test "$(grep -c 'without connecting' "$work/session.out")" -eq 2
expect "--exec-0rtt: the session file is not written through a symlink" test "$(cat "$work/victim-session")" = victim

itest_end integration_hostile
