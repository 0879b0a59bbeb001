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

    model_config = ConfigDict(extra="forbid")

    source: EventSource = Field(description="The feed or system that sent the event.")
    event_id: ShortText = Field(description="The sender's id; with `source`, unique.")
    child_id: uuid.UUID | None = None
    child_external_id: ExternalId | None = None
    local_authority: LocalAuthorityCode | None = Field(
        default=None,
        description="With `child_external_id` and a token not bound to an authority.",
    )
    type: EventType
    occurred_at: CalendarDateTime
    effective_date: CalendarDate | None = Field(
        default=None,
        description="Required for care_plan_change_proposed and placement_change_proposed.",
    )
    summary: LongText | None = None


class EffectOut(BaseModel):
    """What an event changed or created."""

    kind: EffectKind
    plan_id: uuid.UUID
    review_id: uuid.UUID | None
    consideration_id: uuid.UUID | None
    meeting_id: uuid.UUID | None
    before: dt.date | None = Field(description="The review's due date before, if it moved.")
    after: dt.date | None = Field(description="The due date after (or of what was created).")


class EventOut(BaseModel):
    """A stored event and its effects."""

    id: uuid.UUID
    source: str
    event_id: str
    child_id: uuid.UUID
    local_authority: str
    type: EventType
    occurred_at: dt.datetime
    effective_date: dt.date | None
    summary: str | None
    received_at: dt.datetime
    effects: list[EffectOut]


class EventList(BaseModel):
    """A child's events, newest first."""

    items: list[EventOut]
    next_cursor: str | None
