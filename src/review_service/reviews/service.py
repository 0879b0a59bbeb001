"""Review use cases (RULES.md §2, §3, §5-§7); each runs in the request's transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select
from sqlalchemy.orm import Session

from review_service.audit.service import record_change
from review_service.auth import Principal
from review_service.clock import london_today
from review_service.domain.considered_plans import considered_plan_findings
from review_service.domain.findings import Finding
from review_service.domain.milestones import MilestoneStatus
from review_service.domain.plan_types import PlanType
from review_service.domain.reminders import Subject
from review_service.domain.reviews import (
    PENDING_STATUSES,
    InvalidReviewDate,
    ReviewStatus,
    check_held_on,
    check_schedule,
    require_status,
    resolve_participation,
)
from review_service.etags import check_if_match
from review_service.models import Child, Milestone, Plan, Review
from review_service.pagination import InvalidCursor, decode_cursor
from review_service.policies.lookup import DeadlineContext, deadline_context
from review_service.problems import InvalidRequest, NotFound
from review_service.reviews import deadlines, repository
from review_service.reviews.schemas import (
    AdjournRequest,
    BringForwardRequest,
    CancelRequest,
    CompleteRequest,
    MilestoneUpdate,
    ScheduleRequest,
)
from review_service.timers.tracking import recheck
from review_service.webhooks.outbox import publish


@dataclass(frozen=True, slots=True)
class ReviewChange:
    """A review after a change, the next one in its series if one opened, and warnings."""

    review: Review
    next_review: Review | None = None
    warnings: tuple[Finding, ...] = ()


@dataclass(slots=True)
class _Loaded:
    review: Review
    plan: Plan
    ctx: DeadlineContext


def _load(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    if_match: str | None,
    now: datetime,
) -> _Loaded:
    # Row lock on PostgreSQL: concurrent changes to one review queue rather than interleave.
    review = repository.visible_review(session, principal, review_id, for_update=True)
    check_if_match(if_match, review.version)
    plan = repository.plan_of(session, review)
    return _Loaded(review, plan, deadline_context(session, plan.local_authority, london_today(now)))


def _audit(
    session: Session,
    principal: Principal,
    now: datetime,
    action: str,
    review: Review,
    changes: dict[str, object],
) -> None:
    record_change(
        session,
        principal=principal,
        at=now,
        action=action,
        resource_type="review",
        resource_id=review.id,
        local_authority=review.local_authority,
        changes=changes,
    )


def _announce(
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
    after = None
    if cursor:
        due_text, id_text = decode_cursor(cursor, 2)
        try:
            after = (date.fromisoformat(due_text), uuid.UUID(id_text))
        except ValueError as exc:
            raise InvalidCursor("the cursor is malformed") from exc
    return repository.dashboard_query(
        principal,
        statuses=[s.value for s in statuses] if statuses else None,
        due_before=due_before,
        due_after=due_after,
        chair_id=chair_id,
        plan_type=plan_type.value if plan_type else None,
        late=late,
        local_authority=local_authority,
        after=after,
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
    loaded = _load(session, principal, review_id, if_match, now)
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
    review.scheduled_for = body.scheduled_for
    review.venue = body.venue
    review.exceptional_circumstances = body.exceptional_circumstances
    review.reconvene_on = None
    deadlines.refresh_late(review)
    deadlines.sync_pre_review_milestones(session, plan, review, loaded.ctx)
    review.updated_at = now
    session.flush()
    _audit(
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
    _announce(
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
    loaded = _load(session, principal, review_id, if_match, now)
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
    _audit(
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
    loaded = _load(session, principal, review_id, if_match, now)
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
    review.reconvene_on = body.reconvene_on
    review.adjournment_reason = body.reason
    deadlines.refresh_late(review)
    deadlines.sync_pre_review_milestones(session, plan, review, loaded.ctx)
    review.updated_at = now
    session.flush()
    _audit(
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
    _announce(
        session,
        "review.adjourned",
        review,
        now,
        reconvene_on=review.reconvene_on.isoformat() if review.reconvene_on else None,
    )
    return ReviewChange(review)


def complete_review(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    body: CompleteRequest,
    if_match: str | None,
    now: datetime,
) -> ReviewChange:
    """Record the review as held; the next review of the series opens, due from `held_on`."""
    loaded = _load(session, principal, review_id, if_match, now)
    review, plan, ctx = loaded.review, loaded.plan, loaded.ctx
    require_status(ReviewStatus(review.status), PENDING_STATUSES, "completed")
    plan_type = PlanType(plan.type)
    previous = (
        repository.held_on_of(session, plan.id, review.sequence - 1)
        if review.sequence > 1
        else None
    )
    check_held_on(body.held_on, plan.start_date, previous, ctx.today)
    child = session.get(Child, plan.child_id)
    assert child is not None
    code = resolve_participation(
        plan_type, child.date_of_birth, body.held_on, body.participation_code
    )
    if body.review_interval_months is not None and not plan_type.has_variable_interval:
        raise InvalidRequest(
            f"a {plan_type.value} plan's interval is statutory; review_interval_months applies "
            "to child_in_need and early_help plans only"
        )
    review.status = ReviewStatus.HELD.value
    review.held_on = body.held_on
    review.participation_code = code.value if code else None
    review.plans_considered = (
        [p.value for p in body.plans_considered] if body.plans_considered is not None else None
    )
    if body.child_wishes is not None:
        review.child_wishes = body.child_wishes
    deadlines.refresh_late(review)
    review.updated_at = now
    deadlines.add_post_review_milestones(session, plan, review, ctx)
    # Preparation milestones left undone stay on the record but stop reminding.
    recheck(
        session,
        Subject.MILESTONE,
        [m.id for m in repository.milestones_of_reviews(session, [review.id]).get(review.id, [])],
    )
    if body.review_interval_months is not None:
        plan.review_interval_months = body.review_interval_months
        plan.updated_at = now
    next_review = None
    if plan.status == "open":
        next_review = deadlines.open_review(
            session, plan, review.sequence + 1, body.held_on, ctx, now
        )
    session.flush()
    warnings = tuple(
        considered_plan_findings(plan_type, review.sequence, body.plans_considered or [])
    )
    _audit(
        session,
        principal,
        now,
        "review.held",
        review,
        {
            "held_on": body.held_on,
            "late": review.late,
            "participation_code": review.participation_code,
            "next_review_due_by": next_review.due_by if next_review else None,
        },
    )
    _announce(
        session,
        "review.held",
        review,
        now,
        held_on=body.held_on.isoformat(),
        next_review_id=str(next_review.id) if next_review else None,
        next_review_due_by=next_review.due_by.isoformat() if next_review else None,
    )
    return ReviewChange(review, next_review, warnings)


def cancel_review(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    body: CancelRequest,
    if_match: str | None,
    now: datetime,
) -> ReviewChange:
    """Cancel a meeting. The statutory clock does not stop: a replacement review opens at the
    same place in the series with the same due date."""
    loaded = _load(session, principal, review_id, if_match, now)
    review, plan = loaded.review, loaded.plan
    require_status(ReviewStatus(review.status), PENDING_STATUSES, "cancelled")
    review.status = ReviewStatus.CANCELLED.value
    review.cancellation_reason = body.reason
    review.late = False
    review.updated_at = now
    _withdraw_pending_milestones(session, review)
    session.flush()
    replacement = None
    if plan.status == "open":
        previous = (
            repository.held_on_of(session, plan.id, review.sequence - 1)
            if review.sequence > 1
            else None
        )
        replacement = deadlines.open_review(
            session, plan, review.sequence, previous, loaded.ctx, now
        )
        if review.brought_forward_to is not None:
            replacement.brought_forward_to = review.brought_forward_to
            deadlines.recompute_review_due(session, plan, replacement, loaded.ctx, now)
        session.flush()
    _audit(
        session,
        principal,
        now,
        "review.cancelled",
        review,
        {
            "reason": body.reason,
            "replacement_id": replacement.id if replacement else None,
        },
    )
    _announce(
        session,
        "review.cancelled",
        review,
        now,
        replacement_id=str(replacement.id) if replacement else None,
    )
    return ReviewChange(review, replacement)


def _withdraw_pending_milestones(session: Session, review: Review) -> None:
    for milestone in repository.milestones_of_reviews(session, [review.id]).get(review.id, []):
        if milestone.status == MilestoneStatus.PENDING:
            milestone.status = MilestoneStatus.NOT_APPLICABLE.value


def update_milestone(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    milestone_id: uuid.UUID,
    body: MilestoneUpdate,
    now: datetime,
) -> Milestone:
    """Mark a review's milestone done or not applicable (or pending again)."""
    review = repository.visible_review(session, principal, review_id)
    milestone = session.get(Milestone, milestone_id)
    if milestone is None or milestone.review_id != review.id:
        raise NotFound(f"review {review_id} has no milestone {milestone_id}")
    if body.status is MilestoneStatus.OVERDUE:
        raise InvalidRequest("`overdue` is derived from the date and cannot be set")
    today = london_today(now)
    completed_on = body.completed_on
    if body.status is MilestoneStatus.DONE:
        completed_on = completed_on or today
        if completed_on > today:
            raise InvalidRequest("completed_on is in the future")
    else:
        completed_on = None
    before = milestone.status
    milestone.status = body.status.value
    milestone.completed_on = completed_on
    session.flush()
    record_change(
        session,
        principal=principal,
        at=now,
        action="milestone.updated",
        resource_type="milestone",
        resource_id=milestone.id,
        local_authority=review.local_authority,
        changes={"status": (before, milestone.status), "kind": milestone.kind},
    )
    return milestone
