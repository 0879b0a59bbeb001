"""Property tests for the working-day engine, including agreement with a naive reference."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from review_service.domain.regions import Region
from review_service.domain.working_days import WorkingDayCalendar

# No example database: the run leaves no files behind in the working tree.
PROPERTY_SETTINGS = settings(max_examples=250, deadline=None, database=None)

regions = st.sampled_from(list(Region))
# Leave 400 working days (under 600 calendar days) of room either side of the range.
days = st.dates(min_value=date(1995, 1, 1), max_value=date(2095, 12, 31))
counts = st.integers(min_value=-400, max_value=400)
non_negative = st.integers(min_value=0, max_value=400)
non_zero = counts.filter(lambda n: n != 0)


def calendar(region: Region) -> WorkingDayCalendar:
    return WorkingDayCalendar.for_region(region)


@cache
def reference_holidays(region: Region) -> frozenset[date]:
    """Weekday bank holidays straight from the `holidays` package, built independently."""
    table = holidays.country_holidays(
        "GB", subdiv=region.holidays_subdivision, years=range(1990, 2101)
    )
    return frozenset(day for day in table if day.weekday() < 5)


def reference_is_working(region: Region, day: date) -> bool:
    return day.weekday() < 5 and day not in reference_holidays(region)


def reference_add(region: Region, day: date, n: int) -> date:
    """Day by day: the n-th working day strictly after (n > 0) or before (n < 0) `day`."""
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    current = day
    while remaining:
        current += step
        if reference_is_working(region, current):
            remaining -= 1
    return current


@PROPERTY_SETTINGS
@given(regions, days, counts)
def test_agrees_with_the_naive_reference(region: Region, day: date, n: int) -> None:
    assert calendar(region).add_working_days(day, n) == reference_add(region, day, n)


@PROPERTY_SETTINGS
@given(regions, days)
def test_is_working_day_agrees_with_the_reference(region: Region, day: date) -> None:
    assert calendar(region).is_working_day(day) is reference_is_working(region, day)


@PROPERTY_SETTINGS
@given(regions, days, non_negative)
def test_round_trip(region: Region, day: date, n: int) -> None:
    cal = calendar(region)
    assert cal.working_days_between(day, cal.add_working_days(day, n)) == n


@PROPERTY_SETTINGS
@given(regions, days, non_negative.filter(lambda n: n > 0))
def test_add_is_the_first_day_reaching_n(region: Region, day: date, n: int) -> None:
    """add(d, n) is the earliest e with n working days in (d, e]."""
    cal = calendar(region)
    result = cal.add_working_days(day, n)
    assert cal.working_days_between(day, result - timedelta(days=1)) == n - 1


@PROPERTY_SETTINGS
@given(regions, days, counts.filter(lambda n: n < 0))
def test_round_trip_backwards(region: Region, day: date, n: int) -> None:
    """(add(d, n), d] holds |n| - 1 working days strictly before d, plus d if it works."""
    cal = calendar(region)
    expected = -n - 1 + int(cal.is_working_day(day))
    assert cal.working_days_between(cal.add_working_days(day, n), day) == expected


@PROPERTY_SETTINGS
@given(regions, days, days, counts)
def test_monotonic_in_the_start_date(region: Region, d1: date, d2: date, n: int) -> None:
    """d1 <= d2 implies add(d1, n) <= add(d2, n), for every n including 0.

    Not strictly: two non-working days in a row give the same result for any n != 0.
    """
    d1, d2 = min(d1, d2), max(d1, d2)
    cal = calendar(region)
    assert cal.add_working_days(d1, n) <= cal.add_working_days(d2, n)


@PROPERTY_SETTINGS
@given(regions, days, counts, counts)
def test_strictly_monotonic_in_n(region: Region, day: date, n1: int, n2: int) -> None:
    """n1 < n2 implies add(d, n1) < add(d, n2), even on a non-working day: n = 0 gives d
    itself, every n < 0 a day strictly before it and every n > 0 a day strictly after."""
    assume(n1 != n2)
    n1, n2 = min(n1, n2), max(n1, n2)
    cal = calendar(region)
    assert cal.add_working_days(day, n1) < cal.add_working_days(day, n2)


@PROPERTY_SETTINGS
@given(regions, days, non_zero)
def test_results_are_working_days(region: Region, day: date, n: int) -> None:
    """Only for n != 0: n = 0 returns `day` unchanged, working day or not."""
    cal = calendar(region)
    result = cal.add_working_days(day, n)
    assert cal.is_working_day(result)
    assert (result > day) if n > 0 else (result < day)


@PROPERTY_SETTINGS
@given(regions, days)
def test_zero_returns_the_day(region: Region, day: date) -> None:
    assert calendar(region).add_working_days(day, 0) == day


@PROPERTY_SETTINGS
@given(regions, days, st.integers(-200, 200), st.integers(-200, 200))
def test_composition(region: Region, day: date, a: int, b: int) -> None:
    """add(add(d, a), b) == add(d, a + b) when d is a working day, or a and b are non-zero
    with the same sign. (From a non-working d it fails e.g. for a = 1, b = -1.)"""
    cal = calendar(region)
    assume(cal.is_working_day(day) or (a * b > 0))
    assert cal.add_working_days(cal.add_working_days(day, a), b) == cal.add_working_days(day, a + b)


@PROPERTY_SETTINGS
@given(regions, days, days)
def test_between_is_antisymmetric_and_additive(region: Region, a: date, b: date) -> None:
    cal = calendar(region)
    middle = a + (b - a) / 2
    assert cal.working_days_between(a, b) == -cal.working_days_between(b, a)
    assert cal.working_days_between(a, b) == (
        cal.working_days_between(a, middle) + cal.working_days_between(middle, b)
    )
