"""Significant events (RULES.md §4): effects, idempotency, considerations, meetings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from review_service.models import Base, Consideration, Event, EventEffect
from tests.api.factories import Headers, create_child, create_plan
from tests.conftest import TokenFactory

RowCounter = Callable[[type[Base]], int]


@pytest.fixture
def looked_after(client: TestClient, admin_headers: Headers) -> dict[str, Any]:
    """A looked-after plan started Mon 5 Jan 2026 (review 1 due Mon 2 Feb), chair iro-1."""
    return create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-05",
                       chair_id="iro-1")


def event(child_id: str, event_id: str = "e-1", **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"source": "placements-feed", "event_id": event_id,
                            "child_id": child_id, "type": "health_event",
                            "occurred_at": "2026-02-27T14:00:00+00:00"}
    body.update(fields)
    return body


def test_proposed_placement_change_brings_the_review_forward(
    client: TestClient, make_token: TokenFactory, looked_after: dict[str, Any],
    admin_headers: Headers,
) -> None:
    feed = make_token("events", local_authority="LA1")
    response = client.post("/v1/events", json=event(
        looked_after["child_id"], type="placement_change_proposed",
        effective_date="2026-01-23"), headers=feed)
    assert response.status_code == 201
    body = response.json()
    assert body["effects"] == [{
        "kind": "review_brought_forward", "plan_id": looked_after["id"],
        "review_id": looked_after["next_review"]["id"], "consideration_id": None,
        "meeting_id": None, "before": "2026-02-02", "after": "2026-01-23",
    }]
    review = client.get(f"/v1/reviews/{looked_after['next_review']['id']}",
                        headers=admin_headers).json()
    assert review["due_by"] == "2026-01-23"


def test_a_later_effective_date_leaves_the_review_where_it_is(
    client: TestClient, admin_headers: Headers, looked_after: dict[str, Any]
) -> None:
    body = client.post("/v1/events", json=event(
        looked_after["child_id"], type="care_plan_change_proposed",
        effective_date="2026-03-20"), headers=admin_headers).json()
    assert [(e["before"], e["after"]) for e in body["effects"]] == [("2026-02-02", "2026-02-02")]


def test_unplanned_ending_creates_a_disruption_meeting_and_a_consideration(
    client: TestClient, admin_headers: Headers, looked_after: dict[str, Any]
) -> None:
    body = client.post("/v1/events", json=event(
        looked_after["child_id"], type="placement_ended_unplanned"),
        headers=admin_headers).json()
    kinds = {e["kind"]: e for e in body["effects"]}
    assert set(kinds) == {"disruption_meeting_created", "consideration_opened"}
    # Ended Fri 27 Feb 2026: within 5 working days is Fri 6 Mar.
    assert kinds["disruption_meeting_created"]["after"] == "2026-03-06"
    # Received Mon 2 Mar 2026 (the clock): 5 working days is Mon 9 Mar.
    assert kinds["consideration_opened"]["after"] == "2026-03-09"
    meeting = client.get(f"/v1/meetings/{kinds['disruption_meeting_created']['meeting_id']}",
                         headers=admin_headers).json()
    assert meeting["due_by"] == "2026-03-06"
    assert meeting["chair_role"] == "manager_not_involved_in_the_case"
    assert {"child", "parents", "social_worker", "iro"} <= set(meeting["invitees"])
    consideration = client.get(
        f"/v1/considerations/{kinds['consideration_opened']['consideration_id']}",
        headers=admin_headers).json()
    assert (consideration["chair_id"], consideration["status"]) == ("iro-1", "open")


@pytest.mark.parametrize("event_type", ["missing_from_home", "complaint", "review_requested",
                                        "school_exclusion", "other"])
def test_other_events_open_a_consideration(client: TestClient, admin_headers: Headers,
                                           looked_after: dict[str, Any], event_type: str
                                           ) -> None:
    body = client.post("/v1/events", json=event(looked_after["child_id"], type=event_type),
                       headers=admin_headers).json()
    assert [(e["kind"], e["after"]) for e in body["effects"]] == [
        ("consideration_opened", "2026-03-09")]


def test_event_for_a_child_without_an_affected_plan_is_stored_with_no_effect(
    client: TestClient, admin_headers: Headers
) -> None:
    plan = create_plan(client, admin_headers, plan_type="child_in_need", start_date="2026-01-05")
    response = client.post("/v1/events", json=event(
        plan["child_id"], type="placement_change_proposed", effective_date="2026-02-01"),
        headers=admin_headers)
    assert response.status_code == 201
    assert response.json()["effects"] == []
    history = client.get(f"/v1/children/{plan['child_id']}/events",
                         headers=admin_headers).json()["items"]
    assert [e["id"] for e in history] == [response.json()["id"]]


def test_same_event_twice_answers_the_first_response(
    client: TestClient, admin_headers: Headers, looked_after: dict[str, Any], count_rows: RowCounter
) -> None:
    body = event(looked_after["child_id"], type="complaint")
    first = client.post("/v1/events", json=body, headers=admin_headers)
    second = client.post("/v1/events", json=body, headers=admin_headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert count_rows(Consideration) == 1
    changed = client.post("/v1/events", json={**body, "summary": "different"},
                          headers=admin_headers)
    assert changed.status_code == 409


def test_event_by_external_id_within_the_token_authority(
    client: TestClient, admin_headers: Headers, make_token: TokenFactory,
    looked_after: dict[str, Any],
) -> None:
    child = client.get(f"/v1/children/{looked_after['child_id']}", headers=admin_headers).json()
    body = event(looked_after["child_id"], type="complaint")
    del body["child_id"]
    body["child_external_id"] = child["external_id"]
    assert client.post("/v1/events", json=body,
                       headers=make_token("events", local_authority="LA1")).status_code == 201
    other = client.post("/v1/events", json={**body, "event_id": "e-2"},
                        headers=make_token("events", local_authority="LA2"))
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"type": "placement_change_proposed"}, 422, "body.effective_date"),
        ({"type": "care_plan_change_proposed"}, 422, "body.effective_date"),
        ({"type": "alien_abduction"}, 422, "body.type"),
        ({"occurred_at": "2026-02-27T14:00:00"}, 422, "body.occurred_at"),
        ({"event_id": "x" * 201}, 422, "body.event_id"),
    ],
)
def test_bad_events_are_refused_and_not_stored(
    client: TestClient, admin_headers: Headers, looked_after: dict[str, Any],
    count_rows: RowCounter, change: dict[str, Any], status: int, field: str,
) -> None:
    response = client.post("/v1/events", json=event(looked_after["child_id"], **change),
                           headers=admin_headers)
    assert response.status_code == status
    assert field in {e["field"] for e in response.json()["errors"]}
    assert count_rows(Event) == 0


def test_unknown_or_foreign_child_is_404_and_nothing_stored(
    client: TestClient, admin_headers: Headers, make_token: TokenFactory, count_rows: RowCounter
) -> None:
    unknown = client.post("/v1/events", json=event("00000000-0000-4000-8000-000000000000"),
                          headers=admin_headers)
    assert unknown.status_code == 404
    foreign = create_child(client, admin_headers, local_authority="LA2")
    response = client.post("/v1/events", json=event(foreign["id"]),
                           headers=make_token("events", local_authority="LA1"))
    assert response.status_code == 404
    assert count_rows(Event) == 0


def test_read_token_cannot_post_events(client: TestClient, make_token: TokenFactory,
                                       looked_after: dict[str, Any]) -> None:
    response = client.post("/v1/events", json=event(looked_after["child_id"]),
                           headers=make_token("read"))
    assert response.status_code == 403


def test_decision_brings_the_review_forward(client: TestClient, admin_headers: Headers,
                                            looked_after: dict[str, Any]) -> None:
    posted = client.post("/v1/events", json=event(looked_after["child_id"], type="complaint"),
                         headers=admin_headers).json()
    consideration_id = posted["effects"][0]["consideration_id"]
    too_late = client.post(f"/v1/considerations/{consideration_id}/decision",
                           json={"bring_forward_to": "2026-02-10", "reason": "x"},
                           headers=admin_headers)
    assert too_late.status_code == 422
    assert "2026-02-02" in too_late.json()["detail"]
    decided = client.post(f"/v1/considerations/{consideration_id}/decision",
                          json={"bring_forward_to": "2026-01-28", "reason": "Complaint about "
                                "contact arrangements needs the review"},
                          headers=admin_headers)
    assert decided.status_code == 200
    assert decided.json()["status"] == "decided"
    assert decided.json()["review"]["due_by"] == "2026-01-28"
    again = client.post(f"/v1/considerations/{consideration_id}/decision",
                        json={"bring_forward_to": None, "reason": "x"}, headers=admin_headers)
    assert again.status_code == 409


def test_decision_of_no_change(client: TestClient, admin_headers: Headers,
                               looked_after: dict[str, Any]) -> None:
    posted = client.post("/v1/events", json=event(looked_after["child_id"], type="health_event"),
                         headers=admin_headers).json()
    consideration_id = posted["effects"][0]["consideration_id"]
    decided = client.post(f"/v1/considerations/{consideration_id}/decision",
                          json={"bring_forward_to": None, "reason": "Minor illness"},
                          headers=admin_headers).json()
    assert decided["review"]["due_by"] == "2026-02-02"
    assert decided["reason"] == "Minor illness"


def test_considerations_list_filters(client: TestClient, admin_headers: Headers,
                                     looked_after: dict[str, Any], clock: Any) -> None:
    from datetime import timedelta

    client.post("/v1/events", json=event(looked_after["child_id"], "a", type="complaint"),
                headers=admin_headers)
    assert len(client.get("/v1/considerations?chair_id=iro-1&status=open",
                          headers=admin_headers).json()["items"]) == 1
    assert client.get("/v1/considerations?overdue=true",
                      headers=admin_headers).json()["items"] == []
    clock.advance(timedelta(days=8))  # Tue 10 Mar: past the 9 March deadline
    overdue = client.get("/v1/considerations?overdue=true", headers=admin_headers).json()
    assert [c["overdue"] for c in overdue["items"]] == [True]
    assert client.get("/v1/considerations?chair_id=iro-2",
                      headers=admin_headers).json()["items"] == []


def test_idempotency_key_on_create(client: TestClient, admin_headers: Headers) -> None:
    body = {"external_id": "idem-1", "date_of_birth": "2015-05-01", "local_authority": "LA1"}
    headers = {**admin_headers, "Idempotency-Key": "key-123"}
    first = client.post("/v1/children", json=body, headers=headers)
    second = client.post("/v1/children", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] == first.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    other_body = client.post("/v1/children", json={**body, "external_id": "idem-2"},
                             headers=headers)
    assert other_body.status_code == 409
    listed = client.get("/v1/children", headers=admin_headers).json()["items"]
    assert len(listed) == 1


def test_concurrent_duplicates_apply_once(app: FastAPI, admin_headers: Headers,
                                          looked_after: dict[str, Any], count_rows: RowCounter
                                          ) -> None:
    body = event(looked_after["child_id"], "race-1", type="placement_change_proposed",
                 effective_date="2026-01-20")
    barrier = threading.Barrier(6)
    results: list[tuple[int, str]] = []

    def fire() -> None:
        with TestClient(app) as local:
            barrier.wait()
            response = local.post("/v1/events", json=body, headers=admin_headers)
            results.append((response.status_code, response.json()["id"]))

    threads = [threading.Thread(target=fire) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _ in results) == [200, 200, 200, 200, 200, 201]
    assert len({event_id for _, event_id in results}) == 1
    assert count_rows(Event) == 1
    assert count_rows(EventEffect) == 1


def test_idempotency_key_on_plans_and_attendees(client: TestClient, admin_headers: Headers,
                                                looked_after: dict[str, Any],
                                                count_rows: RowCounter) -> None:
    from review_service.models import Attendee, Plan

    child = create_child(client, admin_headers)
    headers = {**admin_headers, "Idempotency-Key": "plan-1"}
    body = {"child_id": child["id"], "type": "pathway", "start_date": "2026-01-05"}
    first = client.post("/v1/plans", json=body, headers=headers)
    second = client.post("/v1/plans", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert count_rows(Plan) == 2  # the looked-after fixture's plan and this one
    review_id = looked_after["next_review"]["id"]
    attendee = {"name": "Sam's mother", "role": "parent", "has_parental_responsibility": True}
    key = {**admin_headers, "Idempotency-Key": "att-1"}
    a = client.post(f"/v1/reviews/{review_id}/attendees", json=attendee, headers=key)
    b = client.post(f"/v1/reviews/{review_id}/attendees", json=attendee, headers=key)
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["id"] == b.json()["id"]
    assert count_rows(Attendee) == 1
