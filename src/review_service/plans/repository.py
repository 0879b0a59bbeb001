"""Queries on plans, and on the open deadlines a plan holds."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.deadlines.registry import REGISTRY
from review_service.domain.deadlines import DeadlineKind
from review_service.domain.plan_types import PlanStatus, PlanType
from review_service.models import Plan
from review_service.pagination import Keyset, Page
from review_service.visibility import within_authority

# By id: the order plans were opened in means nothing to a reader.
PAGED = Keyset(None, Plan.id)


def open_plan_of_type(
    session: Session, child_id: uuid.UUID, plan_type: PlanType
) -> uuid.UUID | None:
    """The id of the child's open plan of this type, if it has one."""
    return session.scalar(
        select(Plan.id).where(
            Plan.child_id == child_id, Plan.type == plan_type.value, Plan.status == PlanStatus.OPEN
        )
    )


def plans_page(
    session: Session,
    principal: Principal,
    *,
    child_id: uuid.UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> Page[Plan]:
    """One page of the plans the token may see, optionally of one child or status, by id."""
    query = within_authority(select(Plan), Plan.local_authority, principal)
    if child_id is not None:
        query = query.where(Plan.child_id == child_id)
    if status is not None:
        query = query.where(Plan.status == status)
    return PAGED.page(list(session.scalars(PAGED.select(query, cursor, limit))), limit)


def open_of_plan_for_update(session: Session, kind: DeadlineKind, plan: Plan) -> list[Any]:
    """The plan's open deadlines of `kind` (with a plan_id column), locked, freshly read."""
    # Locked after the plan, as every writer locks (plan first): queue, never deadlock.
    registered = REGISTRY[kind]
    return list(
        session.scalars(
            select(registered.model)
            .where(registered.model.plan_id == plan.id, registered.is_open())
            .order_by(registered.model.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
