#!/bin/bash
# make demo: runs alpncheck on embedded samples and explains each verdict, then checks real TLS servers started on
# loopback (openssl s_server, gnutls-serv plain and with --alpn-fatal), then real TLS clients (openssl s_client,
# gnutls-cli, curl) against alpncheck as a misbehaving server, and writes every report to reports/demo/.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
ALPNCHECK=${1:-build/dev/harness/cli/alpncheck}
# Where the reports go (a test points it elsewhere).
OUT=${DEMO_OUT:-$SRC/reports/demo}
if [ ! -x "$ALPNCHECK" ]; then
    echo "demo: $ALPNCHECK not found; run 'make demo' from the source tree" >&2
    exit 2
fi

# Every program the demo starts must be there: a section that cannot run stops the demo (make demo installs them).
for prog in openssl gnutls-serv gnutls-cli curl python3; do
    command -v "$prog" >/dev/null || { echo "demo: $prog is not installed; run 'make demo', which installs it" >&2; exit 2; }
done
# stop_demo WHAT RC: a section could not run; say so and end with its status.
stop_demo() {
    echo "demo: STOPPED: $1 could not run (alpncheck exit $2; the line above says why)" >&2
    exit 2
}

if [ -t 1 ]; then bold=$(printf '\033[1m'); plain=$(printf '\033[0m'); else bold=""; plain=""; fi
section() { printf '\n%s== %s%s\n' "$bold" "$1" "$plain"; }
show() {
    printf '\n$ alpncheck %s\n' "$*"
    "$ALPNCHECK" "$@"
    printf '(exit %d)\n' $?
}

section "ALPN offers as real clients send them (ClientHello extension 16, extension_data)"
# curl and most browsers: h2, then http/1.1.
show decode 000c02683208687474702f312e31
# Chromium-style offer with a GREASE value first (RFC 8701), then h2 and http/1.1.
show decode 000f020a0a02683208687474702f312e31
# An RFC 9001 QUIC client: h3 only.
show decode 0003026833

section "Malformed offers a server must reject with decode_error (RFC 7301 §3.1)"
show decode 0000
show decode 000402683200
show decode 0005026832ff00
show decode 000e02683208687474702f312e31

section "Server answers a client must reject"
show decode --role server 0006026832026833
show decode --role server 000100

section "Encoding a client offer (extension_data and the RFC 7639 header form)"
show encode h2 http/1.1 acme-tls/1

section "HTTP ALPN header values (RFC 7639)"
show header 'h2, http%2F1.1'
show header 'http%2f1.1'
show header --lenient 'h2,,http%2f1.1'
show header 'http/1.1'

section "Known protocol IDs"
"$ALPNCHECK" registry --kind grease | tail -n 3
"$ALPNCHECK" registry | tail -n 1

section "Test vectors (vectors/*.json) against libalpn, and against OpenSSL's and nghttp2's selection helpers"
(cd "$SRC" && "$ALPNCHECK" vectors --quiet) | sed "s|$SRC/||"
for a in openssl nghttp2; do
    adapter=$(dirname "$ALPNCHECK")/../adapters/alpn-adapter-$a
    [ -x "$adapter" ] || continue
    printf '$ alpncheck vectors --quiet --exec %s   # selection only; the rest is skipped\n' "alpn-adapter-$a"
    "$ALPNCHECK" vectors --quiet --exec "$adapter" | tail -n 1
done

