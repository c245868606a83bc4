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


def dns_call(tcid, what, fn):
    """fn's result, or None (logged) when dnspython refuses: it also refuses with AssertionError and others."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        al.log(PROG, f"tcId {tcid}: {what} refused: {type(e).__name__}: {e}")
        return None


def svcbparse(tcid, args):
    # Zone files are octets; dnspython reads text, so each octet becomes the code point of the same value.
    text = "1 . alpn=" + al.one_hex_field("svcbparse", args).decode("latin-1")
    wire = dns_call(tcid, "from_text", lambda: dns.rdata.from_text(IN, SVCB, text).to_wire())
    return al.answer_value(None if wire is None else al.alpn_of_rdata(wire))


def svcbprint(tcid, args):
    rdata = al.svcb_rdata(al.one_hex_field("svcbprint", args))
    text = dns_call(tcid, "from_wire", lambda: dns.rdata.from_wire(IN, SVCB, rdata, 0, len(rdata)).to_text())
    value = None if text is None else al.svcb_value_of(text)
    return al.answer_value(None if value is None else value.encode("latin-1"))


if __name__ == "__main__":
    al.serve(PROG, "dnspython", "svcb", {"svcbparse": svcbparse, "svcbprint": svcbprint})
