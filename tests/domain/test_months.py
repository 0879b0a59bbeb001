"""Table tests for calendar-month arithmetic (RULES.md §1). Expected dates worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from review_service.domain.months import add_months

# (start, months, expected)
CASES = [
    # The examples in RULES.md §1.
    (date(2023, 11, 30), 3, date(2024, 2, 29)),
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    # Clamping to the end of a short month, leap and common years.
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 1, 30), 1, date(2024, 2, 29)),
    (date(2024, 10, 31), 1, date(2024, 11, 30)),
    (date(2024, 3, 31), 6, date(2024, 9, 30)),
    (date(2100, 1, 31), 1, date(2100, 2, 28)),  # 2100 is not a leap year
    # No clamping needed: the day is kept, not moved to the month's end.
    (date(2024, 2, 29), 1, date(2024, 3, 29)),
    (date(2024, 2, 29), 6, date(2024, 8, 29)),
    (date(2024, 4, 30), 1, date(2024, 5, 30)),
    # Year rollover, forwards.
    (date(2023, 12, 15), 1, date(2024, 1, 15)),
    (date(2023, 10, 31), 4, date(2024, 2, 29)),
    (date(2024, 11, 30), 3, date(2025, 2, 28)),
    (date(2024, 12, 31), 2, date(2025, 2, 28)),
    (date(2023, 8, 31), 18, date(2025, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2099, 12, 31), 1, date(2100, 1, 31)),
    # Negative months, with clamping and rollover backwards.
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
    (date(2023, 3, 31), -1, date(2023, 2, 28)),
    (date(2024, 5, 31), -1, date(2024, 4, 30)),
    (date(2024, 7, 31), -1, date(2024, 6, 30)),
    (date(2024, 3, 15), -3, date(2023, 12, 15)),
    (date(2024, 1, 31), -2, date(2023, 11, 30)),
    (date(2024, 2, 29), -12, date(2023, 2, 28)),
    (date(2025, 1, 15), -13, date(2023, 12, 15)),
    # Zero months.
    (date(2024, 5, 31), 0, date(2024, 5, 31)),
    (date(2024, 2, 29), 0, date(2024, 2, 29)),
    # A month deadline is never moved to a working day.
    (date(2024, 1, 28), 3, date(2024, 4, 28)),  # a Sunday
    (date(2024, 9, 25), 3, date(2024, 12, 25)),  # Christmas Day
]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [pytest.param(*case, id=f"{case[0]}{case[1]:+d}") for case in CASES],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    result = add_months(start, months)
    assert result == expected
    assert type(result) is date
