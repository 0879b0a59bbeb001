"""Keeping timers in step with deadlines, whatever code path moved them.

A session hook notes every deadline-bearing row that is added, changed or deleted; just
before the transaction commits, the timers of those rows are re-derived in it. No service has
to remember to do it, so none can forget.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from review_service.clock import Clock, london_today
from review_service.domain.reminders import Subject
from review_service.models import Action, Consideration, Meeting, Milestone, Review
from review_service.policies.lookup import DeadlineContext
from review_service.timers.derive import preload, sync_timers

_SUBJECTS: dict[type[Any], Subject] = {
    Review: Subject.REVIEW,
    Milestone: Subject.MILESTONE,
    Action: Subject.ACTION,
    Consideration: Subject.CONSIDERATION,
    Meeting: Subject.MEETING,
}
_PENDING = "timer_subjects"


def _note(session: Session, _context: Any) -> None:
    # after_flush: ids are assigned, and new/dirty/deleted still show what the flush wrote.
    pending: set[tuple[Subject, uuid.UUID]] = session.info.setdefault(_PENDING, set())
    for instance in (*session.new, *session.dirty, *session.deleted):
        subject = _SUBJECTS.get(type(instance))
        if subject is not None:
            pending.add((subject, instance.id))


def _derive(session: Session) -> None:
    clock: Clock | None = session.info.get("clock")
    if clock is None:
        return  # a session outside the service's factories (tests arranging rows)
    session.flush()
    pending: set[tuple[Subject, uuid.UUID]] = session.info.pop(_PENDING, set())
    if not pending:
        return
    today = london_today(clock.now())
    contexts: dict[str, DeadlineContext] = {}
    _held, timers = preload(session, pending)  # _held keeps the loaded rows alive
    for subject, subject_id in sorted(pending, key=lambda item: (item[0].value, str(item[1]))):
        sync_timers(
            session,
            subject,
            subject_id,
            today,
            contexts,
            existing=timers[(subject.value, subject_id)],
        )
    session.flush()
    session.info.pop(_PENDING, None)  # the flushes above noted nothing new to derive


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def install_timer_tracking() -> None:
    """Register the hooks on every Session (idempotent)."""
    if not event.contains(Session, "after_flush", _note):
        event.listen(Session, "after_flush", _note)
        event.listen(Session, "before_commit", _derive)
        event.listen(Session, "after_rollback", _forget)


def recheck(session: Session, subject: Subject, subject_ids: list[uuid.UUID]) -> None:
    """Have these subjects' timers re-derived at commit although their rows did not change
    (e.g. a review's preparation milestones once the review has been held)."""
    pending: set[tuple[Subject, uuid.UUID]] = session.info.setdefault(_PENDING, set())
    pending.update((subject, subject_id) for subject_id in subject_ids)
