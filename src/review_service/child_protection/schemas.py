"""Request and response bodies of the child protection enquiry endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.domain.child_protection import ConferenceOutcome, EnquiryStatus
from review_service.limits import PersonId
from review_service.plans.schemas import PlanOut


class EnquiryCreate(BaseModel):
    """A strategy discussion that started section 47 enquiries (RULES.md §2)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "child_id": "3f2b6c1e-8d4a-4b7e-9c2f-1a5e7d9b0c42",
                    "strategy_discussion_on": "2026-03-02",
                    "chair_id": "cp-chair-4",
                }
            ]
        },
    )

    child_id: uuid.UUID = Field(description="The child the enquiries are about.")
    strategy_discussion_on: CalendarDate = Field(
        description="The date of the strategy discussion; the initial conference is due "
        "within 15 working days of it."
    )
    chair_id: PersonId | None = Field(
        default=None, description="The conference chair, if already known."
    )


class ConferenceRecord(BaseModel):
    """The initial child protection conference as held."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"held_on": "2026-03-20", "outcome": "plan", "chair_id": "cp-chair-4"}]
        },
    )

    held_on: CalendarDate = Field(
        description="The date the conference was held; not before the strategy discussion, "
        "not in the future."
    )
    outcome: ConferenceOutcome = Field(
        description="`plan`: a child protection plan starts on `held_on`; `no_plan`: none."
    )
    chair_id: PersonId | None = Field(
        default=None, description="The chair, who also chairs the plan's reviews."
    )


class EnquiryOut(BaseModel):
    """An enquiry and its initial conference."""

    id: uuid.UUID = Field(description="The service's id of this enquiry.")
    child_id: uuid.UUID = Field(description="The child this concerns.")
    local_authority: str = Field(description="Code of the local authority the record belongs to.")
    strategy_discussion_on: dt.date = Field(description="The date of the strategy discussion.")
    conference_due_by: dt.date = Field(
        description="Strategy discussion + 15 working days (RULES.md §2)."
    )
    status: EnquiryStatus = Field(description="`open` until the conference is recorded.")
    overdue: bool = Field(description="Still open after `conference_due_by`.")
    late: bool = Field(description="The conference was held after `conference_due_by`.")
    chair_id: str | None = Field(description="The conference chair, or null.")
    held_on: dt.date | None = Field(description="The date of the conference, or null.")
    outcome: ConferenceOutcome | None = Field(description="The conference's outcome, or null.")
    plan_id: uuid.UUID | None = Field(description="The plan the conference opened, or null.")
    created_at: dt.datetime = Field(description="When the record was created.")
    updated_at: dt.datetime = Field(description="When the record last changed.")


class ConferenceOut(EnquiryOut):
    """The enquiry after its conference, with the plan it opened."""

    plan: PlanOut | None = Field(
        description="For outcome `plan`: the new child_protection plan with its next review "
        "and its `first_core_group` milestone; else null."
    )


class EnquiryList(BaseModel):
    """A page of enquiries ordered by `conference_due_by`."""

    items: list[EnquiryOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )
