"""Ending a plan withdraws its open IRO considerations and open actions, with the reason, and
their timers with them; a disruption meeting stays due (RULES.md §3 "Ending a plan";
issue 8, defect 12). Driven through the API, a real receiver and the hand-stepped scheduler."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.clock import ControllableClock
from review_service.models import Timer
from review_service.scheduler.runner import SchedulerRunner
from tests.api.factories import Headers, complete, create_plan
from tests.conftest import TokenFactory
from tests.scheduler.receiver import Receiver

ESCALATIONS = ("action.overdue", "consideration.overdue", "meeting.overdue")


def pending_timers(db_session: Session, subject_type: str, subject_id: str) -> list[Timer]:
    try:
        return list(db_session.scalars(select(Timer).where(
            Timer.subject_type == subject_type, Timer.subject_id == uuid.UUID(subject_id),
            Timer.fired_at.is_(None))))
    finally:
        db_session.rollback()


def test_ending_a_plan_withdraws_considerations_and_actions_but_not_the_meeting(
    client: TestClient, make_token: TokenFactory, admin_headers: Headers,
    clock: ControllableClock, runner: SchedulerRunner, receiver: Receiver,
    db_session: Session,
) -> None:
    subscribed = client.post("/v1/webhook-subscriptions",
                             json={"url": receiver.url, "event_types": list(ESCALATIONS)},
                             headers=make_token("webhooks"))
    assert subscribed.status_code == 201, subscribed.text
    # Now is Mon 2 Mar 2026. Review 1 held on Fri 20 Feb; an action due Wed 4 Mar.
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-02",
                       chair_id="iro-42")
    held = complete(client, admin_headers, plan["next_review"]["id"], "2026-02-20",
                    participation_code="PN1")
    created = client.post(f"/v1/reviews/{held['id']}/actions",
                          json={"description": "Arrange a dental check", "owner": "Social worker",
                                "due_by": "2026-03-04"}, headers=admin_headers)
    assert created.status_code == 201, created.text
    action = created.json()
    # An unplanned ending opens a consideration for the chair and a disruption meeting.
    ingested = client.post("/v1/events", json={
        "source": "placements-feed", "event_id": "end-1", "child_id": plan["child_id"],
        "type": "placement_ended_unplanned", "occurred_at": "2026-03-02T08:00:00+00:00"},
        headers=admin_headers)
    assert ingested.status_code == 201, ingested.text
    effects = {e["kind"]: e for e in ingested.json()["effects"]}
    consideration_id = effects["consideration_opened"]["consideration_id"]
    meeting_id = effects["disruption_meeting_created"]["meeting_id"]
    for subject, subject_id in (("action", action["id"]),
                                ("consideration", consideration_id),
                                ("meeting", meeting_id)):
        assert pending_timers(db_session, subject, subject_id), subject

    ended = client.post(f"/v1/plans/{plan['id']}/end",
                        json={"end_date": "2026-03-02", "reason": "Returned home"},
                        headers=admin_headers)
    assert ended.status_code == 200, ended.text

    consideration = client.get(f"/v1/considerations/{consideration_id}",
                               headers=admin_headers).json()
    assert (consideration["status"], consideration["reason"], consideration["overdue"]) == (
        "withdrawn", "plan ended: Returned home", False)
    listed = client.get("/v1/considerations?status=withdrawn", headers=admin_headers).json()
    assert [c["id"] for c in listed["items"]] == [consideration_id]
    withdrawn = client.get(f"/v1/reviews/{held['id']}/actions/{action['id']}",
                           headers=admin_headers).json()
    assert (withdrawn["status"], withdrawn["withdrawn_reason"], withdrawn["overdue"]) == (
        "withdrawn", "plan ended: Returned home", False)
    meeting = client.get(f"/v1/meetings/{meeting_id}", headers=admin_headers).json()
    assert meeting["status"] == "due"
    assert pending_timers(db_session, "action", action["id"]) == []
    assert pending_timers(db_session, "consideration", consideration_id) == []
    assert pending_timers(db_session, "meeting", meeting_id)
    # A withdrawn consideration cannot be decided, nor a withdrawn action reopened.
    decided = client.post(f"/v1/considerations/{consideration_id}/decision",
                          json={"bring_forward_to": None, "reason": "x"}, headers=admin_headers)
    assert decided.status_code == 409
    reopened = client.patch(f"/v1/reviews/{held['id']}/actions/{action['id']}",
                            json={"status": "open"}, headers=admin_headers)
    assert reopened.status_code == 409
    assert client.patch(f"/v1/reviews/{held['id']}/actions/{action['id']}",
                        json={"status": "withdrawn"}, headers=admin_headers).status_code == 422

    # Two months on, every escalation ladder has run its course: only the meeting's fired.
    for day in range(1, 61):
        clock.set(datetime(2026, 3, 2, 12, tzinfo=UTC) + timedelta(days=day))
        runner.run_once()
    fired: dict[str, list[Any]] = {kind: receiver.of_type(kind) for kind in ESCALATIONS}
    assert fired["action.overdue"] == []
    assert fired["consideration.overdue"] == []
    assert [r.json["data"]["meeting_id"] for r in fired["meeting.overdue"]] == [meeting_id] * 3
