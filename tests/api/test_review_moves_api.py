"""Scheduling, bringing forward, adjourning, completing and cancelling (RULES.md §3, §6)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from review_service.problems import PROBLEM_TYPE_BASE
from tests.api.factories import Headers, complete, create_plan, milestone_dates


@pytest.fixture
def review(client: TestClient, admin_headers: Headers) -> dict[str, Any]:
    """Review 1 of a looked-after plan started Mon 4 Mar 2024: due Wed 3 Apr 2024."""
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2024-03-04",
                       chair_id="iro-7")
    return dict(plan["next_review"])


def post(client: TestClient, headers: Headers, review: dict[str, Any], action: str,
         body: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(f"/v1/reviews/{review['id']}/{action}", json=body, headers=headers,
                       **kwargs)


def test_schedule_within_timescale_moves_milestones(client: TestClient, admin_headers: Headers,
                                                     review: dict[str, Any]) -> None:
    etag_before = client.get(f"/v1/reviews/{review['id']}", headers=admin_headers).headers["etag"]
    response = post(client, admin_headers, review, "schedule",
                    {"scheduled_for": "2024-03-25T10:00:00+00:00", "venue": "Foster home"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "scheduled"
    assert body["due_by"] == "2024-04-03"
    assert body["late"] is False
    # Pre-review milestones now count back from Mon 25 Mar.
    assert milestone_dates(body)["invitations"] == "2024-03-11"
    assert milestone_dates(body)["child_visit"] == "2024-03-11"
    assert response.headers["etag"] != etag_before
    after = client.get(f"/v1/reviews/{review['id']}", headers=admin_headers)
    assert after.headers["etag"] == response.headers["etag"]


def test_schedule_after_due_needs_exceptional_circumstances(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    refused = post(client, admin_headers, review, "schedule",
                   {"scheduled_for": "2024-04-05T10:00:00+01:00"})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == PROBLEM_TYPE_BASE + "out-of-timescale"
    assert client.get(f"/v1/reviews/{review['id']}",
                      headers=admin_headers).json()["status"] == "due"

    accepted = post(client, admin_headers, review, "schedule",
                    {"scheduled_for": "2024-04-05T10:00:00+01:00",
                     "exceptional_circumstances": "Child in hospital until 4 April"})
    assert accepted.status_code == 200
    assert accepted.json()["late"] is True
    assert accepted.json()["exceptional_circumstances"] == "Child in hospital until 4 April"


def test_scheduled_date_is_the_london_date(client: TestClient, admin_headers: Headers,
                                           review: dict[str, Any]) -> None:
    # 23:30 UTC on 3 April is 00:30 BST on 4 April: after the due date.
    response = post(client, admin_headers, review, "schedule",
                    {"scheduled_for": "2024-04-03T23:30:00Z"})
    assert response.status_code == 422
    assert response.json()["type"].endswith("/out-of-timescale")


def test_scheduled_for_needs_an_offset(client: TestClient, admin_headers: Headers,
                                       review: dict[str, Any]) -> None:
    response = post(client, admin_headers, review, "schedule",
                    {"scheduled_for": "2024-03-25T10:00:00"})
    assert response.status_code == 422
    assert "body.scheduled_for" in {e["field"] for e in response.json()["errors"]}


def test_bring_forward_never_moves_later(client: TestClient, admin_headers: Headers,
                                         review: dict[str, Any]) -> None:
    earlier = post(client, admin_headers, review, "bring-forward",
                   {"due_by": "2024-03-20", "reason": "Placement move proposed"})
    assert earlier.status_code == 200
    assert earlier.json()["due_by"] == "2024-03-20"
    assert earlier.json()["statutory_due_by"] == "2024-04-03"
    assert milestone_dates(earlier.json())["invitations"] == "2024-03-06"
    later = post(client, admin_headers, review, "bring-forward",
                 {"due_by": "2024-03-28", "reason": "Second request"})
    assert later.status_code == 200
    assert later.json()["due_by"] == "2024-03-20"


def test_bring_forward_before_plan_start_is_422(client: TestClient, admin_headers: Headers,
                                                review: dict[str, Any]) -> None:
    response = post(client, admin_headers, review, "bring-forward",
                    {"due_by": "2024-03-01", "reason": "x"})
    assert response.status_code == 422


def test_bringing_forward_makes_a_scheduled_review_late(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    post(client, admin_headers, review, "schedule", {"scheduled_for": "2024-03-27T10:00:00Z"})
    moved = post(client, admin_headers, review, "bring-forward",
                 {"due_by": "2024-03-22", "reason": "Care plan change"})
    assert moved.json()["late"] is True


def test_adjourn_keeps_number_and_due_date(client: TestClient, admin_headers: Headers,
                                           review: dict[str, Any]) -> None:
    not_met = post(client, admin_headers, review, "adjourn",
                   {"reason": "Mother ill", "reconvene_on": "2024-04-10"})
    assert not_met.status_code == 409  # a review that has not met cannot be adjourned
    post(client, admin_headers, review, "schedule", {"scheduled_for": "2024-03-25T10:00:00Z"})
    adjourned = post(client, admin_headers, review, "adjourn",
                     {"reason": "Mother ill", "reconvene_on": "2024-04-10"})
    assert adjourned.status_code == 200
    body = adjourned.json()
    assert (body["status"], body["sequence"], body["due_by"]) == ("adjourned", 1, "2024-04-03")
    assert body["reconvene_on"] == "2024-04-10"
    assert body["late"] is True
    held = complete(client, admin_headers, review["id"], "2024-04-10", participation_code="PN2")
    assert held["late"] is True
    assert held["next_review"]["due_by"] == "2024-07-10"


def test_adjourn_to_before_the_meeting_is_422(client: TestClient, admin_headers: Headers,
                                              review: dict[str, Any]) -> None:
    post(client, admin_headers, review, "schedule", {"scheduled_for": "2024-03-25T10:00:00Z"})
    response = post(client, admin_headers, review, "adjourn",
                    {"reason": "x", "reconvene_on": "2024-03-20"})
    assert response.status_code == 422


def test_invalid_transitions_are_409(client: TestClient, admin_headers: Headers,
                                     review: dict[str, Any]) -> None:
    complete(client, admin_headers, review["id"], "2024-03-28", participation_code="PN1")
    again = post(client, admin_headers, review, "complete",
                 {"held_on": "2024-03-29", "participation_code": "PN1"})
    assert again.status_code == 409
    assert again.json()["type"] == PROBLEM_TYPE_BASE + "invalid-transition"
    schedule = post(client, admin_headers, review, "schedule",
                    {"scheduled_for": "2024-03-25T10:00:00Z"})
    assert schedule.status_code == 409
    bring = post(client, admin_headers, review, "bring-forward",
                 {"due_by": "2024-03-20", "reason": "x"})
    assert bring.status_code == 409


@pytest.mark.parametrize(
    ("held_on", "code", "dob", "kind"),
    [
        ("2024-03-01", "PN1", "2015-05-01", "invalid-date"),  # before the plan started
        ("2026-03-03", "PN1", "2015-05-01", "invalid-date"),  # after today (2 Mar 2026)
        ("2024-03-28", None, "2015-05-01", "invalid-participation-code"),  # required at 8
        ("2024-03-28", "PN0", "2015-05-01", "invalid-participation-code"),  # PN0 is under 4
        ("2024-03-28", "PN1", "2021-01-10", "invalid-participation-code"),  # 3 years old
        ("2024-03-28", "PN9", "2015-05-01", "validation-error"),
    ],
)
def test_completion_rules(client: TestClient, admin_headers: Headers, held_on: str,
                          code: str | None, dob: str, kind: str) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2024-03-04",
                       date_of_birth=dob)
    body: dict[str, Any] = {"held_on": held_on}
    if code is not None:
        body["participation_code"] = code
    response = client.post(f"/v1/reviews/{plan['next_review']['id']}/complete", json=body,
                           headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["type"] == PROBLEM_TYPE_BASE + kind
    review = client.get(f"/v1/reviews/{plan['next_review']['id']}", headers=admin_headers)
    assert review.json()["status"] == "due"  # nothing half-written
    assert len(client.get(f"/v1/plans/{plan['id']}/reviews",
                          headers=admin_headers).json()["items"]) == 1


def test_child_under_four_gets_pn0_implied(client: TestClient, admin_headers: Headers) -> None:
    # Born 29 Feb 2020: under 4 until 1 Mar 2024 (no 29 Feb in 2023).
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2024-01-08",
                       date_of_birth="2020-02-29")
    held = complete(client, admin_headers, plan["next_review"]["id"], "2024-02-05")
    assert held["participation_code"] == "PN0"


def test_participation_code_on_plan_type_without_one_is_422(
    client: TestClient, admin_headers: Headers
) -> None:
    plan = create_plan(client, admin_headers, plan_type="child_protection",
                       start_date="2024-01-31")
    response = client.post(f"/v1/reviews/{plan['next_review']['id']}/complete",
                           json={"held_on": "2024-04-15", "participation_code": "PN1"},
                           headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/invalid-participation-code")


def test_second_review_warns_when_permanence_not_considered(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    first = complete(client, admin_headers, review["id"], "2024-03-28", participation_code="PN1",
                     plans_considered=["care_plan", "health_plan"])
    assert first["warnings"] == []
    second = complete(client, admin_headers, first["next_review"]["id"], "2024-06-20",
                      participation_code="PN1", plans_considered=["care_plan"])
    assert [w["code"] for w in second["warnings"]] == ["permanence_plan_not_considered"]
    assert second["warnings"][0]["rule"] == "RULES.md §7"
    assert second["plans_considered"] == ["care_plan"]


def test_held_before_previous_review_is_422(client: TestClient, admin_headers: Headers,
                                            review: dict[str, Any]) -> None:
    first = complete(client, admin_headers, review["id"], "2024-03-28", participation_code="PN1")
    response = client.post(f"/v1/reviews/{first['next_review']['id']}/complete",
                           json={"held_on": "2024-03-27", "participation_code": "PN1"},
                           headers=admin_headers)
    assert response.status_code == 422


def test_cancel_opens_a_replacement_with_the_same_due_date(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    post(client, admin_headers, review, "bring-forward", {"due_by": "2024-03-25", "reason": "x"})
    cancelled = post(client, admin_headers, review, "cancel", {"reason": "Entered in error"})
    assert cancelled.status_code == 200
    body = cancelled.json()
    assert body["status"] == "cancelled"
    assert {m["status"] for m in body["milestones"]} == {"not_applicable"}
    replacement = body["next_review"]
    assert (replacement["sequence"], replacement["status"], replacement["due_by"]) == (
        1, "due", "2024-03-25")
    again = post(client, admin_headers, review, "cancel", {"reason": "twice"})
    assert again.status_code == 409


def test_stale_if_match_is_412_and_current_is_accepted(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    fetched = client.get(f"/v1/reviews/{review['id']}", headers=admin_headers)
    etag = fetched.headers["etag"]
    first = post(client, admin_headers, review, "bring-forward",
                 {"due_by": "2024-03-28", "reason": "x"})
    assert first.status_code == 200
    stale = client.post(f"/v1/reviews/{review['id']}/schedule",
                        json={"scheduled_for": "2024-03-25T10:00:00Z"},
                        headers={**admin_headers, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["type"] == PROBLEM_TYPE_BASE + "precondition-failed"
    current = client.post(f"/v1/reviews/{review['id']}/schedule",
                          json={"scheduled_for": "2024-03-25T10:00:00Z"},
                          headers={**admin_headers, "If-Match": first.headers["etag"]})
    assert current.status_code == 200
    assert current.headers["etag"] != first.headers["etag"]


def test_milestone_marked_done(client: TestClient, admin_headers: Headers,
                               review: dict[str, Any]) -> None:
    milestone = next(m for m in review["milestones"] if m["kind"] == "invitations")
    response = client.patch(f"/v1/reviews/{review['id']}/milestones/{milestone['id']}",
                            json={"status": "done", "completed_on": "2024-03-15"},
                            headers=admin_headers)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["completed_on"]) == ("done",
                                                                             "2024-03-15")
    # A done milestone keeps its date when the review moves.
    moved = post(client, admin_headers, review, "bring-forward",
                 {"due_by": "2024-03-20", "reason": "x"}).json()
    assert milestone_dates(moved)["invitations"] == "2024-03-18"
    overdue = client.patch(f"/v1/reviews/{review['id']}/milestones/{milestone['id']}",
                           json={"status": "overdue"}, headers=admin_headers)
    assert overdue.status_code == 422


def test_pending_milestone_past_its_date_shows_overdue(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    # The clock reads 2 Mar 2026: every milestone of a 2024 review is past.
    statuses = {m["status"] for m in review["milestones"]}
    assert statuses == {"overdue"}
    assert review["overdue"] is True
