// A rustls 0.20 client for the alpncheck matrix: connects to HOST:PORT, verifies the server against CA-FILE for
// SERVER-NAME (default localhost), offers the ALPN list (ClientConfig::alpn_protocols; an empty list sends no ALPN
// extension) and prints the negotiated protocol. Exit status 0 after a completed handshake, 1 when it failed, 2 on
// usage errors. Connecting, reading and writing are bounded by 10 s each.
//   usage: rustls-client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
use std::convert::TryFrom;
use std::fs::File;
use std::io::BufReader;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::{env, process};

use alpncheck_rustls_peers::{bound_io, close, handshake, IO_TIMEOUT};

fn usage(msg: String) -> ! {
    eprintln!("rustls-client: {}", msg);
    process::exit(2)
}

fn config(ca: &str, alpn: &str) -> rustls::ClientConfig {
    let file = File::open(ca).unwrap_or_else(|e| usage(format!("{}: {}", ca, e)));
    let mut roots = rustls::RootCertStore::empty();
    for der in rustls_pemfile::certs(&mut BufReader::new(file)).unwrap_or_else(|e| usage(format!("{}: {}", ca, e))) {
        roots.add(&rustls::Certificate(der)).unwrap_or_else(|e| usage(format!("{}: {}", ca, e)));
    }
    let mut cfg = rustls::ClientConfig::builder()
        .with_safe_defaults()
        .with_root_certificates(roots)
        .with_no_client_auth();
    if !alpn.is_empty() {
        cfg.alpn_protocols = alpn.split(',').map(|p| p.as_bytes().to_vec()).collect();
    }
    cfg
}

fn connect(host: &str, port: &str, cfg: rustls::ClientConfig, name: &str) -> Result<(), String> {
    let server_name = rustls::ServerName::try_from(name).map_err(|e| e.to_string())?;
    let mut conn = rustls::ClientConnection::new(Arc::new(cfg), server_name).map_err(|e| e.to_string())?;
    let addr = (host, port.parse::<u16>().map_err(|e| e.to_string())?)
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or("no address")?;
    let mut sock = TcpStream::connect_timeout(&addr, IO_TIMEOUT).map_err(|e| e.to_string())?;
    bound_io(&sock)?;
    let proto = handshake(&mut conn, &mut sock).map_err(|e| e.to_string())?;
    println!("negotiated: {:?} ({:?})", proto, conn.protocol_version());
    close(&mut conn, &mut sock);
    Ok(())
}

fn main() {
    let args: Vec<String> = env::args().collect();
    if args.len() != 5 && args.len() != 6 {
        usage("usage: rustls-client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]".into());
    }
    let name = args.get(5).map(String::as_str).unwrap_or("localhost");
    if let Err(e) = connect(&args[1], &args[2], config(&args[3], &args[4]), name) {
        eprintln!("handshake failed: {}", e);
        process::exit(1);
    }
}
