"""Request and response bodies of the meeting endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.domain.deadlines import MeetingStatus
from review_service.limits import PersonId


class MeetingOut(BaseModel):
    """A disruption meeting: due within 5 working days of an unplanned ending."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    kind: Literal["disruption"] = Field(
        description="`disruption`: after an unplanned ending of a placement."
    )
    local_authority: str = Field(description="Code of the local authority the record belongs to.")
    child_id: uuid.UUID = Field(description="The child this concerns.")
    plan_id: uuid.UUID = Field(description="The plan this belongs to.")
    event_id: uuid.UUID | None = Field(description="The event that reported the ending, or null.")
    due_by: dt.date = Field(description="It is held by this date (RULES.md §2).")
    status: MeetingStatus = Field(description="`due` until held, then `held`.")
    overdue: bool = Field(description="Still due after `due_by`.")
    chair_role: str = Field(description="Chaired by a manager not involved in the case.")
    chair_id: str | None = Field(description="Who chaired it, once held.")
    invitees: list[str] = Field(description="Who is invited or asked to contribute [001].")
    held_on: dt.date | None = Field(description="The date the meeting was held, or null.")
    created_at: dt.datetime = Field(description="When the record was created.")


class MeetingList(BaseModel):
    """A page of meetings by due date."""

    items: list[MeetingOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )


class HoldRequest(BaseModel):
    """Record that the meeting was held, and who chaired it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"held_on": "2026-03-06", "chair_id": "mgr-204"}]},
    )

    held_on: CalendarDate = Field(description="The date the meeting was held; not in the future.")
    chair_id: PersonId = Field(description="The manager who chaired the meeting.")
