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

# caddy_setup PORT: Caddy's private directory $PEER_DIR/caddy-PORT (HOME, XDG data and config, its storage with the
# internal CA) and its Caddyfile (harness/peers/conf/Caddyfile.in: https://localhost on 127.0.0.1:PORT only, tls
# internal, h1 and h2); sets CADDY_CMD to the command that runs it in the foreground. Never the package's service.
PEERS_CONF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers/conf
caddy_setup() {
    local port=$1 dir=$PEER_DIR/caddy-$1 http_port
    http_port=$(free_port) || return 1
    mkdir -p "$dir/home" "$dir/xdg-data" "$dir/xdg-config" || return 1
    sed -e "s|@PORT@|$port|g" -e "s|@HTTP_PORT@|$http_port|g" -e "s|@DIR@|$dir|g" "$PEERS_CONF/Caddyfile.in" \
        >"$dir/Caddyfile" || return 1
    CADDY_CMD=(env "HOME=$dir/home" "XDG_DATA_HOME=$dir/xdg-data" "XDG_CONFIG_HOME=$dir/xdg-config"
        caddy run --config "$dir/Caddyfile" --adapter caddyfile)
}

# start_caddy PORT: Caddy (caddy_setup) in the background, its log in $PEER_DIR/caddy-PORT.log.
start_caddy() {
    caddy_setup "$1" || return 1
    "${CADDY_CMD[@]}" >"$PEER_DIR/caddy-$1.log" 2>&1 </dev/null &
    PEER_PIDS+=($!)
}

# start_proxy KIND PORT [UPSTREAM_PORT]: an HTTP CONNECT proxy (squid, tinyproxy, privoxy, or apache-proxy: Apache
# httpd's mod_proxy_connect; tinyproxy-upstream and
# privoxy-upstream forward every CONNECT to the upstream proxy 127.0.0.1:UPSTREAM_PORT) on 127.0.0.1:PORT in the
# foreground of a background job, from harness/peers/conf/KIND.conf.in filled into $PEER_DIR, its log in $PEER_DIR/KIND-PORT.log.
# Never the package's service, never its /etc configuration.
start_proxy() {
    local kind=$1 port=$2 conf=$PEER_DIR/$1-$2.conf
    sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$PEER_DIR|g" -e "s|@UPSTREAM@|${3:-}|g" "$PEERS_CONF/$kind.conf.in" \
        >"$conf" || return 1
    case $kind in
    squid) squid -N -d 1 -f "$conf" ;;
    tinyproxy | tinyproxy-upstream) tinyproxy -d -c "$conf" ;;
    privoxy | privoxy-upstream) privoxy --no-daemon "$conf" ;;
    apache-proxy | apache-proxy-upstream) apache2 -f "$conf" -DFOREGROUND $([ "$(id -u)" = 0 ] && echo -DALPNCHECK_AS_ROOT) ;;
    *) return 1 ;;
    esac >"$PEER_DIR/$kind-$port.log" 2>&1 </dev/null &
    PEER_PIDS+=($!)
}

peers_stop() {
    for p in "${PEER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
}
