"""Request and response bodies of the review endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate, CalendarDateTime
from review_service.domain.child_protection import ProtectionReviewOutcome
from review_service.domain.child_wishes import WayToTakePart
from review_service.domain.considered_plans import KeyPlan
from review_service.domain.milestones import MilestoneKind, MilestoneStatus
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ParticipationCode, ReviewStatus
from review_service.limits import Reason, Venue


class ChildWishes(BaseModel):
    """The child's wishes about their own review, as data (RULES.md §6 [003])."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "who": ["foster carer", "IRO"],
                    "where": "a picnic in the park",
                    "chairs_own_review": True,
                    "how": ["creative", "interview"],
                }
            ]
        },
    )

    who: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=30, description="Whom the child wants at the review."
    )
    where: Venue | None = Field(default=None, description="Where the child wants it held.")
    chairs_own_review: bool | None = Field(
        default=None, description="Whether the child chairs their own review."
    )
    how: list[WayToTakePart] = Field(
        default_factory=list,
        max_length=len(WayToTakePart),
        description="How the child wants to take part, from the menu of choices [003].",
    )


class MilestoneOut(BaseModel):
    """A dated task around a review (RULES.md §5)."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    kind: MilestoneKind = Field(description="Which task (RULES.md §5).")
    due_by: dt.date = Field(description="The date it is due by (London date).")
    status: MilestoneStatus = Field(
        description="`pending`, `done`, `not_applicable` or `overdue` (derived)."
    )
    owner_role: str = Field(description="Who is responsible for it, e.g. `social_worker`, `chair`.")
    completed_on: dt.date | None = Field(description="The date it was done, or null.")


class FindingOut(BaseModel):
    """A warning: something guidance expects that is missing."""

    code: str = Field(description="Stable code of the warning.")
    message: str = Field(description="What is missing, in words.")
    rule: str = Field(description="The rule or guidance it comes from, e.g. `RULES.md §6`.")


class ReviewOut(BaseModel):
    """One review of a plan's series."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    plan_id: uuid.UUID = Field(description="The plan this belongs to.")
    local_authority: str = Field(description="Code of the local authority the record belongs to.")
    plan_type: PlanType = Field(description="The type of the review's plan.")
    chair_id: str | None = Field(
        description="The record system's id of the IRO or chair, if known."
    )
    sequence: int = Field(description="Place in the plan's series of reviews: 1, 2, ...")
    status: ReviewStatus = Field(
        description="`due`, `scheduled`, `adjourned`, `held` or `cancelled`."
    )
    due_by: dt.date = Field(
        description="The date the review must be held by (RULES.md §2), after any bringing forward."
    )
    statutory_due_by: dt.date = Field(description="The series date before any bringing forward.")
    brought_forward_to: dt.date | None = Field(
        description="The earlier date it was brought forward to, or null."
    )
    scheduled_for: dt.datetime | None = Field(
        description="When the meeting is arranged for, or null."
    )
    venue: str | None = Field(description="Where it meets, or null.")
    exceptional_circumstances: str | None = Field(
        description="Why it was scheduled after `due_by`, or null."
    )
    reconvene_on: dt.date | None = Field(
        description="The date an adjourned review reconvenes on, or null."
    )
    adjournment_reason: str | None = Field(description="Why the review was adjourned, or null.")
    held_on: dt.date | None = Field(description="The date it was held, or null.")
    late: bool = Field(description="Held, scheduled or reconvening after `due_by`.")
    overdue: bool = Field(description="Still pending after `due_by`.")
    participation_code: ParticipationCode | None = Field(
        description="SSDA903 participation code (PN0-PN7) of a held review, or null."
    )
    plans_considered: list[KeyPlan] | None = Field(
        description="The key plans it considered, or null."
    )
    cancellation_reason: str | None = Field(description="Why the review was cancelled, or null.")
    child_wishes: ChildWishes | None = Field(
        description="The child's wishes about their review (who, where, chairing, how), or null."
    )
    outcome: ProtectionReviewOutcome | None = Field(
        default=None,
        description="A held child_protection review's outcome (`continue` or `end`), or null.",
    )
    milestones: list[MilestoneOut] = Field(description="Its dated tasks (RULES.md §5).")
    created_at: dt.datetime = Field(description="When the record was created.")
    updated_at: dt.datetime = Field(description="When the record last changed.")


