"""Request and response bodies of the calendar endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, Field

from review_service.domain.regions import Region
from review_service.models import CalendarRecompute


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

    date: dt.date
    name: str = Field(min_length=1, max_length=200)
    region: Region = Region.ENGLAND_AND_WALES


class RecomputeStatus(StrEnum):
    """Whether the re-derivation of open deadlines a change calls for has run."""

    PENDING = "pending"
    DONE = "done"


class RecomputeOut(BaseModel):
    """The re-derivation of open deadlines after a calendar or policy change."""

    status: RecomputeStatus = Field(
        description="`pending` until the scheduler's recompute job has run, then `done`."
    )
    deadlines_moved: int | None = Field(
        description="Open deadlines whose date changed; null while pending."
    )
    completed_at: dt.datetime | None


def recompute_out(request: CalendarRecompute | None) -> RecomputeOut:
    """Where a recompute stands; a declaration older than this field counts as done."""
    if request is not None and request.completed_at is None:
        return RecomputeOut(status=RecomputeStatus.PENDING, deadlines_moved=None, completed_at=None)
    return RecomputeOut(
        status=RecomputeStatus.DONE,
        deadlines_moved=request.deadlines_moved if request else None,
        completed_at=request.completed_at if request else None,
    )


class NonWorkingDayOut(BaseModel):
    """A declared non-working day."""

    id: uuid.UUID
    date: dt.date
    name: str
    region: Region
    created_at: dt.datetime
    created_by: str
    recompute: RecomputeOut = Field(
        description="The scheduler's recompute of the open deadlines this declaration moves."
    )


class NonWorkingDayList(BaseModel):
    """Declared non-working days, oldest date first."""

    items: list[NonWorkingDayOut]
