"""Queries on reviews and milestones."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.deadlines.registry import REGISTRY
from review_service.domain.deadlines import DeadlineKind
from review_service.domain.review_series import previous_sequence
from review_service.domain.reviews import ReviewStatus
from review_service.models import Milestone, Plan, Review
from review_service.pagination import Keyset
from review_service.plans.locking import lock_plan_then
from review_service.visibility import visible_row, within_authority

# The dashboard pages along its indexes, which end (due_by, id).
DASHBOARD_PAGED = Keyset(Review.due_by, Review.id)


def visible_review(
    session: Session, principal: Principal, review_id: uuid.UUID, *, for_update: bool = False
) -> Review:
    """The review, if the token may see it; another authority's is 404."""
    return visible_row(session, principal, Review, review_id, "review", for_update=for_update)


def lock_plan_then_review(
    session: Session, principal: Principal, review_id: uuid.UUID
) -> tuple[Review, Plan]:
    """The review and its plan, both row-locked on PostgreSQL, the plan first.

    Every change that touches a plan and its reviews locks in this order (plan, then its
    reviews, as ending a plan does), so that two such changes queue instead of deadlocking.
    The review is read again once the plan is locked: another request may have changed it
    while this one waited."""
    review = visible_review(session, principal, review_id)
    return lock_plan_then(session, Review, review_id, review.plan_id)


def plan_of(session: Session, review: Review) -> Plan:
    """The plan a review belongs to."""
    plan = session.get(Plan, review.plan_id)
    assert plan is not None
    return plan


def _pending_of(plan_id: uuid.UUID) -> Select[tuple[Review]]:
    return (
        select(Review)
        .where(Review.plan_id == plan_id, REGISTRY[DeadlineKind.REVIEW].is_open())
        .order_by(Review.sequence)
    )


def pending_reviews(session: Session, plan_id: uuid.UUID) -> list[Review]:
    """The plan's pending reviews (normally exactly one while the plan is open)."""
    return list(session.scalars(_pending_of(plan_id)))


def next_review_for_update(session: Session, plan_id: uuid.UUID) -> Review | None:
    """The plan's first pending review, locked (after its plan, as every writer locks)."""
    return session.scalar(_pending_of(plan_id).with_for_update())


def held_on_of(session: Session, plan_id: uuid.UUID, sequence: int) -> date | None:
    """The date review `sequence` of the plan was held, if it was."""
    return session.scalar(
        select(Review.held_on).where(
            Review.plan_id == plan_id,
            Review.sequence == sequence,
            Review.status == ReviewStatus.HELD,
        )
    )


def previous_held_on(session: Session, plan_id: uuid.UUID, sequence: int) -> date | None:
    """When the review before review `sequence` was held: the date its due date runs from."""
    previous = previous_sequence(sequence)
    return None if previous is None else held_on_of(session, plan_id, previous)


def plan_reviews(session: Session, plan_id: uuid.UUID) -> list[Review]:
    """Every review of a plan, by sequence (a cancelled one before its replacement)."""
    return list(
        session.scalars(
            select(Review)
            .where(Review.plan_id == plan_id)
            .order_by(Review.sequence, Review.created_at)
        )
    )


def milestones_of_reviews(
    session: Session, review_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Milestone]]:
    """Milestones grouped by review, each group by due date."""
    ids = list(review_ids)
    grouped: dict[uuid.UUID, list[Milestone]] = defaultdict(list)
    if not ids:
        return grouped
    rows = session.scalars(
        select(Milestone)
        .where(Milestone.review_id.in_(ids))
        .order_by(Milestone.due_by, Milestone.kind)
    )
    for milestone in rows:
        assert milestone.review_id is not None
        grouped[milestone.review_id].append(milestone)
    return grouped


def first_pending_reviews(session: Session, plan_ids: list[uuid.UUID]) -> dict[uuid.UUID, Review]:
    """Each plan's first pending review (its next review), in one query."""
    first: dict[uuid.UUID, Review] = {}
    if plan_ids:
        rows = session.scalars(
            select(Review)
            .where(Review.plan_id.in_(plan_ids), REGISTRY[DeadlineKind.REVIEW].is_open())
            .order_by(Review.sequence)
        )
        for review in rows:
            first.setdefault(review.plan_id, review)
    return first


def plan_level_milestones_of(
    session: Session, plan_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[Milestone]]:
    """Plan-level milestones of several plans in one query, each group by due date."""
    grouped: dict[uuid.UUID, list[Milestone]] = defaultdict(list)
    if plan_ids:
        rows = session.scalars(
            select(Milestone)
            .where(Milestone.plan_id.in_(plan_ids), Milestone.review_id.is_(None))
            .order_by(Milestone.due_by)
        )
        for milestone in rows:
            grouped[milestone.plan_id].append(milestone)
    return grouped


def milestones_of_plan(session: Session, plan_id: uuid.UUID) -> list[Milestone]:
    """Every milestone of a plan and its reviews."""
    return list(session.scalars(select(Milestone).where(Milestone.plan_id == plan_id)))


def dashboard_query(
    principal: Principal,
    *,
    statuses: list[str] | None,
    due_before: date | None,
    due_after: date | None,
    chair_id: str | None,
    plan_type: str | None,
    late: bool | None,
    local_authority: str | None,
    cursor: str | None,
    limit: int,
) -> Select[tuple[Review]]:
    """The IRO dashboard's query, keyset-paginated by (due_by, id) along the indexes."""
    query = within_authority(select(Review), Review.local_authority, principal, local_authority)
    if statuses:
        query = query.where(Review.status.in_(statuses))
    if due_before is not None:
        query = query.where(Review.due_by < due_before)
    if due_after is not None:
        query = query.where(Review.due_by > due_after)
    if chair_id is not None:
        query = query.where(Review.chair_id == chair_id)
    if plan_type is not None:
        query = query.where(Review.plan_type == plan_type)
    if late is not None:
        query = query.where(Review.late.is_(late))
    return DASHBOARD_PAGED.select(query, cursor, limit)
