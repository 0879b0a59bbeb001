"""Issue 8, "Logs": a real `review-service scheduler` process delivering webhooks logs one JSON
object per line, and httpx's own per-request INFO lines (every URL it calls) stay silent."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from review_service.clock import ControllableClock
from tests.conftest import BACKENDS
from tests.scheduler.receiver import Receiver
from tests.scheduler.test_processes import (
    STARTUP,
    SchedulerProcess,
    processes,  # noqa: F401 - the fixture, shared with the process tests
    publish_messages,
    subscribe,
    wait_until,
)

pytestmark = pytest.mark.parametrize(
    "database_url", [b for b in BACKENDS if b == "postgresql"] or ["sqlite"], indirect=True
)


def test_scheduler_logs_json_lines_without_httpx_chatter(
    app: object,
    client: TestClient,
    admin_headers: dict[str, str],
    receiver: Receiver,
    clock: ControllableClock,
    processes: Callable[..., SchedulerProcess],  # noqa: F811
) -> None:
    clock.set(datetime.now(UTC))
    subscribe(client, admin_headers, receiver.url)
    publish_messages(app, 3)  # type: ignore[arg-type]
    process = processes(log_level="debug")
    process.wait_running()
    wait_until(lambda: len(receiver.received) >= 3, STARTUP, "three deliveries")
    wait_until(lambda: process.output().count('"webhook attempt"') >= 3, STARTUP,
               "the attempts to be logged")
    process.process.terminate()
    process.process.wait(timeout=20)
    lines = [json.loads(line) for line in process.output().splitlines() if line.strip()]
    assert all(isinstance(line, dict) and {"ts", "level", "logger", "msg"} <= line.keys()
               for line in lines)
    messages = {line["msg"] for line in lines}
    assert {"scheduler running; Ctrl-C or SIGTERM stops it", "scheduler stopped"} <= messages
    attempts = [line for line in lines if line["msg"] == "webhook attempt"]
    assert len(attempts) >= 3
    assert {attempt["status_code"] for attempt in attempts} == {204}
    chatter = [line for line in lines if str(line["logger"]).split(".")[0]
               in ("httpx", "httpcore", "apscheduler", "sqlalchemy")
               and line["level"] in ("DEBUG", "INFO")]
    assert not chatter, chatter
