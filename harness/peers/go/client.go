// A crypto/tls client for the alpncheck matrix: connects to HOST:PORT, verifies the server against the CA file,
// offers the ALPN list and prints the negotiated protocol. Exit status 0 after a completed handshake, 1 when the
// handshake failed, 2 on usage errors. The certificate is checked for SERVER-NAME (default localhost). Standard
// library only.
//
//	usage: client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 5 && len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]")
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
	d := &net.Dialer{Timeout: 10 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", net.JoinHostPort(os.Args[1], os.Args[2]), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "handshake failed:", err)
		os.Exit(1)
	}
	defer c.Close()
	fmt.Printf("negotiated: %q\n", c.ConnectionState().NegotiatedProtocol)
}
