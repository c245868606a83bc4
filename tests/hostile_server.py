#!/usr/bin/python3
"""Hostile TLS servers on 127.0.0.1 for the deadline tests: each answers a ClientHello with a well-formed TLS 1.3
ServerHello (or a TLS 1.2 one) and then misbehaves forever, keeping the socket readable.

usage: hostile_server.py PORT MODE   with MODE ccs-flood (TLS 1.3 ServerHello, then change_cipher_spec records
without end, as fast as the socket takes them), hs-stream (TLS 1.3 ServerHello, then the header of a 64 KiB
Certificate message and one byte of it per record, some 10,000 records a second: records that are not skipped, under
alpncheck's byte budget within its deadline, so that only the deadline can stop it), hello-request-flood (TLS 1.2 ServerHello, then HelloRequest
messages without end), drip (a TLS 1.2 flight, ServerHello selecting the first offered ALPN name and
ServerHelloDone: at once on the first two connections, the version probe and the --alpn check, then one byte every
200 ms on every later connection); and answers that are wrong at once, on every connection: reset (a TCP reset
right after the ClientHello), hrr-twice (a HelloRetryRequest, and another one for the second ClientHello), sslv2 (an
SSLv2-format SERVER-HELLO), http (an HTTP/1.1 400 response), huge-header (a ServerHello header claiming 16 MiB, then
zeros), duplicate-alpn (a TLS 1.2 flight whose ServerHello has two ALPN extensions), duplicate-ext (one with two
extended_master_secret extensions), tls13-in-tls12 (a ServerHello selecting TLS 1.3 in supported_versions, to a
ClientHello that offers TLS 1.2 only), bad-point (a TLS 1.3 ServerHello whose X25519 key share is all zeros, a
small-order point), alert-unknown (an alert of level 3 and description 255, neither defined), alert-short (an alert
record of one byte, the first half of an alert, then the close), alert-empty (an alert record of no bytes); and
reneg-drip CERT KEY: a real TLS 1.2 handshake (Python's ssl, h2 and
http/1.1), then, to a renegotiation ClientHello, a record header promising 16 KiB and one byte of it a second, for at
most 60 s. Serves until killed; every connection in its own thread.
"""
import os
import socket
import ssl
import struct
import sys
import threading
import time

from loopback_server import serve_forever

port, mode = int(sys.argv[1]), sys.argv[2]


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def client_hello(conn):
    """The first handshake message's body (records joined), enough to echo its legacy_session_id."""
    body = b""
    while True:
        head = read_exact(conn, 5)
        body += read_exact(conn, struct.unpack(">H", head[3:5])[0])
        if len(body) >= 4 and len(body) >= 4 + int.from_bytes(body[1:4], "big"):
            return body[4:4 + int.from_bytes(body[1:4], "big")]


def extensions(ch):
    """The ClientHello's extensions as {type: data} (the first of a type)."""
    at = 34
    at += 1 + ch[at]                                    # legacy_session_id
    at += 2 + int.from_bytes(ch[at:at + 2], "big")      # cipher_suites
    at += 1 + ch[at]                                    # legacy_compression_methods
    end = at + 2 + int.from_bytes(ch[at:at + 2], "big")
    at += 2
    found = {}
    while at + 4 <= end:
        kind, size = struct.unpack(">HH", ch[at:at + 4])
        found.setdefault(kind, ch[at + 4:at + 4 + size])
        at += 4 + size
    return found


def first_alpn(ch):
    """The first name of the ClientHello's ALPN list, or None."""
    data = extensions(ch).get(16)
    if not data or len(data) < 3:
        return None
    return data[3:3 + data[2]]


def handshake(kind, body):
    return bytes([kind]) + len(body).to_bytes(3, "big") + body


def record(msgs):
    return b"\x16\x03\x03" + struct.pack(">H", len(msgs)) + msgs


def tls12_flight(ch, exts=b""):
    """ServerHello (TLS 1.2, ECDHE-RSA-AES128-GCM, the given extensions) and ServerHelloDone in one record."""
    sid_len = ch[34]
    body = b"\x03\x03" + os.urandom(32) + bytes([sid_len]) + ch[35:35 + sid_len] + struct.pack(">HB", 0xC02F, 0)
    body += struct.pack(">H", len(exts)) + exts
    return record(handshake(2, body) + handshake(14, b""))


def alpn_ext(name):
    return struct.pack(">HHHB", 16, len(name) + 3, len(name) + 1, len(name)) + name


HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")


def hello_retry(ch):
    """A HelloRetryRequest (RFC 8446 §4.1.4) asking for a secp256r1 share."""
    sid_len = ch[34]
    exts = struct.pack(">HHH", 43, 2, 0x0304) + struct.pack(">HHH", 51, 2, 23)
    body = b"\x03\x03" + HRR_RANDOM + bytes([sid_len]) + ch[35:35 + sid_len] + struct.pack(">HB", 0x1301, 0)
    return record(handshake(2, body + struct.pack(">H", len(exts)) + exts))


