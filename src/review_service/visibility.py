"""The authority wall: what a token may not see is 404, like what is missing, and is never
listed. One place says how a query is kept to the token's authority."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.problems import NotFound

Row = TypeVar("Row", bound=Any)
Selected = TypeVar("Selected", bound=tuple[Any, ...])


def within_authority(
    query: Select[Selected],
    authority_column: Any,
    principal: Principal,
    local_authority: str | None = None,
) -> Select[Selected]:
    """`query` kept to the rows of the token's authority (an unbound token sees every one),
    and to `local_authority` where the caller asked for one."""
    for authority in (principal.local_authority, local_authority):
        if authority is not None:
            query = query.where(authority_column == authority)
    return query


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
