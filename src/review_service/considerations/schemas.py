"""Request and response bodies of the consideration endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from review_service.domain.events import EventType
from review_service.limits import Reason
from review_service.reviews.schemas import ReviewOut

# `withdrawn`: its plan ended before the chair decided (RULES.md §3 "Ending a plan").
ConsiderationStatus = Literal["open", "decided", "withdrawn"]


class ConsiderationOut(BaseModel):
    """A chair's task to decide on an event (RULES.md §4)."""

    id: uuid.UUID
    local_authority: str
    child_id: uuid.UUID
    plan_id: uuid.UUID
    review_id: uuid.UUID | None
    event_id: uuid.UUID | None
    event_type: EventType
    chair_id: str | None
    status: ConsiderationStatus
    due_by: dt.date
    overdue: bool = Field(description="Open after `due_by`.")
    opened_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    bring_forward_to: dt.date | None
    reason: str | None = Field(
        description="The chair's reason; for a withdrawn one, why (`plan ended: ...`)."
    )


class ConsiderationList(BaseModel):
    """A page of considerations by due date."""

    items: list[ConsiderationOut]
    next_cursor: str | None


class DecisionRequest(BaseModel):
    """The chair's decision: bring the review forward to a date, or no change (null)."""

    model_config = ConfigDict(extra="forbid")

    bring_forward_to: dt.date | None
    reason: Reason


class DecisionResponse(ConsiderationOut):
    """The decided consideration and the review after the decision."""

    review: ReviewOut | None
