"""HTTP edge of actions: the decisions of a held review and whether they are carried out."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Response, status

from review_service import idempotency
from review_service.actions import service
from review_service.actions.schemas import (
    ActionCreate,
    ActionList,
    ActionOut,
    ActionStatus,
    ActionUpdate,
)
from review_service.clock import london_today
from review_service.dependencies import (
    IfMatchHeader,
    NowDep,
    ReadPrincipal,
    SessionDep,
    WritePrincipal,
)
from review_service.domain.deadlines import DeadlineKind, is_overdue
from review_service.etags import etag_for
from review_service.idempotency import IdempotencyKeyHeader, request_fingerprint
from review_service.models import Action
from review_service.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from review_service.problems import problem_responses
from review_service.response_headers import created, with_etag

router = APIRouter(prefix="/v1", tags=["actions"])
_READ_ERRORS = problem_responses(401, 403, 404, 422)


def action_out(action: Action, today: date) -> ActionOut:
    """The API view of an action, `overdue` derived from today."""
    action_status = ActionStatus(action.status)
    return ActionOut(
        id=action.id,
        review_id=action.review_id,
        plan_id=action.plan_id,
        description=action.description,
        owner=action.owner,
        due_by=action.due_by,
        status=action_status,
        done_on=action.done_on,
        withdrawn_reason=action.withdrawn_reason,
        overdue=is_overdue(DeadlineKind.ACTION, action_status, action.due_by, today),
        created_at=action.created_at,
        updated_at=action.updated_at,
    )


def _one(action: Action, today: date, response: Response) -> ActionOut:
    response.headers["ETag"] = etag_for(action.version)
    return action_out(action, today)


@router.post(
    "/reviews/{review_id}/actions",
    status_code=status.HTTP_201_CREATED,
    response_model=ActionOut,
    responses=created(problem_responses(401, 403, 404, 409, 422), etag=True, replayable=True),
)
def create_action(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    body: ActionCreate,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ActionOut:
    """Record a decision of the review as an action with an owner and a due date (RULES.md §7).
    Decisions are made at the meeting: 409 unless the review is held; `due_by` before
    `held_on` is 422."""
    claim = idempotency.claim(
        session,
        principal,
        idempotency_key,
        request_fingerprint("POST", f"/v1/reviews/{review_id}/actions", body),
        now,
    )
    action = service.create_action(session, principal, review_id, body, now)
    out = _one(action, london_today(now), response)
    response.headers["Location"] = f"/v1/reviews/{review_id}/actions/{action.id}"
    claim.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("/reviews/{review_id}/actions", response_model=ActionList, responses=_READ_ERRORS)
def list_actions(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> ActionList:
    """The review's actions by due date, each with whether it is overdue."""
    page = service.list_actions(session, principal, review_id, limit=limit, cursor=cursor)
    today = london_today(now)
    return ActionList(
        items=[action_out(a, today) for a in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/reviews/{review_id}/actions/{action_id}",
    response_model=ActionOut,
    responses=with_etag(_READ_ERRORS),
)
def get_action(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    action_id: uuid.UUID,
    response: Response,
) -> ActionOut:
    """One action, with the `ETag` a change must send as `If-Match`."""
    action = service.get_action(session, principal, review_id, action_id)
    return _one(action, london_today(now), response)


@router.patch(
    "/reviews/{review_id}/actions/{action_id}",
    response_model=ActionOut,
    responses=with_etag(problem_responses(401, 403, 404, 409, 412, 422)),
)
def update_action(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    review_id: uuid.UUID,
    action_id: uuid.UUID,
    body: ActionUpdate,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ActionOut:
    """Mark an action `done` (`done_on` defaults to today) or open again, or correct it."""
    action = service.update_action(session, principal, review_id, action_id, body, if_match, now)
    return _one(action, london_today(now), response)
