"""Migration 0013 on a database that already holds reviews: each review gets its plan's child,
and the migration goes down and up again with the rows in place. On SQLite and PostgreSQL,
each test on a database of its own."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Column, Engine, MetaData, Table, create_engine, insert, inspect, select

from review_service.migrations import alembic_config
from review_service.models import Child, Plan, Review
from tests.conftest import BACKENDS
from tests.databases import scratch_database

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
REVIEWS = Review.__table__
# Reviews as revision 0012 has them: without the child.
REVIEWS_AT_0012 = Table(
    "reviews", MetaData(), *(Column(c.name, c.type) for c in REVIEWS.c if c.name != "child_id")
)


def _child_with_a_plan_and_reviews(engine: Engine, reviews: int) -> tuple[uuid.UUID, uuid.UUID]:
    """Rows written at revision 0012: a child, its plan and `reviews` reviews of the plan."""
    child_id, plan_id = uuid.uuid4(), uuid.uuid4()
    stamps = {"created_at": NOW, "updated_at": NOW, "version": 1}
    with engine.begin() as connection:
        connection.execute(
            insert(Child.__table__).values(
                id=child_id,
                local_authority="LA1",
                external_id=f"c-{child_id.hex[:8]}",
                date_of_birth=date(2015, 5, 1),
                **stamps,
            )
        )
        connection.execute(
            insert(Plan.__table__).values(
                id=plan_id,
                child_id=child_id,
                local_authority="LA1",
                type="looked_after",
                start_date=date(2025, 1, 6),
                status="open",
                **stamps,
            )
        )
        for sequence in range(1, reviews + 1):
            connection.execute(
                insert(REVIEWS_AT_0012).values(
                    id=uuid.uuid4(),
                    plan_id=plan_id,
                    local_authority="LA1",
                    plan_type="looked_after",
                    sequence=sequence,
                    status="held",
                    statutory_due_by=date(2025, sequence, 3),
                    due_by=date(2025, sequence, 3),
                    held_on=date(2025, sequence, 1),
                    late=False,
                    **stamps,
                )
            )
    return child_id, plan_id


@pytest.mark.parametrize("backend", BACKENDS)
def test_existing_reviews_get_their_plans_child_and_the_migration_undoes(
    backend: str, tmp_path: Path
) -> None:
    with scratch_database(backend, tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, "0012")
        engine = create_engine(url)
        try:
            first = _child_with_a_plan_and_reviews(engine, reviews=2)
            second = _child_with_a_plan_and_reviews(engine, reviews=3)
            command.upgrade(config, "0013")
            with engine.connect() as connection:
                children = connection.execute(select(REVIEWS.c.plan_id, REVIEWS.c.child_id))
                by_plan = sorted((plan, child) for plan, child in children)
            expected = [(first[1], first[0])] * 2 + [(second[1], second[0])] * 3
            assert by_plan == sorted(expected)
            columns = {c["name"]: c for c in inspect(engine).get_columns("reviews")}
            assert columns["child_id"]["nullable"] is False

            command.downgrade(config, "0012")
            assert "child_id" not in {c["name"] for c in inspect(engine).get_columns("reviews")}
            command.upgrade(config, "0013")
            with engine.connect() as connection:
                assert (
                    connection.scalar(
                        select(REVIEWS.c.child_id).where(REVIEWS.c.plan_id == second[1]).limit(1)
                    )
                    == second[0]
                )
        finally:
            engine.dispose()
