"""How a deadline stands against its date: one definition of late, in timescale and past due
(RULES.md §3; API.md "Timeliness"). Depends on nothing, so every rule module can use it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class Timeliness(StrEnum):
    """How a deadline stands against its date (API.md "Timeliness")."""

    IN_TIMESCALE = "in_timescale"
    LATE = "late"
    OVERDUE = "overdue"
    PENDING = "pending"


def is_past_due(due_by: date, today: date) -> bool:
    """RULES.md §3: a thing is due on `due_by` and overdue from the day after."""
    return due_by < today


def is_in_timescale(held_on: date, due_by: date) -> bool:
    """Held (or done) on or before its due date."""
    return held_on <= due_by


def is_late(held_on: date, due_by: date) -> bool:
    """Held (or planned, or done) after its due date."""
    return not is_in_timescale(held_on, due_by)


def timeliness(held_on: date | None, due_by: date, today: date) -> Timeliness:
    """In timescale or late once held; overdue or pending (as of `today`) until then."""
    if held_on is not None:
        return Timeliness.LATE if is_late(held_on, due_by) else Timeliness.IN_TIMESCALE
    return Timeliness.OVERDUE if is_past_due(due_by, today) else Timeliness.PENDING
