"""What the service already holds of an import's children: their plans and live reviews,
read in three statements per chunk of children (issue 10)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.domain.import_reconciliation import StoredPlan, StoredReview
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ReviewStatus
from review_service.models import Child, Plan, Review


@dataclass(frozen=True, slots=True)
class StoredChild:
    """A child the service already holds in the authority."""

    id: uuid.UUID
    date_of_birth: date
    plans: tuple[StoredPlan, ...]


def load_children(
    session: Session, authority: str, external_ids: Sequence[str]
) -> dict[str, StoredChild]:
    """The children of `external_ids` the authority holds, with their plans and live reviews
    (three statements)."""
    if not external_ids:
        return {}
    children = session.execute(
        select(Child.id, Child.external_id, Child.date_of_birth).where(
            Child.local_authority == authority, Child.external_id.in_(external_ids)
        )
    ).all()
    if not children:
        return {}
    plans = session.execute(
        select(
            Plan.id,
            Plan.child_id,
            Plan.type,
            Plan.start_date,
            Plan.end_date,
            Plan.history_complete,
            Plan.review_interval_months,
        ).where(Plan.child_id.in_([c.id for c in children]))
    ).all()
    reviews: dict[uuid.UUID, list[StoredReview]] = defaultdict(list)
    if plans:
        for row in session.execute(
            select(
                Review.id,
                Review.plan_id,
                Review.sequence,
                Review.held_on,
                Review.participation_code,
                Review.statutory_due_by,
                Review.late,
            ).where(
                Review.plan_id.in_([p.id for p in plans]),
                Review.status != ReviewStatus.CANCELLED.value,
            )
        ):
            reviews[row.plan_id].append(
                StoredReview(
                    row.id,
                    row.sequence,
                    row.held_on,
                    row.participation_code,
                    row.statutory_due_by,
                    row.late,
                )
            )
    by_child: dict[uuid.UUID, list[StoredPlan]] = defaultdict(list)
    for p in plans:
        by_child[p.child_id].append(
            StoredPlan(
                p.id,
                PlanType(p.type),
                p.start_date,
                p.end_date,
                p.history_complete,
                p.review_interval_months,
                tuple(sorted(reviews[p.id], key=lambda r: r.sequence)),
            )
        )
    return {
        c.external_id: StoredChild(c.id, c.date_of_birth, tuple(by_child[c.id])) for c in children
    }
