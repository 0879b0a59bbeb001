"""Plan use cases; each runs in the request's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from review_service.audit.service import audit
from review_service.auth import Principal
from review_service.children.repository import visible_child
from review_service.clock import london_today
from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import (
    ActionStatus,
    ConsiderationStatus,
    DeadlineKind,
    is_open,
)
from review_service.domain.milestones import MilestoneStatus
from review_service.domain.plan_types import PlanStatus, PlanType, interval_refusal
from review_service.domain.policy import Policy
from review_service.domain.reviews import ReviewStatus
from review_service.duplicates import conflict_on_duplicate
from review_service.etags import check_if_match
from review_service.models import Action, Consideration, Plan, Review
from review_service.pagination import Page
from review_service.plans import repository as plans_repository
from review_service.plans.schemas import PlanConfirmHistory, PlanCreate, PlanEnd, PlanUpdate
from review_service.policies.lookup import deadline_context
from review_service.problems import Conflict, InvalidRequest
from review_service.reviews import deadlines, repository
from review_service.visibility import visible_row


def visible_plan(
    session: Session, principal: Principal, plan_id: uuid.UUID, *, for_update: bool = False
) -> Plan:
    """The plan, if the token may see it; another authority's is 404."""
    return visible_row(session, principal, Plan, plan_id, "plan", for_update=for_update)


def effective_interval(plan: Plan, policy: Policy) -> int | None:
    """The review interval in force for a CIN or early help plan (under its authority's
    `policy`), else None."""
    plan_type = PlanType(plan.type)
    if not plan_type.has_variable_interval:
        return None
    return deadlines.series_of(plan).interval_months(policy)


def create_plan(
    session: Session, principal: Principal, body: PlanCreate, now: datetime
) -> tuple[Plan, Review]:
    """Open a plan with its first review and milestones (RULES.md §2, §5)."""
    child = visible_child(session, principal, body.child_id)
    if refusal := interval_refusal(body.type, body.review_interval_months):
        raise InvalidRequest(refusal)
    open_same_type = plans_repository.open_plan_of_type(session, child.id, body.type)
    if open_same_type is not None:
        raise Conflict(f"the child already has an open {body.type.value} plan {open_same_type}")
    # One open plan of a type per child: the partial unique index uq_plans_child_id_type_open
    # decides between racing requests; the check above only words the common case.
    already_open = f"the child already has an open {body.type.value} plan"
    ctx = deadline_context(session, child.local_authority, london_today(now))
    plan = Plan(
        child_id=child.id,
        local_authority=child.local_authority,
        type=body.type.value,
        start_date=body.start_date,
        review_interval_months=body.review_interval_months,
        chair_id=body.chair_id,
        status=PlanStatus.OPEN.value,
        created_at=now,
        updated_at=now,
    )
    with conflict_on_duplicate(session, already_open):
        session.add(plan)
    deadlines.open_plan_milestones(session, plan, ctx)
    review = deadlines.open_review(session, plan, 1, None, ctx, now)
    session.flush()
    audit(
        session,
        principal,
        now,
        "plan.created",
        plan,
        {
            "type": plan.type,
            "start_date": plan.start_date,
            "chair_id": plan.chair_id,
            "review_interval_months": plan.review_interval_months,
            "first_review_due_by": review.due_by,
        },
    )
    return plan, review


def get_plan(session: Session, principal: Principal, plan_id: uuid.UUID) -> Plan:
    """A plan the token may see."""
    return visible_plan(session, principal, plan_id)


