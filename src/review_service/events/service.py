"""Event use cases: idempotent ingestion and the child's event history."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from fastapi.exceptions import RequestValidationError
from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from review_service.audit.service import audit
from review_service.auth import Principal
from review_service.children.repository import find_by_external_id, visible_child
from review_service.clock import london_today
from review_service.domain.events import EffectKind, EventType
from review_service.events.effects import apply_event
from review_service.events.schemas import EffectOut, EventCreate, EventOut
from review_service.idempotency import request_fingerprint
from review_service.models import Child, Event, EventEffect
from review_service.models.base import new_id
from review_service.pagination import Keyset, Page
from review_service.problems import Conflict, InvalidRequest, NotFound

# A child's events, newest first (API.md "Events").
EVENTS_PAGED = Keyset(Event.received_at, Event.id, descending=True)


@dataclass(frozen=True, slots=True)
class Ingested:
    """The stored event as first answered, and whether this request stored it."""

    event: EventOut
    created: bool


def _validate(body: EventCreate) -> None:
    errors = []
    if body.type.requires_effective_date and body.effective_date is None:
        errors.append(
            {
                "loc": ("body", "effective_date"),
                "type": "missing",
                "msg": f"effective_date is required for {body.type.value}",
            }
        )
    if (body.child_id is None) == (body.child_external_id is None):
        errors.append(
            {
                "loc": ("body", "child_id"),
                "type": "value_error",
                "msg": "give exactly one of child_id and child_external_id",
            }
        )
    if errors:
        raise RequestValidationError(errors)


def _resolve_child(session: Session, principal: Principal, body: EventCreate) -> Child:
    if body.child_id is not None:
        return visible_child(session, principal, body.child_id)
    assert body.child_external_id is not None
    authority = principal.authority_for_new(body.local_authority)
    if authority is None:
        raise InvalidRequest(
            "name the child's local_authority (this token is not bound to one)"
            if principal.local_authority is None
            else f"this token is bound to {principal.local_authority}"
        )
    child = find_by_external_id(session, authority, body.child_external_id)
    if child is None:
        # Not the identifier itself: details get shown and logged by clients.
        raise NotFound(f"no child with this child_external_id in {authority}")
    return child


# (authority, source, event_id) -> the stored event, or None when there is none: what a
# batch already knows, so that its events are not looked up one by one (events.batch).
KnownEvents = dict[tuple[str, str, str], Event | None]


def ingest_event(
    session: Session,
    principal: Principal,
    body: EventCreate,
    now: datetime,
    known: KnownEvents | None = None,
) -> Ingested:
    """Store an event once and apply its effects; a repeat gets the first answer again.
    `known` answers for the keys it holds, and learns the event stored under one of them."""
    _validate(body)
    child = _resolve_child(session, principal, body)
    fingerprint = _fingerprint(body)
    key = (child.local_authority, body.source, body.event_id)
    existing = known[key] if known is not None and key in known else _find(session, *key)
    if existing is None:
        event = _event_row(principal, body, child, fingerprint, now)
        if _stored_first(session, event):
            if known is not None and key in known:
                known[key] = event
            return Ingested(_apply(session, principal, event, body, child, now), created=True)
        # The unique constraint decides between racing duplicates: the loser waits for the
        # winner's commit, then fails to store and replays the winner's answer.
        existing = _find(session, child.local_authority, body.source, body.event_id)
        assert existing is not None
    return Ingested(_replay(session, existing, body, child, fingerprint), created=False)


def _fingerprint(body: EventCreate) -> str:
    # The child is compared apart (_replay), however the request named it.
    exclude = {"child_id", "child_external_id", "local_authority"}
    return request_fingerprint("POST", "/v1/events", body.model_dump(mode="json", exclude=exclude))


def _event_row(
    principal: Principal, body: EventCreate, child: Child, fingerprint: str, now: datetime
) -> Event:
    return Event(
        id=new_id(),
        local_authority=child.local_authority,
        child_id=child.id,
        source=body.source,
        event_id=body.event_id,
        type=body.type.value,
        occurred_at=body.occurred_at,
        effective_date=body.effective_date,
        summary=body.summary,
        received_at=now,
        received_by=principal.token_name,
        request_hash=fingerprint,
    )


def _stored_first(session: Session, event: Event) -> bool:
    """Insert the event unless another request stored the same (source, event_id) first."""
    try:
        with session.begin_nested():
            session.add(event)
            session.flush()
    except IntegrityError:
        return False
    return True


def _apply(
    session: Session,
    principal: Principal,
    event: Event,
    body: EventCreate,
    child: Child,
    now: datetime,
) -> EventOut:
    """Apply a newly stored event's effects and audit it; its answer."""
    effects = apply_event(
        session,
        child=child,
        event_id=event.id,
        event_type=body.type,
        happened_on=london_today(body.occurred_at),
        effective_date=body.effective_date,
        now=now,
        received_on=london_today(now),
    )
    audit(
        session,
        principal,
        now,
        "event.received",
        event,
        {"type": event.type, "source": event.source, "effects": [e.kind for e in effects]},
    )
    return event_out(event, effects)


