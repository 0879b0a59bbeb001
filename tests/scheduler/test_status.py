"""GET /v1/scheduler/status: global operational detail for unbound admin tokens only (issue 8,
defect 8); it says when the answering process is a standby and names no leader that has gone."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from review_service.app import create_app
from review_service.clock import ControllableClock
from review_service.scheduler.leadership import LOCK_KEY
from review_service.scheduler.runner import SchedulerRunner
from review_service.settings import Settings
from tests.api.factories import Headers
from tests.conftest import TokenFactory
from tests.scheduler.conftest import release_leaked_leadership

STATUS = "/v1/scheduler/status"


def status_of(client: TestClient, headers: Headers) -> dict[str, Any]:
    response = client.get(STATUS, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("scopes", "authority"),
    [("read", None), ("write", None), ("read", "LA1"), ("admin", "LA1")],
)
def test_status_is_refused_to_all_but_unbound_admin_tokens(
    client: TestClient, make_token: TokenFactory, scopes: str, authority: str | None
) -> None:
    response = client.get(STATUS, headers=make_token(scopes, local_authority=authority))
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/forbidden")
    assert "pending" not in response.text


def test_a_process_without_a_scheduler_says_so(
    client: TestClient, admin_headers: Headers
) -> None:
    assert status_of(client, admin_headers)["this_process"] == "none"


def test_a_leader_that_stopped_cleanly_is_not_named(
    client: TestClient, admin_headers: Headers, runner: SchedulerRunner
) -> None:
    runner.run_once()
    assert status_of(client, admin_headers)["leader"] == runner.leadership.holder
    runner.shutdown()
    status = status_of(client, admin_headers)  # at once: the clock has not moved
    assert status["leader"] is None


def test_a_leader_that_died_is_not_named(
    client: TestClient, admin_headers: Headers, runner: SchedulerRunner, backend: str,
    database_url: str, clock: ControllableClock,
) -> None:
    runner.run_once()
    assert status_of(client, admin_headers)["leader"] == runner.leadership.holder
    if backend == "postgresql":
        # Its connection, and the leadership lock with it, are gone; its heartbeat is fresh.
        release_leaked_leadership(database_url)
        assert status_of(client, admin_headers)["leader"] is None
    else:  # SQLite has no lock to consult: a heartbeat older than 30 s is a leader gone
        clock.advance(timedelta(seconds=29))
        assert status_of(client, admin_headers)["leader"] == runner.leadership.holder
        clock.advance(timedelta(seconds=2))
        assert status_of(client, admin_headers)["leader"] is None
    assert status_of(client, admin_headers)["leader_heartbeat_at"] is not None


def test_a_standby_says_it_is_one(
    app: FastAPI, admin_headers: Headers, settings: Settings, clock: ControllableClock,
    backend: str, database_url: str,
) -> None:
    """A process whose scheduler runs while another holds the leadership is a standby; when the
    lock is freed it takes over. On SQLite the one process always leads."""
    fast = settings.model_copy(update={"scheduler_tick_seconds": 0.1})
    other = create_engine(database_url, isolation_level="AUTOCOMMIT")
    holder = other.connect() if backend == "postgresql" else None
    try:
        if holder is not None:
            holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        with TestClient(create_app(fast, clock=clock, run_scheduler=True)) as client:
            status = status_of(client, admin_headers)
            if holder is None:
                assert status["this_process"] == "leader"
                return
            assert (status["this_process"], status["leader"]) == ("standby", None)
            holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            wait_until(lambda: status_of(client, admin_headers)["this_process"] == "leader",
                       "the standby to take over")
            assert status_of(client, admin_headers)["leader"] is not None
    finally:
        if holder is not None:
            holder.close()
        other.dispose()
