#!/usr/bin/env python3
"""A fuzzing campaign of HOURS over every fuzz target, recorded in reports/fuzzing.json and reports/fuzzing.md.

    campaign.py --hours H --build BUILD --coverage-build COV --work WORK [--jobs 2] [--rounds R]

Runs as it is started: `make fuzz-campaign` starts it under `nice -n 19`, so it only takes idle CPU.

- Engine: libFuzzer with ASan + UBSan (BUILD, the libfuzzer preset) in fork mode, -fork=JOBS: JOBS worker processes,
  so a 2-core machine fuzzes on both cores; -ignore_crashes=1 keeps going after a finding, which is saved.
- Time: the wall time of HOURS, less a reserve for the merges and coverage replays, is split into ROUNDS rounds; in
  each round every target fuzzes for a slice in proportion to what it still lacks of --goal-cpu-hours (default 1) over
  all the campaigns in the record, so that successive campaigns close the gaps first (slice_plan); every round after
  the first is planned again from the time left and what the earlier rounds measured. A target's corpus
  (WORK/corpus/<target>) carries over from round to round, starting from corpus/<target>.in and .repro.
- Coverage over time: after every round the seeds and everything grown so far are replayed through the coverage
  build's replay binaries (COV, gcc --coverage) and gcovr reports line and branch coverage of src/ and harness/wire/.
- At the end (also after Ctrl-C or SIGTERM, with what was done so far): the grown corpora are merged back into
  corpus/<target>.in, minimised against the seeds (harness/fuzz/run.sh merge, as make fuzz-merge); the record is
  appended to reports/fuzzing.json and reports/fuzzing.md regenerated from it (fuzz_report.py).
- Exit status: 0; 1 when any target found something (a crash, leak, timeout or OOM artifact in
  WORK/findings/<target>/); 130 when interrupted; 2 when it could not run.
"""
import argparse
import datetime
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import fuzz_report  # noqa: E402

# What a round costs beside fuzzing: the coverage replay of all corpora and gcovr, measured on this machine at well
# under a minute; the merge at the end likewise.
RESERVE_PER_ROUND_S = 60
RESERVE_END_S = 90

stop_requested = []


def on_signal(signum, _frame):
    stop_requested.append(signum)


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def read_targets(build):
    with open(os.path.join(build, "harness", "fuzz", "targets.txt")) as f:
        return [t.strip() for t in f if t.strip()]


def max_len(target):
    try:
        with open(os.path.join(ROOT, "corpus", f"{target}.options")) as f:
            m = re.search(r"^max_len\s*=\s*(\d+)", f.read(), re.M)
            return m.group(1) if m else None
    except OSError:
        return None


# A fork-mode status line: "#282458: cov: 132 ft: 87 corp: 12 exec/s 18871 oom/timeout/crash: 0/0/0 time: 15s ..."
FORK_LINE = re.compile(r"^#(\d+): cov: (\d+) ft: (\d+) corp: (\d+) exec/s (\d+) oom/timeout/crash: (\d+)/(\d+)/(\d+)")


