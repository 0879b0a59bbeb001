"""Migration 0006 on a database that already holds data: it refuses what it must not decide
(duplicate open plans, authority codes that collide once upper-cased) and upper-cases the
rest. On SQLite and PostgreSQL, each test on a database of its own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    Table,
    create_engine,
    insert,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from review_service.migrations import alembic_config
from review_service.models import ApiToken, Child, Plan
from tests.conftest import BACKENDS, POSTGRES_URL

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _as_at_0005(model: type[Child | Plan | ApiToken]) -> Table:
    """The model's table less the columns later migrations add: rows written at 0005 must not
    name them (the models' defaults would)."""
    later = {"history_complete", "expires_at"}
    columns = [Column(c.name, c.type) for c in model.__table__.columns if c.name not in later]
    return Table(model.__table__.name, MetaData(), *columns)


CHILDREN, PLANS, TOKENS = _as_at_0005(Child), _as_at_0005(Plan), _as_at_0005(ApiToken)


@pytest.fixture(params=BACKENDS)
def url_at_0005(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database migrated to revision 0005 only."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'review.db'}"
        command.upgrade(alembic_config(url), "0005")
        yield url
        return
    assert POSTGRES_URL is not None
    name = f"review_mig_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    command.upgrade(alembic_config(url), "0005")
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def add_child(engine: Engine, authority: str, external_id: str) -> uuid.UUID:
    child_id = uuid.uuid4()
    with engine.begin() as connection:
        connection.execute(insert(CHILDREN).values(
            id=child_id, local_authority=authority, external_id=external_id,
            date_of_birth=date(2015, 5, 1), created_at=NOW, updated_at=NOW, version=1))
    return child_id


def add_open_plan(engine: Engine, child_id: uuid.UUID, authority: str) -> uuid.UUID:
    plan_id = uuid.uuid4()
    with engine.begin() as connection:
        connection.execute(insert(PLANS).values(
            id=plan_id, child_id=child_id, local_authority=authority, type="looked_after",
            start_date=date(2026, 1, 5), status="open", created_at=NOW, updated_at=NOW,
            version=1))
    return plan_id


def test_duplicate_open_plans_are_refused_by_id_until_one_is_ended(url_at_0005: str) -> None:
    engine = create_engine(url_at_0005)
    child = add_child(engine, "LA1", "MOSAIC-99")
    first, second = add_open_plan(engine, child, "LA1"), add_open_plan(engine, child, "LA1")
    with pytest.raises(RuntimeError, match="share a child and a type") as refused:
        command.upgrade(alembic_config(url_at_0005), "head")
    assert str(first) in str(refused.value)
    assert str(second) in str(refused.value)
    assert "MOSAIC-99" not in str(refused.value)
    with engine.begin() as connection:
        connection.execute(update(PLANS).where(PLANS.c.id == second)
                           .values(status="ended"))
    command.upgrade(alembic_config(url_at_0005), "head")
    # From now on the database itself refuses a second open plan of the type.
    with pytest.raises(IntegrityError):
        add_open_plan(engine, child, "LA1")
    engine.dispose()


def test_authority_codes_are_upper_cased_unless_they_would_collide(url_at_0005: str) -> None:
    engine = create_engine(url_at_0005)
    child = add_child(engine, "demo", "c-1")
    add_open_plan(engine, child, "demo")
    clash = add_child(engine, "DEMO", "c-1")
    with engine.begin() as connection:
        connection.execute(insert(TOKENS).values(
            id=uuid.uuid4(), name="demo-reader", token_hash="0" * 64, scopes="read",
            local_authority="demo", created_at=NOW))
    with pytest.raises(RuntimeError, match="children differ only in the case"):
        command.upgrade(alembic_config(url_at_0005), "head")
    with engine.begin() as connection:
        connection.execute(CHILDREN.delete().where(CHILDREN.c.id == clash))
    command.upgrade(alembic_config(url_at_0005), "head")
    with engine.connect() as connection:
        assert connection.scalar(select(CHILDREN.c.local_authority)) == "DEMO"
        assert connection.scalar(select(PLANS.c.local_authority)) == "DEMO"
        assert connection.scalar(select(TOKENS.c.local_authority)) == "DEMO"
    engine.dispose()
