#!/bin/bash
# The matrix's wall time for reports/bench.md (make bench): the whole matrix once with its peers one after the other
# (MATRIX_JOBS=1) and once as the parallel pool make matrix uses (MATRIX_JOBS, default 4), each in its own directory
# under build/matrix-bench/; then the verdicts of the two runs compared cell by cell (verdict_diff.py). Prints a
# Markdown section, with every cell whose verdict differs between the runs; exit 1 when a run fails.
#   usage: bench.sh ALPNCHECK
set -euo pipefail
ALPNCHECK=$1
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
out=$src/build/matrix-bench
tool=$src/build/dev/harness/matrix/alpnmatrix
jobs=${MATRIX_JOBS:-4}
rm -rf "$out" && mkdir -p "$out"

# run NAME JOBS: one matrix run; its wall time in seconds on stdout, its matrix in $out/NAME.json.
run() {
    local t0 t1
    t0=$(date +%s%N)
    MATRIX_JOBS=$2 "$here/run.sh" "$ALPNCHECK" "$out/$1" "$out/$1-logs" 2>"$out/$1.err" ||
        { echo "bench: the $1 run failed: $(tail -n 3 "$out/$1.err")" >&2; return 1; }
    t1=$(date +%s%N)
    "$tool" --manifest "$out/$1/manifest.tsv" --root "$src" --json "$out/$1.json" >/dev/null
    echo "$(((t1 - t0) / 1000000))"
}
ms() { printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100)); }

started=$(date -u +%Y-%m-%dT%H:%MZ)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
seq_ms=$(run sequential 1)
par_ms=$(run parallel "$jobs")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
peers=$(grep -c . "$out/parallel/manifest.tsv")
ran=$(grep -c $'\trun\t' "$out/parallel/manifest.tsv" || true)
diff_out=$(/usr/bin/python3 "$here/verdict_diff.py" "$out/sequential.json" "$out/parallel.json") || true
diff_line=$(tail -n 1 <<<"$diff_out")
differ=$(sed '$d' <<<"$diff_out" | sed 's/^/- /')

cat <<MD

## The matrix (make matrix): wall time

$peers peers ($ran checked), on $(nproc) cores, $started, measured by \`harness/matrix/bench.sh\`: \`harness/matrix/run.sh\` from
start to end (versions, Go and Java builds, every peer started, checked and stopped), once with the peers one after
the other (MATRIX_JOBS=1) and once as \`make matrix\` runs them ($jobs jobs at a time). Load average before and after:
$load_before / $load_after (other work on the machine slows both runs).

| run | wall time (s) |
|---|---:|
| sequential (MATRIX_JOBS=1) | $(ms "$seq_ms") |
| parallel (MATRIX_JOBS=$jobs) | $(ms "$par_ms") |

Verdicts of the two runs, cell by cell (\`harness/matrix/verdict_diff.py\`): $diff_line.
${differ:+Cells whose verdict differs (sequential -> parallel):
$differ
}
The longest jobs of the parallel run (a JVM or BEAM client starts once per check), which bound its wall time:

| job | wall time (s) |
|---|---:|
$(sort -t$'\t' -k3 -n -r "$out/parallel/timing.tsv" | sed -n 1,5p | awk -F'\t' '{printf "| %s %s | %s |\n", $1, $2, $3}')
MD
