#!/bin/bash
# The QUIC client peers behind one command line, for `alpncheck client --quic --exec` and the tests:
#   quic-client.sh NAME HOST PORT CA-FILE ALPN-LIST
# NAME: gtlsclient (ngtcp2 0.12's example HTTP/3 client, GnuTLS), quic-go (ours, quic-go 0.29) or quinn (ours, quinn
# 0.9 with rustls 0.20). Each connects over UDP to HOST:PORT, offers ALPN-LIST (comma-separated, most preferred first;
# empty: no ALPN extension) and prints `negotiated: "PROTO"` after a completed handshake (exit 0), or what ended it,
# with the close code when a CONNECTION_CLOSE ended it: `transport close code 0x178 (remote true)` (exit 1). Exit 2 on
# usage errors or a peer that cannot be built.
# quic-go and quinn verify the certificate against CA-FILE for $ALPNCHECK_SERVER_NAME (default localhost), which they
# also send as SNI. gtlsclient cannot: it offers exactly h3 whatever ALPN-LIST says, and verifies no certificate (the
# example loads the system store and never checks the chain); it sends the name as SNI.
# Our peers are built on first use (harness/peers.sh: quic_go_build, quinn_build) into $QUIC_PEERS_BIN, else
# $MATRIX_RUN_DIR, else a temporary directory.
set -u
[ $# -eq 5 ] || { echo "usage: quic-client.sh NAME HOST PORT CA-FILE ALPN-LIST" >&2; exit 2; }
name=$1 host=$2 port=$3 ca=$4 alpn=$5
sni=${ALPNCHECK_SERVER_NAME:-localhost}
here=$(cd "$(dirname "$0")" && pwd)

# own PROGRAM BUILD [ARGS...]: one of our peers, built first when needed.
own() {
    local bin=${QUIC_PEERS_BIN:-${MATRIX_RUN_DIR:-$(mktemp -d)}} prog=$1 build=$2
    shift 2
    # shellcheck source=../peers.sh
    . "$here/../peers.sh"
    "$build" "$bin" >&2 || { echo "quic-client.sh: cannot build $prog" >&2; exit 2; }
    exec "$bin/$prog" "$@" "$host" "$port" "$ca" "$alpn" "$sni"
}

# gtlsclient logs every packet: only the handshake's outcome is kept, in our clients' words, and it is stopped once
# the handshake is confirmed (HANDSHAKE_DONE) or the connection is over instead of idling for its timeout.
gtlsclient_run() {
    local line completed=0 pid code close=""
    [ "$alpn" = h3 ] || echo "quic-client.sh: gtlsclient offers h3 only, not '$alpn'" >&2
    exec 3< <(exec gtlsclient --sni="$sni" --timeout=3s --handshake-timeout=10s "$host" "$port" 2>&1 </dev/null)
    pid=$!
    while IFS= read -r -u 3 line; do
        line=${line//[^[:print:]]/?}
        case $line in
        *"QUIC handshake has completed"*) completed=1 ;;
        *"Negotiated ALPN is "*) echo "negotiated: \"${line#*Negotiated ALPN is }\"" ;;
        *"QUIC handshake has been confirmed"*) break ;;
        *" frm "[rt]"x "*CONNECTION_CLOSE*)
            code=${line#*error_code=}
            code=${code%%)*}
            code=${code#*(}
            case $line in *CONNECTION_CLOSE\(0x1d\)*) close=application ;; *) close=transport ;; esac
            case $line in *" frm rx "*) close+=" close code $code (remote true)" ;; *) close+=" close code $code (remote false)" ;; esac ;;
        *ERR_DRAINING* | *ERR_IDLE_CLOSE* | *ERR_HANDSHAKE_TIMEOUT* | *ERR_CLOSING*) echo "$line"; break ;;
        esac
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -n "$close" ] && echo "$close"
    [ "$completed" -eq 1 ] && return 0
    echo "handshake failed"
    return 1
}

case $name in
gtlsclient) gtlsclient_run; exit $? ;;
quic-go) own quic-go-client quic_go_build ;;
quinn) own quinn-peer quinn_build client ;;
*) echo "quic-client.sh: unknown QUIC client $name" >&2; exit 2 ;;
esac
