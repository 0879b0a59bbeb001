"""Building API views of reviews from rows (the ORM models are not API schemas)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from review_service.domain.child_protection import ProtectionReviewOutcome
from review_service.domain.considered_plans import KeyPlan
from review_service.domain.deadlines import DeadlineKind, displayed_milestone_status, is_overdue
from review_service.domain.milestones import MilestoneKind
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ParticipationCode, ReviewStatus
from review_service.models import Milestone, Review
from review_service.reviews import repository
from review_service.reviews.schemas import ChildWishes, MilestoneOut, ReviewOut


def milestone_out(milestone: Milestone, today: date) -> MilestoneOut:
    """A milestone as the API shows it, `overdue` derived from today."""
    return MilestoneOut(
        id=milestone.id,
        kind=MilestoneKind(milestone.kind),
        due_by=milestone.due_by,
        status=displayed_milestone_status(milestone.status, milestone.due_by, today),
        owner_role=milestone.owner_role,
        completed_on=milestone.completed_on,
    )


def review_out(review: Review, milestones: list[Milestone], today: date) -> ReviewOut:
    """A review as the API shows it."""
    status = ReviewStatus(review.status)
    return ReviewOut(
        id=review.id,
        plan_id=review.plan_id,
        local_authority=review.local_authority,
        plan_type=PlanType(review.plan_type),
        chair_id=review.chair_id,
        sequence=review.sequence,
        status=status,
        due_by=review.due_by,
        statutory_due_by=review.statutory_due_by,
        brought_forward_to=review.brought_forward_to,
        scheduled_for=review.scheduled_for,
        venue=review.venue,
        exceptional_circumstances=review.exceptional_circumstances,
        reconvene_on=review.reconvene_on,
        adjournment_reason=review.adjournment_reason,
        held_on=review.held_on,
        late=review.late,
        overdue=is_overdue(DeadlineKind.REVIEW, status, review.due_by, today),
        participation_code=(
            ParticipationCode(review.participation_code) if review.participation_code else None
        ),
        plans_considered=(
            [KeyPlan(p) for p in review.plans_considered]
            if review.plans_considered is not None
            else None
        ),
        cancellation_reason=review.cancellation_reason,
        child_wishes=ChildWishes(**review.child_wishes) if review.child_wishes else None,
        outcome=ProtectionReviewOutcome(review.outcome) if review.outcome else None,
        milestones=[milestone_out(m, today) for m in milestones],
        created_at=review.created_at,
        updated_at=review.updated_at,
    )


def reviews_out(session: Session, reviews: list[Review], today: date) -> list[ReviewOut]:
    """API views of reviews, their milestones read in one query."""
    milestones = repository.milestones_of_reviews(session, [r.id for r in reviews])
    return [review_out(r, milestones.get(r.id, []), today) for r in reviews]
