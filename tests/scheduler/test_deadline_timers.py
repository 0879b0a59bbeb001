"""Timers are derived by the unit of work that moved a deadline: every service path leaves
them right without the nightly recount, the clock is read once per request, and the
recount reports (and heals) drift."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from review_service.clock import ControllableClock, london_today
from review_service.deadlines.registry import REGISTRY
from review_service.deadlines.unit_of_work import UnitOfWork
from review_service.models import Timer
from review_service.scheduler.jobs import Recount, recount_timers
from review_service.scheduler.runner import SchedulerRunner
from tests.api.factories import Headers, create_plan


def timers_out_of_step(app: FastAPI) -> int:
    """How many deadlines (open or finished) have timers other than a fresh derivation of
    every one of them would give: 0 when the request paths left them right."""
    from review_service.timers.derive import derive_timers

    with app.state.session_factory() as session:
        every = {
            (kind, deadline_id)
            for kind, registered in REGISTRY.items()
            for deadline_id in session.scalars(select(registered.model.id))
        }
        changed = derive_timers(session, every, london_today(app.state.clock.now()))
        session.rollback()
    return changed


@pytest.fixture
def check(app: FastAPI) -> Callable[[str], None]:
    unregistered = UnitOfWork.unregistered_total

    def after(step: str) -> None:
        assert timers_out_of_step(app) == 0, step
        # Each path registered what it moved; none leant on the guard.
        assert UnitOfWork.unregistered_total == unregistered, step

    return after


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


def test_every_service_path_leaves_the_timers_right_without_the_recount(
    app: FastAPI, client: TestClient, admin_headers: Headers, clock: ControllableClock,
    runner: SchedulerRunner, check: Callable[[str], None],
) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after",
                       start_date="2026-02-16", chair_id="iro-1")
    review = plan["next_review"]
    check("plan created")
    url = f"/v1/reviews/{review['id']}"
    _ok(client.post(f"{url}/schedule", json={"scheduled_for": "2026-03-10T10:00:00+00:00"},
                    headers=admin_headers))
    check("scheduled")
    _ok(client.post(f"{url}/bring-forward", json={"due_by": "2026-03-12", "reason": "x"},
                    headers=admin_headers))
    check("brought forward")
    _ok(client.post(f"{url}/adjourn", json={"reconvene_on": "2026-03-11", "reason": "x"},
                    headers=admin_headers))
    check("adjourned")
    milestone = _ok(client.get(url, headers=admin_headers))["milestones"][0]
    _ok(client.patch(f"{url}/milestones/{milestone['id']}", json={"status": "done"},
                     headers=admin_headers))
    check("milestone done")
    held = _ok(client.post(f"{url}/complete", json={"held_on": "2026-03-02",
                                                    "participation_code": "PN1"},
                           headers=admin_headers))
    check("held")
    action = _ok(client.post(f"{url}/actions", json={"description": "Dentist", "owner": "SW",
                                                     "due_by": "2026-03-04"},
                             headers=admin_headers), 201)
    check("action created")
    action_url = f"{url}/actions/{action['id']}"
    _ok(client.patch(action_url, json={"due_by": "2026-03-05"}, headers=admin_headers))
    check("action moved")
    next_review = held["next_review"]
    _ok(client.post(f"/v1/reviews/{next_review['id']}/cancel", json={"reason": "clash"},
                    headers=admin_headers))
    check("cancelled")
    event = {"source": "feed", "child_id": plan["child_id"],
             "occurred_at": "2026-02-27T14:00:00+00:00"}
    effects = _ok(client.post("/v1/events", json={**event, "event_id": "e-1",
                                                  "type": "placement_ended_unplanned"},
                              headers=admin_headers), 201)["effects"]
    check("event: meeting and consideration")
    by_kind = {e["kind"]: e for e in effects}
    _ok(client.post(f"/v1/meetings/{by_kind['disruption_meeting_created']['meeting_id']}/hold",
                    json={"held_on": "2026-03-02", "chair_id": "m-1"}, headers=admin_headers))
    check("meeting held")
    consideration = by_kind["consideration_opened"]["consideration_id"]
    _ok(client.post(f"/v1/considerations/{consideration}/decision",
                    json={"bring_forward_to": None, "reason": "no review needed"},
                    headers=admin_headers))
    check("consideration decided")
    _ok(client.patch(f"/v1/plans/{plan['id']}", json={"chair_id": "iro-2"},
                     headers=admin_headers))
    check("chair changed")
    _ok(client.put("/v1/policies/LA1", json={"escalation_level_2_working_days": 3},
                   headers=admin_headers))
    check("policy changed")
    _ok(client.post("/v1/calendar/non-working-days", json={"date": "2026-03-20", "name": "x"},
                    headers=admin_headers), 201)
    runner.lead()
    check("calendar recomputed")
    clock.advance(timedelta(days=4))  # the action is overdue: the job raises an event
    runner.lead()
    check("action overdue fired")
    _ok(client.patch(action_url, json={"status": "done"}, headers=admin_headers))
    check("action done")
    _ok(client.post(f"/v1/plans/{plan['id']}/end", json={"end_date": "2026-03-06",
                                                         "reason": "moved"},
                    headers=admin_headers))
    check("plan ended")


def test_a_request_reads_the_clock_once(
    app: FastAPI, client: TestClient, admin_headers: Headers, clock: ControllableClock
) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-16")
    reads: list[datetime] = []

    class CountingClock:
        def now(self) -> datetime:
            reads.append(clock.now())
            return clock.now()

    app.state.clock = CountingClock()
    response = client.post(f"/v1/reviews/{plan['next_review']['id']}/schedule",
                           json={"scheduled_for": "2026-03-10T10:00:00+00:00"},
                           headers=admin_headers)
    assert response.status_code == 200, response.text
    assert len(reads) == 1


def test_recount_counts_drift_logs_it_and_heals_it(
    app: FastAPI, client: TestClient, admin_headers: Headers, clock: ControllableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock.set(datetime(2026, 2, 1, 12, tzinfo=UTC))
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-26")
    sessions = app.state.session_factory
    recount_timers(sessions, clock)
    assert Recount.last_drift == 0
    with sessions() as session, session.begin():  # a hand-edit that bypasses the service
        session.execute(delete(Timer).where(
            Timer.subject_id == uuid.UUID(plan["next_review"]["id"])))
    total = Recount.drift_total
    with caplog.at_level("INFO", logger="review_service.scheduler.jobs"):
        checked = recount_timers(sessions, clock)
    assert checked >= 1 + len(plan["next_review"]["milestones"])
    assert Recount.last_drift == 1  # the review; its milestones' timers were untouched
    assert Recount.drift_total == total + 1
    assert any("1 had drifted" in record.getMessage() for record in caplog.records)
    recount_timers(sessions, clock)
    assert Recount.last_drift == 0
    assert timers_out_of_step(app) == 0
