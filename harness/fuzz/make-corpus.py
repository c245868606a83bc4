#!/usr/bin/env python3
"""Writes the hand-made seeds and the dictionaries of the fuzz targets into corpus/.

Every seed is named by the SHA-256 of its bytes (as add-seed.sh names them), so running this again rewrites the same
files. Captured ClientHellos come from capture-hellos.py; reproducers of findings go to corpus/<target>.repro/.
"""
import hashlib
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CORPUS = os.path.join(ROOT, "corpus")


def add_seed(target, data, kind="in"):
    d = os.path.join(CORPUS, f"{target}.{kind}")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, hashlib.sha256(data).hexdigest())
    with open(path, "wb") as f:
        f.write(data)
    return path


def ext(*names):
    """extension_data of a ProtocolNameList (RFC 7301 §3.1) holding names (bytes or str)."""
    body = b"".join(bytes([len(n)]) + (n if isinstance(n, bytes) else n.encode()) for n in names)
    return len(body).to_bytes(2, "big") + body


def server_list(*names):
    """fuzz_select's prefix: a count byte, then 1-byte-length names."""
    return bytes([len(names)]) + b"".join(bytes([len(n)]) + n.encode() for n in names)


GREASE = [bytes([v, v]) for v in range(0x0A, 0x100, 0x10)]  # RFC 8701 §2: 0x0A0A, 0x1A1A, ... 0xFAFA
LONG = "x" * 255

CLIENT_VALID = [
    ext("h2", "http/1.1"), ext("http/1.1"), ext("h2"), ext("h3", "h2", "http/1.1"), ext("http/1.1", "h2"),
    ext("h2c"), ext("spdy/3.1", "h2", "http/1.1", "http/1.0"), ext("acme-tls/1"), ext(LONG, "h2"),
    ext(*"abcdefghijklmnop", "h2"), ext("h2", "h2", "h2"), ext("H2", "http/1.", "h2x"), ext(*GREASE),
    ext(GREASE[0], "h2", b"\x00"),  # GREASE, h2, a one-byte NUL name
    ext(b"h2\x00x"), ext(b"\x3a\x3a", "h2"), ext(b"\xff\x80\x01"),
]
# The malformed lists of CHECKS.md (SRV-MALFORMED-*): all decode_error.
MALFORMED = [
    b"", b"\x00", b"\x00\x00", b"\x00\x01\x00", b"\x00\x04\x02h2\x00", b"\x00\x03\x02h2\x02h3",
    b"\x00\x09\x02h2", b"\x00\x03\x05h2", b"\x00\x0c\x01h2\x08http/1.1", b"\x00\x07\x02h2\xff\xff\xff\xff",
    b"\x00\x03\x02h2\x00\x00", b"\xff\xff\x02h2",
]
SERVER_ANSWERS = [
    ext("h2"), ext("http/1.1"), ext(LONG), ext(GREASE[0]), ext("h2", "http/1.1"), b"", b"\x00", b"\x00\x00",
    b"\x00\x01\x00", b"\x00\x04\x02h2\x00", b"\x00\x03\x05h2", b"\x00\x0a\x08http/1.1\x00",
]
# RFC 7639 §2: "h2" is h2, "http/1.1" is http%2F1.1, "w=x:y#z" is w%3Dx%3Ay#z, "Ý" (C3 9D) is %C3%9D.
HEADERS = [
    "h2", "http%2F1.1", "h2, http%2F1.1", "w%3Dx%3Ay#z", "%C3%9D", "h2,http%2F1.1", " h2 ,\th3 ", "h2, , ,http%2F1.1",
    "%25", "h2%00x", "acme-tls%2F1", LONG, "spdy%2F3.1, h2, http%2F1.1, http%2F1.0",
    # Deviations that a lenient parser accepts and a strict one rejects (HDR-* rules), and plain errors.
    "http%2f1.1", "h%32", "http/1.1", '"h2"', "h2;q=1", "%2", "%", "%G0", "", ", ,", "h 2", "h2," + LONG + "%41",
    "%00", "h2,,",
]
SELECT = [server_list("h2", "http/1.1") + c for c in [
    ext("h2", "http/1.1"), ext("http/1.1", "h2"), ext("http/1.1"), ext("h3", "spdy/3.1"), ext("h2c"),
    ext(GREASE[0], "h2", GREASE[3]), b"\x00\x04\x02\x0a\x0a\x00", b"\x00\x04\x02h2\x00", b"\x00\x03\x05h2",
    ext("H2", "h2x", "http/1."), ext(b"h2\x00x"),
]] + [
    bytes([3, 2]) + GREASE[0] + b"\x02h3\x02h2" + ext("h2", "h3", GREASE[0]),  # the server lists GREASE first
    server_list() + ext("h2"),
    server_list("h2", "h2") + ext("h2", "h2"),
    server_list("h3x") + ext(*"abcdefghijklmnop", "h3x"),
]


