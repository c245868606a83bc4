#!/bin/bash
# Integration test of `alpncheck server` against real servers on loopback: openssl s_server and gnutls-serv
# (plain and with --alpn-fatal), each started on a free port and always stopped. Asserts verdicts, exit codes,
# the JSON report against its schema, JUnit names, known failures, and the unreachable-server path.
#   usage: integration_server.sh ALPNCHECK SOURCE_DIR
set -u
# shellcheck source=itest.sh
. "$2/tests/itest.sh"
itest_start it "$@"
itest_peers
itest_need openssl openssl; itest_need gnutls-serv gnutls-bin
itest_cert
# observed REPORT ID TLS: what the result of ID over TLS observed.
observed() {
    "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(x["observed"] for x in r["results"] if x["id"] == sys.argv[2] and x["tls"] == sys.argv[3]))' "$@"
}
# A full run gives a result per server check and TLS version; the catalogue says how many.
n_srv=$(catalogue results server)
gaps=$(catalogue gaps server)
expect "the catalogue lists server checks ($n_srv results, $gaps of them SKIP by version)" \
    test "${n_srv:-0}" -gt 0 -a -n "$gaps"

# --- openssl s_server: conforming ---------------------------------------------------------------------------------
p1=$(free_port)
start_openssl "$p1"
wait_port "$p1" || fail "openssl s_server did not start"
"$ALPNCHECK" server "127.0.0.1:$p1" -q --json "$work/o.json" --junit "$work/o.xml" --html "$work/o.html" \
    --md "$work/o.md" >"$work/o.out" 2>&1
rc=$?
expect "openssl: exit 0 (got $rc): $(tail -n 3 "$work/o.out")" test "$rc" -eq 0
expect "openssl: JSON report validates against the schema" validate "$work/o.json"
expect "openssl: profile discovered" grep -q '"profile": "h2, http/1.1 (discovered' "$work/o.json"
expect "openssl: TLS 1.3 answer in EncryptedExtensions" test "$(verdict "$work/o.json" SRV-TLS13-IN-EE 1.3)" = PASS
expect "openssl: alert 120 on no overlap, TLS 1.2" test "$(verdict "$work/o.json" SRV-NO-OVERLAP-ALERT 1.2)" = PASS
n_cases=$(grep -c '<testcase ' "$work/o.xml")
n_names=$(grep -o '<testcase [^>]*' "$work/o.xml" | grep -o ' name="[^"]*"' | sort -u | wc -l)
n_class=$(grep -o '<testcase [^>]*' "$work/o.xml" | grep -c ' classname="alpncheck\.')
expect "openssl: $n_srv JUnit testcases, unique names, all with classname ($n_cases, $n_names, $n_class)" \
    test "$n_cases" -eq "$n_srv" -a "$n_names" -eq "$n_srv" -a "$n_class" -eq "$n_srv"
expect "openssl: JUnit read alike by both consumers' schemas and junitparser" junit_consumers "$work/o.xml" "$work/o.json"
expect "openssl: the JUnit suite is named after the target" grep -q "^<testsuite name=\"127.0.0.1:$p1\" " "$work/o.xml"
expect "openssl: classname is the section" \
    grep -q '<testcase classname="alpncheck.RFC_7301_3_1.malformed_lists_decode_error_expected" name="SRV-MALFORMED-EMPTY-LIST TLS 1.3"' \
    "$work/o.xml"
expect "openssl: HTML report written" grep -q '</html>' "$work/o.html"
# s_server's own verdicts beside the catalogue's SKIPs: six SKIPs (it refuses TLS 1.1 and 1.0, and an echo server
# speaks no HTTP, below, for SRV-PROTOCOL-DEFINITIVE and SRV-ALT-SVC) and one WARN (a changed list after a
# HelloRetryRequest); everything else passes.
expect "openssl: summary line" \
    grep -qx "$((n_srv - gaps - 6 - 1)) passed, 0 failed, $((gaps + 6)) skipped" "$work/o.out"

expect "openssl: carries on after a HelloRetryRequest with a changed ALPN list: WARN" \
    test "$(verdict "$work/o.json" SRV-HRR-ALPN-CHANGED 1.3)" = WARN
for id in SRV-0RTT-ALPN SRV-0RTT-TICKET-FRESH SRV-0RTT-ALPN-ADDED SRV-0RTT-ALPN-OMITTED; do
    expect "openssl: $id refuses early data under another protocol" test "$(verdict "$work/o.json" $id 1.3)" = PASS
