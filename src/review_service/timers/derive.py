"""Deriving the timers of a deadline in the transaction that changed it.

The rows always equal what `domain.reminders` computes for the deadline as it now stands:
pending timers of a moved deadline are replaced, those of a finished thing withdrawn, and an
escalation that already fired for the same date is not fired again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from review_service.domain.milestones import (
    RULE_BY_KIND,
    Anchor,
    MilestoneKind,
    MilestoneStatus,
)
from review_service.domain.reminders import Reminder, Subject, reminders_for
from review_service.domain.reviews import PENDING_STATUSES
from review_service.models import Action, Consideration, Meeting, Milestone, Review, Timer
from review_service.policies.lookup import DeadlineContext, deadline_context


@dataclass(frozen=True, slots=True)
class Deadline:
    """An open deadline and what its webhooks say about it (ids only, no personal detail)."""

    subject: Subject
    subject_id: uuid.UUID
    local_authority: str
    due_by: date
    owner: str
    data: dict[str, Any]
    management_oversight: bool = False


def open_deadline(session: Session, subject: Subject, subject_id: uuid.UUID) -> Deadline | None:
    """The deadline of a subject if it is still open, else None (done, cancelled, gone)."""
    if subject is Subject.REVIEW:
        review = session.get(Review, subject_id)
        if review is None or review.status not in {s.value for s in PENDING_STATUSES}:
            return None
        return Deadline(
            subject,
            review.id,
            review.local_authority,
            review.due_by,
            "chair",
            {
                "review_id": str(review.id),
                "plan_id": str(review.plan_id),
                "plan_type": review.plan_type,
                "sequence": review.sequence,
                "chair_id": review.chair_id,
            },
        )
    if subject is Subject.MILESTONE:
        milestone = session.get(Milestone, subject_id)
        if milestone is None or milestone.status != MilestoneStatus.PENDING:
            return None
        if _review_has_met(session, milestone):
            # A preparation step of a review that has been held or cancelled: the record
            # keeps it as not done, but reminding or escalating it now helps nobody.
            return None
        authority = _authority_of_plan(session, milestone.plan_id)
        return Deadline(
            subject,
            milestone.id,
            authority,
            milestone.due_by,
            milestone.owner_role,
            {
                "milestone_id": str(milestone.id),
                "kind": milestone.kind,
                "plan_id": str(milestone.plan_id),
                "review_id": str(milestone.review_id) if milestone.review_id else None,
            },
            management_oversight=milestone.kind == MilestoneKind.MANAGEMENT_OVERSIGHT,
        )
    if subject is Subject.ACTION:
        action = session.get(Action, subject_id)
        if action is None or action.status != "open":
            return None
        return Deadline(
            subject,
            action.id,
            _authority_of_plan(session, action.plan_id),
            action.due_by,
            "action_owner",
            {
                "action_id": str(action.id),
                "review_id": str(action.review_id),
                "plan_id": str(action.plan_id),
            },
        )
    if subject is Subject.CONSIDERATION:
        consideration = session.get(Consideration, subject_id)
        if consideration is None or consideration.status != "open":
            return None
        return Deadline(
            subject,
            consideration.id,
            consideration.local_authority,
            consideration.due_by,
            "chair",
            {
                "consideration_id": str(consideration.id),
                "plan_id": str(consideration.plan_id),
                "event_type": consideration.event_type,
                "chair_id": consideration.chair_id,
            },
        )
    meeting = session.get(Meeting, subject_id)
    if meeting is None or meeting.status != "due":
        return None
    return Deadline(
        subject,
        meeting.id,
        meeting.local_authority,
        meeting.due_by,
        meeting.chair_role,
        {"meeting_id": str(meeting.id), "kind": meeting.kind, "plan_id": str(meeting.plan_id)},
    )


def _review_has_met(session: Session, milestone: Milestone) -> bool:
    if milestone.review_id is None:
        return False
    if RULE_BY_KIND[MilestoneKind(milestone.kind)].anchor is not Anchor.BEFORE_REVIEW:
        return False
    review = session.get(Review, milestone.review_id)
    return review is not None and review.status not in {s.value for s in PENDING_STATUSES}


def _authority_of_plan(session: Session, plan_id: uuid.UUID) -> str:
    from review_service.models import Plan

    plan = session.get(Plan, plan_id)
    assert plan is not None
    return plan.local_authority


def _payload(deadline: Deadline, reminder: Reminder) -> dict[str, Any]:
    payload = {
        **deadline.data,
        "due_by": deadline.due_by.isoformat(),
        "local_authority": deadline.local_authority,
        "addressed_to": reminder.addressed_to,
    }
    if reminder.level > 0:
        payload["escalation_level"] = reminder.level
        if reminder.level == 3 and deadline.data.get("plan_type") == "looked_after":
            # RULES.md §8: the IRO's consideration of a Cafcass referral is recorded.
            payload["cafcass_referral_consideration"] = True
    return payload


def sync_timers(
    session: Session,
    subject: Subject,
    subject_id: uuid.UUID,
    today: date,
    contexts: dict[str, DeadlineContext],
    existing: list[Timer] | None = None,
) -> None:
    """Make the subject's timers equal what its deadline now calls for. `existing` is the
    subject's timers when the caller has loaded them already (see `preload`)."""
    deadline = open_deadline(session, subject, subject_id)
    if existing is None:
        existing = list(
            session.scalars(
                select(Timer).where(
                    Timer.subject_type == subject.value, Timer.subject_id == subject_id
                )
            )
        )
    if deadline is None:
        session.execute(
            delete(Timer).where(
                Timer.subject_type == subject.value,
                Timer.subject_id == subject_id,
                Timer.fired_at.is_(None),
            )
        )
        return
    ctx = contexts.get(deadline.local_authority)
    if ctx is None:
        ctx = contexts[deadline.local_authority] = deadline_context(
            session, deadline.local_authority, today
        )
    wanted = {
        (r.event_type, r.level): r
        for r in reminders_for(
            subject,
            deadline.due_by,
            ctx.calendar,
            ctx.policy,
            today,
            owner=deadline.owner,
            management_oversight=deadline.management_oversight,
        )
    }
    kept: set[tuple[str, int]] = set()
    for timer in existing:
        key = (timer.event_type, timer.level)
        reminder = wanted.get(key)
        fired_for_same_date = timer.fired_at is not None and timer.due_by == deadline.due_by
        if reminder is not None and (
            fired_for_same_date or (timer.fired_at is None and timer.fire_at == reminder.fire_at)
        ):
            timer.payload = _payload(deadline, reminder)
            # A moved deadline can keep a timer whose moment did not move (e.g. Sun -> Sat:
            # same working day before it); it must record the new date, or once fired it
            # would look "fired for another date" at the next sync and fire again.
            timer.due_by = deadline.due_by
            kept.add(key)
        else:
            session.delete(timer)
    if len(kept) < len(existing):
        session.flush()  # deletions first: the unique key is reused below
    for key, reminder in wanted.items():
        if key not in kept:
            session.add(
                Timer(
                    subject_type=subject.value,
                    subject_id=subject_id,
                    event_type=reminder.event_type,
                    level=reminder.level,
                    local_authority=deadline.local_authority,
                    due_by=deadline.due_by,
                    fire_at=reminder.fire_at,
                    payload=_payload(deadline, reminder),
                )
            )


