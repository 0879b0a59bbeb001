"""HTTP edge of webhook subscriptions (scope `webhooks`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from review_service import idempotency
from review_service.dependencies import NowDep, SessionDep, WebhooksPrincipal
from review_service.domain.destinations import DestinationPolicy
from review_service.idempotency import IdempotencyKeyHeader, request_fingerprint
from review_service.models import Delivery, DeliveryAttempt, WebhookSubscription
from review_service.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from review_service.problems import problem_responses
from review_service.response_headers import created
from review_service.webhooks import service
from review_service.webhooks.schemas import (
    AttemptOut,
    DeliveryList,
    DeliveryOut,
    SubscriptionCreate,
    SubscriptionList,
    SubscriptionOut,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)
from review_service.webhooks.transport import destination_policy

router = APIRouter(prefix="/v1/webhook-subscriptions", tags=["webhooks"])
_ERRORS = problem_responses(401, 403, 404, 422)


def _destinations(request: Request) -> DestinationPolicy:
    return destination_policy(request.app.state.settings)


DestinationsDep = Annotated[DestinationPolicy, Depends(_destinations)]


def subscription_out(subscription: WebhookSubscription) -> SubscriptionOut:
    """The API view of a subscription, without its secret."""
    return SubscriptionOut(
        id=subscription.id,
        url=subscription.url,
        event_types=list(subscription.event_types),
        description=subscription.description,
        local_authority=subscription.local_authority,
        status="active" if subscription.status == "active" else "disabled",
        disabled_reason=subscription.disabled_reason,
        created_at=subscription.created_at,
        updated_at=subscription.updated_at,
    )


def _with_secret(subscription: WebhookSubscription) -> SubscriptionWithSecret:
    return SubscriptionWithSecret(
        **subscription_out(subscription).model_dump(), secret=subscription.secret
    )


def delivery_out(
    delivery: Delivery, event_type: str, attempts: list[DeliveryAttempt]
) -> DeliveryOut:
    """The API view of a delivery and its attempts."""
    state = delivery.status if delivery.status in {"pending", "delivered"} else "failed"
    return DeliveryOut(
        id=delivery.id,
        webhook_id=delivery.webhook_id,
        event_type=event_type,
        status=state,
        attempts=[
            AttemptOut(
                attempted_at=a.attempted_at,
                status_code=a.status_code,
                latency_ms=a.latency_ms,
                error=a.error,
            )
            for a in attempts
        ],
        next_attempt_at=delivery.next_attempt_at if delivery.status == "pending" else None,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SubscriptionWithSecret,
    responses=created(problem_responses(401, 403, 422), replayable=True),
)
def create(
    session: SessionDep,
    principal: WebhooksPrincipal,
    now: NowDep,
    body: SubscriptionCreate,
    destinations: DestinationsDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> SubscriptionWithSecret:
    """Subscribe a URL to event types; the `whsec_` secret is shown only now. A retry with
    the same `Idempotency-Key` gets the same subscription (and secret) back."""
    claim = idempotency.claim(
        session,
        principal,
        idempotency_key,
        request_fingerprint("POST", "/v1/webhook-subscriptions", body),
        now,
    )
    out = _with_secret(service.create_subscription(session, principal, body, now, destinations))
    response.headers["Location"] = f"/v1/webhook-subscriptions/{out.id}"
    claim.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("", response_model=SubscriptionList, responses=problem_responses(401, 403, 422))
def list_all(session: SessionDep, principal: WebhooksPrincipal) -> SubscriptionList:
    """The token's subscriptions."""
    return SubscriptionList(
        items=[subscription_out(s) for s in service.list_subscriptions(session, principal)]
    )


@router.get("/{subscription_id}", response_model=SubscriptionOut, responses=_ERRORS)
def get(
    session: SessionDep, principal: WebhooksPrincipal, subscription_id: uuid.UUID
) -> SubscriptionOut:
    """A subscription."""
    return subscription_out(service.visible_subscription(session, principal, subscription_id))


@router.patch("/{subscription_id}", response_model=SubscriptionOut, responses=_ERRORS)
def update(
    session: SessionDep,
    principal: WebhooksPrincipal,
    now: NowDep,
    subscription_id: uuid.UUID,
    body: SubscriptionUpdate,
    destinations: DestinationsDep,
) -> SubscriptionOut:
    """Change the URL, event types or description, or set `status` to disable / enable."""
    return subscription_out(
        service.update_subscription(session, principal, subscription_id, body, now, destinations)
    )


@router.post(
    "/{subscription_id}/rotate-secret", response_model=SubscriptionWithSecret, responses=_ERRORS
)
def rotate(
    session: SessionDep, principal: WebhooksPrincipal, now: NowDep, subscription_id: uuid.UUID
) -> SubscriptionWithSecret:
    """A new secret, shown once; the old one keeps signing alongside it for 24 hours."""
    return _with_secret(service.rotate_secret(session, principal, subscription_id, now))


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_ERRORS)
def delete(
    session: SessionDep, principal: WebhooksPrincipal, now: NowDep, subscription_id: uuid.UUID
) -> Response:
    """Delete a subscription and its delivery log."""
    service.delete_subscription(session, principal, subscription_id, now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{subscription_id}/test",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def test(
    session: SessionDep, principal: WebhooksPrincipal, now: NowDep, subscription_id: uuid.UUID
) -> DeliveryOut:
    """Queue a `ping` to this subscription; its delivery shows in the log."""
    return delivery_out(service.send_test(session, principal, subscription_id, now), "ping", [])


@router.get("/{subscription_id}/deliveries", response_model=DeliveryList, responses=_ERRORS)
def deliveries(
    session: SessionDep,
    principal: WebhooksPrincipal,
    subscription_id: uuid.UUID,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> DeliveryList:
    """The delivery log: each message with every attempt's status, latency and code."""
    page = service.list_deliveries(session, principal, subscription_id, limit=limit, cursor=cursor)
    return DeliveryList(
        items=[delivery_out(*row) for row in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/retry",
    response_model=DeliveryOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def retry(
    session: SessionDep,
    principal: WebhooksPrincipal,
    now: NowDep,
    subscription_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> DeliveryOut:
    """Send a delivery again now, with the same `webhook-id`."""
    delivery, event_type = service.retry_delivery(
        session, principal, subscription_id, delivery_id, now
    )
    return delivery_out(delivery, event_type, [])
