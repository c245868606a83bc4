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

peers_stop() {
    for p in "${PEER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
}
