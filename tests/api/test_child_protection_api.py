"""Issue 11 through the API: the child protection timeline (RULES.md §2), events for every
plan (§4), milestones as policy (§5), the child's own review (§6). Dates hand-checked; the
clock stands at Mon 2 Mar 2026."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.models import AuditEntry, OutboxMessage, Timer
from tests.api.factories import Headers, complete, create_child, create_plan
from tests.conftest import TokenFactory

BASE = "/v1/child-protection-enquiries"


def open_enquiry(client: TestClient, headers: Headers, child_id: str,
                 strategy: str = "2026-02-09", **extra: Any) -> dict[str, Any]:
    response = client.post(BASE, json={"child_id": child_id, "strategy_discussion_on": strategy,
                                       **extra}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def conference(client: TestClient, headers: Headers, enquiry_id: str, **body: Any) -> Any:
    return client.post(f"{BASE}/{enquiry_id}/conference", json=body, headers=headers)


def test_enquiry_conference_and_plan(client: TestClient, admin_headers: Headers,
                                     db_session: Session) -> None:
    child = create_child(client, admin_headers)
    # Mon 9 Feb 2026 + 15 working days (no holidays): Mon 2 Mar 2026.
    enquiry = open_enquiry(client, admin_headers, child["id"], chair_id="cp-1")
    assert (enquiry["status"], enquiry["conference_due_by"]) == ("open", "2026-03-02")
    assert client.get(f"{BASE}/{enquiry['id']}", headers=admin_headers).json() == enquiry
    timers = set(db_session.execute(select(Timer.event_type, Timer.level).where(
        Timer.subject_type == "conference", Timer.subject_id == uuid.UUID(enquiry["id"]))))
    assert timers == {("conference.due_soon", -1), ("conference.due_soon", -2),
                      ("conference.overdue", 1), ("conference.overdue", 2),
                      ("conference.overdue", 3)}
    db_session.rollback()  # end the read: SQLite lets no writer commit past it
    # Held Thu 26 Feb 2026, in time.
    response = conference(client, admin_headers, enquiry["id"], held_on="2026-02-26",
                          outcome="plan")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["late"], body["outcome"]) == ("conferenced", False, "plan")
    plan = body["plan"]
    assert (plan["type"], plan["start_date"], plan["chair_id"]) == (
        "child_protection", "2026-02-26", "cp-1")
    assert body["plan_id"] == plan["id"]
    assert plan["next_review"]["due_by"] == "2026-05-26"  # 26 Feb + 3 months
    # 26 Feb + 10 WD: 27, 2, 3, 4, 5, 6, 9, 10, 11, 12 -> Thu 12 Mar.
    assert [(m["kind"], m["due_by"]) for m in plan["milestones"]] == [
        ("first_core_group", "2026-03-12")]
    # The conference's open timers are withdrawn once it is held.
    pending = db_session.scalars(select(Timer.id).where(
        Timer.subject_id == uuid.UUID(enquiry["id"]), Timer.fired_at.is_(None))).all()
    assert pending == []
    db_session.rollback()
    actions = set(db_session.scalars(select(AuditEntry.action).where(
        AuditEntry.resource_id == uuid.UUID(enquiry["id"]))))
    assert actions == {"child_protection_enquiry.opened", "child_protection_enquiry.conferenced"}


def test_conference_refusals(client: TestClient, admin_headers: Headers) -> None:
    child = create_child(client, admin_headers)
    enquiry = open_enquiry(client, admin_headers, child["id"])
    before = conference(client, admin_headers, enquiry["id"], held_on="2026-02-06",
                        outcome="no_plan")
    assert before.status_code == 422
    bad_outcome = conference(client, admin_headers, enquiry["id"], held_on="2026-02-20",
                             outcome="maybe")
    assert bad_outcome.status_code == 422
    # Held Tue 3 Mar would be in the future (the clock is at Mon 2 Mar).
    assert conference(client, admin_headers, enquiry["id"], held_on="2026-03-03",
                      outcome="no_plan").status_code == 422
    first = conference(client, admin_headers, enquiry["id"], held_on="2026-02-20",
                       outcome="no_plan")
    assert first.status_code == 200
    assert first.json()["plan"] is None
    again = conference(client, admin_headers, enquiry["id"], held_on="2026-02-20",
                       outcome="no_plan")
    assert again.status_code == 409
    # A plan for a child who already has an open protection plan.
    create_plan(client, admin_headers, plan_type="child_protection", start_date="2026-01-05",
                child_id=child["id"])
    second = open_enquiry(client, admin_headers, child["id"])
    assert conference(client, admin_headers, second["id"], held_on="2026-02-20",
                      outcome="plan").status_code == 409
    assert client.get(f"{BASE}/{second['id']}", headers=admin_headers).json()["status"] == "open"
    unknown = client.post(BASE, json={"child_id": str(uuid.uuid4()),
                                      "strategy_discussion_on": "2026-02-09"},
                          headers=admin_headers)
    assert unknown.status_code == 404
    assert client.get(f"{BASE}/{uuid.uuid4()}", headers=admin_headers).status_code == 404


def test_a_late_conference_and_the_walls(client: TestClient, admin_headers: Headers,
                                         make_token: TokenFactory) -> None:
    child = create_child(client, admin_headers)
    # Mon 2 Feb + 15 WD -> Mon 23 Feb; held Wed 25 Feb is late.
    enquiry = open_enquiry(client, admin_headers, child["id"], strategy="2026-02-02")
    body = conference(client, admin_headers, enquiry["id"], held_on="2026-02-25",
                      outcome="no_plan").json()
    assert body["late"] is True
    other = make_token("write", local_authority="LA2")
    assert client.get(f"{BASE}/{enquiry['id']}", headers=other).status_code == 404
    assert conference(client, other, enquiry["id"], held_on="2026-02-25",
                      outcome="no_plan").status_code == 404
    assert client.post(BASE, json={"child_id": child["id"],
                                   "strategy_discussion_on": "2026-02-09"},
                       headers=other).status_code == 404
    assert client.get(BASE, headers=other).json()["items"] == []
    reader = make_token("read", local_authority="LA1")
    assert client.post(BASE, json={"child_id": child["id"],
                                   "strategy_discussion_on": "2026-02-09"},
                       headers=reader).status_code == 403
    # Its audit trail is walled the same way.
    trail = {"resource_id": enquiry["id"]}
    own = client.get("/v1/audit", params=trail,
                     headers=make_token("admin", local_authority="LA1")).json()["items"]
    assert sorted(e["action"] for e in own) == ["child_protection_enquiry.conferenced",
                                                "child_protection_enquiry.opened"]
    assert client.get("/v1/audit", params=trail, headers=make_token(
        "admin", local_authority="LA2")).json()["items"] == []


def test_list_filters_and_cursor(client: TestClient, admin_headers: Headers) -> None:
    child = create_child(client, admin_headers)
    # Due Mon 23 Feb (overdue today), Mon 2 Mar (due today), Mon 16 Mar.
    a = open_enquiry(client, admin_headers, child["id"], strategy="2026-02-02", chair_id="c1")
    b = open_enquiry(client, admin_headers, child["id"], strategy="2026-02-09", chair_id="c2")
    c = open_enquiry(client, admin_headers, child["id"], strategy="2026-02-23", chair_id="c1")
    assert c["conference_due_by"] == "2026-03-16"

    def ids(**params: Any) -> list[str]:
        response = client.get(BASE, params=params, headers=admin_headers)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    assert ids() == [a["id"], b["id"], c["id"]]
    assert ids(overdue="true") == [a["id"]]
    assert ids(chair_id="c1") == [a["id"], c["id"]]
    assert ids(due_after="2026-02-23", due_before="2026-03-16") == [b["id"]]
    assert ids(local_authority="LA1", status="open") == [a["id"], b["id"], c["id"]]
    conference(client, admin_headers, b["id"], held_on="2026-02-27", outcome="no_plan")
    assert ids(status="conferenced") == [b["id"]]
    first = client.get(BASE, params={"limit": 2}, headers=admin_headers).json()
    rest = client.get(BASE, params={"limit": 2, "cursor": first["next_cursor"]},
                      headers=admin_headers).json()
    assert [e["id"] for e in first["items"] + rest["items"]] == [a["id"], b["id"], c["id"]]
    assert rest["next_cursor"] is None


def test_core_groups_chain_until_the_plan_ends(client: TestClient, admin_headers: Headers
                                               ) -> None:
    child = create_child(client, admin_headers)
    enquiry = open_enquiry(client, admin_headers, child["id"], strategy="2026-01-26")
    plan = conference(client, admin_headers, enquiry["id"], held_on="2026-02-02",
                      outcome="plan").json()["plan"]
    (first,) = plan["milestones"]
    # Mon 2 Feb + 10 WD -> Mon 16 Feb; it met Fri 13 Feb: the next is due 6 weeks on, 27 Mar.
    assert first["due_by"] == "2026-02-16"
    response = client.patch(f"/v1/plans/{plan['id']}/milestones/{first['id']}",
                            json={"status": "done", "completed_on": "2026-02-13"},
                            headers=admin_headers)
    assert response.status_code == 200, response.text
    opened = response.json()["opened"]
    assert (opened["kind"], opened["due_by"]) == ("core_group", "2026-03-27")
    shown = client.get(f"/v1/plans/{plan['id']}", headers=admin_headers).json()["milestones"]
    assert [(m["kind"], m["due_by"]) for m in shown] == [("core_group", "2026-03-27")]
    # The CP review ends the plan: nothing of it keeps running.
    review_id = plan["next_review"]["id"]
    held = complete(client, admin_headers, review_id, "2026-02-27", outcome="end")
    assert held["outcome"] == "end"
    assert held["next_review"] is None
    ended = client.get(f"/v1/plans/{plan['id']}", headers=admin_headers).json()
    assert (ended["status"], ended["end_date"]) == ("ended", "2026-02-27")
    assert ended["milestones"] == []
    wrong = client.patch(f"/v1/plans/{plan['id']}/milestones/{uuid.uuid4()}",
                         json={"status": "done"}, headers=admin_headers)
    assert wrong.status_code == 404


def test_a_continuing_cp_review_and_outcome_only_for_cp(client: TestClient,
                                                          admin_headers: Headers) -> None:
    cp = create_plan(client, admin_headers, plan_type="child_protection", start_date="2026-01-05")
    held = complete(client, admin_headers, cp["next_review"]["id"], "2026-02-27",
                    outcome="continue")
    assert held["outcome"] == "continue"
    assert held["next_review"]["due_by"] == "2026-08-27"  # held + 6 months
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-05")
    refused = client.post(f"/v1/reviews/{lac['next_review']['id']}/complete",
                          json={"held_on": "2026-02-02", "participation_code": "PN1",
                                "outcome": "end"}, headers=admin_headers)
    assert refused.status_code == 422


def event(child_id: str, event_type: str, event_id: str = "e-1", **extra: Any) -> dict[str, Any]:
    return {"source": "feed", "event_id": event_id, "child_id": child_id, "type": event_type,
            "occurred_at": "2026-02-27T14:00:00+00:00", **extra}


def test_events_reach_every_plan_of_the_child(client: TestClient, admin_headers: Headers
                                              ) -> None:
    child = create_child(client, admin_headers)
    cp = create_plan(client, admin_headers, plan_type="child_protection",
                     start_date="2026-01-05", child_id=child["id"], chair_id="cp-1")
    eh = create_plan(client, admin_headers, plan_type="early_help", start_date="2026-01-05",
                     child_id=child["id"])
    body = client.post("/v1/events", json=event(child["id"], "missing_from_home"),
                       headers=admin_headers).json()
    # Received Mon 2 Mar: 5 working days -> Mon 9 Mar, one consideration per open plan.
    assert sorted((e["kind"], e["plan_id"], e["after"]) for e in body["effects"]) == sorted([
        ("consideration_opened", cp["id"], "2026-03-09"),
        ("consideration_opened", eh["id"], "2026-03-09")])
    placement = client.post("/v1/events", json=event(
        child["id"], "placement_change_unplanned", "e-2"), headers=admin_headers).json()
    assert placement["effects"] == []
    # The authority's policy moves placement_change_unplanned out of the in-care list: from
    # then on it touches every plan; the earlier event keeps its answer.
    put = client.put("/v1/policies/LA1", json={"in_care_event_types": [
        "care_plan_change_proposed", "placement_change_proposed"]}, headers=admin_headers)
    assert put.status_code == 200, put.text
    later = client.post("/v1/events", json=event(
        child["id"], "placement_change_unplanned", "e-3"), headers=admin_headers).json()
    assert {e["plan_id"] for e in later["effects"]} == {cp["id"], eh["id"]}
    history = client.get(f"/v1/children/{child['id']}/events", headers=admin_headers).json()
    assert [e["effects"] for e in history["items"] if e["event_id"] == "e-2"] == [[]]


def test_a_bring_forward_that_changes_nothing_says_so(client: TestClient,
                                                       admin_headers: Headers) -> None:
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-05")
    body = client.post("/v1/events", json=event(
        lac["child_id"], "care_plan_change_proposed", effective_date="2026-03-20"),
        headers=admin_headers).json()
    assert [(e["kind"], e["before"], e["after"]) for e in body["effects"]] == [
        ("review_unchanged", "2026-02-02", "2026-02-02")]


def test_milestones_as_policy(client: TestClient, admin_headers: Headers,
                              db_session: Session) -> None:
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-05")
    review_id = lac["next_review"]["id"]

    def kinds() -> dict[str, str]:
        review = client.get(f"/v1/reviews/{review_id}", headers=admin_headers).json()
        return {m["kind"]: m["status"] for m in review["milestones"]}

    assert "chair_contacts_social_worker" not in kinds()
    policy = client.get("/v1/policies/LA1", headers=admin_headers).json()
    assert policy["milestones_off"] == ["chair_contacts_social_worker", "letter_to_child",
                                        "carer_letter"]
    refused = client.put("/v1/policies/LA1", json={"milestones_off": ["iro_appointed"]},
                         headers=admin_headers)
    assert refused.status_code == 422
    unknown = client.put("/v1/policies/LA1", json={"milestones_off": ["tea_party"]},
                         headers=admin_headers)
    assert unknown.status_code == 422
    put = client.put("/v1/policies/LA1", json={"milestones_off": ["child_visit"]},
                     headers=admin_headers)
    assert put.status_code == 200, put.text
    assert put.json()["deadlines_moved"] >= 1
    now = kinds()
    # Review 1 due Mon 2 Feb 2026: the chair contacts the social worker 7 days before.
    review = client.get(f"/v1/reviews/{review_id}", headers=admin_headers).json()
    dates = {m["kind"]: m["due_by"] for m in review["milestones"]}
    assert dates["chair_contacts_social_worker"] == "2026-01-26"
    assert now["child_visit"] == "not_applicable"
    plan = client.get(f"/v1/plans/{lac['id']}", headers=admin_headers).json()
    # Plan start Mon 5 Jan 2026 + 6 months: the first carer letter is due Sun 5 Jul 2026.
    assert ("carer_letter", "2026-07-05") in [(m["kind"], m["due_by"]) for m in plan["milestones"]]
    announced = db_session.scalars(select(OutboxMessage.payload).where(
        OutboxMessage.event_type == "policy.changed")).all()
    assert len(announced) == 1
    assert announced[0]["data"]["local_authority"] == "LA1"
    assert announced[0]["data"]["reason"] == "policy of LA1 changed"


def test_the_childs_wishes(client: TestClient, admin_headers: Headers) -> None:
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-05")
    review_id = lac["next_review"]["id"]
    wishes = {"who": ["foster carer", "IRO"], "where": "a picnic in the park",
              "chairs_own_review": True, "how": ["creative", "interview"]}
    scheduled = client.post(f"/v1/reviews/{review_id}/schedule", json={
        "scheduled_for": "2026-01-30T10:00:00+00:00", "child_wishes": wishes},
        headers=admin_headers)
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["child_wishes"] == wishes
    response = client.get("/v1/reviews", params={"plan_type": "looked_after"},
                          headers=admin_headers)
    assert response.status_code == 200, response.text
    listed = response.json()["items"]
    assert [r["child_wishes"] for r in listed if r["id"] == review_id] == [wishes]
    bad = client.post(f"/v1/reviews/{review_id}/schedule", json={
        "scheduled_for": "2026-01-30T10:00:00+00:00",
        "child_wishes": {"who": [], "how": ["karaoke"]}}, headers=admin_headers)
    assert bad.status_code == 422
    added = client.post(f"/v1/reviews/{review_id}/attendees", json={
        "name": "The child", "role": "child", "reply": "declined"}, headers=admin_headers)
    assert added.status_code == 201, added.text
    warnings = client.get(f"/v1/reviews/{review_id}/attendance-check",
                          headers=admin_headers).json()["warnings"]
    codes = [w["code"] for w in warnings]
    assert "child_chairs_own_review" in codes
    assert "chair_meets_child_required" in codes
    held = complete(client, admin_headers, review_id, "2026-01-30", participation_code="PN5",
                    child_wishes={"who": ["IRO"], "how": ["letter"]})
    assert held["child_wishes"] == {"who": ["IRO"], "where": None, "chairs_own_review": None,
                                    "how": ["letter"]}


def _board_page(client: TestClient, headers: Headers) -> str:
    """The IRO unit board as the token's authority sees it (logged in through its form)."""
    login = client.get("/board/login")
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert form_token is not None
    token = headers["Authorization"].removeprefix("Bearer ")
    client.post("/board/login", data={"token": token, "csrf_token": form_token[1]})
    page = client.get("/board")
    assert page.status_code == 200, page.text
    return page.text


