"""Deriving the timers of many deadlines at once, in the transaction that changed them.

The rows always equal what `domain.reminders` computes for each deadline as it now stands:
pending timers of a moved deadline are replaced, those of a finished thing withdrawn, and an
escalation that already fired for the same date is not fired again. However many deadlines,
the work is a handful of statements: one read per kind of row and per kind of fact (rows
the session already holds are not read again), one of timers (in chunks of `CHUNK` ids;
none for deadlines created in this transaction), one delete, one insert and one update.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from review_service.deadlines.registry import REGISTRY, Facts, OpenDeadline
from review_service.domain.deadlines import DeadlineKind, waits_on_review
from review_service.domain.reminders import Reminder, reminders_for
from review_service.models import Milestone, Plan, Review, Timer
from review_service.policies.lookup import DeadlineContext, deadline_context

# Ids per IN list: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
CHUNK = 10_000
_TIMER_COLUMNS = (
    Timer.id,
    Timer.subject_type,
    Timer.subject_id,
    Timer.event_type,
    Timer.level,
    Timer.fire_at,
    Timer.fired_at,
    Timer.due_by,
    Timer.payload,
)


def _chunks(ids: Iterable[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


@dataclass(slots=True)
class _Changes:
    """The timer writes a derivation calls for, and the deadlines they belong to."""

    deletes: list[uuid.UUID] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    changed: set[tuple[str, uuid.UUID]] = field(default_factory=set)


def _in_session(
    session: Session, model: Any, ids: Iterable[uuid.UUID]
) -> tuple[dict[uuid.UUID, Any], list[uuid.UUID]]:
    """The rows of `ids` this session already holds, by id, and the ids it must read. A held
    row is what a SELECT would give back too (the ORM keeps the instance it has, and the
    caller flushed first); this only saves the round trip."""
    held: dict[uuid.UUID, Any] = {}
    missing: list[uuid.UUID] = []
    identities = session.identity_map
    for row_id in ids:
        row = identities.get(identity_key(model, row_id))
        if row is None:
            missing.append(row_id)
        else:
            held[row_id] = row
    return held, missing


def with_dependents(
    session: Session,
    touched: set[tuple[DeadlineKind, uuid.UUID]],
    created: Collection[tuple[DeadlineKind, uuid.UUID]] = (),
) -> tuple[set[tuple[DeadlineKind, uuid.UUID]], list[Milestone]]:
    """The touched deadlines and those whose liveness follows them: a review's preparation
    milestones stop reminding once it is held or cancelled (RULES.md §5). A review created in
    this unit has no milestones but those created (and so touched) with it. Also returns the
    dependent milestones read, whole, so that `_load` need not read them again."""
    reviews = [i for kind, i in touched if kind is DeadlineKind.REVIEW and (kind, i) not in created]
    result = set(touched)
    dependents: list[Milestone] = []
    for chunk in _chunks(reviews):
        for milestone in session.scalars(select(Milestone).where(Milestone.review_id.in_(chunk))):
            if waits_on_review(milestone.kind):
                result.add((DeadlineKind.MILESTONE, milestone.id))
                dependents.append(milestone)
    return result, dependents


def _load(
    session: Session,
    by_kind: dict[DeadlineKind, list[uuid.UUID]],
    milestones_read: dict[uuid.UUID, Milestone],
) -> tuple[list[tuple[DeadlineKind, Any]], Facts]:
    rows: list[tuple[DeadlineKind, Any]] = []
    plan_ids: set[uuid.UUID] = set()
    review_ids: set[uuid.UUID] = set()
    for kind, ids in by_kind.items():
        registered = REGISTRY[kind]
        held, missing = _in_session(session, registered.model, ids)
        if kind is DeadlineKind.MILESTONE:
            held |= {i: milestones_read[i] for i in missing if i in milestones_read}
            missing = [i for i in missing if i not in milestones_read]
        found = list(held.values())
        for chunk in _chunks(missing):
            found += session.scalars(select(registered.model).where(registered.model.id.in_(chunk)))
        for row in found:
            rows.append((kind, row))
            if registered.needs_plan:
                plan_ids.add(row.plan_id)
            if registered.needs_review and row.review_id is not None:
                review_ids.add(row.review_id)
    facts = Facts()
    plans, missing = _in_session(session, Plan, plan_ids)
    facts.plan_authority.update((i, plan.local_authority) for i, plan in plans.items())
    for chunk in _chunks(missing):
        query = select(Plan.id, Plan.local_authority).where(Plan.id.in_(chunk))
        facts.plan_authority.update(session.execute(query).tuples().all())
    reviews, missing = _in_session(session, Review, review_ids)
    facts.review_status.update((i, review.status) for i, review in reviews.items())
    for chunk in _chunks(missing):
        query = select(Review.id, Review.status).where(Review.id.in_(chunk))
        facts.review_status.update(session.execute(query).tuples().all())
    return rows, facts


def _existing(
    session: Session,
    by_kind: dict[DeadlineKind, list[uuid.UUID]],
    created: Collection[tuple[DeadlineKind, uuid.UUID]] = (),
) -> dict[tuple[str, uuid.UUID], list[Any]]:
    """The timers of the deadlines, in one statement per chunk of ids whatever their kinds;
    a deadline created in this unit has none yet, so it is not asked about."""
    timers: dict[tuple[str, uuid.UUID], list[Any]] = defaultdict(list)
    asked = [
        (kind, deadline_id)
        for kind, ids in by_kind.items()
        for deadline_id in ids
        if (kind, deadline_id) not in created
    ]
    for start in range(0, len(asked), CHUNK):
        grouped: dict[DeadlineKind, list[uuid.UUID]] = defaultdict(list)
        for kind, deadline_id in asked[start : start + CHUNK]:
            grouped[kind].append(deadline_id)
        # By type and id: (subject_type, subject_id) is what the index leads with.
        query = select(*_TIMER_COLUMNS).where(
            or_(
                *(
                    and_(Timer.subject_type == kind.value, Timer.subject_id.in_(ids))
                    for kind, ids in grouped.items()
                )
            )
        )
        for timer in session.execute(query):
            timers[(timer.subject_type, timer.subject_id)].append(timer)
    return timers


def _wanted(deadline: OpenDeadline, ctx: DeadlineContext, today: date) -> dict[Any, Reminder]:
    reminders = reminders_for(
        deadline.kind,
        deadline.due_by,
        ctx.calendar,
        ctx.policy,
        today,
        owner=deadline.owner,
        management_oversight=deadline.management_oversight,
    )
    return {(r.event_type, r.level): r for r in reminders}


def _diff(
    key: tuple[str, uuid.UUID],
    deadline: OpenDeadline | None,
    wanted: dict[Any, Reminder],
    existing: list[Any],
    changes: _Changes,
) -> None:
    kept: set[tuple[str, int]] = set()
    for timer in existing:
        if deadline is None:
            if timer.fired_at is None:  # a finished thing's fired timers stay as history
                changes.deletes.append(timer.id)
                changes.changed.add(key)
            continue
        reminder = wanted.get((timer.event_type, timer.level))
        fired_for_same_date = timer.fired_at is not None and timer.due_by == deadline.due_by
        if reminder is not None and (
            fired_for_same_date or (timer.fired_at is None and timer.fire_at == reminder.fire_at)
        ):
            kept.add((timer.event_type, timer.level))
            payload = deadline.payload(reminder)
            # A moved deadline can keep a timer whose moment did not move (e.g. Sun -> Sat:
            # same working day before it); it must record the new date, or once fired it
            # would look "fired for another date" at the next derivation and fire again.
            if timer.payload != payload or timer.due_by != deadline.due_by:
                changes.updates.append(
                    {"b_id": timer.id, "b_payload": payload, "b_due_by": deadline.due_by}
                )
                changes.changed.add(key)
        else:
            changes.deletes.append(timer.id)
            changes.changed.add(key)
    if deadline is None:
        return
    for (event_type, level), reminder in wanted.items():
        if (event_type, level) not in kept:
            changes.changed.add(key)
            changes.inserts.append(_timer_row(deadline, reminder))


def _timer_row(deadline: OpenDeadline, reminder: Reminder) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "subject_type": deadline.kind.value,
        "subject_id": deadline.id,
        "event_type": reminder.event_type,
        "level": reminder.level,
        "local_authority": deadline.local_authority,
        "due_by": deadline.due_by,
        "fire_at": reminder.fire_at,
        "payload": deadline.payload(reminder),
        "fired_at": None,
    }


def new_timer_rows(
    kind: DeadlineKind, rows: Iterable[Any], facts: Facts, ctx: DeadlineContext, today: date
) -> Iterator[dict[str, Any]]:
    """The timer rows of deadlines inserted in this transaction and never derived (so they
    have no timers yet): exactly what `derive_timers` would insert for them, for a caller
    that writes its rows in bulk itself (the imports). `rows` carry the model's attributes."""
    for row in rows:
        deadline = REGISTRY[kind].open_deadline(row, facts)
        if deadline is not None:
            for reminder in _wanted(deadline, ctx, today).values():
                yield _timer_row(deadline, reminder)


