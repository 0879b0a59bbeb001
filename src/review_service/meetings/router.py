"""HTTP edge of disruption meetings."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from review_service.clock import london_today
from review_service.dependencies import NowDep, ReadPrincipal, SessionDep, WritePrincipal
from review_service.domain.deadlines import DeadlineKind, MeetingStatus, is_overdue
from review_service.limits import LocalAuthorityCode
from review_service.meetings import repository, service
from review_service.meetings.schemas import HoldRequest, MeetingList, MeetingOut
from review_service.models import Meeting
from review_service.pagination import DEFAULT_LIMIT, LimitQuery
from review_service.problems import problem_responses

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
    meetings = repository.list_meetings(
        session, principal, status=status, local_authority=local_authority, limit=limit
    )
    today = london_today(now)
    return MeetingList(items=[meeting_out(m, today) for m in meetings], next_cursor=None)


@router.get(
    "/{meeting_id}", response_model=MeetingOut, responses=problem_responses(401, 403, 404, 422)
)
def get_meeting(
    session: SessionDep, principal: ReadPrincipal, now: NowDep, meeting_id: uuid.UUID
) -> MeetingOut:
    """A disruption meeting."""
    return meeting_out(
        repository.visible_meeting(session, principal, meeting_id), london_today(now)
    )


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
    meeting = service.hold_meeting(session, principal, meeting_id, body, now)
    return meeting_out(meeting, london_today(now))
