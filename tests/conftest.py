"""Shared fixtures: a real database per backend, the ASGI app, tokens and a controllable clock.

Database tests run on SQLite always and on PostgreSQL whenever
REVIEW_SERVICE_TEST_POSTGRES_URL names a server (CI sets it; there it is required, not optional).
Each backend's database is built by the Alembic migrations, so the migrations are tested too.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.orm import Session

from review_service.app import create_app
from review_service.auth import parse_scopes
from review_service.clock import ControllableClock
from review_service.database import create_database_engine, create_session_factory
from review_service.migrations import upgrade_to_head
from review_service.models import Base
from review_service.settings import Settings
from review_service.tokens.service import create_token

POSTGRES_URL = os.environ.get("REVIEW_SERVICE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
# A Monday morning in term time, well clear of bank holidays.
DEFAULT_NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A freshly migrated database on one backend, for the whole session."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "review.db"
        url = f"sqlite:///{path}"
        upgrade_to_head(url)
        yield url
        return
    assert POSTGRES_URL is not None
    name = f"review_test_{_worker()}_{os.getpid()}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def backend(database_url: str) -> str:
    """`sqlite` or `postgresql`."""
    return make_url(database_url).get_backend_name()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings naming the test database."""
    return Settings(database_url=database_url, scheduler_enabled=False)


@pytest.fixture
def clock() -> ControllableClock:
    """The clock every request and job reads; tests move it by hand."""
    return ControllableClock(DEFAULT_NOW)


def _empty_all_tables(url: str) -> None:
    engine = create_engine(url)
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


@pytest.fixture
def app(settings: Settings, clock: ControllableClock) -> Iterator[FastAPI]:
    """The real ASGI app on the test database; every table is emptied afterwards."""
    application = create_app(settings, clock=clock, run_scheduler=False)
    yield application
    application.state.engine.dispose()
    _empty_all_tables(settings.database_url)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client speaking to the app in-process."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def db_session(settings: Settings) -> Iterator[Session]:
    """A session on the test database, for arranging and checking rows directly.

    Each transaction holds SQLite's write lock (BEGIN IMMEDIATE), so a test that reads with
    it and then calls the app again must end its transaction first (`rollback()`), or use
    `count_rows`, which does so."""
    engine = create_database_engine(settings)
    with create_session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def count_rows(db_session: Session) -> Callable[[type[Base]], int]:
    """How many rows a model's table holds, read in a transaction of its own."""

    def count(model: type[Base]) -> int:
        try:
            return int(db_session.scalar(select(func.count()).select_from(model)) or 0)
        finally:
            db_session.rollback()

    return count


TokenFactory = Callable[..., dict[str, str]]


@pytest.fixture
def make_token(app: FastAPI, clock: ControllableClock) -> TokenFactory:
    """Create a token and return the Authorization header that carries it."""

    def factory(
        scopes: str = "admin", local_authority: str | None = None, name: str | None = None
    ) -> dict[str, str]:
        with app.state.session_factory() as session:
            created = create_token(
                session,
                name=name or f"test-{uuid.uuid4().hex[:12]}",
                scopes=parse_scopes(scopes),
                local_authority=local_authority,
                now=clock.now(),
            )
            session.commit()
        return {"Authorization": f"Bearer {created.secret}"}

    return factory


@pytest.fixture
def admin_headers(make_token: TokenFactory) -> dict[str, str]:
    """Headers of an unbound admin token."""
    return make_token("admin")
