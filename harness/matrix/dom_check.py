#!/usr/bin/python3
"""Checks the DOM that headless Chromium rendered from reports/matrix.html against reports/matrix.json.

usage: dom_check.py DOM-FILE MATRIX-JSON CONSOLE-LOG
For each table of the matrix: one row per peer (tr.peer, found by its id row-ROLE-INDEX whatever order the page shows
the peers in), one header cell per column (th.col), and for every peer that ran, one cell per column; every non-PASS
cell has a title and a details entry. The findings section is there when the matrix has a non-PASS cell. The console log must show no
script error (Chromium logs console messages and uncaught exceptions as CONSOLE lines with --enable-logging).
Prints one line per failed assertion and a closing 'N passed, N failed' line; exit status 1 on any failure.
"""
import json
import re
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    """Collects, per matrix table, the peer rows (their cells) and the column headers; and every element id."""

    def __init__(self):
        super().__init__()
        self.tables = {}
        self.ids = set()
        self.table = None
        self.row = None
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "script":
            self.scripts += 1
        if tag == "table" and "matrix" in classes:
            self.table = {"rows": [], "cols": 0}
            self.tables[a.get("data-role")] = self.table
        elif self.table is None:
            return
        elif tag == "th" and "col" in classes:
            self.table["cols"] += 1
        elif tag == "tr" and "peer" in classes:
            self.row = []
            self.table["rows"].append(self.row)
            self.table.setdefault("by_id", {})[a.get("id")] = self.row
        elif tag == "td" and self.row is not None:
            self.row.append({"class": classes, "title": a.get("title"), "colspan": int(a.get("colspan", "1"))})
        elif tag == "a" and self.row:
            self.row[-1]["href"] = a.get("href", "")

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None
        elif tag == "tr":
            self.row = None


def main():
    dom_file, matrix_file, console_file = sys.argv[1:4]
    matrix = json.load(open(matrix_file))
    dom = Dom()
    dom.feed(open(dom_file, encoding="utf-8").read())
    passed, failed = 0, 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL: {what}")

    for t in matrix["tables"]:
        role, cols, peers = t["role"], len(t["columns"]), t["peers"]
        got = dom.tables.get(role)
        check(got is not None, f"{role}: the matrix table is rendered")
        if got is None:
            continue
        check(got["cols"] == cols, f"{role}: {got['cols']} column headers rendered, matrix.json has {cols}")
        check(len(got["rows"]) == len(peers), f"{role}: {len(got['rows'])} peer rows rendered, matrix.json has "
              f"{len(peers)}")
        for i, peer in enumerate(peers):
            name = peer["name"]
            row = got.get("by_id", {}).get(f"row-{role}-{i}")
            check(row is not None, f"{role}/{name}: its row row-{role}-{i} is rendered")
            if row is None:
                continue
            if peer["status"] != "run":
                check(len(row) == 1 and "notrun" in row[0]["class"], f"{role}/{name}: one 'not run' cell")
                continue
            check(len(row) == cols, f"{role}/{name}: {len(row)} cells rendered for {cols} columns")
            for cell, td in zip(peer["cells"], row):
                verdict = cell["verdict"] if cell else None
                if verdict is None or verdict == "PASS":
                    continue
                ok = verdict in td["class"] and (td["title"] or "").startswith(verdict) and \
                    td.get("href", "#")[1:] in dom.ids
                check(ok, f"{role}/{name}: a {verdict} cell with its observed text and a link to its details")
    findings = any(c and c["verdict"] in ("FAIL", "WARN", "ERROR", "XPASS") for t in matrix["tables"]
                   for p in t["peers"] for c in p["cells"])
    check(not findings or "findings" in dom.ids, "the findings section is rendered")
    check(dom.scripts == 0, f"the page is static: {dom.scripts} script elements")
    errors = [line.strip() for line in open(console_file, errors="replace")
              if re.search(r"CONSOLE|Uncaught", line)]
    check(not errors, "no script errors or console messages: " + "; ".join(errors[:3]))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
