"""Writing webhook messages in the transaction of the change that causes them.

A message and one delivery row per matching subscription commit with the state change, or
not at all: nothing is lost between "it changed" and "someone will be told".
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from review_service.models import Delivery, OutboxMessage, WebhookSubscription
from review_service.models.base import new_id
from review_service.webhooks.event_types import EVENT_TYPES


@dataclass(frozen=True, slots=True)
class Subscriber:
    """What publishing needs of a subscription: who it is and what it wants."""

    id: uuid.UUID
    event_types: frozenset[str]
    local_authority: str | None

    def wants(self, event_type: str, local_authority: str | None) -> bool:
        """Whether a message of `event_type` from `local_authority` goes to it."""
        return (event_type in self.event_types or "*" in self.event_types) and (
            self.local_authority is None or self.local_authority == local_authority
        )


# Every write publishes, and reading every subscription each time cost more than the write
# (issue 9). So each process keeps the active ones, with the stamp of the table they were
# read under: how many rows, the sum of their versions (the ORM bumps a row's version on
# every update) and the latest change. Each transaction compares the stamp first, one small
# aggregate, so a change committed by any process is seen by the next transaction of every
# other (as policies/cache.py does for policies and calendars). Copies are kept per engine.
_STAMP = select(
    func.count(),
    func.coalesce(func.sum(WebhookSubscription.version), 0),
    func.max(WebhookSubscription.updated_at),
).select_from(WebhookSubscription)
_ROWS = select(
    WebhookSubscription.id,
    WebhookSubscription.event_types,
    WebhookSubscription.local_authority,
    WebhookSubscription.status,
    WebhookSubscription.version,
    WebhookSubscription.updated_at,
)
_by_engine: WeakKeyDictionary[Engine, tuple[tuple[Any, ...], list[Subscriber]]] = (
    WeakKeyDictionary()
)
_lock = threading.Lock()
_MEMO = "webhook_subscribers"  # session.info: (transaction, active subscriptions)


def _active(session: Session) -> list[Subscriber]:
    """The active subscriptions as this transaction sees them, read afresh only when the
    table changed. The stamp is read once per transaction: after that the transaction sees
    no other's change (one statement, and no autoflush, per message), and one that changes
    a subscription itself says so (`subscriptions_changed`)."""
    transaction = session.get_transaction()
    memo = session.info.get(_MEMO)
    if memo is not None and transaction is not None and memo[0] is transaction:
        remembered: list[Subscriber] = memo[1]
        return remembered
    stamp = tuple(session.execute(_STAMP).one())
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _lock:
        held = _by_engine.get(engine)
    if held is not None and held[0] == stamp:
        active = held[1]
    else:
        rows = session.execute(_ROWS).all()
        # The stamp of the rows themselves: a change committed between the two reads makes
        # it differ from the next transaction's, which then reads again.
        stamp = (
            len(rows),
            sum(r.version for r in rows),
            max((r.updated_at for r in rows), default=None),
        )
        active = [
            Subscriber(r.id, frozenset(r.event_types), r.local_authority)
            for r in rows
            if r.status == "active"
        ]
        with _lock:
            _by_engine[engine] = (stamp, active)
    session.info[_MEMO] = (transaction, active)
    return active


def subscriptions_changed(session: Session) -> None:
    """Say that this transaction added, changed or removed a subscription: its next message
    reads the subscriptions again (and flushes the change first)."""
    session.info.pop(_MEMO, None)


class SubscriberCache:
    """Active subscriptions, read once for a batch of messages (the timer job fires
    thousands in one transaction)."""

    def __init__(self, session: Session) -> None:
        self._all = _active(session)

    def matching(self, event_type: str, local_authority: str | None) -> list[Subscriber]:
        """Subscriptions that want `event_type` from `local_authority`."""
        return [sub for sub in self._all if sub.wants(event_type, local_authority)]


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
        target_ids = [only.id]
    else:
        targets = (cache or SubscriberCache(session)).matching(event_type, local_authority)
        target_ids = [subscriber.id for subscriber in targets]
    for subscription_id in target_ids:
        if subscription_id == exclude:
            continue
        session.add(
            Delivery(
                message_id=message.id,
                subscription_id=subscription_id,
                webhook_id=f"msg_{message.id.hex}_{subscription_id.hex[:8]}",
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return message
