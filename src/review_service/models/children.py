"""Children and their plans."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from review_service.domain.plan_types import PlanStatus
from review_service.models.base import Base, IdMixin


class Child(IdMixin, Base):
    """A child known to one local authority; `external_id` is the record system's own id."""

    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("local_authority", "external_id"),)

    local_authority: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    # How many people hold parental responsibility, when the record system knows (RULES.md §6).
    parents_with_parental_responsibility: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Plan(IdMixin, Base):
    """A plan whose reviews the service keeps (RULES.md §2)."""

    __tablename__ = "plans"
    __table_args__ = (
        Index("ix_plans_child_id_start_date", "child_id", "start_date"),
        # One open plan of a type per child: a constraint, so racing requests cannot both pass.
        Index(
            "uq_plans_child_id_type_open",
            "child_id",
            "type",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        # An authority's open plans by chair: the board's caseloads, and the plans the board
        # and the timeliness report join to, read from the index alone (issue 12).
        Index(
            "ix_plans_la_status_chair",
            "local_authority",
            "status",
            "chair_id",
            "child_id",
            postgresql_include=["id", "type"],
        ),
        # What a review's foreign key to its plan and child refers to (migration 0013).
        Index("uq_plans_id_child_id", "id", "child_id", unique=True),
    )

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"))
    local_authority: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[date] = mapped_column(Date)
    review_interval_months: Mapped[int | None] = mapped_column(Integer)
    chair_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.OPEN.value)
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    # False for an imported plan that began before its files (issue 10), until confirmed.
    history_complete: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