def hs(msg_type, body):
    """A handshake message (RFC 8446 §4): type, uint24 length, body."""
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


def sealed(body):
    """An application_data record that the read loop targets seal before they open it (record version 0x0304)."""
    return record(23, body, b"\x03\x04")


def record(ctype, body, version=b"\x03\x03"):
    """A TLS record (RFC 8446 §5.1): type, legacy_record_version, uint16 length, fragment."""
    return bytes([ctype]) + version + len(body).to_bytes(2, "big") + body


def extension(etype, data):
    return etype.to_bytes(2, "big") + len(data).to_bytes(2, "big") + data


def server_hello(suite, exts, random=b"\x5a" * 32, sid=b"\x11" * 32):
    """A ServerHello (RFC 8446 §4.1.3) with the given extensions."""
    block = b"".join(exts)
    return hs(2, b"\x03\x03" + random + bytes([len(sid)]) + sid + suite.to_bytes(2, "big") + b"\x00" +
              len(block).to_bytes(2, "big") + block)


# RFC 8446 §4.1.3: the random of a HelloRetryRequest.
ODCID_BYTES = bytes.fromhex("8394c8f03e515708")  # RFC 9001 Appendix A: fuzz_quic_server's first Destination ID
HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
CCS = record(20, b"\x01")
# The inner plaintext of a protected record (RFC 8446 §5.2): content, content type, zero padding. The read loop
# targets seal the body of an application_data record whose record version is not 0x0303 under their fixed key.
FINISHED32 = hs(20, b"\xf1" * 32)
EE_H2 = hs(8, (6 + 5).to_bytes(2, "big") + extension(16, ext("h2")))
SH13 = server_hello(0x1301, [extension(43, b"\x03\x04"), extension(51, b"\x00\x1d\x00\x20" + b"\x09" + b"\x00" * 31)])
SH12 = server_hello(0xc02f, [extension(16, ext("http/1.1")), extension(23, b""), extension(0xff01, b"\x00")])
SERVER_FLIGHTS = [
    # TLS 1.3: ServerHello, change_cipher_spec, EncryptedExtensions and Finished in one protected record.
    record(22, SH13) + CCS + sealed(EE_H2 + FINISHED32 + b"\x16"),
    # The same with padding, the messages in two records, and an alert at the end.
    record(22, SH13) + sealed(EE_H2 + b"\x16" + b"\x00" * 7) + sealed(FINISHED32 + b"\x16") +
    record(21, b"\x02\x28"),
    # A HelloRetryRequest asking for secp256r1 with a cookie, then a ServerHello.
    record(22, server_hello(0x1301, [extension(43, b"\x03\x04"), extension(51, b"\x00\x17"),
                                     extension(44, b"\x00\x04abcd")], random=HRR_RANDOM)) + record(22, SH13),
    # TLS 1.2: ServerHello with ALPN, ServerHelloDone; and the hello split over two records.
    record(22, SH12 + hs(14, b"")),
    record(22, SH12[:20]) + record(22, SH12[20:] + hs(14, b"")),
    # A fatal alert instead of a ServerHello; a record that is not TLS.
    record(21, b"\x02\x78"), b"HTTP/1.1 400 Bad Request\r\n\r\n",
]
# alpncheck as a server: what a client sends after its ClientHello, under its handshake (or early) key.
CLIENT_REACTIONS = [sealed(FINISHED32 + b"\x16"), sealed(b"\x02\x2a\x15"), record(23, b"\x33" * 40),
                    CCS + record(21, b"\x02\x78"),
                    sealed(hs(5, b"") + b"\x16") + sealed(FINISHED32 + b"\x16" + b"\x00" * 3)]


def client_hello_resuming():
    """A TLS 1.3 ClientHello offering a ticket (pre_shared_key, last) and early data (RFC 8446 §4.2.10, §4.2.11)."""
    exts = (extension(43, b"\x02\x03\x04") + extension(10, b"\x00\x02\x00\x1d") + extension(13, b"\x00\x02\x04\x03") +
            extension(51, b"\x00\x24\x00\x1d\x00\x20" + b"\x09" * 32) + extension(16, ext("h2")) + extension(42, b"") +
            extension(45, b"\x01\x01"))
    ident = b"\x00\x10" + b"\x77" * 16 + b"\x00\x00\x00\x01"
    binders = b"\x20" + b"\x55" * 32
    exts += extension(41, len(ident).to_bytes(2, "big") + ident + len(binders).to_bytes(2, "big") + binders)
    body = (b"\x03\x03" + b"\x01" * 32 + b"\x20" + b"\x02" * 32 + b"\x00\x02\x13\x01\x01\x00" +
            len(exts).to_bytes(2, "big") + exts)
    return record(22, hs(1, body), b"\x03\x01")


