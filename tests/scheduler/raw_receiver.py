"""A receiver that answers with raw bytes, as slowly as a test scripts: for answers no
well-behaved HTTP server gives (trickled, endless, malformed). Listens on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field


@dataclass
class RawReceiver:
    """The server, how many requests reached it, and how many answer bytes it wrote."""

    server: socketserver.ThreadingTCPServer
    chunks: list[bytes]
    pause: float
    requests: int = 0
    bytes_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_raw_receiver(chunks: list[bytes], pause: float = 0.0) -> RawReceiver:
    """Answer every request by writing `chunks` one after another, `pause` seconds apart,
    then closing; a client that hangs up ends the answer early."""
    holder: dict[str, RawReceiver] = {}

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            receiver = holder["r"]
            self.request.settimeout(5.0)
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                data = self.request.recv(4096)
                if not data:
                    return
                request += data
            with receiver.lock:
                receiver.requests += 1
            for chunk in receiver.chunks:
                try:
                    self.request.sendall(chunk)
                except OSError:
                    return  # the client hung up
                with receiver.lock:
                    receiver.bytes_sent += len(chunk)
                if receiver.pause:
                    time.sleep(receiver.pause)
            with contextlib.suppress(OSError):
                self.request.shutdown(socket.SHUT_WR)

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Handler)
    holder["r"] = RawReceiver(server, chunks, pause)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["r"]
