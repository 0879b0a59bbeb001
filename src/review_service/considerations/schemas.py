"""Request and response bodies of the consideration endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.domain.deadlines import ConsiderationStatus
from review_service.domain.events import EventType
from review_service.limits import Reason
from review_service.reviews.schemas import ReviewOut


class ConsiderationOut(BaseModel):
    """A chair's task to decide on an event (RULES.md §4)."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    local_authority: str = Field(description="Code of the local authority the record belongs to.")
    child_id: uuid.UUID = Field(description="The child this concerns.")
    plan_id: uuid.UUID = Field(description="The plan this belongs to.")
    review_id: uuid.UUID | None = Field(
        description="The pending review it may bring forward, or null."
    )
    event_id: uuid.UUID | None = Field(
        description="The significant event that gave rise to it, or null."
    )
    event_type: EventType = Field(description="The type of the event the chair is to consider.")
    chair_id: str | None = Field(description="The record system's id of the chair (IRO), if known.")
    status: ConsiderationStatus = Field(
        description="`open` until the chair decides, then `decided`; `withdrawn` if the "
        "plan ended first."
    )
    due_by: dt.date = Field(description="The chair decides by this date (RULES.md §4).")
    overdue: bool = Field(description="Open after `due_by`.")
    opened_at: dt.datetime = Field(description="When it was opened.")
    decided_at: dt.datetime | None = Field(
        description="When the chair decided, or null while open."
    )
    decided_by: str | None = Field(
        description="The token name that recorded the decision, or null while open."
    )
    bring_forward_to: dt.date | None = Field(
        description="The date the chair brought the review forward to, or null."
    )
    reason: str | None = Field(
        description="The chair's reason, or null while open; for a withdrawn one, why "
        "(`plan ended: ...`)."
    )


class ConsiderationList(BaseModel):
    """A page of considerations by due date."""

    items: list[ConsiderationOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )


class DecisionRequest(BaseModel):
    """The chair's decision: bring the review forward to a date, or no change (null)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "bring_forward_to": "2026-04-10",
                    "reason": "Placement at risk: review the care plan sooner.",
                }
            ]
        },
    )

    bring_forward_to: CalendarDate | None = Field(
        description="The date to bring the review forward to, or null for no change."
    )
    reason: Reason = Field(description="The chair's reason for the decision.")


class DecisionResponse(ConsiderationOut):
    """The decided consideration and the review after the decision."""

    review: ReviewOut | None = Field(
        description="The review after the decision, or null when the plan has none pending."
    )
