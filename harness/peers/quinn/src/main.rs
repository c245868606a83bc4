//! A quinn 0.9 (rustls 0.20) server and client for alpncheck's QUIC checks, on loopback (UDP).
//!
//!   quinn-peer server PORT CERT KEY ALPN-LIST
//!     listens on 127.0.0.1:PORT with the certificate and ALPN list (comma-separated, most preferred first), logs the
//!     protocol each handshake negotiated, closes each connection with application error 0 after the client closed
//!     it or after 3 s
//!   quinn-peer client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
//!     verifies the server against CA-FILE for SERVER-NAME (default localhost), offers ALPN-LIST (empty: no ALPN
//!     extension), prints the negotiated protocol or the error and its close code; exit 0 after a completed
//!     handshake, 1 when it failed, 2 on usage errors
use std::{error::Error, fs::File, io::BufReader, net::SocketAddr, sync::Arc, time::Duration};

type Res<T> = Result<T, Box<dyn Error>>;

fn alpn_list(arg: &str) -> Vec<Vec<u8>> {
    arg.split(',').filter(|p| !p.is_empty()).map(|p| p.as_bytes().to_vec()).collect()
}

fn certs(path: &str) -> Res<Vec<rustls::Certificate>> {
    let list = rustls_pemfile::certs(&mut BufReader::new(File::open(path)?))?;
    if list.is_empty() {
        return Err(format!("no certificate in {path}").into());
    }
    Ok(list.into_iter().map(rustls::Certificate).collect())
}

fn key(path: &str) -> Res<rustls::PrivateKey> {
    let mut keys = rustls_pemfile::pkcs8_private_keys(&mut BufReader::new(File::open(path)?))?;
    keys.pop().map(rustls::PrivateKey).ok_or_else(|| format!("no PKCS#8 key in {path}").into())
}

fn negotiated(c: &quinn::Connection) -> String {
    let data = c.handshake_data().and_then(|d| d.downcast::<quinn::crypto::rustls::HandshakeData>().ok());
    match data.and_then(|d| d.protocol) {
        Some(p) => format!("{:?}", String::from_utf8_lossy(&p)),
        None => "none".to_string(),
    }
}

// The CONNECTION_CLOSE behind a failed handshake (RFC 9000 §19.19): transport or application code, and who sent it.
fn close_code(e: &quinn::ConnectionError) -> String {
    match e {
        quinn::ConnectionError::ConnectionClosed(c) => format!("transport close code 0x{:x} (remote true)", u64::from(c.error_code)),
        quinn::ConnectionError::ApplicationClosed(c) => format!("application close code 0x{:x} (remote true)", c.error_code.into_inner()),
        quinn::ConnectionError::TransportError(t) => format!("transport close code 0x{:x} (remote false)", u64::from(t.code)),
        _ => "no close code".to_string(),
    }
}

async fn server(port: u16, cert: &str, keyfile: &str, alpn: &str) -> Res<()> {
    let mut tls = rustls::ServerConfig::builder()
        .with_safe_default_cipher_suites()
        .with_safe_default_kx_groups()
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_no_client_auth()
        .with_single_cert(certs(cert)?, key(keyfile)?)?;
    tls.alpn_protocols = alpn_list(alpn);
    let ep = quinn::Endpoint::server(quinn::ServerConfig::with_crypto(Arc::new(tls)), SocketAddr::from(([127, 0, 0, 1], port)))?;
    eprintln!("listening on {} (UDP), ALPN {alpn}", ep.local_addr()?);
    while let Some(connecting) = ep.accept().await {
        tokio::spawn(async move {
            match connecting.await {
                Ok(c) => {
                    eprintln!("{}: negotiated {}", c.remote_address(), negotiated(&c));
                    let _ = tokio::time::timeout(Duration::from_secs(3), c.closed()).await;
                    c.close(0u32.into(), b"");
                }
                Err(e) => eprintln!("handshake failed: {e}; {}", close_code(&e)),
            }
        });
    }
    Ok(())
}

async fn client(host: &str, port: &str, ca: &str, alpn: &str, name: &str) -> Res<bool> {
    let mut roots = rustls::RootCertStore::empty();
    for c in certs(ca)? {
        roots.add(&c)?;
    }
    let mut tls = rustls::ClientConfig::builder()
        .with_safe_default_cipher_suites()
        .with_safe_default_kx_groups()
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.alpn_protocols = alpn_list(alpn);
    let addr: SocketAddr = format!("{host}:{port}").parse()?;
    let ep = quinn::Endpoint::client(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    let connecting = ep.connect_with(quinn::ClientConfig::new(Arc::new(tls)), addr, name)?;
    match tokio::time::timeout(Duration::from_secs(10), connecting).await {
        Err(_) => Err("handshake timed out after 10 s".into()),
        Ok(Err(e)) => {
            eprintln!("handshake failed: {e}; {}", close_code(&e));
            Ok(false)
        }
        Ok(Ok(c)) => {
            println!("negotiated: {}", negotiated(&c));
            c.close(0u32.into(), b"");
            ep.wait_idle().await;
            Ok(true)
        }
    }
}

fn run(args: &[String]) -> Res<bool> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    match args {
        [_, m, port, cert, key, alpn] if m == "server" => rt.block_on(server(port.parse()?, cert, key, alpn)).map(|_| true),
        [_, m, host, port, ca, alpn, rest @ ..] if m == "client" && rest.len() <= 1 => {
            let name = rest.first().map_or("localhost", |s| s.as_str());
            rt.block_on(client(host, port, ca, alpn, name))
        }
        _ => Err("usage".into()),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match run(&args) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) if e.to_string() == "usage" => {
            eprintln!("usage: quinn-peer server PORT CERT KEY ALPN-LIST | client HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]");
            std::process::exit(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1)
        }
    }
}
