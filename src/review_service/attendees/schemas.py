"""Request and response bodies of the attendee endpoints (RULES.md §6)."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.domain.attendance import AttendeeRole, ContributionMode, Reply
from review_service.limits import Reason, ShortText
from review_service.reviews.schemas import FindingOut

_NOT_INVITED = (
    "Why this person is deliberately not invited, e.g. that inviting them would increase risk "
    "(RULES.md §6 [002]). Cannot go with `invited_on`."
)
_ATTENDED = "Only once the review is scheduled, adjourned or held."


class AttendeeCreate(BaseModel):
    """Someone invited to a review, or deliberately not invited."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText
    role: AttendeeRole
    has_parental_responsibility: bool = False
    needs_interpreter: bool = False
    contribution_mode: ContributionMode | None = None
    invited_on: CalendarDate | None = Field(default=None, description="Not in the future.")
    reply: Reply | None = None
    attended: bool | None = Field(default=None, description=_ATTENDED)
    not_invited_reason: Reason | None = Field(default=None, description=_NOT_INVITED)


class AttendeeUpdate(BaseModel):
    """Fields of an attendee to change. An absent field is unchanged; `null` clears the
    nullable ones and leaves `name`, `role` and the two flags unchanged."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    role: AttendeeRole | None = None
    has_parental_responsibility: bool | None = None
    needs_interpreter: bool | None = None
    contribution_mode: ContributionMode | None = None
    invited_on: CalendarDate | None = Field(default=None, description="Not in the future.")
    reply: Reply | None = None
    attended: bool | None = Field(default=None, description=_ATTENDED)
    not_invited_reason: Reason | None = Field(default=None, description=_NOT_INVITED)


class AttendeeOut(BaseModel):
    """One person listed for a review."""

    id: uuid.UUID
    review_id: uuid.UUID
    name: str
    role: AttendeeRole
    has_parental_responsibility: bool
    needs_interpreter: bool
    contribution_mode: ContributionMode | None
    invited_on: dt.date | None
    reply: Reply | None
    attended: bool | None
    not_invited_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AttendeeList(BaseModel):
    """A page of a review's attendees, in the order they were listed."""

    items: list[AttendeeOut]
    next_cursor: str | None


class AttendanceCheck(BaseModel):
    """Who guidance expects at the review and is missing (RULES.md §6: warned, never refused)."""

    review_id: uuid.UUID
    review_date: dt.date = Field(
        description="The date ages are taken on: held, else reconvening, scheduled or due."
    )
    warnings: list[FindingOut]
