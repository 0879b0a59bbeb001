"""Re-deriving a plan's milestones after a policy or calendar change (RULES.md §5): a kind the
authority turned off is withdrawn, one it turned back on comes back, and every open one,
chained ones included, takes the date the policy in force gives it. Done ones never move.

Pre-review milestones of a pending review are re-derived with their review
(`reviews.deadlines.sync_pre_review_milestones`); this module keeps the rest."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import DeadlineKind, is_open
from review_service.domain.milestones import (
    CHAINS,
    RULE_BY_KIND,
    Anchor,
    MilestoneKind,
    MilestoneStatus,
    chained_due,
    is_on,
)
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ReviewStatus
from review_service.models import Milestone, Plan, Review
from review_service.policies.lookup import DeadlineContext
from review_service.reviews import repository


def withdraw(session: Session, milestone: Milestone) -> None:
    """RULES.md §5: the authority turned the kind off; nothing of it keeps reminding."""
    milestone.status = MilestoneStatus.NOT_APPLICABLE.value
    milestone.withdrawn_by_policy = True
    touch(session, DeadlineKind.MILESTONE, milestone.id)


def reopen(session: Session, milestone: Milestone, due_by: date) -> None:
    """RULES.md §5: the kind is on again: the milestone its policy withdrew is due again
    (not a second one beside it)."""
    milestone.status = MilestoneStatus.PENDING.value
    milestone.withdrawn_by_policy = False
    milestone.due_by = due_by
    touch(session, DeadlineKind.MILESTONE, milestone.id)


def _previous_in_chain(
    milestone: Milestone, milestones: list[Milestone]
) -> tuple[date, date] | None:
    """(done on, due by) of the last done milestone of `milestone`'s chain, if any."""
    chain = {kind.value for kind in CHAINS[MilestoneKind(milestone.kind)]}
    done = [
        (m.completed_on, m.due_by)
        for m in milestones
        if m.kind in chain and m.id != milestone.id and m.completed_on is not None
        and m.status == MilestoneStatus.DONE.value
    ]  # fmt: skip
    return max(done) if done else None


def _due(
    plan: Plan,
    milestone: Milestone,
    milestones: list[Milestone],
    reviews: dict[uuid.UUID, Review],
    ctx: DeadlineContext,
) -> date | None:
    """The date the policy in force gives `milestone`; None where it has none any more (its
    review was cancelled, its kind is not for this plan type)."""
    rule = RULE_BY_KIND[MilestoneKind(milestone.kind)]
    review = reviews.get(milestone.review_id) if milestone.review_id else None
    if PlanType(plan.type) not in rule.plan_types or (
        review is not None and review.status == ReviewStatus.CANCELLED
    ):
        return None
    if rule.anchor in (Anchor.AFTER_LAST_MET, Anchor.RECURRING):
        previous = _previous_in_chain(milestone, milestones)
        return chained_due(rule.kind, plan.start_date, previous, ctx.calendar, ctx.policy)
    if rule.anchor is Anchor.PLAN_START:
        return rule.due(plan.start_date, ctx.calendar, ctx.policy)
    if rule.anchor is Anchor.AFTER_HELD and review is not None and review.held_on is not None:
        return rule.due(review.held_on, ctx.calendar, ctx.policy)
    # Pre-review: a pending review's move with it (sync_pre_review_milestones); a held
    # review's keep the date its review had.
    return milestone.due_by


def rederive_plan_milestones(session: Session, plan: Plan, ctx: DeadlineContext) -> int:
    """Withdraw, reopen and re-date the plan's milestones under `ctx`'s policy and calendar
    (all but a pending review's pre-review ones); returns how many changed."""
    reviews = {review.id: review for review in repository.plan_reviews(session, plan.id)}
    milestones = repository.milestones_of_plan(session, plan.id)
    changed = 0
    for milestone in milestones:
        kind = MilestoneKind(milestone.kind)
        on, open_ = is_on(kind, ctx.policy), is_open(DeadlineKind.MILESTONE, milestone.status)
        if open_ and not on:
            withdraw(session, milestone)
            changed += 1
            continue
        if not (open_ or (on and milestone.withdrawn_by_policy)):
            continue  # done, or marked not applicable by hand: never moves
        due = _due(plan, milestone, milestones, reviews, ctx)
        if due is None:
            continue
        if not open_:
            reopen(session, milestone, due)
            changed += 1
        elif due != milestone.due_by:
            milestone.due_by = due
            touch(session, DeadlineKind.MILESTONE, milestone.id)
            changed += 1
    return changed
