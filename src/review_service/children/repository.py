"""Queries on children."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.models import Child
from review_service.pagination import Keyset
from review_service.problems import NotFound
from review_service.visibility import within_authority

# By id: the order children were created in means nothing to a reader.
PAGED = Keyset(None, Child.id)


def visible_child(session: Session, principal: Principal, child_id: uuid.UUID) -> Child:
    """The child, if the token may see it; another authority's child is 404 like a missing one."""
    child = session.get(Child, child_id)
    if child is None or not principal.can_see(child.local_authority):
        raise NotFound(f"no child {child_id}")
    return child


def find_by_external_id(session: Session, local_authority: str, external_id: str) -> Child | None:
    """The child the record system calls `external_id` in `local_authority`."""
    return session.scalar(
        select(Child).where(
            Child.local_authority == local_authority, Child.external_id == external_id
        )
    )


def list_children(
    session: Session,
    principal: Principal,
    *,
    external_id: str | None,
    local_authority: str | None,
    cursor: str | None,
    limit: int,
) -> list[Child]:
    """Children the token may see, by id, optionally filtered: one page and one row over."""
    query = within_authority(select(Child), Child.local_authority, principal, local_authority)
    if external_id is not None:
        query = query.where(Child.external_id == external_id)
    return list(session.scalars(PAGED.select(query, cursor, limit)))
