# shellcheck shell=bash
# The matrix's QUIC server and client rows (issue 16): sourced by harness/matrix/run.sh after its TCP server rows, with its
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

# ---- QUIC client rows: alpncheck client --quic is the server; each client runs behind harness/peers/quic-client.sh
# run_client_quic NAME STACK VERSION NEEDS-COMMAND CLIENT OFFER: as run_client, over QUIC on UDP (alpncheck client
# --quic, TLS 1.3 only); CLIENT is quic-client.sh's name for the client, OFFER the list it is told to offer (gtlsclient
# offers h3 whatever it is told).
run_client_quic() {
    wanted "$1" || return 0
    enqueue client "$1" quic_client_job "$@"
}
quic_client_job() {
    local name=$1 stack=$2 version=$3 needs=$4 client=$5 offer=$6 rc=0
    local cmd="harness/peers/quic-client.sh $client {host} {port} {ca} {alpn} (alpncheck client --quic)"
    local report=$OUT/client-$name.json out=$LOGS/client-$name.alpncheck.txt
    if [ "$CLIENT_OK" -eq 0 ]; then
        row "$name" client "$stack" "$version" not-run "alpncheck client not built" "$cmd" "" ""
        return 0
    fi
    if [ -n "$needs" ] && ! have "$needs"; then
        row "$name" client "$stack" "$version" not-run "$needs is not installed" "$cmd" "" ""
        return 0
    fi
    if [ "$client" = quinn ] && [ "${MATRIX_QUINN:-0}" != 1 ]; then
        row "$name" client "$stack" "$version" not-run "quinn is built only with MATRIX_QUINN=1 (minutes of offline cargo)" \
            "$cmd" "" ""
        return 0
    fi
    echo "matrix: client $name" >&2
    # Our clients are built before the run: one built on first use would spend the first check's deadline compiling.
    case $client in
    quic-go) quic_go_build "$QUIC_PEERS_BIN" >>"$LOGS/client-$name.log" 2>&1 ;;
    quinn) quinn_build "$QUIC_PEERS_BIN" >>"$LOGS/client-$name.log" 2>&1 ;;
    esac || {
        row "$name" client "$stack" "$version" not-run "$client could not be built (see its log)" "$cmd" "" \
            "$LOGS/client-$name.log"
        return 0
    }
    shq alpncheck client --quic --listen 127.0.0.1:0 --offer "$offer" \
        --exec "harness/peers/quic-client.sh $client {host} {port} {ca} {alpn}" >"$JOB_DIR/check"
    checker "$out" "$ALPNCHECK" client --quic --listen 127.0.0.1:0 --offer "$offer" \
        --exec "$PEERS/quic-client.sh $client {host} {port} {ca} {alpn}" --client-log "$LOGS/client-$name.log" \
        --json "$report" || rc=$?
    row_of_run "$rc" "$name" client "$stack" "$version" "$cmd" "$report" "$out" "$out"
}

run_client_quic gtlsclient-quic "$v_ngtcp2, $v_gnutls_lib" "$v_ngtcp2 gtlsclient" gtlsclient gtlsclient h3
run_client_quic quic-go-client-quic "$v_quic_go (Go crypto/tls)" "$v_quic_go" go quic-go h3,hq-interop
run_client_quic quinn-client-quic "$v_quinn (rustls)" "$v_quinn" "" quinn h3,hq-interop
