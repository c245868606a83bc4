// A crypto/tls client for the alpncheck matrix: connects to HOST:PORT, verifies the server against the CA file,
// offers the ALPN list and prints the negotiated protocol. Exit status 0 after a completed handshake, 1 when the
// handshake failed, 2 on usage errors. The certificate is checked for SERVER-NAME (default localhost). Standard
// library only. With -proxy, HOST:PORT is an HTTP proxy: net/http (Transport.Proxy, http.ProxyURL) asks it for a
// tunnel with CONNECT and fetches https://SERVER-NAME/ through it with the same TLS configuration (httpsGet,
// clientlib.go: the handshake counts, an HTTP failure after it does not).
//
//	usage: client [-proxy] HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

func main() {
	proxy := len(os.Args) > 1 && os.Args[1] == "-proxy"
	if proxy {
		os.Args = append(os.Args[:1], os.Args[2:]...)
	}
	roots, name := clientArgs(os.Args[1:], "usage: client [-proxy] HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]")
	cfg := &tls.Config{RootCAs: roots, ServerName: name}
	if os.Args[4] != "" { // an empty list: no ALPN extension at all
		cfg.NextProtos = strings.Split(os.Args[4], ",")
	}
	addr := net.JoinHostPort(os.Args[1], os.Args[2])
	if proxy {
		httpsGet(&http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: addr}), TLSClientConfig: cfg},
			"https://"+name+"/")
		return
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "handshake failed:", err)
		os.Exit(1)
	}
	defer c.Close()
	fmt.Printf("negotiated: %q\n", c.ConnectionState().NegotiatedProtocol)
}
