"""Timers: the reminders and escalations derived from every open deadline.

They live in the service's own indexed table, not in APScheduler's job store: one job per
timer does not scale to millions, and job stores must not be shared between schedulers.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from review_service.models.base import Base, IdMixin


class Timer(IdMixin, Base):
    """One reminder or escalation of one deadline, due to fire at `fire_at`."""

    __tablename__ = "timers"
    __table_args__ = (
        # Also the index by subject: its leading columns serve every lookup of a deadline's
        # timers (a separate ix_timers_subject only doubled the writes; migration 0014).
        UniqueConstraint("subject_type", "subject_id", "event_type", "level"),
        # The scheduler's claim: pending timers by moment, and nothing else, in the index.
        Index(
            "ix_timers_pending_fire_at",
            "fire_at",
            postgresql_where=text("fired_at IS NULL"),
            sqlite_where=text("fired_at IS NULL"),
        ),
    )

    subject_type: Mapped[str] = mapped_column(String(20))  # review, milestone, action, ...
    subject_id: Mapped[uuid.UUID]
    event_type: Mapped[str] = mapped_column(String(60))  # the webhook type it sends
    level: Mapped[int] = mapped_column(Integer, default=0)  # 0 reminder, 1-3 escalation
    local_authority: Mapped[str] = mapped_column(String(20))
    due_by: Mapped[date] = mapped_column(Date)
    fire_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    fired_at: Mapped[datetime | None]
