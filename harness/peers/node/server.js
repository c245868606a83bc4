'use strict';
// A Node.js tls server for the alpncheck matrix: listens on 127.0.0.1:PORT with the given certificate and ALPN
// list, then speaks the negotiated protocol just enough for SRV-PROTOCOL-DEFINITIVE: an HTTP/2 SETTINGS frame after
// "h2" (RFC 9113 §3.4), an HTTP/1.1 answer otherwise.
//   usage: node server.js PORT CERT KEY ALPN-LIST
const fs = require('fs');
const tls = require('tls');

if (process.argv.length !== 6) {
  console.error('usage: node server.js PORT CERT KEY ALPN-LIST');
  process.exit(2);
}
const [port, certFile, keyFile, alpn] = process.argv.slice(2);
const h2Settings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

const server = tls.createServer({
  cert: fs.readFileSync(certFile),
  key: fs.readFileSync(keyFile),
  ALPNProtocols: alpn.split(','), // everything else, the TLS versions included, is Node's default
}, (sock) => {
  sock.setTimeout(10000, () => sock.destroy());
  console.log(`negotiated ${JSON.stringify(sock.alpnProtocol)}, ${sock.getProtocol()}`);
  if (sock.alpnProtocol === 'h2') {
    sock.write(h2Settings);
    sock.once('data', () => sock.end());
  } else {
    sock.once('data', () => {
      const body = 'hello from the Node.js tls peer\n';
      sock.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    });
  }
  sock.on('error', (e) => console.log(`connection: ${e.message}`));
});
server.on('tlsClientError', (e) => console.log(`handshake: ${e.message}`));
server.listen(Number(port), '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${port}, ALPN ${alpn}, Node.js ${process.version}, ` +
    `OpenSSL ${process.versions.openssl}`);
});
