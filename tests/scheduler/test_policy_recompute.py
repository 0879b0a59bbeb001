"""A policy change queues its recompute for the scheduler's recompute job, as a calendar
change does: an authority with more open plans than the change applies at once gets a 202
with the recompute `pending`, the dates move when the leader runs the job, and the policy
then shows the recompute `done` with its count.

Dates are hand-checked: a CIN plan started Thu 15 Jan 2026 is reviewed 3 months on
(Wed 15 Apr); under a 2-month interval, Sun 15 Mar (months never move)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from review_service.models import OutboxMessage
from review_service.scheduler.runner import SchedulerRunner
from tests.api.factories import Headers, create_plan


def _due_by(client: TestClient, headers: Headers, review_id: str) -> str:
    response = client.get(f"/v1/reviews/{review_id}", headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["due_by"])


def test_a_large_authoritys_change_is_queued_and_the_leader_applies_it(
    app: FastAPI, client: TestClient, admin_headers: Headers, runner: SchedulerRunner
) -> None:
    app.state.settings = app.state.settings.model_copy(
        update={"policy_recompute_at_once_plans": 1}
    )
    plans = [
        create_plan(client, admin_headers, plan_type="child_in_need", start_date="2026-01-15")
        for _ in range(2)
    ]
    reviews = [str(plan["next_review"]["id"]) for plan in plans]
    assert [_due_by(client, admin_headers, r) for r in reviews] == ["2026-04-15"] * 2

    response = client.put(
        "/v1/policies/LA1",
        json={"child_in_need_review_interval_months": 2},
        headers=admin_headers,
    )

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["child_in_need_review_interval_months"] == 2
    assert body["plans_recomputed"] == 2
    assert body["deadlines_moved"] is None
    assert body["recompute"] == {"status": "pending", "deadlines_moved": None,
                                 "completed_at": None}  # fmt: skip
    # Nothing moved yet: the scheduler has not run.
    assert [_due_by(client, admin_headers, r) for r in reviews] == ["2026-04-15"] * 2
    pending = client.get("/v1/policies/LA1", headers=admin_headers).json()
    assert pending["recompute"]["status"] == "pending"

    assert runner.lead()

    assert [_due_by(client, admin_headers, r) for r in reviews] == ["2026-03-15"] * 2
    done = client.get("/v1/policies/LA1", headers=admin_headers).json()["recompute"]
    assert done["status"] == "done"
    assert done["deadlines_moved"] >= 2  # both reviews, and their milestones
    assert done["completed_at"] is not None
    with app.state.session_factory() as session:  # a policy change is no calendar change
        announced = select(OutboxMessage).where(OutboxMessage.event_type == "calendar.changed")
        assert session.scalars(announced).first() is None


def test_a_small_authoritys_change_is_applied_within_it_and_shown_done(
    client: TestClient, admin_headers: Headers, runner: SchedulerRunner
) -> None:
    plan = create_plan(client, admin_headers, plan_type="child_in_need", start_date="2026-01-15")
    assert client.get("/v1/policies/LA1", headers=admin_headers).json()["recompute"] is None

    response = client.put(
        "/v1/policies/LA1",
        json={"child_in_need_review_interval_months": 2},
        headers=admin_headers,
    )

    assert response.status_code == 200, response.text
    recompute = response.json()["recompute"]
    assert recompute["status"] == "done"
    assert recompute["deadlines_moved"] == response.json()["deadlines_moved"] >= 1
    assert _due_by(client, admin_headers, str(plan["next_review"]["id"])) == "2026-03-15"
    shown = client.get("/v1/policies/LA1", headers=admin_headers).json()["recompute"]
    assert shown == recompute
    runner.lead()  # the leader finds nothing left to apply: the dates stay
    assert _due_by(client, admin_headers, str(plan["next_review"]["id"])) == "2026-03-15"
