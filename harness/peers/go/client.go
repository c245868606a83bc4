// A crypto/tls client for the alpncheck matrix: connects to HOST:PORT, verifies the server against the CA file,
// offers the ALPN list and prints the negotiated protocol. Exit status 0 after a completed handshake, 1 when the
// handshake failed, 2 on usage errors. The certificate is checked for SERVER-NAME (default localhost). Standard
// library only. With -proxy, HOST:PORT is an HTTP proxy: net/http (Transport.Proxy, http.ProxyURL) asks it for a
// tunnel with CONNECT and fetches https://SERVER-NAME/ through it with the same TLS configuration.
//
//	usage: client [-proxy] HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"time"
)

// viaProxy: GET https://NAME/ through the proxy. The handshake is what counts: an error that comes after it (the TLS
// server in the tunnel gives no HTTP answer) is no failure of the client's.
func viaProxy(proxy string, cfg *tls.Config) {
	handshook := false
	trace := &httptrace.ClientTrace{TLSHandshakeDone: func(cs tls.ConnectionState, err error) {
		handshook = err == nil
		if err == nil {
			fmt.Printf("negotiated: %q\n", cs.NegotiatedProtocol)
		}
	}}
	tr := &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: proxy}), TLSClientConfig: cfg}
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	req, err := http.NewRequest("GET", "https://"+cfg.ServerName+"/", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	resp, err := c.Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	if err == nil {
		resp.Body.Close()
		fmt.Println("HTTP status", resp.Status)
	} else if handshook {
		fmt.Println("handshake completed; HTTP failed afterwards:", err)
	} else {
		fmt.Fprintln(os.Stderr, "handshake failed:", err)
		os.Exit(1)
	}
}

func main() {
	proxy := len(os.Args) > 1 && os.Args[1] == "-proxy"
	if proxy {
		os.Args = append(os.Args[:1], os.Args[2:]...)
	}
	if len(os.Args) != 5 && len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: client [-proxy] HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]")
		os.Exit(2)
	}
	pem, err := os.ReadFile(os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		fmt.Fprintln(os.Stderr, "no certificate in", os.Args[3])
		os.Exit(2)
	}
	name := "localhost"
	if len(os.Args) == 6 {
		name = os.Args[5]
	}
	cfg := &tls.Config{RootCAs: roots, ServerName: name}
	if os.Args[4] != "" { // an empty list: no ALPN extension at all
		cfg.NextProtos = strings.Split(os.Args[4], ",")
	}
	if proxy {
		viaProxy(net.JoinHostPort(os.Args[1], os.Args[2]), cfg)
		return
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", net.JoinHostPort(os.Args[1], os.Args[2]), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "handshake failed:", err)
		os.Exit(1)
	}
	defer c.Close()
	fmt.Printf("negotiated: %q\n", c.ConnectionState().NegotiatedProtocol)
}
