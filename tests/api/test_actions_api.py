"""Actions: the decisions of a held review (RULES.md §7), through the ASGI app.

The clock stands at Monday 2 March 2026; review 1 of a looked-after plan started Monday
2 February 2026 is held on Friday 20 February 2026.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.clock import ControllableClock
from review_service.models import AuditEntry
from tests.api.factories import Headers, complete, create_plan
from tests.conftest import TokenFactory

HELD_ON = "2026-02-20"


@pytest.fixture
def plan(client: TestClient, admin_headers: Headers) -> dict[str, Any]:
    return create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-02")


@pytest.fixture
def review(client: TestClient, admin_headers: Headers, plan: dict[str, Any]) -> dict[str, Any]:
    """Review 1, held."""
    return complete(client, admin_headers, plan["next_review"]["id"], HELD_ON,
                    participation_code="PN1")


def add(client: TestClient, headers: Headers, review_id: str, **body: Any) -> dict[str, Any]:
    """POST an action and return it (asserting 201)."""
    payload = {"description": "Arrange a dental check", "owner": "Social worker",
               "due_by": "2026-03-31", **body}
    response = client.post(f"/v1/reviews/{review_id}/actions", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_record_list_and_mark_done(
    client: TestClient, admin_headers: Headers, review: dict[str, Any], plan: dict[str, Any],
    db_session: Session,
) -> None:
    base = f"/v1/reviews/{review['id']}/actions"
    created = client.post(base, json={"description": "Update the health plan",
                                      "owner": "Nurse", "due_by": "2026-03-31"},
                          headers=admin_headers)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    action = created.json()
    assert (action["review_id"], action["plan_id"]) == (review["id"], plan["id"])
    assert (action["status"], action["done_on"], action["overdue"]) == ("open", None, False)

    listed = client.get(base, headers=admin_headers).json()
    assert [a["id"] for a in listed["items"]] == [action["id"]]
    assert client.get(f"{base}/{action['id']}", headers=admin_headers).headers["ETag"] == '"1"'

    done = client.patch(f"{base}/{action['id']}", json={"status": "done"},
                        headers={**admin_headers, "If-Match": '"1"'})
    assert done.status_code == 200, done.text
    assert done.headers["ETag"] == '"2"'
    assert (done.json()["status"], done.json()["done_on"]) == ("done", "2026-03-02")

    entries = list(db_session.scalars(
        select(AuditEntry).where(AuditEntry.resource_id == uuid.UUID(action["id"]))
        .order_by(AuditEntry.action)))
    assert [e.action for e in entries] == ["action.created", "action.updated"]
    assert entries[0].changes["due_by"] == "2026-03-31"
    assert entries[1].changes["status"] == ["open", "done"]
    assert entries[1].changes["done_on"] == [None, "2026-03-02"]
    assert {e.resource_type for e in entries} == {"action"}


def test_overdue_is_derived_from_the_london_date(
    client: TestClient, admin_headers: Headers, review: dict[str, Any], clock: ControllableClock
) -> None:
    late = add(client, admin_headers, review["id"], due_by="2026-02-27")
    today = add(client, admin_headers, review["id"], due_by="2026-03-02")
    spring = add(client, admin_headers, review["id"], due_by="2026-04-10")
    base = f"/v1/reviews/{review['id']}/actions"

    def overdue() -> dict[str, bool]:
        items = client.get(base, headers=admin_headers).json()["items"]
        return {a["id"]: a["overdue"] for a in items}

    assert overdue() == {late["id"]: True, today["id"]: False, spring["id"]: False}
    # 23:30 UTC on 10 April 2026 is 00:30 on 11 April in London (BST).
    clock.set(datetime(2026, 4, 10, 23, 30, tzinfo=UTC))
    assert overdue()[spring["id"]] is True
    client.patch(f"{base}/{spring['id']}", json={"status": "done"},
                 headers=admin_headers).raise_for_status()
    got = client.get(f"{base}/{spring['id']}", headers=admin_headers).json()
    assert (got["overdue"], got["done_on"]) == (False, "2026-04-11")


def test_listed_by_due_date_in_pages(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    dues = ["2026-05-01", "2026-03-10", "2026-04-01"]
    for due in dues:
        add(client, admin_headers, review["id"], due_by=due)
    base = f"/v1/reviews/{review['id']}/actions"
    first = client.get(base, params={"limit": 2}, headers=admin_headers).json()
    second = client.get(base, params={"limit": 2, "cursor": first["next_cursor"]},
                        headers=admin_headers).json()
    assert [a["due_by"] for a in first["items"] + second["items"]] == sorted(dues)
    assert second["next_cursor"] is None


def test_done_on_reopen_and_corrections(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    action = add(client, admin_headers, review["id"])
    url = f"/v1/reviews/{review['id']}/actions/{action['id']}"
    done = client.patch(url, json={"status": "done", "done_on": "2026-02-25"},
                        headers=admin_headers)
    assert done.status_code == 200, done.text
    assert done.json()["done_on"] == "2026-02-25"
    # Correcting the owner keeps the completion date.
    kept = client.patch(url, json={"owner": "Team manager"}, headers=admin_headers).json()
    assert (kept["owner"], kept["done_on"]) == ("Team manager", "2026-02-25")
    reopened = client.patch(url, json={"status": "open"}, headers=admin_headers).json()
    assert (reopened["status"], reopened["done_on"]) == ("open", None)
    moved = client.patch(url, json={"due_by": "2026-02-20", "description": "Dentist"},
                         headers=admin_headers).json()
    assert (moved["due_by"], moved["description"], moved["overdue"]) == (
        "2026-02-20", "Dentist", True)


@pytest.mark.parametrize(
    "body",
    [
        {"status": "done", "done_on": "2026-03-03"},   # in the future
        {"status": "done", "done_on": "2026-02-19"},   # before the review was held
        {"done_on": "2026-02-25"},                      # the action is still open
        {"status": "open", "done_on": "2026-02-25"},
        {"due_by": "2026-02-19"},                       # before the review was held
        {"status": "overdue"},
        {"description": "d" * 4001},
        {"owner": "o" * 201},
        {"owner": ""},
        {"review_id": str(uuid.uuid4())},
    ],
)
def test_bad_change_is_422(
    client: TestClient, admin_headers: Headers, review: dict[str, Any], body: dict[str, Any]
) -> None:
    action = add(client, admin_headers, review["id"])
    response = client.patch(f"/v1/reviews/{review['id']}/actions/{action['id']}", json=body,
                            headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "body",
    [
        {"description": "x", "owner": "y", "due_by": "2026-02-19"},
        {"description": "x" * 4001, "owner": "y", "due_by": "2026-03-31"},
        {"description": "x", "owner": "y" * 201, "due_by": "2026-03-31"},
        {"description": "", "owner": "y", "due_by": "2026-03-31"},
        {"description": "x", "owner": "y", "due_by": "soon"},
        {"description": "x", "owner": "y"},
        {"description": "x", "owner": "y", "due_by": "2026-03-31", "status": "done"},
    ],
)
def test_bad_action_is_422(
    client: TestClient, admin_headers: Headers, review: dict[str, Any], body: dict[str, Any]
) -> None:
    response = client.post(f"/v1/reviews/{review['id']}/actions", json=body,
                           headers=admin_headers)
    assert response.status_code == 422, response.text


def test_actions_only_for_a_held_review(
    client: TestClient, admin_headers: Headers, plan: dict[str, Any]
) -> None:
    pending = plan["next_review"]["id"]
    body = {"description": "x", "owner": "y", "due_by": "2026-03-31"}
    refused = client.post(f"/v1/reviews/{pending}/actions", json=body, headers=admin_headers)
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/conflict")
    cancelled = client.post(f"/v1/reviews/{pending}/cancel", json={"reason": "clash"},
                            headers=admin_headers)
    assert cancelled.status_code == 200
    assert client.post(f"/v1/reviews/{pending}/actions", json=body,
                       headers=admin_headers).status_code == 409
    assert client.get(f"/v1/reviews/{pending}/actions",
                      headers=admin_headers).json()["items"] == []


def test_stale_if_match_is_412(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    action = add(client, admin_headers, review["id"])
    url = f"/v1/reviews/{review['id']}/actions/{action['id']}"
    assert client.patch(url, json={"owner": "A"},
                        headers={**admin_headers, "If-Match": '"1"'}).status_code == 200
    stale = client.patch(url, json={"status": "done"},
                         headers={**admin_headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(url, headers=admin_headers).json()["status"] == "open"


def test_another_authority_sees_404(
    client: TestClient, admin_headers: Headers, review: dict[str, Any],
    make_token: TokenFactory,
) -> None:
    action = add(client, admin_headers, review["id"])
    other = make_token("write", local_authority="LA2")
    base = f"/v1/reviews/{review['id']}/actions"
    body = {"description": "x", "owner": "y", "due_by": "2026-03-31"}
    assert client.post(base, json=body, headers=other).status_code == 404
    assert client.get(base, headers=other).status_code == 404
    assert client.get(f"{base}/{action['id']}", headers=other).status_code == 404
    assert client.patch(f"{base}/{action['id']}", json={"status": "done"},
                        headers=other).status_code == 404
    own = make_token("write", local_authority="LA1")
    assert client.post(base, json=body, headers=own).status_code == 201


def test_unknown_action_is_404(
    client: TestClient, admin_headers: Headers, review: dict[str, Any], plan: dict[str, Any]
) -> None:
    action = add(client, admin_headers, review["id"])
    # The action exists, but not under the pending review 2.
    second = review["next_review"]["id"]
    assert client.patch(f"/v1/reviews/{second}/actions/{action['id']}", json={"owner": "A"},
                        headers=admin_headers).status_code == 404
    assert client.get(f"/v1/reviews/{review['id']}/actions/{uuid.uuid4()}",
                      headers=admin_headers).status_code == 404


def test_read_only_token_cannot_write(
    client: TestClient, admin_headers: Headers, review: dict[str, Any],
    make_token: TokenFactory,
) -> None:
    action = add(client, admin_headers, review["id"])
    reader = make_token("read", local_authority="LA1")
    base = f"/v1/reviews/{review['id']}/actions"
    body = {"description": "x", "owner": "y", "due_by": "2026-03-31"}
    assert client.post(base, json=body, headers=reader).status_code == 403
    assert client.patch(f"{base}/{action['id']}", json={"status": "done"},
                        headers=reader).status_code == 403
    assert client.get(base, headers=reader).status_code == 200
    assert client.get(base).status_code == 401
