#!/bin/bash
# Integration test of `alpncheck server` against real Caddy 2.6 (Debian package caddy) on loopback (issue 14): an
# HTTPS site with `tls internal` and protocols h1 h2 on a free port of 127.0.0.1, everything Caddy writes (its
# internal CA included) under a temporary directory; always stopped. Caddy does ACME TLS-ALPN-01 (RFC 8737): a hello
# offering acme-tls/1 anywhere in its list gets alert 80, so discovery must never offer it.
#   usage: integration_caddy.sh ALPNCHECK SOURCE_DIR
set -u
# shellcheck source=itest.sh
. "$2/tests/itest.sh"
itest_start caddy "$@"
itest_peers

if ! command -v caddy >/dev/null; then
    fail "integration_caddy: caddy is not installed (Debian package caddy; make check installs it)"
    itest_end integration_caddy
    exit 1
fi

port=$(free_port)
start_caddy "$port" || fail "cannot set up Caddy's directory and Caddyfile"
caddy_pid=${PEER_PIDS[-1]}
log=$work/caddy-$port.log
if ! wait_port "$port"; then
    fail "Caddy did not start on 127.0.0.1:$port: $(tail -n 5 "$log")"
    itest_end integration_caddy
    exit 1
fi

# Caddy listens on 127.0.0.1:PORT and nowhere else (no :80, no :443, no admin endpoint): its own listening sockets,
# from /proc (its socket inodes matched against the kernel's TCP and UDP tables).
listening=$("$PY" - "$caddy_pid" <<'PY'
import os, sys
pid = sys.argv[1]
inodes = set()
for fd in os.listdir(f"/proc/{pid}/fd"):
    try:
        target = os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        continue
    if target.startswith("socket:["):
        inodes.add(target[8:-1])
found = []
for table in ("tcp", "tcp6", "udp", "udp6"):
    with open(f"/proc/{pid}/net/{table}") as f:
        next(f)
        for line in f:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if inode not in inodes or (table.startswith("tcp") and state != "0A"):
                continue
            addr, port = local.split(":")
            if len(addr) == 8:
                addr = ".".join(str(int(addr[i:i + 2], 16)) for i in (6, 4, 2, 0))
            found.append(f"{table} {addr}:{int(port, 16)}")
print(" ".join(sorted(found)))
PY
)
expect "Caddy listens on 127.0.0.1:$port only (got: $listening)" test "$listening" = "tcp 127.0.0.1:$port"
expect "Caddy's internal CA is in the private directory" test -s "$work/caddy-$port/data/pki/authorities/local/root.crt"

# --- discovery and the whole catalogue, without --alpn -------------------------------------------------------------
"$ALPNCHECK" server "127.0.0.1:$port" --sni localhost -q --json "$work/c.json" >"$work/c.out" 2>&1
rc=$?
expect "caddy: exit 0 (got $rc): $(tail -n 3 "$work/c.out")" test "$rc" -eq 0
expect "caddy: JSON report validates against the schema" validate "$work/c.json"
profile=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["profile"])' "$work/c.json")
expect "caddy: h2 then http/1.1 discovered from one offer of the registry (profile: $profile)" \
    test "$profile" = "h2, http/1.1 (discovered over TLS 1.3 in 3 connections, in the order the server picked them)"
expect "caddy: alpncheck never offered acme-tls/1 (no TLS-ALPN-01 attempt in Caddy's log)" \
    test "$(grep -c 'tls-alpn challenge' "$log")" -eq 0
# Caddy's own verdicts beside the catalogue's SKIPs: a WARN on every malformed list (Go refuses them with alert 10,
# below), and SKIPs for every 0-RTT check over TLS 1.3 (no 0-RTT at all) and for TLS 1.1 and 1.0 (refused);
# everything else passes.
n_srv=$(catalogue results server)
gaps=$(catalogue gaps server)
n_malformed=$(catalogue checks server SRV-MALFORMED-)
n_0rtt=$(catalogue checks server SRV-0RTT-)
warn=$((2 * n_malformed))
skip=$((gaps + n_0rtt + 2))
pass=$((n_srv - warn - skip))
expect "the catalogue lists server checks ($n_srv results, $n_malformed malformed lists)" \
    test "${n_srv:-0}" -gt 0 -a "${n_malformed:-0}" -gt 0