def varint(v):
    """A QUIC variable-length integer in its shortest form (RFC 9000 §16)."""
    for size, prefix in ((1, 0x00), (2, 0x40), (4, 0x80), (8, 0xC0)):
        if v < 1 << (8 * size - 2):
            b = bytearray(v.to_bytes(size, "big"))
            b[0] |= prefix
            return bytes(b)
    raise ValueError(v)


def crypto_frame(offset, data):
    return b"\x06" + varint(offset) + varint(len(data)) + data


def close_frame(code, frame_type=0, reason=b""):
    return b"\x1c" + varint(code) + varint(frame_type) + varint(len(reason)) + reason


def quic_client_hello(alpn=ext("h3"), tp_scid=bytes.fromhex("c55c1d0042000001")):
    """A QUIC ClientHello (RFC 9001 §8): TLS 1.3 only, no session id, X25519 share, ECDSA P-256 accepted, ALPN and
    quic_transport_parameters (57) whose initial_source_connection_id is the Source Connection ID of
    fuzz_quic_server's packets."""
    tp = b"\x0f" + varint(len(tp_scid)) + tp_scid + b"\x04\x04\x80\x01\x00\x00" + b"\x03\x02\x45\xac"
    exts = (extension(43, b"\x02\x03\x04") + extension(10, b"\x00\x02\x00\x1d") +
            extension(13, b"\x00\x02\x04\x03") + extension(51, b"\x00\x24\x00\x1d\x00\x20" + b"\x09" * 32) +
            extension(0, b"\x00\x0c\x00\x00\x09localhost") + (extension(16, alpn) if alpn is not None else b"") +
            extension(57, tp))
    body = b"\x03\x03" + b"\x01" * 32 + b"\x00" + b"\x00\x02\x13\x01\x01\x00" + len(exts).to_bytes(2, "big") + exts
    return hs(1, body)


def quic_chunks(mode, *frames):
    """fuzz_quic_server's input: the mode byte, then each packet's frames with a 2-byte length."""
    return bytes([mode]) + b"".join(len(f).to_bytes(2, "big") + f for f in frames)


QCH = quic_client_hello()
QUIC_SERVER = [
    # A ClientHello in one Initial, then the client's Finished (not verifying), or its close 0x178 (RFC 9001 §8.1).
    quic_chunks(1, crypto_frame(0, QCH), crypto_frame(0, FINISHED32)),
    quic_chunks(1, crypto_frame(0, QCH), b"\x02\x00\x00\x00\x00" + close_frame(0x178, 6)),
    # The ClientHello in two Initials, second half first; one without ALPN or transport parameters.
    quic_chunks(1, crypto_frame(100, QCH[100:]), b"\x01" + crypto_frame(0, QCH[:100])),
    quic_chunks(1, crypto_frame(0, quic_client_hello(alpn=None)), close_frame(0x16d)),
    # Handshake packets after the flight: Finished, ACK and close, a close in an application frame, garbage.
    quic_chunks(2, b"\x02\x01\x00\x00\x01" + crypto_frame(0, FINISHED32)),
    quic_chunks(2, close_frame(0x10a, 6, b"unexpected"), crypto_frame(0, FINISHED32)),
    quic_chunks(2, b"\x00" * 20 + b"\x01", crypto_frame(0, hs(20, b"\xf1" * 20)), b"\x1e"),
    # 1-RTT: a STREAM frame (not read by the carrier), an application close.
    quic_chunks(3, b"\x0a\x00\x05hello", b"\x1d\x00\x00\x00"),
    # Raw datagrams: a long header of an unknown version, a short header, a too-short Initial.
    quic_chunks(0, b"\xc0\x1a\x2a\x3a\x4a\x08" + ODCID_BYTES + b"\x00" * 1200, b"\x40" + b"\x11" * 30,
                b"\xc3\x00\x00\x00\x01\x08" + ODCID_BYTES + b"\x00\x00\x40\x10" + b"\x22" * 16),
]


