"""The adapter side of the vector line protocol (vectors/FORMAT.md) for adapters written in Python: the handshake,
bounded request lines from stdin, hex fields, and exactly one answer line per request. Shared by the SVCB and Alt-Svc
adapters (alpn-adapter-*.py); they log to stderr only, since any extra stdout line would shift every later answer."""

import shutil
import sys
import tempfile

LINE_MAX = 300000  # longest request line of the protocol, newline excluded


def unhex(field):
    """A hex field: '-' for no bytes. Raises ValueError for anything else that is not hex."""
    if field == "-":
        return b""
    if not field:
        raise ValueError("empty hex field")
    return bytes.fromhex(field)


def tohex(data):
    return data.hex() if data else "-"


def log(prog, text):
    print(f"{prog}: {text}", file=sys.stderr, flush=True)


def _read_request(stream):
    """The next request line as text, None at the end of input, or '' for a line over LINE_MAX (discarded)."""
    line = stream.readline(LINE_MAX + 2)
    if not line:
        return None
    if not line.endswith(b"\n") and len(line) > LINE_MAX:
        while line and not line.endswith(b"\n"):
            line = stream.readline(65536)
        return ""
    return line.rstrip(b"\n").decode("ascii", "replace")


def serve(prog, name, families, handlers):
    """Answers requests until `quit` or the end of input. handlers maps a request type to fn(tcid, fields) returning
    the answer line without its newline; an unknown type is answered `skip`, a handler's ValueError `error -`."""
    out = sys.stdout
    out.write(f"alpncheck-adapter 1 {name} {families}\n")
    out.flush()
    while True:
        line = _read_request(sys.stdin.buffer)
        if line is None or line == "quit":
            return
        fields = line.split(" ")
        fn = handlers.get(fields[0])
        if line == "" or len(fields) < 2:
            log(prog, "malformed request line")
            answer = "error -"
        elif fn is None:
            answer = f"skip {name} has no {fields[0]} request"
        else:
            try:
                answer = fn(fields[1], fields[2:])
            except ValueError as e:
                log(prog, f"tcId {fields[1]}: {e}")
                answer = "error -"
        out.write(answer.replace("\n", " ") + "\n")
        out.flush()


def svcb_value_of(text):
    """The value of the alpn SvcParam in one record's presentation text (after `alpn=`, up to the first space that
    is neither escaped nor quoted), or None when there is none."""
    at = text.find(" alpn=")
    if at < 0:
        return None
    i = start = at + len(" alpn=")
    quoted = False
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch in " \t" and not quoted:
            break
        i += 1
    return text[start:i]


def svcb_rdata(wire_value):
    """SVCB RDATA (RFC 9460 §2.2) with priority 1, target '.', and one SvcParam: alpn (key 1) = wire_value."""
    if len(wire_value) > 0xFFFF:
        raise ValueError("alpn value over 65535 octets")
    return b"\x00\x01\x00\x00\x01" + len(wire_value).to_bytes(2, "big") + wire_value


def alpn_of_rdata(rdata):
    """The alpn SvcParamValue of SVCB RDATA with target '.', or None when it has no alpn key. Raises ValueError
    for RDATA that is not that shape."""
    if len(rdata) < 3 or rdata[2] != 0:
        raise ValueError("RDATA is not priority, target '.'")
    pos = 3
    while pos + 4 <= len(rdata):
        key = int.from_bytes(rdata[pos:pos + 2], "big")
        n = int.from_bytes(rdata[pos + 2:pos + 4], "big")
        if pos + 4 + n > len(rdata):
            raise ValueError("SvcParam overruns the RDATA")
        if key == 1:
            return rdata[pos + 4:pos + 4 + n]
        pos += 4 + n
    return None


def one_hex_field(request, args):
    """The octets of a request's only field after the tcId (svcbparse, svcbprint, altsvc)."""
    if len(args) != 1:
        raise ValueError(f"{request} needs one hex field")
    return unhex(args[0])


def answer_value(value):
    """`ok HEX` for the octets of an answer, `error -` when there is none (the implementation gave no value)."""
    return "error -" if value is None else "ok " + tohex(value)


def serve_svcb_tool(prog, name, make):
    """Serves the svcb family with make(tmpdir), an object with svcbparse and svcbprint, in a private temporary
    directory that is removed when the session ends."""
    tmp = tempfile.mkdtemp(prefix=prog + ".")
    try:
        tool = make(tmp)
        serve(prog, name, "svcb", {"svcbparse": tool.svcbparse, "svcbprint": tool.svcbprint})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
