#!/usr/bin/python3
"""A Python ssl (stdlib) client for the alpncheck matrix.

Connects to HOST:PORT, verifies the server against CA-FILE for SERVER-NAME (default localhost), offers the ALPN list
and prints the negotiated protocol. Exit status 0 after a completed handshake, 1 when it failed, 2 on usage errors.
With --proxy, HOST:PORT is an HTTP proxy: urllib.request (ProxyHandler, http.client's tunnel) asks it for a tunnel
with CONNECT and fetches https://SERVER-NAME/ through it, with the same TLS context.
usage: client.py [--proxy] HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
"""
import http.client
import socket
import ssl
import sys
import urllib.error
import urllib.request


def via_proxy(ctx, host, port, name):
    """GET https://NAME/ through the HTTP proxy HOST:PORT (CONNECT). The handshake is what counts: an HTTP answer
    the TLS server in the tunnel does not give afterwards is no failure of the client's."""
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"https": f"http://{host}:{port}"}), urllib.request.HTTPSHandler(context=ctx)
    )
    try:
        with opener.open(f"https://{name}/", timeout=10) as answer:
            print(f"HTTP status {answer.status}")
    except urllib.error.URLError as e:  # raised before the request was sent: the tunnel or the handshake failed
        print(f"handshake failed: {e.reason}", file=sys.stderr)
        return 1
    except (http.client.HTTPException, OSError) as e:
        print(f"handshake completed; HTTP failed afterwards: {e!r}")
    return 0


def main():
    args = sys.argv[1:]
    proxy = args[:1] == ["--proxy"]
    if proxy:
        args = args[1:]
    if len(args) not in (4, 5):
        print("usage: client.py [--proxy] HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]", file=sys.stderr)
        return 2
    name = args[4] if len(args) == 5 else "localhost"
    ctx = ssl.create_default_context(cafile=args[2])
    if args[3]:  # an empty list: no ALPN extension at all
        ctx.set_alpn_protocols(args[3].split(","))
    if proxy:
        return via_proxy(ctx, args[0], int(args[1]), name)
    try:
        with socket.create_connection((args[0], int(args[1])), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname=name) as conn:
                print(f"negotiated: {conn.selected_alpn_protocol()!r} ({conn.version()})")
    except (OSError, ssl.SSLError) as e:
        print(f"handshake failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