expect "caddy: summary line" grep -qx "$pass passed, 0 failed, $skip skipped" "$work/c.out"

# The verdicts by kind: PASS/WARN/SKIP only, and exactly which check is WARN or SKIP (and why).
counts=$("$PY" -c 'import json, sys, collections
r = json.load(open(sys.argv[1]))
c = collections.Counter(x["verdict"] for x in r["results"])
print(" ".join(f"{k}={c[k]}" for k in sorted(c)))' "$work/c.json")
expect "caddy: $pass PASS, $warn WARN, $skip SKIP, no FAIL or ERROR (got $counts)" \
    test "$counts" = "PASS=$pass SKIP=$skip WARN=$warn"
for v in 1.3 1.2; do
    # Go's crypto/tls refuses a malformed ALPN list with unexpected_message (10), not decode_error (RFC 7301 §3.1).
    for id in EMPTY-EXT ONE-BYTE EMPTY-LIST EMPTY-NAME EMPTY-NAME-LATER LIST-SHORT LIST-LONG NAME-OVERRUN NAME-SHORT \
        TRAILING-AFTER-MATCH; do
        expect "caddy: SRV-MALFORMED-$id is WARN, TLS $v" test "$(verdict "$work/c.json" "SRV-MALFORMED-$id" $v)" = WARN
    done
    expect "caddy: malformed lists refused with alert 10, TLS $v" test "$("$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(sum(x["observed"] == "fatal alert 10 (unexpected_message)" for x in r["results"]
          if x["id"].startswith("SRV-MALFORMED-") and x["tls"] == sys.argv[2]))' "$work/c.json" $v)" -eq "$n_malformed"
    for id in SRV-SELECT-OFFERED SRV-NO-OVERLAP-ALERT SRV-SERVER-PREFERENCE SRV-RESUME-FRESH SRV-PROTOCOL-DEFINITIVE \
        SRV-NO-H2C SRV-GREASE-IGNORED; do
        expect "caddy: $id passes, TLS $v" test "$(verdict "$work/c.json" $id $v)" = PASS
    done
done
expect "caddy: a changed ALPN list after a HelloRetryRequest refused" \
    test "$(verdict "$work/c.json" SRV-HRR-ALPN-CHANGED 1.3)" = PASS
for id in SRV-0RTT-ALPN SRV-0RTT-TICKET-FRESH SRV-0RTT-ALPN-ADDED SRV-0RTT-ALPN-OMITTED; do
    expect "caddy: no 0-RTT at all: $id SKIP" test "$(verdict "$work/c.json" $id 1.3)" = SKIP
done
expect "caddy: the four 0-RTT checks ($n_0rtt)" test "$n_0rtt" -eq 4
for v in 1.1 1.0; do
    expect "caddy: TLS $v refused (alert 70), SRV-H2-MIN-TLS12 SKIP" \
        test "$(verdict "$work/c.json" SRV-H2-MIN-TLS12 $v)" = SKIP
done

# --- why acme-tls/1 is never offered: Caddy answers any offer holding it as a TLS-ALPN-01 validation ---------------
# (--alpn's first handshake offers exactly h2 and acme-tls/1; Caddy's refusal stops the run there, exit 2.)
"$ALPNCHECK" server "127.0.0.1:$port" --sni localhost --alpn h2,acme-tls/1 --tls 1.3 --only SRV-SELECT-SINGLE \
    --json "$work/a.json" -v >"$work/a.out" 2>&1
rc=$?
expect "caddy: an offer of h2 and acme-tls/1 fails with alert 80, and the run stops (exit $rc)" \
    grep -q 'the server gave alert 80 internal_error' "$work/a.out"
expect "caddy: --alpn that the server refuses is exit 2 (got $rc)" test "$rc" -eq 2
expect "caddy: and Caddy logged a TLS-ALPN-01 attempt" test "$(grep -c 'tls-alpn challenge' "$log")" -ge 1

itest_end integration_caddy
