"""HTTP edge of reviews: the series, its moves and its milestones."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from review_service.clock import london_today
from review_service.date_limits import CalendarDate
from review_service.dependencies import (
    IfMatchHeader,
    NowDep,
    ReadPrincipal,
    SessionDep,
    WritePrincipal,
)
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ReviewStatus
from review_service.etags import etag_for
from review_service.limits import LocalAuthorityCode, PersonId
from review_service.models import Review
from review_service.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from review_service.problems import problem_responses
from review_service.query_parameters import QueryFlag
from review_service.response_headers import with_etag
from review_service.reviews import completion, service
from review_service.reviews.dashboard import render_review_list
from review_service.reviews.schemas import (
    AdjournRequest,
    BringForwardRequest,
    CancelRequest,
    CancelResponse,
    CompleteRequest,
    CompleteResponse,
    FindingOut,
    MilestoneOut,
    MilestoneUpdate,
    ReviewList,
    ReviewOut,
    ScheduleRequest,
)
from review_service.reviews.views import milestone_out, reviews_out

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])
_CHANGE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422)


def _one(session: Session, review: Review, today: date, response: Response) -> ReviewOut:
    response.headers["ETag"] = etag_for(review.version)
    return reviews_out(session, [review], today)[0]


@router.get("", response_model=ReviewList, responses=problem_responses(401, 403, 422))
def list_reviews(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    status: Annotated[list[ReviewStatus] | None, Query(max_length=5)] = None,
    due_before: CalendarDate | None = None,
    due_after: CalendarDate | None = None,
    chair_id: Annotated[PersonId | None, Query()] = None,
    plan_type: PlanType | None = None,
    late: QueryFlag | None = None,
    local_authority: Annotated[LocalAuthorityCode | None, Query()] = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> ReviewList:
    """The IRO dashboard: reviews by `due_by`, filtered by status (repeatable), dates (exclusive
    bounds), chair, plan type, lateness and authority."""
    query = service.dashboard_query(
        principal,
        statuses=status,
        due_before=due_before,
        due_after=due_after,
        chair_id=chair_id,
        plan_type=plan_type,
        late=late,
        local_authority=local_authority,
        limit=limit,
        cursor=cursor,
    )
    body = render_review_list(session, query, limit, london_today(now))
    return Response(content=body, media_type="application/json")  # type: ignore[return-value]


@router.get(
    "/{review_id}",
    response_model=ReviewOut,
    responses=with_etag(problem_responses(401, 403, 404, 422)),
)
def get_review(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    response: Response,
) -> ReviewOut:
    """A review with its milestones."""
    review = service.get_review(session, principal, review_id)
    return _one(session, review, london_today(now), response)


@router.post("/{review_id}/schedule", response_model=ReviewOut, responses=with_etag(_CHANGE_ERRORS))
def schedule_review(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    body: ScheduleRequest,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ReviewOut:
    """Schedule (or reschedule) the meeting. After `due_by` it needs
    `exceptional_circumstances` (else 422 `/out-of-timescale`) and the review becomes late."""
    change = service.schedule_review(session, principal, review_id, body, if_match, now)
    return _one(session, change.review, london_today(now), response)


@router.post(
    "/{review_id}/bring-forward", response_model=ReviewOut, responses=with_etag(_CHANGE_ERRORS)
)
def bring_forward(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    body: BringForwardRequest,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ReviewOut:
    """Bring the review forward: `due_by` becomes the earlier of the two dates."""
    change = service.bring_review_forward(session, principal, review_id, body, if_match, now)
    return _one(session, change.review, london_today(now), response)


@router.post("/{review_id}/adjourn", response_model=ReviewOut, responses=with_etag(_CHANGE_ERRORS))
def adjourn(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    body: AdjournRequest,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ReviewOut:
    """Adjourn a meeting to a date when all can attend; number and `due_by` are kept."""
    change = service.adjourn_review(session, principal, review_id, body, if_match, now)
    return _one(session, change.review, london_today(now), response)


@router.post(
    "/{review_id}/complete", response_model=CompleteResponse, responses=with_etag(_CHANGE_ERRORS)
)
def complete(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    body: CompleteRequest,
    response: Response,
    if_match: IfMatchHeader = None,
) -> CompleteResponse:
    """Record the review as held; the response carries `next_review`, due from `held_on`."""
    change = completion.complete_review(session, principal, review_id, body, if_match, now)
    today = london_today(now)
    held = _one(session, change.review, today, response)
    next_review = (
        reviews_out(session, [change.next_review], today)[0] if change.next_review else None
    )
    return CompleteResponse(
        **held.model_dump(),
        next_review=next_review,
        warnings=[FindingOut(code=w.code, message=w.message, rule=w.rule) for w in change.warnings],
    )


@router.post(
    "/{review_id}/cancel", response_model=CancelResponse, responses=with_etag(_CHANGE_ERRORS)
)
def cancel(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    body: CancelRequest,
    response: Response,
    if_match: IfMatchHeader = None,
) -> CancelResponse:
    """Cancel a meeting with a reason; a replacement opens with the same due date."""
    change = completion.cancel_review(session, principal, review_id, body, if_match, now)
    today = london_today(now)
    cancelled = _one(session, change.review, today, response)
    replacement = (
        reviews_out(session, [change.next_review], today)[0] if change.next_review else None
    )
    return CancelResponse(**cancelled.model_dump(), next_review=replacement)


@router.patch(
    "/{review_id}/milestones/{milestone_id}",
    response_model=MilestoneOut,
    responses=problem_responses(401, 403, 404, 422),
)
def update_milestone(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    milestone_id: uuid.UUID,
    body: MilestoneUpdate,
) -> MilestoneOut:
    """Mark a milestone `done` (with `completed_on`), `not_applicable` or `pending`."""
    milestone = completion.update_milestone(session, principal, review_id, milestone_id, body, now)
    return milestone_out(milestone, london_today(now))
