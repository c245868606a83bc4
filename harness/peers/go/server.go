// A crypto/tls server for the alpncheck matrix: listens on 127.0.0.1:PORT with the given certificate and ALPN list,
// then speaks the negotiated protocol just enough for SRV-PROTOCOL-DEFINITIVE (an HTTP/2 SETTINGS frame after "h2",
// an HTTP/1.1 answer otherwise). Standard library only.
//
//	usage: server PORT CERT KEY ALPN-LIST
package main

import (
	"crypto/tls"
	"fmt"
	"log"
	"net"
	"os"
	"strings"
	"time"
)

// RFC 9113 §3.4: the server's connection preface is a (possibly empty) SETTINGS frame.
var h2Settings = []byte{0, 0, 0, 4, 0, 0, 0, 0, 0}

func serve(c net.Conn) {
	defer c.Close()
	tc := c.(*tls.Conn)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		log.Printf("handshake: %v", err)
		return
	}
	proto := tc.ConnectionState().NegotiatedProtocol
	log.Printf("negotiated %q, TLS 0x%04x", proto, tc.ConnectionState().Version)
	if proto == "h2" {
		tc.Write(h2Settings)
		buf := make([]byte, 4096)
		tc.Read(buf)
		return
	}
	buf := make([]byte, 4096)
	if n, _ := tc.Read(buf); n > 0 {
		body := "hello from the Go crypto/tls peer\n"
		fmt.Fprintf(tc, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	}
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: server PORT CERT KEY ALPN-LIST")
		os.Exit(2)
	}
	cert, err := tls.LoadX509KeyPair(os.Args[2], os.Args[3])
	if err != nil {
		log.Fatal(err)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		NextProtos:   strings.Split(os.Args[4], ","),
	} // everything else, the TLS versions included, is crypto/tls's default
	ln, err := tls.Listen("tcp", "127.0.0.1:"+os.Args[1], cfg)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on %s, ALPN %s", ln.Addr(), os.Args[4])
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(c)
	}
}
