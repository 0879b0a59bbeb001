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

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "child_id": "3f2b6c1e-8d4a-4b7e-9c2f-1a5e7d9b0c42",
                    "type": "looked_after",
                    "start_date": "2026-03-02",
                    "chair_id": "iro-17",
                }
            ]
        },
    )

    child_id: uuid.UUID = Field(description="The child the plan is for.")
    type: PlanType = Field(
        description="The kind of plan; it fixes the review series (RULES.md §2)."
    )
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

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"chair_id": "iro-22"}]}
    )

    review_interval_months: IntervalMonths | None = Field(
        default=None, description="child_in_need and early_help only: the new interval."
    )
    chair_id: PersonId | None = Field(default=None, description="The new IRO or chair.")


class PlanEnd(BaseModel):
    """End a plan: its pending reviews are cancelled."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"end_date": "2026-06-30", "reason": "Returned home to parents."}]
        },
    )

    end_date: CalendarDate = Field(
        description="The date the plan ended; not before its start or in the future."
    )
    reason: Reason = Field(description="Why the plan ended.")


class PlanOut(BaseModel):
    """A plan, its next review and its open plan-level milestones."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    child_id: uuid.UUID = Field(description="The child this concerns.")
    local_authority: str = Field(description="Code of the local authority the record belongs to.")
    type: PlanType = Field(description="The kind of plan (RULES.md §2).")
    start_date: dt.date = Field(description="The date the plan started.")
    review_interval_months: int | None = Field(
        description="The interval in force (child_in_need / early_help), else null."
    )
    chair_id: str | None = Field(
        description="The record system's id of the IRO or chair, if known."
    )
    status: str = Field(description="`open` or `ended`.")
    end_date: dt.date | None = Field(description="The date the plan ended, or null while open.")
    end_reason: str | None = Field(description="Why the plan ended, or null while open.")
    history_complete: bool = Field(
        description="False for an imported plan whose start and earlier reviews are unknown "
        "(it began before the files); true once earlier files complete it or an IRO confirms it."
    )
    next_review: ReviewOut | None = Field(
        description="The pending review of the series, or null once ended."
    )
    milestones: list[MilestoneOut] = Field(
        description="Open plan-level milestones: iro_appointed, management_oversight."
    )
    created_at: dt.datetime = Field(description="When the record was created.")
    updated_at: dt.datetime = Field(description="When the record last changed.")


class PlanList(BaseModel):
    """A page of plans."""

    items: list[PlanOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )


class PlanReviews(BaseModel):
    """A plan's reviews in series order."""

    items: list[ReviewOut] = Field(description="Every review of the plan, by `sequence`.")


class PlanConfirmHistory(BaseModel):
    """An IRO's confirmation that the plan's review history is complete as recorded."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "Checked against the case file."}]},
    )

    reason: Reason = Field(description="Why the history is known to be complete (audited).")
