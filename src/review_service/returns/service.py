"""The SSDA903 REVIEWS return read from the database (API.md "Wave 2" Returns)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ParticipationCode, ReviewStatus
from review_service.domain.ssda903_returns import (
    REVIEWS_COLUMNS,
    ReturnableReview,
    collection_period,
    reviews_return_rows,
)
from review_service.models import Child, Plan, Review


def _returnable(
    session: Session, authority: str, collection_year: int
) -> Iterator[ReturnableReview]:
    first, last = collection_period(collection_year)
    query = (
        select(Child.external_id, Child.date_of_birth, Review.held_on, Review.participation_code)
        .join(Plan, Plan.id == Review.plan_id)
        .join(Child, Child.id == Plan.child_id)
        .where(
            Review.local_authority == authority,
            Review.plan_type == PlanType.LOOKED_AFTER.value,
            Review.status == ReviewStatus.HELD.value,
            Review.held_on >= first,
            Review.held_on <= last,
            Review.participation_code.is_not(None),
        )
    )
    for child, dob, held_on, code in session.execute(query):
        yield ReturnableReview(child, dob, held_on, ParticipationCode(code))


def reviews_return_csv(session: Session, authority: str, collection_year: int) -> str:
    """The authority's REVIEWS table for the collection year (1 April to 31 March) as CSV:
    held `looked_after` reviews only, ordered by CHILD then REVIEW date."""
    rows = reviews_return_rows(_returnable(session, authority, collection_year), collection_year)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REVIEWS_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
