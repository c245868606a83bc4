#!/bin/bash
# Integration test of the matrix's web-server rows (issue 17): Apache httpd with mod_ssl and mod_http2, lighttpd with
# each of its five TLS modules, and Apache Traffic Server, each started by harness/matrix/run.sh from its private
# configuration, in parallel jobs. Asserts that every one ran, a check each really passes (selection of an offered
# name) and the verdict of one it does not (read from its JSON report: the behaviour the published matrix shows),
# that the manifest keeps the declared order whatever order the jobs finished in, and that every peer was stopped.
#   usage: integration_matrix_servers.sh ALPNCHECK SOURCE_DIR
set -u
# shellcheck source=itest.sh
. "$(dirname "$0")/itest.sh"
itest_start matrix-servers "$1" "$2"
itest_need /usr/sbin/apache2 apache2
itest_need lighttpd lighttpd
itest_need traffic_server trafficserver
for m in openssl gnutls wolfssl mbedtls nss; do
    [ -e "/usr/lib/lighttpd/mod_$m.so" ] || { echo "FAIL: lighttpd-mod-$m is not installed ('make check' installs it)"; exit 1; }
done

peers="apache2 lighttpd-openssl lighttpd-gnutls lighttpd-wolfssl lighttpd-mbedtls lighttpd-nss trafficserver"
# In the host's network namespace (MATRIX_NETNS=0), so that this test can see whether the peers' ports are closed.
MATRIX_NETNS=0 MATRIX_JOBS=4 MATRIX_ONLY="$peers" "$SRC/harness/matrix/run.sh" "$ALPNCHECK" "$work/out" "$work/logs" \
    2>"$work/run.err"
rc=$?
expect "run.sh exits 0 (got $rc): $(tail -n 3 "$work/run.err")" test "$rc" -eq 0
manifest=$work/out/manifest.tsv
expect "the manifest lists the peers in their declared order ($(cut -f1 "$manifest" | tr '\n' ' '))" \
    test "$(cut -f1 "$manifest" | tr '\n' ' ')" = "$peers "
for p in $peers; do
    expect "$p ran: $(awk -F'\t' -v n="$p" '$1 == n { print $5 ": " $6 }' "$manifest")" \
        grep -q "^$p"$'\tserver\t[^\t]*\t[^\t]*\trun\t' "$manifest"
    expect "$p: its exact start command is in the manifest" \
        test -n "$(awk -F'\t' -v n="$p" '$1 == n { print $10 }' "$manifest")"
done
expect "lighttpd-wolfssl runs on wolfSSL" grep -q $'^lighttpd-wolfssl\tserver\twolfSSL 5' "$manifest"
expect "lighttpd-mbedtls runs on Mbed TLS" grep -q $'^lighttpd-mbedtls\tserver\tMbed TLS 2' "$manifest"

# verdict_is PEER ID TLS VERDICT: the peer's report holds that verdict.
verdict_is() {
    local got
    got=$(verdict "$work/out/server-$1.json" "$2" "$3")
    expect "$1: $2 TLS $3 is $4 (got '$got')" test "$got" = "$4"
}
for p in apache2 lighttpd-openssl lighttpd-gnutls lighttpd-wolfssl lighttpd-nss trafficserver; do
    verdict_is "$p" SRV-SELECT-OFFERED 1.3 PASS
done
verdict_is lighttpd-mbedtls SRV-SELECT-OFFERED 1.2 PASS
verdict_is lighttpd-mbedtls SRV-SELECT-OFFERED 1.3 SKIP # Mbed TLS 2.28 has no TLS 1.3 server
verdict_is apache2 SRV-NO-OVERLAP-ALERT 1.3 FAIL         # mod_ssl goes on without ALPN when nothing overlaps
verdict_is lighttpd-gnutls SRV-CASE-SENSITIVE 1.3 FAIL
verdict_is lighttpd-wolfssl SRV-CASE-SENSITIVE 1.3 FAIL
verdict_is lighttpd-mbedtls SRV-DUPLICATE-EXTENSION 1.2 FAIL
verdict_is lighttpd-nss SRV-MALFORMED-EMPTY-EXT 1.3 WARN # refused with alert 47, not decode_error
verdict_is lighttpd-openssl SRV-NO-OVERLAP-ALERT 1.3 PASS
verdict_is trafficserver SRV-HRR-ALPN-CHANGED 1.3 WARN
for p in $peers; do
    expect "$p: its report validates" validate "$work/out/server-$p.json"
done

# Every peer is stopped: nothing accepts on the ports the runner named, and no peer process is left.
for port in $(grep -o 'on 127.0.0.1:[0-9]*' "$work/run.err" | cut -d: -f2); do
    expect "port $port is closed after the run" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
done
# (The pattern's last letter in brackets, so that it does not match the pgrep's own command line.)
expect "no peer process is left: $(pgrep -af "$work/out/ru[n]")" bash -c "! pgrep -f '$work/out/ru[n]' >/dev/null"

itest_end integration_matrix_servers
