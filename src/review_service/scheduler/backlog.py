"""How far behind the clock and the outbox are: read by `GET /v1/scheduler/status` and by the
metrics scrape, so both report the same figures from the same queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_service.models import Delivery, Timer, WebhookSubscription


@dataclass(frozen=True, slots=True)
class Backlog:
    """Timers and deliveries waiting, as of one moment."""

    lag_seconds: float
    pending_timers: int
    due_timers: int
    outbox_depth: int
    failing_subscriptions: int


def measure_backlog(session: Session, now: datetime) -> Backlog:
    """Lag, pending and due timers, outbox depth and failing subscriptions as of `now`."""
    oldest_due = session.scalar(
        select(func.min(Timer.fire_at)).where(Timer.fired_at.is_(None), Timer.fire_at <= now)
    )
    pending = (
        session.scalar(select(func.count()).select_from(Timer).where(Timer.fired_at.is_(None))) or 0
    )
    due = (
        session.scalar(
            select(func.count())
            .select_from(Timer)
            .where(Timer.fired_at.is_(None), Timer.fire_at <= now)
        )
        or 0
    )
    depth = (
        session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == "pending")
        )
        or 0
    )
    failing = (
        session.scalar(
            select(func.count(func.distinct(WebhookSubscription.id))).where(
                (WebhookSubscription.status == "disabled")
                | WebhookSubscription.id.in_(
                    select(Delivery.subscription_id).where(Delivery.status == "failed")
                )
            )
        )
        or 0
    )
    return Backlog(
        lag_seconds=max(0.0, (now - oldest_due).total_seconds()) if oldest_due else 0.0,
        pending_timers=int(pending),
        due_timers=int(due),
        outbox_depth=int(depth),
        failing_subscriptions=int(failing),
    )
