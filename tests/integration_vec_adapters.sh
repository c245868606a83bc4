#!/bin/sh
# The script adapters of harness/adapters/ (dnspython, BIND 9, ldns over svcb_alpn.json; curl over altsvc.json) on a
# small subset of the real vector files, through `alpncheck vectors --exec`: each must agree with the RFC on the
# subset's plain cases and show exactly its known differences (reports/vectors/<adapter>.md), so a broken adapter,
# a changed implementation or a broken runner fails. Usage: integration_vec_adapters.sh ALPNCHECK SRCDIR
set -u
alpncheck=$1
src=$2
py=/usr/bin/python3
check="$py $src/tests/vec_adapters_check.py"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vec_adapters.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/svcb" "$tmp/altsvc"

# SVCB: RFC 9460 Figure 10 (1), registered names, id lengths 1/255, empty and comma-only values, wire values cut
# short; and the cases where one of the three differs: list-level backslash (29), raw 0x00 unquoted (44), raw LF
# inside quotes (85), raw ';' (250), wire 0x00 and 0x28 printed (723, 763), empty wire value (979), \, (26).
svcb="3 14 15 18 4 8 10 714 717 715 716 44 723 979 29 85 250 1 26 763"
# Alt-Svc: RFC 7838 examples (1, 2, 5, 6), clear (7), invalid clear (11), a missing '=' (26); the differences of
# curl: an alternative then clear (12), an IPv6 literal (941), no port (950); ma=-1 ignored (1061, lenient).
altsvc="1 2 5 6 7 11 26 12 941 950 1061"
# shellcheck disable=SC2086
$check subset "$src/vectors" "$tmp/svcb" svcb_alpn.json $svcb || exit 1
# shellcheck disable=SC2086
$check subset "$src/vectors" "$tmp/altsvc" altsvc.json $altsvc || exit 1

fail=0
# run NAME DIR FAMILY PASSED FAILED LENIENT FILE
run() {
    ALPNCHECK_VECTORS_DIR=$tmp/$2 timeout 120 "$alpncheck" vectors --quiet \
        --exec "$src/harness/adapters/alpn-adapter-$1.py" --json "$tmp/$1.json" >"$tmp/$1.out" 2>"$tmp/$1.err"
    st=$?
    if [ $st -gt 1 ]; then
        echo "FAIL $1: alpncheck vectors exited $st" >&2
        tail -n 5 "$tmp/$1.err" >&2
        fail=1
        return
    fi
    $check expect "$tmp/$1.json" "$tmp/$2/$7.ids" "$3" "$4" "$5" "$6" || fail=1
}
run dnspython svcb svcb 14 29,44,85,250,723,979 - svcb_alpn.json
run bind9 svcb svcb 17 29,85,250 - svcb_alpn.json
run ldns svcb svcb 13 1,26,29,44,85,250,763 - svcb_alpn.json
run curl altsvc altsvc 7 12,941,950 1061 altsvc.json
# The handshake's altsvc=IDs must list at least one ID, each non-empty hex: anything else is an adapter error (2).
for fams in altsvc= altsvc=zz altsvc=6832: svcb,altsvc=:6832; do
    ALPNCHECK_VECTORS_DIR=$tmp/altsvc timeout 30 "$alpncheck" vectors --quiet \
        --exec "echo alpncheck-adapter 1 bad $fams; cat >/dev/null" >/dev/null 2>"$tmp/hs.err"
    st=$?
    if [ $st -ne 2 ] || ! grep -q "unknown family '${fams#svcb,}'" "$tmp/hs.err"; then
        echo "FAIL handshake '$fams': exit $st, $(cat "$tmp/hs.err")" >&2
        fail=1
    fi
done
exit $fail
