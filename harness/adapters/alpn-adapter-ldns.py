#!/usr/bin/python3
"""Vector adapter (vectors/FORMAT.md) over ldns's zone-file parser and printer (ldnsutils' ldns-read-zone).
`svcbparse` reads `x.t. 300 IN SVCB 1 . alpn=VALUE` (the value's octets as they are) and prints it back with
`-u SVCB`, in the RFC 3597 generic form, whose RDATA holds the wire value; `svcbprint` reads the record in the
generic form and answers the alpn value ldns prints. A refusal by ldns-read-zone (non-zero exit) is `error -`."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adapter_line as al  # noqa: E402

PROG = "alpn-adapter-ldns"
READZONE = "/usr/bin/ldns-read-zone"


def read_zone(tmp, record, args):
    """ldns-read-zone ARGS over a zone of one record: the SVCB line it prints, or None when it refuses."""
    src = os.path.join(tmp, "zone.db")
    with open(src, "wb") as f:
        f.write(b"x.t. 300 IN SVCB " + record + b"\n")
    run = subprocess.run([READZONE] + args + [src], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=4)
    if run.returncode != 0:
        return None, run.stderr.decode(errors="replace").strip()[:300]
    for line in run.stdout.decode("latin-1").splitlines():
        if line.startswith("x.t."):
            return line, ""
    return None, "no record printed"


class Ldns:
    def __init__(self, tmp):
        self.tmp = tmp

    def svcbparse(self, tcid, args):
        line, why = read_zone(self.tmp, b"1 . alpn=" + al.one_hex_field("svcbparse", args), ["-u", "SVCB"])
        if line is None:
            al.log(PROG, f"tcId {tcid}: refused: {why}")
            return "error -"
        at = line.find("\\# ")
        if at < 0:
            raise ValueError(f"no generic RDATA in {line[:80]!r}")
        fields = line[at:].split()
        rdata = bytes.fromhex("".join(fields[2:]))
        if len(rdata) != int(fields[1]):
            raise ValueError("generic RDATA length differs from its octets")
        value = al.alpn_of_rdata(rdata)
        return al.answer_value(value)

    def svcbprint(self, tcid, args):
        rdata = al.svcb_rdata(al.one_hex_field("svcbprint", args))
        line, why = read_zone(self.tmp, b"\\# %d %s" % (len(rdata), rdata.hex().encode()), [])
        if line is None:
            al.log(PROG, f"tcId {tcid}: refused: {why}")
            return "error -"
        parts = line.split("\t", 4)  # owner, TTL, class, type, RDATA: tabs inside the RDATA stay as printed
        value = al.svcb_value_of(" " + parts[-1]) if len(parts) == 5 else None
        return al.answer_value(None if value is None else value.encode("latin-1"))


if __name__ == "__main__":
    al.serve_svcb_tool(PROG, "ldns", Ldns)