def run_slice(target, seconds, args, work):
    """Fuzzes one target for seconds of wall time; returns the slice's numbers (or None when interrupted first)."""
    binary = os.path.join(args.build, "harness", "fuzz", target)
    corpus = os.path.join(work, "corpus", target)
    findings = os.path.join(work, "findings", target)
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(findings, exist_ok=True)
    seeds = [os.path.join(ROOT, "corpus", f"{target}.{k}") for k in ("in", "repro")]
    # An input that runs 25 s is a hang (libFuzzer's default waits 20 minutes): a finding, saved as timeout-*.
    argv = [binary, f"-fork={args.jobs}", "-ignore_crashes=1", "-timeout=25", f"-max_total_time={seconds}",
            f"-artifact_prefix={findings}/", f"-dict={os.path.join(ROOT, 'corpus', target + '.dict')}"]
    ml = max_len(target)
    if ml:
        argv.append(f"-max_len={ml}")
    argv += [corpus] + [d for d in seeds if os.path.isdir(d)]
    log_path = os.path.join(work, "logs", f"{target}.log")
    cpu0, wall0 = cpu_children(), time.monotonic()
    last = None
    with open(log_path, "a") as log:
        log.write(f"== {now_iso()} {' '.join(argv)}\n")
        log.flush()
        # Its own process group, so that a stop reaches the fork-mode workers too.
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=work, start_new_session=True)
        try:
            while p.poll() is None:
                if stop_requested:
                    os.killpg(p.pid, signal.SIGINT)
                    try:
                        p.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        os.killpg(p.pid, signal.SIGKILL)
                        p.wait()
                    break
                # A hard bound in case the engine overruns its own limit (a hung worker).
                if time.monotonic() - wall0 > seconds + 120:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
                    break
                time.sleep(1)
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    with open(log_path, errors="replace") as log:
        for line in log:
            m = FORK_LINE.match(line)
            if m:
                last = m
    return {
        "cpu_seconds": cpu_children() - cpu0,
        "wall_seconds": time.monotonic() - wall0,
        "executions": int(last.group(1)) if last else 0,
        "edges": int(last.group(2)) if last else 0,
        "features": int(last.group(3)) if last else 0,
        "exit": p.returncode,
    }


# No slice is shorter than this: below it a fork-mode run spends most of its time starting up and loading the corpus.
MIN_SLICE_S = 10


def cpu_so_far(record):
    """CPU-seconds per target over every campaign in the record so far."""
    done = {}
    for c in fuzz_report.load(record).get("campaigns", []):
        for t in c.get("targets", []):
            done[t["target"]] = done.get(t["target"], 0.0) + t.get("cpu_seconds", 0.0)
    return done


def slice_plan(targets, round_s, done, goal_s, rate=None):
    """Wall seconds per target in one round. A campaign cannot give every target the goal at once on a small machine,
    so several campaigns fill it up: the round's time is split in proportion to what each target still lacks of
    goal_s (a target already past the goal weighs as little as one that lacks a tenth of it), with MIN_SLICE_S at
    the least, so that every target is fuzzed in every round and the gaps close first. The lack is CPU time and a
    slice is wall time: once a round has measured a target's CPU-seconds per wall second (rate), its lack is divided
    by that, so a target whose fork-mode runs spend more time starting up is not left behind."""
    rate = rate or {}
    # A target not measured yet counts as the fastest measured one: it is not favoured for lack of a number.
    unmeasured = max(rate.values(), default=1.0)
    lack = {t: max(goal_s - done.get(t, 0.0), goal_s / 10) / rate.get(t, unmeasured) for t in targets}
    spare = round_s - MIN_SLICE_S * len(targets)
    if spare <= 0:
        return {t: int(round_s / len(targets)) for t in targets}
    total = sum(lack.values())
    return {t: MIN_SLICE_S + int(spare * lack[t] / total) for t in targets}


def replan(targets, measured, before, round_s, goal_s, jobs):
    """The slices of a later round, planned again from what the earlier rounds measured (measured: per target its
    cpu_seconds and wall_seconds in this campaign; before: CPU-seconds per target in earlier campaigns) for a round
    of round_s seconds: the rounds may have run long or short. The rate is held between a quarter of the jobs and
    the jobs: a slice that died at start (or starved under nice 19) must not draw the whole round. Behind schedule
    (round_s too short for every target's shortest slice), every target gets the shortest slice."""
    if round_s < MIN_SLICE_S * len(targets):
        return {t: MIN_SLICE_S for t in targets}
    done = dict(before)
    for t, acc in measured.items():
        done[t] = done.get(t, 0.0) + acc["cpu_seconds"]
    rate = {t: min(max(acc["cpu_seconds"] / acc["wall_seconds"], jobs / 4), jobs)
            for t, acc in measured.items() if acc["wall_seconds"] > 0}
    return slice_plan(targets, round_s, done, goal_s, rate)


