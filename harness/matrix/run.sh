#!/bin/bash
# The interoperability matrix (make matrix): starts every server peer on a free loopback port with ALPN h2,http/1.1,
# runs `alpncheck server` against it, stops it; runs `alpncheck client` against every client peer (when this build
# has that command), also through alpncheck as their HTTP proxy (alpncheck client --proxy); starts every HTTP CONNECT
# proxy and runs `alpncheck proxy` through it (chained ones with alpncheck as their upstream). The peers run as a small pool of parallel jobs, each with its own port, private directory, log
# and report; the manifest is written at the end in the order the peers are declared below, never in the order they
# finished. Every peer is stopped again, also on failure or interruption (traps in each job and here); a peer that
# cannot be started or checked becomes a visible "not run" row. Writes per-peer JSON reports and a manifest for
# alpnmatrix.
#   usage: run.sh ALPNCHECK OUT_DIR LOG_DIR
#     OUT_DIR   per-peer reports (<role>-<peer>.json), manifest.tsv, run/ (certificates, configs, built peers; each
#               job's private directory run/jobs/<role>-<peer>), timing.tsv (each job's wall time)
#     LOG_DIR   each peer's log and alpncheck's terminal output, kept beside the published matrix
#   environment: MATRIX_PEER_TIMEOUT (s, default 240) bounds one alpncheck run; MATRIX_ONLY (space-separated peer
#   names) runs only those; MATRIX_JOBS (default 4) peers at a time, 1 runs them one after the other.
set -euo pipefail

# The whole matrix runs in a private network namespace when the system allows it (root, or user namespaces): only a
# loopback interface exists there, so the peers that cannot bind to loopback alone (gnutls-serv, selfserv, botan)
# listen nowhere else either. MATRIX_NETNS=0 runs in the host's namespace.
if [ -z "${MATRIX_IN_NETNS:-}" ] && [ "${MATRIX_NETNS:-1}" = 1 ] && command -v ip >/dev/null &&
    unshare -n true 2>/dev/null; then
    echo "matrix: in a private network namespace (loopback only)" >&2
    exec env MATRIX_IN_NETNS=1 unshare -n bash -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi

ALPNCHECK=$(realpath "$1")
OUT=$(mkdir -p "$2" && realpath "$2")
LOGS=$(mkdir -p "$3" && realpath "$3")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=$SRC/harness/peers
TIMEOUT=${MATRIX_PEER_TIMEOUT:-240}
export MATRIX_RUN_DIR # the run directory, for harness/peers/client.sh (the Go and Java clients built there)
ALPN=h2,http/1.1

JOBS_MAX=${MATRIX_JOBS:-4}
[[ "$JOBS_MAX" =~ ^[1-9][0-9]?$ ]] || { echo "matrix: MATRIX_JOBS must be 1 to 99, not '$JOBS_MAX'" >&2; exit 2; }

PEER_DIR=$OUT/run
MATRIX_RUN_DIR=$PEER_DIR
rm -rf "$PEER_DIR" "$OUT"/server-*.json "$OUT"/client-*.json "$OUT"/proxy-*.json "$OUT/rows" "$LOGS"
mkdir -p "$PEER_DIR/jobs" "$PEER_DIR/pids" "$OUT/rows" "$LOGS"
MANIFEST=$OUT/manifest.tsv
TIMING=$OUT/timing.tsv
PORTS=$PEER_DIR/ports # every port handed out in this run, so that two jobs never get the same one
: >"$MANIFEST"
: >"$TIMING"
: >"$PORTS"

# shellcheck source=../peers.sh
. "$SRC/harness/peers.sh"

# claim_port PORT: 0 when this run had not handed PORT out yet (it has now), 1 when it had.
claim_port() {
    flock "$PORTS" bash -c 'grep -qx "$1" "$2" && exit 1; echo "$1" >>"$2"' _ "$1" "$PORTS"
}

