#!/bin/bash
# Installs the build into a temporary prefix (cmake --install --prefix) and uses it the way another project would:
# builds tests/install/consumer.c with `pkg-config --cflags --libs libalpn` against the shared library (run with
# LD_LIBRARY_PATH) and with `pkg-config --static` as a static program, and compares their output; checks the SONAME,
# the exported symbols, libalpn.pc, the installed alpncheck (version, its vectors) and the man page (man --warnings,
# else groff -ww, else only that it is installed). Then a DESTDIR install: everything under DESTDIR, libalpn.pc
# naming the configured prefix.
#   usage: install_check.sh BUILD_DIR SOURCE_DIR CC
set -u
BUILD=$1
SRC=$2
CC=$3
work=$(mktemp -d /tmp/alpncheck-install-XXXXXX)
trap 'rm -rf "$work"' EXIT
# shellcheck source=itest.sh
. "$SRC/tests/itest.sh"

prefix=$work/prefix
if ! cmake --install "$BUILD" --prefix "$prefix" >"$work/install.log" 2>&1; then
    cat "$work/install.log"
    echo "install_check: cmake --install $BUILD --prefix $prefix failed"
    exit 1
fi
export PKG_CONFIG_PATH=
pcfile=$(find "$prefix" -name libalpn.pc)
expect "libalpn.pc installed (under lib*/pkgconfig)" test -n "$pcfile"
export PKG_CONFIG_PATH=${pcfile%/libalpn.pc}
export PKG_CONFIG_LIBDIR=$PKG_CONFIG_PATH # only the temporary prefix, never a libalpn installed on the system

version=$("$prefix/bin/alpncheck" --version)
expect "installed alpncheck --version: 'alpncheck X.Y.Z' ($version)" \
    test "$(echo "$version" | grep -cE '^alpncheck [0-9]+\.[0-9]+\.[0-9]+$')" -eq 1
