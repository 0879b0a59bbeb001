"""Operator-declared one-off non-working days (RULES.md §1)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from review_service.models.base import Base, IdMixin


class NonWorkingDay(IdMixin, Base):
    """A day declared not to be a working day in one region, beyond the `holidays` package."""

    __tablename__ = "non_working_days"
    __table_args__ = (UniqueConstraint("region", "day"),)

    region: Mapped[str] = mapped_column(String(30))
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
