"""Queries on the records a review holds (its attendees, its actions): the one shape both
features' repositories share, so neither writes its own copy of the same four queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_service.models import Action, Attendee
from review_service.pagination import Keyset, Page
from review_service.problems import NotFound

R = TypeVar("R", Action, Attendee)


@dataclass(frozen=True, slots=True)
class ReviewRecords(Generic[R]):
    """The records of `model` that belong to one review, named `noun` in a 404."""

    model: type[R]
    noun: str
    paged: Keyset

    def count(self, session: Session, review_id: uuid.UUID) -> int:
        """How many the review holds."""
        total = session.scalar(
            select(func.count()).select_from(self.model).where(self.model.review_id == review_id)
        )
        return total or 0

    def all(self, session: Session, review_id: uuid.UUID) -> list[R]:
        """Every one the review holds."""
        return list(session.scalars(select(self.model).where(self.model.review_id == review_id)))

    def page(
        self, session: Session, review_id: uuid.UUID, cursor: str | None, limit: int
    ) -> Page[R]:
        """One page of the review's records, in the feature's order."""
        query = self.paged.select(
            select(self.model).where(self.model.review_id == review_id), cursor, limit
        )
        return self.paged.page(list(session.scalars(query)), limit)

    def one(
        self, session: Session, review_id: uuid.UUID, record_id: uuid.UUID, *, for_update: bool
    ) -> R:
        """One record of the review; another review's is 404 like a missing one."""
        query = select(self.model).where(
            self.model.id == record_id, self.model.review_id == review_id
        )
        if for_update:
            query = query.with_for_update()
        record = session.scalar(query)
        if record is None:
            raise NotFound(f"review {review_id} has no {self.noun} {record_id}")
        return record
