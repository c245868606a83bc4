#!/usr/bin/python3
"""An HTTPS server of ours on 127.0.0.1 for SRV-ALT-SVC: TLS with ALPN http/1.1, and to every request an HTTP/1.1 200
answer carrying each given value as its own Alt-Svc field line (none when no value is given), then close.

usage: altsvc_server.py PORT CERT KEY [ALT-SVC-VALUE...]   Serves until killed.
"""
import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopback_server import serve_forever  # noqa: E402

port, cert, key, values = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.set_alpn_protocols(["http/1.1"])
fields = "".join(f"Alt-Svc: {v}\r\n" for v in values)
body = b"hello\n"
answer = (f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n{fields}Content-Length: {len(body)}\r\n"
          "Connection: close\r\n\r\n").encode("latin-1") + body


def serve(conn):
    try:
        conn.settimeout(5)
        tls = ctx.wrap_socket(conn, server_side=True)
        request = b""
        while b"\r\n\r\n" not in request and len(request) < 16384:
            chunk = tls.recv(4096)
            if not chunk:
                break
            request += chunk
        if request:
            tls.sendall(answer)
        tls.close()
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


serve_forever(port, serve)
