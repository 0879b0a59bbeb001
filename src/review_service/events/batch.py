"""Event batches (POST /v1/events/batch): a nightly feed's events, each ingested as if posted
alone to POST /v1/events, in a savepoint of its own, and answered in the order sent."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import select, text
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from review_service.auth import Principal
from review_service.deadlines.unit_of_work import savepoint
from review_service.domain.reviews import ReviewRuleError
from review_service.domain.working_days import OutsideCalendarRange
from review_service.events.schemas import EventCreate
from review_service.events.service import Ingested, KnownEvents, ingest_event, known_events
from review_service.models import Child
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
    _queue_behind_other_batches(session)
    answers: dict[int, Ingested | Exception] = {}
    parsed: list[tuple[int, EventCreate]] = []
    for index, raw in enumerate(events):
        try:
            parsed.append((index, EventCreate.model_validate(raw)))
        except ValidationError as exc:
            answers[index] = _located(index, exc.errors(include_url=False, include_input=False))
    children, known = _read_ahead(session, [body for _, body in parsed])
    for index, body in _in_lock_order(parsed):
        try:
            with savepoint(session):
                answers[index] = ingest_event(session, principal, body, now, known)
        except RequestValidationError as exc:
            answers[index] = _located(index, exc.errors())
        except REFUSALS as exc:
            answers[index] = exc
            _forget(known, children, body)
    return [answers[index] for index in range(len(events))]


def _read_ahead(
    session: Session, bodies: list[EventCreate]
) -> tuple[dict[uuid.UUID, Child], KnownEvents]:
    """The children named by id and the events already stored under the batch's keys, each
    in one query rather than one per event. The children are held here so the session (which
    holds rows weakly) still has them when each event asks for its child."""
    ids = {body.child_id for body in bodies if body.child_id is not None}
    children = {c.id: c for c in session.scalars(select(Child).where(Child.id.in_(ids)))}
    keys = {
        (children[body.child_id].local_authority, body.source, body.event_id)
        for body in bodies
        if body.child_id in children
    }
    return children, known_events(session, keys)


def _forget(known: KnownEvents, children: dict[uuid.UUID, Child], body: EventCreate) -> None:
    # A refused event's savepoint was rolled back, with any event row it stored: its key is
    # looked up afresh if the batch sends it again.
    child = children.get(body.child_id) if body.child_id is not None else None
    if child is not None:
        known.pop((child.local_authority, body.source, body.event_id), None)


# Any bigint that no other advisory lock of the service uses (the scheduler's is LOCK_KEY).
BATCH_LOCK_KEY = 0x7265766965776261  # "reviewba"


def _queue_behind_other_batches(session: Session) -> None:
    # A batch holds many children's locks at once, so two overlapping batches could still wait
    # on each other through the event keys they share (seen on PostgreSQL as a deadlock).
    # Nightly feeds are few: batches queue, one at a time, for the rest of this transaction.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BATCH_LOCK_KEY})


def _child_key(body: EventCreate) -> str:
    if body.child_id is not None:
        return str(body.child_id)
    return f"~{body.local_authority}/{body.child_external_id}"


def _in_lock_order(parsed: list[tuple[int, EventCreate]]) -> list[tuple[int, EventCreate]]:
    """Concurrent batches lock a child's plans and an event's key as they go; taking them in
    one order (child, then source and event_id) keeps overlapping batches from deadlocking.
    Events sharing a source and event_id are taken together, in the order sent, at the place
    of the first one's child: the first sent is the one created, as if posted one by one."""
    first_child: dict[tuple[str, str], str] = {}
    for _, body in parsed:
        first_child.setdefault((body.source, body.event_id), _child_key(body))
    return sorted(
        parsed,
        key=lambda item: (
            first_child[(item[1].source, item[1].event_id)],
            item[1].source,
            item[1].event_id,
            item[0],
        ),
    )


def _located(index: int, errors: Any) -> RequestValidationError:
    """The errors with each field located within the batch: body.events.<index>.<field>."""
    located = []
    for error in errors:
        location = tuple(error.get("loc", ()))
        field = location[1:] if location[:1] == ("body",) else location
        located.append({**error, "loc": ("body", "events", index, *field)})
    return RequestValidationError(located)
