"""The working-day engine (RULES.md §1), the one implementation every deadline uses.

A working day is any day but a Saturday, a Sunday or a bank holiday of the region (Christmas Day
and Good Friday are bank holidays in every region). For each region and set of operator-declared
non-working days a table of working-day ordinals is built once over the supported range, so that
adding or counting working days is a couple of list look-ups however large `n` is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

from review_service.domain.regions import Region

FIRST_SUPPORTED = date(1990, 1, 1)
LAST_SUPPORTED = date(2100, 12, 31)


class OutsideCalendarRange(ValueError):
    """A date, or a date a computation reaches, lies outside the supported range."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} is outside the supported calendar range "
            f"{FIRST_SUPPORTED.isoformat()} to {LAST_SUPPORTED.isoformat()}"
        )


@dataclass(frozen=True, slots=True)
class BankHoliday:
    """A weekday that is not a working day, and why."""

    date: date
    name: str
    declared: bool  # True for an operator-declared one-off day, False for the `holidays` package


@lru_cache(maxsize=8)
def package_bank_holidays(region: Region) -> dict[date, str]:
    """The `holidays` package's bank holidays for `region` over the supported range."""
    table = holidays.country_holidays(
        "GB",
        subdiv=region.holidays_subdivision,
        years=range(FIRST_SUPPORTED.year, LAST_SUPPORTED.year + 1),
    )
    return {day: str(name) for day, name in sorted(table.items())}


class WorkingDayCalendar:
    """Working days of one region, with any operator-declared non-working days.

    Build it with `WorkingDayCalendar.for_region`, which caches one table per distinct input.
    """

    def __init__(self, region: Region, declared: dict[date, str]) -> None:
        self.region = region
        weekday_holidays = {
            day: name for day, name in package_bank_holidays(region).items() if day.weekday() < 5
        }
        for day, name in declared.items():
            if day.weekday() < 5 and day not in weekday_holidays:
                weekday_holidays[day] = name
        self._holidays = weekday_holidays
        self._declared = frozenset(declared)
        first = FIRST_SUPPORTED.toordinal()
        last = LAST_SUPPORTED.toordinal()
        holiday_ordinals = {day.toordinal() for day in weekday_holidays}
        self._first = first
        self._size = last - first + 1
        is_working = [
            (ordinal % 7) not in (0, 6) and ordinal not in holiday_ordinals
            # date.fromordinal(o).weekday() == (o - 1) % 7, so Sat is o % 7 == 6 and Sun o % 7 == 0
            for ordinal in range(first, last + 1)
        ]
        self._is_working = is_working
        working: list[int] = []
        count_through: list[int] = []
        for offset, working_day in enumerate(is_working):
            if working_day:
                working.append(first + offset)
            count_through.append(len(working))
        self._working = working
        self._count_through = count_through

    @staticmethod
    def for_region(region: Region, declared: Iterable[tuple[date, str]] = ()) -> WorkingDayCalendar:
        """The calendar of `region` with the given operator-declared non-working days."""
        return _cached_calendar(region, tuple(sorted(set(declared))))

    def _offset(self, day: date, what: str) -> int:
        offset = day.toordinal() - self._first
        if not 0 <= offset < self._size:
            raise OutsideCalendarRange(what)
        return offset

    def is_working_day(self, day: date) -> bool:
        """True when `day` is neither a weekend nor a bank holiday of the region."""
        return self._is_working[self._offset(day, day.isoformat())]

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day strictly after `day` (n > 0), strictly before it (n < 0),
        or `day` itself (n = 0). `day` never counts, working day or not (RULES.md §1)."""
        offset = self._offset(day, day.isoformat())
        if n == 0:
            return day
        through = self._count_through[offset]
        if n > 0:
            index = through + n - 1
        else:
            before = through - self._is_working[offset]
            index = before + n
        if not 0 <= index < len(self._working):
            raise OutsideCalendarRange(f"{day.isoformat()} {n:+d} working days")
        return date.fromordinal(self._working[index])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open range (start, end]; negative when end < start."""
        return (
            self._count_through[self._offset(end, end.isoformat())]
            - self._count_through[self._offset(start, start.isoformat())]
        )

    def within_working_days(self, start: date, n: int) -> date:
        """Deadline of "within n working days of start": no later than this date."""
        return self.add_working_days(start, n)

    def at_least_working_days_before(self, reference: date, n: int) -> date:
        """Deadline of "at least n working days before reference": no later than this date."""
        return self.add_working_days(reference, -n)

    def next_working_day_on_or_after(self, day: date) -> date:
        """`day` if it is a working day, else the first working day after it."""
        offset = self._offset(day, day.isoformat())
        if self._is_working[offset]:
            return day
        return self.add_working_days(day, 1)

    def bank_holidays(self, year: int) -> list[BankHoliday]:
        """The weekday bank holidays of `year`, declared days included and marked as such."""
        start = date(year, 1, 1)
        end = date(year, 12, 31)
        self._offset(start, str(year))
        self._offset(end, str(year))
        return [
            BankHoliday(day, name, day in self._declared and day not in self._package_days())
            for day, name in sorted(self._holidays.items())
            if start <= day <= end
        ]

    def _package_days(self) -> dict[date, str]:
        return package_bank_holidays(self.region)


@lru_cache(maxsize=64)
def _cached_calendar(region: Region, declared: tuple[tuple[date, str], ...]) -> WorkingDayCalendar:
    return WorkingDayCalendar(region, dict(declared))
