"""Small builders for API tests: every record is made through the API itself."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

Headers = dict[str, str]


def create_child(client: TestClient, headers: Headers, *, local_authority: str | None = "LA1",
                 date_of_birth: str = "2015-05-01", **extra: Any) -> dict[str, Any]:
    """POST /v1/children and return the body (asserting 201)."""
    body: dict[str, Any] = {"external_id": f"ext-{uuid.uuid4().hex[:10]}",
                            "date_of_birth": date_of_birth, **extra}
    if local_authority is not None:
        body["local_authority"] = local_authority
    response = client.post("/v1/children", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def create_plan(client: TestClient, headers: Headers, *, plan_type: str, start_date: str,
                child_id: str | None = None, date_of_birth: str = "2015-05-01",
                **extra: Any) -> dict[str, Any]:
    """POST /v1/plans (for a new child unless one is given) and return the body."""
    if child_id is None:
        child_id = create_child(client, headers, date_of_birth=date_of_birth)["id"]
    response = client.post("/v1/plans", json={"child_id": child_id, "type": plan_type,
                                               "start_date": start_date, **extra},
                           headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def complete(client: TestClient, headers: Headers, review_id: str, held_on: str,
             **extra: Any) -> dict[str, Any]:
    """POST /v1/reviews/{id}/complete and return the body (asserting 200)."""
    response = client.post(f"/v1/reviews/{review_id}/complete",
                           json={"held_on": held_on, **extra}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def milestone_dates(review: dict[str, Any]) -> dict[str, str]:
    """{kind: due_by} of a review's milestones."""
    return {m["kind"]: m["due_by"] for m in review["milestones"]}
