// A net/http client for the alpncheck matrix: GET https://SERVER-NAME:PORT/ (connecting to HOST), the certificate
// checked against the CA file. The ALPN offer is net/http's own: with an ALPN list it enables HTTP/2
// (ForceAttemptHTTP2, so net/http offers h2,http/1.1 by itself), with an empty one it offers none (HTTP/1.1 only).
// Only the TLS handshake counts (httpsGet, clientlib.go): exit status 0 after a completed handshake, even when HTTP
// failed afterwards (the peer need not speak HTTP), 1 when it failed, 2 on usage errors. Standard library only.
//
//	usage: nethttp_client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
package main

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	roots, name := clientArgs(os.Args[1:], "usage: nethttp_client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]")
	addr := net.JoinHostPort(os.Args[1], os.Args[2])
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots, ServerName: name},
		ForceAttemptHTTP2: os.Args[4] != "",
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
	}
	httpsGet(tr, "https://"+net.JoinHostPort(name, os.Args[2])+"/")
}
