"""Holding and cancelling reviews, and their milestones (RULES.md §2, §5-§7); each runs in
the request's transaction."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.orm import Session

from review_service.audit.service import audit
from review_service.auth import Principal
from review_service.clock import london_today
from review_service.deadlines.unit_of_work import touch
from review_service.domain.child_protection import ProtectionReviewOutcome
from review_service.domain.considered_plans import considered_plan_findings
from review_service.domain.deadlines import DeadlineKind, is_open
from review_service.domain.milestones import MilestoneStatus
from review_service.domain.plan_types import PlanStatus, PlanType, interval_refusal
from review_service.domain.reviews import (
    PENDING_STATUSES,
    ParticipationCode,
    ReviewStatus,
    check_held_on,
    require_status,
    resolve_participation,
)
from review_service.models import Child, Milestone, Plan, Review
from review_service.plans.schemas import PlanEnd
from review_service.plans.service import end_plan
from review_service.problems import InvalidRequest, NotFound
from review_service.reviews import deadlines, repository
from review_service.reviews.schemas import (
    CancelRequest,
    CompleteRequest,
    MilestoneUpdate,
)
from review_service.reviews.service import (
    ReviewChange,
    announce_review,
    load_for_change,
)


def complete_review(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    body: CompleteRequest,
    if_match: str | None,
    now: datetime,
) -> ReviewChange:
    """Record the review as held; the next review of the series opens, due from `held_on`."""
    loaded = load_for_change(session, principal, review_id, if_match, now)
    review, plan, ctx = loaded.review, loaded.plan, loaded.ctx
    code = _check_completion(session, review, plan, body, ctx.today)
    _record_held(session, review, body, code, now)
    deadlines.add_post_review_milestones(session, plan, review, ctx)
    _apply_plan_decisions(session, principal, plan, review, body, now)
    next_review = None
    if plan.status == PlanStatus.OPEN:
        next_review = deadlines.open_review(
            session, plan, review.sequence + 1, body.held_on, ctx, now
        )
    session.flush()
    warnings = tuple(
        considered_plan_findings(PlanType(plan.type), review.sequence, body.plans_considered or [])
    )
    _tell_held(session, principal, review, next_review, now)
    return ReviewChange(review, next_review, warnings)


def _check_completion(
    session: Session, review: Review, plan: Plan, body: CompleteRequest, today: date
) -> ParticipationCode | None:
    """Every refusal before anything changes; the participation code to record."""
    require_status(ReviewStatus(review.status), PENDING_STATUSES, "completed")
    plan_type = PlanType(plan.type)
    previous = repository.previous_held_on(session, plan.id, review.sequence)
    check_held_on(body.held_on, plan.start_date, previous, today)
    child = session.get(Child, plan.child_id)
    assert child is not None
    code = resolve_participation(
        plan_type, child.date_of_birth, body.held_on, body.participation_code
    )
    if refusal := interval_refusal(plan_type, body.review_interval_months):
        raise InvalidRequest(refusal)
    if body.outcome is not None and plan_type is not PlanType.CHILD_PROTECTION:
        raise InvalidRequest("outcome applies to child_protection reviews only (RULES.md §2)")
    return code


def _record_held(
    session: Session,
    review: Review,
    body: CompleteRequest,
    code: ParticipationCode | None,
    now: datetime,
) -> None:
    """The review's own record of being held, and whether it was late."""
    review.status = ReviewStatus.HELD.value
    # Touching the review re-derives its preparation milestones too: left undone, they stay
    # on the record but stop reminding (deadlines.registry, RULES.md §5).
    touch(session, DeadlineKind.REVIEW, review.id)
    review.held_on = body.held_on
    review.participation_code = code.value if code else None
    review.plans_considered = (
        [p.value for p in body.plans_considered] if body.plans_considered is not None else None
    )
    if body.child_wishes is not None:
        review.child_wishes = body.child_wishes.model_dump(mode="json")
    deadlines.refresh_late(review)
    review.updated_at = now


def _apply_plan_decisions(
    session: Session,
    principal: Principal,
    plan: Plan,
    review: Review,
    body: CompleteRequest,
    now: datetime,
) -> None:
    """What the review decided for the plan: a new interval, an outcome, the plan's end."""
    if body.review_interval_months is not None:
        plan.review_interval_months = body.review_interval_months
        plan.updated_at = now
    if body.outcome is ProtectionReviewOutcome.END:
        # RULES.md §2, §3 "Ending a plan": the plan ends from the review date.
        review.outcome = body.outcome.value
        end_plan(
            session,
            principal,
            plan.id,
            PlanEnd(end_date=body.held_on, reason="ended at child protection review"),
            None,
            now,
        )
    elif body.outcome is not None:
        review.outcome = body.outcome.value


def _tell_held(
    session: Session,
    principal: Principal,
    review: Review,
    next_review: Review | None,
    now: datetime,
) -> None:
    """The audit entry and the `review.held` webhook, with the next review if one opened."""
    held_on = review.held_on
    assert held_on is not None
    audit(
        session,
        principal,
        now,
        "review.held",
        review,
        {
            "held_on": held_on,
            "late": review.late,
            "participation_code": review.participation_code,
            "next_review_due_by": next_review.due_by if next_review else None,
        },
    )
    announce_review(
        session,
        "review.held",
        review,
        now,
        held_on=held_on.isoformat(),
        next_review_id=str(next_review.id) if next_review else None,
        next_review_due_by=next_review.due_by.isoformat() if next_review else None,
    )


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
    loaded = load_for_change(session, principal, review_id, if_match, now)
    review, plan = loaded.review, loaded.plan
    require_status(ReviewStatus(review.status), PENDING_STATUSES, "cancelled")
    review.status = ReviewStatus.CANCELLED.value
    touch(session, DeadlineKind.REVIEW, review.id)
    review.cancellation_reason = body.reason
    review.late = False
    review.updated_at = now
    _withdraw_pending_milestones(session, review)
    session.flush()
    replacement = None
    if plan.status == PlanStatus.OPEN:
        previous = repository.previous_held_on(session, plan.id, review.sequence)
        replacement = deadlines.open_review(
            session, plan, review.sequence, previous, loaded.ctx, now
        )
        if review.brought_forward_to is not None:
            replacement.brought_forward_to = review.brought_forward_to
            deadlines.recompute_review_due(session, plan, replacement, loaded.ctx, now)
        session.flush()
    audit(
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
    announce_review(
        session,
        "review.cancelled",
        review,
        now,
        replacement_id=str(replacement.id) if replacement else None,
    )
    return ReviewChange(review, replacement)


def _withdraw_pending_milestones(session: Session, review: Review) -> None:
    for milestone in repository.milestones_of_reviews(session, [review.id]).get(review.id, []):
        if is_open(DeadlineKind.MILESTONE, milestone.status):
            milestone.status = MilestoneStatus.NOT_APPLICABLE.value
            touch(session, DeadlineKind.MILESTONE, milestone.id)


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
    touch(session, DeadlineKind.MILESTONE, milestone.id)
    milestone.completed_on = completed_on
    milestone.withdrawn_by_policy = False  # a chair's decision now, not the policy's
    session.flush()
    audit(
        session,
        principal,
        now,
        "milestone.updated",
        milestone,
        owner=review,
        changes={"status": (before, milestone.status), "kind": milestone.kind},
    )
    return milestone
