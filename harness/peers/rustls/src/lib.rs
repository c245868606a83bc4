// What the rustls client and server of the matrix share: the deadline on every read and write, driving a handshake
// to its end, and the close_notify at the end of a connection.
use std::net::TcpStream;
use std::time::Duration;

/// The bound on every connect, read and write: 10 s.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Every later read and write on sock bounded by IO_TIMEOUT.
pub fn bound_io(sock: &TcpStream) -> Result<(), String> {
    sock.set_read_timeout(Some(IO_TIMEOUT))
        .and_then(|_| sock.set_write_timeout(Some(IO_TIMEOUT)))
        .map_err(|e| e.to_string())
}

/// Completes the handshake over sock; the protocol ALPN negotiated (as text, lossy), if any.
pub fn handshake<D>(conn: &mut rustls::ConnectionCommon<D>, sock: &mut TcpStream) -> std::io::Result<Option<String>> {
    while conn.is_handshaking() {
        conn.complete_io(sock)?;
    }
    Ok(conn.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned()))
}

/// Sends close_notify, as far as the peer still reads.
pub fn close<D>(conn: &mut rustls::ConnectionCommon<D>, sock: &mut TcpStream) {
    conn.send_close_notify();
    let _ = conn.complete_io(sock);
}
