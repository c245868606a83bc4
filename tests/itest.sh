# Shared by the integration test scripts (sourced, bash): assertion counters, readers of alpncheck's JSON report, the
# catalogue's totals and the peers' setup. The caller sets SRC (the source tree), ALPNCHECK and work (its scratch
# directory), most simply with itest_start.
PY=/usr/bin/python3
failures=0
checks=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
expect() { # expect DESCRIPTION COMMAND...: the command must succeed
    local what=$1
    shift
    if "$@"; then ok; else fail "$what"; fi
}

# verdict REPORT ID TLS: the verdict(s) of check ID for TLS version in a JSON report.
verdict() {
    "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(x["verdict"] for x in r["results"] if x["id"] == sys.argv[2] and x["tls"] == sys.argv[3]))' "$@"
}

# is NAME ID VERDICT [TEXT]: check ID's verdict over TLS 1.3 in the report $work/NAME.json, and TEXT in what was
# observed (the QUIC tests, whose runs are TLS 1.3 only).
is() {
    local got observed
    got=$(verdict "$work/$1.json" "$2" 1.3)
    expect "$1: $2 is $3 (got '$got')" test "$got" = "$3"
    [ -n "${4:-}" ] || return 0
    observed=$("$PY" -c 'import json, sys
print(" ".join(x["observed"] for x in json.load(open(sys.argv[1]))["results"] if x["id"] == sys.argv[2]))' \
        "$work/$1.json" "$2")
    expect "$1: $2 observed '$4' ($observed)" test "${observed#*"$4"}" != "$observed"
}

# validate REPORT: the JSON report against reports/schema/report-1.schema.json.
validate() {
    "$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$1" "$SRC/reports/schema/report-1.schema.json"
}

# junit_consumers JUNIT JSON: the JUnit report validates with xmllint against both consumers' schemas (our
# restatements of Jenkins xunit's junit-10.xsd and of the Ant JUnit schema, reports/schema/junit-*.xsd), and a real
# consumer (python3-junitparser, tests/check_junit.py) counts what the JSON report of the same run counts.
junit_consumers() {
    local xsd out
    for xsd in junit-xunit.xsd junit-ant.xsd; do
        out=$(xmllint --noout --schema "$SRC/reports/schema/$xsd" "$1" 2>&1) || {
            echo "$xsd: $(echo "$out" | head -n 5)"
            return 1
        }
    done
    "$PY" "$SRC/tests/check_junit.py" "$1" "$2"
}

# catalogue WHAT FAMILY [ID_PREFIX]: a number that follows from the check catalogue (`alpncheck checks --json`), so
# that a new check changes it here and in alpncheck alike. A full run judges every check of FAMILY once per TLS
# version of the run, 1.3 and 1.2 (SRV-H2-MIN-TLS12, a check of the old versions, over 1.1 and 1.0 instead), and a
# version the check's "tls" does not list gives a SKIP, and so does a check that does not run over TCP (the QUIC-only
# SRV-QUIC-* rows, SKIP over both versions of a TCP run). WHAT: checks (how many), results (how many a full run
# gives: two per check), gaps (how many of those results are SKIP by the catalogue alone). With ID_PREFIX only the
# checks whose ID starts with it count.
catalogue() {
    "$ALPNCHECK" checks --json | "$PY" -c 'import json, sys
what, family = sys.argv[1], sys.argv[2]
prefix = sys.argv[3] if len(sys.argv) > 3 else ""
checks = [c for c in json.load(sys.stdin) if c["family"] == family and c["id"].startswith(prefix)]
run = {"1.3", "1.2"}
print({"checks": len(checks), "results": 2 * len(checks),
       "gaps": sum(2 - len(run & set(c["tls"])) if "tcp" in c["transport"] else 2
                   for c in checks if run & set(c["tls"]))}[what])' "$@"
}

# itest_start NAME ALPNCHECK SOURCE_DIR: the script's arguments into ALPNCHECK and SRC, and its scratch directory
# (work, under /tmp, named after NAME), removed when the script ends.
itest_start() {
    ALPNCHECK=$2
    SRC=$3
    work=$(mktemp -d "/tmp/alpncheck-$1-XXXXXX")
    trap 'rm -rf "$work"' EXIT
}

# itest_peers: real peers (harness/peers.sh) with their files in $work; when the script ends every peer it started is
# stopped and $work removed.
itest_peers() {
    PEER_DIR=$work
    # shellcheck source=../harness/peers.sh
    . "$SRC/harness/peers.sh"
    trap 'peers_stop; rm -rf "$work"' EXIT
}

# itest_cert: the certificate and key the servers use, in $work, or the script ends here.
itest_cert() {
    peers_make_cert || {
        echo "FAIL: cannot make a certificate"
        exit 1
    }
}

# itest_end [NAME]: the summary line; the script's status (0 when nothing failed). A script that started peers
# (itest_peers) stops them first and asserts that no process whose command line names its scratch directory is left:
# every peer and client reads its certificate, configuration or log from there, so a survivor is a peer that
# peers_stop missed (a child of a subshell, a daemon that forked) or a client alpncheck did not stop.
itest_end() {
    if [ -n "${PEER_DIR:-}" ]; then
        peers_stop
        local left="" _
        for _ in $(seq 1 50); do # SIGTERM takes a moment: up to 5 s
            left=$(pgrep -af -- "$work/") || break
            sleep 0.1
        done
        expect "no process started for this test is left: $left" test -z "$left"
        [ -z "$left" ] || pkill -KILL -f -- "$work/" # reported; not left behind either
    fi
    echo "${1:+$1: }$checks passed, $failures failed"
    [ "$failures" -eq 0 ]
}

# itest_need PROGRAM PACKAGE: a peer program that is missing fails the test with its name, never a silent skip.
itest_need() {
    command -v "$1" >/dev/null && return 0
    echo "FAIL: $1 is not installed (Debian package $2; 'make check' installs it)"
    exit 1
}

# ---- the matrix runner's integration tests ------------------------------------------------------------------------
# itest_matrix PEERS: harness/matrix/run.sh with only those peers (space-separated, in their declared order), 4 jobs,
# in the host's network namespace (MATRIX_NETNS=0) so that the test can see whether the peers' ports are closed
# afterwards; reports in $work/out, logs in $work/logs, its messages in $work/run.err. Asserts that it exits 0 and
# that the manifest ($manifest) lists the peers in their declared order.
itest_matrix() {
    MATRIX_NETNS=0 MATRIX_JOBS=4 MATRIX_ONLY="$1" "$SRC/harness/matrix/run.sh" "$ALPNCHECK" "$work/out" "$work/logs" \
        2>"$work/run.err"
    local rc=$?
    expect "run.sh exits 0 (got $rc): $(tail -n 3 "$work/run.err")" test "$rc" -eq 0
    manifest=$work/out/manifest.tsv
    expect "the manifest lists the peers in their declared order ($(cut -f1 "$manifest" | tr '\n' ' '))" \
        test "$(cut -f1 "$manifest" | tr '\n' ' ')" = "$1 "
}
# manifest_field PEER N: field N of the peer's manifest line (5 status, 6 reason, 10 start, 11 check).
manifest_field() { awk -F'\t' -v n="$1" -v f="$2" '$1 == n { print $f }' "$manifest"; }
# itest_matrix_ran PEER ROLE: the peer's manifest line says it ran, in that role.
itest_matrix_ran() {
    expect "$1 ran: $(manifest_field "$1" 5): $(manifest_field "$1" 6)" \
        grep -q "^$1"$'\t'"$2"$'\t[^\t]*\t[^\t]*\trun\t' "$manifest"
}
# itest_matrix_stopped: every peer is stopped: nothing accepts on the ports the runner named, no peer process is left.
itest_matrix_stopped() {
    local port ports
    ports=$(grep -o ' on 127.0.0.1:[0-9]*' "$work/run.err" | cut -d: -f2)
    expect "the runner named the TCP ports of its peers ($(echo $ports))" test -n "$ports"
    for port in $ports; do
        expect "port $port is closed after the run" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
    done
    # (The pattern's last letter in brackets, so that it does not match the pgrep's own command line.)
    expect "no peer process is left: $(pgrep -af "$work/out/ru[n]")" bash -c "! pgrep -f '$work/out/ru[n]' >/dev/null"
}
