"""A receiver's `Retry-After` is any text it likes: read it within bounds, never raise
(issue 8, defect 4: `Retry-After: 100000000000000` overflowed timedelta)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from review_service.domain.retries import MAX_RETRY_AFTER, after_attempt, retry_after_wait

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(("value", "wait"), [
    ("120", timedelta(minutes=2)),
    (" 7 ", timedelta(seconds=7)),
    ("0", timedelta(0)),
    ("86400", timedelta(hours=24)),
    ("86401", MAX_RETRY_AFTER),
    ("100000000000000", MAX_RETRY_AFTER),
    ("9" * 5000, MAX_RETRY_AFTER),
    ("Mon, 02 Mar 2026 09:30:00 GMT", timedelta(minutes=30)),
    ("Mon, 02 Mar 2026 09:30:00 -0000", timedelta(minutes=30)),
    ("Mon, 02 Mar 2026 08:00:00 GMT", timedelta(0)),  # already past: no later than now
    ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_RETRY_AFTER),
    ("Mon, 01 Jan 0001 00:00:00 GMT", timedelta(0)),
])
def test_seconds_and_dates_are_read_and_capped(value: str, wait: timedelta) -> None:
    assert retry_after_wait(value, NOW) == wait


@pytest.mark.parametrize("value", [
    None, "", "-5", "+5", "1e9999", "5.5", "0x10", "soon", "Wed, 99 Foo 2026 99:99:99 GMT",
    "Mon, 02 Mar 99999999999 09:30:00 GMT", "Mon, 02 Mar 2026 09:30:00 +9999", "\x00",
    "١٢٣", "x" * 100_000, "Mon, 02 Mar 2026 09:30:00 GMT" * 10,
])
def test_anything_else_is_ignored(value: str | None) -> None:
    assert retry_after_wait(value, NOW) is None


def test_a_huge_retry_after_schedules_within_the_cap() -> None:
    step = after_attempt(503, 1, NOW, retry_after=retry_after_wait("100000000000000", NOW))
    assert step.retry_at == NOW + timedelta(hours=24)
