"""Fixtures shared by the scheduler tests: a real receiver, a hand-stepped scheduler, and a
guard that no scheduler leadership leaks from one test into the next."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, make_url, text

from review_service.clock import ControllableClock
from review_service.scheduler.runner import SchedulerRunner
from tests.scheduler.receiver import Receiver, start_receiver


def release_leaked_leadership(database_url: str) -> None:
    """End every other connection that holds an advisory lock on this test database.

    A scheduler that is never shut down (a hand-stepped runner fixture without a finaliser)
    keeps the leadership lock on a connection of its own after its test; the next test's
    scheduler, in process or in a subprocess, would then wait forever as a standby. Each
    xdist worker has a database of its own, so this touches nothing of another worker."""
    if make_url(database_url).get_backend_name() != "postgresql":
        return
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
                    " AND database = (SELECT oid FROM pg_database"
                    "                 WHERE datname = current_database())"
                )
            )
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def _no_leaked_leadership(database_url: str) -> Iterator[None]:
    release_leaked_leadership(database_url)
    yield
    release_leaked_leadership(database_url)


def _close_in_background(receiver: Receiver) -> None:
    # `shutdown()` waits out serve_forever's 0.5 s poll; nothing needs to wait for it.
    threading.Thread(target=receiver.close, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP receiver on 127.0.0.1."""
    r = start_receiver()
    yield r
    _close_in_background(r)


@pytest.fixture
def other_receiver() -> Iterator[Receiver]:
    """A second receiver, for a second subscription."""
    r = start_receiver()
    yield r
    _close_in_background(r)


@pytest.fixture
def runner(app: FastAPI, clock: ControllableClock) -> Iterator[SchedulerRunner]:
    """The scheduler's jobs on the controllable clock, stepped by hand with `run_once()`;
    retries after 5 s and then 60 s (three attempts in all)."""
    settings = app.state.settings.model_copy(update={"retry_schedule": (5, 60)})
    stepped = SchedulerRunner(settings, app.state.engine, app.state.session_factory, clock)
    yield stepped
    stepped.shutdown()
