#!/usr/bin/python3
"""An httpx client (Debian's python3-httpx, with python3-h2 for HTTP/2) for the alpncheck matrix.

GET https://SERVER-NAME:PORT/ through HOST, the certificate checked against CA-FILE. The ALPN offer is httpx's own
(httpcore sets it on the ssl context): with a non-empty ALPN-LIST HTTP/2 is enabled, so it offers http/1.1,h2; with
an empty one it offers http/1.1 only (httpx cannot leave ALPN out). Only the TLS handshake counts: exit status 0
after a completed handshake, even when HTTP failed afterwards (the peer need not speak HTTP), 1 when the connection
or handshake failed (httpx.ConnectError, httpx.ConnectTimeout), 2 on usage errors.
usage: httpx_client.py HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
"""
import socket
import sys

import httpx


def main():
    if len(sys.argv) not in (5, 6):
        print("usage: httpx_client.py HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]", file=sys.stderr)
        return 2
    host, port, ca, alpn = sys.argv[1:5]
    name = sys.argv[5] if len(sys.argv) == 6 else "localhost"
    real_getaddrinfo = socket.getaddrinfo

    def to_host(_name, *rest, **kw):  # every name resolves to HOST, as curl --resolve does
        return real_getaddrinfo(host, *rest, **kw)

    socket.getaddrinfo = to_host
    try:
        with httpx.Client(http2=bool(alpn), verify=ca, timeout=10) as client:
            r = client.get(f"https://{name}:{port}/")
            print(f"negotiated HTTP version {r.http_version}, status {r.status_code}")
    except (httpx.ConnectError, httpx.ConnectTimeout) as e:
        print(f"handshake failed: {e!r}", file=sys.stderr)
        return 1
    except httpx.HTTPError as e:
        print(f"handshake completed; HTTP failed afterwards: {e!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
