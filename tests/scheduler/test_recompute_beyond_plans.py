"""A calendar or policy change re-derives the open working-day deadlines no plan's recompute
reaches (issue 11): a child protection enquiry's initial conference (no plan yet), an IRO
consideration and a disruption meeting (whose plan may have ended), with their timers.

Dates hand-checked; the clock stands at Mon 2 Mar 2026 and Fri 6 Mar 2026 is declared a
non-working day (no bank holiday falls in March 2026 in England and Wales):
- strategy discussion Mon 2 Mar + 15 WD: 3-6 (4), 9-13 (9), 16-20 (14), 23 (15) -> Mon 23 Mar;
  without Fri 6 Mar: 3-5 (3), 9-13 (8), 16-20 (13), 23, 24 (15) -> Tue 24 Mar.
- a consideration received Mon 2 Mar + 5 WD: 3,4,5,6,9 -> Mon 9 Mar; then 3,4,5,9,10 -> Tue 10.
- a home that ended Fri 27 Feb + 5 WD: 2,3,4,5,6 -> Fri 6 Mar; then 2,3,4,5,9 -> Mon 9 Mar.
A Scottish authority's enquiry keeps its date: its calendar did not change.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.models import Timer
from review_service.scheduler.runner import SchedulerRunner
from tests.api.factories import Headers, create_child, create_plan

ENQUIRIES = "/v1/child-protection-enquiries"


def _enquiry(client: TestClient, headers: Headers, child_id: str) -> dict[str, Any]:
    response = client.post(ENQUIRIES, json={"child_id": child_id,
                                            "strategy_discussion_on": "2026-03-02"},
                           headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _event(client: TestClient, headers: Headers, child_id: str, event_type: str,
           **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/events", json={
        "source": "feed", "event_id": uuid.uuid4().hex, "child_id": child_id,
        "type": event_type, "occurred_at": "2026-02-27T14:00:00+00:00", **extra},
        headers=headers)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def _open_timers(db_session: Session, subject_id: str) -> set[tuple[str, int, str]]:
    rows = db_session.execute(select(Timer.event_type, Timer.level, Timer.due_by).where(
        Timer.subject_id == uuid.UUID(subject_id), Timer.fired_at.is_(None)))
    timers = {(event_type, level, due_by.isoformat()) for event_type, level, due_by in rows}
    db_session.rollback()  # end the read: SQLite lets no writer commit past it
    return timers


def test_a_declared_day_moves_enquiries_considerations_and_meetings(
    client: TestClient, admin_headers: Headers, runner: SchedulerRunner, db_session: Session
) -> None:
    child = create_child(client, admin_headers)
    enquiry = _enquiry(client, admin_headers, child["id"])
    assert enquiry["conference_due_by"] == "2026-03-23"
    before = _open_timers(db_session, enquiry["id"])
    assert {due for _, _, due in before} == {"2026-03-23"}
    cp = create_plan(client, admin_headers, plan_type="child_protection",
                     start_date="2026-01-05", child_id=child["id"])
    missing = _event(client, admin_headers, child["id"], "missing_from_home")
    (consideration_id,) = [e["consideration_id"] for e in missing["effects"]
                           if e["plan_id"] == cp["id"]]
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2025-06-02")
    ended = _event(client, admin_headers, lac["child_id"], "placement_ended_unplanned")
    (meeting_id,) = [e["meeting_id"] for e in ended["effects"] if e.get("meeting_id")]
    assert client.get(f"/v1/meetings/{meeting_id}",
                      headers=admin_headers).json()["due_by"] == "2026-03-06"
    # The looked-after plan ends; its disruption meeting stays due (RULES.md §3).
    response = client.post(f"/v1/plans/{lac['id']}/end", json={
        "end_date": "2026-02-27", "reason": "Returned home."}, headers=admin_headers)
    assert response.status_code == 200, response.text
    # A Scottish authority's enquiry, for contrast.
    assert client.put("/v1/policies/LA2", json={"region": "scotland"},
                      headers=admin_headers).status_code == 200
    scottish = _enquiry(client, admin_headers,
                        create_child(client, admin_headers, local_authority="LA2")["id"])

    declared = client.post("/v1/calendar/non-working-days",
                           json={"date": "2026-03-06", "name": "A day of mourning"},
                           headers=admin_headers)
    assert declared.status_code == 201, declared.text
    assert declared.json()["recompute"]["status"] == "pending"
    assert runner.lead()

    moved = client.get(f"{ENQUIRIES}/{enquiry['id']}", headers=admin_headers).json()
    assert moved["conference_due_by"] == "2026-03-24"
    assert moved["status"] == "open"
    # Its reminders and escalations follow the new date: the same ladder, one day later.
    after = _open_timers(db_session, enquiry["id"])
    assert {(kind, level) for kind, level, _ in after} == {(k, lv) for k, lv, _ in before}
    assert {due for _, _, due in after} == {"2026-03-24"}
    assert client.get(f"/v1/considerations/{consideration_id}",
                      headers=admin_headers).json()["due_by"] == "2026-03-10"
    assert {due for _, _, due in _open_timers(db_session, consideration_id)} == {"2026-03-10"}
    assert client.get(f"/v1/meetings/{meeting_id}",
                      headers=admin_headers).json()["due_by"] == "2026-03-09"
    assert {due for _, _, due in _open_timers(db_session, meeting_id)} == {"2026-03-09"}
    assert client.get(f"{ENQUIRIES}/{scottish['id']}",
                      headers=admin_headers).json()["conference_due_by"] == "2026-03-23"
    (listed,) = client.get("/v1/calendar/non-working-days",
                           headers=admin_headers).json()["items"]
    assert listed["recompute"]["status"] == "done"
    assert listed["recompute"]["deadlines_moved"] >= 3


def test_a_policy_change_moves_open_considerations_and_meetings(
    client: TestClient, admin_headers: Headers
) -> None:
    child = create_child(client, admin_headers)
    create_plan(client, admin_headers, plan_type="child_protection", start_date="2026-01-05",
                child_id=child["id"])
    enquiry = _enquiry(client, admin_headers, child["id"])
    (effect,) = _event(client, admin_headers, child["id"], "missing_from_home")["effects"]
    lac = create_plan(client, admin_headers, plan_type="looked_after", start_date="2025-06-02")
    ended = _event(client, admin_headers, lac["child_id"], "placement_ended_unplanned")
    (meeting_id,) = [e["meeting_id"] for e in ended["effects"] if e.get("meeting_id")]
    response = client.put("/v1/policies/LA1", json={"consideration_working_days": 3,
                                                    "disruption_meeting_working_days": 2},
                          headers=admin_headers)
    assert response.status_code == 200, response.text
    # Received Mon 2 Mar + 3 WD -> Thu 5 Mar; ended Fri 27 Feb + 2 WD -> Tue 3 Mar.
    assert client.get(f"/v1/considerations/{effect['consideration_id']}",
                      headers=admin_headers).json()["due_by"] == "2026-03-05"
    assert client.get(f"/v1/meetings/{meeting_id}",
                      headers=admin_headers).json()["due_by"] == "2026-03-03"
    # The conference's 15 working days are statutory [WT23], not policy: it stays.
    assert client.get(f"{ENQUIRIES}/{enquiry['id']}",
                      headers=admin_headers).json()["conference_due_by"] == "2026-03-23"