def test_an_overdue_conference_counts_on_the_board_of_its_authority_only(
    client: TestClient, admin_headers: Headers, make_token: TokenFactory
) -> None:
    # Mon 2 Feb + 15 WD -> Mon 23 Feb: overdue on Mon 2 Mar. Due Mon 16 Mar: not overdue.
    overdue = open_enquiry(client, admin_headers, create_child(client, admin_headers)["id"],
                           strategy="2026-02-02")
    in_time = open_enquiry(client, admin_headers, create_child(client, admin_headers)["id"],
                           strategy="2026-02-23")
    elsewhere = open_enquiry(client, admin_headers, create_child(
        client, admin_headers, local_authority="LA2")["id"], strategy="2026-02-02")
    listed = client.get(BASE, params={"overdue": "true"}, headers=admin_headers).json()
    assert {e["id"] for e in listed["items"]} == {overdue["id"], elsewhere["id"]}
    page = _board_page(client, make_token("read", local_authority="LA1"))
    overdue_section = page.split('id="overdue"', 1)[1].split("<h2", 1)[0]
    assert f"{BASE}/{overdue['id']}" in overdue_section
    assert f"{BASE}/{in_time['id']}" not in overdue_section
    assert elsewhere["id"] not in page  # another authority's, behind the wall


