#!/usr/bin/python3
"""A Python ssl (stdlib) server for the alpncheck matrix.

Listens on 127.0.0.1:PORT with the given certificate and ALPN list, then speaks the negotiated protocol just enough
for SRV-PROTOCOL-DEFINITIVE: an HTTP/2 SETTINGS frame after "h2" (RFC 9113 §3.4), an HTTP/1.1 answer otherwise.
usage: server.py PORT CERT KEY ALPN-LIST
"""
import socket
import ssl
import sys
import threading

H2_SETTINGS = bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])


def serve(raw, ctx):
    raw.settimeout(10)
    try:
        with ctx.wrap_socket(raw, server_side=True) as conn:
            proto = conn.selected_alpn_protocol()
            print(f"negotiated {proto!r}, {conn.version()}", flush=True)
            if proto == "h2":
                conn.sendall(H2_SETTINGS)
                conn.recv(4096)
            elif conn.recv(4096):
                body = b"hello from the Python ssl peer\n"
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    except (OSError, ssl.SSLError) as e:
        print(f"connection: {e}", flush=True)
    finally:
        raw.close()


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: server.py PORT CERT KEY ALPN-LIST")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    ctx.set_alpn_protocols(sys.argv[4].split(","))  # everything else is the ssl module's default
    srv = socket.create_server(("127.0.0.1", int(sys.argv[1])))
    print(f"listening on 127.0.0.1:{sys.argv[1]}, ALPN {sys.argv[4]}, {ssl.OPENSSL_VERSION}", flush=True)
    while True:
        raw, _ = srv.accept()
        threading.Thread(target=serve, args=(raw, ctx), daemon=True).start()


if __name__ == "__main__":
    main()
