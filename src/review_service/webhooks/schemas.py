"""Request and response bodies of the webhook subscription endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from review_service.webhooks.event_types import EVENT_TYPES
from review_service.webhooks.urls import url_problem

EventTypeName = Literal[EVENT_TYPES]  # type: ignore[valid-type]


def _check_url(url: str) -> str:
    problem = url_problem(url)
    if problem:
        raise ValueError(problem)
    return url


class SubscriptionCreate(BaseModel):
    """A receiver and the event types it wants."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://iro-dashboard.example.org/hooks/review-service",
                    "event_types": ["review.due_soon", "review.overdue"],
                    "description": "IRO dashboard",
                }
            ]
        },
    )

    url: str = Field(
        min_length=1,
        max_length=2000,
        description="The receiver's address; deliveries are POSTed to it.",
    )
    event_types: list[EventTypeName] = Field(
        min_length=1,
        max_length=len(EVENT_TYPES),
        description="The webhook event types it receives (`*` for every type).",
    )
    description: str | None = Field(
        default=None, max_length=500, description="What the receiver is, for the operator."
    )

    _url = field_validator("url")(_check_url)


class SubscriptionUpdate(BaseModel):
    """Fields of a subscription that can change."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "disabled"}]}
    )

    url: str | None = Field(
        default=None, min_length=1, max_length=2000, description="The receiver's new address."
    )
    event_types: list[EventTypeName] | None = Field(
        default=None,
        min_length=1,
        max_length=len(EVENT_TYPES),
        description="The event types it receives from now on.",
    )
    description: str | None = Field(
        default=None, max_length=500, description="What the receiver is, for the operator."
    )
    status: Literal["active", "disabled"] | None = Field(
        default=None, description="`active`, or `disabled` to stop deliveries."
    )

    @field_validator("url")
    @classmethod
    def _valid_url(cls, url: str | None) -> str | None:
        return None if url is None else _check_url(url)


class SubscriptionOut(BaseModel):
    """A subscription (its secret is shown only when created or rotated)."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    url: str = Field(description="The receiver's address; deliveries are POSTed to it.")
    event_types: list[str] = Field(
        description="The webhook event types it receives (`*` for every type)."
    )
    description: str | None = Field(description="What the receiver is, for the operator.")
    local_authority: str | None = Field(
        description="The authority whose events it receives; null for all."
    )
    status: Literal["active", "disabled"] = Field(
        description="`active`, or `disabled` (by hand or after failures)."
    )
    disabled_reason: str | None = Field(description="Why the subscription was disabled, or null.")
    created_at: dt.datetime = Field(description="When the record was created.")
    updated_at: dt.datetime = Field(description="When the record last changed.")


class SubscriptionWithSecret(SubscriptionOut):
    """A subscription and its signing secret, shown once."""

    secret: str = Field(description="`whsec_` + base64 key: verify `webhook-signature` with it.")


class SubscriptionList(BaseModel):
    """Subscriptions the token may see."""

    items: list[SubscriptionOut] = Field(description="The entries of this page.")


class AttemptOut(BaseModel):
    """One HTTP attempt of a delivery."""

    attempted_at: dt.datetime = Field(description="When the attempt was made.")
    status_code: int | None = Field(
        description="The receiver's HTTP status, or null if none came back."
    )
    latency_ms: int = Field(description="How long the receiver took to answer, in milliseconds.")
    error: str | None = Field(
        description="What went wrong, if the attempt failed without a status code."
    )


class DeliveryOut(BaseModel):
    """A message's delivery to one subscription, with every attempt."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    webhook_id: str = Field(description="The `webhook-id` header, the same across retries.")
    event_type: str = Field(description="The webhook event type of the message.")
    status: Literal["pending", "delivered", "failed"] = Field(
        description="`pending`, `delivered` or `failed`."
    )
    attempts: list[AttemptOut] = Field(description="Every HTTP attempt, oldest first.")
    next_attempt_at: dt.datetime | None = Field(
        description="When it is next tried, or null when no try is left."
    )
    created_at: dt.datetime = Field(
        description="When the message was queued for this subscription."
    )
    delivered_at: dt.datetime | None = Field(description="When a receiver answered 2xx, or null.")


class DeliveryList(BaseModel):
    """A page of deliveries, newest first."""

    items: list[DeliveryOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )
