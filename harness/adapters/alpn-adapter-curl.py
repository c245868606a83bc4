#!/usr/bin/python3
"""Vector adapter (vectors/FORMAT.md) over curl's Alt-Svc parser (Debian's curl; alt-svc is an HTTPS-only feature
of it). For each `altsvc` request a one-shot HTTPS server on 127.0.0.1 (a throw-away self-signed certificate made
with openssl at start) answers with the field value as its Alt-Svc header, curl fetches it with `--alt-svc CACHE`
from a fresh cache file, and the alternatives curl wrote into the cache are the answer. curl keeps only the
protocols it knows (h1, h2, h3; announced as altsvc=...), stores an empty host as the origin's, and has no notion
of rejecting a whole value: an invalid value is judged by whether curl kept nothing."""

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adapter_line as al  # noqa: E402

PROG = "alpn-adapter-curl"
ORIGIN = "origin.alpncheck.test"  # resolved to 127.0.0.1 with --resolve; never looked up
KNOWN = (b"h1", b"h2", b"h3")     # curl's alpn2alpnid
REQUEST_MAX = 16384
DEADLINE = 4.0                    # seconds, under the runner's 5 s per answer


def make_cert(tmp):
    key, crt = os.path.join(tmp, "key.pem"), os.path.join(tmp, "crt.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-subj", "/CN=" + ORIGIN, "-days", "2", "-keyout", key, "-out", crt],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def serve_once(listener, ctx, value):
    """Accepts one connection and answers its request with `Alt-Svc: value`; every step has a deadline."""
    try:
        conn, _ = listener.accept()
    except OSError:
        return
    conn.settimeout(DEADLINE)
    try:
        with ctx.wrap_socket(conn, server_side=True) as tls:
            got = b""
            while b"\r\n\r\n" not in got and len(got) < REQUEST_MAX:
                chunk = tls.recv(4096)
                if not chunk:
                    return
                got += chunk
            tls.sendall(b"HTTP/1.1 200 OK\r\nAlt-Svc: " + value +
                        b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    except (OSError, ssl.SSLError) as e:
        al.log(PROG, f"server: {e}")
    finally:
        conn.close()


def read_cache(path, port):
    """The alternatives of curl's cache file (lines `SRCALPN SRCHOST SRCPORT DSTALPN DSTHOST DSTPORT "DATE" PERSIST
    PRIO`) as the records of FORMAT.md: protocol ID length (1 octet), protocol ID, host length (2), host (empty
    for the origin's), port (2)."""
    records = []
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b"#") or not line.strip():
                continue
            fields = line.split()
            if len(fields) < 6:
                raise ValueError(f"unexpected cache line {line!r}")
            proto, host, dport = fields[3], fields[4], int(fields[5])
            if host == ORIGIN.encode():
                host = b""
            if len(proto) > 255 or len(host) > 0xFFFF:
                raise ValueError("cache entry too long for a record")
            records.append(bytes([len(proto)]) + proto + len(host).to_bytes(2, "big") + host +
                           dport.to_bytes(2, "big"))
    return records


class Curl:
    def __init__(self, tmp):
        self.tmp = tmp
        self.ctx = make_cert(tmp)
        self.cache = os.path.join(tmp, "altsvc.txt")

    def altsvc(self, tcid, args):
        value = al.one_hex_field("altsvc", args)
        if b"\r" in value or b"\n" in value or b"\0" in value:
            return "skip the value cannot be sent as one header line"
        if os.path.exists(self.cache):
            os.unlink(self.cache)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(1)
            listener.settimeout(DEADLINE)
            port = listener.getsockname()[1]
            server = threading.Thread(target=serve_once, args=(listener, self.ctx, value), daemon=True)
            server.start()
            cmd = ["curl", "-q", "-sS", "-k", "--noproxy", "*", "--max-time", str(DEADLINE - 0.5),
                   "--alt-svc", self.cache, "--resolve", f"{ORIGIN}:{port}:127.0.0.1", "-o", os.devnull,
                   f"https://{ORIGIN}:{port}/"]
            run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=DEADLINE + 1,
                                 cwd=self.tmp, env={"PATH": "/usr/bin:/bin", "HOME": self.tmp})
            server.join(DEADLINE)
        if run.returncode != 0:
            al.log(PROG, f"tcId {tcid}: curl exited {run.returncode}: {run.stderr.decode(errors='replace')[:200]}")
            return "skip curl failed to fetch the header"
        if not os.path.exists(self.cache):
            return "ok"
        return " ".join(["ok"] + [r.hex() for r in read_cache(self.cache, port)])


def main():
    tmp = tempfile.mkdtemp(prefix="alpn-adapter-curl.")
    try:
        curl = Curl(tmp)
        known = ":".join(p.hex() for p in KNOWN)
        al.serve(PROG, "curl", "altsvc=" + known, {"altsvc": curl.altsvc})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
