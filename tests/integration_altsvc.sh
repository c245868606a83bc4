#!/bin/bash
# Integration test of SRV-ALT-SVC (RFC 7838 §3) against real servers on loopback, each on a free port and always
# stopped: Caddy 2.6 with HTTP/3 (it advertises h3 in Alt-Svc on its HTTPS answers over TCP), openssl s_server -WWW
# (an HTTP answer without Alt-Svc), gnutls-serv with h2 and http/1.1, and tests/altsvc_server.py (Python's ssl) with
# Alt-Svc values of our choosing: malformed (ma=1d), and valid on two field lines. Asserts verdicts, the texts that
# name the rule, byte and h3 port, and exit codes.
#   usage: integration_altsvc.sh ALPNCHECK SOURCE_DIR
set -u
# shellcheck source=itest.sh
. "$2/tests/itest.sh"
itest_start altsvc "$@"
itest_peers
itest_need openssl openssl; itest_need gnutls-serv gnutls-bin; itest_need caddy caddy
itest_cert

# observed REPORT TLS: the observed text of SRV-ALT-SVC for TLS version TLS in a JSON report.
observed() {
    "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(x["observed"] for x in r["results"] if x["id"] == "SRV-ALT-SVC" and x["tls"] == sys.argv[2]))' "$@"
}

# check_altsvc NAME PORT [OPTION...]: alpncheck server --only SRV-ALT-SVC against 127.0.0.1:PORT, the JSON report in
# $work/NAME.json, its exit status in rc.
check_altsvc() {
    local name=$1 port=$2
    shift 2
    "$ALPNCHECK" server "127.0.0.1:$port" --only SRV-ALT-SVC -q --json "$work/$name.json" "$@" >"$work/$name.out" 2>&1
    rc=$?
}

# both NAME VERDICT TEXT: over TLS 1.3 and 1.2, SRV-ALT-SVC has VERDICT and its observed text holds TEXT.
both() {
    local v text
    for v in 1.3 1.2; do
        expect "$1: SRV-ALT-SVC is $2 over TLS $v (got $(verdict "$work/$1.json" SRV-ALT-SVC $v))" \
            test "$(verdict "$work/$1.json" SRV-ALT-SVC $v)" = "$2"
        text=$(observed "$work/$1.json" $v)
        expect "$1: TLS $v observed holds '$3' (got: $text)" grep -qF -- "$3" <<<"$text"
    done
}

# --- Caddy with HTTP/3: Alt-Svc: h3=":PORT"; ma=2592000 ----------------------------------------------------------
pc=$(free_port)
if caddy_setup "$pc" Caddyfile-h3.in; then
    "${CADDY_CMD[@]}" >"$work/caddy-$pc.log" 2>&1 </dev/null &
    PEER_PIDS+=($!)
else
    fail "cannot set up Caddy's directory and Caddyfile"
fi
if wait_port "$pc"; then
    check_altsvc caddy "$pc" --sni localhost
    expect "caddy: exit 0 (got $rc): $(tail -n 2 "$work/caddy.out")" test "$rc" -eq 0
    both caddy PASS "Alt-Svc \"h3=\\x22:$pc\\x22; ma=2592000\": h3 on :$pc"
    both caddy PASS "advertises h3 on port $pc (HTTP/3 over QUIC: try alpncheck server --quic)"
else
    fail "Caddy did not start on 127.0.0.1:$pc: $(tail -n 5 "$work/caddy-$pc.log")"
fi

# --- openssl s_server -WWW: an HTTP/1.0 answer from its document root, no Alt-Svc ---------------------------------
po=$(free_port)
mkdir -p "$work/www"
(cd "$work/www" && exec openssl s_server -accept "127.0.0.1:$po" -cert "$work/cert.pem" -key "$work/key.pem" \
    -alpn http/1.1 -WWW -quiet >"$work/openssl-$po.log" 2>&1 </dev/null) &
PEER_PIDS+=($!)
if wait_port "$po"; then
    check_altsvc openssl "$po"
    expect "openssl -WWW: exit 0 (got $rc)" test "$rc" -eq 0
    both openssl PASS "answer without Alt-Svc: no alternative services"
else
    fail "openssl s_server did not start"
fi

# --- gnutls-serv: an HTTP server that selects http/1.1, no Alt-Svc; with h2 alone it refuses http/1.1 -------------
pg=$(free_port)
start_gnutls "$pg"
pg2=$(free_port)
gnutls-serv --port "$pg2" --x509certfile "$work/cert.pem" --x509keyfile "$work/key.pem" --alpn h2 --alpn-fatal \
    >"$work/gnutls-$pg2.log" 2>&1 </dev/null &
PEER_PIDS+=($!)
if wait_port "$pg" && wait_port "$pg2"; then
    check_altsvc gnutls "$pg"
    both gnutls PASS "answer without Alt-Svc"
    check_altsvc gnutls-h2 "$pg2" --alpn h2
    both gnutls-h2 SKIP "not run: the server did not select http/1.1 (fatal alert 120"
    expect "gnutls-serv h2 only: nothing tested, exit 2 (got $rc)" test "$rc" -eq 2
else
    fail "gnutls-serv did not start"
fi

# --- our Python server: a malformed value, then valid ones on two field lines ------------------------------------
pm=$(free_port)
"$PY" "$SRC/tests/altsvc_server.py" "$pm" "$work/cert.pem" "$work/key.pem" 'h2=":443"; ma=1d' \
    >"$work/bad-$pm.log" 2>&1 </dev/null &
PEER_PIDS+=($!)
pv=$(free_port)
"$PY" "$SRC/tests/altsvc_server.py" "$pv" "$work/cert.pem" "$work/key.pem" 'h2=":443"; ma=60' 'h3=":8443"' \
    >"$work/good-$pv.log" 2>&1 </dev/null &
PEER_PIDS+=($!)
if wait_port "$pm" && wait_port "$pv"; then
    check_altsvc bad "$pm"
    both bad WARN "breaks ALTSVC-MA at byte 11"
    both bad WARN "a lenient client still uses: h2 on :443"
    expect "malformed Alt-Svc: a WARN is exit 0 (got $rc)" test "$rc" -eq 0
    check_altsvc good "$pv"
    both good PASS "and 1 more field line: h2 on :443, h3 on :8443; advertises h3 on port 8443"
    expect "two valid field lines: exit 0 (got $rc)" test "$rc" -eq 0
else
    fail "tests/altsvc_server.py did not start"
fi

itest_end integration_altsvc
