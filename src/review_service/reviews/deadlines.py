"""Deriving and re-deriving a plan's stored deadlines from the domain rules.

Every path that moves a date (a review scheduled, brought forward, held; a policy, interval or
calendar change) comes through here, so the rows always equal what the domain computes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.clock import london_today
from review_service.deadlines.registry import REGISTRY
from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import DeadlineKind, is_open
from review_service.domain.milestones import (
    RULE_BY_KIND,
    Anchor,
    MilestoneDue,
    MilestoneKind,
    MilestoneStatus,
    plan_milestones,
    post_review_milestones,
    pre_review_milestones,
)
from review_service.domain.plan_types import PlanType
from review_service.domain.review_series import ReviewSeries
from review_service.domain.reviews import (
    ReviewStatus,
    bring_forward,
    effective_due,
    is_late,
    review_date,
)
from review_service.models import Milestone, Plan, Review
from review_service.models.base import new_id
from review_service.plans.milestones_recompute import rederive_plan_milestones, reopen
from review_service.policies.lookup import DeadlineContext, deadline_context
from review_service.reviews import repository
from review_service.webhooks.outbox import publish


def series_of(plan: Plan) -> ReviewSeries:
    """The domain's view of a plan's review timetable."""
    return ReviewSeries(PlanType(plan.type), plan.start_date, plan.review_interval_months)


def scheduled_date(review: Review) -> date | None:
    """The London date the review is scheduled for."""
    return london_today(review.scheduled_for) if review.scheduled_for else None


def refresh_late(review: Review) -> None:
    """Re-derive `late` from the review's dates (API.md `late`)."""
    review.late = is_late(
        ReviewStatus(review.status),
        review.due_by,
        scheduled_date(review),
        review.reconvene_on,
        review.held_on,
    )


def _sync(
    session: Session,
    plan: Plan,
    review: Review | None,
    computed: list[MilestoneDue],
    existing: list[Milestone],
) -> int:
    """Make the pending milestones equal `computed`; returns how many dates moved."""
    by_kind = {milestone.kind: milestone for milestone in existing}
    moved = 0
    for due in computed:
        milestone = by_kind.get(due.kind.value)
        if milestone is None:
            milestone_id = new_id()
            touch(session, DeadlineKind.MILESTONE, milestone_id)
            session.add(
                Milestone(
                    id=milestone_id,
                    plan_id=plan.id,
                    local_authority=plan.local_authority,
                    review_id=review.id if review else None,
                    kind=due.kind.value,
                    due_by=due.due_by,
                    owner_role=due.owner_role,
                    status=MilestoneStatus.PENDING.value,
                )
            )
            continue
        still_open = is_open(DeadlineKind.MILESTONE, milestone.status)
        if milestone.withdrawn_by_policy and not still_open:
            reopen(session, milestone, due.due_by)  # its kind is on again (RULES.md §5)
            moved += 1
        elif still_open and milestone.due_by != due.due_by:
            milestone.due_by = due.due_by
            touch(session, DeadlineKind.MILESTONE, milestone.id)
            moved += 1
    return moved


def _kinds(anchor: Anchor, milestones: list[Milestone]) -> list[Milestone]:
    return [m for m in milestones if RULE_BY_KIND[MilestoneKind(m.kind)].anchor is anchor]


def sync_pre_review_milestones(
    session: Session,
    plan: Plan,
    review: Review,
    ctx: DeadlineContext,
    existing: list[Milestone] | None = None,
) -> int:
    """RULES.md §5: pre-review milestones count back from the review date and move with it."""
    if existing is None:
        existing = repository.milestones_of_reviews(session, [review.id]).get(review.id, [])
    anchor = review_date(review.due_by, scheduled_date(review), review.reconvene_on)
    computed = pre_review_milestones(PlanType(plan.type), anchor, ctx.calendar, ctx.policy)
    return _sync(session, plan, review, computed, _kinds(Anchor.BEFORE_REVIEW, existing))


def add_post_review_milestones(
    session: Session, plan: Plan, review: Review, ctx: DeadlineContext
) -> None:
    """RULES.md §5: post-review milestones count from the held date."""
    assert review.held_on is not None
    computed = post_review_milestones(PlanType(plan.type), review.held_on, ctx.calendar, ctx.policy)
    _sync(session, plan, review, computed, [])


def open_review(
    session: Session,
    plan: Plan,
    sequence: int,
    previous_held_on: date | None,
    ctx: DeadlineContext,
    now: datetime,
) -> Review:
    """Open review `sequence` of the plan, due per RULES.md §2, with its milestones."""
    due = series_of(plan).due(sequence, previous_held_on, ctx.calendar, ctx.policy)
    review = Review(
        id=new_id(),
        plan_id=plan.id,
        child_id=plan.child_id,
        local_authority=plan.local_authority,
        plan_type=plan.type,
        chair_id=plan.chair_id,
        sequence=sequence,
        status=ReviewStatus.DUE.value,
        statutory_due_by=due,
        due_by=due,
        late=False,
        created_at=now,
        updated_at=now,
    )
    session.add(review)
    touch(session, DeadlineKind.REVIEW, review.id)
    session.flush()
    sync_pre_review_milestones(session, plan, review, ctx, existing=[])
    return review


