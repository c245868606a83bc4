#!/usr/bin/python3
"""Compares the verdicts of two matrices (reports/matrix.json of two runs), cell by cell.

usage: verdict_diff.py BEFORE.json AFTER.json
Every cell is keyed by role, peer, check ID and TLS version; dates, durations, order and texts are ignored. Prints
each cell whose verdict differs between the two runs (peers present in both), the peers only one run has, and a
closing line 'N cells compared, N differ'. Exit status 1 when a verdict differs, 2 on unreadable input, else 0.
"""
import json
import sys


def cells(path):
    out, peers = {}, set()
    for t in json.load(open(path, encoding="utf-8"))["tables"]:
        for p in t["peers"]:
            peers.add((t["role"], p["name"]))
            for c, v in zip(t["columns"], p["cells"]):
                out[(t["role"], p["name"], c["id"], c["tls"])] = v["verdict"] if v else "-"
            if p["status"] != "run":
                out[(t["role"], p["name"], "(status)", "")] = p["status"]
    return out, peers


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        (before, pb), (after, pa) = cells(sys.argv[1]), cells(sys.argv[2])
    except (OSError, ValueError, KeyError) as e:
        print(f"verdict_diff: {e}", file=sys.stderr)
        return 2
    for role, name in sorted(pb ^ pa):
        print(f"only in {'the first' if (role, name) in pb else 'the second'}: {role} {name}")
    common = pb & pa
    keys = sorted(k for k in before.keys() | after.keys() if (k[0], k[1]) in common)
    diff = [k for k in keys if before.get(k, "-") != after.get(k, "-")]
    for k in diff:
        print(f"{k[0]} {k[1]} {k[2]} {k[3] or '-'}: {before.get(k, '-')} -> {after.get(k, '-')}")
    print(f"{len(keys)} cells compared, {len(diff)} differ")
    return 1 if diff else 0


sys.exit(main())
