#!/bin/bash
# make bench, part 3: wall time of a full `alpncheck server` run (every check, with discovery) against a server on
# loopback, as Markdown: over TCP (TLS 1.3 and 1.2) against openssl s_server, or with quic over QUIC v1 (TLS 1.3)
# against ngtcp2's gtlsserver (harness/peers.sh). usage: server_run.sh ALPNCHECK [RUNS] [quic]
set -u
ALPNCHECK=$1
RUNS=${2:-20}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PEER_DIR=$(mktemp -d /tmp/alpncheck-bench-XXXXXX)
# shellcheck source=../peers.sh
. "$SRC/harness/peers.sh"
trap 'peers_stop; rm -rf "$PEER_DIR"' EXIT
if [ "${3:-}" = quic ]; then
    peers_make_quic_cert || exit 2
    port=$(free_udp_port) || exit 2
    start_quic ngtcp2 "$port" && wait_udp "$port" "${PEER_PIDS[-1]}" || exit 2
    args=(--quic --sni localhost)
    what="over QUIC v1 against ngtcp2's gtlsserver $(dpkg-query -W -f '${Version}' ngtcp2-server 2>/dev/null)"
    versions="TLS 1.3, the only version over QUIC"
else
    peers_make_cert || exit 2
    port=$(free_port)
    start_openssl "$port"
    wait_port "$port" || exit 2
    args=()
    what="against openssl s_server $(openssl version | cut -d' ' -f2)"
    versions="TLS 1.3 and 1.2"
fi
"$ALPNCHECK" server "127.0.0.1:$port" "${args[@]}" --json "$PEER_DIR/r.json" -q >/dev/null
checks=$(/usr/bin/python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["results"]))' "$PEER_DIR/r.json")
# shellcheck source=timing.sh
. "$SRC/harness/bench/timing.sh"
# Each run's exit status is its verdicts (1 when a check fails), not a failure of the run: only the time counts.
one_run() { "$ALPNCHECK" server "127.0.0.1:$port" "${args[@]}" -q >/dev/null || true; }
time_runs "$RUNS" one_run
echo
echo "## Full alpncheck server run $what on loopback"
echo
echo "$checks results per run (every check for $versions, profile discovery included), $RUNS runs:"
echo "mean $mean ms, best $best ms wall time; $((checks * 1000 / (mean > 0 ? mean : 1))) checks per second at the mean."
