"""Request and response bodies of the plan endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.domain.plan_types import PlanType
from review_service.limits import IntervalMonths, PersonId, Reason
from review_service.reviews.schemas import MilestoneOut, ReviewOut


class PlanCreate(BaseModel):
    """A new plan for a child."""

    model_config = ConfigDict(extra="forbid")

    child_id: uuid.UUID
    type: PlanType
    start_date: CalendarDate = Field(
        description="looked_after: the date the child became looked after; child_protection: "
        "the initial conference; short_breaks: the first short break."
    )
    review_interval_months: IntervalMonths | None = Field(
        default=None, description="child_in_need and early_help only; default from policy."
    )
    chair_id: PersonId | None = Field(default=None, description="The IRO or chair.")


class PlanUpdate(BaseModel):
    """Fields of an open plan that can change."""

    model_config = ConfigDict(extra="forbid")

    review_interval_months: IntervalMonths | None = None
    chair_id: PersonId | None = None


class PlanEnd(BaseModel):
    """End a plan: its pending reviews are cancelled."""

    model_config = ConfigDict(extra="forbid")

    end_date: CalendarDate
    reason: Reason


class PlanOut(BaseModel):
    """A plan, its next review and its open plan-level milestones."""

    id: uuid.UUID
    child_id: uuid.UUID
    local_authority: str
    type: PlanType
    start_date: dt.date
    review_interval_months: int | None = Field(
        description="The interval in force (child_in_need / early_help), else null."
    )
    chair_id: str | None
    status: str = Field(description="`open` or `ended`.")
    end_date: dt.date | None
    end_reason: str | None
    next_review: ReviewOut | None
    milestones: list[MilestoneOut] = Field(
        description="Open plan-level milestones: iro_appointed, management_oversight."
    )
    created_at: dt.datetime
    updated_at: dt.datetime


class PlanList(BaseModel):
    """A page of plans."""

    items: list[PlanOut]
    next_cursor: str | None


class PlanReviews(BaseModel):
    """A plan's reviews in series order."""

    items: list[ReviewOut]
