# Shell helpers to run real TLS peers on loopback for tests and the demo; source this file.
# Peers are started on free ports, their logs kept in $PEER_DIR, and all stopped by peers_stop (use it in a trap).
PEER_PY=/usr/bin/python3
PEER_PIDS=()

# A port nobody listens on right now, chosen by the kernel.
free_port() {
    "$PEER_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until something accepts on 127.0.0.1:$1 (at most 10 s).
wait_port() {
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# A throw-away P-256 certificate for localhost in $PEER_DIR.
peers_make_cert() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
        -keyout "$PEER_DIR/key.pem" -out "$PEER_DIR/cert.pem" 2>/dev/null
}

# openssl s_server on 127.0.0.1:PORT offering h2 and http/1.1, accepting 0-RTT.
start_openssl() {
    openssl s_server -accept "127.0.0.1:$1" -cert "$PEER_DIR/cert.pem" -key "$PEER_DIR/key.pem" \
        -alpn h2,http/1.1 -early_data -quiet >"$PEER_DIR/openssl-$1.log" 2>&1 </dev/null &
    PEER_PIDS+=($!)
}

# gnutls-serv on PORT (it has no option to bind to loopback only) offering h2 and http/1.1, accepting 0-RTT; extra
# options follow.
start_gnutls() {
    local port=$1
    shift
    gnutls-serv --port "$port" --x509certfile "$PEER_DIR/cert.pem" --x509keyfile "$PEER_DIR/key.pem" --alpn h2 \
        --alpn http/1.1 --earlydata "$@" >"$PEER_DIR/gnutls-$port.log" 2>&1 </dev/null &
    PEER_PIDS+=($!)
}

# caddy_setup PORT [TEMPLATE [TLS]]: Caddy's private directory $PEER_DIR/caddy-PORT (HOME, XDG data and config, its
# storage with the internal CA) and its Caddyfile from harness/peers/conf/TEMPLATE (default Caddyfile.in: https://
# localhost on 127.0.0.1:PORT only, tls internal, h1 and h2; Caddyfile-h3.in adds h3 on UDP), TLS filling its @TLS@
# (default internal); sets CADDY_CMD to the command that runs it in the foreground. Never the package's service.
PEERS_CONF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers/conf
caddy_setup() {
    local port=$1 template=${2:-Caddyfile.in} tls=${3:-internal} dir=$PEER_DIR/caddy-$1 http_port
    http_port=$(free_port) || return 1
    mkdir -p "$dir/home" "$dir/xdg-data" "$dir/xdg-config" || return 1
    sed -e "s|@PORT@|$port|g" -e "s|@HTTP_PORT@|$http_port|g" -e "s|@DIR@|$dir|g" -e "s|@TLS@|$tls|g" \
        "$PEERS_CONF/$template" >"$dir/Caddyfile" || return 1
    CADDY_CMD=(env "HOME=$dir/home" "XDG_DATA_HOME=$dir/xdg-data" "XDG_CONFIG_HOME=$dir/xdg-config"
        caddy run --config "$dir/Caddyfile" --adapter caddyfile)
}

# start_caddy PORT: Caddy (caddy_setup) in the background, its log in $PEER_DIR/caddy-PORT.log.
start_caddy() {
    caddy_setup "$1" || return 1
    "${CADDY_CMD[@]}" >"$PEER_DIR/caddy-$1.log" 2>&1 </dev/null &
    PEER_PIDS+=($!)
}

# proxy_setup KIND PORT [UPSTREAM_PORT [DIR]]: an HTTP CONNECT proxy's configuration, harness/peers/conf/KIND.conf.in
# filled into DIR (default $PEER_DIR; the matrix gives each job its own) for 127.0.0.1:PORT, and PROXY_CMD, the
# command that runs it in the foreground. KIND: squid, tinyproxy, privoxy, or apache-proxy (Apache httpd's
# mod_proxy_connect); tinyproxy-upstream, privoxy-upstream and apache-proxy-upstream forward every CONNECT to the
# upstream proxy 127.0.0.1:UPSTREAM_PORT. Never the package's service, never its /etc configuration.
proxy_setup() {
    local kind=$1 port=$2 dir=${4:-$PEER_DIR}
    local conf=$dir/$kind-$port.conf
    sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$dir|g" -e "s|@UPSTREAM@|${3:-}|g" "$PEERS_CONF/$kind.conf.in" \
        >"$conf" || return 1
    case $kind in
    squid) PROXY_CMD=(squid -N -d 1 -f "$conf") ;;
    tinyproxy | tinyproxy-upstream) PROXY_CMD=(tinyproxy -d -c "$conf") ;;
    privoxy | privoxy-upstream) PROXY_CMD=(privoxy --no-daemon "$conf") ;;
    apache-proxy | apache-proxy-upstream)
        PROXY_CMD=(/usr/sbin/apache2 -f "$conf" -DFOREGROUND)
        [ "$(id -u)" != 0 ] || PROXY_CMD+=(-DALPNCHECK_AS_ROOT) ;;
    *) echo "proxy_setup: unknown proxy $kind" >&2 && return 1 ;;
    esac
}

