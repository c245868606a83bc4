#!/bin/bash
# Integration test of the real QUIC peers that alpncheck's QUIC checks run against (issue 16): Caddy 2.6 with HTTP/3,
# ngtcp2 0.12's gtlsserver and our quic-go 0.29 server, each on a free UDP port of 127.0.0.1 (harness/peers.sh), are
# shown to speak QUIC and to negotiate ALPN by the other real peers as clients (harness/peers/quic-client.sh:
# gtlsclient, our quic-go client). Each server's answer to an offer it shares nothing with and to an offer without
# ALPN, and each client's answer to a server that names no protocol, is pinned with its CONNECTION_CLOSE code: RFC
# 9001 §8.1 wants no_application_protocol, 0x0178, for all three; what the peers really do is what alpncheck's QUIC
# checks will judge. Every peer is stopped when the script ends.
#   usage: integration_quic_peers.sh ALPNCHECK SOURCE_DIR PEERS_BIN [quinn]
#     PEERS_BIN  where our peers are built (once; later runs reuse them)
#     quinn      also builds quinn 0.9 (minutes from cold: ctest only with -DALPN_QUINN_TESTS=ON) and checks its server
#                and client against the others
set -u
# shellcheck source=itest.sh
. "$2/tests/itest.sh"
itest_start quic-peers "$1" "$2"
itest_peers
itest_need caddy caddy
itest_need gtlsserver ngtcp2-server
itest_need gtlsclient ngtcp2-client
itest_need /usr/bin/go golang-go
export QUIC_PEERS_BIN=$3
QC=$SRC/harness/peers/quic-client.sh
declare -A PORT

# built BUILD NAME: one of our peers built into PEERS_BIN, or the script ends here with the build's last lines.
built() {
    local t0=$SECONDS
    "$1" "$QUIC_PEERS_BIN" >"$work/$2-build.log" 2>&1 || {
        echo "FAIL: the $2 peers do not build offline from Debian's packages: $(tail -n 5 "$work/$2-build.log")"
        exit 1
    }
    echo "$2 peers built (or up to date) in $((SECONDS - t0)) s"
}

# serve NAME KIND [ARG]: start_quic KIND on a free port, PORT[NAME] once its UDP socket is bound to 127.0.0.1 (and to
# no other address); how long that took is printed for the notes, never asserted.
serve() {
    local name=$1 port t0
    port=$(free_udp_port) || { fail "$name: no free port"; return 1; }
    t0=$(date +%s%N)
    if ! start_quic "$2" "$port" "${3:-}" || ! wait_udp "$port" "${PEER_PIDS[-1]}"; then
        fail "$name did not start on UDP 127.0.0.1:$port: $(tail -n 5 "$work"/*-"$port".log)"
        return 1
    fi
    echo "$name: UDP 127.0.0.1:$port bound after $((($(date +%s%N) - t0) / 1000000)) ms"
    PORT[$name]=$port
    expect "$name listens on UDP 127.0.0.1:$port, not on every address" \
        awk -v any="$(printf '00000000:%04X' "$port")" 'FNR > 1 && $2 == any { exit 1 }' /proc/net/udp
}

