#!/usr/bin/python3
"""A misbehaving TCP peer on 127.0.0.1 for robustness tests: it never speaks TLS.

usage: bad_server.py PORT MODE   with MODE garbage (answers an HTTP error), silent (accepts and never answers),
close (closes at once), drip (sends a TLS record header promising 16 KiB, then nothing), partial (sends the first two
bytes of an alert record, then closes). Serves until killed.
"""
import socket
import sys
import threading
import time

port, mode = int(sys.argv[1]), sys.argv[2]
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(16)


def serve(conn):
    try:
        if mode == "garbage":
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        elif mode == "silent":
            time.sleep(30)
        elif mode == "partial":
            conn.recv(65536)
            conn.sendall(b"\x15\x03")
        elif mode == "drip":
            conn.recv(65536)
            conn.sendall(b"\x16\x03\x03\x40\x00")
            time.sleep(30)
    finally:
        conn.close()


while True:
    c, _ = listener.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
