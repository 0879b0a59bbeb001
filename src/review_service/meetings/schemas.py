"""Request and response bodies of the meeting endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.limits import PersonId


class MeetingOut(BaseModel):
    """A disruption meeting: due within 5 working days of an unplanned ending."""

    id: uuid.UUID
    kind: Literal["disruption"]
    local_authority: str
    child_id: uuid.UUID
    plan_id: uuid.UUID
    event_id: uuid.UUID | None
    due_by: dt.date
    status: Literal["due", "held"]
    overdue: bool
    chair_role: str = Field(description="Chaired by a manager not involved in the case.")
    chair_id: str | None
    invitees: list[str] = Field(description="Who is invited or asked to contribute [001].")
    held_on: dt.date | None
    created_at: dt.datetime


class MeetingList(BaseModel):
    """A page of meetings by due date."""

    items: list[MeetingOut]
    next_cursor: str | None


class HoldRequest(BaseModel):
    """Record that the meeting was held, and who chaired it."""

    model_config = ConfigDict(extra="forbid")

    held_on: CalendarDate
    chair_id: PersonId
