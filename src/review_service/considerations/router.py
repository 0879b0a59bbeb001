"""HTTP edge of IRO considerations."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from review_service.clock import london_today
from review_service.considerations import repository, service
from review_service.considerations.schemas import (
    ConsiderationList,
    ConsiderationOut,
    DecisionRequest,
    DecisionResponse,
)
from review_service.dependencies import NowDep, ReadPrincipal, SessionDep, WritePrincipal
from review_service.domain.deadlines import ConsiderationStatus, DeadlineKind, is_overdue
from review_service.domain.events import EventType
from review_service.limits import LocalAuthorityCode, PersonId
from review_service.models import Consideration
from review_service.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from review_service.problems import problem_responses
from review_service.query_parameters import QueryFlag
from review_service.reviews.views import reviews_out

router = APIRouter(prefix="/v1/considerations", tags=["considerations"])


def consideration_out(consideration: Consideration, today: date) -> ConsiderationOut:
    """The API view of a consideration."""
    return ConsiderationOut(
        id=consideration.id,
        local_authority=consideration.local_authority,
        child_id=consideration.child_id,
        plan_id=consideration.plan_id,
        review_id=consideration.review_id,
        event_id=consideration.event_id,
        event_type=EventType(consideration.event_type),
        chair_id=consideration.chair_id,
        status=ConsiderationStatus(consideration.status),
        due_by=consideration.due_by,
        overdue=is_overdue(
            DeadlineKind.CONSIDERATION, consideration.status, consideration.due_by, today
        ),
        opened_at=consideration.opened_at,
        decided_at=consideration.decided_at,
        decided_by=consideration.decided_by,
        bring_forward_to=consideration.bring_forward_to,
        reason=consideration.reason,
    )


@router.get("", response_model=ConsiderationList, responses=problem_responses(401, 403, 422))
def list_considerations(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    status: ConsiderationStatus | None = None,
    chair_id: Annotated[PersonId | None, Query()] = None,
    local_authority: Annotated[LocalAuthorityCode | None, Query()] = None,
    overdue: QueryFlag | None = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> ConsiderationList:
    """Considerations by due date: e.g. one chair's open ones, or an authority's overdue."""
    today = london_today(now)
    page = repository.considerations_page(
        session,
        principal,
        status=status,
        chair_id=chair_id,
        local_authority=local_authority,
        overdue=overdue,
        today=today,
        limit=limit,
        cursor=cursor,
    )
    return ConsiderationList(
        items=[consideration_out(c, today) for c in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/{consideration_id}",
    response_model=ConsiderationOut,
    responses=problem_responses(401, 403, 404, 422),
)
def get_consideration(
    session: SessionDep, principal: ReadPrincipal, now: NowDep, consideration_id: uuid.UUID
) -> ConsiderationOut:
    """A consideration."""
    consideration = service.visible_consideration(session, principal, consideration_id)
    return consideration_out(consideration, london_today(now))


@router.post(
    "/{consideration_id}/decision",
    response_model=DecisionResponse,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def decide(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    consideration_id: uuid.UUID,
    body: DecisionRequest,
) -> DecisionResponse:
    """Decide: `bring_forward_to` a date (not after the current due date, else 422) or null
    with a reason. A decided consideration cannot be decided again (409)."""
    consideration, review = service.decide(session, principal, consideration_id, body, now)
    today = london_today(now)
    return DecisionResponse(
        **consideration_out(consideration, today).model_dump(),
        review=reviews_out(session, [review], today)[0] if review else None,
    )