done
# RFC 8446 §4.2.10's "if any": a ticket without ALPN resumed offering one, and the reverse, both refused (after a
# control run that took early data, else these would be SKIP).
expect "openssl: early data refused on a ticket without ALPN, h2 selected" \
    test "$(observed "$work/o.json" SRV-0RTT-ALPN-ADDED 1.3)" = 'early data refused; resumed, "h2" selected'
expect "openssl: early data refused when the hello omits ALPN" \
    test "$(observed "$work/o.json" SRV-0RTT-ALPN-OMITTED 1.3)" = 'early data refused; resumed without ALPN'
expect "openssl: an echo server sends no HTTP: SKIP" test "$(verdict "$work/o.json" SRV-PROTOCOL-DEFINITIVE 1.3)" = SKIP
expect "openssl: no HTTP answer, no Alt-Svc to judge: SKIP" test "$(verdict "$work/o.json" SRV-ALT-SVC 1.2)" = SKIP

# Progress: shown on stderr when it is a terminal (script(1) gives the run a pseudo-terminal), never otherwise, and
# not with -q. The counter ends at the number of results of the run.
prog_cmd="'$ALPNCHECK' server 127.0.0.1:$p1 --alpn h2,http/1.1 --only SRV-SELECT-OFFERED,SRV-NO-OVERLAP-ALERT"
script -qec "$prog_cmd >/dev/null" /dev/null >"$work/tty.out" 2>&1
expect "progress on a terminal: counter up to 4/4 ($(tr '\r' '\n' <"$work/tty.out" | grep -c '\['))" \
    grep -q '\[  4/  4\]' "$work/tty.out"
expect "progress on a terminal: one line per result" test "$(grep -o '\[  [0-9]/  4\]' "$work/tty.out" | wc -l)" -eq 4
script -qec "$prog_cmd -q >/dev/null" /dev/null >"$work/tty-q.out" 2>&1
expect "no progress with -q" test "$(grep -c '\[' "$work/tty-q.out")" -eq 0
eval "$prog_cmd" >/dev/null 2>"$work/notty.err"
expect "no progress when stderr is not a terminal" test ! -s "$work/notty.err"

# --- openssl s_server -www: an HTTP/1.0 page server ----------------------------------------------------------------
p5=$(free_port)
openssl s_server -accept "127.0.0.1:$p5" -cert "$work/cert.pem" -key "$work/key.pem" -alpn h2,http/1.1 -www \
    -quiet >"$work/www.log" 2>&1 </dev/null &
PEER_PIDS+=($!)
wait_port "$p5" || fail "openssl s_server -www did not start"
"$ALPNCHECK" server "127.0.0.1:$p5" --alpn http/1.1 --only SRV-PROTOCOL-DEFINITIVE --json "$work/w1.json" \
    --timeout 1000 >"$work/w1.out" 2>&1
expect "s_server -www: http/1.1 selected and HTTP/1.x spoken passes" \
    test "$(verdict "$work/w1.json" SRV-PROTOCOL-DEFINITIVE 1.2)" = PASS
# It negotiates h2 but waits for an HTTP/1 request line: no SETTINGS, no bytes at all — SKIP, not a guess.
"$ALPNCHECK" server "127.0.0.1:$p5" --alpn h2 --tls 1.3 --only SRV-PROTOCOL-DEFINITIVE --json "$work/w2.json" \
    --timeout 1000 >"$work/w2.out" 2>&1
expect "s_server -www: h2 selected, nothing spoken: SKIP" \
    test "$(verdict "$work/w2.json" SRV-PROTOCOL-DEFINITIVE 1.3)" = SKIP

# --- openssl s_server with secp256r1 only: every TLS 1.3 connection goes through a HelloRetryRequest --------------
p6=$(free_port)
openssl s_server -accept "127.0.0.1:$p6" -cert "$work/cert.pem" -key "$work/key.pem" -alpn h2,http/1.1 \
    -groups P-256 -quiet >"$work/p256.log" 2>&1 </dev/null &
PEER_PIDS+=($!)
wait_port "$p6" || fail "openssl s_server -groups P-256 did not start"
"$ALPNCHECK" server "127.0.0.1:$p6" --alpn h2,http/1.1 --tls 1.3 \
    --only SRV-SELECT-OFFERED,SRV-TLS13-IN-EE,SRV-NO-OVERLAP-ALERT,SRV-MALFORMED-EMPTY-LIST --json "$work/p256.json" \
    -v >"$work/p256.out" 2>&1
