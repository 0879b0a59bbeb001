"""Scratch databases for tests that need one apart from the session's migrated database: empty,
or migrated to an older revision."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, make_url, text

from review_service.migrations import alembic_config
from tests.conftest import POSTGRES_URL


@contextmanager
def scratch_database(backend: str, directory: Path) -> Iterator[str]:
    """The URL of a new, empty database on `backend`, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / f'scratch-{uuid.uuid4().hex[:8]}.db'}"
        return
    assert POSTGRES_URL is not None
    name = f"review_scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def migrate_to_one_before_newest(url: str) -> None:
    """Migrate `url` to the newest revision, then back one."""
    config = alembic_config(url)
    command.upgrade(config, "head")
    command.downgrade(config, "-1")
