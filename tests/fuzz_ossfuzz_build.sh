#!/bin/sh
# Runs .clusterfuzzlite/build.sh (which runs oss-fuzz/build.sh) the way OSS-Fuzz does: a copy of the source in
# $SRC/alpncheck, the working directory there, and OSS-Fuzz's environment for a libFuzzer + ASan build. Then checks
# that $OUT holds, for every fuzz target of harness/fuzz/CMakeLists.txt except the negative one, the binary (which
# must run its seed corpus cleanly), <target>_seed_corpus.zip with every seed, <target>.dict and <target>.options.
# Prints one line per check and "N passed, N failed"; exits 1 on any failure. KEEP=1 keeps the temporary directory.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/fuzz-ossfuzz.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() {
    passed=$((passed + 1))
    echo "  ok    $*"
}
bad() {
    failed=$((failed + 1))
    echo "  FAIL  $*"
}

mkdir -p "$tmp/src/alpncheck" "$tmp/out" "$tmp/work"
# The working tree as it is (committed or not), without build trees.
(cd "$root" && tar --exclude=./build --exclude=./.git -cf - .) | (cd "$tmp/src/alpncheck" && tar -xf -)

log=$tmp/build.log
# OSS-Fuzz's flags for an ASan + libFuzzer build.
flags="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope"
flags="$flags -fsanitize=fuzzer-no-link"
if (cd "$tmp/src/alpncheck" && env CC=clang CXX=clang++ CFLAGS="$flags" CXXFLAGS="$flags" \
    LIB_FUZZING_ENGINE=-fsanitize=fuzzer SANITIZER=address FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64 \
    SRC="$tmp/src" OUT="$tmp/out" WORK="$tmp/work" ALPNCHECK_JOBS="${FUZZ_JOBS:-1}" \
    ./.clusterfuzzlite/build.sh) >"$log" 2>&1; then
    ok "build.sh exits 0"
else
    bad "build.sh failed:"
    tail -n 40 "$log" | sed 's/^/        /'
    echo "$passed passed, $failed failed"
    exit 1
fi

targets=$(cat "$tmp/work/alpncheck-build/harness/fuzz/targets.txt")
negative=$(cat "$tmp/work/alpncheck-build/harness/fuzz/negative.txt")
if [ -n "$targets" ]; then ok "targets: $(echo "$targets" | tr '\n' ' ')"; else bad "no targets listed"; fi
if [ -e "$tmp/out/$negative" ]; then
    bad "$negative was shipped to \$OUT (OSS-Fuzz would report its deliberate crash)"
else
    ok "$negative not shipped"
fi

for t in $targets; do
    bin=$tmp/out/$t
    if [ -x "$bin" ]; then ok "$t: binary"; else bad "$t: no executable $bin"; continue; fi
    # Linked with libFuzzer (the engine) and ASan (from CFLAGS).
    if "$bin" -help=1 2>&1 | grep -q 'Usage:' && nm "$bin" 2>/dev/null | grep -q '__asan_init'; then
        ok "$t: libFuzzer + ASan"
    else
        bad "$t: not a libFuzzer + ASan binary"
    fi
    zip=$tmp/out/${t}_seed_corpus.zip
    want=$(find "$root/corpus/$t.in" "$root/corpus/$t.repro" -type f 2>/dev/null | wc -l)
    have=$(unzip -Z1 "$zip" 2>/dev/null | wc -l)
    if [ -f "$zip" ] && [ "$have" -eq "$want" ] && [ "$want" -gt 0 ]; then
        ok "$t: seed zip with all $want seeds"
    else
        bad "$t: seed zip holds $have entries, corpus has $want"
    fi
    for ext in dict options; do
        if cmp -s "$tmp/out/$t.$ext" "$root/corpus/$t.$ext"; then ok "$t: .$ext"; else bad "$t: .$ext missing"; fi
    done
    # The seeds run clean through the built binary (as OSS-Fuzz's check_build does before fuzzing).
    seeds=$tmp/seeds/$t
    mkdir -p "$seeds"
    unzip -q -o "$zip" -d "$seeds" 2>/dev/null
    if "$bin" -runs=0 "$seeds" >"$tmp/$t.run.log" 2>&1; then
        ok "$t: seed corpus runs clean"
    else
        bad "$t: seed corpus run failed:"
        grep -E 'ERROR|SUMMARY' "$tmp/$t.run.log" | head -n 5 | sed 's/^/        /'
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