# start_proxy KIND PORT [UPSTREAM_PORT]: that proxy (proxy_setup) in the background, its log in $PEER_DIR/KIND-PORT.log.
start_proxy() {
    proxy_setup "$@" || return 1
    "${PROXY_CMD[@]}" >"$PEER_DIR/$1-$2.log" 2>&1 </dev/null &
    PEER_PIDS+=($!)
}

# ---- QUIC peers (issue 16): servers on UDP 127.0.0.1:PORT with the QUIC certificate below, ALPN h3 and, where the
# program allows, a second name. The client side is harness/peers/quic-client.sh.
PEERS_SRC=$(dirname "$PEERS_CONF")

# A port number free on 127.0.0.1 for UDP and TCP alike (Caddy serves HTTP/3 and HTTPS on one number).
free_udp_port() { any_free_udp_port; }
any_free_udp_port() {
    "$PEER_PY" -c 'import socket
for _ in range(50):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    try:
        socket.socket().bind(("127.0.0.1", u.getsockname()[1]))
    except OSError:
        continue
    print(u.getsockname()[1])
    break
else:
    raise SystemExit("no port free for UDP and TCP")'
}

# wait_udp PORT [PID]: until a UDP socket is bound to 127.0.0.1:PORT or to any address (the kernel's table: a QUIC
# server answers nothing but a valid Initial, so there is no cheap probe), at most 10 s. With PID the socket must be
# that process's own (another program may have taken the port since free_udp_port), and its exit ends the wait.
wait_udp() {
    local want inode
    want=$(printf '0100007F:%04X 00000000:%04X' "$1" "$1")
    for _ in $(seq 1 100); do
        for inode in $(awk -v want="$want" 'FNR > 1 && index(want, $2) { print $10 }' /proc/net/udp); do
            [ -z "${2:-}" ] && return 0
            find "/proc/$2/fd" -lname "socket:\[$inode\]" 2>/dev/null | grep -q . && return 0
        done
        [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && return 1
        sleep 0.1
    done
    return 1
}

# A throw-away P-256 certificate for localhost and 127.0.0.1 in $PEER_DIR (quic-cert.pem, quic-key.pem) that is its
# own CA file for the QUIC clients: Go's crypto/tls reads the name only from subjectAltName, and rustls (webpki)
# refuses a CA certificate as the end entity; peers_make_cert's is both CN-only and a CA.
peers_make_quic_cert() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -addext basicConstraints=critical,CA:FALSE \
        -keyout "$PEER_DIR/quic-key.pem" -out "$PEER_DIR/quic-cert.pem" 2>/dev/null
}

# quic_go_build DIR: our quic-go 0.29 server and client (harness/peers/quic-go) as DIR/quic-go-server and
# DIR/quic-go-client, built offline from Debian's Go packages when missing or older than their source. The lock keeps
# two builds into one DIR (the tests run in parallel) apart.
quic_go_build() {
    mkdir -p "$1" || return 1
    (
        flock 9
        for prog in server client; do
            [ "$1/quic-go-$prog" -nt "$PEERS_SRC/quic-go/$prog.go" ] && continue
            env GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local GOCACHE="$1/go-cache" \
                /usr/bin/go build -o "$1/quic-go-$prog" "$PEERS_SRC/quic-go/$prog.go" || exit 1
        done
    ) 9>"$1/.quic-go.lock"
}

# quinn_build DIR: our quinn 0.9 peer (harness/peers/quinn) as DIR/quinn-peer, built offline by Debian's cargo from
# Debian's crates (harness/peers/cargo-offline.sh) when missing or older than its source.
quinn_build() {
    local src=$PEERS_SRC/quinn
    mkdir -p "$1" || return 1
    (
        flock 9
        [ "$1/quinn-peer" -nt "$src/src/main.rs" ] && [ "$1/quinn-peer" -nt "$src/Cargo.toml" ] && exit 0
        "$PEERS_SRC/cargo-offline.sh" "$src" "$1" quinn && cp "$1/quinn-target/debug/quinn-peer" "$1/quinn-peer"
    ) 9>"$1/.quinn.lock"
}

