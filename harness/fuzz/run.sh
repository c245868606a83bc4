#!/bin/sh
# Runs the fuzz targets of a build tree and prints one result line per target.
#
#   run.sh libfuzzer BUILD SECONDS WORK   libFuzzer, SECONDS per target, progress shown
#   run.sh smoke     BUILD SECONDS WORK   libFuzzer, quiet; also requires the negative target to be caught
#   run.sh afl       BUILD SECONDS WORK   AFL++ (afl-fuzz -V SECONDS) over the persistent-mode binaries
#   run.sh merge     BUILD                adds what the grown corpora (WORK/corpus/<target>) cover beyond the seeds
#                                         to corpus/<target>.in, each file named by its SHA-256
#
# BUILD is a tree configured with the matching ALPN_FUZZ_ENGINE; it lists its targets in harness/fuzz/targets.txt.
# Grown corpora go to WORK/corpus/<target> (the seeds in corpus/ are never written), findings to WORK/findings/.
# Exit status: 0 when no target found anything (and, for smoke, the negative target was caught), else 1.
set -u
mode=$1
build=$2
seconds=${3:-60}
work=${4:-build/fuzz}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$build/harness/fuzz
corpus=$root/corpus

if [ ! -f "$bin/targets.txt" ]; then
    echo "run.sh: $bin/targets.txt missing: configure and build $build first" >&2
    exit 2
fi
targets=$(cat "$bin/targets.txt")
negative=$(cat "$bin/negative.txt")
mkdir -p "$work/corpus" "$work/findings" "$work/logs"

# max_len from corpus/<target>.options ([libfuzzer] section, as OSS-Fuzz reads it).
max_len() {
    sed -n 's/^max_len *= *\([0-9][0-9]*\).*/\1/p' "$corpus/$1.options" 2>/dev/null | head -n 1
}

