"""The enquiry before a child protection plan (RULES.md §2)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from review_service.domain.child_protection import EnquiryStatus
from review_service.models.base import Base, IdMixin


class ChildProtectionEnquiry(IdMixin, Base):
    """Section 47 enquiries from a strategy discussion; `due_by` is the initial conference's
    deadline (shown as `conference_due_by`), so the deadline registry reads it like any
    other. `plan_id` is the plan a conference opened, null before or for `no_plan`."""

    __tablename__ = "child_protection_enquiries"
    __table_args__ = (
        Index("ix_cp_enquiries_la_status_due", "local_authority", "status", "due_by", "id"),
        Index("ix_cp_enquiries_chair_status_due", "chair_id", "status", "due_by", "id"),
        Index("ix_cp_enquiries_child_id", "child_id"),
    )

    local_authority: Mapped[str] = mapped_column(String(20))
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"))
    strategy_discussion_on: Mapped[date] = mapped_column(Date)
    due_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=EnquiryStatus.OPEN.value)
    chair_id: Mapped[str | None] = mapped_column(String(100))
    held_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("plans.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
