"""Reviews, their milestones, attendees and actions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from review_service.domain.deadlines import ActionStatus
from review_service.domain.milestones import MilestoneStatus
from review_service.domain.reviews import ReviewStatus
from review_service.models.base import Base, IdMixin


class Review(IdMixin, Base):
    """One review in a plan's series. Plan type, chair, authority and child are copied onto
    the row so that the IRO dashboard query and the timeliness report read one table through
    one index."""

    __tablename__ = "reviews"
    __table_args__ = (
        # One live review per place in the series; a cancelled one is replaced at its number.
        Index(
            "uq_reviews_plan_id_sequence",
            "plan_id",
            "sequence",
            unique=True,
            sqlite_where=text(f"status != '{ReviewStatus.CANCELLED}'"),
            postgresql_where=text(f"status != '{ReviewStatus.CANCELLED}'"),
        ),
        Index("ix_reviews_plan_id_status", "plan_id", "status"),
        Index("ix_reviews_chair_status_due", "chair_id", "status", "due_by", "id"),
        Index("ix_reviews_la_status_due", "local_authority", "status", "due_by", "id"),
        Index("ix_reviews_la_late_due", "local_authority", "late", "due_by", "id"),
        Index("ix_reviews_due_by_id", "due_by", "id"),
        # A review's child is its plan's, whoever writes the row (migration 0013).
        ForeignKeyConstraint(
            ["plan_id", "child_id"],
            ["plans.id", "plans.child_id"],
            name="fk_reviews_plan_id_child_id_plans",
        ),
        # The timeliness report for one authority reads this index alone (issue 10).
        Index(
            "ix_reviews_la_statutory_due",
            "local_authority",
            "statutory_due_by",
            postgresql_include=["status", "held_on", "plan_type", "chair_id", "child_id"],
        ),
        # ... and for every authority this one, child by child (issue 10, migration 0013).
        Index(
            "ix_reviews_child_statutory_due",
            "child_id",
            "statutory_due_by",
            postgresql_include=["status", "held_on", "plan_type", "chair_id", "local_authority"],
        ),
    )

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"))
    # Its plan's child, copied like the authority, plan type and chair: the timeliness report
    # counts children without joining plans (issue 10).
    child_id: Mapped[uuid.UUID]
    local_authority: Mapped[str] = mapped_column(String(20))
    plan_type: Mapped[str] = mapped_column(String(30))
    chair_id: Mapped[str | None] = mapped_column(String(100))
    sequence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    statutory_due_by: Mapped[date] = mapped_column(Date)
    brought_forward_to: Mapped[date | None] = mapped_column(Date)
    due_by: Mapped[date] = mapped_column(Date)
    scheduled_for: Mapped[datetime | None]
    venue: Mapped[str | None] = mapped_column(String(500))
    exceptional_circumstances: Mapped[str | None] = mapped_column(Text)
    reconvene_on: Mapped[date | None] = mapped_column(Date)
    adjournment_reason: Mapped[str | None] = mapped_column(Text)
    held_on: Mapped[date | None] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    participation_code: Mapped[str | None] = mapped_column(String(3))
    plans_considered: Mapped[list[str] | None] = mapped_column(JSON)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    # RULES.md §6 [003]: the child's wishes as data: who, where, chairing, how (a JSON
    # object; API.md "The child's own review"). The prose kept before is in
    # `child_wishes_recorded`, no longer written.
    child_wishes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    child_wishes_recorded: Mapped[str | None] = mapped_column(Text)
    # RULES.md §2: a child protection review's outcome, `continue` or `end`.
    outcome: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Milestone(IdMixin, Base):
    """A dated task around a review, or of the plan itself when `review_id` is null."""

    __tablename__ = "milestones"
    __table_args__ = (
        Index("ix_milestones_review_id", "review_id"),
        Index("ix_milestones_plan_id", "plan_id"),
        Index("ix_milestones_status_due_by", "status", "due_by"),
        # One authority's open milestones side by side, with what the board reads of them:
        # the board reads this index, not the table (issue 12, migration 0011).
        Index(
            "ix_milestones_la_status_due",
            "local_authority",
            "status",
            "due_by",
            "id",
            postgresql_include=["plan_id", "review_id", "kind"],
        ),
    )

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"))
    # The plan's authority, copied as a review copies it, so that one authority's milestones
    # are found without reading the country's (issue 12). Set wherever a milestone is made.
    local_authority: Mapped[str] = mapped_column(String(20))
    review_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reviews.id"))
    kind: Mapped[str] = mapped_column(String(40))
    due_by: Mapped[date] = mapped_column(Date)
    owner_role: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=MilestoneStatus.PENDING.value)
    completed_on: Mapped[date | None] = mapped_column(Date)
    # RULES.md §5: withdrawn because the authority turned its kind off; turning the kind back
    # on reopens it (and no milestone a chair marked not applicable).
    withdrawn_by_policy: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class Attendee(IdMixin, Base):
    """Someone invited to (or deliberately not invited to) a review (RULES.md §6)."""

    __tablename__ = "attendees"
    __table_args__ = (Index("ix_attendees_review_id", "review_id"),)

    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reviews.id"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    has_parental_responsibility: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    contribution_mode: Mapped[str | None] = mapped_column(String(30))
    invited_on: Mapped[date | None] = mapped_column(Date)
    reply: Mapped[str | None] = mapped_column(String(20))
    attended: Mapped[bool | None] = mapped_column(Boolean)
    not_invited_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Action(IdMixin, Base):
    """A decision of a review recorded as a SMART action (RULES.md §7)."""

    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_review_id", "review_id"),
        Index("ix_actions_status_due_by", "status", "due_by"),
    )

    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reviews.id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN.value)
    done_on: Mapped[date | None] = mapped_column(Date)
    # Why an open action was withdrawn (its plan ended, RULES.md §3).
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
