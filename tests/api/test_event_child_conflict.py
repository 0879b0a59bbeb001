"""An event's child is part of its body: the same `source` + `event_id` about another child is
a conflict, not a replay of the first child's answer (issue 8, defect 7)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.factories import Headers, create_plan

BODY = {"source": "placements-feed", "event_id": "e-77", "type": "health_event",
        "occurred_at": "2026-02-27T14:00:00+00:00"}


def test_the_same_event_for_another_child_is_409(client: TestClient,
                                                 admin_headers: Headers) -> None:
    first = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-05")
    second = create_plan(client, admin_headers, plan_type="looked_after",
                         start_date="2026-01-05")
    stored = client.post("/v1/events", json={**BODY, "child_id": first["child_id"]},
                         headers=admin_headers)
    assert stored.status_code == 201, stored.text
    other = client.post("/v1/events", json={**BODY, "child_id": second["child_id"]},
                        headers=admin_headers)
    assert other.status_code == 409, other.text
    assert other.json()["type"].endswith("/conflict")
    history = client.get(f"/v1/children/{second['child_id']}/events", headers=admin_headers)
    assert history.json()["items"] == []
    # The genuine retry still replays the first answer.
    retry = client.post("/v1/events", json={**BODY, "child_id": first["child_id"]},
                        headers=admin_headers)
    assert (retry.status_code, retry.json()["id"]) == (200, stored.json()["id"])


def test_the_same_event_for_another_child_by_external_id_is_409(
    client: TestClient, admin_headers: Headers
) -> None:
    first = create_plan(client, admin_headers, plan_type="pathway", start_date="2026-01-05")
    second = create_plan(client, admin_headers, plan_type="pathway", start_date="2026-01-05")
    external = {c: client.get(f"/v1/children/{p['child_id']}", headers=admin_headers)
                .json()["external_id"] for c, p in (("a", first), ("b", second))}
    by_ref = {**BODY, "local_authority": "LA1"}
    stored = client.post("/v1/events", json={**by_ref, "child_external_id": external["a"]},
                         headers=admin_headers)
    assert stored.status_code == 201, stored.text
    other = client.post("/v1/events", json={**by_ref, "child_external_id": external["b"]},
                        headers=admin_headers)
    assert other.status_code == 409, other.text
    assert external["b"] not in other.text
