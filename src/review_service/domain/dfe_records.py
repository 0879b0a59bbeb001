"""The DfE SSDA903 and CIN census records as the files give them, and what an import makes of
them: imported children and plans, or the rejection of a whole child (API.md "Wave 2").

Pure data: the readers in `review_service.imports` build these from files; the rules in
`periods_of_care`, `ssda903_rules` and `cin_census_rules` turn them into plans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ParticipationCode

_DFE_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}/\d{1,2}/\d{2}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class DateFormatError(ValueError):
    """A date field that is not the date format the file's specification requires."""


def parse_dfe_date(text: str, field: str) -> date:
    """`DD/MM/YYYY` (SSDA903) to a date, or DateFormatError with a reason that never echoes
    the value (it may be a date of birth).

    Two-digit years (`24/04/17`) occur in real files. They are refused, not pivoted: the
    DfE's own validator refuses them too (rules 102, 141, 147, 166 read `%d/%m/%Y` only), so
    a guessed century would put a date into the service that the return it feeds would fail.
    """
    value = text.strip()
    if not value:
        raise DateFormatError(f"{field} is blank")
    match = _DFE_DATE.fullmatch(value)
    if match is None:
        if _TWO_DIGIT_YEAR.fullmatch(value):
            raise DateFormatError(
                f"{field} has a two-digit year; write it as DD/MM/YYYY (the century is not guessed)"
            )
        raise DateFormatError(f"{field} is not a date in the form DD/MM/YYYY")
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DateFormatError(f"{field} is not a real calendar date") from None


def parse_iso_date(text: str, field: str) -> date:
    """`YYYY-MM-DD` (CIN census XML) to a date, or DateFormatError (value never echoed)."""
    value = text.strip()
    if not value:
        raise DateFormatError(f"{field} is blank")
    match = _ISO_DATE.fullmatch(value)
    if match is None:
        raise DateFormatError(f"{field} is not a date in the form YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DateFormatError(f"{field} is not a real calendar date") from None


def format_dfe_date(day: date) -> str:
    """A date as the SSDA903 tables write it, `DD/MM/YYYY`."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


@dataclass(frozen=True, slots=True)
class SourceRow:
    """Where a record came from: the file's name and its 1-based data row (header excluded).
    For an XML file, `row` is the 1-based position of the `Child` element."""

    file: str
    row: int


@dataclass(frozen=True, slots=True)
class HeaderRow:
    """One SSDA903 HEADER row, as text."""

    source: SourceRow
    child: str
    dob: str


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """One SSDA903 EPISODES row, as text (the columns the review clock reads)."""

    source: SourceRow
    child: str
    decom: str
    rne: str
    ls: str
    dec: str
    rec: str


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One SSDA903 REVIEWS row, as text."""

    source: SourceRow
    child: str
    dob: str
    review: str
    review_code: str


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a child (or a row that names no child) is not imported (API.md import report
    `rejected[]`). `reason` never holds a date of birth; `child` is the authority's own id."""

    file: str
    row: int | None
    child: str | None
    rule: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class HeldReview:
    """A review the files show as held. `sequence` is its position among the plan's known
    reviews in date order: the statutory number when the history is complete, and the
    earliest reading (the first known review taken as review 1) when it is not."""

    sequence: int
    held_on: date
    participation_code: ParticipationCode | None


@dataclass(frozen=True, slots=True)
class NextReview:
    """The pending review of an open plan: its number and statutory `due_by` (RULES.md §2)."""

    sequence: int
    due_by: date


@dataclass(frozen=True, slots=True)
class ImportedPlan:
    """A plan an import would write, with its held reviews and, if open, the next one due."""

    plan_type: PlanType
    start_date: date
    end_date: date | None
    history_complete: bool
    held_reviews: tuple[HeldReview, ...]
    next_review: NextReview | None


@dataclass(frozen=True, slots=True)
class ImportedChild:
    """A child an import would write: the authority's id, date of birth and plans."""

    external_id: str
    date_of_birth: date
    plans: tuple[ImportedPlan, ...]


@dataclass(frozen=True, slots=True)
class RejectedChild:
    """A child none of whose records is written, and every reason why."""

    external_id: str | None
    rejections: tuple[Rejection, ...]


ChildOutcome = ImportedChild | RejectedChild