class ReviewList(BaseModel):
    """A page of reviews ordered by `due_by`."""

    items: list[ReviewOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )


class ScheduleRequest(BaseModel):
    """When and where the review meets."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"scheduled_for": "2026-03-25T10:00:00+00:00", "venue": "Family centre, room 2"}
            ]
        },
    )

    scheduled_for: CalendarDateTime = Field(description="When the review meets, with an offset.")
    venue: Venue | None = Field(default=None, description="Where it meets.")
    exceptional_circumstances: Reason | None = Field(
        default=None, description="Required to schedule after `due_by` (RULES.md §3)."
    )
    child_wishes: ChildWishes | None = Field(
        default=None, description="The child's wishes about their review, as data."
    )


class BringForwardRequest(BaseModel):
    """Bring the review forward; `due_by` becomes the earlier of the two dates."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"due_by": "2026-03-20", "reason": "Placement change proposed."}]
        },
    )

    due_by: CalendarDate = Field(description="The earlier date the review must be held by.")
    reason: Reason = Field(description="Why the review is brought forward.")


class AdjournRequest(BaseModel):
    """Adjourn a review that met to a date when all can attend (RULES.md §3)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"reason": "The child's mother could not attend.", "reconvene_on": "2026-03-27"}
            ]
        },
    )

    reason: Reason = Field(description="Why, in the practitioner's words.")
    reconvene_on: CalendarDate = Field(
        description="The date an adjourned review reconvenes on, or null."
    )


class CompleteRequest(BaseModel):
    """Record that the review was held."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "held_on": "2026-03-25",
                    "participation_code": "PN1",
                    "plans_considered": ["care_plan", "health_plan"],
                }
            ]
        },
    )

    held_on: CalendarDate = Field(description="The date the review was held; not in the future.")
    participation_code: ParticipationCode | None = Field(
        default=None,
        description="SSDA903 code; required for looked_after and short_breaks unless the "
        "child is under 4 (PN0 is then implied); refused for other plan types.",
    )
    plans_considered: list[KeyPlan] | None = Field(
        default=None, max_length=len(KeyPlan), description="The key plans the review considered."
    )
    review_interval_months: int | None = Field(
        default=None,
        ge=1,
        le=12,
        description="child_in_need / early_help: the interval the group set for the next review.",
    )
    child_wishes: ChildWishes | None = Field(
        default=None, description="The child's wishes about their review, as data."
    )
    outcome: ProtectionReviewOutcome | None = Field(
        default=None,
        description="child_protection only: `continue`, or `end` (the plan then ends from "
        "`held_on`, RULES.md §3).",
    )


class CompleteResponse(ReviewOut):
    """The held review, the next one in the series, and any warnings."""

    next_review: ReviewOut | None = Field(
        description="The next review of the series, or null when there is none."
    )
    warnings: list[FindingOut] = Field(
        description="What guidance expects and is missing; warned, never refused."
    )


class CancelRequest(BaseModel):
    """Cancel a review; a replacement at the same place in the series is opened."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Arranged in error."}]}
    )

    reason: Reason = Field(description="Why the review is cancelled.")


class CancelResponse(ReviewOut):
    """The cancelled review and its replacement."""

    next_review: ReviewOut | None = Field(
        description="The next review of the series, or null when there is none."
    )


class MilestoneUpdate(BaseModel):
    """Mark a milestone done, not applicable, or pending again."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"status": "done", "completed_on": "2026-03-10"}]},
    )

    status: MilestoneStatus = Field(description="`overdue` is derived and cannot be set.")
    completed_on: CalendarDate | None = Field(
        default=None, description="When it was done; only with status `done`."
    )
