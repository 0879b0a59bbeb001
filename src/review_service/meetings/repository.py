"""Queries on disruption meetings."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.domain.deadlines import MeetingStatus
from review_service.models import Meeting
from review_service.problems import NotFound
from review_service.visibility import within_authority


def visible_meeting(session: Session, principal: Principal, meeting_id: uuid.UUID) -> Meeting:
    """The meeting, if the token may see it; else 404."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not principal.can_see(meeting.local_authority):
        raise NotFound(f"no meeting {meeting_id}")
    return meeting


def list_meetings(
    session: Session,
    principal: Principal,
    *,
    status: MeetingStatus | None,
    local_authority: str | None,
    limit: int,
) -> list[Meeting]:
    """The earliest-due `limit` meetings the token may see, optionally filtered."""
    query = select(Meeting).order_by(Meeting.due_by, Meeting.id).limit(limit)
    query = within_authority(query, Meeting.local_authority, principal, local_authority)
    if status is not None:
        query = query.where(Meeting.status == status)
    return list(session.scalars(query))
