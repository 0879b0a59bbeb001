"""A chair's calendar feed: a capability URL whose key is stored only as a hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from review_service.models.base import Base, IdMixin


class CalendarFeed(IdMixin, Base):
    """One subscription URL for one chair's open items in one authority (or every authority
    for an unbound token's feed without one)."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (Index("ix_calendar_feeds_local_authority", "local_authority"),)

    chair_id: Mapped[str] = mapped_column(String(100))
    local_authority: Mapped[str | None] = mapped_column(String(20))
    # SHA-256 of the random key; the key itself is shown once and never stored.
    key_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
