"""Dates and date-times a request may carry: within the working-day calendar's range.

Every date or date-time field of a request body or query uses these types, so an out-of-range
value is a 422 naming the field instead of an OverflowError (`0001-01-01T00:00:00+14:00` has no
UTC instant) or an OutsideCalendarRange deep inside a computation. The range is the engine's
own (domain/working_days.py), defined there alone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator
from pydantic_core import PydanticCustomError

from review_service.domain.working_days import FIRST_SUPPORTED, LAST_SUPPORTED

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RANGE = {"first": FIRST_SUPPORTED.isoformat(), "last": LAST_SUPPORTED.isoformat()}


def _calendar_date_text(value: object) -> object:
    """Only `YYYY-MM-DD` (or a `date`) is a date: lax parsing would also read a date-time
    at midnight or a Unix time as one, hiding a sender's mistake."""
    is_text = isinstance(value, str) and _ISO_DATE.fullmatch(value) is not None
    if is_text or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise PydanticCustomError("date_format", "Input should be a date written YYYY-MM-DD")


def _outside_range() -> PydanticCustomError:
    return PydanticCustomError(
        "outside_calendar_range", "Input should be between {first} and {last}", _RANGE
    )


def _within_calendar(day: date) -> date:
    if FIRST_SUPPORTED <= day <= LAST_SUPPORTED:
        return day
    raise _outside_range()


def _instant_within_calendar(moment: datetime) -> datetime:
    # The local date first: only within the range is the UTC conversion safe (it moves the
    # date by at most a day), and only then can the instant itself be checked.
    if not FIRST_SUPPORTED <= moment.date() <= LAST_SUPPORTED:
        raise _outside_range()
    if not FIRST_SUPPORTED <= moment.astimezone(UTC).date() <= LAST_SUPPORTED:
        raise _outside_range()
    return moment


CalendarDate = Annotated[
    date, BeforeValidator(_calendar_date_text), AfterValidator(_within_calendar)
]
CalendarDateTime = Annotated[AwareDatetime, AfterValidator(_instant_within_calendar)]
