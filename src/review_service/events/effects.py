"""Applying an event's effects to a child's open plans: the one path that both the event feed
and the service's own checks (an overdue action) take."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import ConsiderationStatus, DeadlineKind, MeetingStatus
from review_service.domain.events import (
    DISRUPTION_MEETING_CHAIR,
    DISRUPTION_MEETING_INVITEES,
    EffectKind,
    EventType,
    PlannedEffect,
    affected_plan_types,
    bring_forward_outcome,
    decide_effects,
)
from review_service.domain.plan_types import PlanStatus, PlanType
from review_service.domain.policy import Policy
from review_service.models import Child, Consideration, EventEffect, Meeting, Plan, Review
from review_service.models.base import new_id
from review_service.policies.lookup import DeadlineContext, deadline_context
from review_service.reviews import deadlines, repository
from review_service.webhooks.outbox import publish


def open_plans_affected(
    session: Session, child: Child, event_type: EventType, policy: Policy
) -> list[Plan]:
    """The child's open plans of a type the event affects, looked-after plans first."""
    types = [t.value for t in affected_plan_types(event_type, policy)]
    plans = list(
        session.scalars(
            select(Plan)
            .where(Plan.child_id == child.id, Plan.status == PlanStatus.OPEN, Plan.type.in_(types))
            .order_by(Plan.start_date)
            .with_for_update()
        )
    )
    return sorted(plans, key=lambda plan: plan.type != PlanType.LOOKED_AFTER)


@dataclass(frozen=True, slots=True)
class _Applying:
    """What every effect of one event is applied with."""

    session: Session
    child: Child
    event_id: uuid.UUID
    event_type: EventType
    now: datetime
    ctx: DeadlineContext


def apply_event(
    session: Session,
    *,
    child: Child,
    event_id: uuid.UUID,
    event_type: EventType,
    happened_on: date,
    effective_date: date | None,
    now: datetime,
    received_on: date,
) -> list[EventEffect]:
    """Decide (RULES.md §4) and apply an event's effects; returns the effect rows written."""
    ctx = deadline_context(session, child.local_authority, received_on)
    planned = decide_effects(
        event_type,
        received_on=received_on,
        happened_on=happened_on,
        effective_date=effective_date,
        calendar=ctx.calendar,
        policy=ctx.policy,
    )
    applying = _Applying(session, child, event_id, event_type, now, ctx)
    plans = open_plans_affected(session, child, event_type, ctx.policy)
    next_reviews = repository.first_pending_reviews(session, [plan.id for plan in plans])
    effects: list[EventEffect] = []
    meeting_created = False
    for plan in plans:
        review = next_reviews.get(plan.id)
        for effect in planned:
            if effect.kind is EffectKind.REVIEW_BROUGHT_FORWARD:
                row = _bring_forward(applying, plan, review, effect)
            elif effect.kind is EffectKind.CONSIDERATION_OPENED:
                row = _open_consideration(applying, plan, review, effect)
            elif meeting_created:
                continue  # one disruption meeting per ending, on the child's main plan
            else:
                row = _open_disruption_meeting(applying, plan, review, effect)
                meeting_created = True
            if row is not None:
                effects.append(row)
    # Ids are chosen in Python, so the considerations and meetings go in with one flush, and
    # then the effect rows that refer to them (the ORM orders inserts by relationships, and
    # these tables have none, so the foreign keys need the two steps).
    session.flush()
    session.add_all(effects)
    session.flush()
    return effects


def _effect_row(
    applying: _Applying, kind: EffectKind, plan: Plan, review: Review | None
) -> EventEffect:
    return EventEffect(
        id=new_id(),
        event_id=applying.event_id,
        kind=kind.value,
        plan_id=plan.id,
        review_id=review.id if review else None,
    )


def _bring_forward(
    applying: _Applying, plan: Plan, review: Review | None, effect: PlannedEffect
) -> EventEffect | None:
    """Bring the plan's next review forward (RULES.md §3), if it has one pending."""
    if review is None:
        return None
    row = _effect_row(applying, effect.kind, plan, review)
    row.before_date, row.after_date = deadlines.apply_bring_forward(
        applying.session, plan, review, effect.due_by, applying.ctx, applying.now
    )
    row.kind = bring_forward_outcome(row.before_date, row.after_date).value
    return row


def _open_consideration(
    applying: _Applying, plan: Plan, review: Review | None, effect: PlannedEffect
) -> EventEffect:
    """Open the chair's consideration of whether the event calls for a review (RULES.md §4)."""
    consideration = Consideration(
        id=new_id(),
        local_authority=plan.local_authority,
        child_id=applying.child.id,
        plan_id=plan.id,
        review_id=review.id if review else None,
        event_id=applying.event_id,
        event_type=applying.event_type.value,
        chair_id=plan.chair_id,
        status=ConsiderationStatus.OPEN.value,
        due_by=effect.due_by,
        opened_at=applying.now,
    )
    applying.session.add(consideration)
    touch(applying.session, DeadlineKind.CONSIDERATION, consideration.id)
    publish(
        applying.session,
        "consideration.opened",
        {
            "consideration_id": str(consideration.id),
            "plan_id": str(plan.id),
            "review_id": str(review.id) if review else None,
            "event_type": applying.event_type.value,
            "chair_id": plan.chair_id,
            "due_by": effect.due_by.isoformat(),
            "local_authority": plan.local_authority,
        },
        plan.local_authority,
        applying.now,
    )
    row = _effect_row(applying, effect.kind, plan, review)
    row.consideration_id = consideration.id
    row.after_date = effect.due_by
    return row


def _open_disruption_meeting(
    applying: _Applying, plan: Plan, review: Review | None, effect: PlannedEffect
) -> EventEffect:
    """Call the disruption meeting an unplanned ending needs (RULES.md §4)."""
    meeting = Meeting(
        id=new_id(),
        local_authority=plan.local_authority,
        kind="disruption",
        child_id=applying.child.id,
        plan_id=plan.id,
        event_id=applying.event_id,
        due_by=effect.due_by,
        status=MeetingStatus.DUE.value,
        chair_role=DISRUPTION_MEETING_CHAIR,
        invitees=list(DISRUPTION_MEETING_INVITEES),
        created_at=applying.now,
    )
    applying.session.add(meeting)
    touch(applying.session, DeadlineKind.MEETING, meeting.id)
    publish(
        applying.session,
        "meeting.created",
        {
            "meeting_id": str(meeting.id),
            "kind": "disruption",
            "plan_id": str(plan.id),
            "due_by": effect.due_by.isoformat(),
            "chair_role": meeting.chair_role,
            "local_authority": plan.local_authority,
        },
        plan.local_authority,
        applying.now,
    )
    row = _effect_row(applying, effect.kind, plan, review)
    row.meeting_id = meeting.id
    row.after_date = effect.due_by
    return row
