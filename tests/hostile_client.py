#!/usr/bin/python3
"""A hostile TLS client for the deadline tests: connects to HOST PORT, sends a well-formed TLS 1.3 ClientHello
(x25519, TLS_AES_128_GCM_SHA256, ecdsa_secp256r1_sha256, ALPN h2) and then change_cipher_spec records without end,
keeping alpncheck's side readable, until the connection goes or it is killed; or, with MODE drip, sends that
ClientHello one byte every 200 ms.

usage: hostile_client.py HOST PORT [MODE [FILE]]   (MODE: flood, the default, or drip; or reset: the ClientHello, then a
TCP reset; sslv2: an SSLv2-format CLIENT-HELLO; http: an HTTP/1.1 request; huge-header: a ClientHello header claiming
16 MiB, then zeros; after-handshake: a whole TLS 1.3 handshake (Python's ssl, no certificate check, offering h2 and
http/1.1), then bytes without end under it, as fast as the socket takes them, for at most 60 s; how many it sent is
appended to the file named by a fourth argument; hs-stream: the ClientHello, then the header of a 64 KiB Certificate
message and one byte of it per record, some 10,000 records a second: records that are not skipped, under alpncheck's
byte budget within its deadline, so that only the deadline can stop it; bad-point: a ClientHello whose X25519 key
share is all zeros, a small-order point; alert-unknown, alert-short, alert-empty: the ClientHello, and once the
server's flight has begun to arrive, an alert of level 3 and description 255, an alert record of one byte, or an
alert record of no bytes, then silence)
"""
import os
import socket
import ssl
import struct
import sys
import time


def ext(kind, body):
    return struct.pack(">HH", kind, len(body)) + body


def client_hello(share=None):
    share = os.urandom(32) if share is None else share
    alpn = b"\x02h2"
    exts = ext(43, b"\x02\x03\x04")                                          # supported_versions: TLS 1.3
    exts += ext(10, struct.pack(">HH", 2, 29))                               # supported_groups: x25519
    exts += ext(13, struct.pack(">HH", 2, 0x0403))                           # signature_algorithms
    exts += ext(51, struct.pack(">HHH", 36, 29, 32) + share)                 # key_share: x25519
    exts += ext(16, struct.pack(">H", len(alpn)) + alpn)                     # ALPN: h2
    body = b"\x03\x03" + os.urandom(32) + b"\x20" + os.urandom(32)           # legacy_session_id of 32 bytes
    body += struct.pack(">HH", 2, 0x1301) + b"\x01\x00" + struct.pack(">H", len(exts)) + exts
    msg = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack(">H", len(msg)) + msg


s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
mode = sys.argv[3] if len(sys.argv) > 3 else "flood"
wrong = {
    # SSLv2 CLIENT-HELLO (msg_type 1): a two-byte header with the high bit set, version 0x0002, one cipher spec.
    "sslv2": b"\x80\x1c\x01\x00\x02\x00\x03\x00\x00\x00\x10\x01\x00\x80" + os.urandom(16),
    "http": b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "huge-header": b"\x16\x03\x01\x40\x00\x01\xff\xff\xff" + bytes(0x4000 - 4),
}
if mode == "reset":
    s.sendall(client_hello())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    sys.exit(0)
if mode in wrong:
    try:
        s.sendall(wrong[mode])
        if mode == "huge-header":
            for _ in range(128):
                s.sendall(b"\x16\x03\x01\x40\x00" + bytes(0x4000))
        time.sleep(5)
    except OSError:
        pass
    sys.exit(0)
if mode == "after-handshake":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    sent = 0
    try:
        tls = ctx.wrap_socket(s, server_hostname="localhost")
        # The bytes go under TLS, straight to the socket: alpncheck discards what follows its ticket unread.
        raw = socket.socket(fileno=os.dup(tls.fileno()))
        raw.settimeout(30)
        chunk = bytes(1 << 16)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            sent += raw.send(chunk)
    except OSError:
        pass
    if len(sys.argv) > 4:
        with open(sys.argv[4], "a") as f:
            f.write("%d\n" % sent)
    sys.exit(0)


def bad_point():
    s.sendall(client_hello(bytes(32)))
    time.sleep(5)


ODD_ALERTS = {"alert-unknown": b"\x15\x03\x03\x00\x02\x03\xff", "alert-short": b"\x15\x03\x03\x00\x01\x02",
              "alert-empty": b"\x15\x03\x03\x00\x00"}


def odd_alert():
    s.sendall(client_hello())
    s.recv(1)  # the server's flight has begun
    s.sendall(ODD_ALERTS[mode])
    time.sleep(5)


def hs_stream():
    s.sendall(client_hello())
    s.sendall(b"\x16\x03\x03\x00\x04\x0b\x01\x00\x00")  # Certificate, 65536 bytes to come
    while True:
        s.sendall(b"\x16\x03\x03\x00\x01\x00" * 200)
        time.sleep(0.02)


def drip():
    for b in client_hello():
        s.sendall(bytes([b]))
        time.sleep(0.2)


def flood():
    s.sendall(client_hello())
    chunk = b"\x14\x03\x03\x00\x01\x01" * 2048
    while True:
        s.sendall(chunk)


# Every mode ends when alpncheck closes or resets the connection (or the mode's own time is up).
action = {"bad-point": bad_point, "hs-stream": hs_stream, "drip": drip, **{m: odd_alert for m in ODD_ALERTS}}
try:
    action.get(mode, flood)()
except OSError:
    pass
