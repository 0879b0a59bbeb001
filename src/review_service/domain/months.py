"""Calendar-month arithmetic (RULES.md §1: month deadlines clamp to the end of a short month)."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta


def add_months(start: date, months: int) -> date:
    """Return `start` plus `months` calendar months, clamping the day to the month's end.

    2023-11-30 + 3 months = 2024-02-29; 2024-08-31 + 6 months = 2025-02-28. A month-based
    deadline is never moved to a working day: a review may be held on any day.
    """
    result: date = start + relativedelta(months=months)
    return result
