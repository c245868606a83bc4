#!/bin/bash
# The client peers of the matrix behind one command line, for `alpncheck client --exec`:
#   client.sh NAME HOST PORT CA-FILE ALPN-LIST
# Each connects to HOST:PORT (the *-proxy and *-proxytunnel clients: through the HTTP proxy HOST:PORT, asking it for
# a tunnel with CONNECT, for alpncheck client --proxy), verifies the certificate against CA-FILE for the name
# $ALPNCHECK_SERVER_NAME (default localhost; nghttp cannot verify), offers ALPN-LIST (comma-separated, most preferred first) and exits non-zero when
# the handshake fails. An empty ALPN-LIST means no ALPN extension at all, where the client allows it (nghttp
# always offers h2).
# With a sixth argument SESSION-FILE (`alpncheck client --exec-0rtt`, CLI-0RTT-ALPN) the client connects twice: a
# full handshake that keeps the session ticket, then a resumption sending a request as TLS 1.3 early data. Only the
# clients that can do that from the command line have this mode (0rtt_capable below); the others exit 2.
# Go peers are built into $MATRIX_RUN_DIR (or a temporary directory) on first use, from the standard library only;
# the peers on TLS libraries (boringssl, wolfssl, mbedtls, rustls) and go-net-http come from PATH (the matrix puts
# them there) or are built by harness/peers/libpeers.mk on first use.
set -u
[ $# -eq 5 ] || [ $# -eq 6 ] || { echo "usage: client.sh NAME HOST PORT CA-FILE ALPN-LIST [SESSION-FILE]" >&2; exit 2; }
name=$1 host=$2 port=$3 ca=$4 alpn=$5 session=${6:-}
sni=${ALPNCHECK_SERVER_NAME:-localhost}
here=$(cd "$(dirname "$0")" && pwd)
alpn_flags=()
IFS=, read -ra protos <<<"$alpn"

if [ -n "$session" ]; then
    early=$(mktemp /tmp/alpncheck-early-XXXXXX) || exit 2
    trap 'rm -f "$early"' EXIT
    printf 'GET / HTTP/1.1\r\nHost: %s\r\n\r\n' "$sni" >"$early"
    case $name in
    openssl-s_client)
        # stdin stays open a second so that s_client reads the ticket (and the resumption its answer) first.
        c=(openssl s_client -connect "$host:$port" -servername "$sni" -CAfile "$ca" -verify_return_error
            -verify_hostname "$sni" -alpn "$alpn")
        sleep 1 | "${c[@]}" -sess_out "$session"
        sleep 1 | "${c[@]}" -sess_in "$session" -early_data "$early"
        exit $? ;;
    gnutls-cli)
        for p in "${protos[@]}"; do alpn_flags+=(--alpn "$p"); done
        gnutls-cli --x509cafile "$ca" --verify-hostname "$sni" "${alpn_flags[@]}" --resume --earlydata "$early" \
            -p "$port" "$host" </dev/null
        exit $? ;;
    *) echo "client.sh: $name has no 0-RTT mode" >&2; exit 2 ;;
    esac
fi

case $name in
openssl-s_client)
    [ -n "$alpn" ] && alpn_flags=(-alpn "$alpn")
    exec openssl s_client -connect "$host:$port" -servername "$sni" -CAfile "$ca" -verify_return_error \
        -verify_hostname "$sni" "${alpn_flags[@]}" </dev/null ;;
gnutls-cli)
    for p in "${protos[@]}"; do alpn_flags+=(--alpn "$p"); done
    exec gnutls-cli --x509cafile "$ca" --verify-hostname "$sni" "${alpn_flags[@]}" -p "$port" "$host" </dev/null ;;
curl | curl-proxytunnel)
    # curl offers h2,http/1.1 itself (--http2). Only the handshake counts here: a failure after it (52 empty reply,
    # 56 receive error, 16 HTTP/2 framing, 92 HTTP/2 stream) from a server that speaks no HTTP is exit 0.
    # curl-proxytunnel: HOST:PORT is its HTTP proxy, which it asks for a tunnel to SNI:443 (-p, CONNECT).
    rc=0
    [ -n "$alpn" ] && alpn_flags=(--http2) || alpn_flags=(--no-alpn)
    to=(--resolve "$sni:$port:$host" "https://$sni:$port/")
    [ "$name" = curl ] || to=(-p -x "http://$host:$port" "https://$sni/")
    curl -sS --max-time 10 "${alpn_flags[@]}" --cacert "$ca" -o /dev/null \
        -w 'negotiated HTTP version %{http_version}\n' "${to[@]}" || rc=$?
    case $rc in
    52 | 56 | 16 | 92) echo "handshake completed; HTTP failed afterwards (curl exit $rc)"; exit 0 ;;
    *) exit "$rc" ;;
    esac ;;
nghttp)
    # nghttp offers h2 (and its draft names) and has no option to verify the certificate.
    exec nghttp -nv --timeout=10 "https://$host:$port/" ;;
h2load)
    # h2load offers its --npn-list (ALPN) as given, cannot leave ALPN out (an empty list is its default list) and
    # does not verify the certificate. It exits 0 whatever happened: a completed handshake is the "TLS Protocol:"
    # line it prints only then.
    out=$(h2load -n1 -c1 ${alpn:+--npn-list="$alpn"} "https://$host:$port/" 2>&1)
    printf '%s\n' "$out"
    grep -q '^TLS Protocol: ' <<<"$out" ;;
