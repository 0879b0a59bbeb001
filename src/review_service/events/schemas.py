"""Request and response bodies of the event endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate, CalendarDateTime
from review_service.domain.events import EffectKind, EventType
from review_service.limits import ExternalId, LocalAuthorityCode, LongText, ShortText

EventSource = ShortText


class EventCreate(BaseModel):
    """A significant event. Name the child by `child_id` or by `child_external_id`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "source": "mosaic",
                    "event_id": "evt-88123",
                    "child_id": "3f2b6c1e-8d4a-4b7e-9c2f-1a5e7d9b0c42",
                    "type": "placement_change_proposed",
                    "occurred_at": "2026-03-02T10:15:00+00:00",
                    "effective_date": "2026-03-20",
                    "summary": "Move to a new foster placement proposed.",
                }
            ]
        },
    )

    source: EventSource = Field(description="The feed or system that sent the event.")
    event_id: ShortText = Field(description="The sender's id; with `source`, unique.")
    child_id: uuid.UUID | None = Field(
        default=None, description="The service's id of the child; or give `child_external_id`."
    )
    child_external_id: ExternalId | None = Field(
        default=None, description="The record system's id of the child; instead of `child_id`."
    )
    local_authority: LocalAuthorityCode | None = Field(
        default=None,
        description="With `child_external_id` and a token not bound to an authority.",
    )
    type: EventType = Field(description="The kind of significant event (RULES.md §4).")
    occurred_at: CalendarDateTime = Field(description="When the event happened, with an offset.")
    effective_date: CalendarDate | None = Field(
        default=None,
        description="Required for care_plan_change_proposed and placement_change_proposed.",
    )
    summary: LongText | None = Field(
        default=None, description="A short account, with no personal details."
    )


class EffectOut(BaseModel):
    """What an event changed or created."""

    kind: EffectKind = Field(description="What the event did.")
    plan_id: uuid.UUID = Field(description="The plan affected.")
    review_id: uuid.UUID | None = Field(
        description="The review brought forward or considered, or null."
    )
    consideration_id: uuid.UUID | None = Field(description="The consideration opened, or null.")
    meeting_id: uuid.UUID | None = Field(description="The disruption meeting created, or null.")
    before: dt.date | None = Field(description="The review's due date before, if it moved.")
    after: dt.date | None = Field(description="The due date after (or of what was created).")


class EventOut(BaseModel):
    """A stored event and its effects."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    source: str = Field(description="The feed or system that sent the event.")
    event_id: str = Field(description="The sender's id; with `source`, unique.")
    child_id: uuid.UUID = Field(description="The child this concerns.")
    local_authority: str = Field(description="Code of the local authority the record belongs to.")
    type: EventType = Field(description="The kind of significant event (RULES.md §4).")
    occurred_at: dt.datetime = Field(description="When the event happened, with an offset.")
    effective_date: dt.date | None = Field(
        description="The date a proposed change takes effect, or null."
    )
    summary: str | None = Field(
        description="A short account of the event, with no personal details."
    )
    received_at: dt.datetime = Field(description="When the service received the event.")
    effects: list[EffectOut] = Field(description="What the event changed or created.")


class EventList(BaseModel):
    """A child's events, newest first."""

    items: list[EventOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )
