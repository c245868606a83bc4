#!/usr/bin/python3
"""Defective HTTP CONNECT proxies on 127.0.0.1 for the proxy tests: each reads a CONNECT head and misbehaves in one
way, so that every verdict of `alpncheck proxy` has a real peer that earns it.

usage: hostile_proxy.py PORT MODE [UPSTREAM_PORT]   with MODE
  refuse-unknown  answers 403 to a CONNECT whose ALPN field names anything but h2 or http/1.1 (a policy RFC 7639
                  §2.3 advises against), else a good tunnel
  refuse-all      answers 403 to every CONNECT (nothing can be tested)
  flip            opens the tunnel but changes one byte (the 10th) of what goes up
  text            opens the tunnel but passes bytes down as text: a NUL ends what it forwards
  no-connect      answers 200 and never connects to the target
  garbage         answers with bytes that are not HTTP
  endless-head    answers a status line, then header lines without end
  upstream-strip  chains every CONNECT to the upstream proxy 127.0.0.1:UPSTREAM_PORT without its ALPN field
Serves until killed; every connection in its own thread.
"""
import socket
import sys
import threading
import time

from loopback_server import serve_forever

port, mode = int(sys.argv[1]), sys.argv[2]
upstream_port = int(sys.argv[3]) if len(sys.argv) > 3 else 0


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            raise EOFError
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return lines[0].split()[1], fields, rest, lines


def pump(src, dst, change):
    try:
        while True:
            data = src.recv(4096)
            if not data:
                break
            dst.sendall(change(data))
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def flip_tenth(state):
    def change(data):
        if state["sent"] <= 9 < state["sent"] + len(data):
            i = 9 - state["sent"]
            data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]
        state["sent"] += len(data)
        return data
    return change


def as_text(data):
    return data.split(b"\0", 1)[0]


def serve(conn):
    with conn:
        try:
            target, fields, rest, lines = read_head(conn)
        except (EOFError, OSError):
            return
        alpn = fields.get("alpn")
        if mode == "refuse-all" or (mode == "refuse-unknown" and alpn is not None
                                    and alpn not in ("h2", "h2, http%2F1.1")):
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        if mode == "garbage":
            conn.sendall(b"\x16\x03\x03 this is not HTTP\r\n\r\n")
            return
        if mode == "endless-head":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            try:
                while True:
                    conn.sendall(b"X-Filler: " + b"a" * 200 + b"\r\n")
                    time.sleep(0.001)
            except OSError:
                return
        if mode == "no-connect":
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            time.sleep(10)
            return
        if mode == "upstream-strip":
            up = socket.create_connection(("127.0.0.1", upstream_port), timeout=10)
            kept = [line for line in lines if not line.lower().startswith("alpn:")]
            up.sendall(("\r\n".join(kept) + "\r\n\r\n").encode("latin-1"))
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += up.recv(4096)
            conn.sendall(answer)
        else:
            host, _, tport = target.rpartition(":")
            up = socket.create_connection((host.strip("[]"), int(tport)), timeout=10)
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        if rest:
            up.sendall(rest)
        up_change = flip_tenth({"sent": len(rest)}) if mode == "flip" else (lambda d: d)
        down_change = as_text if mode == "text" else (lambda d: d)
        t = threading.Thread(target=pump, args=(conn, up, up_change), daemon=True)
        t.start()
        pump(up, conn, down_change)
        t.join(5)


serve_forever(port, serve)
