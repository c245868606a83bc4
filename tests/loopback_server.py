"""The listening loop the hostile peers of the tests share: 127.0.0.1:PORT, every connection in its own thread."""
import socket
import threading


def serve_forever(port, serve):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
