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

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000)
    event_types: list[EventTypeName] = Field(min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(default=None, max_length=500)

    _url = field_validator("url")(_check_url)


class SubscriptionUpdate(BaseModel):
    """Fields of a subscription that can change."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=1, max_length=2000)
    event_types: list[EventTypeName] | None = Field(
        default=None, min_length=1, max_length=len(EVENT_TYPES)
    )
    description: str | None = Field(default=None, max_length=500)
    status: Literal["active", "disabled"] | None = None

    @field_validator("url")
    @classmethod
    def _valid_url(cls, url: str | None) -> str | None:
        return None if url is None else _check_url(url)


class SubscriptionOut(BaseModel):
    """A subscription (its secret is shown only when created or rotated)."""

    id: uuid.UUID
    url: str
    event_types: list[str]
    description: str | None
    local_authority: str | None
    status: Literal["active", "disabled"]
    disabled_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class SubscriptionWithSecret(SubscriptionOut):
    """A subscription and its signing secret, shown once."""

    secret: str = Field(description="`whsec_` + base64 key: verify `webhook-signature` with it.")


class SubscriptionList(BaseModel):
    """Subscriptions the token may see."""

    items: list[SubscriptionOut]


class AttemptOut(BaseModel):
    """One HTTP attempt of a delivery."""

    attempted_at: dt.datetime
    status_code: int | None
    latency_ms: int
    error: str | None


class DeliveryOut(BaseModel):
    """A message's delivery to one subscription, with every attempt."""

    id: uuid.UUID
    webhook_id: str
    event_type: str
    status: Literal["pending", "delivered", "failed"]
    attempts: list[AttemptOut]
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None


class DeliveryList(BaseModel):
    """A page of deliveries, newest first."""

    items: list[DeliveryOut]
    next_cursor: str | None
