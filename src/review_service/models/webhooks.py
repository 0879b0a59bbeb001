"""Webhook subscriptions, the transactional outbox and its deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from review_service.models.base import Base, IdMixin


class WebhookSubscription(IdMixin, Base):
    """A receiver of signed webhooks for some event types."""

    __tablename__ = "webhook_subscriptions"

    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(500))
    # None: every authority (an unbound token's subscription).
    local_authority: Mapped[str | None] = mapped_column(String(20))
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | disabled
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class OutboxMessage(IdMixin, Base):
    """A webhook message, written in the transaction of the change that caused it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_created_at", "created_at"),)

    event_type: Mapped[str] = mapped_column(String(60))
    local_authority: Mapped[str | None] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class Delivery(IdMixin, Base):
    """One message to one subscription: sent until it succeeds, gives up, or is stopped."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index(
            "ix_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index("ix_deliveries_subscription_created", "subscription_id", "created_at"),
        Index("ix_deliveries_message_id", "message_id"),
    )

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox_messages.id"))
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    # Stable across retries of this message to this subscription (Standard Webhooks).
    webhook_id: Mapped[str] = mapped_column(String(60), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    # A worker's lease: a crash mid-send leaves the row to be retried when it lapses.
    leased_until: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class DeliveryAttempt(IdMixin, Base):
    """One HTTP attempt of a delivery: when, how it ended, how long it took."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (Index("ix_delivery_attempts_delivery_id", "delivery_id"),)

    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"))
    attempted_at: Mapped[datetime]
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class SchedulerLease(Base):
    """Who leads the scheduler, and when it last said so (for status and failover)."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime]


class CalendarRecompute(IdMixin, Base):
    """A change whose open deadlines the scheduler's recompute job re-derives: a declared
    non-working day (every authority working to `region`), or a policy change (only
    `local_authority`, now working to `region`)."""

    __tablename__ = "calendar_recomputes"
    __table_args__ = (
        Index("ix_calendar_recomputes_local_authority_requested_at", "local_authority",
              "requested_at"),
    )  # fmt: skip

    region: Mapped[str] = mapped_column(String(30))
    local_authority: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    deadlines_moved: Mapped[int | None] = mapped_column(Integer)
