"""Queries on operator-declared non-working days."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.domain.regions import Region
from review_service.models import CalendarRecompute, NonWorkingDay


def declared_days(session: Session, region: Region) -> list[tuple[date, str]]:
    """(day, name) of every declared non-working day of `region`."""
    rows = session.execute(
        select(NonWorkingDay.day, NonWorkingDay.name).where(NonWorkingDay.region == region.value)
    )
    return [(day, name) for day, name in rows]


def list_declared(session: Session, region: Region | None) -> list[NonWorkingDay]:
    """Declared days, optionally of one region, by date."""
    query = select(NonWorkingDay).order_by(NonWorkingDay.day, NonWorkingDay.region)
    if region is not None:
        query = query.where(NonWorkingDay.region == region.value)
    return list(session.scalars(query))


def recomputes_by_id(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, CalendarRecompute]:
    """The recompute requests of these declarations (a declaration's request shares its id)."""
    if not ids:
        return {}
    rows = session.scalars(select(CalendarRecompute).where(CalendarRecompute.id.in_(ids)))
    return {row.id: row for row in rows}


def get_declared(session: Session, declared_id: uuid.UUID) -> NonWorkingDay | None:
    """A declaration by id."""
    return session.get(NonWorkingDay, declared_id)
