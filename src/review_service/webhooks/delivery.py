"""The delivery worker: claim due deliveries, sign and send them, record every attempt.

Claiming takes a short lease in its own transaction (`FOR UPDATE SKIP LOCKED` on
PostgreSQL), so workers in several processes share the outbox and none holds a row lock
while waiting on a receiver. A worker that dies mid-send leaves its lease to lapse; the
message is then sent again with the same `webhook-id` (at least once, never lost).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from review_service.clock import Clock
from review_service.domain.retries import DEFAULT_RETRY_SCHEDULE, Outcome, after_attempt
from review_service.models import Delivery, DeliveryAttempt, OutboxMessage, WebhookSubscription
from review_service.observability.metrics import DELIVERY_OUTCOMES
from review_service.webhooks.outbox import publish
from review_service.webhooks.signing import webhook_headers

logger = logging.getLogger("review_service.webhooks")
LEASE = timedelta(seconds=60)
ATTEMPT_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class Job:
    """Everything needed to send one delivery without touching the database."""

    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    webhook_id: str
    event_type: str
    url: str
    secrets: list[str]
    body: str
    attempts_before: int


@dataclass(frozen=True, slots=True)
class Result:
    """How an attempt ended."""

    job: Job
    status_code: int | None
    latency_ms: int
    error: str | None
    retry_after: timedelta | None


def claim(session: Session, now: datetime, limit: int) -> list[Job]:
    """Lease up to `limit` due deliveries to this worker."""
    query = (
        select(
            Delivery.id,
            Delivery.message_id,
            Delivery.subscription_id,
            Delivery.webhook_id,
            Delivery.attempts,
        )
        .where(
            Delivery.status == "pending",
            Delivery.next_attempt_at <= now,
            (Delivery.leased_until.is_(None)) | (Delivery.leased_until < now),
        )
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    deliveries = session.execute(query).all()
    if not deliveries:
        return []
    # One UPDATE and two IN loads for the batch, not a flush and two lookups per delivery.
    session.execute(
        update(Delivery)
        .where(Delivery.id.in_([d.id for d in deliveries]))
        .values(leased_until=now + LEASE),
        execution_options={"synchronize_session": False},
    )
    messages = {
        m.id: m
        for m in session.execute(
            select(OutboxMessage.id, OutboxMessage.event_type, OutboxMessage.payload).where(
                OutboxMessage.id.in_({d.message_id for d in deliveries})
            )
        )
    }
    subscriptions = {
        s.id: s
        for s in session.scalars(
            select(WebhookSubscription).where(
                WebhookSubscription.id.in_({d.subscription_id for d in deliveries})
            )
        )
    }
    jobs = []
    for delivery in deliveries:
        message = messages[delivery.message_id]
        subscription = subscriptions[delivery.subscription_id]
        secrets = [subscription.secret]
        if (
            subscription.previous_secret
            and subscription.previous_secret_expires_at
            and subscription.previous_secret_expires_at > now
        ):
            secrets.append(subscription.previous_secret)  # rotation: both sign for 24 h
        jobs.append(
            Job(
                delivery.id,
                subscription.id,
                delivery.webhook_id,
                message.event_type,
                subscription.url,
                secrets,
                json.dumps(message.payload, separators=(",", ":"), sort_keys=True),
                delivery.attempts,
            )
        )
    return jobs


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    if not value:
        return None
    try:
        return timedelta(seconds=max(0, int(value)))
    except ValueError:
        try:
            return max(timedelta(0), parsedate_to_datetime(value) - now)
        except (TypeError, ValueError):
            return None


def send(client: httpx.Client, job: Job, now: datetime) -> Result:
    """One signed POST; never raises."""
    started = time.perf_counter()
    try:
        response = client.post(
            job.url,
            content=job.body.encode(),
            headers=webhook_headers(job.secrets, job.webhook_id, now, job.body),
        )
        status, error = response.status_code, None
        retry_after = _retry_after(response.headers.get("retry-after"), now)
    except httpx.HTTPError as exc:
        status, error, retry_after = None, f"{type(exc).__name__}: {exc}"[:500], None
    latency = int((time.perf_counter() - started) * 1000)
    # Structured log per attempt: ids and outcome only, never a child's details.
    logger.info(
        json.dumps(
            {
                "msg": "webhook attempt",
                "webhook_id": job.webhook_id,
                "subscription_id": str(job.subscription_id),
                "event_type": job.event_type,
                "attempt": job.attempts_before + 1,
                "status_code": status,
                "latency_ms": latency,
                "error": error,
            }
        )
    )
    return Result(job, status, latency, error, retry_after)


def record(
    session: Session,
    result: Result,
    now: datetime,
    schedule: tuple[int, ...] = DEFAULT_RETRY_SCHEDULE,
) -> Outcome:
    """Store an attempt and move the delivery on (delivered, retry, failed, gone)."""
    delivery = session.get(Delivery, result.job.delivery_id)
    if delivery is None or delivery.status != "pending":
        return Outcome.DELIVERED if delivery and delivery.status == "delivered" else Outcome.FAILED
    delivery.attempts += 1
    delivery.leased_until = None
    delivery.last_status_code = result.status_code
    delivery.last_error = result.error
    session.add(
        DeliveryAttempt(
            delivery_id=delivery.id,
            attempted_at=now,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            error=result.error,
        )
    )
    step = after_attempt(
        result.status_code,
        delivery.attempts,
        now,
        retry_after=result.retry_after,
        schedule=schedule,
    )
    DELIVERY_OUTCOMES.labels(step.outcome.value).inc()
    if step.outcome is Outcome.DELIVERED:
        delivery.status, delivery.delivered_at = "delivered", now
    elif step.outcome is Outcome.RETRY:
        assert step.retry_at is not None
        delivery.next_attempt_at = step.retry_at
    else:
        delivery.status = "failed"
        subscription = session.get(WebhookSubscription, delivery.subscription_id)
        assert subscription is not None
        if step.outcome is Outcome.GONE:
            _disable(session, subscription, "the receiver answered 410 Gone", now)
        _announce_failing(session, subscription, delivery, now)
    return step.outcome


def _disable(
    session: Session, subscription: WebhookSubscription, reason: str, now: datetime
) -> None:
    subscription.status = "disabled"
    subscription.disabled_reason = reason
    subscription.updated_at = now
    session.execute(
        update(Delivery)
        .where(Delivery.subscription_id == subscription.id, Delivery.status == "pending")
        .values(status="failed", last_error="subscription disabled")
    )


def _announce_failing(
    session: Session, subscription: WebhookSubscription, delivery: Delivery, now: datetime
) -> None:
    publish(
        session,
        "subscription.failing",
        {
            "subscription_id": str(subscription.id),
            "url": subscription.url,
            "status": subscription.status,
            "failed_webhook_id": delivery.webhook_id,
            "last_status_code": delivery.last_status_code,
        },
        subscription.local_authority,
        now,
        exclude=subscription.id,
    )


def deliver_due(
    sessions: sessionmaker[Session],
    clock: Clock,
    *,
    batch: int = 200,
    concurrency: int = 16,
    schedule: tuple[int, ...] = DEFAULT_RETRY_SCHEDULE,
    client: httpx.Client | None = None,
) -> int:
    """Claim, send and record one batch of due deliveries; returns how many were attempted."""
    now = clock.now()
    with sessions() as session, session.begin():
        jobs = claim(session, now, batch)
    if not jobs:
        return 0
    owned = client is None
    # Keep-alive pool at least as wide as the concurrency: past httpx's default of 20, a known
    # httpcore race (encode/httpcore#1110) can fail an attempt the receiver already got.
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    sender = client or httpx.Client(timeout=ATTEMPT_TIMEOUT, follow_redirects=False, limits=limits)
    # Every attempt must end before the lease lapses, or another worker may claim and send
    # the same message meanwhile (a slow batch: 200 jobs, 16 at a time, 15 s each, outlasts
    # the 60 s lease). Jobs the batch reaches too late are left to the next claim.
    last_start = now + LEASE - timedelta(seconds=2 * ATTEMPT_TIMEOUT)

    def attempt(job: Job) -> Result | None:
        at = clock.now()
        return send(sender, job, at) if at <= last_start else None

    try:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(jobs))) as pool:
            results = [result for result in pool.map(attempt, jobs) if result is not None]
    finally:
        if owned:
            sender.close()
    with sessions() as session, session.begin():
        for result in results:
            record(session, result, clock.now(), schedule)
    return len(results)
