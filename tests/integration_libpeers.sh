#!/bin/bash
# Integration test of the matrix's peers on TLS libraries and its extra client programs (issue 17): builds our
# BoringSSL, wolfSSL, Mbed TLS and rustls servers and clients (harness/peers/libpeers.mk, cached in BUILD_DIR), starts
# each server on a free loopback port and checks it, and checks each client behind harness/peers/client.sh (those four,
# wget2, h2load, python-httpx, go-net-http); the same for Java's Server.java and Client.java on Bouncy Castle's JSSE. Each peer must give a PASS on a check it really passes and its known
# non-PASS verdict on one it fails, read from alpncheck's JSON report (--only those checks, to keep the run short).
# A peer that is missing or does not build fails the test.
#   usage: integration_libpeers.sh ALPNCHECK SOURCE_DIR BUILD_DIR
set -u
# shellcheck source=itest.sh
. "$2/tests/itest.sh"
itest_start libpeers "$1" "$2"
BUILD=$3
itest_peers
itest_cert
for p in make:make gcc:gcc /usr/bin/cargo:cargo wget2:wget2 h2load:nghttp2-client go:golang-go java:default-jdk-headless; do
    itest_need "${p%%:*}" "${p#*:}"
done
/usr/bin/python3 -c 'import httpx, h2' 2>/dev/null && [ -f /usr/share/java/bctls.jar ] || {
    echo "FAIL: python3-httpx, python3-h2 or libbctls-java is not installed ('make check' installs them)"
    exit 1
}

make -s -k -f "$SRC/harness/peers/libpeers.mk" O="$BUILD" all >"$work/build.log" 2>&1
built=$? # before the expect line: its own command substitution would change $?
expect "the peers on TLS libraries build: $(tail -n 5 "$work/build.log")" test "$built" -eq 0
export PATH="$BUILD:$PATH" # client.sh runs <lib>-client from PATH, as in the matrix
openssl pkcs12 -export -in "$work/cert.pem" -inkey "$work/key.pem" -name peer -out "$work/peer.p12" \
    -passout pass:alpncheck
# The Java peers compiled once, as run.sh does (client.sh runs $MATRIX_RUN_DIR/java/Client.class): a JVM compiling
# its source at every check could outlast the check's deadline.
javac -d "$work/java" "$SRC/harness/peers/java/Server.java" "$SRC/harness/peers/java/Client.java"
expect "javac compiles the Java peers" test -f "$work/java/Client.class"
BCJSSE_CP=/usr/share/java/bcprov.jar:/usr/share/java/bctls.jar:/usr/share/java/bcutil.jar

# server LIB ID@TLS=VERDICT...: LIB's server with h2,http/1.1, checked on those IDs; each verdict asserted.
server() {
    local lib=$1 port ids="" a
    shift
    for a in "$@"; do ids+=${ids:+,}${a%%@*}; done
    port=$(free_port)
    # exec in both branches: the background job is a subshell, and without exec $! would name that subshell, whose
    # kill leaves the server running.
    if [ "$lib" = java-bcjsse ]; then # as harness/matrix/peers-libs.sh starts it
        exec java -Djava.security.properties="$SRC/harness/peers/java/bcjsse.security" -cp "$work/java:$BCJSSE_CP" Server \
            "$port" "$work/peer.p12" alpncheck h2,http/1.1
    else
        exec "$BUILD/$lib-server" "$port" "$work/cert.pem" "$work/key.pem" h2,http/1.1
    fi >"$work/$lib-server.log" 2>&1 </dev/null &
    PEER_PIDS+=($!)
    # Up to 30 s: a JVM starting on a busy machine may take longer than one wait_port (10 s).
    if ! { wait_port "$port" || wait_port "$port" || wait_port "$port"; }; then
        fail "$lib server does not listen: $(tail -n 3 "$work/$lib-server.log")"
        return
    fi
    timeout 120 "$ALPNCHECK" server "127.0.0.1:$port" --alpn h2,http/1.1 --timeout 3000 --only "$ids" \
        --json "$work/server-$lib.json" -q >"$work/server-$lib.out" 2>&1
    expect "$lib server: a report ($(tail -n 2 "$work/server-$lib.out"))" test -s "$work/server-$lib.json"
    verdicts "$work/server-$lib.json" "$lib server" "$@"
}

