"""`review-service serve` as an operator starts it: `--no-scheduler` runs no scheduler job at
all (issue 8, defect 10: the flag was applied after the settings were cached)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_service.models import SchedulerLease
from tests.api.factories import Headers
from tests.cli.conftest import EXECUTABLE, command_environment

STARTUP = 30.0  # seconds for the process to import, check the schema and listen
TICK = 0.1  # the scheduler's tick in these processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def heartbeats(db_session: Session) -> int:
    try:
        return int(db_session.scalar(select(func.count()).select_from(SchedulerLease)) or 0)
    finally:
        db_session.rollback()


@pytest.fixture
def serve(tmp_path: Path, database_url: str) -> Iterator[object]:
    """Start `review-service serve ARGS` on a free port; returns its base URL once it serves
    (/health answers 200; its lifespan, scheduler included, has started by then). Every
    process is stopped by its pid afterwards."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> str:
        port = free_port()
        log = (tmp_path / f"serve-{len(started)}.log").open("wb")
        process = subprocess.Popen(
            [str(EXECUTABLE), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            env=command_environment(database_url, scheduler_tick_seconds=str(TICK),
                                    delivery_poll_seconds=str(TICK)),
            cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP
        while True:
            assert process.poll() is None, (tmp_path / f"serve-{len(started) - 1}.log").read_text()
            assert time.monotonic() < deadline, "serve did not become ready"
            try:
                if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                    return url
            except httpx.TransportError:
                pass
            time.sleep(0.1)

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_serve_no_scheduler_runs_no_scheduler_job(
    app: FastAPI, serve: object, db_session: Session, admin_headers: Headers
) -> None:
    url = serve("--no-scheduler")  # type: ignore[operator]
    # Twenty ticks: a running scheduler would have written its heartbeat on the first.
    deadline = time.monotonic() + 20 * TICK
    while time.monotonic() < deadline:
        assert heartbeats(db_session) == 0
        time.sleep(TICK)
    status = httpx.get(f"{url}/v1/scheduler/status", headers=admin_headers, timeout=5.0)
    assert status.json()["this_process"] == "none"
    assert httpx.get(f"{url}/ready", timeout=5.0).json() == {"status": "ready"}


def test_serve_runs_the_scheduler_by_default(
    app: FastAPI, serve: object, db_session: Session, admin_headers: Headers
) -> None:
    """The control: the same check sees a scheduler that runs."""
    url = serve()  # type: ignore[operator]
    deadline = time.monotonic() + STARTUP
    while heartbeats(db_session) == 0:
        assert time.monotonic() < deadline, "no heartbeat from the scheduler"
        time.sleep(TICK)
    status = httpx.get(f"{url}/v1/scheduler/status", headers=admin_headers, timeout=5.0)
    assert status.json()["this_process"] == "leader"
