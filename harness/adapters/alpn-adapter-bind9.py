#!/usr/bin/python3
"""Vector adapter (vectors/FORMAT.md) over BIND 9's zone-file parser and printer (bind9-utils' named-compilezone).
`svcbparse` writes a zone holding `x SVCB 1 . alpn=VALUE` (the value's octets as they are), compiles it to BIND's raw
format (`-F raw`) and answers the alpn SvcParamValue of the record's RDATA; `svcbprint` writes the record in the
RFC 3597 generic form (`\\# LEN HEX`), which BIND checks as SVCB RDATA, and answers the alpn value of its text dump
(`-F text`). A refusal by named-compilezone (non-zero exit) is `error -`."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adapter_line as al  # noqa: E402

PROG = "alpn-adapter-bind9"
COMPILEZONE = "/usr/bin/named-compilezone"
ZONE_HEAD = b"$ORIGIN t.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 192.0.2.1\n"
RAW_HEADER = 24   # BIND raw format version 1: format, version, dumptime, flags, sourceserial, lastxfrin (4 each)
TYPE_SVCB = 64
OWNER = b"\x01x\x01t\x00"


def compile_zone(tmp, record, fmt):
    """Runs named-compilezone over the zone with record; the output file's bytes, or None when it refuses."""
    src, out = os.path.join(tmp, "zone.db"), os.path.join(tmp, "zone.out")
    with open(src, "wb") as f:
        f.write(ZONE_HEAD + record + b"\n")
    if os.path.exists(out):
        os.unlink(out)
    # -i none: no zone integrity checks beyond the records themselves; -q: no chatter.
    run = subprocess.run([COMPILEZONE, "-q", "-i", "none", "-f", "text", "-F", fmt, "-o", out, "t.", src],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=4)
    if run.returncode != 0:
        return None, run.stdout.decode(errors="replace").strip()[:300]
    with open(out, "rb") as f:
        return f.read(), ""


def svcb_rdata_of_raw(raw):
    """The RDATA of the SVCB record at x.t. in a raw-format zone: each rdataset is totallen(4) class(2) type(2)
    covers(2) ttl(4) nrdata(4) namelen(2) name, then rdlen(2) rdata per record."""
    pos = RAW_HEADER
    while pos + 20 <= len(raw):
        total = int.from_bytes(raw[pos:pos + 4], "big")
        if total < 20 or pos + total > len(raw):
            raise ValueError("raw zone: rdataset length out of bounds")
        rtype = int.from_bytes(raw[pos + 6:pos + 8], "big")
        namelen = int.from_bytes(raw[pos + 18:pos + 20], "big")
        name = raw[pos + 20:pos + 20 + namelen]
        at = pos + 20 + namelen
        if rtype == TYPE_SVCB and name == OWNER and at + 2 <= pos + total:
            rdlen = int.from_bytes(raw[at:at + 2], "big")
            if at + 2 + rdlen > pos + total:
                raise ValueError("raw zone: RDATA overruns its rdataset")
            return raw[at + 2:at + 2 + rdlen]
        pos += total
    raise ValueError("raw zone: no SVCB record at x.t.")


class Bind:
    def __init__(self, tmp):
        self.tmp = tmp

    def svcbparse(self, tcid, args):
        raw, why = compile_zone(self.tmp, b"x SVCB 1 . alpn=" + al.one_hex_field("svcbparse", args), "raw")
        if raw is None:
            al.log(PROG, f"tcId {tcid}: refused: {why}")
            return "error -"
        value = al.alpn_of_rdata(svcb_rdata_of_raw(raw))
        return al.answer_value(value)

    def svcbprint(self, tcid, args):
        rdata = al.svcb_rdata(al.one_hex_field("svcbprint", args))
        text, why = compile_zone(self.tmp, b"x SVCB \\# %d %s" % (len(rdata), rdata.hex().encode()), "text")
        if text is None:
            al.log(PROG, f"tcId {tcid}: refused: {why}")
            return "error -"
        for line in text.decode("latin-1").splitlines():
            if line.startswith("x.t.") and "SVCB" in line:
                value = al.svcb_value_of(line)
                return al.answer_value(None if value is None else value.encode("latin-1"))
        raise ValueError("no SVCB record in the text dump")


if __name__ == "__main__":
    al.serve_svcb_tool(PROG, "bind9", Bind)
