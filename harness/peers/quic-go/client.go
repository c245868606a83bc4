// A quic-go 0.29 client for alpncheck's QUIC checks: connects from 127.0.0.1 to HOST:PORT (UDP), verifies the
// server against the CA file for SERVER-NAME (default localhost), offers the ALPN list (comma-separated, most
// preferred first; empty: no ALPN extension) and prints the negotiated protocol, or the error and, when the
// connection was closed with one, the close code. Exit status 0 after a completed handshake, 1 when it failed, 2 on
// usage errors. Built offline from Debian's golang-github-lucas-clemente-quic-go-dev.
//
//	usage: client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/lucas-clemente/quic-go"
)

// closeCode describes the CONNECTION_CLOSE behind err, if any (RFC 9000 §19.19: transport or application code).
func closeCode(err error) string {
	var te *quic.TransportError
	var ae *quic.ApplicationError
	switch {
	case errors.As(err, &te):
		return fmt.Sprintf("transport close code 0x%x (remote %v)", uint64(te.ErrorCode), te.Remote)
	case errors.As(err, &ae):
		return fmt.Sprintf("application close code 0x%x (remote %v)", uint64(ae.ErrorCode), ae.Remote)
	}
	return "no close code"
}

func dial(tlsConf *tls.Config, addr string) (quic.Connection, error) {
	remote, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	// Our own socket on loopback: quic.DialAddr would bind to every address.
	udp, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return quic.DialContext(ctx, udp, remote, tlsConf.ServerName, tlsConf, &quic.Config{HandshakeIdleTimeout: 10 * time.Second})
}

// tlsConfig: the roots from the CA file, the name to verify (and send as SNI) and the ALPN offer of the arguments.
func tlsConfig(args []string) (*tls.Config, error) {
	pem, err := os.ReadFile(args[3])
	if err != nil {
		return nil, err
	}
	conf := &tls.Config{RootCAs: x509.NewCertPool(), ServerName: "localhost"}
	if !conf.RootCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no certificate in %s", args[3])
	}
	if len(args) == 6 {
		conf.ServerName = args[5]
	}
	if args[4] != "" { // an empty list: no ALPN extension at all
		conf.NextProtos = strings.Split(args[4], ",")
	}
	return conf, nil
}

func main() {
	if len(os.Args) != 5 && len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]")
		os.Exit(2)
	}
	tlsConf, err := tlsConfig(os.Args)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	c, err := dial(tlsConf, net.JoinHostPort(os.Args[1], os.Args[2]))
	if err != nil {
		fmt.Fprintf(os.Stderr, "handshake failed: %v; %s\n", err, closeCode(err))
		os.Exit(1)
	}
	fmt.Printf("negotiated: %q\n", c.ConnectionState().TLS.NegotiatedProtocol)
	c.CloseWithError(0, "")
}
