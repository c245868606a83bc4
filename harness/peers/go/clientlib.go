// What the two Go clients of the matrix share (built with each: go build client.go clientlib.go, and likewise
// nethttp_client.go): their common arguments, and a GET over net/http whose outcome is the TLS handshake's.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"os"
	"time"
)

// clientArgs reads args = HOST PORT CA-FILE ALPN-LIST [SERVER-NAME] (os.Args after the program and its options):
// the CA pool from CA-FILE and the name the server's certificate must hold (default localhost). A wrong count or a
// CA-FILE without a certificate ends the program with usage (or the reason) and exit status 2.
func clientArgs(args []string, usage string) (*x509.CertPool, string) {
	if len(args) != 4 && len(args) != 5 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	pem, err := os.ReadFile(args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		fmt.Fprintln(os.Stderr, "no certificate in", args[2])
		os.Exit(2)
	}
	name := "localhost"
	if len(args) == 5 {
		name = args[4]
	}
	return roots, name
}

// httpsGet GETs url over tr within 10 seconds. Only the TLS handshake counts (httptrace's TLSHandshakeDone): it
// prints "negotiated: PROTO" once the handshake completed and returns, even when HTTP failed afterwards (the TLS
// server alpncheck plays need not speak HTTP); when the handshake failed or never happened it ends the program with
// exit status 1.
func httpsGet(tr *http.Transport, url string) {
	done, handshake := false, error(nil)
	trace := &httptrace.ClientTrace{TLSHandshakeDone: func(st tls.ConnectionState, err error) {
		done, handshake = true, err
		if err == nil {
			fmt.Printf("negotiated: %q\n", st.NegotiatedProtocol)
		}
	}}
	ctx, cancel := context.WithTimeout(httptrace.WithClientTrace(context.Background(), trace), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
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
