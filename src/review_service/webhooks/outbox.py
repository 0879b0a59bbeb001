"""Writing webhook messages in the transaction of the change that causes them.

A message and one delivery row per matching subscription commit with the state change, or
not at all: nothing is lost between "it changed" and "someone will be told".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.models import Delivery, OutboxMessage, WebhookSubscription
from review_service.models.base import new_id
from review_service.webhooks.event_types import EVENT_TYPES


def subscribers(
    session: Session, event_type: str, local_authority: str | None
) -> list[WebhookSubscription]:
    """Active subscriptions that want `event_type` from `local_authority`."""
    return SubscriberCache(session).matching(event_type, local_authority)


class SubscriberCache:
    """Active subscriptions read once for a batch of messages (the timer job fires
    thousands in one transaction)."""

    def __init__(self, session: Session) -> None:
        self._all = list(
            session.scalars(
                select(WebhookSubscription).where(WebhookSubscription.status == "active")
            )
        )

    def matching(self, event_type: str, local_authority: str | None) -> list[WebhookSubscription]:
        """Subscriptions that want `event_type` from `local_authority`."""
        return [sub for sub in self._all if _wants(sub, event_type, local_authority)]


def _wants(sub: WebhookSubscription, event_type: str, local_authority: str | None) -> bool:
    return (event_type in sub.event_types or "*" in sub.event_types) and (
        sub.local_authority is None or sub.local_authority == local_authority
    )


def publish(
    session: Session,
    event_type: str,
    data: dict[str, Any],
    local_authority: str | None,
    now: datetime,
    *,
    only: WebhookSubscription | None = None,
    exclude: object = None,
    cache: SubscriberCache | None = None,
) -> OutboxMessage:
    """Write a message and its deliveries; `only` targets one subscription (a test ping),
    `exclude` leaves one out (a failing subscription is not told of its own failure)."""
    if event_type not in EVENT_TYPES:
        # The documented set (OpenAPI `webhooks`) is the set that can be sent.
        raise ValueError(f"undocumented webhook event type {event_type!r}")
    message = OutboxMessage(
        id=new_id(),
        event_type=event_type,
        local_authority=local_authority,
        payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
        created_at=now,
    )
    # The id is chosen here, so no flush per message: the message and its deliveries go in
    # with the transaction's next flush, batched with the other messages of the unit (the
    # timer job publishes a thousand at a time).
    session.add(message)
    if only is not None:
        targets = [only]
    elif cache is not None:
        targets = cache.matching(event_type, local_authority)
    else:
        targets = subscribers(session, event_type, local_authority)
    for subscription in targets:
        if subscription.id == exclude:
            continue
        session.add(
            Delivery(
                message_id=message.id,
                subscription_id=subscription.id,
                webhook_id=f"msg_{message.id.hex}_{subscription.id.hex[:8]}",
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return message
