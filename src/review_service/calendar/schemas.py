"""Request and response bodies of the calendar endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from review_service.date_limits import CalendarDate
from review_service.domain.regions import Region


class WorkingDaysAdded(BaseModel):
    """The result of adding working days to a date."""

    date: dt.date
    days: int
    region: Region
    result: dt.date


class WorkingDaysBetween(BaseModel):
    """Working days in the half-open range (start, end]."""

    start: dt.date
    end: dt.date
    region: Region
    working_days: int


class BankHolidayItem(BaseModel):
    """A weekday that is not a working day."""

    date: dt.date
    name: str
    declared: bool = Field(description="True for an operator-declared one-off non-working day.")


class BankHolidayList(BaseModel):
    """The bank holidays of one year in one region."""

    year: int
    region: Region
    items: list[BankHolidayItem]


class NonWorkingDayCreate(BaseModel):
    """An operator's declaration of a one-off non-working day."""

    date: CalendarDate
    name: str = Field(min_length=1, max_length=200)
    region: Region = Region.ENGLAND_AND_WALES


class NonWorkingDayOut(BaseModel):
    """A declared non-working day."""

    id: uuid.UUID
    date: dt.date
    name: str
    region: Region
    created_at: dt.datetime
    created_by: str


class NonWorkingDayList(BaseModel):
    """Declared non-working days, oldest date first."""

    items: list[NonWorkingDayOut]
