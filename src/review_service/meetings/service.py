"""Disruption meeting use cases; each runs in the caller's transaction and never commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from review_service.audit.service import audit
from review_service.auth import Principal
from review_service.clock import london_today
from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import DeadlineKind, MeetingStatus, is_open
from review_service.meetings.repository import visible_meeting
from review_service.meetings.schemas import HoldRequest
from review_service.models import Meeting
from review_service.problems import Conflict, InvalidRequest


def hold_meeting(
    session: Session, principal: Principal, meeting_id: uuid.UUID, body: HoldRequest,
    now: datetime,
) -> Meeting:  # fmt: skip
    """Record the meeting as held, on a day between its creation and today."""
    meeting = visible_meeting(session, principal, meeting_id)
    if not is_open(DeadlineKind.MEETING, meeting.status):
        raise Conflict("the meeting has already been held")
    if body.held_on > london_today(now) or body.held_on < meeting.created_at.date():
        raise InvalidRequest("held_on must be between the meeting's creation and today")
    meeting.status, meeting.held_on, meeting.chair_id = (
        MeetingStatus.HELD,
        body.held_on,
        body.chair_id,
    )
    touch(session, DeadlineKind.MEETING, meeting.id)
    session.flush()
    audit(
        session,
        principal,
        now,
        "meeting.held",
        meeting,
        changes={"held_on": body.held_on, "chair_id": body.chair_id},
    )
    return meeting
