"""Events the service raises itself (RULES.md §4, §7), through the same effect logic as an
event a feed posts; the scheduler's timer job calls them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.clock import london_today
from review_service.domain.events import EventType
from review_service.events.effects import apply_event
from review_service.models import Action, Child, Event, Plan, Timer

SYSTEM_SOURCE = "review-service"


def raise_decisions_not_implemented(session: Session, timer: Timer, now: datetime) -> None:
    """RULES.md §4, §7: an action not done by its due date raises decisions_not_implemented,
    through the same effect logic as an event posted by a feed."""
    action = session.get(Action, timer.subject_id)
    if action is None:
        return
    plan = session.get(Plan, action.plan_id)
    assert plan is not None
    child = session.get(Child, plan.child_id)
    assert child is not None
    event_id = f"action-overdue:{action.id}"
    exists = session.scalar(
        select(Event.id).where(
            Event.local_authority == child.local_authority,
            Event.source == SYSTEM_SOURCE,
            Event.event_id == event_id,
        )
    )
    if exists is not None:
        return
    event = Event(
        local_authority=child.local_authority,
        child_id=child.id,
        source=SYSTEM_SOURCE,
        event_id=event_id,
        type=EventType.DECISIONS_NOT_IMPLEMENTED.value,
        occurred_at=now,
        effective_date=None,
        summary=f"action {action.id} not done by {action.due_by.isoformat()}",
        received_at=now,
        received_by=SYSTEM_SOURCE,
        request_hash="",
    )
    session.add(event)
    session.flush()
    today = london_today(now)
    apply_event(
        session,
        child=child,
        event_id=event.id,
        event_type=EventType.DECISIONS_NOT_IMPLEMENTED,
        happened_on=today,
        effective_date=None,
        now=now,
        received_on=today,
    )
