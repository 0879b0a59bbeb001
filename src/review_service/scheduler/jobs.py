"""The scheduler's jobs: thin shells that read the clock once and call the services."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from review_service.clock import Clock
from review_service.deadlines.registry import REGISTRY
from review_service.deadlines.unit_of_work import unit_of_work
from review_service.domain.deadlines import DeadlineKind
from review_service.events.raised import raise_decisions_not_implemented
from review_service.models import (
    CalendarRecompute,
    Delivery,
    DeliveryAttempt,
    Timer,
)
from review_service.scheduler import recompute
from review_service.webhooks.outbox import SubscriberCache, publish

logger = logging.getLogger(__name__)
_ACTION_OVERDUE = f"{DeadlineKind.ACTION.value}.overdue"


def fire_due_timers(sessions: sessionmaker[Session], clock: Clock, *, batch: int = 1000) -> int:
    """Turn every timer whose moment has come into an outbox message; returns how many."""
    fired = 0
    while True:
        with unit_of_work(sessions, clock) as unit:
            session, now = unit.session, unit.now
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
                if timer.event_type == _ACTION_OVERDUE and timer.level == 1:
                    raise_decisions_not_implemented(session, timer, now)
        fired += len(timers)
        if len(timers) < batch:
            return fired


def recompute_after_calendar_change(
    sessions: sessionmaker[Session], clock: Clock, *, chunk: int = recompute.CHUNK
) -> int:
    """Apply every queued recompute (a calendar change: every open deadline of its region; a
    policy change: its authority's), oldest first, `chunk` plans per unit of work; a calendar
    change then announces `calendar.changed` with how many moved. Returns how many requests
    it completed."""
    done = 0
    while True:
        with sessions() as session, session.begin():
            request_id = session.scalar(
                select(CalendarRecompute.id)
                .where(CalendarRecompute.completed_at.is_(None))
                .order_by(CalendarRecompute.requested_at)
                .limit(1)
            )
        if request_id is None:
            return done
        moved = 0
        after = None
        while True:
            with unit_of_work(sessions, clock) as unit:
                request = unit.session.get(CalendarRecompute, request_id)
                assert request is not None
                step = recompute.apply_step(unit.session, request, unit.now, after=after,
                                            chunk=chunk)  # fmt: skip
            moved += step.moved
            if step.last_plan_id is None:
                break
            after = step.last_plan_id
        with sessions() as session, session.begin():
            request = session.get(CalendarRecompute, request_id)
            assert request is not None
            recompute.complete(session, request, moved, clock.now())
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


class Recount:
    """What the last nightly recount found; the metrics endpoint reads `last_drift`."""

    last_checked: int = 0
    last_drift: int = 0
    drift_total: int = 0


def recount_timers(sessions: sessionmaker[Session], clock: Clock, *, chunk: int = 500) -> int:
    """Nightly self-check: re-derive the timers of every open deadline, in chunks, through
    the same path as every request. The units of work keep timers right, so any deadline
    whose timers this changes is drift (a restore, a hand-edited row, a defect): it is
    healed, counted in `Recount`, and logged. Returns how many deadlines were checked."""
    checked = drift = 0
    for kind, registered in REGISTRY.items():
        model = registered.model
        after = None
        while True:
            with unit_of_work(sessions, clock) as unit:
                query = select(model.id).where(registered.is_open()).order_by(model.id)
                if after is not None:
                    query = query.where(model.id > after)
                ids = list(unit.session.scalars(query.limit(chunk)))
                unit.touch(kind, ids)
                drift += unit.finish()
            if not ids:
                break
            checked += len(ids)
            after = ids[-1]
    Recount.last_checked, Recount.last_drift = checked, drift
    Recount.drift_total += drift
    logger.info("recount checked %d open deadlines; %d had drifted timers, healed", checked, drift)
    return checked
