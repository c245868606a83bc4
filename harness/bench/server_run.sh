#!/bin/bash
# make bench, part 3: wall time of a full `alpncheck server` run (every check, TLS 1.3 and 1.2, with discovery)
# against openssl s_server on loopback, as Markdown. usage: server_run.sh ALPNCHECK [RUNS]
set -u
ALPNCHECK=$1
RUNS=${2:-20}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PEER_DIR=$(mktemp -d /tmp/alpncheck-bench-XXXXXX)
# shellcheck source=../peers.sh
. "$SRC/harness/peers.sh"
trap 'peers_stop; rm -rf "$PEER_DIR"' EXIT
peers_make_cert || exit 2
port=$(free_port)
start_openssl "$port"
wait_port "$port" || exit 2
"$ALPNCHECK" server "127.0.0.1:$port" --json "$PEER_DIR/r.json" -q >/dev/null
checks=$(/usr/bin/python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["results"]))' "$PEER_DIR/r.json")
best=999999
total=0
for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    "$ALPNCHECK" server "127.0.0.1:$port" -q >/dev/null
    ms=$((($(date +%s%N) - start) / 1000000))
    total=$((total + ms))
    [ "$ms" -lt "$best" ] && best=$ms
done
mean=$((total / RUNS))
echo
echo "## Full alpncheck server run against openssl s_server $(openssl version | cut -d' ' -f2) on loopback"
echo
echo "$checks results per run (every check for TLS 1.3 and 1.2, profile discovery included), $RUNS runs:"
echo "mean $mean ms, best $best ms wall time; $((checks * 1000 / (mean > 0 ? mean : 1))) checks per second at the mean."
