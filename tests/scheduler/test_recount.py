"""The nightly recount heals the timers table from anything that bypassed the commit hook."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from review_service.clock import ControllableClock
from review_service.database import create_session_factory
from review_service.models import Base, Timer
from review_service.scheduler.jobs import recount_timers
from tests.api.factories import Headers, create_plan


def test_recount_restores_deleted_timers_and_changes_nothing_else(
    app: FastAPI, client: TestClient, admin_headers: Headers, clock: ControllableClock,
    count_rows: Callable[[type[Base]], int],
) -> None:
    clock.set(datetime(2026, 2, 1, 12, tzinfo=UTC))
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-26")
    before = count_rows(Timer)
    assert before > 0
    sessions = app.state.session_factory
    with sessions() as session, session.begin():
        expected = sorted(session.execute(select(
            Timer.subject_id, Timer.event_type, Timer.level, Timer.fire_at)).all())
        # A hand-edit that bypasses the service: the review's timers vanish.
        session.execute(delete(Timer).where(Timer.subject_id.in_([
            uuid.UUID(plan["next_review"]["id"])])))
    assert count_rows(Timer) < before
    plain = create_session_factory(app.state.engine, clock)
    checked = recount_timers(plain, clock, chunk=3)
    assert checked >= 1 + len(plan["next_review"]["milestones"])
    with sessions() as session:
        after = sorted(session.execute(select(
            Timer.subject_id, Timer.event_type, Timer.level, Timer.fire_at)).all())
        assert session.scalar(select(func.count()).select_from(Timer)) == before
    assert after == expected
