#!/bin/bash
# Integration test of the matrix's proxy table and its clients through a proxy (issue 18): Squid, tinyproxy,
# Privoxy and Apache httpd's mod_proxy_connect (the last three also chained to alpncheck as their upstream), each
# started by harness/matrix/run.sh from its private configuration in its job's directory and checked by
# `alpncheck proxy`; curl --proxytunnel, Wget, Python's urllib and Go's net/http through alpncheck as their HTTP proxy
# (alpncheck client --proxy). Asserts that every one ran, the verdicts each really earns (read from its JSON report),
# that each client sent CONNECT, the matrix document with its proxy table against the schema, and that every peer was
# stopped.
#   usage: integration_matrix_proxies.sh ALPNCHECK ALPNMATRIX SOURCE_DIR
set -u
# shellcheck source=itest.sh
. "$(dirname "$0")/itest.sh"
ALPNMATRIX=$2
itest_start matrix-proxies "$1" "$3"
itest_need squid squid
itest_need tinyproxy tinyproxy
itest_need privoxy privoxy
itest_need /usr/sbin/apache2 apache2
itest_need wget wget
itest_need go golang-go

proxies="squid tinyproxy tinyproxy-chained privoxy privoxy-chained apache-mod_proxy_connect
    apache-mod_proxy_connect-chained"
clients="curl-proxytunnel wget-proxy python-urllib-proxy go-proxy"
itest_matrix "$(echo $proxies $clients)"
for p in $proxies; do
    itest_matrix_ran "$p" proxy
    start=$(manifest_field "$p" 10)
    expect "$p: started from a configuration in its job's private directory ($start)" \
        grep -q "/jobs/proxy-$p/" <<<"$start"
    expect "$p: its report validates" validate "$work/out/proxy-$p.json"
    expect "$p: the tunnel relays the bytes unchanged" \
        test "$(verdict "$work/out/proxy-$p.json" PRX-TUNNEL-INTACT "")" = PASS
done
expect "Squid's version is recorded from its package" grep -q $'^squid\tproxy\tSquid 5[.0-9]*\tsquid 5' "$manifest"
# Chained: alpncheck (--upstream) reads the CONNECT each forwards; Apache writes its own and drops the field.
for p in tinyproxy-chained privoxy-chained; do
    expect "$p: the ALPN field is forwarded" test "$(verdict "$work/out/proxy-$p.json" PRX-ALPN-FORWARDED "")" = PASS
done
expect "apache chained: the ALPN field is dropped (WARN)" \
    test "$(verdict "$work/out/proxy-apache-mod_proxy_connect-chained.json" PRX-ALPN-FORWARDED "")" = WARN
expect "squid unchained: PRX-ALPN-FORWARDED is SKIP without --upstream" \
    test "$(verdict "$work/out/proxy-squid.json" PRX-ALPN-FORWARDED "")" = SKIP

# Each client sent CONNECT to alpncheck (otherwise every check is ERROR, "did not start with a CONNECT request").
for c in $clients; do
    itest_matrix_ran "$c" client
    expect "$c: its check command names --proxy" grep -q "^$c"$'\t.*alpncheck client .*--proxy' "$manifest"
    expect "$c: it asked alpncheck for a tunnel with CONNECT" \
        test "$(verdict "$work/out/client-$c.json" CLI-PROXY-ALPN-FIELD 1.3)" = PASS
    expect "$c: no check is ERROR" test "$("$PY" -c 'import json, sys
print(sum(x["verdict"] == "ERROR" for x in json.load(open(sys.argv[1]))["results"]))' "$work/out/client-$c.json")" = 0
done
for c in curl-proxytunnel python-urllib-proxy go-proxy; do
    expect "$c: through the tunnel it accepts a valid answer" \
        test "$(verdict "$work/out/client-$c.json" CLI-ACCEPT-VALID 1.3)" = PASS
done

# The document: a third table, role proxy, after the servers and clients; valid against the schema.
"$ALPNMATRIX" --manifest "$manifest" --root "$SRC" --platform test --json "$work/m.json" --md "$work/m.md" \
    --html "$work/m.html" --findings "$work/f.md"
expect "alpnmatrix exits 0" test $? -eq 0
expect "matrix.json validates against its schema" "$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$work/m.json" \
    "$SRC/reports/schema/matrix-1.schema.json"
expect "the tables are server, client, proxy" test "$("$PY" -c 'import json, sys
print(" ".join(t["role"] for t in json.load(open(sys.argv[1]))["tables"]))' "$work/m.json")" = "server client proxy"
expect "Markdown: the proxy table's heading" grep -q '^## Proxies (alpncheck sends CONNECT: `alpncheck proxy`)$' "$work/m.md"
expect "findings: Apache's dropped field is written up" grep -q 'the CONNECT the proxy sent upstream carries no ALPN' \
    "$work/f.md"

itest_matrix_stopped

itest_end integration_matrix_proxies
