"""Untrusted input that only a real server sees (issue 8, defects 9 and 13): a real
`review-service serve` process on a free 127.0.0.1 port, spoken to over raw sockets.

Memory is the server's peak resident set (`VmHWM` in /proc), read before and after a large
body: refusing a body before reading it means the peak does not grow by the body's size.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.conftest import BACKENDS, TokenFactory

pytestmark = pytest.mark.parametrize("database_url", [BACKENDS[-1]], indirect=True)

EXECUTABLE = Path(sys.executable).with_name("review-service")
MIB = 1024 * 1024
BODY = 50 * MIB  # what a hostile client offers
STARTUP = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """One `review-service serve` process; its output goes to a file."""

    def __init__(self, database_url: str, log: Path) -> None:
        self.port = _free_port()
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("REVIEW_SERVICE_")}
        env.update({"REVIEW_SERVICE_DATABASE_URL": database_url,
                    "REVIEW_SERVICE_SCHEDULER_ENABLED": "false",
                    "REVIEW_SERVICE_LOG_LEVEL": "warning"})
        self.log = log
        with log.open("wb") as sink:
            self.process = subprocess.Popen(
                [str(EXECUTABLE), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP
        while not self._answers():
            assert self.process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            status, _, _ = self.exchange(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        except OSError:
            return False
        return status == 200

    def peak_memory_kib(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise AssertionError("no VmHWM")

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def exchange(self, request: bytes) -> tuple[int, dict[str, str], bytes]:
        with self.connect() as connection:
            connection.sendall(request)
            return read_response(connection)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def read_response(connection: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one HTTP/1.1 response (Content-Length framed)."""
    data = b""
    deadline = time.monotonic() + 10
    while b"\r\n\r\n" not in data:
        assert time.monotonic() < deadline, data
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        assert time.monotonic() < deadline, body
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


@pytest.fixture
def server(tmp_path: Path, database_url: str, app: FastAPI) -> Iterator[Server]:
    """A served API on the test database (the `app` fixture empties it afterwards)."""
    process = Server(database_url, tmp_path / "serve.log")
    try:
        yield process
    finally:
        process.stop()


def _post_head(length: int | None, headers: dict[str, str]) -> bytes:
    lines = ["POST /v1/children HTTP/1.1", "Host: t", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {length}" if length is not None
                 else "Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _offer_body(connection: socket.socket, total: int, chunked: bool) -> int:
    """Send up to `total` body bytes until the server answers or stops reading; bytes sent."""
    piece = b" " * (256 * 1024)
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece
    sent = 0
    connection.settimeout(2)
    while sent < total:
        readable, _, _ = select.select([connection], [], [], 0)
        if readable:
            break
        try:
            connection.sendall(frame)
        except OSError:  # reset, broken pipe or a server that stopped reading: all fine
            break
        sent += len(piece)
    connection.settimeout(10)
    return sent


def _problem(status: int, headers: dict[str, str], body: bytes) -> dict[str, object]:
    assert headers["content-type"] == "application/problem+json", (status, headers, body)
    problem: dict[str, object] = json.loads(body)
    assert problem["status"] == status
    return problem


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_unauthenticated_large_post_is_401_without_reading_the_body(
    server: Server, chunked: bool
) -> None:
    before = server.peak_memory_kib()
    with server.connect() as connection:
        connection.sendall(_post_head(None if chunked else BODY, {}))
        # The answer comes before a single byte of the body is sent ...
        readable, _, _ = select.select([connection], [], [], 10)
        assert readable, "no answer before the body"
        status, headers, body = read_response(connection)
        assert status == 401
        assert _problem(status, headers, body)["type"] == (
            "https://review-service.example/problems/unauthenticated")
        # ... and offering the body anyway does not grow the server.
        _offer_body(connection, BODY, chunked)
    growth_mib = (server.peak_memory_kib() - before) / 1024
    assert growth_mib < 10, f"peak memory grew by {growth_mib:.1f} MiB"


def test_declared_oversized_body_is_413_at_once(server: Server, make_token: TokenFactory) -> None:
    before = server.peak_memory_kib()
    with server.connect() as connection:
        connection.sendall(_post_head(BODY, make_token("admin")))
        readable, _, _ = select.select([connection], [], [], 10)
        assert readable, "no answer before the body"
        status, headers, body = read_response(connection)
        assert status == 413
        assert _problem(status, headers, body)["type"] == (
            "https://review-service.example/problems/content-too-large")
        assert headers.get("connection") == "close"
        _offer_body(connection, BODY, chunked=False)
    assert (server.peak_memory_kib() - before) / 1024 < 10


def test_streamed_oversized_body_is_cut_off_at_the_limit(server: Server,
                                                         make_token: TokenFactory) -> None:
    before = server.peak_memory_kib()
    with server.connect() as connection:
        connection.sendall(_post_head(None, make_token("admin")))
        sent = _offer_body(connection, BODY, chunked=True)
        status, headers, body = read_response(connection)
    assert status == 413
    _problem(status, headers, body)
    assert sent < 10 * MIB, f"the server read {sent} bytes before refusing"
    growth_mib = (server.peak_memory_kib() - before) / 1024
    assert growth_mib < 10, f"peak memory grew by {growth_mib:.1f} MiB"


@pytest.mark.parametrize("bad_header", [b"X-Note: a\x0cb", b"X-Note: a\x00b", b"No colon here"],
                         ids=["form-feed", "nul", "no-colon"])
def test_malformed_request_is_a_400_problem(server: Server, bad_header: bytes) -> None:
    request = b"GET /health HTTP/1.1\r\nHost: t\r\n" + bad_header + b"\r\n\r\n"
    status, headers, body = server.exchange(request)
    assert status == 400
    problem = _problem(status, headers, body)
    assert problem["type"] == "https://review-service.example/problems/malformed-request"
    assert headers.get("connection") == "close"
    # The server keeps serving.
    assert server.exchange(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")[0] == 200


def test_endless_request_head_is_cut_off_with_a_400_problem(server: Server) -> None:
    # Header lines that never end the head: the server stops buffering at its head limit.
    lines = b"".join(b"X-H%d: %s\r\n" % (i, b"a" * 100) for i in range(200))
    status, headers, body = server.exchange(b"GET /health HTTP/1.1\r\nHost: t\r\n" + lines)
    assert status == 400
    _problem(status, headers, body)


@pytest.mark.parametrize("extra", [b"".join(b"X-H%d: 1\r\n" % i for i in range(150)),
                                   b"X-Long: " + b"a" * 20_000 + b"\r\n"],
                         ids=["150-headers", "20-kib-header"])
def test_too_many_or_too_large_headers_is_a_431_problem(server: Server, extra: bytes) -> None:
    status, headers, body = server.exchange(b"GET /health HTTP/1.1\r\nHost: t\r\n" + extra
                                            + b"\r\n")
    assert status == 431
    _problem(status, headers, body)
