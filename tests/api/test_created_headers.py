"""Every 201 names the created resource in `Location`, which answers; creating POSTs that
take an `Idempotency-Key` mark a replayed answer with `Idempotent-Replayed: true`."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.api.factories import Headers, complete


def _created(client: TestClient, headers: Headers, url: str, body: dict[str, object],
             *, key: str | None = None) -> dict[str, object]:
    extra = {"Idempotency-Key": key} if key else {}
    response = client.post(url, json=body, headers={**headers, **extra})
    assert response.status_code == 201, response.text
    location = response.headers["Location"]
    created = response.json()
    assert location.endswith(f"/{created['id']}"), location
    if key:
        again = client.post(url, json=body, headers={**headers, **extra})
        assert again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == created
        assert "Idempotent-Replayed" not in response.headers
    return {"location": location, **created}


def test_each_create_answers_a_location_that_can_be_read(
    client: TestClient, admin_headers: Headers,
) -> None:
    child = _created(client, admin_headers, "/v1/children",
                     {"external_id": f"ext-{uuid.uuid4().hex[:8]}", "date_of_birth": "2015-05-01",
                      "local_authority": "LA1"}, key="child-1")
    plan = _created(client, admin_headers, "/v1/plans",
                    {"child_id": child["id"], "type": "looked_after",
                     "start_date": "2026-02-02"}, key="plan-1")
    held = complete(client, admin_headers, str(plan["next_review"]["id"]),  # type: ignore[index]
                    "2026-02-20", participation_code="PN1")
    action = _created(client, admin_headers, f"/v1/reviews/{held['id']}/actions",
                      {"description": "Dental check", "owner": "Social worker",
                       "due_by": "2026-03-20"}, key="action-1")
    attendee = _created(client, admin_headers, f"/v1/reviews/{held['id']}/attendees",
                        {"name": "Sam", "role": "child"}, key="attendee-1")
    subscription = _created(client, admin_headers, "/v1/webhook-subscriptions",
                            {"url": "http://127.0.0.1:9/hook", "event_types": ["ping"]},
                            key="hook-1")
    for created in (child, plan, action, attendee, subscription):
        read = client.get(str(created["location"]), headers=admin_headers)
        assert read.status_code == 200, created["location"]
        assert read.json()["id"] == created["id"]
    declared = _created(client, admin_headers, "/v1/calendar/non-working-days",
                        {"date": "2026-06-01", "name": "A day of mourning"})
    removed = client.delete(str(declared["location"]), headers=admin_headers)
    assert removed.status_code == 204
