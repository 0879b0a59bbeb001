"""The authority wall for one record: what a token may not see is 404, like what is missing."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.problems import NotFound

Row = TypeVar("Row", bound=Any)


def visible_row(
    session: Session,
    principal: Principal,
    model: type[Row],
    row_id: uuid.UUID,
    noun: str,
    *,
    for_update: bool = False,
) -> Row:
    """The row, if the token may see its authority's records; else 404 naming only the id."""
    query = select(model).where(model.id == row_id)
    if for_update:
        query = query.with_for_update()
    row: Row | None = session.scalar(query)
    if row is None or not principal.can_see(row.local_authority):
        raise NotFound(f"no {noun} {row_id}")
    return row
