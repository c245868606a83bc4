// A rustls 0.20 server for the alpncheck matrix: listens on 127.0.0.1:PORT with the given certificate and ALPN list
// (ServerConfig::alpn_protocols, most preferred first), then speaks the negotiated protocol just enough for
// SRV-PROTOCOL-DEFINITIVE: an HTTP/2 SETTINGS frame after "h2" (RFC 9113 §3.4), an HTTP/1.1 answer otherwise.
// One thread per connection, each read and write bounded by 10 s.
//   usage: rustls-server PORT CERT KEY [ALPN-LIST]   (ALPN-LIST default h2,http/1.1)
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::{env, process, thread};

use alpncheck_rustls_peers::{bound_io, close, handshake};

const H2_SETTINGS: [u8; 9] = [0, 0, 0, 4, 0, 0, 0, 0, 0];

fn die(msg: String) -> ! {
    eprintln!("rustls-server: {}", msg);
    process::exit(2)
}

fn read_pem(path: &str) -> Vec<rustls_pemfile::Item> {
    let file = File::open(path).unwrap_or_else(|e| die(format!("{}: {}", path, e)));
    rustls_pemfile::read_all(&mut BufReader::new(file)).unwrap_or_else(|e| die(format!("{}: {}", path, e)))
}

fn config(cert: &str, key: &str, alpn: &str) -> rustls::ServerConfig {
    let certs = read_pem(cert)
        .into_iter()
        .filter_map(|i| match i {
            rustls_pemfile::Item::X509Certificate(c) => Some(rustls::Certificate(c)),
            _ => None,
        })
        .collect();
    let key = read_pem(key)
        .into_iter()
        .find_map(|i| match i {
            rustls_pemfile::Item::PKCS8Key(k) | rustls_pemfile::Item::ECKey(k) | rustls_pemfile::Item::RSAKey(k) => {
                Some(rustls::PrivateKey(k))
            }
            _ => None,
        })
        .unwrap_or_else(|| die(format!("{}: no private key", key)));
    let mut cfg = rustls::ServerConfig::builder()
        .with_safe_defaults()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap_or_else(|e| die(format!("certificate: {}", e)));
    cfg.alpn_protocols = alpn.split(',').map(|p| p.as_bytes().to_vec()).collect();
    cfg
}

fn serve(mut sock: TcpStream, cfg: Arc<rustls::ServerConfig>) -> Result<(), String> {
    bound_io(&sock)?;
    let mut conn = rustls::ServerConnection::new(cfg).map_err(|e| e.to_string())?;
    let proto = handshake(&mut conn, &mut sock).map_err(|e| format!("handshake: {}", e))?;
    println!("negotiated {:?}, {:?}", proto, conn.protocol_version());
    let mut tls = rustls::Stream::new(&mut conn, &mut sock);
    let mut buf = [0u8; 4096];
    if proto.as_deref() == Some("h2") {
        tls.write_all(&H2_SETTINGS).map_err(|e| e.to_string())?;
        let _ = tls.read(&mut buf);
    } else if tls.read(&mut buf).map_err(|e| e.to_string())? > 0 {
        let body = "hello from the rustls peer\n";
        let answer = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", body.len(), body);
        tls.write_all(answer.as_bytes()).map_err(|e| e.to_string())?;
    }
    close(&mut conn, &mut sock);
    Ok(())
}

fn main() {
    let args: Vec<String> = env::args().collect();
    if args.len() != 4 && args.len() != 5 {
        eprintln!("usage: rustls-server PORT CERT KEY [ALPN-LIST]");
        process::exit(2);
    }
    let alpn = args.get(4).map(String::as_str).unwrap_or("h2,http/1.1");
    let cfg = Arc::new(config(&args[2], &args[3], alpn));
    let listener = TcpListener::bind(("127.0.0.1", args[1].parse::<u16>().unwrap_or_else(|_| die("bad port".into()))))
        .unwrap_or_else(|e| die(format!("listen: {}", e)));
    println!("listening on 127.0.0.1:{}, ALPN {}, rustls 0.20", args[1], alpn);
    for sock in listener.incoming().flatten() {
        let cfg = cfg.clone();
        thread::spawn(move || {
            if let Err(e) = serve(sock, cfg) {
                println!("connection: {}", e);
            }
        });
    }
}
