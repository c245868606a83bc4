// A net/http client for the alpncheck matrix: GET https://SERVER-NAME:PORT/ (connecting to HOST), the certificate
// checked against the CA file. The ALPN offer is net/http's own: with an ALPN list it enables HTTP/2
// (ForceAttemptHTTP2, so net/http offers h2,http/1.1 by itself), with an empty one it offers none (HTTP/1.1 only).
// Only the TLS handshake counts (httptrace's TLSHandshakeDone): exit status 0 after a completed handshake, even
// when HTTP failed afterwards (the peer need not speak HTTP), 1 when it failed, 2 on usage errors. Standard library
// only.
//
//	usage: nethttp_client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 5 && len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: nethttp_client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]")
		os.Exit(2)
	}
	pem, err := os.ReadFile(os.Args[3])
	roots := x509.NewCertPool()
	if err != nil || !roots.AppendCertsFromPEM(pem) {
		fmt.Fprintln(os.Stderr, "no certificate in", os.Args[3], err)
		os.Exit(2)
	}
	name := "localhost"
	if len(os.Args) == 6 {
		name = os.Args[5]
	}
	addr := net.JoinHostPort(os.Args[1], os.Args[2])
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots, ServerName: name},
		ForceAttemptHTTP2: os.Args[4] != "",
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
	}
	done, handshake := false, error(nil)
	trace := &httptrace.ClientTrace{TLSHandshakeDone: func(st tls.ConnectionState, err error) {
		done, handshake = true, err
		if err == nil {
			fmt.Printf("negotiated: %q\n", st.NegotiatedProtocol)
		}
	}}
	ctx, cancel := context.WithTimeout(httptrace.WithClientTrace(context.Background(), trace), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "https://"+net.JoinHostPort(name, os.Args[2])+"/", nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err == nil {
		resp.Body.Close()
		fmt.Println("HTTP", resp.Proto, resp.Status)
	}
	switch {
	case !done:
		fmt.Fprintln(os.Stderr, "handshake failed: no handshake:", err)
		os.Exit(1)
	case handshake != nil:
		fmt.Fprintln(os.Stderr, "handshake failed:", handshake)
		os.Exit(1)
	case err != nil:
		fmt.Println("handshake completed; HTTP failed afterwards:", err)
	}
}
