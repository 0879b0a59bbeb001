"""The migrations build exactly the schema the models describe, and every one of them can be
undone: on SQLite and PostgreSQL, a new database is migrated to the newest revision, compared
with the models (tables, columns, types, indexes, constraints), taken back to nothing and
migrated again. A migration that forgets an index the model declares, or a model that forgets
what a migration made, fails here rather than in an authority's database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from review_service.migrations import alembic_config
from review_service.models import Base
from tests.conftest import BACKENDS
from tests.databases import scratch_database


def _differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_build_the_models_schema_and_undo_cleanly(
    backend: str, tmp_path: Path
) -> None:
    with scratch_database(backend, tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, "head")
        assert _differences(url) == []
        assert set(Base.metadata.tables) <= _tables(url)

        command.downgrade(config, "base")
        assert _tables(url) <= {"alembic_version"}

        command.upgrade(config, "head")
        assert _differences(url) == []
