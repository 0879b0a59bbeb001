"""Request and response bodies of the event endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, WithJsonSchema

from review_service.domain.events import EffectKind, EventType
from review_service.limits import ExternalId, LocalAuthorityCode, LongText, ShortText
from review_service.problems import Problem

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
    occurred_at: AwareDatetime
    effective_date: dt.date | None = Field(
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


MAX_BATCH = 500  # events per POST /v1/events/batch: a nightly feed's chunk, bounded


class EventBatch(BaseModel):
    """Up to 500 events. Each is checked on its own: a bad one is answered `rejected` and the
    others go ahead."""

    model_config = ConfigDict(extra="forbid")

    events: list[
        Annotated[dict[str, Any], WithJsonSchema({"$ref": "#/components/schemas/EventCreate"})]
    ] = Field(min_length=1, max_length=MAX_BATCH)


class Outcome(StrEnum):
    """What became of one event of a batch."""

    CREATED = "created"  # stored, with its effects (POST /v1/events would answer 201)
    REPEAT = "repeat"  # received before: the first answer again (200)
    CONFLICT = "conflict"  # the same source + event_id with a different body (409)
    REJECTED = "rejected"  # not valid, or of an unknown child (its problem document)


class EventOutcome(BaseModel):
    """One event's outcome, at its position in the batch."""

    index: int = Field(description="The event's position in `events`, from 0.")
    outcome: Outcome
    status: int = Field(description="What POST /v1/events would have answered.")
    event: EventOut | None = Field(description="The stored event (created or repeat).")
    problem: Problem | None = Field(description="Why it was not stored (conflict or rejected).")


class EventBatchOut(BaseModel):
    """Each event's outcome, in the order sent."""

    outcomes: list[EventOutcome]
