"""HTTP edge of attendees: who is invited to a review, and who is missing (RULES.md §6)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from review_service import idempotency
from review_service.attendees import service
from review_service.attendees.schemas import (
    AttendanceCheck,
    AttendeeCreate,
    AttendeeList,
    AttendeeOut,
    AttendeeUpdate,
)
from review_service.dependencies import (
    IfMatchHeader,
    NowDep,
    ReadPrincipal,
    SessionDep,
    WritePrincipal,
)
from review_service.domain.attendance import AttendeeRole, ContributionMode, Reply
from review_service.etags import etag_for
from review_service.idempotency import IdempotencyKeyHeader, request_fingerprint
from review_service.models import Attendee
from review_service.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from review_service.problems import problem_responses
from review_service.response_headers import created, with_etag
from review_service.reviews.schemas import FindingOut

router = APIRouter(prefix="/v1/reviews", tags=["attendees"])
_READ_ERRORS = problem_responses(401, 403, 404, 422)


def attendee_out(attendee: Attendee) -> AttendeeOut:
    """The API view of an attendee."""
    return AttendeeOut(
        id=attendee.id,
        review_id=attendee.review_id,
        name=attendee.name,
        role=AttendeeRole(attendee.role),
        has_parental_responsibility=attendee.has_parental_responsibility,
        needs_interpreter=attendee.needs_interpreter,
        contribution_mode=(
            ContributionMode(attendee.contribution_mode) if attendee.contribution_mode else None
        ),
        invited_on=attendee.invited_on,
        reply=Reply(attendee.reply) if attendee.reply else None,
        attended=attendee.attended,
        not_invited_reason=attendee.not_invited_reason,
        created_at=attendee.created_at,
        updated_at=attendee.updated_at,
    )


def _one(attendee: Attendee, response: Response) -> AttendeeOut:
    response.headers["ETag"] = etag_for(attendee.version)
    return attendee_out(attendee)


@router.post(
    "/{review_id}/attendees",
    status_code=status.HTTP_201_CREATED,
    response_model=AttendeeOut,
    responses=created(problem_responses(401, 403, 404, 409, 422), etag=True, replayable=True),
)
def add_attendee(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    body: AttendeeCreate,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> AttendeeOut:
    """List someone for the review: invited (`invited_on` not in the future), or deliberately
    not invited with `not_invited_reason`. 409 for a cancelled review, or `attended` before
    the review is scheduled."""
    claim = idempotency.claim(
        session,
        principal,
        idempotency_key,
        request_fingerprint("POST", f"/v1/reviews/{review_id}/attendees", body),
        now,
    )
    attendee = service.add_attendee(session, principal, review_id, body, now)
    out = _one(attendee, response)
    response.headers["Location"] = f"/v1/reviews/{review_id}/attendees/{attendee.id}"
    claim.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("/{review_id}/attendees", response_model=AttendeeList, responses=_READ_ERRORS)
def list_attendees(
    session: SessionDep,
    principal: ReadPrincipal,
    review_id: uuid.UUID,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> AttendeeList:
    """Everyone listed for the review, oldest listing first."""
    page = service.list_attendees(session, principal, review_id, limit=limit, cursor=cursor)
    return AttendeeList(items=[attendee_out(a) for a in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{review_id}/attendees/{attendee_id}",
    response_model=AttendeeOut,
    responses=with_etag(_READ_ERRORS),
)
def get_attendee(
    session: SessionDep,
    principal: ReadPrincipal,
    review_id: uuid.UUID,
    attendee_id: uuid.UUID,
    response: Response,
) -> AttendeeOut:
    """One attendee, with the `ETag` a change must send as `If-Match`."""
    return _one(service.get_attendee(session, principal, review_id, attendee_id), response)


@router.patch(
    "/{review_id}/attendees/{attendee_id}",
    response_model=AttendeeOut,
    responses=with_etag(problem_responses(401, 403, 404, 409, 412, 422)),
)
def update_attendee(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    attendee_id: uuid.UUID,
    body: AttendeeUpdate,
    response: Response,
    if_match: IfMatchHeader = None,
) -> AttendeeOut:
    """Record an invitation, a reply, how they contribute, attendance, or a correction."""
    attendee = service.update_attendee(
        session, principal, review_id, attendee_id, body, if_match, now
    )
    return _one(attendee, response)


@router.get("/{review_id}/attendance-check", response_model=AttendanceCheck, responses=_READ_ERRORS)
def attendance_check(
    session: SessionDep, principal: ReadPrincipal, review_id: uuid.UUID
) -> AttendanceCheck:
    """Warnings for everyone guidance expects at the review who is missing: the child, parents
    with parental responsibility, a personal adviser from 16, an interpreter, the designated
    teacher (RULES.md §6)."""
    report = service.check_attendance(session, principal, review_id)
    return AttendanceCheck(
        review_id=report.review.id,
        review_date=report.review_day,
        warnings=[FindingOut(code=w.code, message=w.message, rule=w.rule) for w in report.warnings],
    )
