"""Significant events, their effects, IRO considerations and disruption meetings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from review_service.domain.deadlines import ConsiderationStatus, MeetingStatus
from review_service.models.base import Base, IdMixin


class Event(IdMixin, Base):
    """A significant event as a feed sent it. (`source`, `event_id`) is unique per authority:
    the constraint, not a read-then-write, is what makes a feed's retry harmless."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("local_authority", "source", "event_id"),
        Index("ix_events_child_id_received_at", "child_id", "received_at"),
    )

    local_authority: Mapped[str] = mapped_column(String(20))
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"))
    source: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime]
    effective_date: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    received_by: Mapped[str] = mapped_column(String(100))
    # SHA-256 of the canonical request: the same pair with another body is a conflict.
    request_hash: Mapped[str] = mapped_column(String(64))


class EventEffect(IdMixin, Base):
    """One thing an event changed or created, with the dates before and after."""

    __tablename__ = "event_effects"
    __table_args__ = (Index("ix_event_effects_event_id", "event_id"),)

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id"))
    kind: Mapped[str] = mapped_column(String(40))
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"))
    review_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reviews.id"))
    consideration_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("considerations.id"))
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"))
    before_date: Mapped[date | None] = mapped_column(Date)
    after_date: Mapped[date | None] = mapped_column(Date)


class Consideration(IdMixin, Base):
    """An IRO's task to decide whether an event brings the review forward (RULES.md §4)."""

    __tablename__ = "considerations"
    __table_args__ = (
        Index("ix_considerations_la_status_due", "local_authority", "status", "due_by", "id"),
        Index("ix_considerations_chair_status_due", "chair_id", "status", "due_by", "id"),
    )

    local_authority: Mapped[str] = mapped_column(String(20))
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"))
    review_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reviews.id"))
    event_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("events.id"))
    event_type: Mapped[str] = mapped_column(String(40))
    chair_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=ConsiderationStatus.OPEN.value)
    due_by: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(100))
    bring_forward_to: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Meeting(IdMixin, Base):
    """A meeting of its own kind: the disruption meeting after an unplanned ending [001]."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_la_status_due", "local_authority", "status", "due_by"),)

    local_authority: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"))
    event_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("events.id"))
    due_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.DUE.value)
    chair_role: Mapped[str] = mapped_column(String(60))
    chair_id: Mapped[str | None] = mapped_column(String(100))
    invitees: Mapped[list[str]] = mapped_column(JSON)
    held_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]


class IdempotentRequest(IdMixin, Base):
    """A POST sent with an `Idempotency-Key`: its first response, replayed for retries."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("token_name", "key"),)

    token_name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
