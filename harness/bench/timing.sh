# shellcheck shell=bash
# Sourced by the bench scripts: wall time of a command run RUNS times.
# time_runs RUNS COMMAND...: runs COMMAND RUNS times and sets mean and best (ms); returns 1 as soon as a run fails.
time_runs() {
    local runs=$1 start ms total=0 i
    shift
    best=999999
    for ((i = 0; i < runs; i++)); do
        start=$(date +%s%N)
        "$@" || return 1
        ms=$((($(date +%s%N) - start) / 1000000))
        total=$((total + ms))
        [ "$ms" -lt "$best" ] && best=$ms
    done
    mean=$((total / runs))
}
