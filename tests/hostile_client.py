#!/usr/bin/python3
"""A hostile TLS client for the deadline tests: connects to HOST PORT, sends a well-formed TLS 1.3 ClientHello
(x25519, TLS_AES_128_GCM_SHA256, ecdsa_secp256r1_sha256, ALPN h2) and then change_cipher_spec records without end,
keeping alpncheck's side readable, until the connection goes or it is killed; or, with MODE drip, sends that
ClientHello one byte every 200 ms.

usage: hostile_client.py HOST PORT [MODE]   (MODE: flood, the default, or drip)
"""
import os
import socket
import struct
import sys
import time


def ext(kind, body):
    return struct.pack(">HH", kind, len(body)) + body


def client_hello():
    alpn = b"\x02h2"
    exts = ext(43, b"\x02\x03\x04")                                          # supported_versions: TLS 1.3
    exts += ext(10, struct.pack(">HH", 2, 29))                               # supported_groups: x25519
    exts += ext(13, struct.pack(">HH", 2, 0x0403))                           # signature_algorithms
    exts += ext(51, struct.pack(">HHH", 36, 29, 32) + os.urandom(32))        # key_share: x25519
    exts += ext(16, struct.pack(">H", len(alpn)) + alpn)                     # ALPN: h2
    body = b"\x03\x03" + os.urandom(32) + b"\x20" + os.urandom(32)           # legacy_session_id of 32 bytes
    body += struct.pack(">HH", 2, 0x1301) + b"\x01\x00" + struct.pack(">H", len(exts)) + exts
    msg = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack(">H", len(msg)) + msg


s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
if sys.argv[3:] == ["drip"]:
    try:
        for b in client_hello():
            s.sendall(bytes([b]))
            time.sleep(0.2)
    except OSError:
        pass
    sys.exit(0)
s.sendall(client_hello())
chunk = b"\x14\x03\x03\x00\x01\x01" * 2048
try:
    while True:
        s.sendall(chunk)
except OSError:
    pass
