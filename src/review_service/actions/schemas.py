"""Request and response bodies of the action endpoints (RULES.md §7)."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.limits import LongText, ShortText


class ActionStatus(StrEnum):
    """Whether a review's decision has been carried out."""

    OPEN = "open"
    DONE = "done"


class ActionCreate(BaseModel):
    """A decision of a held review, recorded as a SMART action with an owner and a due date."""

    model_config = ConfigDict(extra="forbid")

    description: LongText
    owner: ShortText = Field(description="Who is to carry it out (a name or a role).")
    due_by: CalendarDate = Field(description="Not before the review was held.")


class ActionUpdate(BaseModel):
    """Fields of an action to change; an absent or `null` field is unchanged except
    `done_on`, which only goes with status `done` (default: today)."""

    model_config = ConfigDict(extra="forbid")

    description: LongText | None = None
    owner: ShortText | None = None
    due_by: CalendarDate | None = Field(default=None, description="Not before the review was held.")
    status: ActionStatus | None = None
    done_on: CalendarDate | None = Field(
        default=None,
        description="When it was done: between the review and today; defaults to today.",
    )


class ActionOut(BaseModel):
    """One decision of a review and whether it has been carried out."""

    id: uuid.UUID
    review_id: uuid.UUID
    plan_id: uuid.UUID
    description: str
    owner: str
    due_by: dt.date
    status: ActionStatus
    done_on: dt.date | None
    overdue: bool = Field(description="Still open after `due_by` (London date).")
    created_at: dt.datetime
    updated_at: dt.datetime


class ActionList(BaseModel):
    """A page of a review's actions, by due date."""

    items: list[ActionOut]
    next_cursor: str | None
