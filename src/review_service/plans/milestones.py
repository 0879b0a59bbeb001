"""A plan's own milestones (no review): marking one done opens the next of its chain, the
next core group at the policy interval from the date the last one met (RULES.md §2) or the
next carer letter (RULES.md §5 [003])."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.orm import Session

from review_service.audit.service import audit
from review_service.auth import Principal
from review_service.clock import london_today
from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import DeadlineKind, is_open
from review_service.domain.milestones import MilestoneKind, MilestoneStatus, next_in_chain
from review_service.domain.plan_types import PlanStatus, PlanType
from review_service.models import Milestone, Plan
from review_service.models.base import new_id
from review_service.plans.service import visible_plan
from review_service.policies.lookup import deadline_context
from review_service.problems import InvalidRequest, NotFound
from review_service.reviews.schemas import MilestoneUpdate


def update_plan_milestone(
    session: Session,
    principal: Principal,
    plan_id: uuid.UUID,
    milestone_id: uuid.UUID,
    body: MilestoneUpdate,
    now: datetime,
) -> tuple[Milestone, Milestone | None]:
    """Mark a plan-level milestone done (or not applicable, or pending again); returns it and
    the milestone its completion opened, if any."""
    plan = visible_plan(session, principal, plan_id, for_update=True)
    milestone = session.get(Milestone, milestone_id)
    if milestone is None or milestone.plan_id != plan.id or milestone.review_id is not None:
        raise NotFound(f"plan {plan_id} has no plan-level milestone {milestone_id}")
    if body.status is MilestoneStatus.OVERDUE:
        raise InvalidRequest("`overdue` is derived from the date and cannot be set")
    today = london_today(now)
    completed_on = None
    if body.status is MilestoneStatus.DONE:
        completed_on = body.completed_on or today
        if completed_on > today:
            raise InvalidRequest("completed_on is in the future")
    was_open = is_open(DeadlineKind.MILESTONE, milestone.status)
    before = milestone.status
    milestone.status = body.status.value
    milestone.completed_on = completed_on
    milestone.withdrawn_by_policy = False  # a chair's decision now, not the policy's
    touch(session, DeadlineKind.MILESTONE, milestone.id)
    opened = None
    if completed_on is not None and was_open and plan.status == PlanStatus.OPEN:
        opened = _open_next_in_chain(session, plan, milestone, completed_on, today)
    session.flush()
    audit(
        session,
        principal,
        now,
        "milestone.updated",
        milestone,
        owner=plan,
        changes={
            "status": (before, milestone.status),
            "kind": milestone.kind,
            "completed_on": completed_on,
            "opened": str(opened.id) if opened else None,
        },
    )
    return milestone, opened


def _open_next_in_chain(
    session: Session, plan: Plan, done: Milestone, completed_on: date, today: date
) -> Milestone | None:
    """The milestone that follows `done` in its chain, opened; None at the chain's end."""
    ctx = deadline_context(session, plan.local_authority, today)
    following = next_in_chain(
        MilestoneKind(done.kind),
        PlanType(plan.type),
        completed_on,
        done.due_by,
        ctx.calendar,
        ctx.policy,
    )
    if following is None:
        return None
    opened = Milestone(
        id=new_id(),
        plan_id=plan.id,
        local_authority=plan.local_authority,
        review_id=None,
        kind=following.kind.value,
        due_by=following.due_by,
        owner_role=following.owner_role,
        status=MilestoneStatus.PENDING.value,
    )
    session.add(opened)
    touch(session, DeadlineKind.MILESTONE, opened.id)
    return opened
