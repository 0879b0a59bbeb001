"""HTTP edge of plans."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.orm import Session

from review_service import idempotency
from review_service.clock import london_today
from review_service.dependencies import (
    IfMatchHeader,
    NowDep,
    ReadPrincipal,
    SessionDep,
    WritePrincipal,
)
from review_service.domain.plan_types import PlanStatus
from review_service.etags import etag_for
from review_service.idempotency import IdempotencyKeyHeader, request_fingerprint
from review_service.models import Plan
from review_service.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from review_service.plans import service
from review_service.plans.schemas import (
    PlanConfirmHistory,
    PlanCreate,
    PlanEnd,
    PlanList,
    PlanOut,
    PlanReviews,
    PlanUpdate,
)
from review_service.plans.views import plan_out, plans_out
from review_service.problems import problem_responses
from review_service.response_headers import created, with_etag
from review_service.reviews.views import reviews_out

router = APIRouter(prefix="/v1/plans", tags=["plans"])


def _one(session: Session, plan: Plan, today: date, response: Response) -> PlanOut:
    response.headers["ETag"] = etag_for(plan.version)
    return plan_out(session, plan, today)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PlanOut,
    responses=created(problem_responses(401, 403, 404, 409, 422), etag=True, replayable=True),
)
def create_plan(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    body: PlanCreate,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> PlanOut:
    """Open a plan; the response carries `next_review`, review 1 of its series. A retry with
    the same `Idempotency-Key` and body gets the first response again."""
    claim = idempotency.claim(
        session, principal, idempotency_key, request_fingerprint("POST", "/v1/plans", body), now
    )
    plan, _review = service.create_plan(session, principal, body, now)
    out = _one(session, plan, london_today(now), response)
    response.headers["Location"] = f"/v1/plans/{plan.id}"
    claim.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("", response_model=PlanList, responses=problem_responses(401, 403, 404, 422))
def list_plans(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    child_id: uuid.UUID | None = None,
    status: Annotated[PlanStatus | None, Query()] = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> PlanList:
    """Plans the token may see, e.g. one child's (`child_id`)."""
    page = service.list_plans(
        session, principal, child_id=child_id, status=status, limit=limit, cursor=cursor
    )
    today = london_today(now)
    return PlanList(items=plans_out(session, page.items, today), next_cursor=page.next_cursor)


@router.get(
    "/{plan_id}", response_model=PlanOut, responses=with_etag(problem_responses(401, 403, 404, 422))
)
def get_plan(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    plan_id: uuid.UUID,
    response: Response,
) -> PlanOut:
    """A plan with its next review and open milestones such as `management_oversight`."""
    return _one(session, service.get_plan(session, principal, plan_id), london_today(now), response)


@router.patch(
    "/{plan_id}",
    response_model=PlanOut,
    responses=with_etag(problem_responses(401, 403, 404, 409, 412, 422)),
)
def update_plan(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    plan_id: uuid.UUID,
    body: PlanUpdate,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PlanOut:
    """Change the chair, or a CIN / early help review interval (recomputes the next review)."""
    plan = service.update_plan(session, principal, plan_id, body, if_match, now)
    return _one(session, plan, london_today(now), response)


@router.post(
    "/{plan_id}/end",
    response_model=PlanOut,
    responses=with_etag(problem_responses(401, 403, 404, 409, 412, 422)),
)
def end_plan(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    plan_id: uuid.UUID,
    body: PlanEnd,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PlanOut:
    """End the plan: pending reviews are cancelled and their milestones withdrawn."""
    plan = service.end_plan(session, principal, plan_id, body, if_match, now)
    return _one(session, plan, london_today(now), response)


@router.post(
    "/{plan_id}/confirm-history",
    response_model=PlanOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
def confirm_history(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    plan_id: uuid.UUID,
    body: PlanConfirmHistory,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PlanOut:
    """An IRO confirms an imported plan's review history is complete as recorded (audited);
    409 when it already is."""
    plan = service.confirm_history(session, principal, plan_id, body, if_match, now)
    return _one(session, plan, london_today(now), response)


@router.get(
    "/{plan_id}/reviews",
    response_model=PlanReviews,
    responses=problem_responses(401, 403, 404, 422),
)
def plan_reviews(
    session: SessionDep, principal: ReadPrincipal, now: NowDep, plan_id: uuid.UUID
) -> PlanReviews:
    """The plan's reviews ordered by `sequence`."""
    reviews = service.plan_reviews(session, principal, plan_id)
    return PlanReviews(items=reviews_out(session, reviews, london_today(now)))
