"""Milestones as per-authority policy (RULES.md §5, issue 11) through the API: a changed
interval moves the open milestone of a chain (core groups, carer letters) and never a done one;
a kind turned off and on again brings back the very milestones it withdrew, and not one a chair
marked not applicable by hand; statutory kinds cannot be turned off. Dates hand-checked; the
clock stands at Mon 2 Mar 2026 and no bank holiday falls from January to March 2026."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.models import Milestone
from tests.api.factories import Headers, complete, create_child, create_plan

ALL_ABOUT_ME = ["chair_contacts_social_worker", "letter_to_child", "carer_letter"]


def _put_policy(client: TestClient, headers: Headers, **values: Any) -> dict[str, Any]:
    response = client.put("/v1/policies/LA1", json=values, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _plan_milestones(db_session: Session, plan_id: str) -> list[tuple[str, str, str]]:
    """(kind, due_by, status) of the plan's own milestones, by due date."""
    rows = db_session.execute(
        select(Milestone.kind, Milestone.due_by, Milestone.status)
        .where(Milestone.plan_id == uuid.UUID(plan_id), Milestone.review_id.is_(None))
        .order_by(Milestone.due_by, Milestone.kind))
    found = [(kind, due_by.isoformat(), status) for kind, due_by, status in rows]
    db_session.rollback()  # end the read: SQLite lets no writer commit past it
    return found