rc=$?
expect "P-256 only: exit 0 (got $rc): $(tail -n 2 "$work/p256.out")" test "$rc" -eq 0
expect "P-256 only: the answer read from EncryptedExtensions after the retry" \
    test "$(verdict "$work/p256.json" SRV-TLS13-IN-EE 1.3)" = PASS
expect "P-256 only: the selection came after a HelloRetryRequest" grep -q 'after a HelloRetryRequest' "$work/p256.out"

# --- gnutls-serv --alpn-fatal: alert 120, but first-match parsing of malformed lists ------------------------------
p2=$(free_port)
start_gnutls "$p2" --alpn-fatal
wait_port "$p2" || fail "gnutls-serv --alpn-fatal did not start"
"$ALPNCHECK" server "127.0.0.1:$p2" --alpn h2,http/1.1 --json "$work/g.json" --junit "$work/g.xml" \
    --name "gnutls-serv --alpn-fatal" >"$work/g.out" 2>&1
rc=$?
expect "gnutls --alpn-fatal: exit 1 (got $rc)" test "$rc" -eq 1
expect "gnutls --alpn-fatal: JSON validates" validate "$work/g.json"
expect "gnutls --alpn-fatal: JUnit with failures read alike by both schemas and junitparser" \
    junit_consumers "$work/g.xml" "$work/g.json"
expect "gnutls --alpn-fatal: --name names the suite" grep -q '^<testsuite name="gnutls-serv --alpn-fatal" ' "$work/g.xml"
expect "gnutls --alpn-fatal: --name in the JSON report" grep -q '"name": "gnutls-serv --alpn-fatal"' "$work/g.json"
for v in 1.2 1.3; do
    expect "gnutls --alpn-fatal: alert 120, TLS $v" test "$(verdict "$work/g.json" SRV-NO-OVERLAP-ALERT $v)" = PASS
    for id in SRV-MALFORMED-EMPTY-NAME-LATER SRV-MALFORMED-TRAILING-AFTER-MATCH; do
        expect "gnutls --alpn-fatal: $id fails, TLS $v" test "$(verdict "$work/g.json" $id $v)" = FAIL
    done
    expect "gnutls --alpn-fatal: client preference is a WARN, TLS $v" \
        test "$(verdict "$work/g.json" SRV-SERVER-PREFERENCE $v)" = WARN
done
for v in 1.1 1.0; do
    expect "gnutls --alpn-fatal: h2 over TLS $v fails" test "$(verdict "$work/g.json" SRV-H2-MIN-TLS12 $v)" = FAIL
    expect "openssl: TLS $v refused, SKIP" test "$(verdict "$work/o.json" SRV-H2-MIN-TLS12 $v)" = SKIP
done
# GnuTLS 3.7.9 compares no ALPN before taking early data: a finding in every 0-RTT check, the "if any" ones too.
for id in SRV-0RTT-ALPN SRV-0RTT-TICKET-FRESH SRV-0RTT-ALPN-ADDED SRV-0RTT-ALPN-OMITTED; do
    expect "gnutls --alpn-fatal: $id accepts early data under another protocol" \
        test "$(verdict "$work/g.json" $id 1.3)" = FAIL
done
expect "gnutls --alpn-fatal: early data taken from a hello without ALPN on a ticket with h2" \
    test "$(observed "$work/g.json" SRV-0RTT-ALPN-OMITTED 1.3)" = 'early data ACCEPTED; resumed without ALPN'
expect "gnutls --alpn-fatal: negotiates h2, answers HTML" \
    test "$(verdict "$work/g.json" SRV-PROTOCOL-DEFINITIVE 1.3)" = FAIL
expect "gnutls --alpn-fatal: failure detail names the selection" \
    grep -q 'observed:    handshake completed with ALPN "h2" in EncryptedExtensions' "$work/g.out"

# Known failures: every FAIL declared turns into XFAIL and the run exits 0; a declared check that passes is XPASS.
"$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print("\n".join(sorted({x["id"] + "@" + x["tls"] for x in r["results"] if x["verdict"] == "FAIL"})))' \
    "$work/g.json" >"$work/known"
