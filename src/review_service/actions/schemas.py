"""Request and response bodies of the action endpoints (RULES.md §7)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.domain.deadlines import ActionStatus
from review_service.limits import LongText, ShortText

__all__ = ["ActionCreate", "ActionList", "ActionOut", "ActionStatus", "ActionUpdate"]


class ActionCreate(BaseModel):
    """A decision of a held review, recorded as a SMART action with an owner and a due date."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "description": "Arrange a dental check.",
                    "owner": "Social worker",
                    "due_by": "2026-04-17",
                }
            ]
        },
    )

    description: LongText = Field(description="The decision as a SMART action.")
    owner: ShortText = Field(description="Who is to carry it out (a name or a role).")
    due_by: CalendarDate = Field(description="Not before the review was held.")


class ActionUpdate(BaseModel):
    """Fields of an action to change; an absent or `null` field is unchanged except
    `done_on`, which only goes with status `done` (default: today)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"status": "done", "done_on": "2026-04-10"}]},
    )

    description: LongText | None = Field(
        default=None, description="The decision as a SMART action."
    )
    owner: ShortText | None = Field(
        default=None, description="Who is to carry it out (a name or a role)."
    )
    due_by: CalendarDate | None = Field(default=None, description="Not before the review was held.")
    status: Literal[ActionStatus.OPEN, ActionStatus.DONE] | None = Field(
        default=None, description="`open` or `done`; `withdrawn` is set only by ending the plan."
    )
    done_on: CalendarDate | None = Field(
        default=None,
        description="When it was done: between the review and today; defaults to today.",
    )


class ActionOut(BaseModel):
    """One decision of a review and whether it has been carried out."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    review_id: uuid.UUID = Field(description="The held review that decided it.")
    plan_id: uuid.UUID = Field(description="The plan this belongs to.")
    description: str = Field(description="The decision as a SMART action.")
    owner: str = Field(description="Who is to carry it out (a name or a role).")
    due_by: dt.date = Field(description="The date it is due by (London date).")
    status: ActionStatus = Field(
        description="`open`, `done`, or `withdrawn` (its plan ended while it was open)."
    )
    done_on: dt.date | None = Field(description="When it was done, or null.")
    withdrawn_reason: str | None = Field(
        default=None, description="Why it was withdrawn, e.g. `plan ended: ...`; else null."
    )
    overdue: bool = Field(description="Still open after `due_by` (London date).")
    created_at: dt.datetime = Field(description="When the record was created.")
    updated_at: dt.datetime = Field(description="When the record last changed.")


class ActionList(BaseModel):
    """A page of a review's actions, by due date."""

    items: list[ActionOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )
