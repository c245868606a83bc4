#!/bin/bash
# Integration test of the matrix runner and alpnmatrix with the peers make check installs (openssl, gnutls-bin): two
# real servers, one peer that dies on start (a fake nginx first in PATH), one client row. Asserts the manifest, the
# cells of matrix.json against its schema, the not-run rows with their reasons, and that every peer was stopped.
#   usage: integration_matrix.sh ALPNCHECK ALPNMATRIX SOURCE_DIR
set -u
ALPNCHECK=$1
ALPNMATRIX=$2
SRC=$3
work=$(mktemp -d /tmp/alpncheck-matrix-it-XXXXXX)
trap 'rm -rf "$work"' EXIT
# shellcheck source=itest.sh
. "$SRC/tests/itest.sh"

mkdir -p "$work/bin"
printf '#!/bin/sh\necho "nginx: [emerg] refusing to start for the test" >&2\nexit 1\n' >"$work/bin/nginx"
chmod +x "$work/bin/nginx"

# In the host's network namespace (MATRIX_NETNS=0), so that this test can see whether the peers' ports are closed.
PATH=$work/bin:$PATH MATRIX_NETNS=0 MATRIX_ONLY="openssl-s_server gnutls-serv-alpn-fatal nginx openssl-s_client" \
    "$SRC/harness/matrix/run.sh" "$ALPNCHECK" "$work/out" "$work/logs" 2>"$work/run.err"
rc=$?
expect "run.sh exits 0 (got $rc): $(tail -n 3 "$work/run.err")" test "$rc" -eq 0
manifest=$work/out/manifest.tsv
field() { awk -F'\t' -v n="$1" -v r="$2" -v f="$3" '$1 == n && $2 == r { print $f }' "$manifest"; }
expect "four manifest lines ($(wc -l <"$manifest"))" test "$(wc -l <"$manifest")" -eq 4
expect "openssl s_server ran" test "$(field openssl-s_server server 5)" = run
expect "gnutls-serv --alpn-fatal ran" test "$(field gnutls-serv-alpn-fatal server 5)" = run
expect "the dying nginx is a not-run row" test "$(field nginx server 5)" = not-run
expect "with its reason and log line ($(field nginx server 6))" \
    grep -q 'exited before accepting connections: nginx: \[emerg\] refusing' <<<"$(field nginx server 6)"
expect "the openssl s_client row ran ($(field openssl-s_client client 5) $(field openssl-s_client client 6))" \
    test "$(field openssl-s_client client 5)" = run
expect "its client log holds the runs" grep -q '^==== CLI-ACCEPT-VALID TLS 1.3: ' "$work/logs/client-openssl-s_client.log"

# Every peer is stopped: nothing accepts on the ports the runner named any more (and it named some).
ports=$(grep -o ' on 127.0.0.1:[0-9]*' "$work/run.err" | cut -d: -f2)
expect "the runner named the TCP ports of its peers ($(echo $ports))" test -n "$ports"
for port in $ports; do
    expect "port $port is closed after the run" \
        bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
done

"$ALPNMATRIX" --manifest "$manifest" --root "$SRC" --platform test --json "$work/m.json" --md "$work/m.md" \
    --html "$work/m.html"
expect "alpnmatrix exits 0" test $? -eq 0
expect "matrix.json validates against its schema" "$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$work/m.json" \
    "$SRC/reports/schema/matrix-1.schema.json"
cell() { # cell PEER ID TLS: the verdict in the server table
    "$PY" -c 'import json, sys
t = json.load(open(sys.argv[1]))["tables"][0]
p = next(p for p in t["peers"] if p["name"] == sys.argv[2])
i = next(i for i, c in enumerate(t["columns"]) if c["id"] == sys.argv[3] and c["tls"] == sys.argv[4])
print((p["cells"][i] or {}).get("verdict", "null"))' "$work/m.json" "$@"
}
expect "openssl: alert 120 on no overlap" test "$(cell openssl-s_server SRV-NO-OVERLAP-ALERT 1.3)" = PASS
expect "gnutls: garbage after the match accepted" \
    test "$(cell gnutls-serv-alpn-fatal SRV-MALFORMED-TRAILING-AFTER-MATCH 1.2)" = FAIL
expect "HTML: the nginx row says not run" grep -q 'not run: exited before accepting connections' "$work/m.html"
# The grid's columns put the peer with FAILs (gnutls) before the one without (openssl).
expect "Markdown: gnutls's column first" grep -q '^| check | TLS | gnutls-serv-alpn-fatal | openssl-s_server |$' "$work/m.md"
expect "Markdown: a FAIL cell for gnutls" grep -q '^| `SRV-MALFORMED-TRAILING-AFTER-MATCH` | TLS 1.2 | FAIL | PASS |' \
    "$work/m.md"
ccell() { # ccell PEER ID TLS: the verdict in the client table
    "$PY" -c 'import json, sys
t = next(t for t in json.load(open(sys.argv[1]))["tables"] if t["role"] == "client")
p = next(p for p in t["peers"] if p["name"] == sys.argv[2])
i = next(i for i, c in enumerate(t["columns"]) if c["id"] == sys.argv[3] and c["tls"] == sys.argv[4])
print((p["cells"][i] or {}).get("verdict", "null"))' "$work/m.json" "$@"
}
expect "openssl s_client: a valid answer accepted" test "$(ccell openssl-s_client CLI-ACCEPT-VALID 1.3)" = PASS
expect "openssl s_client: two names rejected" test "$(ccell openssl-s_client CLI-REJECT-MULTIPLE 1.2)" = PASS
expect "the peers' logs are kept" test -s "$work/logs/server-gnutls-serv-alpn-fatal.log"

# By default the runner moves into a private network namespace where the system allows it; the peer still runs.
if unshare -n true 2>/dev/null && command -v ip >/dev/null; then
    MATRIX_ONLY="openssl-s_server" "$SRC/harness/matrix/run.sh" "$ALPNCHECK" "$work/ns" "$work/ns-logs" \
        2>"$work/ns.err"
    expect "private network namespace used" grep -q 'in a private network namespace' "$work/ns.err"
    expect "openssl s_server ran in it" grep -q $'^openssl-s_server\tserver\t.*\trun\t' "$work/ns/manifest.tsv"
fi

itest_end
