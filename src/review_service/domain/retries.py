"""What to do after a webhook delivery attempt (API.md "Webhooks")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

# 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: about 27.6 hours before giving up.
DEFAULT_RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
MAX_RETRY_AFTER = timedelta(hours=24)
_MAX_RETRY_AFTER_TEXT = 64  # an HTTP-date is 29 characters; anything this long is not one


class Outcome(StrEnum):
    """Where a delivery goes after an attempt."""

    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"  # retries exhausted
    GONE = "gone"  # 410: the receiver asks never to be called again


@dataclass(frozen=True, slots=True)
class NextStep:
    """The outcome and, for a retry, when."""

    outcome: Outcome
    retry_at: datetime | None = None


def after_attempt(
    status_code: int | None,
    attempts_made: int,
    now: datetime,
    *,
    retry_after: timedelta | None = None,
    schedule: tuple[int, ...] = DEFAULT_RETRY_SCHEDULE,
) -> NextStep:
    """Classify an attempt: 2xx delivered, 410 gone, anything else (or no answer) retried on
    the schedule, later if the receiver's `Retry-After` asks, until the schedule runs out."""
    if status_code is not None and 200 <= status_code < 300:
        return NextStep(Outcome.DELIVERED)
    if status_code == 410:
        return NextStep(Outcome.GONE)
    if attempts_made > len(schedule):
        return NextStep(Outcome.FAILED)
    wait = timedelta(seconds=schedule[attempts_made - 1])
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
    return NextStep(Outcome.RETRY, now + wait)


def retry_after_wait(value: str | None, now: datetime) -> timedelta | None:
    """How long a receiver's `Retry-After` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date)
    asks to wait, at most MAX_RETRY_AFTER; None when absent, negative or unreadable.

    The header is the receiver's to write: any text, any number of digits. This never
    raises and never builds a timedelta from an unbounded number."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit():
        if len(text) > 12 or int(text) > MAX_RETRY_AFTER.total_seconds():
            return MAX_RETRY_AFTER
        return timedelta(seconds=int(text))
    if not text or len(text) > _MAX_RETRY_AFTER_TEXT:
        return None
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:  # "-0000": RFC 5322's "UTC, origin unknown"
            when = when.replace(tzinfo=now.tzinfo)
        wait = when - now
    except Exception:  # a receiver's text may trip any corner of the date parser
        return None
    return min(max(wait, timedelta(0)), MAX_RETRY_AFTER)
