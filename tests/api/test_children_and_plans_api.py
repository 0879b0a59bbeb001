"""Children and plans: uniqueness, authority boundaries, intervals, ending a plan."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.api.factories import Headers, create_child, create_plan
from tests.conftest import TokenFactory


def test_create_and_get_child(client: TestClient, admin_headers: Headers) -> None:
    child = create_child(client, admin_headers, parents_with_parental_responsibility=2)
    assert child["local_authority"] == "LA1"
    fetched = client.get(f"/v1/children/{child['id']}", headers=admin_headers)
    assert fetched.status_code == 200
    assert fetched.json() == child
    assert fetched.headers["etag"]


def test_external_id_is_unique_per_authority(client: TestClient, admin_headers: Headers
                                             ) -> None:
    body = {"external_id": "MOSAIC-1", "date_of_birth": "2015-05-01", "local_authority": "LA1"}
    assert client.post("/v1/children", json=body, headers=admin_headers).status_code == 201
    duplicate = client.post("/v1/children", json=body, headers=admin_headers)
    assert duplicate.status_code == 409
    assert duplicate.json()["type"].endswith("/conflict")
    other = client.post("/v1/children", json={**body, "local_authority": "LA2"},
                        headers=admin_headers)
    assert other.status_code == 201


def test_unbound_token_must_name_the_authority(client: TestClient, admin_headers: Headers
                                               ) -> None:
    response = client.post("/v1/children", json={"external_id": "x", "date_of_birth":
                                                  "2015-05-01"}, headers=admin_headers)
    assert response.status_code == 422


def test_bound_token_creates_in_and_sees_only_its_authority(
    client: TestClient, admin_headers: Headers, make_token: TokenFactory
) -> None:
    la1 = make_token("write", local_authority="LA1")
    mine = client.post("/v1/children", json={"external_id": "a", "date_of_birth": "2015-05-01"},
                       headers=la1)
    assert mine.status_code == 201
    assert mine.json()["local_authority"] == "LA1"
    elsewhere = client.post("/v1/children", json={"external_id": "b", "date_of_birth":
                                                  "2015-05-01", "local_authority": "LA2"},
                            headers=la1)
    assert elsewhere.status_code == 422
    theirs = create_child(client, admin_headers, local_authority="LA2")
    assert client.get(f"/v1/children/{theirs['id']}", headers=la1).status_code == 404
    listed = client.get("/v1/children", headers=la1).json()["items"]
    assert [c["id"] for c in listed] == [mine.json()["id"]]
    plan = create_plan(client, admin_headers, plan_type="child_in_need",
                       start_date="2025-01-10", child_id=theirs["id"])
    assert client.get(f"/v1/plans/{plan['id']}", headers=la1).status_code == 404
    assert client.get(f"/v1/reviews/{plan['next_review']['id']}", headers=la1).status_code == 404
    assert client.post(f"/v1/reviews/{plan['next_review']['id']}/bring-forward",
                       json={"due_by": "2025-02-01", "reason": "x"},
                       headers=la1).status_code == 404
    denied = client.post("/v1/plans", json={"child_id": theirs["id"], "type": "pathway",
                                            "start_date": "2025-01-10"}, headers=la1)
    assert denied.status_code == 404
    assert client.get("/v1/reviews", headers=la1).json()["items"] == []


def test_find_child_by_external_id(client: TestClient, admin_headers: Headers) -> None:
    child = create_child(client, admin_headers)
    create_child(client, admin_headers)
    found = client.get("/v1/children", params={"external_id": child["external_id"]},
                       headers=admin_headers).json()
    assert [c["id"] for c in found["items"]] == [child["id"]]


def test_update_date_of_birth_with_if_match(client: TestClient, admin_headers: Headers) -> None:
    child = create_child(client, admin_headers)
    etag = client.get(f"/v1/children/{child['id']}", headers=admin_headers).headers["etag"]
    updated = client.patch(f"/v1/children/{child['id']}", json={"date_of_birth": "2015-06-01"},
                           headers={**admin_headers, "If-Match": etag})
    assert updated.status_code == 200
    assert updated.json()["date_of_birth"] == "2015-06-01"
    stale = client.patch(f"/v1/children/{child['id']}", json={"date_of_birth": "2015-07-01"},
                         headers={**admin_headers, "If-Match": etag})
    assert stale.status_code == 412
    future = client.patch(f"/v1/children/{child['id']}", json={"date_of_birth": "2030-01-01"},
                          headers=admin_headers)
    assert future.status_code == 422


def test_read_token_cannot_write(client: TestClient, make_token: TokenFactory) -> None:
    response = client.post("/v1/children", json={"external_id": "x", "date_of_birth":
                                                 "2015-05-01", "local_authority": "LA1"},
                           headers=make_token("read"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"external_id": "x" * 101, "date_of_birth": "2015-05-01", "local_authority": "LA1"},
         "body.external_id"),
        ({"external_id": "x", "date_of_birth": "2015-02-30", "local_authority": "LA1"},
         "body.date_of_birth"),
        ({"external_id": "x", "date_of_birth": "2015-05-01", "local_authority": "L A"},
         "body.local_authority"),
        ({"external_id": "x", "date_of_birth": "2015-05-01", "local_authority": "LA1",
          "nickname": "Sam"}, "body.nickname"),
    ],
)
def test_bad_child_input_is_422(client: TestClient, admin_headers: Headers,
                                body: dict[str, str], field: str) -> None:
    response = client.post("/v1/children", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}


def test_statutory_plan_refuses_an_interval(client: TestClient, admin_headers: Headers) -> None:
    child = create_child(client, admin_headers)
    response = client.post("/v1/plans", json={"child_id": child["id"], "type": "looked_after",
                                              "start_date": "2025-01-06",
                                              "review_interval_months": 2},
                           headers=admin_headers)
    assert response.status_code == 422


def test_plan_for_unknown_child_is_404(client: TestClient, admin_headers: Headers) -> None:
    response = client.post("/v1/plans", json={"child_id": str(uuid.uuid4()), "type": "pathway",
                                              "start_date": "2025-01-06"}, headers=admin_headers)
    assert response.status_code == 404


def test_one_open_plan_of_a_type_per_child(client: TestClient, admin_headers: Headers) -> None:
    plan = create_plan(client, admin_headers, plan_type="child_in_need", start_date="2025-01-10")
    again = client.post("/v1/plans", json={"child_id": plan["child_id"], "type":
                                           "child_in_need", "start_date": "2025-02-10"},
                        headers=admin_headers)
    assert again.status_code == 409


def test_changing_the_interval_recomputes_the_pending_review(
    client: TestClient, admin_headers: Headers
) -> None:
    plan = create_plan(client, admin_headers, plan_type="child_in_need", start_date="2025-11-30")
    assert plan["next_review"]["due_by"] == "2026-02-28"
    changed = client.patch(f"/v1/plans/{plan['id']}", json={"review_interval_months": 1},
                           headers=admin_headers)
    assert changed.status_code == 200
    assert changed.json()["review_interval_months"] == 1
    assert changed.json()["next_review"]["due_by"] == "2025-12-30"
    statutory = create_plan(client, admin_headers, plan_type="pathway", start_date="2025-11-30")
    refused = client.patch(f"/v1/plans/{statutory['id']}", json={"review_interval_months": 1},
                           headers=admin_headers)
    assert refused.status_code == 422


def test_changing_the_chair_moves_the_dashboard(client: TestClient, admin_headers: Headers
                                                ) -> None:
    plan = create_plan(client, admin_headers, plan_type="pathway", start_date="2025-11-30",
                       chair_id="iro-1")
    client.patch(f"/v1/plans/{plan['id']}", json={"chair_id": "iro-2"}, headers=admin_headers)
    mine = client.get("/v1/reviews?chair_id=iro-2", headers=admin_headers).json()["items"]
    assert [r["id"] for r in mine] == [plan["next_review"]["id"]]
    assert client.get("/v1/reviews?chair_id=iro-1", headers=admin_headers).json()["items"] == []


def test_ending_a_plan_cancels_its_pending_review(client: TestClient, admin_headers: Headers
                                                  ) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2025-11-03")
    before_start = client.post(f"/v1/plans/{plan['id']}/end",
                               json={"end_date": "2025-11-02", "reason": "x"},
                               headers=admin_headers)
    assert before_start.status_code == 422
    ended = client.post(f"/v1/plans/{plan['id']}/end",
                        json={"end_date": "2026-01-15", "reason": "Returned home"},
                        headers=admin_headers)
    assert ended.status_code == 200
    assert ended.json()["status"] == "ended"
    assert ended.json()["next_review"] is None
    assert ended.json()["milestones"] == []
    review = client.get(f"/v1/reviews/{plan['next_review']['id']}", headers=admin_headers).json()
    assert review["status"] == "cancelled"
    assert {m["status"] for m in review["milestones"]} == {"not_applicable"}
    again = client.post(f"/v1/plans/{plan['id']}/end",
                        json={"end_date": "2026-01-15", "reason": "x"}, headers=admin_headers)
    assert again.status_code == 409
    reopened = create_plan(client, admin_headers, plan_type="looked_after",
                           start_date="2026-02-02", child_id=plan["child_id"])
    assert reopened["next_review"]["sequence"] == 1


def test_list_plans_of_a_child(client: TestClient, admin_headers: Headers) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2025-11-03")
    other = create_plan(client, admin_headers, plan_type="child_protection",
                        start_date="2025-11-03", child_id=plan["child_id"])
    create_plan(client, admin_headers, plan_type="pathway", start_date="2025-11-03")
    listed = client.get(f"/v1/plans?child_id={plan['child_id']}", headers=admin_headers).json()
    assert sorted(p["id"] for p in listed["items"]) == sorted([plan["id"], other["id"]])
