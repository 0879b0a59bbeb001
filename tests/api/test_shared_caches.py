"""Policies and calendars are kept per process; a change made through another process (a
second app on the same database) is seen by the next request all the same."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from review_service.app import create_app
from review_service.clock import ControllableClock
from review_service.settings import Settings
from tests.api.factories import Headers, complete, create_child, create_plan

ADD = "/v1/calendar/working-days/add?date=2031-06-05&days=1"


@pytest.fixture
def other_process(app: FastAPI, settings: Settings, clock: ControllableClock
                  ) -> Iterator[TestClient]:
    """A second app on the same database: its own engine, so its own copies."""
    second = create_app(settings, clock=clock, run_scheduler=False)
    with TestClient(second, raise_server_exceptions=False) as client:
        yield client
    second.state.engine.dispose()


def test_a_day_declared_elsewhere_is_honoured_at_once(
    client: TestClient, other_process: TestClient, admin_headers: Headers
) -> None:
    assert client.get(ADD, headers=admin_headers).json()["result"] == "2031-06-06"
    declared = other_process.post(
        "/v1/calendar/non-working-days",
        json={"date": "2031-06-06", "name": "Coronation of a new monarch"},
        headers=admin_headers,
    )
    assert declared.status_code == 201
    # Thu 5 Jun + 1 working day, Fri 6 declared off: Mon 9 Jun.
    assert client.get(ADD, headers=admin_headers).json()["result"] == "2031-06-09"
    removed = other_process.delete(f"/v1/calendar/non-working-days/{declared.json()['id']}",
                                   headers=admin_headers)
    assert removed.status_code == 204
    assert client.get(ADD, headers=admin_headers).json()["result"] == "2031-06-06"


def test_a_policy_changed_elsewhere_applies_to_the_next_plan(
    client: TestClient, other_process: TestClient, admin_headers: Headers
) -> None:
    def cin_plan() -> str:
        child = create_child(client, admin_headers)["id"]
        response = client.post("/v1/plans", headers=admin_headers, json={
            "child_id": child, "type": "child_in_need", "start_date": "2026-01-15"})
        assert response.status_code == 201, response.text
        return str(response.json()["next_review"]["due_by"])

    assert cin_plan() == "2026-04-15"  # 15 Jan + 3 months (RULES.md default)
    changed = other_process.put("/v1/policies/LA1", headers=admin_headers,
                                json={"child_in_need_review_interval_months": 2})
    assert changed.status_code == 200, changed.text
    assert cin_plan() == "2026-03-15"  # 15 Jan + 2 months
    reset = other_process.put("/v1/policies/LA1", headers=admin_headers, json={})
    assert reset.status_code == 200, reset.text
    assert cin_plan() == "2026-04-15"


def test_a_subscription_changed_elsewhere_is_told_of_the_next_change(
    client: TestClient, other_process: TestClient, admin_headers: Headers
) -> None:
    # Subscriptions are kept per process too (webhooks/outbox.py): this process reads them
    # first with none, then must see the other's new, disabled and re-enabled subscription.
    def hold_a_review() -> None:
        plan = create_plan(client, admin_headers, plan_type="child_in_need",
                           start_date="2026-01-15")
        complete(client, admin_headers, str(plan["next_review"]["id"]), "2026-02-02")

    def deliveries_after_a_review_held(subscription_id: str) -> int:
        hold_a_review()
        log = client.get(f"/v1/webhook-subscriptions/{subscription_id}/deliveries",
                         headers=admin_headers)
        assert log.status_code == 200, log.text
        return len(log.json()["items"])

    hold_a_review()  # read with no subscription at all
    wanted = {"url": "http://127.0.0.1:9/hook", "event_types": ["review.held"]}
    made = other_process.post("/v1/webhook-subscriptions", headers=admin_headers, json=wanted)
    assert made.status_code == 201, made.text
    hook = str(made.json()["id"])
    assert deliveries_after_a_review_held(hook) == 1
    path = f"/v1/webhook-subscriptions/{hook}"
    disabled = other_process.patch(path, headers=admin_headers, json={"status": "disabled"})
    assert disabled.status_code == 200, disabled.text
    assert deliveries_after_a_review_held(hook) == 1
    enabled = other_process.patch(path, headers=admin_headers, json={"status": "active"})
    assert enabled.status_code == 200, enabled.text
    assert deliveries_after_a_review_held(hook) == 2
