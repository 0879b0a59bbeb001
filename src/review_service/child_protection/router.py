"""HTTP edge of the child protection timeline before a plan (API.md "Before a child
protection plan")."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from review_service.child_protection import service
from review_service.child_protection.schemas import (
    ConferenceOut,
    ConferenceRecord,
    EnquiryCreate,
    EnquiryList,
    EnquiryOut,
)
from review_service.clock import london_today
from review_service.date_limits import CalendarDate
from review_service.dependencies import NowDep, ReadPrincipal, SessionDep, WritePrincipal
from review_service.domain.child_protection import ConferenceOutcome, EnquiryStatus
from review_service.domain.deadlines import DeadlineKind, is_overdue
from review_service.etags import etag_for
from review_service.limits import LocalAuthorityCode, PersonId
from review_service.models import ChildProtectionEnquiry
from review_service.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from review_service.plans.views import plan_out
from review_service.problems import problem_responses
from review_service.query_parameters import QueryFlag
from review_service.response_headers import created, with_etag

router = APIRouter(prefix="/v1/child-protection-enquiries", tags=["child protection"])


def enquiry_out(enquiry: ChildProtectionEnquiry, today: date) -> EnquiryOut:
    """The API view of an enquiry."""
    return EnquiryOut(
        id=enquiry.id,
        child_id=enquiry.child_id,
        local_authority=enquiry.local_authority,
        strategy_discussion_on=enquiry.strategy_discussion_on,
        conference_due_by=enquiry.due_by,
        status=EnquiryStatus(enquiry.status),
        overdue=is_overdue(DeadlineKind.CONFERENCE, enquiry.status, enquiry.due_by, today),
        late=enquiry.late,
        chair_id=enquiry.chair_id,
        held_on=enquiry.held_on,
        outcome=ConferenceOutcome(enquiry.outcome) if enquiry.outcome else None,
        plan_id=enquiry.plan_id,
        created_at=enquiry.created_at,
        updated_at=enquiry.updated_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=EnquiryOut,
    responses=created(problem_responses(401, 403, 404, 422), etag=True),
)
def open_enquiry(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    body: EnquiryCreate,
    response: Response,
) -> EnquiryOut:
    """Open an enquiry from a strategy discussion; its initial conference is due within 15
    working days (RULES.md §2), with reminders and escalations like every deadline."""
    enquiry = service.open_enquiry(session, principal, body, now)
    response.headers["Location"] = f"/v1/child-protection-enquiries/{enquiry.id}"
    response.headers["ETag"] = etag_for(enquiry.version)
    return enquiry_out(enquiry, london_today(now))


@router.get("", response_model=EnquiryList, responses=problem_responses(401, 403, 422))
def list_enquiries(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    status: EnquiryStatus | None = None,
    overdue: QueryFlag | None = None,
    due_before: CalendarDate | None = None,
    due_after: CalendarDate | None = None,
    chair_id: Annotated[PersonId | None, Query()] = None,
    local_authority: Annotated[LocalAuthorityCode | None, Query()] = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> EnquiryList:
    """Enquiries by `conference_due_by`, filtered by status, overdue, conference due dates
    (exclusive bounds), chair and authority."""
    today = london_today(now)
    query = service.enquiry_query(
        principal,
        status=status,
        overdue=overdue,
        due_before=due_before,
        due_after=due_after,
        chair_id=chair_id,
        local_authority=local_authority,
        today=today,
        limit=limit,
        cursor=cursor,
    )
    page = service.PAGED.page(list(session.scalars(query)), limit)
    return EnquiryList(
        items=[enquiry_out(e, today) for e in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/{enquiry_id}",
    response_model=EnquiryOut,
    responses=with_etag(problem_responses(401, 403, 404, 422)),
)
def get_enquiry(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    enquiry_id: uuid.UUID,
    response: Response,
) -> EnquiryOut:
    """An enquiry and, once held, its conference."""
    enquiry = service.visible_enquiry(session, principal, enquiry_id)
    response.headers["ETag"] = etag_for(enquiry.version)
    return enquiry_out(enquiry, london_today(now))


@router.post(
    "/{enquiry_id}/conference",
    response_model=ConferenceOut,
    responses=with_etag(problem_responses(401, 403, 404, 409, 422)),
)
def record_conference(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    enquiry_id: uuid.UUID,
    body: ConferenceRecord,
    response: Response,
) -> ConferenceOut:
    """Record the initial conference (`late` when after `conference_due_by`). Outcome `plan`
    opens the child_protection plan from the conference date, with its first review (3
    months) and its `first_core_group` milestone (10 working days)."""
    today = london_today(now)
    enquiry, plan = service.record_conference(session, principal, enquiry_id, body, now)
    response.headers["ETag"] = etag_for(enquiry.version)
    return ConferenceOut(
        **enquiry_out(enquiry, today).model_dump(),
        plan=plan_out(session, plan, today) if plan else None,
    )
