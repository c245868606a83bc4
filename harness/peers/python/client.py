#!/usr/bin/python3
"""A Python ssl (stdlib) client for the alpncheck matrix.

Connects to HOST:PORT, verifies the server against CA-FILE for SERVER-NAME (default localhost), offers the ALPN list
and prints the negotiated protocol. Exit status 0 after a completed handshake, 1 when it failed, 2 on usage errors.
usage: client.py HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
"""
import socket
import ssl
import sys


def main():
    if len(sys.argv) not in (5, 6):
        print("usage: client.py HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]", file=sys.stderr)
        return 2
    name = sys.argv[5] if len(sys.argv) == 6 else "localhost"
    ctx = ssl.create_default_context(cafile=sys.argv[3])
    if sys.argv[4]:  # an empty list: no ALPN extension at all
        ctx.set_alpn_protocols(sys.argv[4].split(","))
    try:
        with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname=name) as conn:
                print(f"negotiated: {conn.selected_alpn_protocol()!r} ({conn.version()})")
    except (OSError, ssl.SSLError) as e:
        print(f"handshake failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