section "Real servers on loopback: alpncheck server (reports in reports/demo/)"
PEER_DIR=$(mktemp -d /tmp/alpncheck-demo-XXXXXX)
# shellcheck source=peers.sh
. "$SRC/harness/peers.sh"
trap 'peers_stop; rm -rf "$PEER_DIR"' EXIT
peers_make_cert || { echo "demo: cannot make a certificate with openssl" >&2; exit 2; }
mkdir -p "$OUT"
run_server() { # name port
    local name=$1 port=$2
    wait_port "$port" || { echo "demo: $name did not start (log: $(cat "$PEER_DIR"/*-"$port".log))" >&2; exit 2; }
    printf '\n$ alpncheck server 127.0.0.1:%s -q   # %s\n' "$port" "$name"
    "$ALPNCHECK" server "127.0.0.1:$port" -q --name "$name" --json "$OUT/$name.json" \
        --junit "$OUT/$name.junit.xml" --html "$OUT/$name.html" \
        --md "$OUT/$name.md" | grep -E '^(  (FAIL|WARN|ERROR|XPASS)|[0-9]+ (passed|WARN)|exit [0-9]:)'
    local rc=${PIPESTATUS[0]}
    printf '(exit %d; full report: reports/demo/%s.html)\n' "$rc" "$name"
    [ "$rc" -le 1 ] || stop_demo "alpncheck server against $name" "$rc"
}
p=$(free_port); start_openssl "$p"; run_server "openssl-s_server-$(openssl version | cut -d' ' -f2)" "$p"
gv=$(gnutls-serv --version | head -n 1 | grep -o '[0-9][0-9.]*' | head -n 1)
p=$(free_port); start_gnutls "$p" --alpn-fatal; run_server "gnutls-serv-$gv-alpn-fatal" "$p"
p=$(free_port); start_gnutls "$p"; run_server "gnutls-serv-$gv" "$p"
section "Real clients on loopback: alpncheck client (alpncheck is the server; reports in reports/demo/)"
run_client() { # name command command-without-alpn [command-for-0-RTT]
    local name=$1 zero=()
    [ $# -ge 4 ] && zero=(--exec-0rtt "$4")
    printf "\n$ alpncheck client -q --exec '%s'   # %s\n" "$2" "$name"
    "$ALPNCHECK" client -q --name "$name" --exec "$2" --exec-no-alpn "$3" "${zero[@]}" --json "$OUT/$name.json" \
        --junit "$OUT/$name.junit.xml" --html "$OUT/$name.html" \
        --md "$OUT/$name.md" | grep -E '^(  (FAIL|WARN|ERROR|XPASS)|[0-9]+ (passed|WARN)|exit [0-9]:)'
    local rc=${PIPESTATUS[0]}
    printf '(exit %d; full report: reports/demo/%s.html)\n' "$rc" "$name"
    [ "$rc" -le 1 ] || stop_demo "alpncheck client with $name" "$rc"
}
verify='-servername localhost -CAfile {ca} -verify_return_error -verify_hostname localhost'
# CLI-0RTT-ALPN: a request sent as early data on the resumed connection; s_client keeps stdin open a second to
# read the ticket, which arrives after the handshake.
printf 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n' >"$PEER_DIR/early.txt"
s_client="openssl s_client -connect {host}:{port} $verify -alpn {alpn}"
run_client "openssl-s_client-$(openssl version | cut -d' ' -f2)" \
    "$s_client </dev/null" \
    "openssl s_client -connect {host}:{port} $verify </dev/null" \
    "sleep 1 | $s_client -sess_out {session}; sleep 1 | $s_client -sess_in {session} -early_data $PEER_DIR/early.txt"
run_client "gnutls-cli-$gv" \
    'gnutls-cli --x509cafile {ca} --verify-hostname localhost --alpn h2 --alpn http/1.1 -p {port} {host} </dev/null' \
    'gnutls-cli --x509cafile {ca} --verify-hostname localhost -p {port} {host} </dev/null' \
    "gnutls-cli --x509cafile {ca} --verify-hostname localhost --alpn h2 --alpn http/1.1 --resume --earlydata $PEER_DIR/early.txt -p {port} {host} </dev/null"
cv=$(curl --version | head -n 1 | cut -d' ' -f2)
run_client "curl-$cv" \
    'curl -sS --max-time 5 --http2 --cacert {ca} --resolve localhost:{port}:{host} -o /dev/null https://localhost:{port}/' \
    'curl -sS --max-time 5 --no-alpn --cacert {ca} --resolve localhost:{port}:{host} -o /dev/null https://localhost:{port}/'
section "Your turn"
bin=$ALPNCHECK
case $bin in /*) ;; *) bin=./$bin ;; esac
cat <<EOF
alpncheck is built at $bin ('make install' puts it on PATH as alpncheck; 'make install PREFIX=~/.local' needs no root).
Check your own TLS server (its protocols are discovered, or give them with --alpn h2,http/1.1):
  $bin server HOST:PORT
Check your own TLS client (alpncheck listens; {host} {port} {ca} {alpn} are filled in for each check):
  $bin client --exec 'your-client --cafile {ca} --alpn {alpn} https://localhost:{port}/'
In CI: add --junit report.xml --known-failures FILE; the exit status is 0 only when checks ran and none failed.
EOF
exit 0