# free_port, free_udp_port: a port nobody uses, chosen by the kernel (peers.sh), and never one this run handed out
# already, for TCP or UDP: jobs run at the same time, a port is only bound when the peer starts, and a QUIC peer
# (Caddy) binds TCP on its UDP port's number too.
free_port() {
    local p
    for _ in $(seq 1 20); do
        p=$("$PEER_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
            return 1
        if claim_port "$p"; then
            echo "$p"
            return 0
        fi
    done
    return 1
}
free_udp_port() {
    local p
    for _ in $(seq 1 20); do
        p=$(any_free_udp_port) || return 1
        if claim_port "$p"; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# ---- jobs -------------------------------------------------------------------------------------------------------
# Each peer is one job, a subshell in the background. Inside it, every process it starts (the peer, and alpncheck with
# the client peers it runs) has its own process group (setsid), named in CURRENT and by a file in run/pids, so that
# the job's own EXIT trap stops them, and so does this script's cleanup should a job be killed before its trap ran.
CURRENT=()
stop_current() {
    local pid
    for pid in ${CURRENT[@]+"${CURRENT[@]}"}; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in ${CURRENT[@]+"${CURRENT[@]}"}; do
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        rm -f "$PEER_DIR/pids/$pid"
    done
    CURRENT=()
}

# shq WORD...: the words as one shell command line, each quoted only when it needs to be (for the manifest).
shq() {
    local w sep=""
    for w in "$@"; do
        if [[ "$w" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then printf '%s%s' "$sep" "$w"; else
            printf "%s'%s'" "$sep" "${w//\'/\'\\\'\'}"
        fi
        sep=" "
    done
}

# spawn LOG COMMAND...: starts a peer in the background in its own process group, output to LOG. The job's first
# spawned command is the peer's exact start command in the manifest (start_of).
spawn() {
    local log=$1
    shift
    [ -e "$JOB_DIR/start" ] || shq "$@" >"$JOB_DIR/start"
    setsid "$@" >>"$log" 2>&1 </dev/null &
    CURRENT+=($!)
    : >"$PEER_DIR/pids/$!"
}

# checker OUT COMMAND...: runs alpncheck (bounded by timeout) in its own process group, output to OUT, and waits for
# it; a signal to the job interrupts the wait, and the job's EXIT trap stops it. Returns its exit status.
checker() {
    local out=$1 pid rc=0
    shift
    setsid timeout "$TIMEOUT" "$@" >"$out" 2>&1 </dev/null &
    pid=$!
    : >"$PEER_DIR/pids/$pid"
    CURRENT+=("$pid")
    wait "$pid" || rc=$?
    local keep=() p
    for p in "${CURRENT[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    CURRENT=(${keep[@]+"${keep[@]}"})
    rm -f "$PEER_DIR/pids/$pid"
    return "$rc"
}

RUNNING=() # the jobs' subshells
QUEUE=()   # the jobs declared, each a quoted command line: sequence number, then the job function and its arguments
SEQ=0
cleanup() {
    local pid f
    for pid in "${RUNNING[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${RUNNING[@]}"; do wait "$pid" 2>/dev/null || true; done
    for f in "$PEER_DIR"/pids/*; do
        [ -e "$f" ] || continue
        kill -KILL -- "-${f##*/}" 2>/dev/null || true
    done
    stop_current
    peers_stop
}
trap cleanup EXIT
trap 'echo "matrix: run.sh failed at line $LINENO" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# enqueue JOB ARGS...: declares one peer's job; it runs when run_jobs starts it. Its manifest line goes to
# rows/<sequence number>, so the manifest keeps the order of the declarations.
enqueue() {
    SEQ=$((SEQ + 1))
    QUEUE+=("$(printf '%q ' "$SEQ" "$@")")
}

# job SEQ ROLE NAME FUNCTION ARGS...: one job's body in its subshell, with its own traps, its private directory
# (JOB_DIR) and its line in timing.tsv (role, name, wall time in seconds).
job() {
    local seq=$1 role=$2 name=$3 fn=$4 t0
    shift 4
    trap stop_current EXIT
    trap 'exit 143' TERM
    trap 'exit 130' INT
    ROW_FILE=$OUT/rows/$(printf '%04d' "$seq")
    JOB_DIR=$PEER_DIR/jobs/$role-$name
    mkdir -p "$JOB_DIR"
    t0=$(date +%s%N)
    "$fn" "$@"
    t0=$((($(date +%s%N) - t0) / 1000000))
    printf '%s\t%s\t%d.%03d\n' "$role" "$name" $((t0 / 1000)) $((t0 % 1000)) >>"$TIMING"
}

# Jobs that take longest start first, so that they do not end up alone at the end of the run (the JVM and BEAM
# clients start a process per check; Traffic Server takes seconds to come up). Names as ROLE:NAME.
SLOW_FIRST=" client:java client:java-bcjsse client:python-httpx client:erlang client:node client:openssl-s_client client:nghttp server:trafficserver "
slow() { [[ "$SLOW_FIRST" == *" $1 "* ]]; }

# run_jobs: starts the queued jobs, slow ones first, at most JOBS_MAX at a time; waits for all; writes the manifest.
run_jobs() {
    local entry order=() pid alive f
    for entry in "${QUEUE[@]}"; do
        eval "set -- $entry"
        slow "$2:$3" && order+=("$entry")
    done
    for entry in "${QUEUE[@]}"; do
        eval "set -- $entry"
        slow "$2:$3" || order+=("$entry")
    done
    for entry in ${order[@]+"${order[@]}"}; do
        while :; do
            alive=()
            for pid in ${RUNNING[@]+"${RUNNING[@]}"}; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
            RUNNING=(${alive[@]+"${alive[@]}"})
            [ "${#RUNNING[@]}" -lt "$JOBS_MAX" ] && break
            wait -n 2>/dev/null || true
        done
        eval "set -- $entry"
        (job "$@") &
        RUNNING+=($!)
    done
    for pid in ${RUNNING[@]+"${RUNNING[@]}"}; do wait "$pid" || true; done
    RUNNING=()
    # The manifest in declaration order; a job that ended without its line (killed, or a bug here) is a not-run row,
    # never a peer that silently disappears.
    for entry in ${QUEUE[@]+"${QUEUE[@]}"}; do
        eval "set -- $entry"
        f=$OUT/rows/$(printf '%04d' "$1")
        if [ ! -s "$f" ]; then
            ROW_FILE=$f JOB_DIR=$PEER_DIR/jobs/$2-$3
            row "$3" "$2" "$6" "$7" not-run "its job ended without a result (see its log)" "" "" ""
        fi
        cat "$f" >>"$MANIFEST"
    done
    return 0
}

# wait_peer PORT: 0 once the current peer accepts on 127.0.0.1:PORT; 1 when it exited first or after 30 s (a JVM
# compiling its source on a busy machine takes a few seconds).
wait_peer() {
    for _ in $(seq 1 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        kill -0 "${CURRENT[0]}" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# One manifest line: name role stack version status reason command report log, then start and check (the exact
# commands, from the job's files; paths relative to the source tree), tabs and newlines flattened, into the job's
# row file.
row() {
    local out="" f start="" check=""
    [ -f "$JOB_DIR/start" ] && start=$(<"$JOB_DIR/start")
    [ -f "$JOB_DIR/check" ] && check=$(<"$JOB_DIR/check")
    set -- "${@:1:7}" "$(rel "$8")" "$(rel "$9")" "${start//$SRC\//}" "${check//$SRC\//}"
    for f in "$@"; do
        f=${f//$'\t'/ }
        f=${f//$'\r'/ }
        out+="${f//$'\n'/ }"$'\t'
    done
    printf '%s\n' "${out%$'\t'}" >"$ROW_FILE"
}

# Paths in the manifest are relative to the source tree, so that the published matrix names no machine's directories.
rel() { [ -z "$1" ] && return 0; realpath --relative-to="$SRC" "$1"; }
# have PROGRAM-OR-FILE: a command in PATH, or (with a slash) a file that exists, such as a server's module.
have() { case $1 in */*) [ -e "$1" ] ;; *) command -v "$1" >/dev/null ;; esac; }
wanted() { [ -z "${MATRIX_ONLY:-}" ] || [[ " $MATRIX_ONLY " == *" $1 "* ]]; }
# Versions: `sed -n 1p`, never `head`: a program killed by SIGPIPE would fail the pipeline under pipefail.
first_line() { "$@" 2>&1 | sed -n 1p || true; }
linked_openssl() { # the OpenSSL a binary links, as its libssl reports it
    case "$(ldd "$1" 2>/dev/null || true)" in
    *libssl.so.3*) openssl version | cut -d' ' -f1-2 ;;
    *) echo "?" ;;
    esac
}
# pkg_version PACKAGE: its Debian version without epoch and Debian revision ("" when not installed).
pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null | sed 's/^[0-9]*://; s/-[^-]*$//' || true; }

# ---- the peers' shared material ----------------------------------------------------------------------------------
peers_make_cert
cat "$PEER_DIR/cert.pem" "$PEER_DIR/key.pem" >"$PEER_DIR/combined.pem"
openssl pkcs12 -export -in "$PEER_DIR/cert.pem" -inkey "$PEER_DIR/key.pem" -name peer -out "$PEER_DIR/peer.p12" \
    -passout pass:alpncheck
mkdir -p "$PEER_DIR/h2o-root" && echo "hello from h2o" >"$PEER_DIR/h2o-root/index.html"

# Go peers are built once, offline, from the standard library only.
export GOCACHE=$OUT/go-cache GOPATH=$OUT/gopath GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local
GO_BUILD_ERR=""
if command -v go >/dev/null; then
    for prog in server client; do
        srcs=("$PEERS/go/$prog.go")
        [ "$prog" = server ] || srcs+=("$PEERS/go/clientlib.go") # what it shares with the net/http client
        go build -o "$PEER_DIR/go-$prog" "${srcs[@]}" 2>>"$LOGS/go-build.log" ||
            GO_BUILD_ERR="go build failed: $(tail -n 2 "$LOGS/go-build.log")"
    done
else
    GO_BUILD_ERR="go not installed"
fi

# The JVM peers are compiled once (javac), so that each run of a Java client is a JVM start, not a compilation
# (harness/peers/client.sh runs the classes in $MATRIX_RUN_DIR/java when they are there).
JAVA_BUILD_ERR=""
if command -v javac >/dev/null; then
    javac -d "$PEER_DIR/java" "$PEERS/java/Server.java" "$PEERS/java/Client.java" 2>>"$LOGS/java-build.log" ||
        JAVA_BUILD_ERR="javac failed: $(tail -n 2 "$LOGS/java-build.log")"
fi

# fill TEMPLATE PORT LOG [BACKEND] [MODULE]: a config from harness/peers/conf/TEMPLATE.in into the job's private
# directory ($JOB_DIR, @JOB@); @DIR@ is the run directory with the shared certificate.
fill() {
    mkdir -p "$(dirname "$JOB_DIR/$1")"
    sed -e "s|@PORT@|$2|g" -e "s|@DIR@|$PEER_DIR|g" -e "s|@JOB@|$JOB_DIR|g" -e "s|@LOG@|$3|g" \
        -e "s|@BACKEND@|${4:-}|g" -e "s|@MODULE@|${5:-}|g" -e "s|@USER@|$(id -un)|g" "$PEERS/conf/$1.in" >"$JOB_DIR/$1"
    echo "$JOB_DIR/$1"
}

# ---- server peers: start_<kind> PORT LOG starts one; the table below names, describes and versions them ----------
start_openssl() {
    spawn "$2" openssl s_server -accept "127.0.0.1:$1" -cert "$PEER_DIR/cert.pem" -key "$PEER_DIR/key.pem" \
        -alpn "$ALPN" -early_data -quiet
}
start_gnutls() {
    spawn "$2" gnutls-serv --port "$1" --x509certfile "$PEER_DIR/cert.pem" --x509keyfile "$PEER_DIR/key.pem" \
        --alpn h2 --alpn http/1.1 --earlydata
}
start_gnutls_fatal() {
    spawn "$2" gnutls-serv --port "$1" --x509certfile "$PEER_DIR/cert.pem" --x509keyfile "$PEER_DIR/key.pem" \
        --alpn h2 --alpn http/1.1 --earlydata --alpn-fatal
}
start_nginx() { spawn "$2" nginx -e "$2" -c "$(fill nginx.conf "$1" "$2")"; }
start_haproxy() { spawn "$2" haproxy -db -f "$(fill haproxy.cfg "$1" "$2")"; }
start_h2o() { spawn "$2" h2o -c "$(fill h2o.conf "$1" "$2")"; }
start_nghttpx() { spawn "$2" nghttpx --conf="$(fill nghttpx.conf "$1" "$2" "$(free_port)")"; }
start_go() {
    [ -z "$GO_BUILD_ERR" ] || return 1
    spawn "$2" "$PEER_DIR/go-server" "$1" "$PEER_DIR/cert.pem" "$PEER_DIR/key.pem" "$ALPN"
}
start_java() {
    local main=("$PEERS/java/Server.java")
    [ -z "$JAVA_BUILD_ERR" ] && [ -f "$PEER_DIR/java/Server.class" ] && main=(-cp "$PEER_DIR/java" Server)
    spawn "$2" java "${main[@]}" "$1" "$PEER_DIR/peer.p12" alpncheck "$ALPN"
}
start_python() { spawn "$2" /usr/bin/python3 "$PEERS/python/server.py" "$1" "$PEER_DIR/cert.pem" "$PEER_DIR/key.pem" "$ALPN"; }
start_node() { spawn "$2" "$NODE" "$PEERS/node/server.js" "$1" "$PEER_DIR/cert.pem" "$PEER_DIR/key.pem" "$ALPN"; }
# NSS's selfserv only knows http/1.1 for ALPN (-Q); its key comes from an NSS database made from the PKCS#12 file.
start_nss() {
    local db=$JOB_DIR/nssdb
    rm -rf "$db" && mkdir -p "$db"
    certutil -N -d "sql:$db" --empty-password >>"$2" 2>&1 &&
        pk12util -i "$PEER_DIR/peer.p12" -d "sql:$db" -W alpncheck >>"$2" 2>&1 || return 1
    spawn "$2" selfserv -d "sql:$db" -e peer -p "$1" -Q
}
# Botan's command-line server answers every ALPN offer with its one protocol, echo/0.1.
start_botan() { spawn "$2" botan tls_server "$PEER_DIR/cert.pem" "$PEER_DIR/key.pem" --port="$1"; }
start_erlang() { spawn "$2" escript "$PEERS/erlang/server.escript" "$1" "$PEER_DIR/cert.pem" "$PEER_DIR/key.pem" "$ALPN"; }
# Caddy serves https://localhost with a certificate from its own internal CA (tls internal, no ACME), its data under
# the run directory (caddy_setup in harness/peers.sh, harness/peers/conf/Caddyfile.in); never the package's service.
start_caddy() {
    caddy_setup "$1" || return 1
    spawn "$2" "${CADDY_CMD[@]}"
}
# Apache httpd 2.4 with mod_ssl and mod_http2 (harness/peers/conf/apache2.conf.in): ServerRoot, PidFile, mutexes and
# runtime files in the job's directory, run in the foreground; never the package's service or /etc/apache2. Run as
# root, its child drops to nobody (Apache refuses to serve as root); otherwise it stays the current user.
start_apache2() {
    local as_root=()
    [ "$(id -u)" -ne 0 ] || as_root=(-DALPNCHECK_AS_ROOT)
    spawn "$2" /usr/sbin/apache2 -f "$(fill apache2.conf "$1" "$2")" -DFOREGROUND "${as_root[@]}"
}
# lighttpd 1.4 with one TLS module (harness/peers/conf/lighttpd.conf.in): each module does its own ALPN (h2 and
# http/1.1 when HTTP/2 is on, lighttpd's default), so each is a row of its own.
start_lighttpd() {
    spawn "$3" lighttpd -D -f "$(fill lighttpd.conf "$2" "$3" "" "$1")"
}
for m in openssl gnutls wolfssl mbedtls nss; do
    eval "start_lighttpd_$m() { start_lighttpd $m \"\$@\"; }"
done
# Apache Traffic Server 9.2 from a runroot of its own (harness/peers/conf/trafficserver/): every directory it reads
# or writes (configuration, cache, logs, runtime) is in the job's directory; it stays the current user (#-1).
start_trafficserver() {
    local f
    for f in runroot.yaml records.config ssl_multicert.config storage.config ip_allow.yaml; do
        fill "trafficserver/$f" "$1" "$2" >/dev/null || return 1
    done
    mkdir -p "$JOB_DIR/trafficserver/"{cache,log,run,var} || return 1
    spawn "$2" traffic_server --run-root="$JOB_DIR/trafficserver"
}

# ---- proxy peers: start_proxy_<kind> PORT LOG [UPSTREAM_PORT] starts one from its configuration (proxy_setup in
# harness/peers.sh, shared with the tests' start_proxy) filled into the job's private directory.
for kind in squid tinyproxy privoxy apache-proxy tinyproxy-upstream privoxy-upstream apache-proxy-upstream; do
    eval "start_proxy_${kind//-/_}() { proxy_setup $kind \"\$1\" \"\${3:-}\" \"\$JOB_DIR\" && spawn \"\$2\" \"\${PROXY_CMD[@]}\"; }"
done

# run_server NAME STACK VERSION COMMAND START-FUNCTION NEEDS-COMMAND [ALPN]: declares a server peer (its job runs
# later, in run_jobs). ALPN is what the peer supports, when it cannot be configured with h2,http/1.1. START-FUNCTION
# PORT LOG starts it with spawn, in the job's subshell (its private directory is $JOB_DIR).
run_server() {
    wanted "$1" || return 0
    enqueue server "$1" server_job "$@"
}
server_job() {
    started_job server "$1" "$2" "$3" "$4" "$5" "$6" "" server @PORT@ --alpn "${7:-$ALPN}" --timeout 3000
}

# run_proxy NAME STACK VERSION COMMAND START-FUNCTION NEEDS-COMMAND [UPSTREAM]: declares an HTTP CONNECT proxy peer,
# checked by `alpncheck proxy`. START-FUNCTION PORT LOG [UPSTREAM-PORT] starts it as a server's does; with UPSTREAM
# (any non-empty word) it is chained to alpncheck as its upstream proxy on a second free port (--upstream), which
# reads the CONNECT the proxy forwards.
run_proxy() {
    wanted "$1" || return 0
    enqueue proxy "$1" proxy_job "$@"
}
proxy_job() {
    local up=""
    if [ -n "${7:-}" ] && ! up=$(free_port); then
        row "$1" proxy "$2" "$3" not-run "no free port" "$4" "" ""
        return 0
    fi
    started_job proxy "$1" "$2" "$3" "$4" "$5" "$6" "$up" proxy @PORT@ --timeout 3000 ${up:+--upstream "127.0.0.1:$up"}
}

# started_job ROLE NAME STACK VERSION COMMAND START-FUNCTION NEEDS-COMMAND UPSTREAM-PORT ARGS...: the job of a peer the
# matrix starts (a server or a proxy): START-FUNCTION PORT LOG [UPSTREAM-PORT] on a free port, then alpncheck ARGS
# (@PORT@ standing for the port) with --json, bounded by the timeout; the peer is always stopped again.
started_job() {
    local role=$1 name=$2 stack=$3 version=$4 cmd=$5 start=$6 needs=$7 up=$8
    shift 8
    local log=$LOGS/$role-$name.log report=$OUT/$role-$name.json out=$LOGS/$role-$name.alpncheck.txt port rc
    if [ -n "$needs" ] && ! have "$needs"; then
        row "$name" "$role" "$stack" "$version" not-run "$needs is not installed" "$cmd" "" ""
        return 0
    fi
    : >"$log"
    # PORT_KIND=udp: a QUIC server (peers-quic.sh), on a UDP port, waited for by its bound socket.
    local udp=0
    [ "${PORT_KIND:-tcp}" = udp ] && udp=1
    if ! port=$([ "$udp" = 1 ] && free_udp_port || free_port); then
        row "$name" "$role" "$stack" "$version" not-run "no free port" "$cmd" "" ""
        return 0
    fi
    # "on 127.0.0.1:PORT" for TCP, "on UDP 127.0.0.1:PORT" for UDP: the tests look for the TCP ports in these lines.
    echo "matrix: $role $name on $([ "$udp" = 1 ] && echo "UDP ")127.0.0.1:$port" >&2
    if ! "$start" "$port" "$log" ${up:+"$up"}; then
        row "$name" "$role" "$stack" "$version" not-run "could not be started: ${GO_BUILD_ERR:-${QUIC_START_ERR:-see log}}" "$cmd" "" \
            "$log"
        return 0
    fi
    if [ "$udp" = 1 ] && ! wait_udp "$port" "${CURRENT[0]}"; then
        stop_current
        row "$name" "$role" "$stack" "$version" not-run "did not bind UDP 127.0.0.1:$port: $(tail -n 3 "$log")" \
            "$cmd" "" "$log"
        return 0
    fi
    if [ "$udp" = 0 ] && ! wait_peer "$port"; then
        local why="did not accept connections within 30 s"
        kill -0 "${CURRENT[0]}" 2>/dev/null || why="exited before accepting connections"
        stop_current
        row "$name" "$role" "$stack" "$version" not-run "$why: $(tail -n 3 "$log")" "$cmd" "" "$log"
        return 0
    fi
    local args=("${@//@PORT@/127.0.0.1:$port}")
    rc=0
    shq alpncheck "${args[@]}" >"$JOB_DIR/check"
    checker "$out" "$ALPNCHECK" "${args[@]}" --json "$report" -q || rc=$?
    stop_current
    row_of_run "$rc" "$name" "$role" "$stack" "$version" "$cmd" "$report" "$log" "$out"
}

# row_of_run RC NAME ROLE STACK VERSION COMMAND REPORT LOG OUT: the manifest line of a finished alpncheck run. Exit 2
# with a report is a run whose ERROR cells say why; without one, alpncheck stopped before any check.
row_of_run() {
    local rc=$1 name=$2 role=$3 stack=$4 version=$5 cmd=$6 report=$7 log=$8 out=$9
    [ "$rc" = 2 ] && [ -s "$report" ] && rc=1
    case $rc in
    0 | 1) row "$name" "$role" "$stack" "$version" run "" "$cmd" "$report" "$log" ;;
    124) row "$name" "$role" "$stack" "$version" not-run "alpncheck did not finish within $TIMEOUT s" "$cmd" "" "$log" ;;
    *) row "$name" "$role" "$stack" "$version" not-run "alpncheck exit $rc: $(tail -n 1 "$out")" "$cmd" "" "$log" ;;
    esac
}

OPENSSL_V=$(openssl version | cut -d' ' -f1-2 || true)
GNUTLS_V="GnuTLS $(gnutls-serv --version 2>/dev/null | sed -n 1p | grep -o '[0-9][0-9.]*' | sed -n 1p || true)"
v_nginx=$(nginx -v 2>&1 | sed 's|.*nginx/|nginx |' || true)
v_haproxy=$(haproxy -v 2>/dev/null | sed -n 1p | awk '{print "HAProxy " $3}' || true)
v_h2o=$(h2o --version 2>/dev/null | sed -n 1p | sed 's/ version / /' || true)
v_nghttpx=$(nghttpx --version 2>/dev/null | sed -n 1p || true)
v_go=$(go version 2>/dev/null | awk '{print $3}' || true)
v_java="OpenJDK $(java -version 2>&1 | sed -n 1p | grep -o '[0-9][0-9._+]*' | sed -n 1p || true)"
v_python=$(/usr/bin/python3 -c 'import platform; print("Python", platform.python_version())' 2>/dev/null || true)
s_python=$(/usr/bin/python3 -c 'import ssl; print(ssl.OPENSSL_VERSION.rsplit(" ", 3)[0])' 2>/dev/null || true)
# The Node.js rows run Debian's nodejs (debian_node in harness/peers.sh), whatever else PATH holds; client.sh gets it
# as ALPNCHECK_NODE.
export ALPNCHECK_NODE
ALPNCHECK_NODE=$(debian_node "$OUT/debian-node") || ALPNCHECK_NODE=debian-nodejs-not-available
NODE=$ALPNCHECK_NODE
v_node="$("$NODE" -e 'console.log("Node.js " + process.version)' 2>/dev/null || true) (Debian nodejs $(debian_nodejs_version "$OUT/debian-node"))"
s_node=$("$NODE" -e 'console.log("OpenSSL " + process.versions.openssl)' 2>/dev/null || true)
v_nss_pkg=$(dpkg-query -W -f='${Version}' libnss3-tools 2>/dev/null || true)
v_nss="NSS $(dpkg-query -W -f='${Version}' libnss3 2>/dev/null | sed 's/^[0-9]*://; s/-.*//' || true)"
v_botan_n=$(botan version 2>/dev/null || true)
v_botan="Botan $v_botan_n"
v_caddy=$(caddy version 2>/dev/null | sed -n 1p | awk '{print "Caddy " $1}' || true)
s_caddy=$(caddy build-info 2>/dev/null | awk '$1 == "go" {sub(/^go/, "", $2); print "Go crypto/tls " $2}' || true)
v_apache=$(/usr/sbin/apache2 -v 2>/dev/null | sed -n 's|^Server version: Apache/\([0-9.]*\).*|Apache httpd \1|p' || true)
v_lighttpd=$(lighttpd -v 2>/dev/null | sed -n 's|^lighttpd/\([0-9.]*\).*|lighttpd \1|p' || true)
v_ats=$(traffic_server -V 2>/dev/null | sed -n 's|.*\(Traffic Server [0-9.]*\).*|Apache \1|p' | sed -n 1p || true)
LIGHTTPD_MOD_DIR=/usr/lib/lighttpd
v_erl=$(erl -noshell -eval 'application:load(ssl), {ok, V} = application:get_key(ssl, vsn),
    io:format("OTP ~s, ssl ~s~n", [erlang:system_info(otp_release), V]), halt().' 2>/dev/null || true)

run_server openssl-s_server "$OPENSSL_V" "$OPENSSL_V" \
    "openssl s_server -alpn h2,http/1.1 -early_data" start_openssl openssl
run_server gnutls-serv "$GNUTLS_V" "$GNUTLS_V" \
    "gnutls-serv --alpn h2 --alpn http/1.1 --earlydata" start_gnutls gnutls-serv
run_server gnutls-serv-alpn-fatal "$GNUTLS_V" "$GNUTLS_V" \
    "gnutls-serv --alpn h2 --alpn http/1.1 --earlydata --alpn-fatal" start_gnutls_fatal gnutls-serv
run_server nginx "$(linked_openssl /usr/sbin/nginx)" "$v_nginx" \
    "nginx: listen ssl http2; ssl_early_data on (harness/peers/conf/nginx.conf.in)" start_nginx nginx
run_server haproxy "$(linked_openssl /usr/sbin/haproxy)" "$v_haproxy" \
    "haproxy: bind ssl alpn h2,http/1.1 allow-0rtt (harness/peers/conf/haproxy.cfg.in)" start_haproxy haproxy
run_server h2o "$(linked_openssl /usr/bin/h2o)" "$v_h2o" \
    "h2o: listen ssl, its built-in ALPN list (harness/peers/conf/h2o.conf.in)" start_h2o h2o
run_server nghttpx "$(linked_openssl /usr/sbin/nghttpx)" "$v_nghttpx" \
    "nghttpx --npn-list=h2,http/1.1 --tls-max-early-data (harness/peers/conf/nghttpx.conf.in)" start_nghttpx nghttpx
run_server nss-selfserv "$v_nss" "selfserv (libnss3-tools $v_nss_pkg)" \
    "selfserv -Q (ALPN http/1.1, the only protocol it offers)" start_nss selfserv http/1.1
run_server botan-tls_server "$v_botan" "botan tls_server $v_botan_n" \
    "botan tls_server (its command-line server always answers ALPN with echo/0.1)" start_botan botan echo/0.1
run_server caddy "$s_caddy" "$v_caddy" \
    "caddy run: tls internal, protocols h1 h2 (harness/peers/conf/Caddyfile.in)" start_caddy caddy
run_server go "Go crypto/tls ${v_go#go}" "$v_go" \
    "harness/peers/go/server.go (tls.Config.NextProtos h2,http/1.1)" start_go go
run_server java "JSSE (${v_java})" "$v_java" \
    "harness/peers/java/Server.java (SSLParameters.setApplicationProtocols h2,http/1.1)" start_java java
run_server python "$s_python" "$v_python" \
    "harness/peers/python/server.py (SSLContext.set_alpn_protocols h2,http/1.1)" start_python python3
run_server node "$s_node" "$v_node" \
    "harness/peers/node/server.js (tls.createServer ALPNProtocols h2,http/1.1)" start_node "$NODE"
run_server erlang "Erlang/OTP ssl" "$v_erl" \
    "harness/peers/erlang/server.escript (alpn_preferred_protocols h2,http/1.1)" start_erlang escript
run_server apache2 "$(linked_openssl /usr/lib/apache2/modules/mod_ssl.so)" "$v_apache" \
    "apache2 -f apache2.conf -DFOREGROUND: mod_ssl, mod_http2, Protocols h2 http/1.1 (harness/peers/conf/apache2.conf.in)" \
    start_apache2 /usr/sbin/apache2
# lighttpd answers h2 and http/1.1 by itself (HTTP/2 is on by default in 1.4.69); no option sets the list.
lighttpd_row() { # lighttpd_row MODULE STACK
    run_server "lighttpd-$1" "$2" "$v_lighttpd mod_$1" \
        "lighttpd -D -f lighttpd.conf: mod_$1, ssl.engine (harness/peers/conf/lighttpd.conf.in)" "start_lighttpd_$1" \
        "$LIGHTTPD_MOD_DIR/mod_$1.so"
}
lighttpd_row openssl "$(linked_openssl "$LIGHTTPD_MOD_DIR/mod_openssl.so")"
lighttpd_row gnutls "$GNUTLS_V"
lighttpd_row wolfssl "wolfSSL $(pkg_version libwolfssl35)"
lighttpd_row mbedtls "Mbed TLS $(pkg_version libmbedtls14)"
lighttpd_row nss "NSS $(pkg_version libnss3)"
run_server trafficserver "$(linked_openssl /usr/bin/traffic_server)" "$v_ats" \
    "traffic_server --run-root DIR: server_ports PORT:ssl, its default ALPN (harness/peers/conf/trafficserver/)" \
    start_trafficserver traffic_server

# HTTP CONNECT proxies (issue 18): alpncheck proxy sends CONNECT through each to a TLS target of its own; the chained
# ones forward every CONNECT to alpncheck as their upstream proxy, which reads whether the ALPN field arrives.
# Squid is not chained: with a parent it answers the first CONNECT after its start 500 while it probes the parent.
# proxy_rows NAME PROGRAM PACKAGE KIND NEEDS WHAT: the proxy, then (but Squid) the same chained to alpncheck. Its
# stack is the proxy program with the package's upstream version; its version the package's whole Debian version.
proxy_rows() {
    local stack version
    stack="$2 $(pkg_version "$3")"
    version="$3 $(dpkg-query -W -f='${Version}' "$3" 2>/dev/null || true)"
    run_proxy "$1" "$stack" "$version" "$6 (harness/peers/conf/$4.conf.in)" "start_proxy_${4//-/_}" "$5"
    [ "$1" = squid ] && return 0
    run_proxy "$1-chained" "$stack" "$version" \
        "$6, chained to alpncheck --upstream (harness/peers/conf/$4-upstream.conf.in)" "start_proxy_${4//-/_}_upstream" \
        "$5" upstream
}
proxy_rows squid Squid squid squid squid "squid -N -f squid.conf: http_port 127.0.0.1:PORT"
proxy_rows tinyproxy tinyproxy tinyproxy tinyproxy tinyproxy "tinyproxy -d -c tinyproxy.conf"
proxy_rows privoxy Privoxy privoxy privoxy privoxy "privoxy --no-daemon privoxy.conf"
proxy_rows apache-mod_proxy_connect "Apache httpd" apache2 apache-proxy /usr/sbin/apache2 \
    "apache2 -f apache-proxy.conf -DFOREGROUND: mod_proxy, mod_proxy_connect, ProxyRequests On, AllowCONNECT"

# ---- client peers: alpncheck is the server; each client connects through harness/peers/client.sh -----------------
CLIENT_OK=0
"$ALPNCHECK" client --help >/dev/null 2>&1 && CLIENT_OK=1

# run_client NAME STACK VERSION NEEDS-COMMAND [proxy]: declares a client peer, run behind harness/peers/client.sh NAME;
# with proxy, alpncheck is also its HTTP proxy (--proxy: the connection must start with CONNECT).
run_client() {
    wanted "$1" || return 0
    enqueue client "$1" client_job "$@"
}
client_job() {
    local name=$1 stack=$2 version=$3 needs=$4 proxy=()
    [ "${5:-}" = proxy ] && proxy=(--proxy)
    # {alpn} is --offer's list, and empty for the check that needs a client offering no ALPN.
    local cmd="harness/peers/client.sh $name {host} {port} {ca} {alpn}"
    [ -z "${proxy[*]}" ] || cmd+=" (through alpncheck as its HTTP proxy: alpncheck client --proxy)"
    local report=$OUT/client-$name.json out=$LOGS/client-$name.alpncheck.txt rc
    if [ "$CLIENT_OK" -eq 0 ]; then
        row "$name" client "$stack" "$version" not-run "alpncheck client not built" "$cmd" "" ""
        return 0
    fi
    if ! have "$needs"; then
        row "$name" client "$stack" "$version" not-run "$needs is not installed" "$cmd" "" ""
        return 0
    fi
    echo "matrix: client $name" >&2
    rc=0
    # CLI-0RTT-ALPN needs two connections with a session file: the clients that can, from a command line.
    local zero=()
    case $name in
    openssl-s_client | gnutls-cli) zero=(--exec-0rtt "$PEERS/client.sh $name {host} {port} {ca} {alpn} {session}") ;;
    esac
    shq alpncheck client --listen 127.0.0.1:0 --offer "$ALPN" ${proxy[@]+"${proxy[@]}"} \
        --exec "harness/peers/client.sh $name {host} {port} {ca} {alpn}" \
        ${zero[@]+"${zero[0]}" "harness/peers/client.sh $name {host} {port} {ca} {alpn} {session}"} >"$JOB_DIR/check"
    checker "$out" "$ALPNCHECK" client --listen 127.0.0.1:0 --offer "$ALPN" ${proxy[@]+"${proxy[@]}"} \
        --exec "$PEERS/client.sh $name {host} {port} {ca} {alpn}" "${zero[@]}" --client-log "$LOGS/client-$name.log" \
        --json "$report" || rc=$?
    row_of_run "$rc" "$name" client "$stack" "$version" "$cmd" "$report" "$out" "$out"
}

run_client openssl-s_client "$OPENSSL_V" "$OPENSSL_V" openssl
run_client gnutls-cli "$GNUTLS_V" "$(first_line gnutls-cli --version)" gnutls-cli
run_client curl "$(curl --version | sed -n 1p | grep -o 'OpenSSL/[0-9.]*' | tr / ' ')" \
    "$(curl --version | sed -n 1p | cut -d' ' -f1-2)" curl
run_client nghttp "$(linked_openssl /usr/bin/nghttp)" "$(first_line nghttp --version)" nghttp
run_client botan-tls_client "$v_botan" "botan tls_client $v_botan_n" botan
run_client go "Go crypto/tls ${v_go#go}" "$v_go" go
run_client java "JSSE (${v_java})" "$v_java" java
run_client python "$s_python" "$v_python" python3
run_client node "$s_node" "$v_node" "$NODE"
run_client erlang "Erlang/OTP ssl" "$v_erl" escript
# Clients that reach the server through alpncheck as their HTTP proxy (alpncheck client --proxy): each must send
# CONNECT first, or every check is ERROR.
run_client curl-proxytunnel "$(curl --version | sed -n 1p | grep -o 'OpenSSL/[0-9.]*' | tr / ' ')" \
    "$(curl --version | sed -n 1p | cut -d' ' -f1-2)" curl proxy
run_client wget-proxy "$GNUTLS_V" "$(first_line wget --version | cut -d' ' -f1-3)" wget proxy
run_client python-urllib-proxy "$s_python" "$v_python" python3 proxy
run_client go-proxy "Go crypto/tls ${v_go#go}" "$v_go" go proxy

# The small peers on TLS libraries (BoringSSL, wolfSSL, Mbed TLS, rustls, ...), declared the same way.
# shellcheck source=/dev/null
[ -f "$SRC/harness/matrix/peers-libs.sh" ] && . "$SRC/harness/matrix/peers-libs.sh"
# The QUIC server rows (issue 16).
# shellcheck source=peers-quic.sh
. "$SRC/harness/matrix/peers-quic.sh"

run_jobs

echo "matrix: $(grep -c $'\trun\t' "$MANIFEST" || true) peers checked, $(grep -c $'\tnot-run\t' "$MANIFEST" || true) not run;" \
    "manifest $MANIFEST" >&2