wget2)
    # Wget2 (GnuTLS) offers h2,http/1.1 by itself, and no ALPN with --no-http2. Its exit status does not tell a
    # failed handshake from HTTP failing afterwards (5 for an alert, 4 or 0 after it): its debug line does.
    [ -n "$alpn" ] || alpn_flags=(--no-http2)
    out=$(wget2 -d -O /dev/null --no-config --no-hsts --no-hpkp --no-ocsp --tries=1 --timeout=10 \
        --ca-certificate="$ca" "${alpn_flags[@]}" "https://$sni:$port/" 2>&1)
    grep -E 'ALPN|Handshake|handshake|ERROR' <<<"$out"
    grep -q 'Handshake completed' <<<"$out" ;;
botan-tls_client)
    # Botan's command-line client prints the certificate check but does not enforce it, and connects by name.
    exec botan tls_client "$sni" --port="$port" --trusted-cas="$ca" --skip-system-cert-store \
        ${alpn:+--next-protocols="$alpn"} </dev/null ;;
wget-proxy)
    # GNU Wget 1.21 (GnuTLS) through its HTTP proxy HOST:PORT (https_proxy: CONNECT). It sends no ALPN extension, so
    # ALPN-LIST cannot be given; the handshake counts, and exit 4 (network failure) is also what Wget says when the
    # server in the tunnel gives no HTTP answer after it, so a handshake failure shows in alpncheck's verdicts only.
    wget -O /dev/null --tries=1 --timeout=10 --ca-certificate="$ca" -e use_proxy=on \
        -e https_proxy="http://$host:$port" "https://$sni/"
    rc=$?
    [ "$rc" = 4 ] && exit 0
    exit "$rc" ;;
go | go-proxy)
    dir=${MATRIX_RUN_DIR:-$(mktemp -d)}
    if [ ! -x "$dir/go-client" ]; then
        GOCACHE=$dir/go-cache GOPATH=$dir/gopath GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local \
            go build -o "$dir/go-client" "$here/go/client.go" "$here/go/clientlib.go" || exit 2
    fi
    via=()
    [ "$name" = go ] || via=(-proxy) # net/http with Transport.Proxy: HOST:PORT is its HTTP proxy (CONNECT)
    exec "$dir/go-client" "${via[@]}" "$host" "$port" "$ca" "$alpn" "$sni" ;;
boringssl | wolfssl | mbedtls | rustls | go-net-http)
    # Our peers on TLS libraries and the net/http client (harness/peers/libpeers.mk): the matrix builds them and
    # puts them in PATH, so that no check's deadline includes a compilation; run
    # alone, this builds the one it needs into $MATRIX_RUN_DIR or a directory of this user's, kept for the next call:
    # under $XDG_CACHE_HOME (~/.cache), never a guessable name in /tmp that another user could have made first.
    if ! command -v "$name-client" >/dev/null; then
        dir=${MATRIX_RUN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/alpncheck/libpeers}
        mkdir -p -m 700 "$dir" && [ -O "$dir" ] || {
            echo "client.sh: $dir is not a directory of this user's" >&2
            exit 2
        }
        make -s -f "$here/libpeers.mk" O="$dir" "$dir/$name-client" >&2 || exit 2
        PATH=$dir:$PATH
    fi
    exec "$name-client" "$host" "$port" "$ca" "$alpn" "$sni" ;;
java)
    # The matrix compiles the JVM peers once into its run directory: a JVM start per check, not a compilation.
    main=("$here/java/Client.java")
    [ -f "${MATRIX_RUN_DIR:-/nonexistent}/java/Client.class" ] && main=(-cp "$MATRIX_RUN_DIR/java" Client)
    exec java "${main[@]}" "$host" "$port" "$ca" "$alpn" "$sni" ;;
python) exec /usr/bin/python3 "$here/python/client.py" "$host" "$port" "$ca" "$alpn" "$sni" ;;
java-bcjsse)
    # The same Client.java on Bouncy Castle's JSSE provider (harness/peers/java/bcjsse.security), from the classes
    # the matrix compiled when they are there.
    cp=/usr/share/java/bcprov.jar:/usr/share/java/bctls.jar:/usr/share/java/bcutil.jar
    main=("$here/java/Client.java")
    [ -f "${MATRIX_RUN_DIR:-/nonexistent}/java/Client.class" ] && main=(Client) cp=$MATRIX_RUN_DIR/java:$cp
    exec java -Djava.security.properties="$here/java/bcjsse.security" -cp "$cp" "${main[@]}" "$host" "$port" "$ca" \
        "$alpn" "$sni" ;;
python-httpx) exec /usr/bin/python3 "$here/python/httpx_client.py" "$host" "$port" "$ca" "$alpn" "$sni" ;;
# urllib.request with a ProxyHandler: HOST:PORT is its HTTP proxy (CONNECT).
python-urllib-proxy) exec /usr/bin/python3 "$here/python/client.py" --proxy "$host" "$port" "$ca" "$alpn" "$sni" ;;
# Debian's Node.js (package nodejs: the matrix passes debian_node's program), never another node PATH may find first.
node) exec "${ALPNCHECK_NODE:-/usr/bin/node}" "$here/node/client.js" "$host" "$port" "$ca" "$alpn" "$sni" ;;
erlang) exec escript "$here/erlang/client.escript" "$host" "$port" "$ca" "$alpn" "$sni" ;;
*) echo "client.sh: unknown client $name" >&2; exit 2 ;;
esac
