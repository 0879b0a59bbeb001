"""Per-authority policy (RULES.md intro, §2, §5) through the API, on every backend.

Expected dates are hand-checked. Easter 2026: Good Friday 3 April, Easter Monday 6 April.
"""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

import pytest
from fastapi.testclient import TestClient

from review_service.domain.policy import Policy
from review_service.policies.schemas import PolicyOverrides, PolicyValues
from tests.conftest import TokenFactory

Headers = dict[str, str]
START = "2026-01-15"  # a Thursday


def _child(client: TestClient, headers: Headers, local_authority: str = "LA1") -> str:
    body = {
        "external_id": f"ext-{uuid.uuid4().hex[:10]}",
        "date_of_birth": "2015-05-01",
        "local_authority": local_authority,
    }
    response = client.post("/v1/children", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _cin_plan(
    client: TestClient, headers: Headers, local_authority: str = "LA1", **extra: Any
) -> dict[str, Any]:
    body = {
        "child_id": _child(client, headers, local_authority),
        "type": "child_in_need",
        "start_date": START,
        **extra,
    }
    response = client.post("/v1/plans", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _review(client: TestClient, headers: Headers, plan: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/v1/reviews/{plan['next_review']['id']}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _milestone(review: dict[str, Any], kind: str) -> str:
    return next(str(m["due_by"]) for m in review["milestones"] if m["kind"] == kind)


def _put(
    client: TestClient, headers: Headers, body: dict[str, Any], la: str = "LA1"
) -> dict[str, Any]:
    response = client.put(f"/v1/policies/{la}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_schemas_name_every_policy_field() -> None:
    names = {f.name for f in fields(Policy)}
    assert set(PolicyOverrides.model_fields) == names
    assert set(PolicyValues.model_fields) == names


def test_defaults_are_rules_md_values(client: TestClient, admin_headers: Headers) -> None:
    response = client.get("/v1/policies/LA1", headers=admin_headers)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"0"'
    body = response.json()
    assert body["region"] == "england-and-wales"
    assert body["child_in_need_review_interval_months"] == 3  # §2 [002]
    assert body["early_help_review_interval_months"] == 3  # §2 [000]
    assert body["management_oversight_months"] == 9  # §2 [002]
    assert body["invitations_working_days_before"] == 10  # §5
    assert body["child_consultation_working_days_before"] == 20  # §5
    assert body["child_visit_days_before"] == 14  # §5
    assert body["consideration_working_days"] == 5  # §4
    assert body["disruption_meeting_working_days"] == 5  # §2
    assert body["decisions_record_working_days"] == 5  # §5
    assert body["care_plan_updated_working_days"] == 10  # §5
    assert body["full_record_working_days"] == 15  # §5
    assert body["record_distributed_working_days"] == 20  # §5
    assert body["escalation_level_2_working_days"] == 5  # §8
    assert body["escalation_level_3_working_days"] == 15  # §8
    assert body["overrides"] == {}
    assert body["version"] == 0
    assert body["local_authority"] == "LA1"
    assert body["id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "review-service:policy:LA1"))


def test_interval_override_moves_open_cin_reviews_of_that_authority_only(
    client: TestClient, admin_headers: Headers
) -> None:
    affected = _cin_plan(client, admin_headers)
    other_la = _cin_plan(client, admin_headers, "LA2")
    explicit = _cin_plan(client, admin_headers, review_interval_months=3)
    for plan in (affected, other_la, explicit):
        assert plan["next_review"]["due_by"] == "2026-04-15"  # 15 Jan + 3 months

    changed = _put(client, admin_headers, {"child_in_need_review_interval_months": 2})

    assert changed["child_in_need_review_interval_months"] == 2
    assert changed["overrides"] == {"child_in_need_review_interval_months": 2}
    assert changed["version"] == 1
    assert changed["deadlines_moved"] >= 1
    assert changed["plans_recomputed"] == 2  # LA1's two open plans
    moved = _review(client, admin_headers, affected)
    assert moved["due_by"] == "2026-03-15"  # 15 Jan + 2 months (a Sunday: months never move)
    # 10 working days before Sun 15 Mar: 13, 12, 11, 10, 9, 6, 5, 4, 3, 2 March.
    assert _milestone(moved, "invitations") == "2026-03-02"
    assert _review(client, admin_headers, other_la)["due_by"] == "2026-04-15"
    assert _review(client, admin_headers, explicit)["due_by"] == "2026-04-15"

    later = _cin_plan(client, admin_headers)
    assert later["next_review"]["due_by"] == "2026-03-15"
    assert later["review_interval_months"] == 2
    assert _cin_plan(client, admin_headers, "LA2")["next_review"]["due_by"] == "2026-04-15"


def test_milestone_overrides_move_pending_milestones(
    client: TestClient, admin_headers: Headers
) -> None:
    plan = _cin_plan(client, admin_headers)
    review = _review(client, admin_headers, plan)
    # Wed 15 Apr back 10 working days, skipping 6 and 3 April: 14, 13, 10, 9, 8, 7, 2, 1,
    # 31 Mar, 30 Mar.
    assert _milestone(review, "invitations") == "2026-03-30"
    assert plan["milestones"][0]["kind"] == "management_oversight"
    assert plan["milestones"][0]["due_by"] == "2026-10-15"  # start + 9 months

    changed = _put(
        client,
        admin_headers,
        {"invitations_working_days_before": 5, "management_oversight_months": 6},
    )

    assert changed["deadlines_moved"] >= 2
    review = _review(client, admin_headers, plan)
    assert review["due_by"] == "2026-04-15"
    assert _milestone(review, "invitations") == "2026-04-08"  # 14, 13, 10, 9, 8 April
    plan_now = client.get(f"/v1/plans/{plan['id']}", headers=admin_headers).json()
    assert plan_now["milestones"][0]["due_by"] == "2026-07-15"  # start + 6 months


def test_region_override_recomputes_on_that_calendar(
    client: TestClient, admin_headers: Headers
) -> None:
    plan = _cin_plan(client, admin_headers)
    assert _milestone(_review(client, admin_headers, plan), "invitations") == "2026-03-30"

    _put(client, admin_headers, {"region": "scotland"})

    # Easter Monday is not a Scottish bank holiday: 14, 13, 10, 9, 8, 7, 6, 2, 1, 31 March.
    assert _milestone(_review(client, admin_headers, plan), "invitations") == "2026-03-31"


def test_empty_body_resets_to_defaults(client: TestClient, admin_headers: Headers) -> None:
    plan = _cin_plan(client, admin_headers)
    _put(client, admin_headers, {"child_in_need_review_interval_months": 2, "region": "scotland"})
    assert _review(client, admin_headers, plan)["due_by"] == "2026-03-15"

    reset = _put(client, admin_headers, {})

    assert reset["overrides"] == {}
    assert reset["child_in_need_review_interval_months"] == 3
    assert reset["region"] == "england-and-wales"
    assert reset["version"] == 2
    assert reset["deadlines_moved"] >= 1
    assert _review(client, admin_headers, plan)["due_by"] == "2026-04-15"
    current = client.get("/v1/policies/LA1", headers=admin_headers)
    assert current.headers["ETag"] == '"2"'
    assert current.json()["overrides"] == {}


def test_same_overrides_again_change_nothing(client: TestClient, admin_headers: Headers) -> None:
    first = _put(client, admin_headers, {"consideration_working_days": 3})
    again = _put(client, admin_headers, {"consideration_working_days": 3})
    assert again["version"] == first["version"] == 1
    assert again["deadlines_moved"] == 0
    audit = client.get("/v1/audit", params={"resource_id": first["id"]}, headers=admin_headers)
    assert len(audit.json()["items"]) == 1


def test_change_is_audited(client: TestClient, make_token: TokenFactory) -> None:
    headers = make_token("admin", name="policy-admin")
    changed = _put(client, headers, {"full_record_working_days": 10})
    response = client.get("/v1/audit", params={"resource_id": changed["id"]}, headers=headers)
    [entry] = response.json()["items"]
    assert entry["actor"] == "policy-admin"
    assert entry["action"] == "policy.updated"
    assert entry["resource_type"] == "policy"
    assert entry["local_authority"] == "LA1"
    assert entry["changes"]["full_record_working_days"] == [15, 10]
    assert entry["changes"]["overrides"] == [{}, {"full_record_working_days": 10}]
    assert changed["updated_by"] == "policy-admin"


def test_stale_if_match_is_412(client: TestClient, admin_headers: Headers) -> None:
    etag = client.get("/v1/policies/LA1", headers=admin_headers).headers["ETag"]
    first = client.put(
        "/v1/policies/LA1",
        json={"early_help_review_interval_months": 4},
        headers={**admin_headers, "If-Match": etag},
    )
    assert first.status_code == 200
    assert first.headers["ETag"] == '"1"'
    stale = client.put(
        "/v1/policies/LA1",
        json={"early_help_review_interval_months": 5},
        headers={**admin_headers, "If-Match": etag},
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert (
        client.get("/v1/policies/LA1", headers=admin_headers).json()[
            "early_help_review_interval_months"
        ]
        == 4
    )


def test_needs_admin_scope(client: TestClient, make_token: TokenFactory) -> None:
    for scopes in ("write", "read"):
        headers = make_token(scopes)
        assert client.get("/v1/policies/LA1", headers=headers).status_code == 403
        assert client.put("/v1/policies/LA1", json={}, headers=headers).status_code == 403
    assert client.get("/v1/policies/LA1").status_code == 401


def test_bound_admin_sees_only_its_own_authority(
    client: TestClient, make_token: TokenFactory
) -> None:
    la2_admin = make_token("admin", local_authority="LA2")
    assert client.get("/v1/policies/LA1", headers=la2_admin).status_code == 404
    refused = client.put(
        "/v1/policies/LA1", json={"consideration_working_days": 3}, headers=la2_admin
    )
    assert refused.status_code == 404
    assert client.get("/v1/policies/LA2", headers=la2_admin).status_code == 200
    assert _put(client, la2_admin, {"consideration_working_days": 3}, "LA2")["version"] == 1
    unbound = make_token("admin")
    assert client.get("/v1/policies/LA1", headers=unbound).json()["version"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"no_such_policy": 1},
        {"child_in_need_review_interval_months": 13},
        {"child_in_need_review_interval_months": 0},
        {"early_help_review_interval_months": "3"},
        {"management_oversight_months": 25},
        {"invitations_working_days_before": 61},
        {"invitations_working_days_before": -1},
        {"consideration_working_days": True},
        {"consideration_working_days": 2.5},
        {"review_reminder_working_days": [1, 2, 3, 4, 5, 6]},
        {"milestone_reminder_working_days": [61]},
        {"region": "wales"},
        [],
    ],
)
def test_invalid_overrides_are_422(client: TestClient, admin_headers: Headers, body: Any) -> None:
    response = client.put("/v1/policies/LA1", json=body, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/policies/LA1", headers=admin_headers).json()["version"] == 0


def test_bounds_are_inclusive(client: TestClient, admin_headers: Headers) -> None:
    body = {
        "management_oversight_months": 24,
        "child_in_need_review_interval_months": 12,
        "invitations_working_days_before": 0,
        "review_reminder_working_days": [60, 0, 1, 2, 3],
        "milestone_reminder_working_days": [],
    }
    changed = _put(client, admin_headers, body)
    assert changed["overrides"] == body
    assert changed["milestone_reminder_working_days"] == []


@pytest.mark.parametrize("la", ["LA 1", "x" * 21, "LA.1"])
def test_bad_authority_code_is_422(client: TestClient, admin_headers: Headers, la: str) -> None:
    assert client.get(f"/v1/policies/{la}", headers=admin_headers).status_code == 422
