"""Calendar use cases. Each runs in the caller's transaction and never commits."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.orm import Session

from review_service.calendar import repository
from review_service.domain.regions import Region
from review_service.domain.working_days import BankHoliday, WorkingDayCalendar
from review_service.duplicates import conflict_on_duplicate
from review_service.models import CalendarRecompute, NonWorkingDay
from review_service.models.base import new_id
from review_service.problems import Conflict, InvalidRequest, NotFound


def load_calendar(session: Session, region: Region) -> WorkingDayCalendar:
    """The region's calendar with every declared non-working day as of this transaction."""
    return WorkingDayCalendar.for_region(region, repository.declared_days(session, region))


def add_working_days(session: Session, region: Region, day: date, days: int) -> date:
    """RULES.md §1 `add_working_days` in `region`; OutsideCalendarRange is rendered as a 422."""
    return load_calendar(session, region).add_working_days(day, days)


def working_days_between(session: Session, region: Region, start: date, end: date) -> int:
    """RULES.md §1 `working_days_between` in `region`."""
    return load_calendar(session, region).working_days_between(start, end)


def bank_holidays(session: Session, region: Region, year: int) -> list[BankHoliday]:
    """The year's weekday bank holidays, declared days included."""
    return load_calendar(session, region).bank_holidays(year)


def declare_non_working_day(
    session: Session, *, region: Region, day: date, name: str, by: str, now: datetime
) -> NonWorkingDay:
    """Declare a one-off non-working day; the engine honours it from this commit on."""
    calendar = load_calendar(session, region)
    if day.weekday() >= 5:
        raise InvalidRequest(f"{day.isoformat()} is a weekend day and never a working day")
    already = f"{day.isoformat()} is already a non-working day in {region.value}"
    if not calendar.is_working_day(day):
        raise Conflict(already)
    declared = NonWorkingDay(
        id=new_id(), region=region.value, day=day, name=name, created_at=now, created_by=by
    )
    with conflict_on_duplicate(session, already):
        session.add(declared)
    # The scheduler recomputes every open deadline the new day moves, then announces
    # calendar.changed (RULES.md §1); the engine honours the day from this commit on.
    session.add(
        CalendarRecompute(
            id=declared.id,  # the declaration's resource reads its recompute by this id
            region=region.value,
            reason=f"declared {day.isoformat()}: {name}"[:200],
            requested_at=now,
        )
    )
    session.flush()
    return declared


def list_non_working_days(session: Session, region: Region | None) -> list[NonWorkingDay]:
    """Every declared day, optionally of one region."""
    return repository.list_declared(session, region)


def recomputes_of(
    session: Session, declared: list[NonWorkingDay]
) -> dict[uuid.UUID, CalendarRecompute]:
    """The scheduler's recompute request of each declaration, by the declaration's id."""
    return repository.recomputes_by_id(session, [item.id for item in declared])


def remove_non_working_day(session: Session, declared_id: uuid.UUID, now: datetime) -> None:
    """Withdraw a declaration (e.g. one made in error)."""
    declared = repository.get_declared(session, declared_id)
    if declared is None:
        raise NotFound(f"no declared non-working day {declared_id}")
    session.add(
        CalendarRecompute(
            region=declared.region, reason=f"withdrew {declared.day.isoformat()}", requested_at=now
        )
    )
    session.delete(declared)
    session.flush()
