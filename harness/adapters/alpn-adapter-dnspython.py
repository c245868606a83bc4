#!/usr/bin/python3
"""Vector adapter (vectors/FORMAT.md) over dnspython's SVCB rdata (python3-dnspython): `svcbparse` reads a record
`1 . alpn=VALUE` with dns.rdata.from_text and answers the alpn SvcParamValue of its to_wire(); `svcbprint` builds
RDATA holding the wire value, reads it with dns.rdata.from_wire and answers the alpn value of its to_text()."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adapter_line as al  # noqa: E402

import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402

PROG = "alpn-adapter-dnspython"
IN, SVCB = dns.rdataclass.IN, dns.rdatatype.SVCB


def svcbparse(tcid, args):
    if len(args) != 1:
        raise ValueError("svcbparse needs one hex field")
    # Zone files are octets; dnspython reads text, so each octet becomes the code point of the same value.
    text = "1 . alpn=" + al.unhex(args[0]).decode("latin-1")
    try:
        rd = dns.rdata.from_text(IN, SVCB, text)
        wire = rd.to_wire()
    except Exception as e:  # noqa: BLE001 -- dnspython also refuses with AssertionError and others
        al.log(PROG, f"tcId {tcid}: from_text refused: {type(e).__name__}: {e}")
        return "error -"
    value = al.alpn_of_rdata(wire)
    if value is None:
        return "error -"
    return "ok " + al.tohex(value)


def svcbprint(tcid, args):
    if len(args) != 1:
        raise ValueError("svcbprint needs one hex field")
    rdata = al.svcb_rdata(al.unhex(args[0]))
    try:
        rd = dns.rdata.from_wire(IN, SVCB, rdata, 0, len(rdata))
        text = rd.to_text()
    except Exception as e:  # noqa: BLE001 -- dnspython also refuses with AssertionError and others
        al.log(PROG, f"tcId {tcid}: from_wire refused: {type(e).__name__}: {e}")
        return "error -"
    value = al.svcb_value_of(text)
    if value is None:
        return "error -"
    return "ok " + al.tohex(value.encode("latin-1"))


if __name__ == "__main__":
    al.serve(PROG, "dnspython", "svcb", {"svcbparse": svcbparse, "svcbprint": svcbprint})
