#!/bin/bash
# make bench, part 4: executions per second of every fuzz target under libFuzzer, with ASan + UBSan (preset
# libfuzzer, as make fuzz runs them) and without sanitizers (preset libfuzzer-nosan), as Markdown.
#   usage: fuzz_rate.sh [SECONDS]   (default 10 per target and build; starts from a copy of the seeds)
set -euo pipefail
SECONDS_EACH=${1:-10}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/alpncheck-fuzzrate-XXXXXX)
trap 'rm -rf "$work"' EXIT

build() { # build PRESET DIR
    cmake --preset "$1" -B "$2" >"$work/$1-configure.log" 2>&1 || { cat "$work/$1-configure.log" >&2; exit 1; }
    cmake --build "$2" --target fuzz-targets -j2 >"$work/$1-build.log" 2>&1 || { cat "$work/$1-build.log" >&2; exit 1; }
}
# rate BINARY TARGET: exec/s over SECONDS_EACH seconds, one process, from a scratch copy of the seeds.
rate() {
    local dir=$work/corpus-$RANDOM
    mkdir -p "$dir"
    cp "$SRC/corpus/$2.in/"* "$dir/" 2>/dev/null || true
    "$1" -max_total_time="$SECONDS_EACH" -print_final_stats=1 "$dir" >"$work/run.log" 2>&1 ||
        { echo "fuzz_rate.sh: $2 stopped with a finding or an error:" >&2; tail -n 20 "$work/run.log" >&2; exit 1; }
    # libFuzzer's final statistics: "stat::number_of_executed_units: N" and "Done N runs in T second(s)".
    awk '/^Done [0-9]+ runs in [0-9]+ second/ { printf "%d", $2 / ($5 > 0 ? $5 : 1) }' "$work/run.log"
}

build libfuzzer "$SRC/build/libfuzzer"
build libfuzzer-nosan "$SRC/build/libfuzzer-nosan"
echo
echo "## Fuzzing: libFuzzer executions per second"
echo
echo "clang $(clang --version | sed -n 's/.*clang version \([0-9.]*\).*/\1/p' | head -n 1), one process per target," \
    "$SECONDS_EACH s each, starting from the seeds in corpus/ (a copy). The sanitized build is what \`make fuzz\`" \
    "and \`make fuzz-smoke\` run. The seeds hold long inputs (lists of up to 64 KiB, whole flights), which set" \
    "these rates; the rate on short inputs, where the targets are held to 100 k exec/s or more, is measured by" \
    "\`make fuzz-throughput\` (harness/fuzz/README.md)."
echo
echo "| target | ASan + UBSan exec/s | no sanitizers exec/s | ratio |"
echo "|---|---:|---:|---:|"
for t in $(cat "$SRC/build/libfuzzer/harness/fuzz/targets.txt"); do
    a=$(rate "$SRC/build/libfuzzer/harness/fuzz/$t" "$t")
    n=$(rate "$SRC/build/libfuzzer-nosan/harness/fuzz/$t" "$t")
    echo "| $t | $a | $n | $(awk -v a="$a" -v n="$n" 'BEGIN { printf "%.1f", (a > 0 ? n / a : 0) }') |"
done
