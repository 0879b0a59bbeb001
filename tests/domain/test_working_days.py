"""Table tests for the working-day engine (RULES.md §1).

Every expected date below was worked out by hand from a printed calendar and the published
bank-holiday lists, not taken from the engine's output.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from review_service.domain.regions import Region
from review_service.domain.working_days import (
    FIRST_SUPPORTED,
    LAST_SUPPORTED,
    BankHoliday,
    OutsideCalendarRange,
    WorkingDayCalendar,
)

EW = Region.ENGLAND_AND_WALES
SCT = Region.SCOTLAND
NIR = Region.NORTHERN_IRELAND
ALL_REGIONS = (EW, SCT, NIR)

# The GOV.UK feed copied into tests/data, so a clone anywhere passes.
GOVUK_FEED = Path(__file__).resolve().parents[1] / "data" / "govuk-bank-holidays.json"


def calendar(region: Region = EW) -> WorkingDayCalendar:
    return WorkingDayCalendar.for_region(region)


# (region, start, n, expected, why)
ADD_CASES = [
    # Easter: Good Friday 29 Mar 2024 and Easter Monday 1 Apr 2024.
    (EW, date(2024, 3, 28), 1, date(2024, 4, 2), "Thu before Good Friday, over Easter Monday"),
    (EW, date(2024, 3, 28), 2, date(2024, 4, 3), "two over Easter"),
    (EW, date(2024, 3, 29), 1, date(2024, 4, 2), "from Good Friday itself"),
    (EW, date(2024, 4, 2), -1, date(2024, 3, 28), "back over Easter"),
    (NIR, date(2024, 3, 28), 1, date(2024, 4, 2), "Easter Monday is a holiday in NI"),
    (SCT, date(2024, 3, 28), 1, date(2024, 4, 1), "Easter Monday is a working day in Scotland"),
    (SCT, date(2024, 4, 2), -1, date(2024, 4, 1), "Scotland: back to Easter Monday"),
    # Christmas 2020: Fri 25, Sat 26 -> Boxing Day substitute Mon 28 Dec.
    (EW, date(2020, 12, 24), 1, date(2020, 12, 29), "2020: Boxing Day substitute 28 Dec"),
    (EW, date(2020, 12, 29), -1, date(2020, 12, 24), "2020: back over 25-28 Dec"),
    (SCT, date(2020, 12, 24), 1, date(2020, 12, 29), "2020 Scotland"),
    (NIR, date(2020, 12, 24), 1, date(2020, 12, 29), "2020 NI"),
    # Christmas 2021: Sat 25, Sun 26 -> substitutes Mon 27 and Tue 28 Dec.
    (EW, date(2021, 12, 24), 1, date(2021, 12, 29), "2021: substitutes 27 and 28 Dec"),
    (EW, date(2021, 12, 29), -1, date(2021, 12, 24), "2021: back over the substitutes"),
    (SCT, date(2021, 12, 24), 1, date(2021, 12, 29), "2021 Scotland"),
    (NIR, date(2021, 12, 24), 1, date(2021, 12, 29), "2021 NI"),
    # Christmas 2022: Sun 25, Mon 26 Boxing Day -> Christmas substitute Tue 27 Dec.
    (EW, date(2022, 12, 23), 1, date(2022, 12, 28), "2022: Boxing Day 26, substitute 27 Dec"),
    (EW, date(2022, 12, 28), -2, date(2022, 12, 22), "2022: two back over Christmas"),
    (SCT, date(2022, 12, 23), 1, date(2022, 12, 28), "2022 Scotland"),
    (NIR, date(2022, 12, 23), 1, date(2022, 12, 28), "2022 NI"),
    # New Year 2022: Sat 1 Jan -> substitute Mon 3 Jan; Scotland also 2 Jan (Sun) -> Tue 4 Jan.
    (EW, date(2021, 12, 31), 1, date(2022, 1, 4), "New Year substitute Mon 3 Jan 2022"),
    (NIR, date(2021, 12, 31), 1, date(2022, 1, 4), "New Year substitute, NI"),
    (SCT, date(2021, 12, 31), 1, date(2022, 1, 5), "Scotland: 3 and 4 Jan 2022 substitutes"),
    # Scotland's 2 January, 2024 (Tue).
    (EW, date(2023, 12, 29), 1, date(2024, 1, 2), "E&W: 2 Jan is a working day"),
    (SCT, date(2023, 12, 29), 1, date(2024, 1, 3), "Scotland: 1 and 2 Jan 2024"),
    (SCT, date(2024, 1, 3), -1, date(2023, 12, 29), "Scotland: back over 1-2 Jan 2024"),
    # One-off days.
    (EW, date(2022, 6, 1), 1, date(2022, 6, 6), "Spring holiday Thu 2 + Jubilee Fri 3 Jun"),
    (SCT, date(2022, 6, 1), 1, date(2022, 6, 6), "Jubilee 2022, Scotland"),
    (NIR, date(2022, 6, 1), 1, date(2022, 6, 6), "Jubilee 2022, NI"),
    (EW, date(2022, 5, 27), 1, date(2022, 5, 30), "Spring bank holiday moved off 30 May 2022"),
    (EW, date(2022, 9, 16), 1, date(2022, 9, 20), "Queen's funeral Mon 19 Sep 2022"),
    (SCT, date(2022, 9, 16), 1, date(2022, 9, 20), "Queen's funeral, Scotland"),
    (NIR, date(2022, 9, 16), 1, date(2022, 9, 20), "Queen's funeral, NI"),
    (EW, date(2023, 5, 5), 1, date(2023, 5, 9), "Coronation Mon 8 May 2023"),
    (EW, date(2023, 4, 28), 1, date(2023, 5, 2), "Early May bank holiday Mon 1 May 2023"),
    (SCT, date(2023, 5, 5), 1, date(2023, 5, 9), "Coronation, Scotland"),
    (NIR, date(2023, 5, 5), 1, date(2023, 5, 9), "Coronation, NI"),
    # St Andrew's Day: 30 Nov 2025 is a Sunday -> Mon 1 Dec; 30 Nov 2024 Saturday -> Mon 2 Dec.
    (SCT, date(2025, 11, 28), 1, date(2025, 12, 2), "St Andrew's substitute Mon 1 Dec 2025"),
    (EW, date(2025, 11, 28), 1, date(2025, 12, 1), "no St Andrew's Day in E&W"),
    (SCT, date(2024, 11, 29), 1, date(2024, 12, 3), "St Andrew's substitute Mon 2 Dec 2024"),
    (SCT, date(2026, 6, 12), 1, date(2026, 6, 16), "Scotland's one-off Mon 15 Jun 2026"),
    (EW, date(2026, 6, 12), 1, date(2026, 6, 15), "15 Jun 2026 is a working day in E&W"),
    # Scotland's summer holiday is the first Monday of August, E&W's the last.
    (SCT, date(2024, 8, 2), 1, date(2024, 8, 6), "Scotland summer holiday Mon 5 Aug 2024"),
    (SCT, date(2024, 8, 23), 1, date(2024, 8, 26), "26 Aug 2024 is a working day in Scotland"),
    (EW, date(2024, 8, 23), 1, date(2024, 8, 27), "E&W summer holiday Mon 26 Aug 2024"),
    # Northern Ireland: St Patrick's Day and the Battle of the Boyne, with substitutes.
    (NIR, date(2024, 3, 15), 1, date(2024, 3, 19), "17 Mar 2024 is Sunday -> Mon 18 Mar"),
    (EW, date(2024, 3, 15), 1, date(2024, 3, 18), "no St Patrick's Day in E&W"),
    (NIR, date(2025, 3, 14), 1, date(2025, 3, 18), "St Patrick's Day Mon 17 Mar 2025"),
    (NIR, date(2024, 7, 11), 1, date(2024, 7, 15), "12 Jul 2024 is a Friday"),
    (NIR, date(2025, 7, 11), 1, date(2025, 7, 15), "12 Jul 2025 is Saturday -> Mon 14 Jul"),
    (EW, date(2025, 7, 11), 1, date(2025, 7, 14), "no 12 July in E&W"),
    (NIR, date(2026, 7, 10), 1, date(2026, 7, 14), "12 Jul 2026 is Sunday -> Mon 13 Jul"),
    (NIR, date(2026, 7, 14), -1, date(2026, 7, 10), "back over the 13 Jul 2026 substitute"),
    # Starting on a weekend (no bank holidays near 1-2 June 2024).
    (EW, date(2024, 6, 1), 1, date(2024, 6, 3), "Saturday + 1"),
    (EW, date(2024, 6, 2), 1, date(2024, 6, 3), "Sunday + 1"),
    (EW, date(2024, 6, 1), 2, date(2024, 6, 4), "Saturday + 2"),
    (EW, date(2024, 6, 1), -1, date(2024, 5, 31), "Saturday - 1"),
    (EW, date(2024, 6, 2), -1, date(2024, 5, 31), "Sunday - 1"),
    (EW, date(2024, 6, 2), -2, date(2024, 5, 30), "Sunday - 2"),
    # Ordinary weekdays and longer spans.
    (EW, date(2024, 6, 3), 1, date(2024, 6, 4), "Mon + 1"),
    (EW, date(2024, 6, 7), 1, date(2024, 6, 10), "Fri + 1 over the weekend"),
    (EW, date(2024, 6, 10), -1, date(2024, 6, 7), "Mon - 1 over the weekend"),
    (EW, date(2024, 6, 3), 5, date(2024, 6, 10), "a working week"),
    (EW, date(2024, 1, 1), 5, date(2024, 1, 8), "from New Year's Day (a holiday)"),
    (EW, date(2024, 1, 1), 20, date(2024, 1, 29), "20 working days from 1 Jan 2024"),
    (EW, date(2024, 1, 29), -20, date(2023, 12, 29), "20 working days back to 29 Dec 2023"),
    (EW, date(2024, 1, 2), -1, date(2023, 12, 29), "back over New Year's Day"),
    (EW, date(2023, 12, 31), 254, date(2024, 12, 31), "every working day of 2024 (254)"),
    (EW, date(2024, 12, 31), -253, date(2024, 1, 2), "back through 2024 (31 Dec never counts)"),
    (EW, date(2024, 12, 31), -254, date(2023, 12, 29), "one more, into 2023"),
    # n = 0 returns the date unchanged, whatever it is.
    (EW, date(2024, 12, 25), 0, date(2024, 12, 25), "n = 0 on Christmas Day"),
    (EW, date(2024, 6, 1), 0, date(2024, 6, 1), "n = 0 on a Saturday"),
    (EW, date(2024, 6, 3), 0, date(2024, 6, 3), "n = 0 on a working day"),
    (SCT, date(2024, 1, 2), 0, date(2024, 1, 2), "n = 0 on Scotland's 2 January"),
    # The edges of the supported range.
    (EW, date(1990, 1, 1), 1, date(1990, 1, 2), "first supported day (a holiday) + 1"),
    (EW, date(1990, 1, 3), -1, date(1990, 1, 2), "first working day in range"),
    (EW, date(2100, 12, 30), 1, date(2100, 12, 31), "last supported day (a Friday)"),
    (EW, date(2100, 12, 24), 1, date(2100, 12, 29), "Christmas 2100: Sat/Sun -> 27, 28 Dec"),
    (EW, date(1990, 1, 1), 0, date(1990, 1, 1), "n = 0 on the first supported day"),
    (EW, date(2100, 12, 31), 0, date(2100, 12, 31), "n = 0 on the last supported day"),
]


@pytest.mark.parametrize(
    ("region", "start", "n", "expected"),
    [pytest.param(r, s, n, e, id=f"{r.value}:{s}{n:+d}:{why}") for r, s, n, e, why in ADD_CASES],
)
def test_add_working_days(region: Region, start: date, n: int, expected: date) -> None:
    assert calendar(region).add_working_days(start, n) == expected


# (region, day, is a working day)
IS_WORKING_CASES = [
    (EW, date(2024, 3, 29), False),  # Good Friday
    (EW, date(2024, 4, 1), False),  # Easter Monday
    (SCT, date(2024, 4, 1), True),  # no Easter Monday in Scotland
    (NIR, date(2024, 4, 1), False),
    (EW, date(2024, 12, 25), False),
    (EW, date(2021, 12, 27), False),  # Christmas substitute
    (EW, date(2021, 12, 28), False),  # Boxing Day substitute
    (EW, date(2022, 12, 27), False),  # Christmas substitute
    (EW, date(2020, 12, 28), False),  # Boxing Day substitute
    (EW, date(2022, 6, 2), False),
    (EW, date(2022, 6, 3), False),
    (EW, date(2022, 5, 30), True),  # last Monday of May 2022, moved to 2 June
    (EW, date(2022, 9, 19), False),
    (EW, date(2023, 5, 8), False),
    (SCT, date(2024, 1, 2), False),
    (EW, date(2024, 1, 2), True),
    (NIR, date(2024, 1, 2), True),
    (SCT, date(2025, 12, 1), False),  # St Andrew's Day substitute
    (SCT, date(2025, 11, 28), True),
    (EW, date(2025, 12, 1), True),
    (SCT, date(2024, 12, 2), False),  # St Andrew's Day substitute
    (SCT, date(2023, 11, 30), False),  # St Andrew's Day on a Thursday
    (EW, date(2023, 11, 30), True),
    (SCT, date(2024, 8, 5), False),
    (SCT, date(2024, 8, 26), True),
    (EW, date(2024, 8, 5), True),
    (EW, date(2024, 8, 26), False),
    (NIR, date(2024, 3, 18), False),  # St Patrick's substitute
    (EW, date(2024, 3, 18), True),
    (NIR, date(2023, 3, 17), False),  # a Friday
    (NIR, date(2024, 7, 12), False),
    (NIR, date(2025, 7, 14), False),  # Battle of the Boyne substitute
    (NIR, date(2026, 7, 13), False),  # Battle of the Boyne substitute
    (EW, date(2026, 7, 13), True),
    (SCT, date(2026, 6, 15), False),
    (EW, date(2026, 6, 15), True),
    (EW, date(2024, 6, 1), False),  # Saturday
    (EW, date(2024, 6, 2), False),  # Sunday
    (EW, date(2024, 6, 3), True),
]


@pytest.mark.parametrize(("region", "day", "working"), IS_WORKING_CASES)
def test_is_working_day(region: Region, day: date, working: bool) -> None:
    assert calendar(region).is_working_day(day) is working


# (region, start, end, expected count of working days in (start, end])
BETWEEN_CASES = [
    (EW, date(2024, 3, 28), date(2024, 4, 2), 1),
    (EW, date(2024, 3, 28), date(2024, 4, 1), 0),
    (EW, date(2024, 3, 27), date(2024, 3, 28), 1),  # the end counts
    (EW, date(2024, 3, 28), date(2024, 3, 28), 0),  # empty range
    (EW, date(2024, 12, 25), date(2024, 12, 25), 0),
    (EW, date(2024, 4, 2), date(2024, 3, 28), -1),  # reversed
    (EW, date(2024, 4, 3), date(2024, 3, 27), -3),  # reversed: (27 Mar, 3 Apr] has 28, 2, 3
    (EW, date(2024, 3, 27), date(2024, 4, 3), 3),
    (EW, date(2024, 5, 31), date(2024, 6, 1), 0),  # Fri -> Sat
    (EW, date(2024, 6, 1), date(2024, 6, 3), 1),  # Sat -> Mon
    (EW, date(2024, 6, 3), date(2024, 6, 10), 5),
    (EW, date(2023, 12, 31), date(2024, 12, 31), 254),  # 262 weekdays - 8 bank holidays
    (EW, date(2024, 1, 1), date(2024, 12, 31), 254),  # 1 Jan 2024 is not a working day
    (EW, date(2024, 12, 31), date(2023, 12, 31), -254),
    (SCT, date(2023, 12, 31), date(2024, 12, 31), 253),  # 262 - 9 Scottish bank holidays
    (NIR, date(2023, 12, 31), date(2024, 12, 31), 252),  # 262 - 10 NI bank holidays
    (EW, date(2024, 1, 1), date(2024, 1, 29), 20),
]


@pytest.mark.parametrize(("region", "start", "end", "expected"), BETWEEN_CASES)
def test_working_days_between(region: Region, start: date, end: date, expected: int) -> None:
    cal = calendar(region)
    assert cal.working_days_between(start, end) == expected


def test_within_and_at_least_before() -> None:
    cal = calendar()
    assert cal.within_working_days(date(2024, 1, 1), 20) == date(2024, 1, 29)
    assert cal.within_working_days(date(2024, 3, 28), 1) == date(2024, 4, 2)
    assert cal.at_least_working_days_before(date(2024, 1, 29), 20) == date(2023, 12, 29)
    assert cal.at_least_working_days_before(date(2024, 4, 2), 1) == date(2024, 3, 28)
    assert cal.at_least_working_days_before(date(2024, 4, 3), 2) == date(2024, 3, 28)
    # A review on a Saturday: 10 working days before counts back from Fri 7 Jun 2024.
    assert cal.at_least_working_days_before(date(2024, 6, 8), 10) == date(2024, 5, 24)
    assert cal.at_least_working_days_before(date(2024, 6, 8), 0) == date(2024, 6, 8)


def test_next_working_day_on_or_after() -> None:
    cal = calendar()
    assert cal.next_working_day_on_or_after(date(2024, 6, 3)) == date(2024, 6, 3)
    assert cal.next_working_day_on_or_after(date(2024, 6, 1)) == date(2024, 6, 3)
    assert cal.next_working_day_on_or_after(date(2024, 3, 29)) == date(2024, 4, 2)


def test_bank_holidays_england_2024() -> None:
    days = calendar(EW).bank_holidays(2024)
    assert [b.date for b in days] == [
        date(2024, 1, 1),
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2024, 5, 6),
        date(2024, 5, 27),
        date(2024, 8, 26),
        date(2024, 12, 25),
        date(2024, 12, 26),
    ]
    assert not any(b.declared for b in days)
    assert all(b.name for b in days)


def test_bank_holidays_lists_weekday_substitutes_only() -> None:
    # 2021: Christmas and Boxing Day fall on the weekend; only the Monday/Tuesday are listed.
    december = [b.date for b in calendar(EW).bank_holidays(2021) if b.date.month == 12]
    assert december == [date(2021, 12, 27), date(2021, 12, 28)]
    scottish_january = [b.date for b in calendar(SCT).bank_holidays(2022) if b.date.month == 1]
    assert scottish_january == [date(2022, 1, 3), date(2022, 1, 4)]


# --- operator-declared days ----------------------------------------------------------------

DECLARED_TUESDAY = date(2024, 6, 4)


def test_declared_weekday_becomes_non_working() -> None:
    plain = calendar(EW)
    cal = WorkingDayCalendar.for_region(EW, declared=[(DECLARED_TUESDAY, "Operator day")])
    assert plain.is_working_day(DECLARED_TUESDAY)
    assert not cal.is_working_day(DECLARED_TUESDAY)
    assert plain.add_working_days(date(2024, 6, 3), 1) == date(2024, 6, 4)
    assert cal.add_working_days(date(2024, 6, 3), 1) == date(2024, 6, 5)
    assert cal.add_working_days(date(2024, 6, 5), -1) == date(2024, 6, 3)
    assert cal.add_working_days(DECLARED_TUESDAY, 0) == DECLARED_TUESDAY
    assert cal.working_days_between(date(2024, 6, 3), date(2024, 6, 7)) == 3
    assert plain.working_days_between(date(2024, 6, 3), date(2024, 6, 7)) == 4
    # The declared calendar leaves the plain one alone.
    assert calendar(EW).is_working_day(DECLARED_TUESDAY)


def test_bank_holidays_marks_declared_days() -> None:
    cal = WorkingDayCalendar.for_region(
        EW, declared=[(DECLARED_TUESDAY, "Operator day"), (date(2024, 12, 25), "Also Xmas")]
    )
    days = cal.bank_holidays(2024)
    assert BankHoliday(DECLARED_TUESDAY, "Operator day", declared=True) in days
    declared = [b for b in days if b.declared]
    assert [b.date for b in declared] == [DECLARED_TUESDAY]
    # Declaring a day the package already has changes nothing: listed once, as the package's.
    christmas = [b for b in days if b.date == date(2024, 12, 25)]
    assert len(christmas) == 1
    assert not christmas[0].declared
    assert len(days) == len(calendar(EW).bank_holidays(2024)) + 1


def test_declared_weekend_day_is_a_no_op() -> None:
    saturday = date(2024, 6, 1)
    plain = calendar(EW)
    cal = WorkingDayCalendar.for_region(EW, declared=[(saturday, "Weekend fete")])
    assert cal.bank_holidays(2024) == plain.bank_holidays(2024)
    assert cal.add_working_days(date(2024, 5, 31), 1) == date(2024, 6, 3)
    assert cal.working_days_between(date(2024, 5, 1), date(2024, 7, 1)) == (
        plain.working_days_between(date(2024, 5, 1), date(2024, 7, 1))
    )


def test_declared_day_only_affects_its_region() -> None:
    cal = WorkingDayCalendar.for_region(SCT, declared=[(DECLARED_TUESDAY, "Scottish day")])
    assert not cal.is_working_day(DECLARED_TUESDAY)
    assert calendar(SCT).is_working_day(DECLARED_TUESDAY)
    assert calendar(EW).is_working_day(DECLARED_TUESDAY)


# --- the supported range -------------------------------------------------------------------


def test_supported_range() -> None:
    assert date(1990, 1, 1) == FIRST_SUPPORTED
    assert date(2100, 12, 31) == LAST_SUPPORTED
    assert issubclass(OutsideCalendarRange, ValueError)


@pytest.mark.parametrize("day", [date(1989, 12, 31), date(2101, 1, 1), date(1, 1, 1)])
@pytest.mark.parametrize("n", [-1, 0, 1])
def test_dates_outside_the_range_raise(day: date, n: int) -> None:
    cal = calendar()
    with pytest.raises(OutsideCalendarRange):
        cal.add_working_days(day, n)
    with pytest.raises(OutsideCalendarRange):
        cal.is_working_day(day)
    with pytest.raises(OutsideCalendarRange):
        cal.working_days_between(day, date(2024, 1, 1))
    with pytest.raises(OutsideCalendarRange):
        cal.working_days_between(date(2024, 1, 1), day)


@pytest.mark.parametrize(
    ("region", "start", "n"),
    [
        (EW, date(2100, 12, 31), 1),
        (EW, date(2100, 12, 30), 2),
        (EW, date(2100, 12, 1), 100),
        (EW, date(1990, 1, 2), -1),  # 1 Jan 1990 is New Year's Day: nothing before in range
        (EW, date(1990, 1, 1), -1),
        (EW, date(1990, 3, 1), -100),
        (SCT, date(1990, 1, 3), -1),  # 1 and 2 Jan 1990 are Scottish bank holidays
        (EW, date(2024, 1, 1), 100_000),
        (EW, date(2024, 1, 1), -100_000),
    ],
)
def test_results_leaving_the_range_raise(region: Region, start: date, n: int) -> None:
    cal = calendar(region)
    with pytest.raises(OutsideCalendarRange):
        cal.add_working_days(start, n)


@pytest.mark.parametrize("year", [1989, 2101])
def test_bank_holidays_outside_the_range_raise(year: int) -> None:
    with pytest.raises(OutsideCalendarRange):
        calendar().bank_holidays(year)


# --- GOV.UK's bank-holiday feed ------------------------------------------------------------

FEED_YEARS = range(2012, 2029)
# Bank holidays the engine knows that the stored copy of the feed predates.
KNOWN_SINCE_FEED: dict[tuple[Region, int], set[date]] = {(SCT, 2026): {date(2026, 6, 15)}}


@cache
def _feed() -> dict[str, Any]:
    # No skip: a missing or unreadable feed is a failure.
    assert GOVUK_FEED.is_file(), f"GOV.UK feed missing: {GOVUK_FEED}"
    feed: dict[str, Any] = json.loads(GOVUK_FEED.read_text(encoding="utf-8"))
    return feed


def _feed_weekdays(region: Region, year: int) -> set[date]:
    days = {date.fromisoformat(event["date"]) for event in _feed()[region.value]["events"]}
    return {day for day in days if day.year == year and day.weekday() < 5}


def test_feed_covers_every_region_and_year() -> None:
    feed = _feed()
    assert set(feed) == {region.value for region in Region}
    for region in Region:
        assert feed[region.value]["division"] == region.value
        years = {date.fromisoformat(e["date"]).year for e in feed[region.value]["events"]}
        assert years == set(FEED_YEARS)


@pytest.mark.parametrize("year", FEED_YEARS)
@pytest.mark.parametrize("region", ALL_REGIONS)
def test_engine_matches_govuk_feed(region: Region, year: int) -> None:
    engine = {b.date for b in calendar(region).bank_holidays(year)}
    feed = _feed_weekdays(region, year)
    assert feed, "the feed lists no weekday bank holidays for this year"
    assert feed - engine == set()
    assert engine - feed == KNOWN_SINCE_FEED.get((region, year), set())


@pytest.mark.parametrize("region", ALL_REGIONS)
def test_every_feed_day_is_not_a_working_day(region: Region) -> None:
    cal = calendar(region)
    for event in _feed()[region.value]["events"]:
        day = date.fromisoformat(event["date"])
        assert not cal.is_working_day(day), (region, event)
