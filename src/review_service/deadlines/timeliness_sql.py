"""SQL forms of the timeliness outcomes (API.md "Timeliness"), built from the one definition
in `domain.timeliness`: its comparisons applied to columns instead of dates, so the report's
CASE expressions and the Python `timeliness()` cannot drift apart (a test holds them equal).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, not_
from sqlalchemy.orm import QueryableAttribute

from review_service.domain.timeliness import Timeliness, is_in_timescale, is_past_due

SqlDate = ColumnElement[Any] | QueryableAttribute[Any]


def _in_timescale(held_on: SqlDate, due_by: SqlDate) -> ColumnElement[bool]:
    # `is_in_timescale` compares with `<=`, which a column overloads into SQL.
    return cast(ColumnElement[bool], is_in_timescale(cast(date, held_on), cast(date, due_by)))


def _past_due(due_by: SqlDate, as_of: date) -> ColumnElement[bool]:
    return cast(ColumnElement[bool], is_past_due(cast(date, due_by), as_of))


def outcome_conditions(
    held_on: SqlDate, due_by: SqlDate, as_of: date
) -> dict[Timeliness, ColumnElement[bool]]:
    """SQL: one condition per outcome, exactly one true for any row (as `timeliness()`):
    held -> in timescale or late; not held -> overdue or pending as of `as_of`."""
    held = held_on.is_not(None)
    in_timescale = _in_timescale(held_on, due_by)
    past_due = _past_due(due_by, as_of)
    return {
        Timeliness.IN_TIMESCALE: and_(held, in_timescale),
        Timeliness.LATE: and_(held, not_(in_timescale)),
        Timeliness.OVERDUE: and_(held_on.is_(None), past_due),
        Timeliness.PENDING: and_(held_on.is_(None), not_(past_due)),
    }
