#!/bin/bash
# What `make deb` built (tools/make-deb), checked from outside: each .deb unpacked with dpkg -x into a scratch
# directory; the extracted alpncheck runs (--version prints the package's version, exit 0; it finds its vectors); the
# packages hold what they should (man page; libalpn.so.MAJOR with its SONAME; alpn.h, libalpn.a and libalpn.pc with
# prefix /usr); and a program builds and runs against the extracted libalpn-dev through its libalpn.pc.
#   usage: deb_check.sh DEB_DIR SOURCE_DIR
set -u
DEB=$1
SRC=$2
scratch=$DEB/extract
rm -rf "$scratch"
mkdir -p "$scratch"
# shellcheck source=itest.sh
. "$SRC/tests/itest.sh"

version=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)
for pkg in alpncheck libalpn0 libalpn-dev; do
    deb=$(ls "$DEB/${pkg}_${version}_"*.deb 2>/dev/null | head -n 1)
    if [ -z "$deb" ]; then
        fail "no ${pkg}_${version}_*.deb in $DEB"
        continue
    fi
    ok
    dpkg -x "$deb" "$scratch"
done

bin=$scratch/usr/bin/alpncheck
out=$("$bin" --version 2>&1)
rc=$?
expect "extracted alpncheck --version exits 0 (got $rc: $out)" test "$rc" -eq 0
expect "extracted alpncheck --version prints 'alpncheck $version' (the changelog's version): '$out'" \
    test "$out" = "alpncheck $version"
expect "extracted alpncheck -V prints the same" test "$("$bin" -V 2>&1)" = "$out"
env -u ALPNCHECK_VECTORS_DIR "$bin" vectors --quiet >"$scratch/vectors.out" 2>&1
rc=$?
expect "extracted alpncheck runs the packaged vectors (exit $rc: $(tail -n 1 "$scratch/vectors.out"))" test "$rc" -eq 0
expect "the packaged vectors are the default: $("$bin" vectors --help | grep -o 'else [^ ]*')" \
    grep -qF "else $(realpath "$scratch")/usr/share/alpncheck/vectors." <("$bin" vectors --help)
expect "man page packaged (gzipped)" test -f "$scratch/usr/share/man/man1/alpncheck.1.gz"

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
libdir=$scratch/usr/lib/$multiarch
so=$(ls "$libdir"/libalpn.so.*.*.* 2>/dev/null | head -n 1)
expect "libalpn0: libalpn.so.X.Y.Z in /usr/lib/$multiarch" test -n "$so"
soname=$(readelf -d "$so" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
expect "libalpn0: SONAME $soname is libalpn.so.${version%%.*}" test "$soname" = "libalpn.so.${version%%.*}"
expect "libalpn0: $soname -> $(basename "$so")" test "$(readlink "$libdir/$soname")" = "$(basename "$so")"
expect "libalpn-dev: alpn.h" test -f "$scratch/usr/include/alpn.h"
expect "libalpn-dev: libalpn.a" test -f "$libdir/libalpn.a"
pc=$libdir/pkgconfig/libalpn.pc
expect "libalpn-dev: libalpn.pc with prefix=/usr ($(head -n 1 "$pc" 2>/dev/null))" test "$(head -n 1 "$pc")" = "prefix=/usr"

# A consumer through the packaged libalpn.pc, with the scratch directory as the sysroot.
export PKG_CONFIG_SYSROOT_DIR=$scratch PKG_CONFIG_LIBDIR=$libdir/pkgconfig PKG_CONFIG_PATH=
{ cat "$SRC/tests/install/consumer.expected"; echo "version: $version"; } >"$scratch/expected"
# shellcheck disable=SC2046
if cc -std=c11 -Wall -Wextra -Werror -o "$scratch/consumer" "$SRC/tests/install/consumer.c" \
    $(pkg-config --cflags --libs libalpn) 2>"$scratch/cc.log"; then
    LD_LIBRARY_PATH=$libdir "$scratch/consumer" >"$scratch/consumer.out" 2>&1
    expect "consumer against the packages: $(diff "$scratch/expected" "$scratch/consumer.out" | tr '\n' ' ')" \
        cmp -s "$scratch/expected" "$scratch/consumer.out"
else
    fail "consumer does not build against the packages: $(cat "$scratch/cc.log")"
fi

itest_end deb_check
