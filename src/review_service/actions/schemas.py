"""Request and response bodies of the action endpoints (RULES.md §7)."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from review_service.limits import LongText, ShortText


class ActionStatus(StrEnum):
    """Whether a review's decision has been carried out."""

    OPEN = "open"
    DONE = "done"
    # Set by the service only: the plan ended while it was open (RULES.md §3).
    WITHDRAWN = "withdrawn"


class ActionCreate(BaseModel):
    """A decision of a held review, recorded as a SMART action with an owner and a due date."""

    model_config = ConfigDict(extra="forbid")

    description: LongText
    owner: ShortText = Field(description="Who is to carry it out (a name or a role).")
    due_by: dt.date = Field(description="Not before the review was held.")


class ActionUpdate(BaseModel):
    """Fields of an action to change; an absent or `null` field is unchanged except
    `done_on`, which only goes with status `done` (default: today)."""

    model_config = ConfigDict(extra="forbid")

    description: LongText | None = None
    owner: ShortText | None = None
    due_by: dt.date | None = Field(default=None, description="Not before the review was held.")
    status: Literal[ActionStatus.OPEN, ActionStatus.DONE] | None = Field(
        default=None, description="`withdrawn` is set only by ending the plan."
    )
    done_on: dt.date | None = Field(
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
    withdrawn_reason: str | None = Field(
        default=None, description="Why it was withdrawn, e.g. `plan ended: ...`."
    )
    overdue: bool = Field(description="Still open after `due_by` (London date).")
    created_at: dt.datetime
    updated_at: dt.datetime


class ActionList(BaseModel):
    """A page of a review's actions, by due date."""

    items: list[ActionOut]
    next_cursor: str | None
