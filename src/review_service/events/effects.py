"""Applying an event's effects to a child's open plans: the one path that both the event feed
and the service's own checks (an overdue action) take."""

from __future__ import annotations

import uuid
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
    affected_plan_types,
    bring_forward_outcome,
    decide_effects,
)
from review_service.domain.plan_types import PlanStatus, PlanType
from review_service.domain.policy import Policy
from review_service.models import Child, Consideration, EventEffect, Meeting, Plan
from review_service.policies.lookup import deadline_context
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
    effects: list[EventEffect] = []
    meeting_created = False
    for plan in open_plans_affected(session, child, event_type, ctx.policy):
        pending = repository.pending_reviews(session, plan.id)
        review = pending[0] if pending else None
        for effect in planned:
            row = EventEffect(
                event_id=event_id,
                kind=effect.kind.value,
                plan_id=plan.id,
                review_id=review.id if review else None,
            )
            if effect.kind is EffectKind.REVIEW_BROUGHT_FORWARD:
                if review is None:
                    continue
                row.before_date, row.after_date = deadlines.apply_bring_forward(
                    session, plan, review, effect.due_by, ctx, now
                )
                row.kind = bring_forward_outcome(row.before_date, row.after_date).value
            elif effect.kind is EffectKind.CONSIDERATION_OPENED:
                consideration = Consideration(
                    local_authority=plan.local_authority,
                    child_id=child.id,
                    plan_id=plan.id,
                    review_id=review.id if review else None,
                    event_id=event_id,
                    event_type=event_type.value,
                    chair_id=plan.chair_id,
                    status=ConsiderationStatus.OPEN.value,
                    due_by=effect.due_by,
                    opened_at=now,
                )
                session.add(consideration)
                session.flush()
                touch(session, DeadlineKind.CONSIDERATION, consideration.id)
                publish(
                    session,
                    "consideration.opened",
                    {
                        "consideration_id": str(consideration.id),
                        "plan_id": str(plan.id),
                        "review_id": str(review.id) if review else None,
                        "event_type": event_type.value,
                        "chair_id": plan.chair_id,
                        "due_by": effect.due_by.isoformat(),
                        "local_authority": plan.local_authority,
                    },
                    plan.local_authority,
                    now,
                )
                row.consideration_id = consideration.id
                row.after_date = effect.due_by
            else:
                if meeting_created:
                    continue  # one disruption meeting per ending, on the child's main plan
                meeting = Meeting(
                    local_authority=plan.local_authority,
                    kind="disruption",
                    child_id=child.id,
                    plan_id=plan.id,
                    event_id=event_id,
                    due_by=effect.due_by,
                    status=MeetingStatus.DUE.value,
                    chair_role=DISRUPTION_MEETING_CHAIR,
                    invitees=list(DISRUPTION_MEETING_INVITEES),
                    created_at=now,
                )
                session.add(meeting)
                session.flush()
                touch(session, DeadlineKind.MEETING, meeting.id)
                publish(
                    session,
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
                    now,
                )
                meeting_created = True
                row.meeting_id = meeting.id
                row.after_date = effect.due_by
            session.add(row)
            effects.append(row)
    session.flush()
    return effects