v=${version#alpncheck }
major=${v%%.*}
expect "pkg-config --modversion libalpn is $v ($(pkg-config --modversion libalpn))" \
    test "$(pkg-config --modversion libalpn)" = "$v"
expect "libalpn.pc prefix is the install prefix ($(pkg-config --variable=prefix libalpn))" \
    test "$(pkg-config --variable=prefix libalpn)" = "$prefix"
libdir=$(pkg-config --variable=libdir libalpn)
incdir=$(pkg-config --variable=includedir libalpn)
expect "libdir $libdir inside the prefix" test "${libdir#"$prefix"/}" != "$libdir"
expect "alpn.h in includedir $incdir" test -f "$incdir/alpn.h"
expect "libalpn.a installed" test -f "$libdir/libalpn.a"
expect "libalpn.so.$v installed" test -f "$libdir/libalpn.so.$v"
expect "libalpn.so.$major -> libalpn.so.$v" test "$(readlink "$libdir/libalpn.so.$major")" = "libalpn.so.$v"
expect "libalpn.so (link-time name) -> libalpn.so.$major" test "$(readlink "$libdir/libalpn.so")" = "libalpn.so.$major"
soname=$(readelf -d "$libdir/libalpn.so.$v" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
expect "SONAME of libalpn.so.$v is libalpn.so.$major ($soname)" test "$soname" = "libalpn.so.$major"
readelf -h "$libdir/libalpn.so.$v" | grep -q 'Type: *DYN' && ok || fail "libalpn.so.$v is not a shared object"
# Position-independent: no text relocations.
if readelf -d "$libdir/libalpn.so.$v" | grep -q TEXTREL; then fail "libalpn.so.$v has text relocations"; else ok; fi
nm -D --defined-only "$libdir/libalpn.so.$v" | awk '{print $3}' | sed 's/@.*//' | sort >"$work/exported"
expect "libalpn.so exports alpn_select" grep -qx -e alpn_select "$work/exported"
expect "libalpn.so exports alpn_header_parse" grep -qx -e alpn_header_parse "$work/exported"
expect "libalpn.so keeps the registry table private ($(grep -c registry_table "$work/exported"))" \
    test "$(grep -c registry_table "$work/exported")" -eq 0
expect "libalpn.so exports nothing outside alpn_* ($(grep -v '^alpn_\|^LIBALPN_' "$work/exported" | tr '\n' ' '))" \
    test -z "$(grep -v '^alpn_\|^LIBALPN_' "$work/exported")"

{ cat "$SRC/tests/install/consumer.expected"; echo "version: $v"; } >"$work/expected"

# runs_as_expected KIND COMMAND...: the consumer built as KIND, run by COMMAND, exits 0 and prints the expected output.
runs_as_expected() {
    local kind=$1 rc
    shift
    "$@" >"$work/out-$kind" 2>&1
    rc=$?
    expect "consumer ($kind) exits 0 (got $rc)" test "$rc" -eq 0
    expect "consumer ($kind) output: $(diff "$work/expected" "$work/out-$kind" | tr '\n' ' ')" \
        cmp -s "$work/expected" "$work/out-$kind"
}

# Shared: pkg-config's flags, NEEDED libalpn.so.MAJOR resolved in the prefix, the expected output.
# shellcheck disable=SC2046
if "$CC" -std=c11 -Wall -Wextra -Werror -o "$work/consumer-shared" "$SRC/tests/install/consumer.c" \
    $(pkg-config --cflags --libs libalpn) 2>"$work/cc-shared.log"; then
    ok
    expect "consumer (shared) needs libalpn.so.$major" \
        grep -q "NEEDED.*\[libalpn.so.$major\]" <(readelf -d "$work/consumer-shared")
    LD_LIBRARY_PATH=$libdir ldd "$work/consumer-shared" >"$work/ldd" 2>&1
    expect "consumer (shared) loads libalpn from the prefix: $(grep libalpn "$work/ldd")" \
        grep -q "libalpn.so.$major => $libdir/libalpn.so.$major" "$work/ldd"
    runs_as_expected shared env LD_LIBRARY_PATH="$libdir" "$work/consumer-shared"
else
    fail "consumer (shared) does not build: $(cat "$work/cc-shared.log")"
fi

# Static: pkg-config --static and -static, so libalpn.a is linked in and nothing is loaded at run time.
# shellcheck disable=SC2046
if "$CC" -std=c11 -Wall -Wextra -Werror -static -o "$work/consumer-static" "$SRC/tests/install/consumer.c" \
    $(pkg-config --static --cflags --libs libalpn) 2>"$work/cc-static.log"; then
    ok
    if readelf -d "$work/consumer-static" | grep -q NEEDED; then fail "consumer (static) needs shared libraries"; else ok; fi
    expect "consumer (static) holds alpn_select" grep -q ' alpn_select$' <(nm "$work/consumer-static")
    runs_as_expected static "$work/consumer-static"
else
    fail "consumer (static) does not build: $(cat "$work/cc-static.log")"
fi

# The installed alpncheck runs its installed vectors (not the source tree's).
"$prefix/bin/alpncheck" vectors --help >"$work/vhelp" 2>&1
expect "installed alpncheck vectors defaults to $prefix/share/alpncheck/vectors: $(grep -o 'else [^ ]*' "$work/vhelp")" \
    grep -qF "else $prefix/share/alpncheck/vectors." "$work/vhelp"
expect "installed vectors: FORMAT.md" test -f "$prefix/share/alpncheck/vectors/FORMAT.md"
env -u ALPNCHECK_VECTORS_DIR "$prefix/bin/alpncheck" vectors --quiet >"$work/vrun" 2>&1
rc=$?
expect "installed alpncheck vectors passes ($(tail -n 1 "$work/vrun"), exit $rc)" test "$rc" -eq 0

# The man page.
manpage=$prefix/share/man/man1/alpncheck.1
expect "man page installed in share/man/man1" test -f "$manpage"
if command -v man >/dev/null 2>&1; then
    MANWIDTH=100 man --warnings -E UTF-8 -l "$manpage" >"$work/man.txt" 2>"$work/man.err"
    expect "man --warnings -l: no warnings ($(head -c 400 "$work/man.err"))" test ! -s "$work/man.err"
    expect "man -l renders the server command" grep -q 'alpncheck server HOST:PORT' "$work/man.txt"
elif command -v groff >/dev/null 2>&1; then
    groff -man -ww -z -Tutf8 "$manpage" 2>"$work/man.err"
    expect "groff -ww: no warnings ($(head -c 400 "$work/man.err"))" test ! -s "$work/man.err"
else
    echo "install_check: neither man nor groff installed: only checked that the man page is installed"
fi

# DESTDIR: the same files under DESTDIR + the configured prefix, and libalpn.pc names the configured prefix.
configured=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
stage=$work/stage
if DESTDIR=$stage cmake --install "$BUILD" >"$work/destdir.log" 2>&1; then
    ok
    expect "DESTDIR: alpncheck in $stage$configured/bin" test -x "$stage$configured/bin/alpncheck"
    stagepc=$(find "$stage" -name libalpn.pc)
    expect "DESTDIR: libalpn.pc says prefix=$configured ($(head -n 1 "$stagepc"))" \
        test "$(head -n 1 "$stagepc")" = "prefix=$configured"
    n_outside=$(grep -c "^-- Installing: " "$work/destdir.log")
    n_inside=$(grep -c "^-- Installing: $stage/" "$work/destdir.log")
    expect "DESTDIR: every file under $stage ($n_inside of $n_outside)" test "$n_inside" -eq "$n_outside" -a "$n_inside" -gt 0
else
    fail "DESTDIR install failed: $(tail -n 5 "$work/destdir.log")"
fi

itest_end install_check
