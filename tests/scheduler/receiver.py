"""A real HTTP receiver on 127.0.0.1 for webhook tests: records what arrives and answers
with whatever status the test scripts."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One request as it arrived."""

    headers: dict[str, str]
    body: str

    @property
    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class Receiver:
    """The server, what it received, and the answers it will give next."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    answers: deque[tuple[int, dict[str, str], float]] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def answer(self, status: int, headers: dict[str, str] | None = None, delay: float = 0.0,
               times: int = 1) -> None:
        """Script the next `times` answers (default after that: 204)."""
        for _ in range(times):
            self.answers.append((status, headers or {}, delay))

    def of_type(self, event_type: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.json["type"] == event_type]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        with self.lock:
            return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_receiver() -> Receiver:
    """Start a receiver on a free port of 127.0.0.1."""
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver = holder["r"]
            body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
            with receiver.lock:
                receiver.received.append(Received(
                    {k.lower(): v for k, v in self.headers.items()}, body))
                status, headers, delay = (receiver.answers.popleft() if receiver.answers
                                          else (204, {}, 0.0))
            if delay:
                time.sleep(delay)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["r"] = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["r"]