def _replay(
    session: Session, existing: Event, body: EventCreate, child: Child, fingerprint: str
) -> EventOut:
    """The first answer to a repeat; a different child or body under the same key is refused."""
    if existing.child_id != child.id:
        # The child is part of the event: the same pair about another child is not a retry.
        raise Conflict(
            f"event {body.event_id!r} from {body.source!r} was already received for another child"
        )
    if existing.request_hash != fingerprint:
        raise Conflict(
            f"event {body.event_id!r} from {body.source!r} was already received "
            "with a different body"
        )
    return event_out(existing, _effects_of(session, [existing.id])[existing.id])


def known_events(session: Session, keys: Collection[tuple[str, str, str]]) -> KnownEvents:
    """The stored events of many (authority, source, event_id) keys in one query; a key
    with none maps to None."""
    known: KnownEvents = dict.fromkeys(keys)
    if keys:
        rows = session.scalars(
            select(Event).where(
                tuple_(Event.local_authority, Event.source, Event.event_id).in_(list(keys))
            )
        )
        for event in rows:
            known[(event.local_authority, event.source, event.event_id)] = event
    return known


def _find(session: Session, local_authority: str, source: str, event_id: str) -> Event | None:
    return session.scalar(
        select(Event).where(
            Event.local_authority == local_authority,
            Event.source == source,
            Event.event_id == event_id,
        )
    )


def _effects_of(session: Session, event_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[EventEffect]]:
    grouped: dict[uuid.UUID, list[EventEffect]] = defaultdict(list)
    if event_ids:
        rows = session.scalars(
            select(EventEffect)
            .where(EventEffect.event_id.in_(event_ids))
            .order_by(EventEffect.kind, EventEffect.plan_id)
        )
        for row in rows:
            grouped[row.event_id].append(row)
    return grouped


def event_out(event: Event, effects: list[EventEffect]) -> EventOut:
    """The API view of an event and its effects."""
    ordered = sorted(effects, key=lambda e: (e.kind, str(e.plan_id)))
    return EventOut(
        id=event.id,
        source=event.source,
        event_id=event.event_id,
        child_id=event.child_id,
        local_authority=event.local_authority,
        type=EventType(event.type),
        occurred_at=event.occurred_at,
        effective_date=event.effective_date,
        summary=event.summary,
        received_at=event.received_at,
        effects=[
            EffectOut(
                kind=EffectKind(e.kind),
                plan_id=e.plan_id,
                review_id=e.review_id,
                consideration_id=e.consideration_id,
                meeting_id=e.meeting_id,
                before=e.before_date,
                after=e.after_date,
            )
            for e in ordered
        ],
    )


def child_events(
    session: Session, principal: Principal, child_id: uuid.UUID, *, limit: int, cursor: str | None
) -> Page[EventOut]:
    """A child's events with their effects, newest first."""
    child = visible_child(session, principal, child_id)
    query = select(Event).where(Event.child_id == child.id)
    found = list(session.scalars(EVENTS_PAGED.select(query, cursor, limit)))
    page = EVENTS_PAGED.page(found, limit)
    rows = page.items
    effects = _effects_of(session, [e.id for e in rows])
    return Page([event_out(e, effects[e.id]) for e in rows], page.next_cursor)
