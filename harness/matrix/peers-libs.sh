# The matrix's small peers on TLS libraries (issue 17) and the client programs behind harness/peers/client.sh that
# run.sh does not declare itself. Sourced by harness/matrix/run.sh after its own peers; uses its helpers (spawn,
# run_server, run_client, ALPN, PEER_DIR, OUT, LOGS, PEERS) and declares rows the same way.
#
# The peers of ours (harness/peers/{boringssl,wolfssl,mbedtls,rustls}, go/nethttp_client.go) are built here, before any row runs, by
# harness/peers/libpeers.mk into $OUT/libpeers, which outlives the run directory: a second run rebuilds nothing. That
# directory goes first in PATH, so that run_server and run_client find a peer that built as an installed command,
# and one whose build failed is a not-run row ("... is not installed", the compiler's words in its log).

LIBPEERS_OUT=$OUT/libpeers
LIBPEERS_LOG=$LOGS/libpeers-build.log
export PATH="$LIBPEERS_OUT:$PATH"

# libpeers_build: every peer of ours that is not current; a library whose build fails leaves its peers missing, the
# others are built all the same (make -k). Each failure's last lines go to $LIBPEERS_LOG.
libpeers_build() {
    mkdir -p "$LIBPEERS_OUT"
    echo "matrix: building the peers on TLS libraries into $LIBPEERS_OUT" >&2
    make -k -s -f "$PEERS/libpeers.mk" O="$LIBPEERS_OUT" all >"$LIBPEERS_LOG" 2>&1 ||
        echo "matrix: some peers on TLS libraries did not build (see $LIBPEERS_LOG)" >&2
}
libpeers_build

# start_libpeer LIB PORT LOG: our LIB server ($LIBPEERS_OUT/LIB-server PORT CERT KEY ALPN), or the build's log.
start_libpeer() {
    if [ ! -x "$LIBPEERS_OUT/$1-server" ]; then
        { echo "$1-server was not built:"; tail -n 5 "$LIBPEERS_LOG"; } >>"$3"
        return 1
    fi
    spawn "$3" "$LIBPEERS_OUT/$1-server" "$2" "$PEER_DIR/cert.pem" "$PEER_DIR/key.pem" "$ALPN"
}
start_boringssl() { start_libpeer boringssl "$@"; }
start_wolfssl() { start_libpeer wolfssl "$@"; }
start_mbedtls() { start_libpeer mbedtls "$@"; }
start_rustls() { start_libpeer rustls "$@"; }

# Versions: the Debian package of each library, as dpkg has it ("" when it is not installed).
lib_pkg() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }
v_boringssl=$(lib_pkg android-libboringssl)
v_wolfssl=$(lib_pkg libwolfssl35)
v_mbedtls=$(lib_pkg libmbedtls14)
v_rustls=$(lib_pkg librust-rustls-dev)
s_boringssl="BoringSSL (android ${v_boringssl%-*})"
s_wolfssl="wolfSSL ${v_wolfssl%%-*}"
s_mbedtls="Mbed TLS ${v_mbedtls%%-*}"
s_rustls="rustls ${v_rustls%%-*}"

run_server boringssl "$s_boringssl" "android-libboringssl $v_boringssl" \
    "harness/peers/boringssl/server.c (SSL_CTX_set_alpn_select_cb, server order h2,http/1.1)" start_boringssl \
    boringssl-server
run_server wolfssl "$s_wolfssl" "libwolfssl35 $v_wolfssl" \
    "harness/peers/wolfssl/server.c (wolfSSL_UseALPN h2,http/1.1, WOLFSSL_ALPN_FAILED_ON_MISMATCH)" start_wolfssl \
    wolfssl-server
run_server mbedtls "$s_mbedtls" "libmbedtls14 $v_mbedtls (TLS 1.2 only)" \
    "harness/peers/mbedtls/server.c (mbedtls_ssl_conf_alpn_protocols h2,http/1.1)" start_mbedtls mbedtls-server
run_server rustls "$s_rustls" "librust-rustls-dev $v_rustls, $(/usr/bin/rustc --version 2>/dev/null || true)" \
    "harness/peers/rustls/src/bin/server.rs (ServerConfig.alpn_protocols h2,http/1.1)" start_rustls rustls-server

run_client boringssl "$s_boringssl" "android-libboringssl $v_boringssl" boringssl-client
run_client wolfssl "$s_wolfssl" "libwolfssl35 $v_wolfssl" wolfssl-client
run_client mbedtls "$s_mbedtls" "libmbedtls14 $v_mbedtls (TLS 1.2 only)" mbedtls-client
run_client rustls "$s_rustls" "librust-rustls-dev $v_rustls" rustls-client

# Client programs on the stacks above, each with its own ALPN configuration (harness/peers/client.sh says what each
# offers). wget (1.21, GnuTLS), lynx, links2 and elinks send no ALPN extension at all: no rows.
v_wget2=$(first_line wget2 --version | awk '{print "Wget2 " $3}')
run_client wget2 "$GNUTLS_V" "$v_wget2" wget2
run_client h2load "$(linked_openssl /usr/bin/h2load)" "$(first_line h2load --version)" h2load
run_client python-httpx "$s_python" "httpx $(lib_pkg python3-httpx), h2 $(lib_pkg python3-h2), $v_python" python3
run_client go-net-http "Go crypto/tls ${v_go#go}" "$v_go net/http" go-net-http-client

# Bouncy Castle's TLS implementation (BCJSSE, Debian's libbctls-java) under the same Server.java and Client.java as
# the java rows: harness/peers/java/bcjsse.security puts its providers ahead of the JDK's. The classes run.sh compiled
# into $PEER_DIR/java are used when they are there.
BCJSSE_CP=/usr/share/java/bcprov.jar:/usr/share/java/bctls.jar:/usr/share/java/bcutil.jar
start_bcjsse() {
    local main=(-cp "$BCJSSE_CP" "$PEERS/java/Server.java")
    [ -f "$PEER_DIR/java/Server.class" ] && main=(-cp "$PEER_DIR/java:$BCJSSE_CP" Server)
    spawn "$2" java -Djava.security.properties="$PEERS/java/bcjsse.security" "${main[@]}" "$1" "$PEER_DIR/peer.p12" \
        alpncheck "$ALPN"
}
v_bctls=$(lib_pkg libbctls-java)
s_bcjsse="Bouncy Castle TLS ${v_bctls%%-*}"
run_server java-bcjsse "$s_bcjsse" "libbctls-java $v_bctls, ${v_java:-}" \
    "harness/peers/java/Server.java on BCJSSE (harness/peers/java/bcjsse.security; setApplicationProtocols h2,http/1.1)" \
    start_bcjsse /usr/share/java/bctls.jar
run_client java-bcjsse "$s_bcjsse" "libbctls-java $v_bctls, ${v_java:-}" /usr/share/java/bctls.jar
