"""Webhook subscription use cases; each runs in the request's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.audit.service import audit
from review_service.auth import Principal
from review_service.domain.destinations import DestinationPolicy
from review_service.models import Delivery, DeliveryAttempt, OutboxMessage, WebhookSubscription
from review_service.pagination import Page
from review_service.problems import Conflict, InvalidRequest, NotFound
from review_service.webhooks import repository
from review_service.webhooks.outbox import publish, subscriptions_changed
from review_service.webhooks.schemas import SubscriptionCreate, SubscriptionUpdate
from review_service.webhooks.signing import new_secret
from review_service.webhooks.urls import url_problem

ROTATION_OVERLAP = timedelta(hours=24)


def visible_subscription(
    session: Session, principal: Principal, subscription_id: uuid.UUID
) -> WebhookSubscription:
    """A subscription of the token's authority (an unbound token sees all)."""
    subscription = session.get(WebhookSubscription, subscription_id)
    if subscription is None or not principal.can_see(subscription.local_authority):
        raise NotFound(f"no webhook subscription {subscription_id}")
    return subscription


def _check_destination(url: str, destinations: DestinationPolicy) -> None:
    # The schema refused what every deployment refuses; this adds the deployment's own
    # choices (loopback, private). Connect time checks again, with the name resolved.
    problem = url_problem(url, destinations)
    if problem:
        raise InvalidRequest(f"url: {problem}")


def create_subscription(
    session: Session,
    principal: Principal,
    body: SubscriptionCreate,
    now: datetime,
    destinations: DestinationPolicy,
) -> WebhookSubscription:
    """A new subscription, scoped to the token's authority, with a fresh secret."""
    _check_destination(body.url, destinations)
    subscription = WebhookSubscription(
        url=body.url,
        event_types=sorted(set(body.event_types)),
        description=body.description,
        local_authority=principal.local_authority,
        secret=new_secret(),
        status="active",
        created_by=principal.token_name,
        created_at=now,
        updated_at=now,
    )
    session.add(subscription)
    session.flush()
    subscriptions_changed(session)
    audit(
        session,
        principal,
        now,
        "webhook_subscription.created",
        subscription,
        {"url": body.url, "event_types": subscription.event_types},
    )
    return subscription


def list_subscriptions(session: Session, principal: Principal) -> list[WebhookSubscription]:
    """Subscriptions the token may see, oldest first."""
    return repository.subscriptions_of(session, principal)


def update_subscription(
    session: Session,
    principal: Principal,
    subscription_id: uuid.UUID,
    body: SubscriptionUpdate,
    now: datetime,
    destinations: DestinationPolicy,
) -> WebhookSubscription:
    """Change the URL, event types, description, or enable/disable."""
    subscription = visible_subscription(session, principal, subscription_id)
    if body.url is not None:
        _check_destination(body.url, destinations)
    changes: dict[str, object] = {}
    if body.url is not None and body.url != subscription.url:
        changes["url"] = (subscription.url, body.url)
        subscription.url = body.url
    if body.event_types is not None:
        types = sorted(set(body.event_types))
        changes["event_types"] = (subscription.event_types, types)
        subscription.event_types = types
    if "description" in body.model_fields_set:
        subscription.description = body.description
    if body.status is not None and body.status != subscription.status:
        changes["status"] = (subscription.status, body.status)
        subscription.status = body.status
        subscription.disabled_reason = (
            "disabled by its owner" if body.status == "disabled" else None
        )
    subscription.updated_at = now
    session.flush()
    subscriptions_changed(session)
    audit(session, principal, now, "webhook_subscription.updated", subscription, changes)
    return subscription


def rotate_secret(
    session: Session, principal: Principal, subscription_id: uuid.UUID, now: datetime
) -> WebhookSubscription:
    """A new secret; the old one keeps signing alongside it for 24 hours."""
    subscription = visible_subscription(session, principal, subscription_id)
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_expires_at = now + ROTATION_OVERLAP
    subscription.secret = new_secret()
    subscription.updated_at = now
    session.flush()
    audit(session, principal, now, "webhook_subscription.secret_rotated", subscription, {})
    return subscription


def delete_subscription(
    session: Session, principal: Principal, subscription_id: uuid.UUID, now: datetime
) -> None:
    """Delete a subscription and its delivery log."""
    subscription = visible_subscription(session, principal, subscription_id)
    audit(
        session,
        principal,
        now,
        "webhook_subscription.deleted",
        subscription,
        {"url": subscription.url},
    )
    deliveries = select(Delivery.id).where(Delivery.subscription_id == subscription.id)
    for attempt in session.scalars(
        select(DeliveryAttempt).where(DeliveryAttempt.delivery_id.in_(deliveries))
    ):
        session.delete(attempt)
    for delivery in session.scalars(
        select(Delivery).where(Delivery.subscription_id == subscription.id)
    ):
        session.delete(delivery)
    session.delete(subscription)
    subscriptions_changed(session)
    session.flush()


def send_test(
    session: Session, principal: Principal, subscription_id: uuid.UUID, now: datetime
) -> Delivery:
    """Queue a `ping` to this subscription only."""
    subscription = visible_subscription(session, principal, subscription_id)
    if subscription.status != "active":
        raise Conflict("the subscription is disabled")
    message = publish(
        session,
        "ping",
        {"subscription_id": str(subscription.id)},
        subscription.local_authority,
        now,
        only=subscription,
    )
    session.flush()
    delivery = session.scalar(select(Delivery).where(Delivery.message_id == message.id))
    assert delivery is not None
    return delivery


def list_deliveries(
    session: Session,
    principal: Principal,
    subscription_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
) -> Page[tuple[Delivery, str, list[DeliveryAttempt]]]:
    """The delivery log of a subscription, newest first, with every attempt."""
    subscription = visible_subscription(session, principal, subscription_id)
    page = repository.deliveries_page(session, subscription.id, cursor, limit)
    attempts = repository.attempts_of(session, [row[0].id for row in page.items])
    return Page([(d, event_type, attempts[d.id]) for d, event_type in page.items], page.next_cursor)


def retry_delivery(
    session: Session,
    principal: Principal,
    subscription_id: uuid.UUID,
    delivery_id: uuid.UUID,
    now: datetime,
) -> tuple[Delivery, str]:
    """Send a delivery again now (same `webhook-id`), whatever its state: the delivery and
    its message's event type."""
    subscription = visible_subscription(session, principal, subscription_id)
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription.id:
        raise NotFound(f"subscription {subscription_id} has no delivery {delivery_id}")
    if subscription.status != "active":
        raise Conflict("the subscription is disabled; enable it first")
    delivery.status, delivery.next_attempt_at, delivery.leased_until = "pending", now, None
    session.flush()
    message = session.get(OutboxMessage, delivery.message_id)
    return delivery, message.event_type if message else ""
