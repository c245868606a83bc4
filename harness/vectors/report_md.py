#!/usr/bin/env python3
"""Renders the --json summary of `alpncheck vectors --exec ADAPTER` as Markdown (make vectors-adapters).

Per family: passes, failures, skips and lenient acceptances; then, where the implementation differs from the RFC,
the tcIds with the tests' comments, what the vectors expect and what the implementation answered; then the lenient
acceptances and the reasons for skips.
"""
import json
import os
import sys

FAMILY_TITLES = {
    "list": "ProtocolNameList parsing (RFC 7301 §3.1)",
    "select": "Server selection (RFC 7301 §3.2, RFC 8701 §3)",
    "hparse": "ALPN header parsing (RFC 7639 §2)",
    "hformat": "ALPN header formatting (RFC 7639 §2)",
    "cross": "extension_data ↔ header value (RFC 7639 §2, RFC 7301 §3.1)",
    "altsvc": "Alt-Svc field values (RFC 7838 §3)",
    "svcb": "SVCB/HTTPS alpn in presentation and wire format (RFC 9460 §7.1)",
}


def cell(text):
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report_md.py SUMMARY.json")
    doc = json.load(open(sys.argv[1]))
    name = doc.get("adapter") or doc.get("backend")
    out = [f"# Test vectors: {name}", ""]
    out.append(f"`alpncheck vectors --exec {doc.get('command') or ''}` over "
               + ", ".join(f"`{os.path.basename(f['file'])}`" for f in doc["files"]) + " (vectors/FORMAT.md).")
    out.append("A failure is an answer the RFCs do not allow; *lenient* is an `acceptable` (strictly invalid) input"
               " that was accepted; a skip is a test the implementation cannot express (reason below).")
    out += ["", "| family | passed | failed | skipped | lenient |", "|---|---:|---:|---:|---:|"]
    for f in doc["files"]:
        out.append(f"| {f['family']} | {f['passed']} | {f['failed']} | {f['skipped']} | {f['lenient']} |")
    out.append(f"| **total** | {doc['passed']} | {doc['failed']} | {doc['skipped']} | {doc['lenient']} |")
    for f in doc["files"]:
        title = FAMILY_TITLES.get(f["family"], f["family"])
        out += ["", f"## {f['family']}: {title}", ""]
        if f["failed"] == 0 and f["lenient"] == 0 and f["passed"] > 0:
            out.append("No difference from the RFC on the tests it answered.")
        if f["failures"]:
            out += [f"Differs from the RFC on {f['failed']} test(s):", "",
                    "| tcId | comment | flags | check | expected | got |", "|---:|---|---|---|---|---|"]
            for t in f["failures"]:
                out.append(f"| {t['tcId']} | {cell(t['comment'])} | {cell(t.get('flags'))} | {cell(t.get('check'))}"
                           f" | {cell(t['expected'])} | {cell(t['got'])} |")
        if f["lenientTests"]:
            out += ["", f"Accepted leniently ({f['lenient']}):", "",
                    "| tcId | comment | flags | got |", "|---:|---|---|---|"]
            for t in f["lenientTests"]:
                out.append(f"| {t['tcId']} | {cell(t['comment'])} | {cell(t.get('flags'))} | {cell(t['got'])} |")
        if f["skipReasons"]:
            out += ["", "Skipped:", ""]
            for reason, n in sorted(f["skipReasons"].items(), key=lambda kv: -kv[1]):
                out.append(f"- {n} × {reason}")
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    print(text)


if __name__ == "__main__":
    main()
