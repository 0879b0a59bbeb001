"""Reminders fire at the right moment through a real receiver, driven by a controllable
clock; deadlines that move take their reminders with them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from review_service.clock import ControllableClock
from review_service.scheduler.runner import SchedulerRunner
from tests.api.factories import Headers, create_plan
from tests.scheduler.receiver import Receiver, start_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = start_receiver()
    yield r
    r.close()


@pytest.fixture
def runner(app: FastAPI, clock: ControllableClock) -> SchedulerRunner:
    """The scheduler's jobs, stepped by hand (no background threads, no wall clock)."""
    settings = app.state.settings.model_copy(update={"retry_schedule": (5, 60)})
    return SchedulerRunner(settings, app.state.engine, app.state.session_factory, clock)


@pytest.fixture
def subscription(client: TestClient, make_token: Any, receiver: Receiver) -> dict[str, Any]:
    response = client.post("/v1/webhook-subscriptions", json={
        "url": receiver.url, "event_types": ["review.due_soon", "review.overdue",
                                             "review.scheduled", "review.held"]},
        headers=make_token("webhooks"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def at_london_midnight(day: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(day).replace(tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)


def test_due_soon_fires_at_its_moment_and_not_before(
    client: TestClient, admin_headers: Headers, clock: ControllableClock, runner: SchedulerRunner,
    receiver: Receiver, subscription: dict[str, Any],
) -> None:
    # Pathway plan from 2025-09-15: review 1 due Sun 2026-03-15. 20 working days before is
    # Mon 2026-02-16; 5 working days before is Mon 2026-03-09.
    clock.set(datetime(2026, 2, 1, 12, tzinfo=UTC))
    plan = create_plan(client, admin_headers, plan_type="pathway", start_date="2025-09-15",
                       chair_id="iro-9")
    assert plan["next_review"]["due_by"] == "2026-03-15"
    clock.set(at_london_midnight("2026-02-16") - timedelta(seconds=1))
    runner.run_once()
    assert receiver.of_type("review.due_soon") == []
    clock.set(at_london_midnight("2026-02-16"))
    runner.run_once()
    first = receiver.of_type("review.due_soon")
    assert len(first) == 1
    body = first[0].json
    assert body["data"]["review_id"] == plan["next_review"]["id"]
    assert body["data"]["due_by"] == "2026-03-15"
    # Signed per Standard Webhooks with the subscription's secret, over id.timestamp.body;
    # (verify() would refuse the simulated clock's timestamp as too old, so compare directly).
    headers = first[0].headers
    sent_at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=UTC)
    assert sent_at == at_london_midnight("2026-02-16")
    expected = Webhook(subscription["secret"]).sign(headers["webhook-id"], sent_at, first[0].body)
    assert headers["webhook-signature"] == expected
    clock.set(at_london_midnight("2026-03-09"))
    runner.run_once()
    assert len(receiver.of_type("review.due_soon")) == 2
    # Overdue: 00:00 London on the day after due_by, escalation level 1 to the IRO manager.
    clock.set(at_london_midnight("2026-03-16"))
    runner.run_once()
    overdue = receiver.of_type("review.overdue")
    assert [(o.json["data"]["escalation_level"], o.json["data"]["addressed_to"])
            for o in overdue] == [(1, "iro_unit_manager")]


def test_moving_the_deadline_moves_its_reminders_and_completing_withdraws_them(
    client: TestClient, admin_headers: Headers, clock: ControllableClock, runner: SchedulerRunner,
    receiver: Receiver, subscription: dict[str, Any],
) -> None:
    clock.set(datetime(2026, 2, 1, 12, tzinfo=UTC))
    plan = create_plan(client, admin_headers, plan_type="pathway", start_date="2025-09-15")
    review_id = plan["next_review"]["id"]
    # Brought forward to Fri 2026-02-27: the 5-day reminder moves to Fri 2026-02-20.
    client.post(f"/v1/reviews/{review_id}/bring-forward",
                json={"due_by": "2026-02-27", "reason": "Placement move"}, headers=admin_headers)
    clock.set(at_london_midnight("2026-02-20"))
    runner.run_once()
    assert [r.json["data"]["due_by"] for r in receiver.of_type("review.due_soon")] == [
        "2026-02-27", "2026-02-27"]  # the 20-day one (already past) and the 5-day one
    complete = client.post(f"/v1/reviews/{review_id}/complete", json={"held_on": "2026-02-20"},
                           headers=admin_headers)
    assert complete.status_code == 200
    clock.set(at_london_midnight("2026-03-02"))
    runner.run_once()
    assert receiver.of_type("review.overdue") == []
    assert len(receiver.of_type("review.held")) == 1


def test_preparation_milestones_of_a_held_review_stop_escalating(
    client: TestClient, admin_headers: Headers, clock: ControllableClock, runner: SchedulerRunner,
    receiver: Receiver, make_token: Any,
) -> None:
    client.post("/v1/webhook-subscriptions", json={
        "url": receiver.url, "event_types": ["milestone.overdue"]},
        headers=make_token("webhooks"))
    clock.set(datetime(2026, 2, 1, 12, tzinfo=UTC))
    plan = create_plan(client, admin_headers, plan_type="pathway", start_date="2025-09-15")
    # Held early, on 2 Feb, with its invitations (due 27 Feb) and child visit never marked done.
    clock.set(datetime(2026, 2, 3, 12, tzinfo=UTC))
    held = client.post(f"/v1/reviews/{plan['next_review']['id']}/complete",
                       json={"held_on": "2026-02-02"}, headers=admin_headers)
    assert held.status_code == 200
    clock.set(at_london_midnight("2026-03-20"))
    runner.run_once()
    assert receiver.of_type("milestone.overdue") == []
