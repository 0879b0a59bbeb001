"""Deriving the timers of many deadlines is a handful of statements, not several per deadline
(the imports of the next issue write thousands of deadlines at once)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, insert, select

from review_service.clock import ControllableClock
from review_service.deadlines.unit_of_work import unit_of_work
from review_service.domain.deadlines import ActionStatus, DeadlineKind
from review_service.models import Action, Timer
from tests.api.factories import Headers, complete, create_plan

DEADLINES = 10_000
# Per kind touched: rows, their plans, existing timers; then the policy and calendar of the
# one authority, a delete, an insert and an update, and the unit's own flush and BEGIN.
STATEMENT_BOUND = 20


@contextmanager
def counting_statements(app: FastAPI) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)


def test_deriving_ten_thousand_deadlines_takes_a_bounded_number_of_statements(
    app: FastAPI, client: TestClient, admin_headers: Headers, clock: ControllableClock
) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-16")
    complete(client, admin_headers, plan["next_review"]["id"], "2026-03-02",
             participation_code="PN1")
    ids = [uuid.uuid4() for _ in range(DEADLINES)]
    sessions = app.state.session_factory
    with sessions() as session, session.begin():  # as an import would write them: Core
        session.execute(insert(Action), [
            {"id": action_id, "review_id": uuid.UUID(plan["next_review"]["id"]),
             "plan_id": uuid.UUID(plan["id"]), "description": "d", "owner": "o",
             "due_by": date(2026, 3, 20), "status": ActionStatus.OPEN.value,
             "created_at": clock.now(), "updated_at": clock.now()}
            for action_id in ids
        ])

    with counting_statements(app) as statements, unit_of_work(sessions, clock) as unit:
        unit.touch(DeadlineKind.ACTION, ids)

    assert len(statements) <= STATEMENT_BOUND, statements
    with sessions() as session:
        timers = session.scalar(select(func.count()).select_from(Timer).where(
            Timer.subject_type == DeadlineKind.ACTION.value))
    assert timers == 3 * DEADLINES  # RULES.md §8: three escalation levels, no due-soon

    with counting_statements(app) as again, unit_of_work(sessions, clock) as unit:
        unit.touch(DeadlineKind.ACTION, ids)
    assert len(again) <= STATEMENT_BOUND  # nothing to change: reads only
    assert not [s for s in again if s.lstrip().upper().startswith(("INSERT", "DELETE"))]
