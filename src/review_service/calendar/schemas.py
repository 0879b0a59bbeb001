"""Request and response bodies of the calendar endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.domain.regions import Region
from review_service.models import CalendarRecompute


class WorkingDaysAdded(BaseModel):
    """The result of adding working days to a date."""

    date: dt.date = Field(description="The date counted from.")
    days: int = Field(description="Working days added (negative: counted back).")
    region: Region = Field(description="Bank-holiday region whose calendar counts working days.")
    result: dt.date = Field(description="The date that many working days on (RULES.md §1).")


class WorkingDaysBetween(BaseModel):
    """Working days in the half-open range (start, end]."""

    start: dt.date = Field(description="Start of the range, excluded.")
    end: dt.date = Field(description="End of the range, included.")
    region: Region = Field(description="Bank-holiday region whose calendar counts working days.")
    working_days: int = Field(description="Working days in (start, end].")


class BankHolidayItem(BaseModel):
    """A weekday that is not a working day."""

    date: dt.date = Field(description="The date of the holiday.")
    name: str = Field(description="Its name, e.g. `Christmas Day`.")
    declared: bool = Field(description="True for an operator-declared one-off non-working day.")


class BankHolidayList(BaseModel):
    """The bank holidays of one year in one region."""

    year: int = Field(description="The calendar year listed.")
    region: Region = Field(description="Bank-holiday region whose calendar counts working days.")
    items: list[BankHolidayItem] = Field(
        description="The year's bank holidays and declared non-working days, by date."
    )


class NonWorkingDayCreate(BaseModel):
    """An operator's declaration of a one-off non-working day."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"date": "2026-09-19", "name": "State funeral", "region": "england-and-wales"}
            ]
        }
    )

    date: CalendarDate = Field(description="The day that is not a working day.")
    name: str = Field(
        min_length=1,
        max_length=200,
        description="Why it is not a working day, e.g. a state funeral.",
    )
    region: Region = Field(
        default=Region.ENGLAND_AND_WALES, description="The region it applies to."
    )


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
    completed_at: dt.datetime | None = Field(
        description="When the recompute finished; null while pending."
    )


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

    id: uuid.UUID = Field(description="The service's id of this record.")
    date: dt.date = Field(description="The day that is not a working day.")
    name: str = Field(description="Why it is not a working day.")
    region: Region = Field(description="The region it applies to.")
    created_at: dt.datetime = Field(description="When it was declared.")
    created_by: str = Field(description="The token name that declared it.")
    recompute: RecomputeOut = Field(
        description="The scheduler's recompute of the open deadlines this declaration moves."
    )


class NonWorkingDayList(BaseModel):
    """Declared non-working days, oldest date first."""

    items: list[NonWorkingDayOut] = Field(description="The declared days, oldest first.")
