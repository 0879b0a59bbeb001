"""Every webhook the service sends is documented, and every message sent matches its documented
schema: a scenario provokes each event type through the API and the scheduler, a real receiver
on 127.0.0.1 captures what is sent, and each body is validated against the committed OpenAPI
document's `webhooks` section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from review_service.clock import ControllableClock
from review_service.scheduler.runner import SchedulerRunner
from review_service.webhooks.event_types import EVENT_TYPES
from review_service.webhooks.outbox import publish
from review_service.webhooks.payloads import PAYLOADS, message_model
from tests.api.factories import Headers, complete, create_plan
from tests.scheduler.receiver import Receiver
from tests.scheduler.test_delivery import london_midnight, send_ping, subscribe

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def _document() -> dict[str, Any]:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


def test_the_documented_webhooks_are_exactly_the_types_the_service_can_send() -> None:
    documented = set(_document()["webhooks"])
    assert documented == set(EVENT_TYPES)
    assert set(PAYLOADS) == set(EVENT_TYPES)
    for event_type, item in _document()["webhooks"].items():
        headers = {p["name"] for p in item["post"]["parameters"] if p["in"] == "header"}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}, event_type


def test_every_message_sent_matches_its_documented_schema(
    client: TestClient, make_token: Any, admin_headers: Headers, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver, other_receiver: Receiver,
) -> None:
    hooks = make_token("webhooks")
    mine = subscribe(client, hooks, receiver.url, *EVENT_TYPES)
    send_ping(client, hooks, mine["id"])
    gone = subscribe(client, hooks, other_receiver.url, "ping")
    other_receiver.answer(410)
    send_ping(client, hooks, gone["id"])  # 410: subscription.failing to the others

    # A looked-after plan from today: review 1 due Mon 30 Mar, reminders and milestones.
    fresh = create_plan(client, admin_headers, plan_type="looked_after",
                        start_date="2026-03-02", chair_id="iro-1")
    # An unplanned ending: a disruption meeting (and the chair's consideration).
    _ok(client.post("/v1/events", json={
        "source": "test-feed", "event_id": "ending-1", "child_id": fresh["child_id"],
        "type": "placement_ended_unplanned", "occurred_at": "2026-03-02T08:00:00Z"},
        headers=admin_headers), 201)
    # A held review with an action due Wed 4 Mar, and the next review's life.
    older = create_plan(client, admin_headers, plan_type="looked_after",
                        start_date="2026-02-02", chair_id="iro-2")
    held = complete(client, admin_headers, older["next_review"]["id"], "2026-02-20",
                    participation_code="PN1")
    _ok(client.post(f"/v1/reviews/{held['id']}/actions", json={
        "description": "Arrange a dental check", "owner": "Social worker",
        "due_by": "2026-03-04"}, headers=admin_headers), 201)
    nxt = held["next_review"]["id"]
    _ok(client.post(f"/v1/reviews/{nxt}/schedule",
                    json={"scheduled_for": "2026-03-03T10:00:00Z"}, headers=admin_headers))
    _ok(client.post(f"/v1/reviews/{nxt}/adjourn",
                    json={"reason": "Mother unwell", "reconvene_on": "2026-03-10"},
                    headers=admin_headers))
    _ok(client.post(f"/v1/reviews/{nxt}/bring-forward",
                    json={"due_by": "2026-04-01", "reason": "Placement at risk"},
                    headers=admin_headers))
    _ok(client.post(f"/v1/reviews/{nxt}/cancel", json={"reason": "Entered in error"},
                    headers=admin_headers))
    # Child in need from 20 Jun 2025: management oversight due Fri 20 Mar 2026.
    create_plan(client, admin_headers, plan_type="child_in_need", start_date="2025-06-20")
    _ok(client.post("/v1/calendar/non-working-days",
                    json={"date": "2026-04-15", "name": "A day of mourning"},
                    headers=admin_headers), 201)
    # Issue 11: an enquiry's initial conference (due Mon 16 Mar: reminders, then overdue by
    # June) and a policy change, announced when its recompute completes.
    _ok(client.post("/v1/child-protection-enquiries", json={
        "child_id": fresh["child_id"], "strategy_discussion_on": "2026-02-23"},
        headers=admin_headers), 201)
    _ok(client.put("/v1/policies/LA1", json={"core_group_interval_weeks": 5},
                   headers=admin_headers))
    runner.run_once()

    clock.set(london_midnight("2026-03-05"))  # the action is overdue: a consideration opens
    runner.run_once()
    clock.set(london_midnight("2026-06-01"))  # everything still open has escalated
    runner.run_once()

    sent = receiver.received + other_receiver.received
    assert {r.json["type"] for r in sent} == set(EVENT_TYPES)
    document = _document()
    for received in sent:
        event_type = received.json["type"]
        schema = document["webhooks"][event_type]["post"]["requestBody"]["content"][
            "application/json"]["schema"]
        jsonschema.validate(received.json, {**schema, "components": document["components"]},
                            cls=jsonschema.Draft202012Validator)
        message_model(event_type).model_validate_json(received.body)  # dates, ids, no extras
    levels = {r.json["data"]["escalation_level"] for r in receiver.of_type("review.overdue")}
    assert levels == {1, 2, 3}
    cafcass = [r.json["data"] for r in receiver.of_type("review.overdue")
               if "cafcass_referral_consideration" in r.json["data"]]
    assert cafcass
    assert all(d["escalation_level"] == 3 and d["plan_type"] == "looked_after" for d in cafcass)
    assert all("escalation_level" not in r.json["data"]
               for r in receiver.of_type("review.due_soon"))


def test_an_undocumented_event_type_cannot_be_published(app: Any,
                                                        clock: ControllableClock) -> None:
    with (
        app.state.session_factory() as session,
        session.begin(),
        pytest.raises(ValueError, match="undocumented webhook event type"),
    ):
        publish(session, "review.exploded", {}, None, clock.now())