def _write(session: Session, changes: _Changes) -> None:
    table = Timer.__table__
    assert isinstance(table, Table)
    for chunk in _chunks(changes.deletes):  # deletions first: the unique key is reused below
        session.execute(delete(table).where(table.c.id.in_(chunk)))
    if changes.updates:
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(payload=bindparam("b_payload"), due_by=bindparam("b_due_by"))
        )
        session.execute(statement, changes.updates)
    if changes.inserts:
        session.execute(insert(table), changes.inserts)


def derive_timers(
    session: Session,
    touched: set[tuple[DeadlineKind, uuid.UUID]],
    today: date,
    created: Collection[tuple[DeadlineKind, uuid.UUID]] = (),
) -> int:
    """Make the timers of every touched deadline (and of the milestones that follow a touched
    review) equal what the deadline now calls for, as of `today`. `created`: those of them
    inserted in this transaction, which have no timers to read yet. Returns how many
    deadlines' timers had to change."""
    session.flush()
    by_kind: dict[DeadlineKind, list[uuid.UUID]] = defaultdict(list)
    deadlines, dependents = with_dependents(session, touched, created)
    for kind, deadline_id in deadlines:
        by_kind[kind].append(deadline_id)
    rows, facts = _load(session, by_kind, {m.id: m for m in dependents})
    existing = _existing(session, by_kind, created)
    contexts: dict[str, DeadlineContext] = {}
    changes = _Changes()
    found: set[tuple[str, uuid.UUID]] = set()
    for kind, row in rows:
        key = (kind.value, row.id)
        found.add(key)
        deadline = REGISTRY[kind].open_deadline(row, facts)
        wanted: dict[Any, Reminder] = {}
        if deadline is not None:
            ctx = contexts.get(deadline.local_authority)
            if ctx is None:
                ctx = deadline_context(session, deadline.local_authority, today)
                contexts[deadline.local_authority] = ctx
            wanted = _wanted(deadline, ctx, today)
        _diff(key, deadline, wanted, existing.get(key, []), changes)
    for key, timers in existing.items():
        if key not in found:  # the row is gone: withdraw what has not fired
            _diff(key, None, {}, timers, changes)
    _write(session, changes)
    return len(changes.changed)
