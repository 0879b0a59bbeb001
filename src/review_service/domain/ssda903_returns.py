"""The SSDA903 REVIEWS return (API.md "Wave 2" Returns): held looked-after reviews of a
collection year, and their check against the DfE's REVIEWS rules.

The rows are checked with `review_row_rejections`, the same definition the import uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from review_service.domain.dfe_records import (
    DateFormatError,
    EpisodeRow,
    HeaderRow,
    Rejection,
    ReviewRow,
    SourceRow,
    format_dfe_date,
    parse_dfe_date,
)
from review_service.domain.reviews import ParticipationCode
from review_service.domain.ssda903_rules import review_row_rejections

REVIEWS_COLUMNS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
RETURN_FILE = "REVIEWS"


@dataclass(frozen=True, slots=True)
class ReturnableReview:
    """A held review of a `looked_after` plan (short breaks reviews are not returned)."""

    child: str
    date_of_birth: date
    held_on: date
    participation_code: ParticipationCode


def collection_period(collection_year: int) -> tuple[date, date]:
    """1 April of the year before to 31 March of `collection_year`, both included."""
    return date(collection_year - 1, 4, 1), date(collection_year, 3, 31)


def reviews_return_rows(
    reviews: Iterable[ReturnableReview], collection_year: int
) -> list[tuple[str, str, str, str]]:
    """The REVIEWS table for the year: rows `CHILD, DOB, REVIEW, REVIEW_CODE`, ordered by
    CHILD then REVIEW date, dates DD/MM/YYYY (header row not included: REVIEWS_COLUMNS)."""
    first, last = collection_period(collection_year)
    in_year = sorted(
        (review for review in reviews if first <= review.held_on <= last),
        key=lambda review: (review.child, review.held_on),
    )
    return [
        (
            review.child,
            format_dfe_date(review.date_of_birth),
            format_dfe_date(review.held_on),
            review.participation_code.value,
        )
        for review in in_year
    ]


def reviews_return_rejections(
    rows: Sequence[tuple[str, str, str, str]],
    header: Sequence[HeaderRow],
    episodes: Sequence[EpisodeRow],
) -> list[Rejection]:
    """Every return row that fails 166, 167, 440, 441, INT08 or INT17 (against HEADER) or
    1012 (against EPISODES)."""
    header_dobs: dict[str, date | None] = {}
    for header_row in header:
        try:
            header_dobs.setdefault(header_row.child, parse_dfe_date(header_row.dob, "DOB"))
        except DateFormatError:
            header_dobs.setdefault(header_row.child, None)
    with_episodes = {episode.child for episode in episodes}
    rejections: list[Rejection] = []
    for number, (child, dob, review, code) in enumerate(rows, start=1):
        row = ReviewRow(SourceRow(RETURN_FILE, number), child, dob, review, code)
        rejections += review_row_rejections(
            row,
            header_dob=header_dobs.get(child),
            in_header=child in header_dobs,
            has_episodes=child in with_episodes,
        )
    return rejections
