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
from review_service.domain.events import EventType
from review_service.domain.milestones import MilestoneKind
from review_service.domain.regions import Region

# Strict: `true`, `3.0` or `"3"` is not a number of months or days.
Months = Annotated[int, Field(strict=True, ge=1, le=12)]
OversightMonths = Annotated[int, Field(strict=True, ge=1, le=24)]
DayCount = Annotated[int, Field(strict=True, ge=0, le=60)]
ReminderDays = Annotated[list[DayCount], Field(max_length=5)]

Weeks = Annotated[int, Field(strict=True, ge=1, le=26)]
LetterMonths = Annotated[int, Field(strict=True, ge=1, le=12)]

OverrideValue = int | str | list[int] | list[str]

# One description per policy value, shared by the overrides and the values in force.
_POLICY_DESCRIPTIONS = {
    "region": "Bank-holiday region of the authority.",
    "child_in_need_review_interval_months": (
        "Months between child in need reviews unless the group sets another (RULES.md §2)."
    ),
    "early_help_review_interval_months": (
        "Months between early help reviews unless the group sets another (RULES.md §2)."
    ),
    "management_oversight_months": (
        "Months a child in need plan is open before management oversight is due (RULES.md §2)."
    ),
    "child_consultation_working_days_before": (
        "Working days before a review by which the child is consulted (RULES.md §5)."
    ),
    "social_worker_consults_iro_working_days_before": (
        "Working days before a review by which the social worker consults the IRO (RULES.md §5)."
    ),
    "invitations_working_days_before": (
        "Working days before a review by which invitations go out (RULES.md §5)."
    ),
    "child_visit_days_before": (
        "Days before a review by which the social worker visits the child (RULES.md §5)."
    ),
    "carer_report_days_before": (
        "Days before a review by which the carer's report is in (RULES.md §5)."
    ),
    "social_worker_report_days_before": (
        "Days before a review by which the social worker's report is in (RULES.md §5)."
    ),
    "chair_meets_child_days_before": (
        "Days before a review by which the chair meets the child (RULES.md §5)."
    ),
    "iro_appointed_working_days": (
        "Working days after a plan starts by which an IRO is appointed (RULES.md §5)."
    ),
    "decisions_record_working_days": (
        "Working days after a review by which its decisions are recorded (RULES.md §5)."
    ),
    "notes_distributed_working_days": (
        "Working days after a review by which its notes are distributed (RULES.md §5)."
    ),
    "care_plan_updated_working_days": (
        "Working days after a review by which the care plan is updated (RULES.md §5)."
    ),
    "full_record_working_days": (
        "Working days after a review by which its full record is written (RULES.md §5)."
    ),
    "record_distributed_working_days": (
        "Working days after a review by which its record is distributed (RULES.md §5)."
    ),
    "consideration_working_days": (
        "Working days the chair has to consider a significant event (RULES.md §4)."
    ),
    "disruption_meeting_working_days": (
        "Working days after an unplanned ending to hold a disruption meeting (RULES.md §2)."
    ),
    "review_reminder_working_days": "Working days before a review's `due_by` to remind.",
    "milestone_reminder_working_days": "Working days before a milestone's `due_by` to remind.",
    "escalation_level_2_working_days": (
        "Working days after `due_by` at which an overdue item escalates to level 2 (RULES.md §8)."
    ),
    "escalation_level_3_working_days": (
        "Working days after `due_by` at which an overdue item escalates to level 3 (RULES.md §8)."
    ),
    "conference_reminder_working_days": (
        "Working days before an initial conference's `conference_due_by` to remind."
    ),
    "core_group_interval_weeks": (
        "Weeks from a core group to the next one (RULES.md §2; default 6)."
    ),
    "chair_contacts_social_worker_days_before": (
        "Days before a review by which the chair asks the social worker how the child wants "
        "it to run (RULES.md §5 [003])."
    ),
    "letter_to_child_working_days": (
        "Working days after a review by which the chair's letter to the child is sent "
        "(RULES.md §5 [003])."
    ),
    "carer_letter_months": (
        "Months between the carer's letters to the child: the first counted from the plan's "
        "start, each next from the day the last was due (RULES.md §5 [003])."
    ),
    "milestones_off": (
        "Milestone kinds the authority does not keep (RULES.md §5). Statutory kinds cannot be "
        "turned off (422); the All About Me kinds [003] are off by default. Turning a kind off "
        "withdraws its open milestones (`not_applicable`); turning it back on reopens those "
        "(never one marked not applicable by hand) and opens any an open plan lacks."
    ),
    "in_care_event_types": (
        "Event types that touch only the child's in-care plans (looked_after, short_breaks, "
        "pathway); every other type opens a consideration on every open plan (RULES.md §4)."
    ),
    "local_authority": "Code of the local authority.",
    "updated_at": "When the overrides last changed; null if never set.",
    "updated_by": "The token name that last changed them; null if never set.",
}


