"""Review use cases (RULES.md §2, §3, §5-§7); each runs in the request's transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select
from sqlalchemy.orm import Session

from review_service.audit.service import audit
from review_service.auth import Principal
from review_service.clock import london_today
from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import DeadlineKind
from review_service.domain.findings import Finding
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import (
    PENDING_STATUSES,
    InvalidReviewDate,
    ReviewStatus,
    check_schedule,
    require_status,
)
from review_service.etags import check_if_match
from review_service.models import Plan, Review
from review_service.policies.lookup import DeadlineContext, deadline_context
from review_service.reviews import deadlines, repository
from review_service.reviews.schemas import (
    AdjournRequest,
    BringForwardRequest,
    ScheduleRequest,
)
from review_service.webhooks.outbox import publish


@dataclass(frozen=True, slots=True)
class ReviewChange:
    """A review after a change, the next one in its series if one opened, and warnings."""

    review: Review
    next_review: Review | None = None
    warnings: tuple[Finding, ...] = ()


@dataclass(slots=True)
class LoadedReview:
    review: Review
    plan: Plan
    ctx: DeadlineContext


def load_for_change(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    if_match: str | None,
    now: datetime,
) -> LoadedReview:
    # Row locks on PostgreSQL, plan before review: concurrent changes queue, never deadlock.
    review, plan = repository.lock_plan_then_review(session, principal, review_id)
    check_if_match(if_match, review.version)
    return LoadedReview(
        review, plan, deadline_context(session, plan.local_authority, london_today(now))
    )


def announce_review(
    session: Session, event_type: str, review: Review, now: datetime, **extra: object
) -> None:
    data = {
        **deadlines.review_reference(review),
        "status": review.status,
        "due_by": review.due_by.isoformat(),
        "late": review.late,
        **extra,
    }
    publish(session, event_type, data, review.local_authority, now)


def get_review(session: Session, principal: Principal, review_id: uuid.UUID) -> Review:
    """A review the token may see."""
    return repository.visible_review(session, principal, review_id)


def dashboard_query(
    principal: Principal,
    *,
    statuses: list[ReviewStatus] | None,
    due_before: date | None,
    due_after: date | None,
    chair_id: str | None,
    plan_type: PlanType | None,
    late: bool | None,
    local_authority: str | None,
    limit: int,
    cursor: str | None,
) -> Select[tuple[Review]]:
    """The IRO dashboard query: reviews ordered by `due_by`, keyset-paginated by a cursor."""
    return repository.dashboard_query(
        principal,
        statuses=[s.value for s in statuses] if statuses else None,
        due_before=due_before,
        due_after=due_after,
        chair_id=chair_id,
        plan_type=plan_type.value if plan_type else None,
        late=late,
        local_authority=local_authority,
        cursor=cursor,
        limit=limit,
    )


def schedule_review(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    body: ScheduleRequest,
    if_match: str | None,
    now: datetime,
) -> ReviewChange:
    """Fix when the review meets; after `due_by` only with exceptional circumstances."""
    loaded = load_for_change(session, principal, review_id, if_match, now)
    review, plan = loaded.review, loaded.plan
    require_status(ReviewStatus(review.status), PENDING_STATUSES, "scheduled")
    meeting_day = london_today(body.scheduled_for)
    if meeting_day < plan.start_date:
        raise InvalidReviewDate(
            f"scheduled_for {meeting_day.isoformat()} is before the plan started "
            f"({plan.start_date.isoformat()})",
            "RULES.md §2",
        )
    check_schedule(review.due_by, meeting_day, body.exceptional_circumstances)
    before = {"status": review.status, "scheduled_for": review.scheduled_for}
    review.status = ReviewStatus.SCHEDULED.value
    touch(session, DeadlineKind.REVIEW, review.id)
    review.scheduled_for = body.scheduled_for
    review.venue = body.venue
    review.exceptional_circumstances = body.exceptional_circumstances
    if body.child_wishes is not None:
        review.child_wishes = body.child_wishes.model_dump(mode="json")
    review.reconvene_on = None
    deadlines.refresh_late(review)
    deadlines.sync_pre_review_milestones(session, plan, review, loaded.ctx)
    review.updated_at = now
    session.flush()
    audit(
        session,
        principal,
        now,
        "review.scheduled",
        review,
        {
            "status": (before["status"], review.status),
            "scheduled_for": (before["scheduled_for"], review.scheduled_for),
            "late": review.late,
            "exceptional_circumstances": body.exceptional_circumstances,
        },
    )
    announce_review(
        session,
        "review.scheduled",
        review,
        now,
        scheduled_for=review.scheduled_for.isoformat() if review.scheduled_for else None,
    )
    return ReviewChange(review)


def bring_review_forward(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    body: BringForwardRequest,
    if_match: str | None,
    now: datetime,
) -> ReviewChange:
    """RULES.md §3: `due_by` becomes the earlier of the current and requested dates."""
    loaded = load_for_change(session, principal, review_id, if_match, now)
    review, plan = loaded.review, loaded.plan
    require_status(ReviewStatus(review.status), PENDING_STATUSES, "brought forward")
    if body.due_by < plan.start_date:
        raise InvalidReviewDate(
            f"due_by {body.due_by.isoformat()} is before the plan started "
            f"({plan.start_date.isoformat()})",
            "RULES.md §3",
        )
    before, _after = deadlines.apply_bring_forward(
        session, plan, review, body.due_by, loaded.ctx, now
    )
    review.updated_at = now
    session.flush()
    audit(
        session,
        principal,
        now,
        "review.brought_forward",
        review,
        {"due_by": (before, review.due_by), "reason": body.reason},
    )
    return ReviewChange(review)


def adjourn_review(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    body: AdjournRequest,
    if_match: str | None,
    now: datetime,
) -> ReviewChange:
    """RULES.md §3: the meeting went ahead and reconvenes; number and `due_by` are kept."""
    loaded = load_for_change(session, principal, review_id, if_match, now)
    review, plan = loaded.review, loaded.plan
    require_status(
        ReviewStatus(review.status),
        frozenset({ReviewStatus.SCHEDULED, ReviewStatus.ADJOURNED}),
        "adjourned",
    )
    met_on = deadlines.scheduled_date(review)
    if met_on is not None and body.reconvene_on < met_on:
        raise InvalidReviewDate(
            f"reconvene_on {body.reconvene_on.isoformat()} is before the meeting it "
            f"adjourns ({met_on.isoformat()})",
            "RULES.md §3",
        )
    before = {"status": review.status, "reconvene_on": review.reconvene_on}
    review.status = ReviewStatus.ADJOURNED.value
    touch(session, DeadlineKind.REVIEW, review.id)
    review.reconvene_on = body.reconvene_on
    review.adjournment_reason = body.reason
    deadlines.refresh_late(review)
    deadlines.sync_pre_review_milestones(session, plan, review, loaded.ctx)
    review.updated_at = now
    session.flush()
    audit(
        session,
        principal,
        now,
        "review.adjourned",
        review,
        {
            "status": (before["status"], review.status),
            "reconvene_on": (before["reconvene_on"], review.reconvene_on),
            "reason": body.reason,
        },
    )
    announce_review(
        session,
        "review.adjourned",
        review,
        now,
        reconvene_on=review.reconvene_on.isoformat() if review.reconvene_on else None,
    )
    return ReviewChange(review)
