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

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from review_service.clock import Clock
from review_service.domain.destinations import DestinationPolicy
from review_service.domain.retries import (
    DEFAULT_RETRY_SCHEDULE,
    Outcome,
    after_attempt,
    retry_after_wait,
)
from review_service.models import Delivery, DeliveryAttempt, OutboxMessage, WebhookSubscription
from review_service.observability.metrics import DELIVERY_OUTCOMES
from review_service.webhooks.outbox import publish, subscriptions_changed
from review_service.webhooks.signing import webhook_headers
from review_service.webhooks.transport import RefusedDestination, attempt_deadline, delivery_client

logger = logging.getLogger("review_service.webhooks")
LEASE = timedelta(seconds=60)
ATTEMPT_TIMEOUT = 15.0  # seconds, for the whole attempt: connect, send, answer
MAX_ANSWER_BYTES = 64 * 1024  # of a receiver's answer body; the rest is never read
REFUSED_DESTINATION = "refused destination"
# Loopback and private receivers are allowed unless a deployment's settings say otherwise
# (runner.py passes the settings' policy).
DEFAULT_DESTINATIONS = DestinationPolicy(allow_loopback=True, allow_private=True)


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


def send(client: httpx.Client, job: Job, now: datetime) -> Result:
    """One signed POST; never raises, whatever the receiver answers or does.

    The attempt ends by its deadline (ATTEMPT_TIMEOUT in all, however slowly the receiver
    trickles), reads at most MAX_ANSWER_BYTES of the answer, and records what went wrong in
    words of its own: never a socket's error text, which would make the delivery log a port
    scanner's oracle."""
    started = time.perf_counter()
    status: int | None = None
    retry_after: timedelta | None = None
    error: str | None = None
    error_type: str | None = None  # for the operator's log only
    try:
        with (
            attempt_deadline(ATTEMPT_TIMEOUT),
            client.stream(
                "POST",
                job.url,
                content=job.body.encode(),
                headers=webhook_headers(job.secrets, job.webhook_id, now, job.body),
            ) as response,
        ):
            status = response.status_code
            retry_after = retry_after_wait(response.headers.get("retry-after"), now)
            _read_some(response)
    except Exception as exc:  # the receiver's doing, or ours: either way one attempt's
        error, error_type = _attempt_error(exc), type(exc).__name__
    if status is not None:
        error = None  # the answer's status decides; an unread or slow body does not matter
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
                "error_type": error_type,
            }
        )
    )
    return Result(job, status, latency, error, retry_after)


def _read_some(response: httpx.Response) -> None:
    """Read a small answer whole, so its connection can be kept alive; leave a large one
    unread (closing it closes the connection)."""
    read = 0
    try:
        for chunk in response.iter_raw():
            read += len(chunk)
            if read > MAX_ANSWER_BYTES:
                return
    except Exception:  # the status has arrived; the body is the receiver's business
        return


def _attempt_error(exc: Exception) -> str:
    """What the delivery log says about an attempt that got no answer."""
    if isinstance(exc, RefusedDestination):
        return REFUSED_DESTINATION
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return "ConnectError: connection failed"
    if isinstance(exc, httpx.TimeoutException):
        return "Timeout: no answer within the attempt's time limit"
    if isinstance(exc, httpx.ProtocolError | httpx.DecodingError):
        return "ProtocolError: the answer was not valid HTTP"
    return "Error: the attempt failed"


def record(
    session: Session,
    result: Result,
    now: datetime,
    schedule: tuple[int, ...] = DEFAULT_RETRY_SCHEDULE,
    delivery: Delivery | None = None,
) -> Outcome:
    """Store an attempt and move the delivery on (delivered, retry, failed, gone);
    `delivery` is its row when the caller read it already."""
    if delivery is None:
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
    subscriptions_changed(session)
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
    destinations: DestinationPolicy = DEFAULT_DESTINATIONS,
    client: httpx.Client | None = None,
) -> int:
    """Claim, send and record one batch of due deliveries; returns how many were attempted.

    Each delivery's attempt and record stand alone: whatever one receiver does, and
    whatever goes wrong recording one outcome, the others in the batch are recorded."""
    now = clock.now()
    with sessions() as session, session.begin():
        jobs = claim(session, now, batch)
    if not jobs:
        return 0
    owned = client is None
    sender = client or delivery_client(
        destinations, concurrency=concurrency, timeout=ATTEMPT_TIMEOUT
    )
    # Every attempt must end before the lease lapses, or another worker may claim and send
    # the same message meanwhile (a slow batch: 200 jobs, 16 at a time, 15 s each, outlasts
    # the 60 s lease). Jobs the batch reaches too late are left to the next claim.
    last_start = now + LEASE - timedelta(seconds=2 * ATTEMPT_TIMEOUT)

    def attempt(job: Job) -> Result | None:
        at = clock.now()
        if at > last_start:
            return None
        try:
            return send(sender, job, at)
        except Exception:  # send() never raises; should it, the job is still recorded
            return Result(job, None, 0, "Error: the attempt failed", None)

    try:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(jobs))) as pool:
            results = [result for result in pool.map(attempt, jobs) if result is not None]
    finally:
        if owned:
            sender.close()
    _record_all(sessions, results, clock, schedule)
    return len(results)


def _read_ahead(session: Session, results: list[Result]) -> dict[uuid.UUID, Delivery]:
    """The batch's deliveries, by id, in one query rather than one per `record`."""
    ids = [result.job.delivery_id for result in results]
    if not ids:
        return {}
    return {d.id: d for d in session.scalars(select(Delivery).where(Delivery.id.in_(ids)))}


def _record_all(
    sessions: sessionmaker[Session],
    results: list[Result],
    clock: Clock,
    schedule: tuple[int, ...],
) -> None:
    """Record a batch's outcomes in one transaction; should that fail, record each in a
    savepoint of its own, so one delivery's trouble costs no other its record (and the
    common case pays for no savepoints)."""
    try:
        with sessions() as session, session.begin():
            read = _read_ahead(session, results)
            for result in results:
                record(session, result, clock.now(), schedule, read.get(result.job.delivery_id))
        return
    except Exception as exc:  # rolled back whole: record one by one below
        failure = {"msg": "webhook batch recorded one by one", "error_type": type(exc).__name__}
        logger.warning(json.dumps(failure))
    with sessions() as session, session.begin():
        read = _read_ahead(session, results)
        for result in results:
            try:
                with session.begin_nested():
                    delivery = read.get(result.job.delivery_id)
                    record(session, result, clock.now(), schedule, delivery)
            except Exception as exc:
                # Its lease lapses and it is sent again; the rest of the batch is kept.
                logger.error(
                    json.dumps(
                        {
                            "msg": "webhook attempt not recorded",
                            "delivery_id": str(result.job.delivery_id),
                            "error_type": type(exc).__name__,
                        }
                    )
                )