def test_a_child_who_will_not_attend_needs_the_chair_to_meet_them(
    client: TestClient, admin_headers: Headers
) -> None:
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-02")
    review_id = lac["next_review"]["id"]
    check = f"/v1/reviews/{review_id}/attendance-check"

    def codes() -> list[str]:
        response = client.get(check, headers=admin_headers)
        assert response.status_code == 200, response.text
        return [w["code"] for w in response.json()["warnings"]]

    child = client.post(f"/v1/reviews/{review_id}/attendees", json={
        "name": "The child", "role": "child", "reply": "accepted"}, headers=admin_headers)
    assert child.status_code == 201, child.text
    assert "chair_meets_child_required" not in codes()  # the child will be there
    assert "child_chairs_own_review" not in codes()
    declined = client.patch(f"/v1/reviews/{review_id}/attendees/{child.json()['id']}",
                            json={"reply": "declined"}, headers=admin_headers)
    assert declined.status_code == 200, declined.text
    assert "chair_meets_child_required" in codes()
    review = client.get(f"/v1/reviews/{review_id}", headers=admin_headers).json()
    (meets,) = [m for m in review["milestones"] if m["kind"] == "chair_meets_child"]
    done = client.patch(f"/v1/reviews/{review_id}/milestones/{meets['id']}",
                        json={"status": "done", "completed_on": "2026-02-27"},
                        headers=admin_headers)
    assert done.status_code == 200, done.text
    assert "chair_meets_child_required" not in codes()  # the chair met the child


