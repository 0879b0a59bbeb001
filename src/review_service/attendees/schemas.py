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

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Sam Taylor",
                    "role": "carer",
                    "invited_on": "2026-03-02",
                    "contribution_mode": "in_person",
                }
            ]
        },
    )

    name: ShortText = Field(description="The person's name.")
    role: AttendeeRole = Field(description="The part the person plays at the review.")
    has_parental_responsibility: bool = Field(
        default=False, description="Whether the person holds parental responsibility."
    )
    needs_interpreter: bool = Field(
        default=False, description="Whether the person needs an interpreter."
    )
    contribution_mode: ContributionMode | None = Field(
        default=None, description="How the person contributes (RULES.md §6)."
    )
    invited_on: CalendarDate | None = Field(default=None, description="Not in the future.")
    reply: Reply | None = Field(default=None, description="The person's answer to the invitation.")
    attended: bool | None = Field(default=None, description=_ATTENDED)
    not_invited_reason: Reason | None = Field(default=None, description=_NOT_INVITED)


class AttendeeUpdate(BaseModel):
    """Fields of an attendee to change. An absent field is unchanged; `null` clears the
    nullable ones and leaves `name`, `role` and the two flags unchanged."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reply": "accepted"}]}
    )

    name: ShortText | None = Field(default=None, description="The person's name.")
    role: AttendeeRole | None = Field(
        default=None, description="The part the person plays at the review."
    )
    has_parental_responsibility: bool | None = Field(
        default=None, description="Whether the person holds parental responsibility."
    )
    needs_interpreter: bool | None = Field(
        default=None, description="Whether the person needs an interpreter."
    )
    contribution_mode: ContributionMode | None = Field(
        default=None, description="How the person contributes (RULES.md §6)."
    )
    invited_on: CalendarDate | None = Field(default=None, description="Not in the future.")
    reply: Reply | None = Field(default=None, description="The person's answer to the invitation.")
    attended: bool | None = Field(default=None, description=_ATTENDED)
    not_invited_reason: Reason | None = Field(default=None, description=_NOT_INVITED)


class AttendeeOut(BaseModel):
    """One person listed for a review."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    review_id: uuid.UUID = Field(description="The review this belongs to.")
    name: str = Field(description="The person's name.")
    role: AttendeeRole = Field(description="The part the person plays at the review.")
    has_parental_responsibility: bool = Field(
        description="Whether the person holds parental responsibility."
    )
    needs_interpreter: bool = Field(description="Whether the person needs an interpreter.")
    contribution_mode: ContributionMode | None = Field(
        description="How the person contributes (RULES.md §6)."
    )
    invited_on: dt.date | None = Field(description="When the person was invited, or null.")
    reply: Reply | None = Field(description="The person's answer to the invitation.")
    attended: bool | None = Field(
        description="Whether the person attended, or null if not yet known."
    )
    not_invited_reason: str | None = Field(
        description="Why the person is deliberately not invited, or null."
    )
    created_at: dt.datetime = Field(description="When the record was created.")
    updated_at: dt.datetime = Field(description="When the record last changed.")


class AttendeeList(BaseModel):
    """A page of a review's attendees, in the order they were listed."""

    items: list[AttendeeOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )


class AttendanceCheck(BaseModel):
    """Who guidance expects at the review and is missing (RULES.md §6: warned, never refused)."""

    review_id: uuid.UUID = Field(description="The review checked.")
    review_date: dt.date = Field(
        description="The date ages are taken on: held, else reconvening, scheduled or due."
    )
    warnings: list[FindingOut] = Field(
        description="What guidance expects and is missing; warned, never refused."
    )