def open_plan_milestones(session: Session, plan: Plan, ctx: DeadlineContext) -> None:
    """`iro_appointed` for a looked-after plan, `management_oversight` for child in need."""
    computed = plan_milestones(PlanType(plan.type), plan.start_date, ctx.calendar, ctx.policy)
    _sync(session, plan, None, computed, [])


def open_milestones(session: Session, plan: Plan, computed: list[MilestoneDue]) -> None:
    """Open plan-level milestones computed elsewhere (a conference's first core group)."""
    _sync(session, plan, None, computed, [])


def recompute_review_due(
    session: Session, plan: Plan, review: Review, ctx: DeadlineContext, now: datetime
) -> bool:
    """Re-derive a pending review's `due_by` and its milestones; True if anything moved."""
    previous = repository.previous_held_on(session, plan.id, review.sequence)
    statutory = series_of(plan).due(review.sequence, previous, ctx.calendar, ctx.policy)
    due = effective_due(statutory, review.brought_forward_to)
    moved = due != review.due_by or statutory != review.statutory_due_by
    review.statutory_due_by = statutory
    review.due_by = due
    touch(session, DeadlineKind.REVIEW, review.id)
    refresh_late(review)
    moved_milestones = sync_pre_review_milestones(session, plan, review, ctx)
    if moved or moved_milestones:
        review.updated_at = now
    return moved or moved_milestones > 0


def recompute_plan_deadlines(
    session: Session, plan: Plan, ctx: DeadlineContext, now: datetime
) -> int:
    """Re-derive every open deadline of a plan (after a policy, interval or calendar change).
    Returns how many deadlines moved."""
    moved = 0
    for review in repository.pending_reviews(session, plan.id):
        moved += recompute_review_due(session, plan, review, ctx, now)
    # A plan-level kind the authority turned on (RULES.md §5) opens now, if the plan has none
    # of it (one it withdrew is reopened below). Statutory kinds are never off: a plan
    # without one was posted or imported mid-way, and is left as it came.
    present = {m.kind for m in repository.plan_level_milestones_of(session, [plan.id])[plan.id]}
    turned_on = [
        due
        for due in plan_milestones(PlanType(plan.type), plan.start_date, ctx.calendar, ctx.policy)
        if not RULE_BY_KIND[due.kind].statutory and due.kind.value not in present
    ]
    _sync(session, plan, None, turned_on, [])
    return moved + rederive_plan_milestones(session, plan, ctx)


def recompute_plans(session: Session, plans: Sequence[Plan], now: datetime) -> int:
    """Re-derive every open deadline of these plans, each under its authority's policy and
    calendar as they now stand: the one path of policy and calendar changes. Returns how many
    deadlines moved."""
    today = london_today(now)
    contexts: dict[str, DeadlineContext] = {}
    moved = 0
    for plan in plans:
        ctx = contexts.get(plan.local_authority)
        if ctx is None:
            ctx = contexts[plan.local_authority] = deadline_context(
                session, plan.local_authority, today
            )
        moved += recompute_plan_deadlines(session, plan, ctx, now)
    # A changed policy or calendar moves reminders and escalations even where no date moved.
    touch_open_deadlines_of(session, [plan.id for plan in plans])
    return moved


def touch_open_deadlines_of(session: Session, plan_ids: list[uuid.UUID]) -> None:
    """Register every open deadline of these plans with the unit of work."""
    for start in range(0, len(plan_ids), 5000):
        chunk = plan_ids[start : start + 5000]
        for kind, registered in REGISTRY.items():
            model = registered.model
            query = select(model.id).where(model.plan_id.in_(chunk), registered.is_open())
            touch(session, kind, *session.scalars(query))


def apply_bring_forward(
    session: Session,
    plan: Plan,
    review: Review,
    requested: date,
    ctx: DeadlineContext,
    now: datetime,
) -> tuple[date, date]:
    """RULES.md §3: bring a pending review forward (never later); returns (before, after)."""
    before = review.due_by
    review.brought_forward_to = bring_forward(review.brought_forward_to or review.due_by, requested)
    review.due_by = effective_due(review.statutory_due_by, review.brought_forward_to)
    touch(session, DeadlineKind.REVIEW, review.id)
    refresh_late(review)
    sync_pre_review_milestones(session, plan, review, ctx)
    if review.due_by != before:
        review.updated_at = now
        publish(
            session,
            "review.brought_forward",
            {
                **review_reference(review),
                "due_by_before": before.isoformat(),
                "due_by": review.due_by.isoformat(),
            },
            review.local_authority,
            now,
        )
    return before, review.due_by


def review_reference(review: Review) -> dict[str, object]:
    """What a webhook says to identify a review: ids and its place in the series, never a
    child's personal details."""
    return {
        "review_id": str(review.id),
        "plan_id": str(review.plan_id),
        "plan_type": review.plan_type,
        "sequence": review.sequence,
        "chair_id": review.chair_id,
        "local_authority": review.local_authority,
    }