# known NAME: gnutls-serv --alpn-fatal again with $work/known as --known-failures; reports in $work/NAME.*, the
# status in rc.
known() {
    "$ALPNCHECK" server "127.0.0.1:$p2" --alpn h2,http/1.1 --known-failures "$work/known" -q --json "$work/$1.json" \
        --junit "$work/$1.xml" >"$work/$1.out" 2>&1
    rc=$?
}
known k
expect "known failures: exit 0 when every failure is declared (got $rc)" test "$rc" -eq 0
expect "known failures: XFAIL counted" grep -q 'XFAIL' "$work/k.out"
expect "known failures: JUnit (XFAIL skipped) read alike by both schemas and junitparser" \
    junit_consumers "$work/k.xml" "$work/k.json"
echo "SRV-SELECT-OFFERED" >>"$work/known"
known x
expect "known failures: a passing declared check is XPASS and fails the run (got $rc)" test "$rc" -eq 1
expect "known failures: XPASS shown" grep -q 'XPASS' "$work/x.out"
expect "known failures: JUnit (XPASS a failure) read alike by both schemas and junitparser" \
    junit_consumers "$work/x.xml" "$work/x.json"

# --- gnutls-serv without --alpn-fatal: carries on without ALPN (the ALPACA behaviour) ------------------------------
p3=$(free_port)
start_gnutls "$p3"
wait_port "$p3" || fail "gnutls-serv did not start"
"$ALPNCHECK" server "127.0.0.1:$p3" --alpn h2,http/1.1 --tls 1.3 --only SRV-NO-OVERLAP-ALERT,SRV-SELECT-OFFERED \
    --json "$work/p.json" >"$work/p.out" 2>&1
rc=$?
expect "gnutls plain: exit 1 (got $rc)" test "$rc" -eq 1
expect "gnutls plain: no alert 120" test "$(verdict "$work/p.json" SRV-NO-OVERLAP-ALERT 1.3)" = FAIL
expect "gnutls plain: selection still passes" test "$(verdict "$work/p.json" SRV-SELECT-OFFERED 1.3)" = PASS
expect "gnutls plain: observed text" grep -q 'observed:    handshake completed without ALPN' "$work/p.out"

# --- usage and unreachable servers ----------------------------------------------------------------------------------
p4=$(free_port)
"$ALPNCHECK" server "127.0.0.1:$p4" >"$work/u.out" 2>&1
rc=$?
expect "unreachable: exit 2 (got $rc)" test "$rc" -eq 2
expect "unreachable: says why" grep -q 'cannot reach 127.0.0.1:'"$p4"': connect: Connection refused' "$work/u.out"
"$ALPNCHECK" server "127.0.0.1:$p1" --only SRV-NOT-A-CHECK >"$work/b.out" 2>&1
expect "bad --only: exit 2" test $? -eq 2
"$ALPNCHECK" server localhost >"$work/b.out" 2>&1
expect "no port: exit 2" test $? -eq 2

# --- hostile and broken peers: a clear error, exit 2, within the deadline -------------------------------------------
for mode in garbage silent close drip partial; do
    port=$(free_port)
    "$PY" "$SRC/tests/bad_server.py" "$port" "$mode" &
    PEER_PIDS+=($!)
    wait_port "$port" || fail "bad server ($mode) did not start"
    start=$(date +%s%N)
    timeout 20 "$ALPNCHECK" server "127.0.0.1:$port" --timeout 500 >"$work/bad-$mode.out" 2>&1
    rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    expect "bad server ($mode): exit 2 (got $rc): $(cat "$work/bad-$mode.out")" test "$rc" -eq 2
    # The bad servers hold a connection 30 s: ending within 3 s shows the 500 ms deadline held, with room for the
    # process start-up under ASan on a loaded 2-core CI.
    expect "bad server ($mode): done in ${ms} ms, within 3 s of a 500 ms deadline" test "$ms" -lt 3000
done
expect "garbage: named as not TLS" grep -q 'not a TLS record at byte 0 of what the peer sent (bytes 48 54 54' "$work/bad-garbage.out"
expect "silent: deadline named" grep -q 'the connection was established, but nothing answered the ClientHello before the deadline' "$work/bad-silent.out"
expect "close: named" grep -qE '(connection closed|Connection reset by peer) before any answer' "$work/bad-close.out"
expect "drip: deadline named, and how far the record got" grep -qE 'the deadline passed after [0-9]+ bytes of an incomplete record' "$work/bad-drip.out"
expect "partial: named" grep -q 'connection closed after 2 bytes of an incomplete record' "$work/bad-partial.out"

itest_end
