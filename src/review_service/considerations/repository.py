"""Queries on considerations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.deadlines.registry import REGISTRY
from review_service.domain.deadlines import ConsiderationStatus, DeadlineKind
from review_service.models import Consideration
from review_service.pagination import Keyset, Page
from review_service.visibility import within_authority

# By due date, along ix_considerations_la_status_due.
PAGED = Keyset(Consideration.due_by, Consideration.id)


def considerations_page(
    session: Session,
    principal: Principal,
    *,
    status: ConsiderationStatus | None,
    chair_id: str | None,
    local_authority: str | None,
    overdue: bool | None,
    today: date,
    limit: int,
    cursor: str | None,
) -> Page[Consideration]:
    """One page of the considerations the token may see, filtered, by due date."""
    query = within_authority(
        select(Consideration), Consideration.local_authority, principal, local_authority
    )
    if status is not None:
        query = query.where(Consideration.status == status)
    if chair_id is not None:
        query = query.where(Consideration.chair_id == chair_id)
    if overdue is True:
        query = query.where(REGISTRY[DeadlineKind.CONSIDERATION].is_overdue(today))
    elif overdue is False:
        query = query.where(REGISTRY[DeadlineKind.CONSIDERATION].is_not_overdue(today))
    return PAGED.page(list(session.scalars(PAGED.select(query, cursor, limit))), limit)
