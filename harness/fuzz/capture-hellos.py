#!/usr/bin/env python3
"""Captures the ClientHellos of real TLS clients, and the answers of real TLS servers, on the loopback as seeds.

A listener on a free 127.0.0.1 port reads each client's first flight until the ClientHello message is complete, then
closes the connection (the clients fail their handshake, as they should). For every hello:
  corpus/fuzz_tls_record.in/          the bytes as received (TLS records): what alpncheck client reads
  corpus/fuzz_tls_client_hello.in/    the handshake message body
  corpus/fuzz_list_client.in/         the ALPN extension_data (extension 16)
  corpus/fuzz_header_format.in/       the same extension_data
  corpus/fuzz_select.in/              a server list {h2, http/1.1} followed by that extension_data
Then real servers (openssl s_server, gnutls-serv; TLS 1.3 and 1.2, ALPN h2) on free ports, with a throw-away
certificate, get the captured openssl hellos, and what they send back until they go quiet is filed in
  corpus/fuzz_server_flight.in/       what alpncheck server reads after its ClientHello
Each seed is named by its SHA-256. Programs that are not installed are skipped with a note.
Needs: openssl, gnutls-bin, curl.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module  # noqa: E402

corpus_tool = import_module("make-corpus")


def read_hello(conn):
    """Reads records until one ClientHello handshake message is complete; returns (raw records, message body)."""
    raw = b""
    hs = b""
    conn.settimeout(10)
    while True:
        while len(raw) < 5 or len(raw) < 5 + int.from_bytes(raw[3:5], "big"):
            chunk = conn.recv(65536)
            if not chunk:
                raise ValueError("connection closed before a complete record")
            raw += chunk
        # Walk the complete records received so far and collect handshake bytes.
        hs = b""
        pos = 0
        while pos + 5 <= len(raw):
            n = int.from_bytes(raw[pos + 3:pos + 5], "big")
            if pos + 5 + n > len(raw):
                break
            if raw[pos] != 22:
                raise ValueError("first record is not a handshake record")
            hs += raw[pos + 5:pos + 5 + n]
            pos += 5 + n
        if len(hs) >= 4 and hs[0] == 1 and len(hs) >= 4 + int.from_bytes(hs[1:4], "big"):
            body = hs[4:4 + int.from_bytes(hs[1:4], "big")]
            return raw[:pos], body
        if pos == len(raw):
            chunk = conn.recv(65536)
            if not chunk:
                raise ValueError("connection closed inside the ClientHello")
            raw += chunk


def alpn_of(body):
    """The extension_data of extension 16 in a ClientHello body (RFC 8446 §4.1.2), or None."""
    pos = 2 + 32
    pos += 1 + body[pos]                                     # legacy_session_id
    pos += 2 + int.from_bytes(body[pos:pos + 2], "big")      # cipher_suites
    pos += 1 + body[pos]                                     # legacy_compression_methods
    end = pos + 2 + int.from_bytes(body[pos:pos + 2], "big")
    pos += 2
    while pos + 4 <= end:
        etype = int.from_bytes(body[pos:pos + 2], "big")
        n = int.from_bytes(body[pos + 2:pos + 4], "big")
        if etype == 16:
            return body[pos + 4:pos + 4 + n]
        pos += 4 + n
    return None


def capture(name, argv_for_port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    result = {}

    def serve():
        try:
            conn, _ = listener.accept()
            with conn:
                result["raw"], result["body"] = read_hello(conn)
        except (OSError, ValueError) as e:
            result["error"] = str(e)

    t = threading.Thread(target=serve)
    t.start()
    argv = argv_for_port(port)
    try:
        subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=20)
    except subprocess.TimeoutExpired:
        pass
    t.join(timeout=20)
    listener.close()
    if "body" not in result:
        print(f"  {name}: no ClientHello captured ({result.get('error', 'no connection')})")
        return None
    raw, body = result["raw"], result["body"]
    corpus_tool.add_seed("fuzz_tls_record", raw)
    corpus_tool.add_seed("fuzz_tls_client_hello", body)
    ext = alpn_of(body)
    if ext is None:
        print(f"  {name}: {len(body)}-byte ClientHello without ALPN")
        return raw
    corpus_tool.add_seed("fuzz_list_client", ext)
    corpus_tool.add_seed("fuzz_header_format", ext)
    corpus_tool.add_seed("fuzz_select", corpus_tool.server_list("h2", "http/1.1") + ext)
    print(f"  {name}: {len(body)}-byte ClientHello, ALPN extension_data {ext.hex()}")
    return raw


CLIENTS = [
    ("openssl s_client (TLS 1.3)", "openssl",
     lambda p: ["openssl", "s_client", "-connect", f"127.0.0.1:{p}", "-servername", "localhost",
                "-alpn", "h2,http/1.1"]),
    ("openssl s_client (TLS 1.2)", "openssl",
     lambda p: ["openssl", "s_client", "-connect", f"127.0.0.1:{p}", "-tls1_2", "-alpn", "http/1.1,h2,acme-tls/1"]),
    ("gnutls-cli", "gnutls-cli",
     lambda p: ["gnutls-cli", "--insecure", "--alpn=h2", "--alpn=http/1.1", "-p", str(p), "127.0.0.1"]),
    ("gnutls-cli (h3, h2, spdy/3.1)", "gnutls-cli",
     lambda p: ["gnutls-cli", "--insecure", "--alpn=h3", "--alpn=h2", "--alpn=spdy/3.1", "-p", str(p), "127.0.0.1"]),
    ("curl --http2", "curl", lambda p: ["curl", "-sk", "--http2", f"https://127.0.0.1:{p}/"]),
    ("curl --http1.1", "curl", lambda p: ["curl", "-sk", "--http1.1", f"https://127.0.0.1:{p}/"]),
]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_until_quiet(conn, quiet=1.0, limit=1 << 16):
    """What a server sends until it says nothing for quiet seconds, closes, or sends limit bytes."""
    got = b""
    conn.settimeout(quiet)
    while len(got) < limit:
        try:
            chunk = conn.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        got += chunk
    return got


def capture_flight(name, argv, port, hello):
    """Starts a server, sends it a captured ClientHello, files its answer; always stops the server."""
    server = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):  # up to 5 s for the listener
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            print(f"  {name}: the server did not listen")
            return 0
        with conn:
            conn.sendall(hello)
            flight = read_until_quiet(conn)
    finally:
        server.kill()
        server.wait()
    if not flight:
        print(f"  {name}: no answer")
        return 0
    corpus_tool.add_seed("fuzz_server_flight", flight)
    print(f"  {name}: {len(flight)} bytes of answer")
    return 1


def capture_flights(hellos):
    """openssl s_server and gnutls-serv answering the captured TLS 1.3 and 1.2 hellos of openssl s_client."""
    got = 0
    with tempfile.TemporaryDirectory() as tmp:
        key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
        r = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            print("  servers: skipped, no certificate (openssl req failed)")
            return 0
        servers = [
            ("openssl s_server", "openssl", lambda p: ["openssl", "s_server", "-accept", str(p), "-cert", cert, "-key",
                                                        key, "-alpn", "h2,http/1.1", "-naccept", "1"]),
            ("gnutls-serv", "gnutls-serv", lambda p: ["gnutls-serv", "-p", str(p), "--x509certfile", cert,
                                                       "--x509keyfile", key, "--alpn=h2", "--alpn=http/1.1"]),
        ]
        for name, tool, argv in servers:
            if shutil.which(tool) is None:
                print(f"  {name}: skipped, {tool} is not installed")
                continue
            for version, hello in hellos:
                port = free_port()
                got += capture_flight(f"{name} answering {version}", argv(port), port, hello)
    return got


def main():
    got = 0
    hellos = []
    for name, tool, argv in CLIENTS:
        if shutil.which(tool) is None:
            print(f"  {name}: skipped, {tool} is not installed")
            continue
        raw = capture(name, argv)
        if raw is not None:
            got += 1
            if name.startswith("openssl"):
                hellos.append((name.split("(")[1].rstrip(")"), raw))
    print(f"captured {got} ClientHellos")
    flights = capture_flights(hellos)
    print(f"captured {flights} server answers")
    return 0 if got else 1


if __name__ == "__main__":
    sys.exit(main())
