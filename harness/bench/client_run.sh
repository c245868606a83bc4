#!/bin/bash
# make bench, part 4: wall time of a full `alpncheck client --quic` run (every client check over TLS 1.3, one QUIC
# connection per check that applies) against ngtcp2's gtlsclient on loopback, started per check by --exec through
# harness/peers/quic-client.sh, as Markdown. The client's own start and end are part of each check's time, as they
# are for a user. usage: client_run.sh ALPNCHECK [RUNS]
set -u
ALPNCHECK=$1
RUNS=${2:-10}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/alpncheck-bench-client-XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v gtlsclient >/dev/null || { echo "client_run.sh: gtlsclient is not installed (ngtcp2-client)" >&2; exit 2; }
run() {
    "$ALPNCHECK" client --quic --offer h3 --exec "$SRC/harness/peers/quic-client.sh gtlsclient {host} {port} {ca} {alpn}" \
        -q "$@" >/dev/null 2>&1
    # 0 or 1: the run judged every check (gtlsclient fails some); 2 would be an ERROR, no honest timing
    [ $? -le 1 ]
}
run --json "$work/r.json" || { echo "client_run.sh: the run did not judge every check" >&2; exit 2; }
read -r checks played < <(/usr/bin/python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(len(r), sum(x["verdict"] != "SKIP" for x in r))' "$work/r.json")
# shellcheck source=timing.sh
. "$SRC/harness/bench/timing.sh"
time_runs "$RUNS" run || { echo "client_run.sh: a run did not judge every check" >&2; exit 2; }
echo
echo "## Full alpncheck client --quic run against ngtcp2's gtlsclient $(dpkg-query -W -f '${Version}' ngtcp2-client 2>/dev/null) on loopback"
echo
echo "$checks results per run ($played played over QUIC, one gtlsclient process and connection each; the others SKIP"
echo "by the catalogue), $RUNS runs: mean $mean ms, best $best ms wall time;"
echo "$((played * 1000 / (mean > 0 ? mean : 1))) played checks per second at the mean."