def list_plans(
    session: Session,
    principal: Principal,
    *,
    child_id: uuid.UUID | None,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> Page[Plan]:
    """Plans the token may see, optionally of one child."""
    if child_id is not None:
        visible_child(session, principal, child_id)
    return plans_repository.plans_page(
        session, principal, child_id=child_id, status=status, cursor=cursor, limit=limit
    )


def update_plan(
    session: Session,
    principal: Principal,
    plan_id: uuid.UUID,
    body: PlanUpdate,
    if_match: str | None,
    now: datetime,
) -> Plan:
    """Change a CIN / early help interval (the pending review is recomputed) or the chair."""
    plan = visible_plan(session, principal, plan_id, for_update=True)
    check_if_match(if_match, plan.version)
    if plan.status != PlanStatus.OPEN:
        raise Conflict("an ended plan cannot be changed")
    changes: dict[str, object] = {}
    fields = body.model_fields_set
    if (
        "review_interval_months" in fields
        and body.review_interval_months != plan.review_interval_months
    ):
        if refusal := interval_refusal(PlanType(plan.type), body.review_interval_months):
            raise InvalidRequest(refusal)
        changes["review_interval_months"] = (
            plan.review_interval_months,
            body.review_interval_months,
        )
        plan.review_interval_months = body.review_interval_months
    if "chair_id" in fields and body.chair_id != plan.chair_id:
        changes["chair_id"] = (plan.chair_id, body.chair_id)
        plan.chair_id = body.chair_id
        for review in repository.pending_reviews(session, plan.id):
            review.chair_id = body.chair_id
            touch(session, DeadlineKind.REVIEW, review.id)
    if changes:
        plan.updated_at = now
        ctx = deadline_context(session, plan.local_authority, london_today(now))
        deadlines.recompute_plan_deadlines(session, plan, ctx, now)
        session.flush()
        audit(session, principal, now, "plan.updated", plan, changes)
    return plan


def end_plan(
    session: Session,
    principal: Principal,
    plan_id: uuid.UUID,
    body: PlanEnd,
    if_match: str | None,
    now: datetime,
) -> Plan:
    """End a plan: pending reviews are cancelled and their milestones withdrawn."""
    plan = visible_plan(session, principal, plan_id, for_update=True)
    check_if_match(if_match, plan.version)
    if plan.status != PlanStatus.OPEN:
        raise Conflict("the plan has already ended")
    if body.end_date < plan.start_date:
        raise InvalidRequest(
            f"end_date {body.end_date.isoformat()} is before start_date "
            f"{plan.start_date.isoformat()}"
        )
    plan.status = PlanStatus.ENDED.value
    plan.end_date = body.end_date
    plan.end_reason = body.reason
    plan.updated_at = now
    cancelled = _cancel_pending_reviews(session, plan, f"plan ended: {body.reason}", now)
    considerations, actions = _withdraw_open_deadlines(
        session, plan, f"plan ended: {body.reason}", now
    )
    session.flush()
    audit(
        session,
        principal,
        now,
        "plan.ended",
        plan,
        {
            "end_date": body.end_date,
            "reason": body.reason,
            "cancelled_reviews": [str(r.id) for r in cancelled],
            "withdrawn_considerations": [str(c.id) for c in considerations],
            "withdrawn_actions": [str(a.id) for a in actions],
        },
    )
    return plan


def _cancel_pending_reviews(
    session: Session, plan: Plan, reason: str, now: datetime
) -> list[Review]:
    """The ended plan's pending reviews, cancelled: they will not be held."""
    cancelled = repository.pending_reviews(session, plan.id)
    for review in cancelled:
        review.status = ReviewStatus.CANCELLED.value
        touch(session, DeadlineKind.REVIEW, review.id)
        review.cancellation_reason = reason
        review.late = False
        review.updated_at = now
    return cancelled


def _withdraw_open_deadlines(
    session: Session, plan: Plan, reason: str, now: datetime
) -> tuple[list[Consideration], list[Action]]:
    """The ended plan's open milestones, considerations and actions, withdrawn."""
    for milestone in repository.milestones_of_plan(session, plan.id):
        if is_open(DeadlineKind.MILESTONE, milestone.status):
            milestone.status = MilestoneStatus.NOT_APPLICABLE.value
            touch(session, DeadlineKind.MILESTONE, milestone.id)
    # RULES.md §3 "Ending a plan": open considerations and actions are withdrawn, so nothing
    # of the plan keeps reminding or escalating. A disruption meeting stays due: it is about
    # the ending itself.
    considerations = plans_repository.open_of_plan_for_update(
        session, DeadlineKind.CONSIDERATION, plan
    )
    for consideration in considerations:
        consideration.status = ConsiderationStatus.WITHDRAWN.value
        consideration.reason = reason
        touch(session, DeadlineKind.CONSIDERATION, consideration.id)
    actions = plans_repository.open_of_plan_for_update(session, DeadlineKind.ACTION, plan)
    for action in actions:
        action.status = ActionStatus.WITHDRAWN.value
        action.withdrawn_reason = reason
        action.updated_at = now
        touch(session, DeadlineKind.ACTION, action.id)
    return considerations, actions


def confirm_history(
    session: Session,
    principal: Principal,
    plan_id: uuid.UUID,
    body: PlanConfirmHistory,
    if_match: str | None,
    now: datetime,
) -> Plan:
    """Mark an imported plan's history complete (issue 10), audited with the IRO's reason."""
    plan = visible_plan(session, principal, plan_id, for_update=True)
    check_if_match(if_match, plan.version)
    if plan.history_complete:
        raise Conflict("the plan's history is already complete")
    plan.history_complete = True
    plan.updated_at = now
    session.flush()
    audit(
        session,
        principal,
        now,
        "plan.history_confirmed",
        plan,
        {"history_complete": (False, True), "reason": body.reason},
    )
    return plan


def plan_reviews(session: Session, principal: Principal, plan_id: uuid.UUID) -> list[Review]:
    """The plan's reviews in series order."""
    plan = visible_plan(session, principal, plan_id)
    return repository.plan_reviews(session, plan.id)