# client NAME ID@TLS=VERDICT...: alpncheck client with harness/peers/client.sh NAME, checked on those IDs.
client() {
    local name=$1 ids="" a
    shift
    for a in "$@"; do ids+=${ids:+,}${a%%@*}; done
    MATRIX_RUN_DIR=$work timeout 200 "$ALPNCHECK" client --listen 127.0.0.1:0 --offer h2,http/1.1 --only "$ids" \
        --timeout 20000 \
        --exec "$SRC/harness/peers/client.sh $name {host} {port} {ca} {alpn}" --client-log "$work/client-$name.log" \
        --json "$work/client-$name.json" >"$work/client-$name.out" 2>&1
    expect "$name client: a report ($(tail -n 2 "$work/client-$name.out"))" test -s "$work/client-$name.json"
    verdicts "$work/client-$name.json" "$name client" "$@"
}

# verdicts REPORT WHO ID@TLS=VERDICT...
verdicts() {
    local report=$1 who=$2 a id tls want got
    shift 2
    [ -s "$report" ] || return
    for a in "$@"; do
        id=${a%%@*} tls=${a#*@} want=${a#*=}
        tls=${tls%%=*}
        got=$(verdict "$report" "$id" "$tls")
        expect "$who: $id TLS $tls is $want (got '$got')" test "$got" = "$want"
    done
}

# RFC 7301 §3.2: alert 120 when nothing overlaps; what each library gets wrong is its own.
server boringssl SRV-NO-OVERLAP-ALERT@1.3=PASS SRV-H2-MIN-TLS12@1.1=FAIL
server wolfssl SRV-NO-OVERLAP-ALERT@1.2=PASS SRV-MALFORMED-EMPTY-NAME-LATER@1.2=FAIL SRV-SERVER-PREFERENCE@1.3=WARN
server mbedtls SRV-NO-OVERLAP-ALERT@1.2=PASS SRV-DUPLICATE-EXTENSION@1.2=FAIL SRV-NO-OVERLAP-ALERT@1.3=SKIP
server rustls SRV-NO-OVERLAP-ALERT@1.3=PASS SRV-MALFORMED-EMPTY-LIST@1.2=WARN
server java-bcjsse SRV-NO-OVERLAP-ALERT@1.3=PASS SRV-MALFORMED-EMPTY-LIST@1.2=FAIL

# BoringSSL refuses a TLS 1.2 ServerHello that echoes its session ID: CLI-ACCEPT-VALID over 1.2 proves alpncheck's
# server no longer does.
client boringssl CLI-ACCEPT-VALID@1.2=PASS CLI-REJECT-MULTIPLE@1.3=PASS
client wolfssl CLI-ACCEPT-VALID@1.3=PASS CLI-REJECT-MULTIPLE@1.3=FAIL
client mbedtls CLI-ACCEPT-VALID@1.2=PASS CLI-REJECT-MULTIPLE@1.2=PASS CLI-ACCEPT-VALID@1.3=SKIP
client rustls CLI-ACCEPT-VALID@1.3=PASS CLI-REJECT-EMPTY-LIST@1.3=FAIL
client wget2 CLI-ACCEPT-VALID@1.3=PASS CLI-REJECT-UNOFFERED@1.3=WARN
client h2load CLI-ACCEPT-VALID@1.3=PASS CLI-NPN-AND-ALPN@1.2=WARN
client python-httpx CLI-ACCEPT-VALID@1.3=PASS CLI-REJECT-UNOFFERED@1.3=PASS
client go-net-http CLI-ACCEPT-VALID@1.3=PASS CLI-REJECT-MULTIPLE@1.3=WARN
client java-bcjsse CLI-ACCEPT-VALID@1.3=PASS CLI-REJECT-UNOFFERED@1.3=WARN

itest_end integration_libpeers
