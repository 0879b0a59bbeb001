"""Request and response bodies of the event endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from review_service.date_limits import CalendarDate, CalendarDateTime
from review_service.domain.events import EffectKind, EventType
from review_service.limits import ExternalId, LocalAuthorityCode, LongText, ShortText
from review_service.problems import Problem

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


MAX_BATCH = 500  # events per POST /v1/events/batch: a nightly feed's chunk, bounded


class EventBatch(BaseModel):
    """Up to 500 events. Each is checked on its own: a bad one is answered `rejected` and the
    others go ahead."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "events": [
                        {
                            "source": "mosaic",
                            "event_id": "evt-88123",
                            "child_external_id": "MOSAIC-1042",
                            "local_authority": "E09000001",
                            "type": "missing_from_home",
                            "occurred_at": "2026-03-02T22:40:00+00:00",
                        },
                        {
                            "source": "mosaic",
                            "event_id": "evt-88124",
                            "child_external_id": "MOSAIC-2210",
                            "local_authority": "E09000001",
                            "type": "placement_change_proposed",
                            "occurred_at": "2026-03-02T23:05:00+00:00",
                            "effective_date": "2026-03-20",
                        },
                    ]
                }
            ]
        },
    )

    events: list[
        Annotated[dict[str, Any], WithJsonSchema({"$ref": "#/components/schemas/EventCreate"})]
    ] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="The events, each as POST /v1/events takes it; 1 to 500.",
    )


class Outcome(StrEnum):
    """What became of one event of a batch."""

    CREATED = "created"  # stored, with its effects (POST /v1/events would answer 201)
    REPEAT = "repeat"  # received before: the first answer again (200)
    CONFLICT = "conflict"  # the same source + event_id with a different body (409)
    REJECTED = "rejected"  # not valid, or of an unknown child (its problem document)


class EventOutcome(BaseModel):
    """One event's outcome, at its position in the batch."""

    index: int = Field(description="The event's position in `events`, from 0.")
    outcome: Outcome = Field(description="created, repeat, conflict or rejected.")
    status: int = Field(description="What POST /v1/events would have answered.")
    event: EventOut | None = Field(description="The stored event (created or repeat).")
    problem: Problem | None = Field(description="Why it was not stored (conflict or rejected).")


class EventBatchOut(BaseModel):
    """Each event's outcome, in the order sent."""

    outcomes: list[EventOutcome] = Field(description="One per event, in the order sent.")