class PolicyOverrides(BaseModel):
    """An authority's complete set of overrides. It replaces the previous set: a field left out
    (or null) takes RULES.md's default, so `{}` resets the authority to the defaults."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"child_in_need_review_interval_months": 6, "review_reminder_working_days": [20, 5]}
            ]
        },
    )

    region: Region | None = Field(default=None, description="Bank-holiday region.")
    child_in_need_review_interval_months: Months | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["child_in_need_review_interval_months"]
    )
    early_help_review_interval_months: Months | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["early_help_review_interval_months"]
    )
    management_oversight_months: OversightMonths | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["management_oversight_months"]
    )
    child_consultation_working_days_before: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["child_consultation_working_days_before"]
    )
    social_worker_consults_iro_working_days_before: DayCount | None = Field(
        default=None,
        description=_POLICY_DESCRIPTIONS["social_worker_consults_iro_working_days_before"],
    )
    invitations_working_days_before: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["invitations_working_days_before"]
    )
    child_visit_days_before: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["child_visit_days_before"]
    )
    carer_report_days_before: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["carer_report_days_before"]
    )
    social_worker_report_days_before: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["social_worker_report_days_before"]
    )
    chair_meets_child_days_before: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["chair_meets_child_days_before"]
    )
    iro_appointed_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["iro_appointed_working_days"]
    )
    decisions_record_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["decisions_record_working_days"]
    )
    notes_distributed_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["notes_distributed_working_days"]
    )
    care_plan_updated_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["care_plan_updated_working_days"]
    )
    full_record_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["full_record_working_days"]
    )
    record_distributed_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["record_distributed_working_days"]
    )
    consideration_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["consideration_working_days"]
    )
    disruption_meeting_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["disruption_meeting_working_days"]
    )
    review_reminder_working_days: ReminderDays | None = Field(
        default=None, description="Working days before a review's `due_by` to remind."
    )
    milestone_reminder_working_days: ReminderDays | None = Field(
        default=None, description="Working days before a milestone's `due_by` to remind."
    )
    escalation_level_2_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["escalation_level_2_working_days"]
    )
    escalation_level_3_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["escalation_level_3_working_days"]
    )
    conference_reminder_working_days: ReminderDays | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["conference_reminder_working_days"]
    )
    core_group_interval_weeks: Weeks | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["core_group_interval_weeks"]
    )
    chair_contacts_social_worker_days_before: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["chair_contacts_social_worker_days_before"]
    )
    letter_to_child_working_days: DayCount | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["letter_to_child_working_days"]
    )
    carer_letter_months: LetterMonths | None = Field(
        default=None, description=_POLICY_DESCRIPTIONS["carer_letter_months"]
    )
    milestones_off: list[MilestoneKind] | None = Field(
        default=None,
        max_length=len(MilestoneKind),
        description=_POLICY_DESCRIPTIONS["milestones_off"],
    )
    in_care_event_types: list[EventType] | None = Field(
        default=None,
        max_length=len(EventType),
        description=_POLICY_DESCRIPTIONS["in_care_event_types"],
    )


class PolicyValues(BaseModel):
    """Every policy value in force (RULES.md's defaults with the overrides applied)."""

    region: Region = Field(description=_POLICY_DESCRIPTIONS["region"])
    child_in_need_review_interval_months: int = Field(
        description=_POLICY_DESCRIPTIONS["child_in_need_review_interval_months"]
    )
    early_help_review_interval_months: int = Field(
        description=_POLICY_DESCRIPTIONS["early_help_review_interval_months"]
    )
    management_oversight_months: int = Field(
        description=_POLICY_DESCRIPTIONS["management_oversight_months"]
    )
    child_consultation_working_days_before: int = Field(
        description=_POLICY_DESCRIPTIONS["child_consultation_working_days_before"]
    )
    social_worker_consults_iro_working_days_before: int = Field(
        description=_POLICY_DESCRIPTIONS["social_worker_consults_iro_working_days_before"]
    )
    invitations_working_days_before: int = Field(
        description=_POLICY_DESCRIPTIONS["invitations_working_days_before"]
    )
    child_visit_days_before: int = Field(
        description=_POLICY_DESCRIPTIONS["child_visit_days_before"]
    )
    carer_report_days_before: int = Field(
        description=_POLICY_DESCRIPTIONS["carer_report_days_before"]
    )
    social_worker_report_days_before: int = Field(
        description=_POLICY_DESCRIPTIONS["social_worker_report_days_before"]
    )
    chair_meets_child_days_before: int = Field(
        description=_POLICY_DESCRIPTIONS["chair_meets_child_days_before"]
    )
    iro_appointed_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["iro_appointed_working_days"]
    )
    decisions_record_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["decisions_record_working_days"]
    )
    notes_distributed_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["notes_distributed_working_days"]
    )
    care_plan_updated_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["care_plan_updated_working_days"]
    )
    full_record_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["full_record_working_days"]
    )
    record_distributed_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["record_distributed_working_days"]
    )
    consideration_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["consideration_working_days"]
    )
    disruption_meeting_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["disruption_meeting_working_days"]
    )
    review_reminder_working_days: list[int] = Field(
        description=_POLICY_DESCRIPTIONS["review_reminder_working_days"]
    )
    milestone_reminder_working_days: list[int] = Field(
        description=_POLICY_DESCRIPTIONS["milestone_reminder_working_days"]
    )
    escalation_level_2_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["escalation_level_2_working_days"]
    )
    escalation_level_3_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["escalation_level_3_working_days"]
    )
    conference_reminder_working_days: list[int] = Field(
        description=_POLICY_DESCRIPTIONS["conference_reminder_working_days"]
    )
    core_group_interval_weeks: int = Field(
        description=_POLICY_DESCRIPTIONS["core_group_interval_weeks"]
    )
    chair_contacts_social_worker_days_before: int = Field(
        description=_POLICY_DESCRIPTIONS["chair_contacts_social_worker_days_before"]
    )
    letter_to_child_working_days: int = Field(
        description=_POLICY_DESCRIPTIONS["letter_to_child_working_days"]
    )
    carer_letter_months: int = Field(description=_POLICY_DESCRIPTIONS["carer_letter_months"])
    milestones_off: list[MilestoneKind] = Field(description=_POLICY_DESCRIPTIONS["milestones_off"])
    in_care_event_types: list[EventType] = Field(
        description=_POLICY_DESCRIPTIONS["in_care_event_types"]
    )


class PolicyOut(PolicyValues):
    """The policy one local authority works to."""

    id: uuid.UUID = Field(description="Stable id of this policy; its `resource_id` in the audit.")
    local_authority: str = Field(description=_POLICY_DESCRIPTIONS["local_authority"])
    overrides: dict[str, OverrideValue] = Field(
        description="Only the values this authority overrides."
    )
    version: int = Field(description="0 while the authority has never set overrides.")
    updated_at: dt.datetime | None = Field(description=_POLICY_DESCRIPTIONS["updated_at"])
    updated_by: str | None = Field(description=_POLICY_DESCRIPTIONS["updated_by"])
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