def _mark_done(client: TestClient, headers: Headers, plan_id: str, milestone_id: str,
               on: str) -> dict[str, Any]:
    response = client.patch(f"/v1/plans/{plan_id}/milestones/{milestone_id}",
                            json={"status": "done", "completed_on": on}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_changed_interval_moves_the_open_core_group_and_never_a_done_one(
    client: TestClient, admin_headers: Headers, db_session: Session
) -> None:
    child = create_child(client, admin_headers)
    enquiry = client.post("/v1/child-protection-enquiries", json={
        "child_id": child["id"], "strategy_discussion_on": "2026-01-26"},
        headers=admin_headers).json()
    plan = client.post(f"/v1/child-protection-enquiries/{enquiry['id']}/conference",
                       json={"held_on": "2026-02-02", "outcome": "plan"},
                       headers=admin_headers).json()["plan"]
    (first,) = plan["milestones"]
    # The first core group (due Mon 16 Feb) met Fri 13 Feb: the next is due 6 weeks on.
    _mark_done(client, admin_headers, plan["id"], first["id"], "2026-02-13")
    assert _plan_milestones(db_session, plan["id"]) == [
        ("first_core_group", "2026-02-16", "done"), ("core_group", "2026-03-27", "pending")]
    body = _put_policy(client, admin_headers, core_group_interval_weeks=4)
    assert body["deadlines_moved"] >= 1
    # Counted again from the day the last one met: Fri 13 Feb + 4 weeks = Fri 13 Mar.
    assert _plan_milestones(db_session, plan["id"]) == [
        ("first_core_group", "2026-02-16", "done"), ("core_group", "2026-03-13", "pending")]


def test_a_changed_interval_moves_the_open_carer_letter(
    client: TestClient, admin_headers: Headers, db_session: Session
) -> None:
    _put_policy(client, admin_headers, milestones_off=[])
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2025-08-04")
    letters = [m for m in lac["milestones"] if m["kind"] == "carer_letter"]
    assert [m["due_by"] for m in letters] == ["2026-02-04"]  # start + 6 months
    # Written late, on Tue 10 Feb: the next counts from the day the last was due.
    _mark_done(client, admin_headers, lac["id"], letters[0]["id"], "2026-02-10")
    _put_policy(client, admin_headers, milestones_off=[], carer_letter_months=4)
    # Wed 4 Feb + 4 months = Thu 4 Jun (was Tue 4 Aug); the letter written stays as it was.
    assert [m for m in _plan_milestones(db_session, lac["id"]) if m[0] == "carer_letter"] == [
        ("carer_letter", "2026-02-04", "done"), ("carer_letter", "2026-06-04", "pending")]


def test_a_kind_turned_off_and_on_again_brings_back_what_it_withdrew(
    client: TestClient, admin_headers: Headers, db_session: Session
) -> None:
    # Review 1 of a looked-after plan started Mon 16 Feb 2026 is due 20 WD on, Mon 16 Mar.
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-16")
    review_id = lac["next_review"]["id"]
    # A held review's post-review milestones: held Fri 27 Feb, care plan updated 10 WD on.
    held_plan = create_plan(client, admin_headers, plan_type="looked_after",
                            start_date="2026-02-02")
    held = complete(client, admin_headers, held_plan["next_review"]["id"], "2026-02-27",
                    participation_code="PN1")
    held_review_id = held["id"]
    cin = create_plan(client, admin_headers, plan_type="child_in_need", start_date="2025-09-01")

    def review_milestones(rid: str) -> dict[str, tuple[str, str, str]]:
        review = client.get(f"/v1/reviews/{rid}", headers=admin_headers).json()
        return {m["kind"]: (m["id"], m["due_by"], m["status"]) for m in review["milestones"]}

    before = review_milestones(review_id)
    assert before["child_visit"][1:] == ("2026-03-02", "pending")  # Mon 16 Mar - 14 days
    held_before = review_milestones(held_review_id)
    assert held_before["care_plan_updated"][1:] == ("2026-03-13", "pending")
    # The chair decides by hand that meeting the child is not needed this time.
    hand = client.patch(f"/v1/reviews/{review_id}/milestones/{before['chair_meets_child'][0]}",
                        json={"status": "not_applicable"}, headers=admin_headers)
    assert hand.status_code == 200, hand.text

    off = ["child_visit", "chair_meets_child", "care_plan_updated", "management_oversight",
           *ALL_ABOUT_ME]
    _put_policy(client, admin_headers, milestones_off=off)
    withdrawn = review_milestones(review_id)
    assert withdrawn["child_visit"][2] == "not_applicable"
    assert review_milestones(held_review_id)["care_plan_updated"][2] == "not_applicable"
    assert _plan_milestones(db_session, cin["id"]) == [
        ("management_oversight", "2026-06-01", "not_applicable")]

    response = client.put("/v1/policies/LA1", json={}, headers=admin_headers)  # the defaults
    assert response.status_code == 200, response.text
    again = review_milestones(review_id)
    # The very milestone withdrawn is due again (same id, no second one beside it) ...
    assert again["child_visit"] == before["child_visit"]
    assert again == {**before, "chair_meets_child": (before["chair_meets_child"][0],
                                                     before["chair_meets_child"][1],
                                                     "not_applicable")}
    # ... but not the one the chair marked not applicable.
    assert again["chair_meets_child"][2] == "not_applicable"
    assert review_milestones(held_review_id) == held_before
    assert _plan_milestones(db_session, cin["id"]) == [
        ("management_oversight", "2026-06-01", "pending")]
    kinds = db_session.scalars(select(Milestone.kind).where(
        Milestone.review_id == uuid.UUID(review_id))).all()
    db_session.rollback()
    assert len(kinds) == len(set(kinds))


def test_the_carer_letter_turned_off_and_on_comes_back_once(
    client: TestClient, admin_headers: Headers, db_session: Session
) -> None:
    _put_policy(client, admin_headers, milestones_off=[])
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2025-08-04")
    _put_policy(client, admin_headers, milestones_off=ALL_ABOUT_ME)
    assert ("carer_letter", "2026-02-04", "not_applicable") in _plan_milestones(
        db_session, lac["id"])
    _put_policy(client, admin_headers, milestones_off=[])
    letters = [m for m in _plan_milestones(db_session, lac["id"]) if m[0] == "carer_letter"]
    assert letters == [("carer_letter", "2026-02-04", "pending")]


def test_statutory_kinds_cannot_be_turned_off(client: TestClient, admin_headers: Headers
                                              ) -> None:
    for kind in ("iro_appointed", "social_worker_consults_iro", "first_core_group",
                 "core_group"):
        refused = client.put("/v1/policies/LA1", json={"milestones_off": [kind]},
                             headers=admin_headers)
        assert refused.status_code == 422, kind
        problem = refused.json()
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert kind in problem["detail"]
        assert problem["type"].startswith("http")
    assert client.get("/v1/policies/LA1", headers=admin_headers).json()["milestones_off"] == (
        ALL_ABOUT_ME)
    put = client.get("/openapi.json").json()["paths"]["/v1/policies/{local_authority}"]["put"]
    assert "422" in put["responses"]


def test_a_kind_off_when_the_plan_opened_is_created_when_turned_on(
    client: TestClient, admin_headers: Headers, db_session: Session
) -> None:
    _put_policy(client, admin_headers, milestones_off=["management_oversight", *ALL_ABOUT_ME])
    cin = create_plan(client, admin_headers, plan_type="child_in_need", start_date="2025-09-01")
    assert _plan_milestones(db_session, cin["id"]) == []
    _put_policy(client, admin_headers, milestones_off=ALL_ABOUT_ME)
    # Mon 1 Sep 2025 + 9 months: Mon 1 Jun 2026, and only one however often it is re-derived.
    assert _plan_milestones(db_session, cin["id"]) == [
        ("management_oversight", "2026-06-01", "pending")]
    _put_policy(client, admin_headers, milestones_off=ALL_ABOUT_ME, core_group_interval_weeks=5)
    assert _plan_milestones(db_session, cin["id"]) == [
        ("management_oversight", "2026-06-01", "pending")]


def test_a_changed_offset_moves_open_post_review_milestones_and_never_a_done_one(
    client: TestClient, admin_headers: Headers
) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-02")
    held = complete(client, admin_headers, plan["next_review"]["id"], "2026-02-27",
                    participation_code="PN1")
    milestones = {m["kind"]: m for m in held["milestones"]}
    # Held Fri 27 Feb: decisions 5 WD on (Fri 6 Mar), care plan 10 WD on (Fri 13 Mar).
    assert milestones["decisions_record"]["due_by"] == "2026-03-06"
    assert milestones["care_plan_updated"]["due_by"] == "2026-03-13"
    done = client.patch(
        f"/v1/reviews/{held['id']}/milestones/{milestones['decisions_record']['id']}",
        json={"status": "done", "completed_on": "2026-03-02"}, headers=admin_headers)
    assert done.status_code == 200, done.text
    _put_policy(client, admin_headers, decisions_record_working_days=3,
                care_plan_updated_working_days=5)
    review = client.get(f"/v1/reviews/{held['id']}", headers=admin_headers).json()
    after = {m["kind"]: (m["due_by"], m["status"]) for m in review["milestones"]}
    assert after["decisions_record"] == ("2026-03-06", "done")  # done: never moves
    assert after["care_plan_updated"] == ("2026-03-06", "pending")  # 27 Feb + 5 WD