def test_every_choice_on_the_menu_and_nothing_else(client: TestClient,
                                                   admin_headers: Headers) -> None:
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-02")
    review_id = lac["next_review"]["id"]
    menu = ["discussion", "video_blog", "letter", "presentation", "creative", "interview",
            "activity", "other"]
    scheduled = client.post(f"/v1/reviews/{review_id}/schedule", json={
        "scheduled_for": "2026-02-27T10:00:00+00:00",
        "child_wishes": {"who": ["nan"], "how": menu}}, headers=admin_headers)
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["child_wishes"]["how"] == menu
    refused = client.post(f"/v1/reviews/{review_id}/complete", json={
        "held_on": "2026-02-27", "participation_code": "PN1",
        "child_wishes": {"who": [], "how": ["Letter"]}}, headers=admin_headers)
    assert refused.status_code == 422
    assert "child_wishes" in refused.text
    unknown_field = client.post(f"/v1/reviews/{review_id}/complete", json={
        "held_on": "2026-02-27", "participation_code": "PN1",
        "child_wishes": {"who": [], "how": [], "mood": "happy"}}, headers=admin_headers)
    assert unknown_field.status_code == 422
    review = client.get(f"/v1/reviews/{review_id}", headers=admin_headers).json()
    assert (review["status"], review["child_wishes"]["how"]) == ("scheduled", menu)
