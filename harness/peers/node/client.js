'use strict';
// A Node.js tls client for the alpncheck matrix: connects to HOST:PORT, verifies the server against CA-FILE for
// SERVER-NAME (default localhost), offers the ALPN list and prints the negotiated protocol. Exit status 0 after a
// completed handshake, 1 when it failed, 2 on usage errors.
//   usage: node client.js HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
const fs = require('fs');
const tls = require('tls');

const args = process.argv.slice(2);
if (args.length !== 4 && args.length !== 5) {
  console.error('usage: node client.js HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]');
  process.exit(2);
}
const [host, port, caFile, alpn, name = 'localhost'] = args;
const sock = tls.connect({
  host,
  port: Number(port),
  ca: fs.readFileSync(caFile),
  servername: name,
  ALPNProtocols: alpn === '' ? undefined : alpn.split(','), // an empty list: no ALPN extension
  timeout: 10000,
}, () => {
  console.log(`negotiated: ${JSON.stringify(sock.alpnProtocol)} (${sock.getProtocol()})`);
  sock.end();
  process.exitCode = 0;
});
sock.on('timeout', () => {
  console.error('handshake failed: timeout');
  process.exit(1);
});
sock.on('error', (e) => {
  console.error(`handshake failed: ${e.message}`);
  process.exit(1);
});
