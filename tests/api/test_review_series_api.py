"""Each plan type walks three reviews through the API, with dates checked by hand against
RULES.md §2 (each review due from the date the previous one was held)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.factories import Headers, complete, create_plan, milestone_dates

# (plan type, start, creation extras, [(held_on, completion extras, due_by of the NEXT review)])
# and the hand-checked due date of review 1.
WALKS: list[tuple[str, str, dict[str, Any], str, list[tuple[str, dict[str, Any], str]]]] = [
    (
        # start + 20 working days over Good Friday 29 Mar and Easter Monday 1 Apr 2024;
        # then held + 3 months, then held + 6 months.
        "looked_after", "2024-03-04", {}, "2024-04-03",
        [("2024-03-28", {"participation_code": "PN1"}, "2024-06-28"),
         ("2024-06-20", {"participation_code": "PN5"}, "2024-12-20"),
         ("2024-12-19", {"participation_code": "PN6"}, "2025-06-19")],
    ),
    (
        # 30 Nov + 3 months clamps to 29 Feb 2024; 31 Aug + 6 months clamps to 28 Feb 2025.
        "short_breaks", "2023-11-30", {}, "2024-02-29",
        [("2024-02-29", {"participation_code": "PN1"}, "2024-08-29"),
         ("2024-08-31", {"participation_code": "PN4"}, "2025-02-28"),
         ("2025-02-20", {"participation_code": "PN7"}, "2025-08-20")],
    ),
    (
        # 31 Jan + 3 months clamps to 30 Apr; then held + 6 months.
        "child_protection", "2024-01-31", {}, "2024-04-30",
        [("2024-04-15", {}, "2024-10-15"),
         ("2024-10-15", {}, "2025-04-15"),
         ("2025-04-14", {}, "2025-10-14")],
    ),
    (
        "pathway", "2024-05-31", {}, "2024-11-30",
        [("2024-11-29", {}, "2025-05-29"),
         ("2025-05-01", {}, "2025-11-01"),
         ("2025-10-31", {}, "2026-04-30")],
    ),
    (
        # Policy default 3 months; the group changes the interval to 2 months at review 1.
        "child_in_need", "2024-08-31", {}, "2024-11-30",
        [("2024-11-30", {"review_interval_months": 2}, "2025-01-30"),
         ("2025-01-30", {}, "2025-03-30"),
         ("2025-03-31", {}, "2025-05-31")],
    ),
    (
        # Interval of 1 month set at creation: 31 Jan + 1 month clamps to 28 Feb 2025.
        "early_help", "2024-12-31", {"review_interval_months": 1}, "2025-01-31",
        [("2025-01-31", {}, "2025-02-28"),
         ("2025-02-28", {}, "2025-03-28"),
         ("2025-03-27", {}, "2025-04-27")],
    ),
]


@pytest.mark.parametrize(("plan_type", "start", "extras", "first_due", "steps"), WALKS,
                         ids=[walk[0] for walk in WALKS])
def test_three_reviews_per_plan_type(
    client: TestClient, admin_headers: Headers, plan_type: str, start: str,
    extras: dict[str, Any], first_due: str, steps: list[tuple[str, dict[str, Any], str]],
) -> None:
    plan = create_plan(client, admin_headers, plan_type=plan_type, start_date=start, **extras)
    review = plan["next_review"]
    assert (review["sequence"], review["status"], review["due_by"]) == (1, "due", first_due)
    for sequence, (held_on, completion, next_due) in enumerate(steps, start=1):
        held = complete(client, admin_headers, review["id"], held_on, **completion)
        assert held["status"] == "held"
        assert held["held_on"] == held_on
        assert held["late"] is (held_on > held["due_by"])
        review = held["next_review"]
        assert (review["sequence"], review["status"], review["due_by"]) == (
            sequence + 1, "due", next_due)

    series = client.get(f"/v1/plans/{plan['id']}/reviews", headers=admin_headers).json()
    assert [r["sequence"] for r in series["items"]] == [1, 2, 3, 4]
    assert [r["status"] for r in series["items"]] == ["held", "held", "held", "due"]
    fetched = client.get(f"/v1/plans/{plan['id']}", headers=admin_headers).json()
    assert fetched["next_review"]["id"] == review["id"]


def test_short_break_review_held_after_due_date_is_late(client: TestClient,
                                                        admin_headers: Headers) -> None:
    plan = create_plan(client, admin_headers, plan_type="short_breaks", start_date="2023-11-30")
    first = complete(client, admin_headers, plan["next_review"]["id"], "2024-02-29",
                     participation_code="PN1")
    second = complete(client, admin_headers, first["next_review"]["id"], "2024-08-31",
                      participation_code="PN1")
    assert second["due_by"] == "2024-08-29"
    assert second["late"] is True
    late = client.get("/v1/reviews?late=true", headers=admin_headers).json()["items"]
    assert [r["id"] for r in late] == [second["id"]]


def test_looked_after_milestones_hand_checked(client: TestClient, admin_headers: Headers
                                              ) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2024-03-04")
    # Review 1 due Wed 3 Apr 2024; counted back over Easter (29 Mar, 1 Apr).
    assert milestone_dates(plan["next_review"]) == {
        "child_consultation": "2024-03-04",       # 20 working days before
        "social_worker_consults_iro": "2024-03-11",  # 15 working days before
        "invitations": "2024-03-18",              # 10 working days before
        "child_visit": "2024-03-20",              # 14 days before
        "carer_report": "2024-03-27",             # 7 days before
        "social_worker_report": "2024-03-31",     # 3 days before (a Sunday: calendar days)
        "chair_meets_child": "2024-04-02",        # before the review date
    }
    assert {m["kind"]: m["due_by"] for m in plan["milestones"]} == {
        "iro_appointed": "2024-03-11",            # plan start + 5 working days
    }
    held = complete(client, admin_headers, plan["next_review"]["id"], "2024-03-28",
                    participation_code="PN1")
    post = {k: v for k, v in milestone_dates(held).items()
            if k in {"decisions_record", "care_plan_updated", "full_record",
                     "record_distributed"}}
    # From Thu 28 Mar 2024, skipping Good Friday and Easter Monday.
    assert post == {
        "decisions_record": "2024-04-08",
        "care_plan_updated": "2024-04-15",
        "full_record": "2024-04-22",
        "record_distributed": "2024-04-29",
    }


def test_child_in_need_plan_has_management_oversight(client: TestClient,
                                                      admin_headers: Headers) -> None:
    plan = create_plan(client, admin_headers, plan_type="child_in_need", start_date="2024-08-31")
    assert plan["review_interval_months"] == 3
    assert [(m["kind"], m["due_by"], m["owner_role"]) for m in plan["milestones"]] == [
        ("management_oversight", "2025-05-31", "service_delivery_manager")]
    kinds = {m["kind"] for m in plan["next_review"]["milestones"]}
    assert kinds == {"invitations", "child_visit"}
    held = complete(client, admin_headers, plan["next_review"]["id"], "2024-11-29")
    assert milestone_dates(held)["notes_distributed"] == "2024-12-06"  # held + 5 working days
    assert held["participation_code"] is None


def test_child_protection_records_decisions_only(client: TestClient, admin_headers: Headers
                                                 ) -> None:
    plan = create_plan(client, admin_headers, plan_type="child_protection",
                       start_date="2024-01-31")
    assert plan["milestones"] == []
    held = complete(client, admin_headers, plan["next_review"]["id"], "2024-04-15")
    after = {k for k in milestone_dates(held)} - {"invitations", "child_visit"}
    assert after == {"decisions_record"}
    assert milestone_dates(held)["decisions_record"] == "2024-04-22"
