#!/usr/bin/python3
"""A real JUnit consumer reads alpncheck's JUnit report: python3-junitparser (Debian) loads it, and what it counts
(from the suite's attributes and from the testcases' results alike) must agree with the JSON report of the same run.
Also: one suite, named as the JSON report's "name"; every testcase has a unique name and a dotted classname.

usage: check_junit.py JUNIT_FILE JSON_FILE   (exit 0 when they agree; else one line per disagreement, exit 1)
"""
import json
import re
import sys

from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite


def main(junit_path, json_path):
    report = json.load(open(json_path, encoding="utf-8"))
    summary = report["summary"]
    want = {
        "tests": len(report["results"]),
        "failures": summary["FAIL"] + summary["XPASS"],
        "errors": summary["ERROR"],
        "skipped": summary["SKIP"] + summary["XFAIL"],
    }
    doc = JUnitXml.fromfile(junit_path)
    suites = [doc] if isinstance(doc, TestSuite) else list(doc)
    problems = []
    if len(suites) != 1:
        problems.append(f"{len(suites)} suites, expected 1")
    for suite in suites:
        if suite.name != report.get("name"):
            problems.append(f"suite name {suite.name!r}, the JSON report's name is {report.get('name')!r}")
        cases = list(suite)
        counted = {
            "tests": len(cases),
            "failures": sum(any(isinstance(r, Failure) for r in c.result) for c in cases),
            "errors": sum(any(isinstance(r, Error) for r in c.result) for c in cases),
            "skipped": sum(any(isinstance(r, Skipped) for r in c.result) for c in cases),
        }
        for key, value in want.items():
            if getattr(suite, key) != value:
                problems.append(f"suite attribute {key}={getattr(suite, key)}, JSON says {value}")
            if counted[key] != value:
                problems.append(f"{counted[key]} testcases counted as {key}, JSON says {value}")
        names = [(c.classname, c.name) for c in cases]
        if len(set(names)) != len(names):
            problems.append("testcase names are not unique")
        for classname, name in names:
            if not re.fullmatch(r"alpncheck(\.[A-Za-z0-9_]+)+", classname or ""):
                problems.append(f"testcase {name!r}: classname {classname!r} is not a dotted name")
    for p in problems[:10]:
        print(f"{junit_path}: {p}")
    if len(problems) > 10:
        print(f"{junit_path}: and {len(problems) - 10} more")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
