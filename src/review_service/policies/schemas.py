"""Request and response bodies of the policy endpoints.

The field names are those of `domain.policy.Policy`; the defaults live there alone (RULES.md:
a policy value is never hard-coded twice), so these models carry bounds and types only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from review_service.calendar.schemas import RecomputeOut
from review_service.domain.regions import Region

# Strict: `true`, `3.0` or `"3"` is not a number of months or days.
Months = Annotated[int, Field(strict=True, ge=1, le=12)]
OversightMonths = Annotated[int, Field(strict=True, ge=1, le=24)]
DayCount = Annotated[int, Field(strict=True, ge=0, le=60)]
ReminderDays = Annotated[list[DayCount], Field(max_length=5)]

OverrideValue = int | str | list[int]


class PolicyOverrides(BaseModel):
    """An authority's complete set of overrides. It replaces the previous set: a field left out
    (or null) takes RULES.md's default, so `{}` resets the authority to the defaults."""

    model_config = ConfigDict(extra="forbid")

    region: Region | None = Field(default=None, description="Bank-holiday region.")
    child_in_need_review_interval_months: Months | None = None
    early_help_review_interval_months: Months | None = None
    management_oversight_months: OversightMonths | None = None
    child_consultation_working_days_before: DayCount | None = None
    social_worker_consults_iro_working_days_before: DayCount | None = None
    invitations_working_days_before: DayCount | None = None
    child_visit_days_before: DayCount | None = None
    carer_report_days_before: DayCount | None = None
    social_worker_report_days_before: DayCount | None = None
    chair_meets_child_days_before: DayCount | None = None
    iro_appointed_working_days: DayCount | None = None
    decisions_record_working_days: DayCount | None = None
    notes_distributed_working_days: DayCount | None = None
    care_plan_updated_working_days: DayCount | None = None
    full_record_working_days: DayCount | None = None
    record_distributed_working_days: DayCount | None = None
    consideration_working_days: DayCount | None = None
    disruption_meeting_working_days: DayCount | None = None
    review_reminder_working_days: ReminderDays | None = Field(
        default=None, description="Working days before a review's `due_by` to remind."
    )
    milestone_reminder_working_days: ReminderDays | None = Field(
        default=None, description="Working days before a milestone's `due_by` to remind."
    )
    escalation_level_2_working_days: DayCount | None = None
    escalation_level_3_working_days: DayCount | None = None


class PolicyValues(BaseModel):
    """Every policy value in force (RULES.md's defaults with the overrides applied)."""

    region: Region
    child_in_need_review_interval_months: int
    early_help_review_interval_months: int
    management_oversight_months: int
    child_consultation_working_days_before: int
    social_worker_consults_iro_working_days_before: int
    invitations_working_days_before: int
    child_visit_days_before: int
    carer_report_days_before: int
    social_worker_report_days_before: int
    chair_meets_child_days_before: int
    iro_appointed_working_days: int
    decisions_record_working_days: int
    notes_distributed_working_days: int
    care_plan_updated_working_days: int
    full_record_working_days: int
    record_distributed_working_days: int
    consideration_working_days: int
    disruption_meeting_working_days: int
    review_reminder_working_days: list[int]
    milestone_reminder_working_days: list[int]
    escalation_level_2_working_days: int
    escalation_level_3_working_days: int


class PolicyOut(PolicyValues):
    """The policy one local authority works to."""

    id: uuid.UUID = Field(description="Stable id of this policy; its `resource_id` in the audit.")
    local_authority: str
    overrides: dict[str, OverrideValue] = Field(
        description="Only the values this authority overrides."
    )
    version: int = Field(description="0 while the authority has never set overrides.")
    updated_at: dt.datetime | None
    updated_by: str | None
    recompute: RecomputeOut | None = Field(
        default=None,
        description="The re-derivation of open deadlines the last change of a policy value "
        "queued: `pending` until the scheduler's recompute job has run, then `done` with the "
        "count; null if the authority never changed a value.",
    )


class PolicyChangeOut(PolicyOut):
    """The policy after a change, and what the change does to open deadlines."""

    plans_recomputed: int = Field(description="Open plans of the authority to re-derive.")
    deadlines_moved: int | None = Field(
        description="Open deadlines whose date changed; null while the recompute is pending."
    )
    recompute: RecomputeOut = Field(
        description="The re-derivation of the authority's open deadlines, queued for the "
        "scheduler's recompute job as a calendar change's is. An authority with at most 500 "
        "open plans has it applied within the change (`done`, 200); a larger one answers 202 "
        "with it `pending`: GET the policy to see it `done` with its count."
    )
