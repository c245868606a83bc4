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
itest_matrix "$peers"
for p in $peers; do
    itest_matrix_ran "$p" server
    expect "$p: its exact start command is in the manifest" \
        test -n "$(manifest_field "$p" 10)"
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
verdict_is lighttpd-nss SRV-RESUME-FRESH 1.3 PASS  # its ticket follows h2's SETTINGS in some runs, and is kept
for p in $peers; do
    expect "$p: its report validates" validate "$work/out/server-$p.json"
done

itest_matrix_stopped

itest_end integration_matrix_servers
