#!/bin/sh
# make demo: runs alpncheck on embedded samples and explains each verdict. Later harness stages (server and
# client checks against real peers on loopback) append their sections here.
set -u
ALPNCHECK=${1:-build/dev/harness/cli/alpncheck}
if [ ! -x "$ALPNCHECK" ]; then
    echo "demo: $ALPNCHECK not found; run 'make demo' from the source tree" >&2
    exit 2
fi

if [ -t 1 ]; then bold=$(printf '\033[1m'); plain=$(printf '\033[0m'); else bold=""; plain=""; fi
section() { printf '\n%s== %s%s\n' "$bold" "$1" "$plain"; }
show() {
    printf '\n$ alpncheck %s\n' "$*"
    "$ALPNCHECK" "$@"
    printf '(exit %d)\n' $?
}

section "ALPN offers as real clients send them (ClientHello extension 16, extension_data)"
# curl and most browsers: h2, then http/1.1.
show decode 000c02683208687474702f312e31
# Chromium-style offer with a GREASE value first (RFC 8701), then h2 and http/1.1.
show decode 000f020a0a02683208687474702f312e31
# An RFC 9001 QUIC client: h3 only.
show decode 0003026833

section "Malformed offers a server must reject with decode_error (RFC 7301 §3.1)"
show decode 0000
show decode 000402683200
show decode 0005026832ff00
show decode 000e02683208687474702f312e31

section "Server answers a client must reject"
show decode --role server 0006026832026833
show decode --role server 000100

section "Encoding a client offer (extension_data and the RFC 7639 header form)"
show encode h2 http/1.1 acme-tls/1

section "HTTP ALPN header values (RFC 7639)"
show header 'h2, http%2F1.1'
show header 'http%2f1.1'
show header --lenient 'h2,,http%2f1.1'
show header 'http/1.1'

section "Known protocol IDs"
"$ALPNCHECK" registry --kind grease | tail -n 3
"$ALPNCHECK" registry | tail -n 1