_MODELS: dict[Subject, Any] = {
    Subject.REVIEW: Review,
    Subject.MILESTONE: Milestone,
    Subject.ACTION: Action,
    Subject.CONSIDERATION: Consideration,
    Subject.MEETING: Meeting,
}
_CHUNK = 500


def _chunks(ids: list[uuid.UUID]) -> list[list[uuid.UUID]]:
    return [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


def preload(
    session: Session, subjects: set[tuple[Subject, uuid.UUID]]
) -> tuple[list[object], dict[tuple[str, uuid.UUID], list[Timer]]]:
    """Load every subject, its plan and its timers in a few IN queries, so that deriving the
    timers of many changed deadlines costs a handful of statements, not several per deadline.
    Returns the loaded objects (hold them: the identity map keeps only weak references) and
    the timers by subject."""
    from review_service.models import Plan

    held: list[object] = []
    plan_ids: set[uuid.UUID] = set()
    for subject, model in _MODELS.items():
        ids = sorted(i for s, i in subjects if s is subject)
        for chunk in _chunks(ids):
            rows = list(session.scalars(select(model).where(model.id.in_(chunk))))
            held.extend(rows)
            if subject in (Subject.MILESTONE, Subject.ACTION):
                plan_ids |= {row.plan_id for row in rows}
    for chunk in _chunks(sorted(plan_ids)):
        held.extend(session.scalars(select(Plan).where(Plan.id.in_(chunk))))
    timers: dict[tuple[str, uuid.UUID], list[Timer]] = {
        (subject.value, subject_id): [] for subject, subject_id in subjects
    }
    for subject in _MODELS:
        # By type and id: (subject_type, subject_id) is what the index leads with.
        ids = sorted(i for s, i in subjects if s is subject)
        for chunk in _chunks(ids):
            for timer in session.scalars(
                select(Timer).where(
                    Timer.subject_type == subject.value, Timer.subject_id.in_(chunk)
                )
            ):
                timers[(timer.subject_type, timer.subject_id)].append(timer)
                held.append(timer)
    return held, timers