def corpus_size(work, target):
    files = size = 0
    for d in (os.path.join(work, "corpus", target), os.path.join(ROOT, "corpus", f"{target}.in")):
        if os.path.isdir(d):
            for name in os.listdir(d):
                path = os.path.join(d, name)
                if os.path.isfile(path):
                    files += 1
                    size += os.path.getsize(path)
    return files, size


def findings_of(work, target):
    d = os.path.join(work, "findings", target)
    if not os.path.isdir(d):
        return []
    return sorted(n for n in os.listdir(d) if re.match(r"(crash|leak|timeout|oom|slow-unit)-", n) and
                  not n.startswith("slow-unit-"))


def coverage(args, work, targets):
    """Replays every corpus through the coverage build; line and branch coverage of src/ and harness/wire/."""
    cov = args.coverage_build
    for root, _dirs, files in os.walk(cov):
        for f in files:
            if f.endswith(".gcda"):
                os.unlink(os.path.join(root, f))
    for t in targets:
        binary = os.path.join(cov, "harness", "fuzz", t)
        dirs = [os.path.join(ROOT, "corpus", f"{t}.in"), os.path.join(ROOT, "corpus", f"{t}.repro"),
                os.path.join(work, "corpus", t)]
        subprocess.run([binary] + [d for d in dirs if os.path.isdir(d)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, cwd=work)
    out = os.path.join(work, "coverage.json")
    r = subprocess.run(["gcovr", "--root", ROOT, "--object-directory", cov, "--filter", os.path.join(ROOT, "src/"),
                        "--filter", os.path.join(ROOT, "harness/wire/"), "--exclude-unreachable-branches",
                        "--exclude-throw-branches", "--json-summary", out], capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip()[-300:]}
    with open(out) as f:
        summary = json.load(f)
    result = {}
    for name, prefix in (("src", "src/"), ("harness_wire", "harness/wire/")):
        lt = lc = bt = bc = 0
        for f in summary.get("files", []):
            if f["filename"].startswith(prefix):
                lt += f["line_total"]
                lc += f["line_covered"]
                bt += f["branch_total"]
                bc += f["branch_covered"]
        result[name] = {"lines": [lc, lt], "branches": [bc, bt]}
    return result


def merge_back(args, work):
    r = subprocess.run([os.path.join(HERE, "run.sh"), "merge", args.build, "0", work], capture_output=True,
                       text=True)
    return r.stdout


def throughput(args, targets):
    """Executions per second of every target, one libFuzzer process each from a scratch copy of its seeds: per second
    of the process's own CPU time (what the target costs, whatever else the machine runs) and per wall second."""
    print(f"{'target':22} {'exec/CPU-s':>11} {'exec/s wall':>12} {'runs':>10}  max_len")
    for t in targets:
        scratch = os.path.join(args.work, "throughput", t)
        shutil.rmtree(scratch, ignore_errors=True)
        os.makedirs(scratch)
        ml = args.max_len or max_len(t)
        argv = [os.path.join(args.build, "harness", "fuzz", t), f"-max_total_time={args.seconds}",
                "-print_final_stats=1", f"-dict={os.path.join(ROOT, 'corpus', t + '.dict')}",
                f"-artifact_prefix={scratch}/"] + ([f"-max_len={ml}"] if ml else []) + \
            [scratch, os.path.join(ROOT, "corpus", f"{t}.in")]
        cpu0, wall0 = cpu_children(), time.monotonic()
        r = subprocess.run(argv, capture_output=True, text=True, errors="replace")
        cpu, wall = cpu_children() - cpu0, time.monotonic() - wall0
        m = re.search(r"stat::number_of_executed_units:\s*(\d+)", r.stderr)
        runs = int(m.group(1)) if m else 0
        print(f"{t:22} {runs / cpu if cpu else 0:11.0f} {runs / wall:12.0f} {runs:10}  {ml or 'default'}"
              f"{'' if r.returncode == 0 else '  (stopped: finding or error, see ' + scratch + ')'}", flush=True)
        if r.returncode == 0:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hours", type=float, default=0)
    ap.add_argument("--throughput", action="store_true", help="only measure exec/s of every target, record nothing")
    ap.add_argument("--seconds", type=int, default=60, help="--throughput: seconds per target")
    ap.add_argument("--max-len", default="", help="--throughput: cut inputs at this length (default: .options)")
    ap.add_argument("--build", required=True, help="libFuzzer build tree (libfuzzer preset)")
    ap.add_argument("--coverage-build", default="", help="replay build with gcc --coverage (coverage preset)")
    ap.add_argument("--work", required=True, help="grown corpora, findings, logs of this campaign")
    ap.add_argument("--jobs", type=int, default=2, help="libFuzzer -fork workers (cores used)")
    ap.add_argument("--rounds", type=int, default=0, help="rounds (coverage snapshots); default: one per 30 min")
    ap.add_argument("--record", default=os.path.join(ROOT, "reports", "fuzzing.json"))
    ap.add_argument("--report", default=os.path.join(ROOT, "reports", "fuzzing.md"))
    ap.add_argument("--no-merge", action="store_true", help="leave corpus/ alone")
    ap.add_argument("--targets", default="",
                    help="comma-separated targets to fuzz (default: all): a short campaign for the few still short "
                         "of the goal")
    ap.add_argument("--goal-cpu-hours", type=float, default=1.0,
                    help="CPU-hours every target should have over all campaigns; a round's time goes first to the "
                         "targets furthest from it (default 1)")
    args = ap.parse_args()
    # The engine runs in the work directory: every path absolute.
    args.build, args.coverage_build = os.path.abspath(args.build), os.path.abspath(args.coverage_build)
    args.record, args.report = os.path.abspath(args.record), os.path.abspath(args.report)

    args.work = os.path.abspath(args.work)
    targets = read_targets(args.build)
    if args.targets:
        wanted = [t for t in args.targets.split(",") if t]
        unknown = [t for t in wanted if t not in targets]
        if unknown:
            print(f"campaign: no such target in {args.build}: {', '.join(unknown)}", file=sys.stderr)
            return 2
        targets = [t for t in targets if t in wanted]
    if not targets:
        print("campaign: no targets", file=sys.stderr)
        return 2
    if args.throughput:
        return throughput(args, targets)
    if args.hours <= 0 or not args.coverage_build:
        print("campaign: --hours and --coverage-build are needed", file=sys.stderr)
        return 2
    if args.goal_cpu_hours <= 0 or args.jobs < 1:
        print("campaign: --goal-cpu-hours must be above 0 and --jobs at least 1", file=sys.stderr)
        return 2
    total = args.hours * 3600
    rounds = args.rounds or max(1, round(args.hours * 2))
    fuzz_time = total - rounds * RESERVE_PER_ROUND_S - RESERVE_END_S
    slices = slice_plan(targets, fuzz_time / rounds, cpu_so_far(args.record), args.goal_cpu_hours * 3600)
    per_slice = min(slices.values())
    if per_slice < MIN_SLICE_S:
        print(f"campaign: {args.hours} h is too short for {len(targets)} targets x {rounds} rounds", file=sys.stderr)
        return 2
    work = args.work
    for d in ("corpus", "findings", "logs"):
        os.makedirs(os.path.join(work, d), exist_ok=True)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    started, t0 = now_iso(), time.monotonic()
    print(f"campaign: {len(targets)} targets, {rounds} rounds of {per_slice}-{max(slices.values())} s per target "
          f"(the furthest from {args.goal_cpu_hours} CPU-hour(s) in {args.record} get the longest), libFuzzer "
          f"-fork={args.jobs}, niceness {os.nice(0)}; work {work}; ends by "
          f"{(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=total)).strftime('%H:%M:%SZ')}",
          flush=True)
    per_target = {t: {"target": t, "engine": f"libFuzzer -fork={args.jobs}, ASan+UBSan", "cpu_seconds": 0.0,
                      "wall_seconds": 0.0, "executions": 0, "edges": 0, "features": 0} for t in targets}
    snapshots = []
    round_slices = []
    for rnd in range(rounds):
        if rnd:
            left = total - (time.monotonic() - t0) - (rounds - rnd) * RESERVE_PER_ROUND_S - RESERVE_END_S
            slices = replan(targets, per_target, cpu_so_far(args.record), left / (rounds - rnd),
                            args.goal_cpu_hours * 3600, args.jobs)
        round_slices.append(dict(slices))
        for t in targets:
            if stop_requested:
                break
            s = run_slice(t, slices[t], args, work)
            acc = per_target[t]
            for k in ("cpu_seconds", "wall_seconds", "executions"):
                acc[k] += s[k]
            # Fork mode restarts its counts with every run: the edges and features of the corpus are the latest's.
            acc["edges"] = max(acc["edges"], s["edges"])
            acc["features"] = max(acc["features"], s["features"])
            print(f"  round {rnd + 1}/{rounds} {t:22} {s['executions']:>10} runs {s['cpu_seconds']:8.0f} CPU-s "
                  f"cov {s['edges']} ft {s['features']} findings {len(findings_of(work, t))}", flush=True)
        if stop_requested:
            break
        cov = coverage(args, work, targets)
        cov["elapsed_s"] = round(time.monotonic() - t0)
        snapshots.append(cov)
        print(f"  coverage after {cov['elapsed_s']} s: {fuzz_report.coverage_text(cov)}", flush=True)
    interrupted = bool(stop_requested)
    if interrupted and (not snapshots or snapshots[-1]["elapsed_s"] < round(time.monotonic() - t0) - 60):
        # The partial record gets its coverage too; a second Ctrl-C skips it.
        stop_requested.clear()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        cov = coverage(args, work, targets)
        cov["elapsed_s"] = round(time.monotonic() - t0)
        snapshots.append(cov)
    merged = "" if args.no_merge else merge_back(args, work)
    results = []
    any_finding = False
    for t in targets:
        acc = per_target[t]
        files, size = corpus_size(work, t)
        found = findings_of(work, t)
        any_finding = any_finding or bool(found)
        acc.update({
            "cpu_seconds": round(acc["cpu_seconds"], 1),
            "wall_seconds": round(acc["wall_seconds"], 1),
            "exec_per_cpu_second": round(acc["executions"] / acc["cpu_seconds"]) if acc["cpu_seconds"] else 0,
            "corpus_files": files,
            "corpus_bytes": size,
            "findings": [os.path.join(work, "findings", t, f) for f in found],
        })
        results.append(acc)
    campaign = {
        "started": started,
        "ended": now_iso(),
        "hours_requested": args.hours,
        "interrupted": interrupted,
        "commit": git_commit(),
        "host_cpus": os.cpu_count(),
        "niceness": os.nice(0),
        "rounds": rounds,
        "slice_seconds": per_slice,
        "slices": round_slices[0] if round_slices else slices,
        "round_slices": round_slices,
        "targets": results,
        "coverage": snapshots,
        "merged": merged.strip().splitlines(),
    }
    fuzz_report.append(args.record, args.report, campaign)
    print(f"campaign: recorded in {args.record} and {args.report}")
    if merged:
        print(merged, end="")
    if any_finding:
        print("campaign: FINDINGS:", file=sys.stderr)
        for r in results:
            for f in r["findings"]:
                print(f"  {r['target']}: {f}", file=sys.stderr)
        return 1
    return 130 if interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
