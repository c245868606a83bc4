#!/bin/bash
# Integration test of `alpncheck proxy` (issue 18): real CONNECT proxies from Debian (Squid 5, tinyproxy 1.11,
# Privoxy 3.0, Apache httpd 2.4's mod_proxy_connect) started on free loopback ports from private configs (harness/peers/conf/*.conf.in), and the defective
# proxies of tests/hostile_proxy.py, one for each verdict the proxy checks can give. Every proxy is stopped at the end.
#   usage: integration_proxy.sh ALPNCHECK SOURCE_DIR
set -u
# shellcheck source=itest.sh
. "$2/tests/itest.sh"
itest_start proxy "$@"
itest_peers
itest_need squid squid
itest_need tinyproxy tinyproxy
itest_need privoxy privoxy
itest_need apache2 apache2

n_proxy=$("$ALPNCHECK" checks --json | "$PY" -c 'import json, sys
print(sum(c["family"] == "proxy" for c in json.load(sys.stdin)))')
expect "the catalogue has proxy checks ($n_proxy)" test "$n_proxy" -ge 6

# count REPORT VERDICT: how many results of the report have the verdict.
count() {
    "$PY" -c 'import json, sys
print(sum(x["verdict"] == sys.argv[2] for x in json.load(open(sys.argv[1]))["results"]))' "$1" "$2"
}
# observed REPORT ID: what the report says was observed for check ID.
observed() {
    "$PY" -c 'import json, sys
print(" ".join(x["observed"] for x in json.load(open(sys.argv[1]))["results"] if x["id"] == sys.argv[2]))' "$1" "$2"
}
# run_proxy NAME PORT [OPTIONS]: alpncheck proxy against 127.0.0.1:PORT, reports in $work/NAME.*, exit status in rc.
run_proxy() {
    local name=$1 port=$2
    shift 2
    rc=0
    timeout 120 "$ALPNCHECK" proxy "127.0.0.1:$port" --json "$work/$name.json" --junit "$work/$name.xml" -q "$@" \
        >"$work/$name.out" 2>&1 || rc=$?
}

# ---- real proxies: every check passes ------------------------------------------------------------------------
for kind in squid tinyproxy privoxy apache-proxy; do
    port=$(free_port)
    start_proxy "$kind" "$port" || fail "$kind: cannot write its configuration"
    if ! wait_port "$port"; then
        fail "$kind did not listen on 127.0.0.1:$port: $(tail -n 5 "$work/$kind-$port.log")"
        continue
    fi
    run_proxy "$kind" "$port"
    expect "$kind: exit 0 (got $rc: $(tail -n 2 "$work/$kind.out"))" test "$rc" = 0
    # Without --upstream, PRX-ALPN-FORWARDED has nothing to read: SKIP, with how to run it.
    expect "$kind: all other proxy checks PASS" test "$(count "$work/$kind.json" PASS)" = "$((n_proxy - 1))"
    expect "$kind: PRX-ALPN-FORWARDED is SKIP without --upstream" \
        test "$(verdict "$work/$kind.json" PRX-ALPN-FORWARDED "")" = SKIP
    expect "$kind: the tunnel relayed the bytes unchanged" \
        grep -q "arrived unchanged" <<<"$(observed "$work/$kind.json" PRX-TUNNEL-INTACT)"
    expect "$kind: the JSON report follows the schema" validate "$work/$kind.json"
    expect "$kind: the JUnit report satisfies its consumers" junit_consumers "$work/$kind.xml" "$work/$kind.json"
done

# ---- chained proxies: alpncheck is also their upstream (parent) proxy and reads the CONNECT they forward ----------
# (Squid 5.7 is left out here: with a parent configured it answers the first CONNECT after its start 500 while it
# probes the parent, which a run's baseline cannot tell from a refusal.)
for kind in tinyproxy-upstream privoxy-upstream; do
    port=$(free_port)
    up=$(free_port)
    start_proxy "$kind" "$port" "$up" || fail "$kind: cannot write its configuration"
    wait_port "$port" || fail "$kind did not listen on 127.0.0.1:$port: $(tail -n 5 "$work/$kind-$port.log")"
    run_proxy "$kind" "$port" --upstream "127.0.0.1:$up"
    expect "$kind: exit 0 (got $rc: $(tail -n 2 "$work/$kind.out"))" test "$rc" = 0
    expect "$kind: every proxy check PASS" test "$(count "$work/$kind.json" PASS)" = "$n_proxy"
    expect "$kind: the field reached alpncheck unchanged" grep -q 'carries 1 ALPN field, the first "h2, http%2F1.1"' \
        <<<"$(observed "$work/$kind.json" PRX-ALPN-FORWARDED)"
done
# Apache httpd 2.4 (2.4.71 here)'s mod_proxy_connect, chained with ProxyRemote, writes a CONNECT of its own for the upstream
# that leaves the client's fields out: the ALPN field is lost (a finding, WARN; the tunnel itself is intact).
port=$(free_port)
up=$(free_port)
start_proxy apache-proxy-upstream "$port" "$up" || fail "apache-proxy-upstream: cannot write its configuration"
wait_port "$port" || fail "apache-proxy-upstream did not listen: $(tail -n 5 "$work/apache-proxy-upstream-$port.log")"
run_proxy apache-upstream "$port" --upstream "127.0.0.1:$up"
expect "apache-proxy-upstream: exit 0, WARN only (got $rc)" test "$rc" = 0
expect "apache-proxy-upstream: the chained tunnel is intact" \
    test "$(verdict "$work/apache-upstream.json" PRX-TUNNEL-INTACT "")" = PASS
expect "apache-proxy-upstream: the field is dropped upstream (WARN)" \
    test "$(verdict "$work/apache-upstream.json" PRX-ALPN-FORWARDED "")" = WARN

# ---- defective proxies: the verdict each earns -----------------------------------------------------------------
# hostile MODE: starts tests/hostile_proxy.py MODE on a free port (into port).
hostile() {
    port=$(free_port)
    "$PY" "$SRC/tests/hostile_proxy.py" "$port" "$1" >"$work/hostile-$1.log" 2>&1 &
    PEER_PIDS+=($!)
    wait_port "$port" || fail "hostile proxy $1 did not start"
}

hostile refuse-unknown
run_proxy refuse-unknown "$port"
expect "refuse-unknown: exit 0 (WARN only; got $rc)" test "$rc" = 0
expect "refuse-unknown: HDR-PROXY-TOLERANT is WARN" test "$(verdict "$work/refuse-unknown.json" HDR-PROXY-TOLERANT "")" = WARN
expect "refuse-unknown: the refusal is shown" grep -q "403 Forbidden" <<<"$(observed "$work/refuse-unknown.json" HDR-PROXY-TOLERANT)"
expect "refuse-unknown: PRX-ALPN-GREASE is WARN" test "$(verdict "$work/refuse-unknown.json" PRX-ALPN-GREASE "")" = WARN
expect "refuse-unknown: PRX-ALPN-REGISTERED passes" test "$(verdict "$work/refuse-unknown.json" PRX-ALPN-REGISTERED "")" = PASS
expect "refuse-unknown: PRX-ALPN-MALFORMED is reported, not judged" \
    test "$(verdict "$work/refuse-unknown.json" PRX-ALPN-MALFORMED "")" = PASS

hostile flip
run_proxy flip "$port"
expect "flip: exit 1 (got $rc)" test "$rc" = 1
expect "flip: PRX-TUNNEL-INTACT fails" test "$(verdict "$work/flip.json" PRX-TUNNEL-INTACT "")" = FAIL
expect "flip: the changed byte is named" grep -q "first difference at byte 9" <<<"$(observed "$work/flip.json" PRX-TUNNEL-INTACT)"

hostile text
run_proxy text "$port"
expect "text: exit 1 (got $rc)" test "$rc" = 1
expect "text: the answer lost at its first NUL is a FAIL" grep -q "got 4 of the 261 bytes" \
    <<<"$(observed "$work/text.json" PRX-TUNNEL-INTACT)"

hostile no-connect
run_proxy no-connect "$port" --timeout 1500
expect "no-connect: exit 1 (got $rc)" test "$rc" = 1
expect "no-connect: a 200 without a tunnel is a FAIL" grep -q "no connection reached the target" \
    <<<"$(observed "$work/no-connect.json" PRX-TUNNEL-INTACT)"

hostile refuse-all
run_proxy refuse-all "$port"
expect "refuse-all: exit 2, nothing could be judged (got $rc)" test "$rc" = 2
expect "refuse-all: every check ERROR" test "$(count "$work/refuse-all.json" ERROR)" = "$n_proxy"
expect "refuse-all: says what to change" grep -q "allow CONNECT to alpncheck's target" "$work/refuse-all.out"

hostile garbage
run_proxy garbage "$port"
expect "garbage: exit 2 (got $rc)" test "$rc" = 2
expect "garbage: the answer is named not HTTP" grep -q "not HTTP" <<<"$(observed "$work/garbage.json" PRX-TUNNEL-INTACT)"

hostile endless-head
start=$(date +%s)
run_proxy endless-head "$port" --timeout 20000
expect "endless-head: exit 2 (got $rc)" test "$rc" = 2
expect "endless-head: stopped at the head's bound, not the deadline ($(($(date +%s) - start)) s)" \
    test $(($(date +%s) - start)) -lt 15
expect "endless-head: the bound is named" grep -q "no end within 16384 bytes" \
    <<<"$(observed "$work/endless-head.json" PRX-TUNNEL-INTACT)"

up=$(free_port)
port=$(free_port)
"$PY" "$SRC/tests/hostile_proxy.py" "$port" upstream-strip "$up" >"$work/hostile-upstream-strip.log" 2>&1 &
PEER_PIDS+=($!)
wait_port "$port" || fail "hostile proxy upstream-strip did not start"
run_proxy upstream-strip "$port" --upstream "127.0.0.1:$up"
expect "upstream-strip: exit 0 (WARN only; got $rc)" test "$rc" = 0
expect "upstream-strip: PRX-ALPN-FORWARDED is WARN" test "$(verdict "$work/upstream-strip.json" PRX-ALPN-FORWARDED "")" = WARN
expect "upstream-strip: says the field is missing" grep -q "carries no ALPN field" \
    <<<"$(observed "$work/upstream-strip.json" PRX-ALPN-FORWARDED)"
expect "upstream-strip: the chained tunnel itself is intact" \
    test "$(verdict "$work/upstream-strip.json" PRX-TUNNEL-INTACT "")" = PASS

# Nobody listening: exit 2 with the reason.
run_proxy nobody "$(free_port)"
expect "unreachable proxy: exit 2 (got $rc)" test "$rc" = 2
expect "unreachable proxy: says so" grep -q "cannot reach the proxy" <<<"$(observed "$work/nobody.json" PRX-TUNNEL-INTACT)"

# ---- alpncheck client --proxy: alpncheck is the client's proxy and the TLS server in the tunnel ----------------------
itest_need curl curl
# client_run NAME EXEC [OPTIONS]: alpncheck client with EXEC, reports in $work/NAME.json, exit status in rc.
client_run() {
    local name=$1 exec=$2
    shift 2
    rc=0
    timeout 300 "$ALPNCHECK" client --exec "$exec" --json "$work/$name.json" -q "$@" >"$work/$name.out" 2>&1 || rc=$?
}
# verdicts REPORT: "ID@TLS VERDICT" per line for every check but the CLI-PROXY-* ones, sorted.
verdicts() {
    "$PY" -c 'import json, sys
for x in sorted(json.load(open(sys.argv[1]))["results"], key=lambda x: (x["id"], x["tls"])):
    if not x["id"].startswith("CLI-PROXY-"):
        print(x["id"] + "@" + x["tls"], x["verdict"])' "$1"
}
curl_cmd='curl -sS --max-time 10 --cacert {ca} https://localhost:443/ -o /dev/null'
client_run curl-direct "$curl_cmd --connect-to localhost:443:{host}:{port}"
client_run curl-proxy "$curl_cmd -p -x http://{host}:{port}" --proxy
expect "curl through alpncheck's proxy: a run (exit $rc)" test "$rc" != 2
expect "curl: every TLS check judges the same through the tunnel as directly" \
    test "$(verdicts "$work/curl-proxy.json")" = "$(verdicts "$work/curl-direct.json")"
expect "curl: sends no ALPN field, reported" grep -q "carries no ALPN field" \
    <<<"$(observed "$work/curl-proxy.json" CLI-PROXY-ALPN-FIELD)"
expect "curl: CLI-PROXY-ALPN-SAME is SKIP without a field" \
    test "$(verdict "$work/curl-proxy.json" CLI-PROXY-ALPN-SAME 1.3)" = SKIP
expect "without --proxy the CLI-PROXY-* checks are SKIP" grep -q "alpncheck was not the client's proxy" \
    <<<"$(observed "$work/curl-direct.json" CLI-PROXY-ALPN-CANONICAL)"

# A client that sends the field (tests/proxy_client.py): canonical and same, lower-case escapes, other names.
proxy_client() { # proxy_client NAME FIELD: the CLI-PROXY-* checks over TLS 1.3 with that field
    client_run "$1" "$PY $SRC/tests/proxy_client.py {host} {port} {ca} h2,http/1.1 '$2'" --proxy --tls 1.3 \
        --only CLI-PROXY-ALPN-FIELD,CLI-PROXY-ALPN-SAME,CLI-PROXY-ALPN-CANONICAL
}
proxy_client field-good 'h2, http%2F1.1'
expect "field-good: exit 0 (got $rc)" test "$rc" = 0
expect "field-good: SAME passes" test "$(verdict "$work/field-good.json" CLI-PROXY-ALPN-SAME 1.3)" = PASS
expect "field-good: CANONICAL passes" test "$(verdict "$work/field-good.json" CLI-PROXY-ALPN-CANONICAL 1.3)" = PASS
proxy_client field-lower 'h2, http%2f1.1'
expect "field-lower: exit 1 (got $rc)" test "$rc" = 1
expect "field-lower: lower-case escapes FAIL the canonical form" \
    test "$(verdict "$work/field-lower.json" CLI-PROXY-ALPN-CANONICAL 1.3)" = FAIL
expect "field-lower: libalpn's rule and offset are named" grep -q "HDR-PCT-UPPER at byte 8" \
    <<<"$(observed "$work/field-lower.json" CLI-PROXY-ALPN-CANONICAL)"
expect "field-lower: the names are still the same" \
    test "$(verdict "$work/field-lower.json" CLI-PROXY-ALPN-SAME 1.3)" = PASS
proxy_client field-other 'h3'
expect "field-other: a field naming other protocols is WARN" \
    test "$(verdict "$work/field-other.json" CLI-PROXY-ALPN-SAME 1.3)" = WARN
# The field is a list (RFC 7639 §2: the protocols that might be used), so neither its order nor its split into field
# lines (RFC 9110 §5.3) matters; both were WARN when only the first line was read, in the ClientHello's order.
proxy_client field-order 'http%2F1.1, h2'
expect "field-order: the names in another order are the same" \
    test "$(verdict "$work/field-order.json" CLI-PROXY-ALPN-SAME 1.3)" = PASS
proxy_client field-lines 'h2|http%2F1.1'
expect "field-lines: two field lines are one list: SAME passes" \
    test "$(verdict "$work/field-lines.json" CLI-PROXY-ALPN-SAME 1.3)" = PASS
expect "field-lines: ... and CANONICAL judges both" \
    test "$(verdict "$work/field-lines.json" CLI-PROXY-ALPN-CANONICAL 1.3)" = PASS
expect "field-lines: the report says there were two" grep -qF 'CONNECT with 2 ALPN field lines, together "ALPN: h2, http%2F1.1"' \
    <<<"$(observed "$work/field-lines.json" CLI-PROXY-ALPN-SAME)"
proxy_client field-lines-bad 'h2|http%2f1.1'
expect "field-lines-bad: a bad second line FAILs CANONICAL (only the first was judged)" \
    test "$(verdict "$work/field-lines-bad.json" CLI-PROXY-ALPN-CANONICAL 1.3)" = FAIL

# --proxy, but the client connects straight with TLS: no CONNECT, ERROR with what came instead.
client_run not-via-proxy "$curl_cmd --connect-to localhost:443:{host}:{port}" --proxy --tls 1.3 \
    --only CLI-PROXY-ALPN-FIELD
expect "not-via-proxy: exit 2 (got $rc)" test "$rc" = 2
expect "not-via-proxy: says no CONNECT came" grep -q "did not start with a CONNECT request" \
    <<<"$(observed "$work/not-via-proxy.json" CLI-PROXY-ALPN-FIELD)"

itest_end integration_proxy