# final_stat LOG NAME: a value of libFuzzer's -print_final_stats block.
final_stat() {
    sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

passed=0
failed=0
results=$work/logs/results.$mode
: >"$results"

# result TARGET PASS|FAIL TEXT: counts it and prints one line (kept for the summary).
result() {
    if [ "$2" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    printf '  %-20s %s  %s\n' "$1" "$2" "$3" | tee -a "$results"
}

run_libfuzzer() { # target, quiet (0/1)
    t=$1
    quiet=$2
    log=$work/logs/$t.libfuzzer.log
    mkdir -p "$work/corpus/$t" "$work/findings/$t"
    # git keeps no empty directories: a target without reproducers has no .repro directory in a fresh clone.
    repro=
    [ -d "$corpus/$t.repro" ] && repro=$corpus/$t.repro
    ml=$(max_len "$t")
    set -- -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/findings/$t/" \
        -dict="$corpus/$t.dict" ${ml:+-max_len=$ml}
    if [ "$quiet" = 1 ]; then
        "$bin/$t" "$@" "$work/corpus/$t" "$corpus/$t.in" ${repro:+"$repro"} >"$log" 2>&1
        rc=$?
    else
        echo "== libFuzzer: $t ($seconds s)"
        # Progress: libFuzzer's pulse lines (at powers of two of executions) and its first and last lines.
        { "$bin/$t" "$@" "$work/corpus/$t" "$corpus/$t.in" ${repro:+"$repro"} 2>&1; echo "rc=$?"; } | tee "$log" |
            grep --line-buffered -E 'INITED|pulse|DONE|ERROR|SUMMARY|Test unit written'
        rc=$(sed -n 's/^rc=//p' "$log" | tail -n 1)
    fi
    execs=$(final_stat "$log" number_of_executed_units)
    rate=$(final_stat "$log" average_exec_per_sec)
    cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 |
        sed 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([^ ]*\).*/cov \1, ft \2, corpus \3/')
    if [ "$rc" = 0 ]; then
        result "$t" PASS "${execs:-?} runs, ${rate:-?} exec/s, ${cov:-?}"
    else
        result "$t" FAIL "finding in $work/findings/$t/ (log: $log)"
        grep -E 'ERROR|SUMMARY|Test unit written|^0x' "$log" | head -n 12 | sed 's/^/      /'
    fi
}

run_negative() {
    t=$negative
    log=$work/logs/$t.libfuzzer.log
    rm -rf "$work/findings/$t" "$work/corpus/$t"
    mkdir -p "$work/corpus/$t" "$work/findings/$t"
    # Starts from the harmless seeds only: libFuzzer itself has to reach the over-read.
    "$bin/$t" -max_total_time="$seconds" -dict="$corpus/$t.dict" -artifact_prefix="$work/findings/$t/" \
        "$work/corpus/$t" "$corpus/$t.in" >"$log" 2>&1
    rc=$?
    if [ "$rc" != 0 ] && grep -q 'ERROR: AddressSanitizer: heap-buffer-overflow' "$log" &&
        ls "$work/findings/$t"/crash-* >/dev/null 2>&1; then
        result "$t" PASS "deliberate heap over-read caught by ASan ($(grep -o 'crash-[0-9a-f]*' "$log" | head -n 1))"
    else
        result "$t" FAIL "the deliberate over-read was NOT caught: sanitizers off? (log: $log)"
    fi
}

run_afl() {
    t=$1
    out=$work/afl/$t
    log=$work/logs/$t.afl.log
    rm -rf "$out"
    mkdir -p "$out"
    echo "== AFL++: $t ($seconds s)"
    # No UI (status lines instead), no CPU governor or core_pattern demands, no CPU pinning on a shared machine.
    AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
        afl-fuzz -i "$corpus/$t.in" -o "$out" -x "$corpus/$t.dict" -V "$seconds" \
        -- "$bin/$t" 2>&1 | tee "$log" | sed -u 's/\x1b\[[0-9;]*m//g' |
        awk '/Fuzzing test case/ { if (n++ % 25 == 0) { print; fflush() } next }
             /Statistics|PROGRAM ABORT|crash|Persistent mode/ { print; fflush() }'
    stats=$out/default/fuzzer_stats
    if [ ! -f "$stats" ]; then
        result "$t" FAIL "afl-fuzz did not start (log: $log)"
        return
    fi
    afl_stat() { sed -n "s/^$1 *: *//p" "$stats"; }
    crashes=$(afl_stat saved_crashes)
    [ -n "$crashes" ] || crashes=$(afl_stat unique_crashes)
    hangs=$(afl_stat saved_hangs)
    [ -n "$hangs" ] || hangs=$(afl_stat unique_hangs)
    summary="$(afl_stat execs_done) runs, $(afl_stat execs_per_sec) exec/s, map $(afl_stat bitmap_cvg)"
    summary="$summary, $(afl_stat corpus_count) inputs, $(afl_stat target_mode)"
    # driver_afl.c asks for persistent mode with the input in shared memory; afl-fuzz says what it got. Without
    # them every input costs a fork and a file, some ten times slower: a run that silently lost them is a failure.
    mode=" $(afl_stat target_mode) "
    if [ "${mode#* persistent }" = "$mode" ] || [ "${mode#* shmem_testcase }" = "$mode" ]; then
        result "$t" FAIL "afl-fuzz ran it without persistent mode or shared-memory input (target_mode:$mode)"
    elif [ "${crashes:-0}" = 0 ] && [ "${hangs:-0}" = 0 ]; then
        result "$t" PASS "$summary"
    else
        result "$t" FAIL "$crashes crashes, $hangs hangs in $out/default"
    fi
    # Keep AFL's queue as a grown corpus too, so that `make coverage` and `make fuzz-merge` see it.
    mkdir -p "$work/corpus/$t"
    for f in "$out"/default/queue/id:*; do
        [ -f "$f" ] && cp "$f" "$work/corpus/$t/afl-$(sha256sum "$f" | cut -c1-40)"
    done
}

merge() {
    for t in $targets; do
        [ -d "$work/corpus/$t" ] || continue
        tmp=$(mktemp -d)
        cp "$corpus/$t.in"/* "$tmp"/ 2>/dev/null
        before=$(find "$tmp" -type f | wc -l)
        "$bin/$t" -merge=1 "$tmp" "$work/corpus/$t" >"$work/logs/$t.merge.log" 2>&1 || {
            echo "  $t: merge failed (log: $work/logs/$t.merge.log)"
            rm -rf "$tmp"
            continue
        }
        added=0
        for f in "$tmp"/*; do
            name=$(sha256sum "$f" | cut -d' ' -f1)
            if [ ! -f "$corpus/$t.in/$name" ]; then
                cp "$f" "$corpus/$t.in/$name"
                added=$((added + 1))
            fi
        done
        echo "  $t: $before seeds, $added added"
        rm -rf "$tmp"
    done
}

case $mode in
libfuzzer)
    for t in $targets; do run_libfuzzer "$t" 0; done
    echo "libFuzzer summary ($seconds s per target):"
    cat "$results"
    ;;
smoke)
    echo "== fuzz smoke: libFuzzer + ASan + UBSan, $seconds s per target (logs: $work/logs)"
    for t in $targets; do run_libfuzzer "$t" 1; done
    run_negative
    ;;
afl)
    for t in $targets; do run_afl "$t"; done
    echo "AFL++ summary ($seconds s per target):"
    cat "$results"
    ;;
merge)
    merge
    exit 0
    ;;
*)
    echo "run.sh: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
echo "fuzz ($mode): $passed passed, $failed failed"
[ "$failed" = 0 ]
