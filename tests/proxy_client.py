#!/usr/bin/python3
"""A TLS client that goes through an HTTP proxy with CONNECT and an ALPN field of the test's choosing, for the
CLI-PROXY-* checks of `alpncheck client --proxy` (real clients such as curl send no ALPN field).

usage: proxy_client.py PROXY_HOST PROXY_PORT CA ALPN_LIST FIELD
  ALPN_LIST  the protocols the ClientHello offers, comma-separated
  FIELD      the ALPN field value sent with CONNECT exactly as given, or - for none; a '|' splits it into several
             ALPN field lines
Exit status: 0 when the TLS handshake in the tunnel completed, 1 otherwise.
"""
import socket
import ssl
import sys

host, port, ca, alpn, field = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
sock = socket.create_connection((host, port), timeout=10)
head = "CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n"
if field != "-":
    head += "".join(f"ALPN: {line}\r\n" for line in field.split("|"))
sock.sendall((head + "\r\n").encode("latin-1"))
answer = b""
while b"\r\n\r\n" not in answer:
    chunk = sock.recv(1)  # one byte at a time: nothing of the tunnel is read here
    if not chunk:
        sys.exit("proxy_client: the proxy closed the connection")
    answer += chunk
if not answer.startswith(b"HTTP/1.1 200") and not answer.startswith(b"HTTP/1.0 200"):
    sys.exit(f"proxy_client: the proxy answered {answer[:40]!r}")
ctx = ssl.create_default_context(cafile=ca)
if alpn:
    ctx.set_alpn_protocols(alpn.split(","))
try:
    with ctx.wrap_socket(sock, server_hostname="localhost") as tls:
        print("negotiated:", tls.selected_alpn_protocol())
except (ssl.SSLError, OSError) as e:
    sys.exit(f"proxy_client: {e}")
