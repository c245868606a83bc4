# shellcheck shell=bash
# The matrix's QUIC server rows (issue 16): sourced by harness/matrix/run.sh after its TCP server rows, with its
# helpers (enqueue, started_job, spawn, wanted) and variables (OUT, PEER_DIR) and harness/peers.sh in place. Each server is started on a free UDP port of 127.0.0.1 with quic_server_setup
# (harness/peers.sh), in its own process group (spawn), waited for with wait_udp (its own socket, bound), checked with
# `alpncheck server --quic` (TLS 1.3 only) and stopped; one that cannot be started or checked is a "not run" row.
# Reports are server-<name>.json, as for TCP; the names end in -quic so that a stack's TCP and QUIC rows stand apart.
#   environment: MATRIX_QUINN=1 also builds and checks quinn 0.9 (minutes from cold, offline cargo).

peers_make_quic_cert
# Our quic-go (and quinn) servers are built once into the matrix's output directory, which outlives a run.
export QUIC_PEERS_BIN=${QUIC_PEERS_BIN:-$OUT/quic-bin}
QUIC_START_ERR=""

# start_quic_peer KIND ARG PORT LOG: quic_server_setup KIND, then the server spawned; QUIC_START_ERR says why not.
start_quic_peer() {
    QUIC_START_ERR=""
    if ! quic_server_setup "$1" "$3" "$2" >>"$4" 2>&1; then
        QUIC_START_ERR="$1 could not be set up: $(tail -n 2 "$PEER_DIR/$1-build.log" "$4" 2>/dev/null | tr '\n' ' ')"
        return 1
    fi
    spawn "$4" "${QUIC_CMD[@]}"
}
start_quic_ngtcp2() { start_quic_peer ngtcp2 "" "$@"; }
start_quic_go() { start_quic_peer quic-go h3,hq-interop "$@"; }
start_quic_caddy() { start_quic_peer caddy-h3 "" "$@"; }
start_quic_quinn() {
    if [ "${MATRIX_QUINN:-0}" != 1 ]; then
        QUIC_START_ERR="quinn is built only with MATRIX_QUINN=1 (minutes of offline cargo)"
        return 1
    fi
    start_quic_peer quinn h3,hq-interop "$@"
}

# run_server_quic NAME STACK VERSION COMMAND START-FUNCTION NEEDS-COMMAND ALPN: as run_server, over QUIC v1 on UDP
# (a job of run.sh's pool: a free UDP port, the server waited for with wait_udp, alpncheck server --quic). ALPN is the
# list the server offers (--alpn: no discovery).
run_server_quic() {
    wanted "$1" || return 0
    enqueue server "$1" quic_server_job "$@"
}
quic_server_job() {
    PORT_KIND=udp started_job server "$1" "$2" "$3" "$4" "$5" "$6" "" \
        server --quic @PORT@ --sni localhost --alpn "$7" --timeout 3000
}

v_ngtcp2="ngtcp2 $(dpkg-query -W -f='${Version}' ngtcp2-server 2>/dev/null | sed 's/+.*//' || true)"
v_gnutls_lib="GnuTLS $(dpkg-query -W -f='${Version}' libgnutls30 2>/dev/null | sed 's/-.*//' || true)"
v_quic_go="quic-go $(dpkg-query -W -f='${Version}' golang-github-lucas-clemente-quic-go-dev 2>/dev/null |
    sed 's/-.*//' || true)"
v_caddy_quic=$(caddy version 2>/dev/null | sed -n 1p | awk '{print "Caddy " $1}' || true)
v_quinn="quinn $(dpkg-query -W -f='${Version}' librust-quinn-dev 2>/dev/null | sed 's/-.*//' || true)"

run_server_quic ngtcp2-gtlsserver-quic "$v_ngtcp2, $v_gnutls_lib" "$v_ngtcp2 gtlsserver" \
    "gtlsserver (ngtcp2-server; HTTP/3 example server, ALPN h3 built in)" start_quic_ngtcp2 gtlsserver h3
run_server_quic quic-go-quic "$v_quic_go (Go crypto/tls)" "$v_quic_go" \
    "harness/peers/quic-go/server.go (quic-go 0.29, NextProtos h3,hq-interop)" start_quic_go go h3,hq-interop
run_server_quic caddy-h3-quic "$v_quic_go in Caddy" "$v_caddy_quic" \
    "caddy run: HTTP/3 over QUIC (harness/peers/conf/Caddyfile-h3.in)" start_quic_caddy caddy h3
run_server_quic quinn-quic "$v_quinn (rustls)" "$v_quinn" \
    "harness/peers/quinn (quinn 0.9, ALPN h3,hq-interop)" start_quic_quinn "" h3,hq-interop
