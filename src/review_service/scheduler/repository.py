"""Queries on the scheduler's own state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from review_service.models import SchedulerLease


def leader_lease(session: Session) -> SchedulerLease | None:
    """The leadership lease, if any process ever led."""
    return session.get(SchedulerLease, "scheduler")
