"""The one lock order for a plan and what hangs off it (issue 8, defect 3)."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.models import Plan

Row = TypeVar("Row", bound=Any)


def lock_plan_then(
    session: Session, model: type[Row], row_id: uuid.UUID, plan_id: uuid.UUID
) -> tuple[Row, Plan]:
    """Row-lock the plan, then one row of `model` under it, and return both as they are now.

    Every change that touches a plan and its reviews, considerations or actions locks in this
    order (the plan first, as ending a plan does), so two such changes queue on PostgreSQL
    instead of deadlocking. Both are read again once locked: another request may have
    changed them while this one waited."""
    plan = session.scalar(
        select(Plan).where(Plan.id == plan_id).with_for_update()
        .execution_options(populate_existing=True)
    )  # fmt: skip
    assert plan is not None
    locked = session.scalar(
        select(model).where(model.id == row_id).with_for_update()
        .execution_options(populate_existing=True)
    )  # fmt: skip
    assert locked is not None
    return locked, plan
