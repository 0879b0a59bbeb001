"""The scheduler's jobs: thin shells that read the clock once and call the services."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from review_service.clock import Clock, london_today
from review_service.domain.events import EventType
from review_service.domain.regions import Region
from review_service.models import (
    Action,
    CalendarRecompute,
    Child,
    Delivery,
    DeliveryAttempt,
    Event,
    Plan,
    Timer,
)
from review_service.policies.lookup import deadline_context, policy_for
from review_service.reviews.deadlines import recompute_plan_deadlines
from review_service.webhooks.outbox import SubscriberCache, publish

logger = logging.getLogger(__name__)
SYSTEM_SOURCE = "review-service"


def fire_due_timers(sessions: sessionmaker[Session], clock: Clock, *, batch: int = 1000) -> int:
    """Turn every timer whose moment has come into an outbox message; returns how many."""
    fired = 0
    while True:
        with sessions() as session, session.begin():
            now = clock.now()
            query = (
                select(Timer)
                .where(Timer.fired_at.is_(None), Timer.fire_at <= now)
                .order_by(Timer.fire_at)
                .limit(batch)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            timers = list(session.scalars(query))
            cache = SubscriberCache(session)
            for timer in timers:
                timer.fired_at = now
                publish(
                    session,
                    timer.event_type,
                    dict(timer.payload),
                    timer.local_authority,
                    now,
                    cache=cache,
                )
                if timer.event_type == "action.overdue" and timer.level == 1:
                    raise_decisions_not_implemented(session, timer, now)
        fired += len(timers)
        if len(timers) < batch:
            return fired


def raise_decisions_not_implemented(session: Session, timer: Timer, now: datetime) -> None:
    """RULES.md §4, §7: an action not done by its due date raises decisions_not_implemented,
    through the same effect logic as an event posted by a feed."""
    from review_service.events.effects import apply_event

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


def recompute_after_calendar_change(
    sessions: sessionmaker[Session], clock: Clock, *, chunk: int = 500
) -> int:
    """Recompute every open deadline of the regions whose calendar changed, then announce
    `calendar.changed` with how many moved. Returns the number of requests completed."""
    done = 0
    while True:
        with sessions() as session, session.begin():
            request = session.scalar(
                select(CalendarRecompute)
                .where(CalendarRecompute.completed_at.is_(None))
                .order_by(CalendarRecompute.requested_at)
                .limit(1)
            )
            if request is None:
                return done
            request_id, region = request.id, Region(request.region)
        moved = 0
        after = None
        while True:
            with sessions() as session, session.begin():
                query = select(Plan).where(Plan.status == "open").order_by(Plan.id).limit(chunk)
                if after is not None:
                    query = query.where(Plan.id > after)
                plans = list(session.scalars(query))
                today = london_today(clock.now())
                contexts: dict[str, object] = {}
                for plan in plans:
                    if plan.local_authority not in contexts:
                        contexts[plan.local_authority] = policy_for(
                            session, plan.local_authority
                        ).region
                    if contexts[plan.local_authority] != region:
                        continue
                    ctx = deadline_context(session, plan.local_authority, today)
                    moved += recompute_plan_deadlines(session, plan, ctx, clock.now())
            if len(plans) < chunk:
                break
            after = plans[-1].id
        with sessions() as session, session.begin():
            request = session.get(CalendarRecompute, request_id)
            assert request is not None
            now = clock.now()
            request.completed_at, request.deadlines_moved = now, moved
            publish(
                session,
                "calendar.changed",
                {"region": region.value, "reason": request.reason, "deadlines_moved": moved},
                None,
                now,
            )
        logger.info("calendar change in %s moved %d deadlines", region.value, moved)
        done += 1


def prune(sessions: sessionmaker[Session], clock: Clock, *, keep_days: int = 30) -> int:
    """Delete delivered deliveries (and their attempts) and fired timers past retention."""
    with sessions() as session, session.begin():
        cutoff = clock.now() - timedelta(days=keep_days)
        old = select(Delivery.id).where(
            Delivery.status == "delivered", Delivery.delivered_at < cutoff
        )
        session.execute(delete(DeliveryAttempt).where(DeliveryAttempt.delivery_id.in_(old)))
        deleted = session.execute(
            delete(Delivery).where(Delivery.status == "delivered", Delivery.delivered_at < cutoff)
        )
        session.execute(delete(Timer).where(Timer.fired_at < cutoff - timedelta(days=60)))
        return int(getattr(deleted, "rowcount", 0) or 0)


def recount_timers(sessions: sessionmaker[Session], clock: Clock, *, chunk: int = 500) -> int:
    """Nightly: re-derive the timers of every open deadline, in chunks, so that the table
    heals from anything that bypassed the commit hook (a restore, a hand-edited row).
    Returns how many deadlines were checked."""
    from review_service.domain.reminders import Subject
    from review_service.models import Consideration, Meeting, Milestone, Review
    from review_service.policies.lookup import DeadlineContext
    from review_service.timers.derive import preload, sync_timers

    open_rows: dict[Subject, tuple[Any, Any]] = {
        Subject.REVIEW: (Review, Review.status.in_(["due", "scheduled", "adjourned"])),
        Subject.MILESTONE: (Milestone, Milestone.status == "pending"),
        Subject.ACTION: (Action, Action.status == "open"),
        Subject.CONSIDERATION: (Consideration, Consideration.status == "open"),
        Subject.MEETING: (Meeting, Meeting.status == "due"),
    }
    checked = 0
    for subject, (model, is_open) in open_rows.items():
        after = None
        while True:
            with sessions() as session, session.begin():
                query = select(model.id).where(is_open).order_by(model.id).limit(chunk)
                if after is not None:
                    query = query.where(model.id > after)
                ids = list(session.scalars(query))
                if not ids:
                    break
                pending = {(subject, subject_id) for subject_id in ids}
                _held, timers = preload(session, pending)
                contexts: dict[str, DeadlineContext] = {}
                today = london_today(clock.now())
                for subject_id in ids:
                    sync_timers(
                        session,
                        subject,
                        subject_id,
                        today,
                        contexts,
                        existing=timers[(subject.value, subject_id)],
                    )
            checked += len(ids)
            after = ids[-1]
    logger.info("recount checked the timers of %d open deadlines", checked)
    return checked
