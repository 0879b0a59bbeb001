"""Request and response bodies of the review endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate, CalendarDateTime
from review_service.domain.considered_plans import KeyPlan
from review_service.domain.milestones import MilestoneKind, MilestoneStatus
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ParticipationCode, ReviewStatus
from review_service.limits import LongText, Reason, Venue


class MilestoneOut(BaseModel):
    """A dated task around a review (RULES.md §5)."""

    id: uuid.UUID
    kind: MilestoneKind
    due_by: dt.date
    status: MilestoneStatus
    owner_role: str
    completed_on: dt.date | None


class FindingOut(BaseModel):
    """A warning: something guidance expects that is missing."""

    code: str
    message: str
    rule: str


class ReviewOut(BaseModel):
    """One review of a plan's series."""

    id: uuid.UUID
    plan_id: uuid.UUID
    local_authority: str
    plan_type: PlanType
    chair_id: str | None
    sequence: int
    status: ReviewStatus
    due_by: dt.date
    statutory_due_by: dt.date = Field(description="The series date before any bringing forward.")
    brought_forward_to: dt.date | None
    scheduled_for: dt.datetime | None
    venue: str | None
    exceptional_circumstances: str | None
    reconvene_on: dt.date | None
    adjournment_reason: str | None
    held_on: dt.date | None
    late: bool = Field(description="Held, scheduled or reconvening after `due_by`.")
    overdue: bool = Field(description="Still pending after `due_by`.")
    participation_code: ParticipationCode | None
    plans_considered: list[KeyPlan] | None
    cancellation_reason: str | None
    child_wishes: str | None
    milestones: list[MilestoneOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class ReviewList(BaseModel):
    """A page of reviews ordered by `due_by`."""

    items: list[ReviewOut]
    next_cursor: str | None


class ScheduleRequest(BaseModel):
    """When and where the review meets."""

    model_config = ConfigDict(extra="forbid")

    scheduled_for: CalendarDateTime
    venue: Venue | None = None
    exceptional_circumstances: Reason | None = Field(
        default=None, description="Required to schedule after `due_by` (RULES.md §3)."
    )


class BringForwardRequest(BaseModel):
    """Bring the review forward; `due_by` becomes the earlier of the two dates."""

    model_config = ConfigDict(extra="forbid")

    due_by: CalendarDate
    reason: Reason


class AdjournRequest(BaseModel):
    """Adjourn a review that met to a date when all can attend (RULES.md §3)."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason
    reconvene_on: CalendarDate


class CompleteRequest(BaseModel):
    """Record that the review was held."""

    model_config = ConfigDict(extra="forbid")

    held_on: CalendarDate
    participation_code: ParticipationCode | None = Field(
        default=None,
        description="SSDA903 code; required for looked_after and short_breaks unless the "
        "child is under 4 (PN0 is then implied); refused for other plan types.",
    )
    plans_considered: list[KeyPlan] | None = Field(default=None, max_length=len(KeyPlan))
    review_interval_months: int | None = Field(
        default=None,
        ge=1,
        le=12,
        description="child_in_need / early_help: the interval the group set for the next review.",
    )
    child_wishes: LongText | None = None


class CompleteResponse(ReviewOut):
    """The held review, the next one in the series, and any warnings."""

    next_review: ReviewOut | None
    warnings: list[FindingOut]


class CancelRequest(BaseModel):
    """Cancel a review; a replacement at the same place in the series is opened."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason


class CancelResponse(ReviewOut):
    """The cancelled review and its replacement."""

    next_review: ReviewOut | None


class MilestoneUpdate(BaseModel):
    """Mark a milestone done, not applicable, or pending again."""

    model_config = ConfigDict(extra="forbid")

    status: MilestoneStatus = Field(description="`overdue` is derived and cannot be set.")
    completed_on: CalendarDate | None = None
