"""Event batches (POST /v1/events/batch): a nightly feed's events, each ingested as if posted
alone to POST /v1/events, in a savepoint of its own, and answered in the order sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from review_service.auth import Principal
from review_service.deadlines.unit_of_work import savepoint
from review_service.domain.reviews import ReviewRuleError
from review_service.domain.working_days import OutsideCalendarRange
from review_service.events.schemas import EventCreate
from review_service.events.service import Ingested, ingest_event
from review_service.problems import ProblemError

# What POST /v1/events answers with a problem document; anything else is a fault of the
# service and fails the whole batch (nothing of it is committed).
REFUSALS = (
    ProblemError,
    RequestValidationError,
    ReviewRuleError,
    OutsideCalendarRange,
    DataError,
    StaleDataError,
)


def ingest_batch(
    session: Session, principal: Principal, events: list[dict[str, Any]], now: datetime
) -> list[Ingested | Exception]:
    """Ingest each event on its own, as POST /v1/events would; one refused never undoes
    another. Returns, in the order of `events`, each one's answer or refusal."""
    answers: dict[int, Ingested | Exception] = {}
    parsed: list[tuple[int, EventCreate]] = []
    for index, raw in enumerate(events):
        try:
            parsed.append((index, EventCreate.model_validate(raw)))
        except ValidationError as exc:
            answers[index] = _located(index, exc.errors(include_url=False, include_input=False))
    # Concurrent batches lock a child's plans and an event's key as they go; taking them in
    # one order (child, then source and event_id) keeps overlapping batches from deadlocking.
    for index, body in sorted(parsed, key=lambda item: _lock_order(item[1])):
        try:
            with savepoint(session):
                answers[index] = ingest_event(session, principal, body, now)
        except RequestValidationError as exc:
            answers[index] = _located(index, exc.errors())
        except REFUSALS as exc:
            answers[index] = exc
    return [answers[index] for index in range(len(events))]


def _lock_order(body: EventCreate) -> tuple[str, str, str]:
    if body.child_id is not None:
        return str(body.child_id), body.source, body.event_id
    return f"~{body.local_authority}/{body.child_external_id}", body.source, body.event_id


def _located(index: int, errors: Any) -> RequestValidationError:
    """The errors with each field located within the batch: body.events.<index>.<field>."""
    located = []
    for error in errors:
        location = tuple(error.get("loc", ()))
        field = location[1:] if location[:1] == ("body",) else location
        located.append({**error, "loc": ("body", "events", index, *field)})
    return RequestValidationError(located)
