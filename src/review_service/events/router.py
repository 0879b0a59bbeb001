"""HTTP edge of significant events."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from review_service.auth import Principal, Scope
from review_service.dependencies import NowDep, ReadPrincipal, SessionDep, require_any
from review_service.events import batch, service
from review_service.events.schemas import (
    EventBatch,
    EventBatchOut,
    EventCreate,
    EventList,
    EventOut,
    EventOutcome,
    Outcome,
)
from review_service.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from review_service.problems import problem_answer, problem_responses

router = APIRouter(tags=["events"])

EventPoster = Annotated[Principal, Depends(require_any(Scope.EVENTS, Scope.WRITE))]


@router.post(
    "/v1/events",
    status_code=status.HTTP_201_CREATED,
    response_model=EventOut,
    responses={
        200: {
            "model": EventOut,
            "description": "A repeat of an event already "
            "received (same `source` and `event_id`): the first answer again.",
        },
        **problem_responses(401, 403, 404, 409, 422),
    },
)
def post_event(
    session: SessionDep, principal: EventPoster, now: NowDep, body: EventCreate, response: Response
) -> EventOut:
    """Receive a significant event; the response lists its `effects` (RULES.md §4). Sending
    the same `source` + `event_id` again answers 200 with the first response and changes
    nothing; the same pair with a different body is 409."""
    result = service.ingest_event(session, principal, body, now)
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return result.event


@router.post(
    "/v1/events/batch",
    response_model=EventBatchOut,
    responses=problem_responses(401, 403, 422),
)
async def post_event_batch(
    request: Request, session: SessionDep, principal: EventPoster, now: NowDep, body: EventBatch
) -> EventBatchOut:
    """Receive up to 500 events (a nightly feed): each is handled as POST /v1/events would
    handle it alone, in its own savepoint, so one refused event never undoes another. The
    answer lists each event's outcome in the order sent: `created` with its effects, `repeat`
    with the first answer, `conflict` (the same `source` + `event_id` with a different body)
    or `rejected`, each refusal with its problem document. More than 500 events is 422."""
    answers = await run_in_threadpool(batch.ingest_batch, session, principal, body.events, now)
    outcomes = []
    for index, answer in enumerate(answers):
        if isinstance(answer, service.Ingested):
            outcome, code = (Outcome.CREATED, 201) if answer.created else (Outcome.REPEAT, 200)
            outcomes.append(
                EventOutcome(
                    index=index, outcome=outcome, status=code, event=answer.event, problem=None
                )
            )
        else:
            problem = await problem_answer(request, answer)
            outcome = Outcome.CONFLICT if problem.status == 409 else Outcome.REJECTED
            outcomes.append(
                EventOutcome(
                    index=index, outcome=outcome, status=problem.status, event=None, problem=problem
                )
            )
    return EventBatchOut(outcomes=outcomes)


@router.get(
    "/v1/children/{child_id}/events",
    response_model=EventList,
    responses=problem_responses(401, 403, 404, 422),
)
def child_events(
    session: SessionDep,
    principal: ReadPrincipal,
    child_id: uuid.UUID,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> EventList:
    """The child's event history with each event's effects, newest first."""
    page = service.child_events(session, principal, child_id, limit=limit, cursor=cursor)
    return EventList(items=page.items, next_cursor=page.next_cursor)
