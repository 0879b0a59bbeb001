"""Read queries on webhook subscriptions and their delivery logs (the sending side's queries
live with it, in webhooks/delivery.py)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.models import Delivery, DeliveryAttempt, OutboxMessage, WebhookSubscription
from review_service.pagination import Keyset, Page
from review_service.visibility import within_authority

# A subscription's delivery log, newest first.
DELIVERIES = Keyset(Delivery.created_at, Delivery.id, descending=True)


def subscriptions_of(session: Session, principal: Principal) -> list[WebhookSubscription]:
    """Subscriptions the token may see, oldest first."""
    query = select(WebhookSubscription).order_by(WebhookSubscription.created_at)
    query = within_authority(query, WebhookSubscription.local_authority, principal)
    return list(session.scalars(query))


def deliveries_page(
    session: Session, subscription_id: uuid.UUID, cursor: str | None, limit: int
) -> Page[Row[tuple[Delivery, str]]]:
    """One page of a subscription's deliveries, newest first, each with its event type."""
    query = (
        select(Delivery, OutboxMessage.event_type)
        .join(OutboxMessage, OutboxMessage.id == Delivery.message_id)
        .where(Delivery.subscription_id == subscription_id)
    )
    rows = list(session.execute(DELIVERIES.select(query, cursor, limit)))
    return DELIVERIES.page(rows, limit, _delivery_of)


def _delivery_of(row: Row[Any]) -> Delivery:
    delivery: Delivery = row[0]
    return delivery


def attempts_of(
    session: Session, delivery_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[DeliveryAttempt]]:
    """Every attempt of each delivery, oldest first."""
    attempts: dict[uuid.UUID, list[DeliveryAttempt]] = {
        delivery_id: [] for delivery_id in delivery_ids
    }
    if attempts:
        for attempt in session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
            .order_by(DeliveryAttempt.attempted_at)
        ):
            attempts[attempt.delivery_id].append(attempt)
    return attempts
