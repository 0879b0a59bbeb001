"""A chair's open items, read in four queries (one per kind), whatever the caseload.

"Open" is the deadline registry's filter (issue 9), never a status list of this module's own.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from review_service.deadlines.registry import REGISTRY
from review_service.domain.calendar_items import (
    CalendarItem,
    consideration_item,
    meeting_item,
    milestone_item,
    review_item,
)
from review_service.domain.deadlines import DeadlineKind, milestone_is_live
from review_service.models import Child, Consideration, Meeting, Milestone, Plan, Review

CHAIR_ROLE = "chair"


def _authority(column: object, local_authority: str | None) -> list[ColumnElement[bool]]:
    return [] if local_authority is None else [column == local_authority]  # type: ignore[list-item]


def chair_items(session: Session, chair_id: str, local_authority: str | None) -> list[CalendarItem]:
    """Every open item of `chair_id` (in `local_authority`, when given), by date."""
    items = [
        *_reviews(session, chair_id, local_authority),
        *_considerations(session, chair_id, local_authority),
        *_meetings(session, chair_id, local_authority),
        *_milestones(session, chair_id, local_authority),
    ]
    items.sort(key=lambda item: (item.day, item.kind.value, str(item.id)))
    return items


def _reviews(session: Session, chair_id: str, authority: str | None) -> list[CalendarItem]:
    rows = session.execute(
        select(
            Review.id,
            Review.status,
            Review.plan_type,
            Child.external_id,
            Review.due_by,
            Review.scheduled_for,
            Review.venue,
            Review.version,
            Review.updated_at,
        )
        .join(Plan, Plan.id == Review.plan_id)
        .join(Child, Child.id == Plan.child_id)
        .where(
            Review.chair_id == chair_id,
            REGISTRY[DeadlineKind.REVIEW].is_open(),
            *_authority(Review.local_authority, authority),
        )
    )
    return [
        review_item(
            review_id=r.id,
            status=r.status,
            plan_type=r.plan_type,
            external_id=r.external_id,
            due_by=r.due_by,
            scheduled_for=r.scheduled_for,
            venue=r.venue,
            version=r.version,
            updated_at=r.updated_at,
        )
        for r in rows
    ]


def _considerations(session: Session, chair_id: str, authority: str | None) -> list[CalendarItem]:
    rows = session.execute(
        select(
            Consideration.id,
            Plan.type,
            Child.external_id,
            Consideration.event_type,
            Consideration.due_by,
            Consideration.version,
            Consideration.opened_at,
        )
        .join(Plan, Plan.id == Consideration.plan_id)
        .join(Child, Child.id == Consideration.child_id)
        .where(
            Consideration.chair_id == chair_id,
            REGISTRY[DeadlineKind.CONSIDERATION].is_open(),
            *_authority(Consideration.local_authority, authority),
        )
    )
    return [
        consideration_item(
            consideration_id=r.id,
            plan_type=r.type,
            external_id=r.external_id,
            event_type=r.event_type,
            due_by=r.due_by,
            version=r.version,
            opened_at=r.opened_at,
        )
        for r in rows
    ]


def _meetings(session: Session, chair_id: str, authority: str | None) -> list[CalendarItem]:
    rows = session.execute(
        select(
            Meeting.id,
            Meeting.kind,
            Plan.type,
            Child.external_id,
            Meeting.due_by,
            Meeting.created_at,
        )
        .join(Plan, Plan.id == Meeting.plan_id)
        .join(Child, Child.id == Meeting.child_id)
        .where(
            # The plan's IRO is invited to its disruption meetings, whoever chairs them.
            or_(Meeting.chair_id == chair_id, Plan.chair_id == chair_id),
            REGISTRY[DeadlineKind.MEETING].is_open(),
            *_authority(Meeting.local_authority, authority),
        )
    )
    return [
        meeting_item(
            meeting_id=r.id,
            kind=r.kind,
            plan_type=r.type,
            external_id=r.external_id,
            due_by=r.due_by,
            created_at=r.created_at,
        )
        for r in rows
    ]


def _milestones(session: Session, chair_id: str, authority: str | None) -> list[CalendarItem]:
    # A milestone of a review is the review's chair's; one of the plan, the plan's chair's.
    review = aliased(Review)
    chair = func.coalesce(review.chair_id, Plan.chair_id)
    rows = session.execute(
        select(
            Milestone.id,
            Milestone.kind,
            Milestone.status,
            review.status.label("review_status"),
            Plan.type,
            Child.external_id,
            Milestone.due_by,
            func.coalesce(review.version, Plan.version).label("version"),
            func.coalesce(review.updated_at, Plan.updated_at).label("changed_at"),
        )
        .join(Plan, Plan.id == Milestone.plan_id)
        .join(Child, Child.id == Plan.child_id)
        .outerjoin(review, review.id == Milestone.review_id)
        .where(
            Milestone.owner_role == CHAIR_ROLE,
            REGISTRY[DeadlineKind.MILESTONE].is_open(),
            chair == chair_id,
            *_authority(Plan.local_authority, authority),
        )
    )
    return [
        milestone_item(
            milestone_id=r.id,
            kind=r.kind,
            plan_type=r.type,
            external_id=r.external_id,
            due_by=r.due_by,
            version=r.version,
            changed_at=r.changed_at,
        )
        for r in rows
        if milestone_is_live(r.kind, r.status, r.review_status)
    ]
