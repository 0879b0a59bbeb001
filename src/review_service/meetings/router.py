"""HTTP edge of disruption meetings (a thin feature: queries live here, rules in domain)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.audit.service import record_change
from review_service.auth import Principal
from review_service.clock import london_today
from review_service.deadlines.unit_of_work import touch
from review_service.dependencies import NowDep, ReadPrincipal, SessionDep, WritePrincipal
from review_service.domain.deadlines import DeadlineKind, MeetingStatus, is_open, is_overdue
from review_service.limits import LocalAuthorityCode
from review_service.meetings.schemas import HoldRequest, MeetingList, MeetingOut
from review_service.models import Meeting
from review_service.pagination import DEFAULT_LIMIT, LimitQuery
from review_service.problems import Conflict, InvalidRequest, NotFound, problem_responses

router = APIRouter(prefix="/v1/meetings", tags=["meetings"])


def meeting_out(meeting: Meeting, today: date) -> MeetingOut:
    """The API view of a meeting."""
    return MeetingOut(
        id=meeting.id,
        kind="disruption",
        local_authority=meeting.local_authority,
        child_id=meeting.child_id,
        plan_id=meeting.plan_id,
        event_id=meeting.event_id,
        due_by=meeting.due_by,
        status=MeetingStatus(meeting.status),
        overdue=is_overdue(DeadlineKind.MEETING, meeting.status, meeting.due_by, today),
        chair_role=meeting.chair_role,
        chair_id=meeting.chair_id,
        invitees=list(meeting.invitees),
        held_on=meeting.held_on,
        created_at=meeting.created_at,
    )


def _visible(session: Session, principal: Principal, meeting_id: uuid.UUID) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not principal.can_see(meeting.local_authority):
        raise NotFound(f"no meeting {meeting_id}")
    return meeting


@router.get("", response_model=MeetingList, responses=problem_responses(401, 403, 422))
def list_meetings(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    status: MeetingStatus | None = None,
    local_authority: Annotated[LocalAuthorityCode | None, Query()] = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> MeetingList:
    """Disruption meetings by due date (the earliest `limit`)."""
    query = select(Meeting).order_by(Meeting.due_by, Meeting.id).limit(limit)
    if principal.local_authority is not None:
        query = query.where(Meeting.local_authority == principal.local_authority)
    if local_authority is not None:
        query = query.where(Meeting.local_authority == local_authority)
    if status is not None:
        query = query.where(Meeting.status == status)
    today = london_today(now)
    return MeetingList(
        items=[meeting_out(m, today) for m in session.scalars(query)], next_cursor=None
    )


@router.get(
    "/{meeting_id}", response_model=MeetingOut, responses=problem_responses(401, 403, 404, 422)
)
def get_meeting(
    session: SessionDep, principal: ReadPrincipal, now: NowDep, meeting_id: uuid.UUID
) -> MeetingOut:
    """A disruption meeting."""
    return meeting_out(_visible(session, principal, meeting_id), london_today(now))


@router.post(
    "/{meeting_id}/hold",
    response_model=MeetingOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def hold_meeting(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    meeting_id: uuid.UUID,
    body: HoldRequest,
) -> MeetingOut:
    """Record the meeting as held."""
    meeting = _visible(session, principal, meeting_id)
    if not is_open(DeadlineKind.MEETING, meeting.status):
        raise Conflict("the meeting has already been held")
    today = london_today(now)
    if body.held_on > today or body.held_on < meeting.created_at.date():
        raise InvalidRequest("held_on must be between the meeting's creation and today")
    meeting.status, meeting.held_on, meeting.chair_id = (
        MeetingStatus.HELD,
        body.held_on,
        body.chair_id,
    )
    touch(session, DeadlineKind.MEETING, meeting.id)
    session.flush()
    record_change(
        session,
        principal=principal,
        at=now,
        action="meeting.held",
        resource_type="meeting",
        resource_id=meeting.id,
        local_authority=meeting.local_authority,
        changes={"held_on": body.held_on, "chair_id": body.chair_id},
    )
    return meeting_out(meeting, today)
