"""Building API views of plans from rows (the ORM models are not API schemas); used by the
plans router and by every other feature that shows a plan (a child protection conference)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from review_service.domain.deadlines import DeadlineKind, is_open
from review_service.domain.plan_types import PlanType
from review_service.models import Plan
from review_service.plans import service
from review_service.plans.schemas import PlanOut
from review_service.policies.lookup import policy_for
from review_service.reviews.repository import first_pending_reviews, plan_level_milestones_of
from review_service.reviews.views import milestone_out, reviews_out


def plan_out(session: Session, plan: Plan, today: date) -> PlanOut:
    """A plan with its next review and open plan-level milestones."""
    return plans_out(session, [plan], today)[0]


def plans_out(session: Session, plans: list[Plan], today: date) -> list[PlanOut]:
    """Plans with their next reviews and open plan-level milestones: a constant number of
    queries however many plans (next reviews, their milestones, plan-level milestones)."""
    ids = [plan.id for plan in plans]
    next_reviews = first_pending_reviews(session, ids)
    reviews = reviews_out(session, list(next_reviews.values()), today)
    review_views = dict(zip(next_reviews, reviews, strict=True))
    plan_milestones = plan_level_milestones_of(session, ids)
    # Every authority's policy, whatever plan types the page holds: a page costs the same
    # statements whichever plans fall on it (tests/api/test_statement_counts.py).
    policies = {la: policy_for(session, la) for la in {plan.local_authority for plan in plans}}
    return [
        PlanOut(
            id=plan.id,
            child_id=plan.child_id,
            local_authority=plan.local_authority,
            type=PlanType(plan.type),
            start_date=plan.start_date,
            review_interval_months=service.effective_interval(plan, policies[plan.local_authority]),
            chair_id=plan.chair_id,
            status=plan.status,
            end_date=plan.end_date,
            end_reason=plan.end_reason,
            history_complete=plan.history_complete,
            next_review=review_views.get(plan.id),
            milestones=[
                milestone_out(m, today)
                for m in plan_milestones.get(plan.id, [])
                if is_open(DeadlineKind.MILESTONE, m.status)
            ],
            created_at=plan.created_at,
            updated_at=plan.updated_at,
        )
        for plan in plans
    ]
