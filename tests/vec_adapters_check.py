#!/usr/bin/python3
"""The checks of integration_vec_adapters.sh. `subset SRC DST FILE TCID...` writes DST/FILE holding only the tests
TCID... of SRC/FILE, renumbered 1..n as the runner requires (numberOfTests adjusted), and DST/FILE.ids, the
original tcIds in order; `expect JSON IDS FAMILY PASSED FAILED LENIENT` checks a runner summary against the original
tcIds: exactly PASSED passes, exactly the tcIds FAILED (comma-separated, '-' for none) failing and LENIENT accepted
leniently, and no skips, so an adapter that answers nothing, or wrongly, fails the test."""

import json
import sys


def subset(src, dst, name, tcids):
    want = {int(t) for t in tcids}
    with open(f"{src}/{name}") as f:
        doc = json.load(f)
    groups = []
    for g in doc["testGroups"]:
        g["tests"] = [t for t in g["tests"] if t["tcId"] in want]
        if g["tests"]:
            groups.append(g)
    original = []
    for g in groups:
        for t in g["tests"]:
            original.append(t["tcId"])
            t["tcId"] = len(original)
    doc["testGroups"] = groups
    doc["numberOfTests"] = sum(len(g["tests"]) for g in groups)
    if doc["numberOfTests"] != len(want):
        sys.exit(f"subset: {name} lacks some of {sorted(want)}")
    with open(f"{dst}/{name}", "w") as f:
        json.dump(doc, f, indent=2)
    with open(f"{dst}/{name}.ids", "w") as f:
        json.dump(original, f)


def ids(text):
    return set() if text == "-" else {int(t) for t in text.split(",")}


def expect(path, ids_path, family, passed, failed, lenient):
    with open(path) as f:
        doc = json.load(f)
    with open(ids_path) as f:
        original = json.load(f)
    fam = doc["families"][family]
    got_failed = {original[n["tcId"] - 1] for fi in doc["files"] for n in fi.get("failures", [])}
    got_lenient = {original[n["tcId"] - 1] for fi in doc["files"] for n in fi.get("lenientTests", [])}
    problems = []
    if fam["passed"] != int(passed):
        problems.append(f"passed {fam['passed']}, expected {passed}")
    if fam["skipped"] != 0:
        problems.append(f"{fam['skipped']} skipped, expected none")
    if got_failed != ids(failed):
        problems.append(f"failed tcIds {sorted(got_failed)}, expected {sorted(ids(failed))}")
    if got_lenient != ids(lenient):
        problems.append(f"lenient tcIds {sorted(got_lenient)}, expected {sorted(ids(lenient))}")
    if problems:
        sys.exit(f"{doc.get('adapter', path)}: " + "; ".join(problems))
    print(f"{doc.get('adapter', path)}: {fam['passed']} passed, failed {sorted(got_failed)} as expected")


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "subset":
        subset(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif len(sys.argv) == 8 and sys.argv[1] == "expect":
        expect(*sys.argv[2:])
    else:
        sys.exit("usage: vec_adapters_check.py subset SRC DST FILE TCID... | expect JSON IDS FAMILY PASSED FAILED LENIENT")