# client NAME SERVER ALPN-LIST [CA-FILE]: one connection of quic-client.sh; its output on one line in $out, its exit
# status in $rc (a generous bound catches a hang).
client() {
    out=$(timeout 30 "$QC" "$1" 127.0.0.1 "${PORT[$2]}" "${4:-$work/quic-cert.pem}" "$3" 2>&1)
    rc=$?
    out=${out//$'\n'/ | }
}
has() { [[ $out == *"$1"* ]]; }

# negotiated CLIENT SERVER ALPN-LIST PROTOCOL [CA-FILE]: the handshake completes with PROTOCOL.
negotiated() {
    client "$1" "$2" "$3" "${5:-}"
    expect "$1 -> $2 offering '$3': handshake with $4 (exit $rc: $out)" test "$rc" -eq 0
    expect "$1 -> $2 offering '$3': $4 negotiated ($out)" has "negotiated: \"$4\""
}

# closed CLIENT SERVER ALPN-LIST CODE WHO [CA-FILE]: the handshake fails with a CONNECTION_CLOSE carrying CODE, sent
# by the server (WHO=server) or by the client itself (WHO=client).
closed() {
    local remote=false
    [ "$5" = server ] && remote=true
    client "$1" "$2" "$3" "${6:-}"
    expect "$1 -> $2 offering '$3': the handshake failed (exit $rc: $out)" test "$rc" -eq 1
    expect "$1 -> $2 offering '$3': closed by the $5 with $4 ($out)" has "transport close code $4 (remote $remote)"
}

if ! peers_make_quic_cert; then
    echo "FAIL: cannot make a certificate"
    exit 1
fi
built quic_go_build quic-go
serve caddy caddy-h3
serve ngtcp2 ngtcp2
serve quic-go quic-go h3,hq-interop
# A server sharing nothing with gtlsclient, which offers exactly h3, and one that answers without ALPN.
serve quic-go-other quic-go alpncheck-other
serve quic-go-none quic-go ""
caddy_ca=$(caddy_ca "${PORT[caddy]}")
expect "Caddy's internal CA is in its private directory" test -s "$caddy_ca"
expect "Caddy serves TCP on the same port (h1, h2)" wait_port "${PORT[caddy]}"

# --- each server negotiates h3 with the other stacks' clients, and its own choice where the client offers more --------
negotiated gtlsclient caddy h3 h3
negotiated gtlsclient quic-go h3 h3
negotiated quic-go caddy hq-interop,h3 h3 "$caddy_ca"
negotiated quic-go ngtcp2 hq-interop,h3 h3
# our quic-go server offers two names and picks by its own order (Go's crypto/tls)
negotiated quic-go quic-go hq-interop hq-interop
negotiated quic-go quic-go hq-interop,h3 h3
# the clients' ends are real: gtlsclient fails on a server it shares no protocol with, and our client checks the
# certificate (Caddy's CA does not sign gtlsserver's: bad_certificate, 0x0100 + 42, from the client)
closed gtlsclient quic-go-other h3 0x178 server
closed quic-go ngtcp2 h3 0x12a client "$caddy_ca"

# --- no overlap: every server closes with no_application_protocol (RFC 9001 §8.1) ----------------------------------
closed quic-go caddy alpncheck-unknown 0x178 server "$caddy_ca"
closed quic-go ngtcp2 alpncheck-unknown 0x178 server
closed quic-go quic-go alpncheck-unknown 0x178 server

# --- no ALPN offered: RFC 9001 §8.1 wants 0x178 again; what each server really does -------------------------------
# quic-go 0.29 (Caddy's stack too) completes a handshake without ALPN: the answer carries none, and only our client,
# which enforces ALPN, closes the connection itself. gtlsserver refuses with internal_error (0x0100 + 80), not 0x178.
closed quic-go caddy "" 0x178 client "$caddy_ca"
expect "caddy answers an offer without ALPN with no protocol ($out)" has "Server didn't offer any protocols"
closed quic-go quic-go "" 0x178 client
closed quic-go ngtcp2 "" 0x150 server

# --- an answer without ALPN to a client that offered h3: RFC 9001 §8.1 wants the client to close with 0x178 ----------
# gtlsclient (ngtcp2 0.12 over GnuTLS) completes the handshake with no protocol; our quic-go client closes.
negotiated gtlsclient quic-go-none h3 ""
closed quic-go quic-go-none h3 0x178 client

# --- quinn 0.9 (rustls 0.20), when asked for ---------------------------------------------------------------------------
if [ "${4:-}" = quinn ]; then
    itest_need /usr/bin/cargo "cargo, with librust-quinn-dev: the Makefile's PKGS_QUINN"
    built quinn_build quinn
    serve quinn quinn h3,hq-interop
    negotiated gtlsclient quinn h3 h3
    negotiated quic-go quinn hq-interop hq-interop
    negotiated quic-go quinn hq-interop,h3 h3
    negotiated quinn caddy hq-interop,h3 h3 "$caddy_ca"
    negotiated quinn ngtcp2 h3 h3
    negotiated quinn quic-go hq-interop hq-interop
    closed quinn quinn alpncheck-unknown 0x178 server
    closed quinn caddy alpncheck-unknown 0x178 server "$caddy_ca"
    # quinn's server refuses an offer without ALPN as RFC 9001 §8.1 says; its client, offering none, accepts an
    # answer without ALPN (Caddy's) and completes the handshake.
    closed quic-go quinn "" 0x178 server
    client quinn caddy "" "$caddy_ca"
    expect "quinn -> caddy offering nothing: the handshake completes without ALPN (exit $rc: $out)" \
        test "$rc" -eq 0 -a "$out" = "negotiated: none"
    closed quinn ngtcp2 "" 0x150 server
    # quinn's client closes on an answer without ALPN to its offer, as it should
    closed quinn quic-go-none h3 0x178 client
fi

itest_end integration_quic_peers