# quic_server_setup KIND PORT [ARG]: QUIC_CMD, the command that runs QUIC server KIND in the foreground on UDP
# 127.0.0.1:PORT, once its private files are in place (the matrix spawns it, start_quic runs it for the tests):
#   caddy-h3  Caddy 2.6 with HTTP/3 (caddy_setup with conf/Caddyfile-h3.in: h1 and h2 on TCP, h3 on UDP, one port
#             number); ARG fills `tls` (default internal, its CA then in caddy_ca PORT, written at start-up). Over QUIC
#             it offers h3 alone: quic-go's http3 sets the list itself (h3 on QUIC v1, h3-29 on draft-29).
#   ngtcp2    ngtcp2 0.12's example HTTP/3 server gtlsserver (GnuTLS) serving $PEER_DIR/ngtcp2-PORT. Its ALPN is
#             built in: h3 alone, mandatory. -q, since it otherwise logs every packet.
#   quic-go, quinn  our servers, built on first use into $QUIC_PEERS_BIN (default $PEER_DIR/quic-bin; the build's
#             output in $PEER_DIR/KIND-build.log), offering ARG: comma-separated, most preferred first (h3,hq-interop),
#             empty for none.
# All but Caddy's internal CA serve peers_make_quic_cert's certificate.
quic_server_setup() {
    local kind=$1 port=$2 arg=${3:-} bin=${QUIC_PEERS_BIN:-$PEER_DIR/quic-bin} cert=$PEER_DIR/quic-cert.pem
    local key=$PEER_DIR/quic-key.pem docs=$PEER_DIR/ngtcp2-$2
    case $kind in
    caddy-h3) caddy_setup "$port" Caddyfile-h3.in "$arg" && QUIC_CMD=("${CADDY_CMD[@]}") ;;
    ngtcp2)
        mkdir -p "$docs" && echo "hello from ngtcp2" >"$docs/index.html" &&
            QUIC_CMD=(gtlsserver -q -d "$docs" 127.0.0.1 "$port" "$key" "$cert") ;;
    quic-go)
        quic_go_build "$bin" >>"$PEER_DIR/quic-go-build.log" 2>&1 &&
            QUIC_CMD=("$bin/quic-go-server" "$port" "$cert" "$key" "$arg") ;;
    quinn)
        quinn_build "$bin" >>"$PEER_DIR/quinn-build.log" 2>&1 &&
            QUIC_CMD=("$bin/quinn-peer" server "$port" "$cert" "$key" "$arg") ;;
    *) echo "quic_server_setup: unknown QUIC server $kind" >&2 && return 1 ;;
    esac
}

# start_quic KIND PORT [ARG]: that server in the background, its log in $PEER_DIR/KIND-PORT.log; wait_udp PORT waits
# for it.
start_quic() {
    quic_server_setup "$@" || return 1
    "${QUIC_CMD[@]}" >"$PEER_DIR/$1-$2.log" 2>&1 </dev/null &
    PEER_PIDS+=($!)
}
caddy_ca() { echo "$PEER_DIR/caddy-$1/data/pki/authorities/local/root.crt"; }

peers_stop() {
    for p in "${PEER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
}

# debian_nodejs_version DIR: the version of Debian's package nodejs in the archive, asked of apt once per DIR (kept in
# DIR/nodejs-version, beside the node it names; a matrix run names it twice: to unpack it, and in the report).
# debian_node DIR: prints a node program from Debian's package nodejs (Debian 12: Node.js 18). That is /usr/bin/node
# when the installed nodejs is Debian's; a machine may carry another vendor's newer nodejs there (NodeSource's),
# which apt will not replace by Debian's older one, so Debian's nodejs and libnode are then unpacked into DIR (never
# installed: nothing of the system changes) and DIR/node runs them. Their JavaScript dependencies (node-acorn,
# node-cjs-module-lexer, node-undici) are Debian packages of their own, installed as usual.
debian_nodejs_version() {
    if [ ! -s "$1/nodejs-version" ]; then
        mkdir -p "$1" &&
            apt-cache madison nodejs 2>/dev/null | awk -F'|' '$3 ~ /debian/ {gsub(/ /, "", $2); print $2; exit}' \
                >"$1/nodejs-version"
    fi
    cat "$1/nodejs-version" 2>/dev/null
}
debian_node() {
    local dir=$1 version
    case $(dpkg-query -W -f='${Version}' nodejs 2>/dev/null) in
    *nodesource* | "") ;;
    *) echo /usr/bin/node && return 0 ;;
    esac
    [ -x "$dir/node" ] && echo "$dir/node" && return 0
    version=$(debian_nodejs_version "$dir")
    [ -n "$version" ] || return 1
    mkdir -p "$dir/debs" && (cd "$dir/debs" && apt-get download -q "nodejs=$version" "libnode108=$version") \
        >"$dir/download.log" 2>&1 || return 1
    for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root" || return 1; done
    printf '#!/bin/sh\nLD_LIBRARY_PATH=%s exec %s "$@"\n' "$dir/root/usr/lib/x86_64-linux-gnu" \
        "$dir/root/usr/bin/node" >"$dir/node" && chmod +x "$dir/node" && echo "$dir/node"
}