# fuzz_decrypt_record: a first byte (suite, sequence number), then a record as received or an inner plaintext.
DECRYPT = [bytes([k]) + b for k in (0, 1, 2, 5) for b in (
    FINISHED32 + b"\x16", EE_H2 + b"\x16" + b"\x00" * 16, b"\x02\x28\x15", b"\x00" * 8, b"GET /\x17",
    record(23, b"\x33" * 40), record(23, b"\x00" * 17))]


def registry_names():
    with open(os.path.join(ROOT, "src", "registry.tsv")) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(cols) < 2:
                continue
            try:
                yield bytes.fromhex(cols[0])
            except ValueError:
                continue


def dict_quote(b):
    return '"' + "".join(chr(c) if 32 <= c < 127 and c not in (34, 92) else f"\\x{c:02X}" for c in b) + '"'


def pid(name):
    """Canonical protocol-id (RFC 7639 §2): tchar raw except '%', everything else %HH upper-case."""
    tchar = set(b"!#$&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    return b"".join(bytes([c]) if c in tchar else b"%%%02X" % c for c in name)


def write_dict(target, comment, entries):
    with open(os.path.join(CORPUS, f"{target}.dict"), "w") as f:
        f.write(f"# {comment} (written by harness/fuzz/make-corpus.py)\n")
        seen = set()
        for e in entries:
            if e not in seen:
                seen.add(e)
                f.write(dict_quote(e) + "\n")


def main():
    for s in CLIENT_VALID + MALFORMED:
        add_seed("fuzz_list_client", s)
    # The largest list: 65535 bytes, 32767 names (SRV-MANY-TINY-NAMES), supported name last.
    add_seed("fuzz_list_client", ext(*(["a"] * 32766), "h2"))
    for s in SERVER_ANSWERS:
        add_seed("fuzz_list_server", s)
    for h in HEADERS:
        add_seed("fuzz_header", h.encode())
    add_seed("fuzz_header", ext("h2", "http/1.1"))
    add_seed("fuzz_header", ext(b'%,"\x00'))
    # fuzz_header_format reads extension_data and names: the lists above, and names that need percent-encoding.
    for s in CLIENT_VALID + MALFORMED[:6]:
        add_seed("fuzz_header_format", s)
    for n in (b"h2", b"http/1.1", b"%", b"\x00\xff", b'w=x:y#z', LONG.encode()):
        add_seed("fuzz_header_format", n)
    # 258 names of 255 bytes: decodes to more than 65535 bytes of list (HDR-NAME-LENGTH / list limit).
    add_seed("fuzz_header", ",".join([LONG] * 258).encode())
    for s in SELECT:
        add_seed("fuzz_select", s)
    add_seed("fuzz_negative", b"fine")
    add_seed("fuzz_negative", b"BOO")
    add_seed("fuzz_negative", b"BOOM", "repro")
    for s in SERVER_FLIGHTS:
        add_seed("fuzz_server_flight", s)
    # fuzz_probe_flight: byte 0 the probe (0 TLS 1.3, 1 TLS 1.2 with NPN, 2 TLS 1.3 forcing a HelloRetryRequest), byte
    # 1 the piece size (0: whole), then what the server sends: the flights above and the hostile answers of
    # integration_hostile (skipped records up to the cap and past it, alerts empty, half and split, SSLv2, a header
    # over the bound).
    hostile = [CCS * 32 + record(21, b"\x02\x28"), CCS * 33, record(21, b""), record(21, b"\x02"),
               record(22, SH12) + record(21, b"\x02") + record(21, b"\x28"),
               b"\x80\x1c\x04\x00\x01\x00\x02\x00\x00\x00\x03\x00\x10\x01\x00\x80" + b"\x07" * 16,
               record(22, b"\x02\xff\xff\xff")]
    for s in SERVER_FLIGHTS + hostile:
        for probe, piece in ((0, 0), (1, 0), (2, 0), (0, 7), (1, 1)):
            add_seed("fuzz_probe_flight", bytes([probe, piece]) + s)
    hellos = os.path.join(CORPUS, "fuzz_tls_record.in")
    for name in sorted(os.listdir(hellos))[:2]:
        with open(os.path.join(hellos, name), "rb") as f:
            hello = f.read()
        if hello[:1] != b"\x16":
            continue
        # The captured hello with each reaction after it, and split over two records.
        for r in CLIENT_REACTIONS:
            add_seed("fuzz_tls_record", hello + r)
        body = hello[5:]
        add_seed("fuzz_tls_record", record(22, body[:40], hello[1:3]) + record(22, body[40:], hello[1:3]))
    # TLS 1.2: the client goes on with ClientKeyExchange (acceptance), or with something else (a stall).
    exts12 = extension(16, ext("h2"))
    hello12 = record(22, hs(1, b"\x03\x03" + b"\x01" * 32 + b"\x00\x00\x02\xc0\x2f\x01\x00" +
                            len(exts12).to_bytes(2, "big") + exts12), b"\x03\x01")
    add_seed("fuzz_tls_record", hello12 + record(22, hs(16, b"\x20" + b"\x09" * 32)))
    add_seed("fuzz_tls_record", hello12 + CCS + record(22, hs(20, b"\xf1" * 12)))
    # Resuming with 0-RTT: early data, EndOfEarlyData under the early key, Finished under the handshake key.
    resuming = client_hello_resuming()
    add_seed("fuzz_tls_record", resuming + sealed(b"GET /\x17") + sealed(hs(5, b"") + b"\x16"))
    add_seed("fuzz_tls_record", resuming + record(23, b"\x44" * 30) + sealed(FINISHED32 + b"\x16"))
    for s in DECRYPT:
        add_seed("fuzz_decrypt_record", s)
    for s in QUIC_SERVER:
        add_seed("fuzz_quic_server", s)
    for t in ("fuzz_list_client", "fuzz_list_server", "fuzz_select", "fuzz_negative", "fuzz_header", "fuzz_wire"):
        os.makedirs(os.path.join(CORPUS, f"{t}.repro"), exist_ok=True)

    names = list(registry_names())
    wire = [bytes([len(n)]) + n for n in names] + [b"\x00\x00", b"\x00\x01\x00", b"\x00\xff", b"\xff\xff", b"\x00"]
    for t in ("fuzz_list_client", "fuzz_list_server", "fuzz_select"):
        write_dict(t, "ProtocolNameList elements: registry names with their length byte; lengths", wire)
    header = sorted({pid(n) for n in names}) + [
        b", ", b",", b" ", b"\t", b"%", b"%25", b"%2F", b"%2f", b"%00", b"%C3%9D", b'"', b";", b"="]
    write_dict("fuzz_header", "ALPN header tokens: registry names as canonical protocol-ids; separators; escapes",
               header)
    write_dict("fuzz_header_format", "extension_data and names: registry names with their length byte, lengths, "
               "bytes that are percent-encoded", wire + [b"%", b",", b" ", b"\x00", b"\xff", b"\x7f"])
    write_dict("fuzz_negative", "the magic input of the deliberate over-read", [b"BOOM"])
    write_dict("fuzz_wire", "TLS record and handshake framing, extension 16 (ALPN), registry names",
               [b"\x16\x03\x03", b"\x15\x03\x03", b"\x17\x03\x03", b"\x03\x03", b"\x00\x10", b"\x00\x2b",
                b"\x00\x33", b"\x33\x74", b"\x02\x00", b"\x08\x00"] + wire[:len(names)])
    framing = [b"\x16\x03\x03", b"\x15\x03\x03", b"\x17\x03\x03", b"\x17\x03\x04", b"\x14\x03\x03\x00\x01\x01",
               b"\x03\x03",
               b"\x03\x04", b"\x13\x01", b"\x13\x02", b"\x13\x03", b"\x00\x10", b"\x00\x2b", b"\x00\x33",
               b"\x00\x2c", b"\x00\x29", b"\x00\x2a", b"\x00\x1d\x00\x20", b"\x00\x17\x00\x41", b"\x16",
               b"\x02\x00", b"\x08\x00", b"\x0b\x00", b"\x0d\x00", b"\x0f\x00", b"\x14\x00\x00\x20",
               b"\x0e\x00\x00\x00", b"\x05\x00\x00\x00", b"\x04\x00", HRR_RANDOM]
    for t in ("fuzz_tls_record", "fuzz_server_flight", "fuzz_probe_flight"):
        write_dict(t, "TLS records, handshake message types, versions, suites, extension types, inner content types, "
                   "registry names", framing + wire[:len(names)])
    write_dict("fuzz_decrypt_record", "inner content types, record header, handshake message headers",
               [b"\x16", b"\x15", b"\x17", b"\x17\x03\x03", b"\x00\x00\x00\x00", b"\x14\x00\x00\x20",
                b"\x08\x00", b"\x04\x00"])
    write_dict("fuzz_quic_server", "QUIC frame types, varint prefixes, handshake message headers, crypto error codes",
               [b"\x06\x00", b"\x1c\x41\x78", b"\x1c\x41\x32", b"\x1d\x00", b"\x02\x00\x00\x00\x00", b"\x01",
                b"\x1e", b"\x00\x39", b"\x00\x10", b"\x14\x00\x00\x20", b"\x01\x00", b"\x40", b"\x80"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
