// A quic-go 0.29 server for alpncheck's QUIC checks: listens on 127.0.0.1:PORT (UDP) with the given certificate and
// ALPN list (comma-separated, most preferred first; empty: none) and logs the protocol each handshake negotiated. It
// speaks no application protocol: a connection stays open until the client closes it or 3 s pass, then is closed
// with application error 0. It listens for early connections, so that its session tickets allow 0-RTT (RFC 9001
// §4.6.1) and alpncheck's 0-RTT checks have a QUIC server with two protocols to judge. Built offline from Debian's golang-github-lucas-clemente-quic-go-dev
// (GOPATH=/usr/share/gocode GO111MODULE=off).
//
//	usage: server PORT CERT KEY ALPN-LIST
package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/lucas-clemente/quic-go"
)

func serve(c quic.EarlyConnection) {
	select { // an early connection is accepted before its handshake completes: log once it has
	case <-c.HandshakeComplete().Done():
	case <-time.After(3 * time.Second):
	}
	log.Printf("%s: negotiated %q", c.RemoteAddr(), c.ConnectionState().TLS.NegotiatedProtocol)
	select {
	case <-c.Context().Done():
	case <-time.After(3 * time.Second):
	}
	c.CloseWithError(0, "")
}

// listen: the QUIC listener on 127.0.0.1:PORT with the certificate and ALPN list of the arguments.
func listen(args []string) (quic.EarlyListener, error) {
	cert, err := tls.LoadX509KeyPair(args[2], args[3])
	if err != nil {
		return nil, err
	}
	tlsConf := &tls.Config{Certificates: []tls.Certificate{cert}}
	if args[4] != "" { // an empty list: a server that answers without ALPN
		tlsConf.NextProtos = strings.Split(args[4], ",")
	}
	conf := &quic.Config{HandshakeIdleTimeout: 10 * time.Second, MaxIdleTimeout: 10 * time.Second}
	return quic.ListenAddrEarly("127.0.0.1:"+args[1], tlsConf, conf)
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: server PORT CERT KEY ALPN-LIST")
		os.Exit(2)
	}
	ln, err := listen(os.Args)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on %s (UDP), ALPN %s", ln.Addr(), os.Args[4])
	for {
		c, err := ln.Accept(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		go serve(c)
	}
}
