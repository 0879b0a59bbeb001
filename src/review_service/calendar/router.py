"""HTTP edge of the calendar: parse, authorise, call one service function, answer."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from review_service.calendar import service
from review_service.calendar.schemas import (
    BankHolidayItem,
    BankHolidayList,
    NonWorkingDayCreate,
    NonWorkingDayList,
    NonWorkingDayOut,
    WorkingDaysAdded,
    WorkingDaysBetween,
    recompute_out,
)
from review_service.date_limits import CalendarDate
from review_service.dependencies import (
    AdminPrincipal,
    NowDep,
    ReadPrincipal,
    SessionDep,
    UnboundAdminPrincipal,
)
from review_service.domain.regions import DEFAULT_REGION, Region
from review_service.domain.working_days import FIRST_SUPPORTED, LAST_SUPPORTED
from review_service.models import CalendarRecompute, NonWorkingDay
from review_service.problems import problem_responses
from review_service.response_headers import created

router = APIRouter(prefix="/v1/calendar", tags=["calendar"])

# Beyond this many working days a result would leave the supported range anyway.
MAX_WORKING_DAYS = 20_000

RegionQuery = Annotated[Region, Query(description="Bank-holiday region.")]
_READ_ERRORS = problem_responses(401, 403, 422)


@router.get("/working-days/add", response_model=WorkingDaysAdded, responses=_READ_ERRORS)
def add_working_days(
    session: SessionDep,
    _principal: ReadPrincipal,
    day: Annotated[
        CalendarDate, Query(alias="date", description="The date counted from (never itself).")
    ],
    days: Annotated[int, Query(ge=-MAX_WORKING_DAYS, le=MAX_WORKING_DAYS)],
    region: RegionQuery = DEFAULT_REGION,
) -> WorkingDaysAdded:
    """The `days`-th working day after `date` (before it when negative; `date` when zero)."""
    result = service.add_working_days(session, region, day, days)
    return WorkingDaysAdded(date=day, days=days, region=region, result=result)


@router.get("/working-days/between", response_model=WorkingDaysBetween, responses=_READ_ERRORS)
def working_days_between(
    session: SessionDep,
    _principal: ReadPrincipal,
    start: CalendarDate,
    end: CalendarDate,
    region: RegionQuery = DEFAULT_REGION,
) -> WorkingDaysBetween:
    """Working days in the half-open range (start, end]; negative when end is before start."""
    count = service.working_days_between(session, region, start, end)
    return WorkingDaysBetween(start=start, end=end, region=region, working_days=count)


@router.get("/bank-holidays", response_model=BankHolidayList, responses=_READ_ERRORS)
def bank_holidays(
    session: SessionDep,
    _principal: ReadPrincipal,
    year: Annotated[int, Query(ge=FIRST_SUPPORTED.year, le=LAST_SUPPORTED.year)],
    region: RegionQuery = DEFAULT_REGION,
) -> BankHolidayList:
    """The year's weekday bank holidays; operator-declared days are marked `declared`."""
    holidays = service.bank_holidays(session, region, year)
    items = [BankHolidayItem(date=h.date, name=h.name, declared=h.declared) for h in holidays]
    return BankHolidayList(year=year, region=region, items=items)


def _declared_out(
    declared: NonWorkingDay, recomputes: dict[uuid.UUID, CalendarRecompute]
) -> NonWorkingDayOut:
    return NonWorkingDayOut(
        recompute=recompute_out(recomputes.get(declared.id)),
        id=declared.id,
        date=declared.day,
        name=declared.name,
        region=Region(declared.region),
        created_at=declared.created_at,
        created_by=declared.created_by,
    )


@router.post(
    "/non-working-days",
    status_code=status.HTTP_201_CREATED,
    response_model=NonWorkingDayOut,
    responses=created(problem_responses(401, 403, 409, 422)),
)
def declare_non_working_day(
    session: SessionDep,
    principal: UnboundAdminPrincipal,
    now: NowDep,
    body: NonWorkingDayCreate,
    response: Response,
) -> NonWorkingDayOut:
    """Declare a one-off non-working day (a bank holiday the installed package lacks). It
    moves every authority's deadlines, so only an admin token bound to none may."""
    declared = service.declare_non_working_day(
        session,
        region=body.region,
        day=body.date,
        name=body.name,
        by=principal.token_name,
        now=now,
    )
    # No GET of one declared day: it is removed (DELETE) at this address.
    response.headers["Location"] = f"/v1/calendar/non-working-days/{declared.id}"
    return _declared_out(declared, service.recomputes_of(session, [declared]))


@router.get(
    "/non-working-days",
    response_model=NonWorkingDayList,
    responses=problem_responses(401, 403, 422),
)
def list_non_working_days(
    session: SessionDep, _principal: AdminPrincipal, region: Region | None = None
) -> NonWorkingDayList:
    """Every operator-declared non-working day."""
    items = service.list_non_working_days(session, region)
    recomputes = service.recomputes_of(session, items)
    return NonWorkingDayList(items=[_declared_out(item, recomputes) for item in items])


@router.delete(
    "/non-working-days/{declared_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 422),
)
def remove_non_working_day(
    session: SessionDep, _principal: UnboundAdminPrincipal, now: NowDep, declared_id: uuid.UUID
) -> None:
    """Withdraw a declared non-working day (an admin token bound to no authority only)."""
    service.remove_non_working_day(session, declared_id, now)
