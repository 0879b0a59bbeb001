"""The audit log through the API, on every backend: every write is recorded, newest first."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from review_service.clock import ControllableClock
from tests.conftest import TokenFactory

Headers = dict[str, str]


def _child(client: TestClient, headers: Headers, local_authority: str = "LA1") -> dict[str, Any]:
    body = {"external_id": "ext-1", "date_of_birth": "2015-05-01"}
    response = client.post(
        "/v1/children", json={**body, "local_authority": local_authority}, headers=headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _entries(client: TestClient, headers: Headers, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/audit", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    return list(response.json()["items"])


def _walk(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    """Every entry, one page of one at a time."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(20):
        params: dict[str, Any] = {"limit": 1}
        if cursor is not None:
            params["cursor"] = cursor
        page = client.get("/v1/audit", params=params, headers=headers).json()
        assert len(page["items"]) <= 1
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


def test_writes_are_recorded_with_actor_action_and_changes(
    client: TestClient, make_token: TokenFactory, clock: ControllableClock
) -> None:
    headers = make_token("admin", name="rs-test")
    child = _child(client, headers)
    clock.advance(timedelta(minutes=1))
    plan_body = {"child_id": child["id"], "type": "child_in_need", "start_date": "2026-01-15"}
    plan = client.post("/v1/plans", json=plan_body, headers=headers).json()
    review_id = plan["next_review"]["id"]
    clock.advance(timedelta(minutes=1))
    held = client.post(
        f"/v1/reviews/{review_id}/complete", json={"held_on": "2026-02-27"}, headers=headers
    )
    assert held.status_code == 200, held.text

    entries = _entries(client, headers)

    assert [e["action"] for e in entries] == ["review.held", "plan.created", "child.created"]
    assert [e["resource_type"] for e in entries] == ["review", "plan", "child"]
    assert [e["resource_id"] for e in entries] == [review_id, plan["id"], child["id"]]
    assert {e["actor"] for e in entries} == {"rs-test"}
    assert {e["local_authority"] for e in entries} == {"LA1"}
    assert [datetime.fromisoformat(e["at"]) for e in entries] == [
        datetime(2026, 3, 2, 9, 2, tzinfo=UTC),
        datetime(2026, 3, 2, 9, 1, tzinfo=UTC),
        datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    ]
    review_changes, plan_changes, child_changes = (e["changes"] for e in entries)
    assert review_changes["held_on"] == "2026-02-27"
    assert review_changes["next_review_due_by"] == "2026-05-27"  # held + 3 months
    assert plan_changes["type"] == "child_in_need"
    assert plan_changes["start_date"] == "2026-01-15"
    assert plan_changes["first_review_due_by"] == "2026-04-15"  # start + 3 months
    assert child_changes["external_id"] == "ext-1"
    assert child_changes["date_of_birth"] == "2015-05-01"
    assert all(uuid.UUID(e["id"]) for e in entries)

    only_plan = _entries(client, headers, resource_id=plan["id"])
    assert [e["action"] for e in only_plan] == ["plan.created"]


def test_cursor_walks_every_entry_newest_first(
    client: TestClient, admin_headers: Headers, clock: ControllableClock
) -> None:
    for n in range(3):
        body = {"external_id": f"ext-{n}", "date_of_birth": "2015-05-01", "local_authority": "LA1"}
        assert client.post("/v1/children", json=body, headers=admin_headers).status_code == 201
        if n == 0:
            clock.advance(timedelta(seconds=30))
    # Two entries share an instant: the id breaks the tie, so none is lost or repeated.
    everything = _entries(client, admin_headers)
    walked = _walk(client, admin_headers)
    assert [e["id"] for e in walked] == [e["id"] for e in everything]
    assert len({e["id"] for e in walked}) == 3
    assert [e["changes"]["external_id"] for e in walked][-1] == "ext-0"
    instants = [datetime.fromisoformat(e["at"]) for e in walked]
    assert instants == sorted(instants, reverse=True)


def test_needs_admin_scope(client: TestClient, make_token: TokenFactory) -> None:
    for scopes in ("write", "read", "events"):
        assert client.get("/v1/audit", headers=make_token(scopes)).status_code == 403
    assert client.get("/v1/audit").status_code == 401


def test_bound_admin_sees_only_its_authority(
    client: TestClient, admin_headers: Headers, make_token: TokenFactory
) -> None:
    la1_child = _child(client, admin_headers, "LA1")
    la2_child = _child(client, admin_headers, "LA2")
    la2_admin = make_token("admin", local_authority="LA2")

    entries = _entries(client, la2_admin)

    assert [e["resource_id"] for e in entries] == [la2_child["id"]]
    assert _entries(client, la2_admin, resource_id=la1_child["id"]) == []
    assert len(_entries(client, admin_headers)) == 2


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor!"},
        {"cursor": _cursor("2026-03-02|x")},
        {"cursor": _cursor(f"2026-03-02T09:00:00|{uuid.uuid4()}")},  # naive instant
        {"cursor": _cursor(f"0001-01-01T00:00:00+01:00|{uuid.uuid4()}")},  # out of range
        {"resource_id": "not-a-uuid"},
        {"limit": 0},
        {"limit": 501},
        {"resource": "x"},
    ],
)
def test_bad_query_is_422(
    client: TestClient, admin_headers: Headers, params: dict[str, Any]
) -> None:
    response = client.get("/v1/audit", params=params, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