def wrong_at_once(conn, ch):
    """The modes that answer wrongly at once."""
    name = first_alpn(ch) or b"h2"
    if mode == "reset":
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return
    if mode == "hrr-twice":
        conn.sendall(hello_retry(ch))
        conn.sendall(hello_retry(client_hello(conn)))
    elif mode == "sslv2":
        # SSLv2 SERVER-HELLO (msg_type 4): a two-byte header with the high bit set, then the message.
        body = b"\x04\x00\x01\x00\x02" + struct.pack(">HHH", 0, 3, 16) + b"\x01\x00\x80" + os.urandom(16)
        conn.sendall(struct.pack(">H", 0x8000 | len(body)) + body)
    elif mode == "http":
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    elif mode == "huge-header":
        conn.sendall(b"\x16\x03\x03\x40\x00\x02\xff\xff\xff" + bytes(0x4000 - 4))
        for _ in range(128):
            conn.sendall(b"\x16\x03\x03\x40\x00" + bytes(0x4000))
    elif mode == "duplicate-alpn":
        conn.sendall(tls12_flight(ch, alpn_ext(name) + alpn_ext(name)))
    elif mode == "duplicate-ext":
        conn.sendall(tls12_flight(ch, alpn_ext(name) + struct.pack(">HH", 23, 0) * 2))
    elif mode == "bad-point":
        conn.sendall(server_hello(ch, True, bytes(32)))
    elif mode == "alert-unknown":
        conn.sendall(b"\x15\x03\x03\x00\x02\x03\xff")
    elif mode == "alert-empty":
        conn.sendall(b"\x15\x03\x03\x00\x00")
    elif mode == "alert-short":
        conn.sendall(b"\x15\x03\x03\x00\x01\x02")
        return  # and close: half an alert, and nothing more
    elif mode == "tls13-in-tls12":
        key_share = struct.pack(">HHHH", 51, 36, 29, 32) + os.urandom(32)
        conn.sendall(tls12_flight(ch, struct.pack(">HHH", 43, 2, 0x0304) + key_share))
    time.sleep(3)


def server_hello(ch, tls13, share=None):
    sid_len = ch[34]
    sid = ch[35:35 + sid_len]
    if tls13:
        # supported_versions: TLS 1.3; key_share: x25519 with 32 bytes (RFC 8446 §4.2.8); suite TLS_AES_128_GCM_SHA256
        share = os.urandom(32) if share is None else share
        ext = struct.pack(">HHH", 43, 2, 0x0304) + struct.pack(">HHHH", 51, 36, 29, 32) + share
        suite = 0x1301
    else:
        ext = b""
        suite = 0xC02F  # TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    body = b"\x03\x03" + os.urandom(32) + bytes([sid_len]) + sid + struct.pack(">HB", suite, 0)
    body += struct.pack(">H", len(ext)) + ext
    msg = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x03" + struct.pack(">H", len(msg)) + msg


connections = 0
count_lock = threading.Lock()


def drip(conn, ch):
    global connections
    with count_lock:
        connections += 1
        nth = connections
    name = first_alpn(ch)
    flight = tls12_flight(ch, alpn_ext(name) if name else b"")
    if nth <= 2:
        conn.sendall(flight)
        time.sleep(1)
        return
    for i in range(len(flight)):
        conn.sendall(flight[i:i + 1])
        time.sleep(0.2)


def reneg_drip(conn):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    tls = ctx.wrap_socket(conn, server_side=True)
    # The renegotiation's ClientHello comes encrypted; it is read past TLS and answered on the bare socket.
    raw = socket.socket(fileno=os.dup(tls.fileno()))
    raw.settimeout(10)
    if not raw.recv(4096):
        return  # a connection without renegotiation (the profile's): nothing to drip
    raw.sendall(b"\x16\x03\x03\x40\x00")
    for _ in range(60):
        raw.sendall(b"\x00")
        time.sleep(1)


def serve(conn):
    try:
        if mode == "reneg-drip":
            reneg_drip(conn)
            return
        ch = client_hello(conn)
        if mode == "drip":
            drip(conn, ch)
            return
        if mode not in ("ccs-flood", "hs-stream", "hello-request-flood"):
            wrong_at_once(conn, ch)
            return
        if mode == "hs-stream":
            conn.sendall(server_hello(ch, True))
            conn.sendall(b"\x16\x03\x03\x00\x04\x0b\x01\x00\x00")  # Certificate, 65536 bytes to come
            chunk = b"\x16\x03\x03\x00\x01\x00" * 200
            while True:
                conn.sendall(chunk)
                time.sleep(0.02)
        if mode == "ccs-flood":
            conn.sendall(server_hello(ch, True))
            record = b"\x14\x03\x03\x00\x01\x01"
        else:
            conn.sendall(server_hello(ch, False))
            record = b"\x16\x03\x03\x00\x04\x00\x00\x00\x00"  # HelloRequest (RFC 5246 §7.4.1.1)
        chunk = record * 2048
        while True:
            conn.sendall(chunk)
    except (OSError, EOFError, ssl.SSLError):
        pass
    finally:
        conn.close()


serve_forever(port, serve)
