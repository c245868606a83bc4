#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for alpncheck's fuzz targets (harness/fuzz/).
#
# Uses only what OSS-Fuzz provides: $CC/$CXX, $CFLAGS/$CXXFLAGS (sanitizer and coverage flags), $LIB_FUZZING_ENGINE
# (a flag such as -fsanitize=fuzzer, or the path of an engine library), $SRC, $WORK and $OUT. Leaves in $OUT, for every
# target: the binary, <target>_seed_corpus.zip (corpus/<target>.in and .repro), <target>.dict and <target>.options.
# The deliberately crashing fuzz_negative is never shipped: OSS-Fuzz would report it as a bug at once.
# Locally: tests/fuzz_ossfuzz_build.sh (make fuzz-ossfuzz) runs it with that environment.

src=${ALPNCHECK_SRC:-$SRC/alpncheck}
build=$WORK/alpncheck-build
jobs=${ALPNCHECK_JOBS:-$(nproc)}

# CMake takes CFLAGS/CXXFLAGS from the environment; no build type, so that OSS-Fuzz's -O level is the one in force.
cmake -S "$src" -B "$build" \
    -DCMAKE_C_COMPILER="$CC" \
    -DCMAKE_BUILD_TYPE= \
    -DALPN_FUZZ_ENGINE=ossfuzz \
    -DALPN_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
    -DALPN_TESTS=OFF \
    -DALPN_SANITIZE=OFF
cmake --build "$build" --target fuzz-targets -j"$jobs"

while read -r target; do
    cp "$build/harness/fuzz/$target" "$OUT/"
    rm -f "$OUT/${target}_seed_corpus.zip"
    # -j: flat, the files keep their SHA-256 names; -X: no extra attributes, so the zip depends on the bytes only.
    (cd "$src/corpus" && find "$target.in" "$target.repro" -type f 2>/dev/null | sort |
        zip -q -j -X "$OUT/${target}_seed_corpus.zip" -@)
    cp "$src/corpus/$target.dict" "$OUT/$target.dict"
    cp "$src/corpus/$target.options" "$OUT/$target.options"
done <"$build/harness/fuzz/targets.txt"
