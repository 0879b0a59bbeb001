"""An import's chunk of children read and written in bulk (issue 10).

Per chunk of children the work is a bounded number of statements whatever the number of
reviews: one read each of children, plans, reviews and milestones, then one executemany per
kind of write (Core, no ORM objects). Timers follow through the unit of work (`touch`, then
one batched derivation per chunk).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from review_service.clock import london_today
from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import DeadlineKind, is_open
from review_service.domain.import_reconciliation import MergedPlan, StoredPlan, StoredReview
from review_service.domain.milestones import (
    MilestoneDue,
    MilestoneStatus,
    plan_milestones,
    pre_review_milestones,
)
from review_service.domain.plan_types import PlanStatus, PlanType
from review_service.domain.reviews import ReviewStatus, effective_due, is_late, review_date
from review_service.models import Child, Milestone, Plan, Review
from review_service.models.base import new_id
from review_service.policies.lookup import DeadlineContext

# Reviews of a plan being renumbered are first moved out of the way of the unique
# (plan_id, sequence) index, then given their final numbers.
_RENUMBER_OFFSET = 1_000_000
_IMPORT_END_REASON = "ended in the imported files"


def _insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT (psycopg pipelines it). Measured against multi-row VALUES of
    30,000 parameters in bench/imports.py: those compile afresh each time and were slower."""
    if rows:
        session.execute(insert(table), rows)


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


@dataclass(frozen=True, slots=True)
class StoredChild:
    """A child the service already holds in the authority."""

    id: uuid.UUID
    date_of_birth: date
    plans: tuple[StoredPlan, ...]


def load_children(
    session: Session, authority: str, external_ids: Sequence[str]
) -> dict[str, StoredChild]:
    """The children of `external_ids` the authority holds, with their plans and live reviews
    (three statements)."""
    if not external_ids:
        return {}
    children = session.execute(
        select(Child.id, Child.external_id, Child.date_of_birth).where(
            Child.local_authority == authority, Child.external_id.in_(external_ids)
        )
    ).all()
    if not children:
        return {}
    plans = session.execute(
        select(
            Plan.id,
            Plan.child_id,
            Plan.type,
            Plan.start_date,
            Plan.end_date,
            Plan.history_complete,
            Plan.review_interval_months,
        ).where(Plan.child_id.in_([c.id for c in children]))
    ).all()
    reviews: dict[uuid.UUID, list[StoredReview]] = defaultdict(list)
    if plans:
        for row in session.execute(
            select(
                Review.id,
                Review.plan_id,
                Review.sequence,
                Review.held_on,
                Review.participation_code,
                Review.statutory_due_by,
                Review.late,
            ).where(
                Review.plan_id.in_([p.id for p in plans]),
                Review.status != ReviewStatus.CANCELLED.value,
            )
        ):
            reviews[row.plan_id].append(
                StoredReview(
                    row.id,
                    row.sequence,
                    row.held_on,
                    row.participation_code,
                    row.statutory_due_by,
                    row.late,
                )
            )
    by_child: dict[uuid.UUID, list[StoredPlan]] = defaultdict(list)
    for p in plans:
        by_child[p.child_id].append(
            StoredPlan(
                p.id,
                PlanType(p.type),
                p.start_date,
                p.end_date,
                p.history_complete,
                p.review_interval_months,
                tuple(sorted(reviews[p.id], key=lambda r: r.sequence)),
            )
        )
    return {
        c.external_id: StoredChild(c.id, c.date_of_birth, tuple(by_child[c.id])) for c in children
    }


@dataclass(slots=True)
class ChildToWrite:
    """One accepted child: new (`stored` None) or known, with its plans as they will stand."""

    external_id: str
    date_of_birth: date
    stored: StoredChild | None
    plans: list[MergedPlan]


@dataclass(slots=True)
class _Writes:
    children: list[dict[str, Any]] = field(default_factory=list)
    child_updates: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    plan_updates: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    review_updates: list[dict[str, Any]] = field(default_factory=list)
    renumber: list[uuid.UUID] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    # Stored plans whose pending review must follow a changed series (or be cancelled).
    follow: list[tuple[uuid.UUID, MergedPlan]] = field(default_factory=list)


class ChunkWriter:
    """Writes one chunk's children in bulk under one authority's policy and calendar."""

    def __init__(
        self, session: Session, authority: str, ctx: DeadlineContext, now: datetime
    ) -> None:
        self.session = session
        self.authority = authority
        self.ctx = ctx
        self.now = now
        self.today = london_today(now)

    def write(self, children: Iterable[ChildToWrite]) -> None:
        """Insert and update every row the children call for."""
        writes = _Writes()
        for child in children:
            self._child(child, writes)
        self._flush(writes)

    def _child(self, child: ChildToWrite, writes: _Writes) -> None:
        if child.stored is None:
            child_id = new_id()
            writes.children.append(
                {
                    "id": child_id,
                    "local_authority": self.authority,
                    "external_id": child.external_id,
                    "date_of_birth": child.date_of_birth,
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                }
            )
        else:
            child_id = child.stored.id
            if child.stored.date_of_birth != child.date_of_birth:
                writes.child_updates.append(
                    {"b_id": child_id, "date_of_birth": child.date_of_birth, "updated_at": self.now}
                )
        for plan in child.plans:
            if plan.stored is None:
                self._new_plan(child_id, plan, writes)
            elif plan.changed:
                self._changed_plan(plan, plan.stored, writes)

    def _plan_row(self, plan: MergedPlan) -> dict[str, Any]:
        ended = plan.end_date is not None
        return {
            "start_date": plan.start_date,
            "end_date": plan.end_date,
            "status": (PlanStatus.ENDED if ended else PlanStatus.OPEN).value,
            "end_reason": _IMPORT_END_REASON if ended else None,
            "history_complete": plan.history_complete,
            "updated_at": self.now,
        }

    def _review_row(self, plan_id: uuid.UUID, plan_type: PlanType, sequence: int) -> dict[str, Any]:
        return {
            "id": new_id(),
            "plan_id": plan_id,
            "local_authority": self.authority,
            "plan_type": plan_type.value,
            "chair_id": None,
            "sequence": sequence,
            "created_at": self.now,
            "updated_at": self.now,
            "version": 1,
        }

    def _held_row(self, plan_id: uuid.UUID, plan: MergedPlan, index: int) -> dict[str, Any]:
        item = plan.held[index]
        code = item.participation_code
        return {
            **self._review_row(plan_id, plan.plan_type, item.sequence),
            "status": ReviewStatus.HELD.value,
            "statutory_due_by": item.statutory_due_by,
            "due_by": item.statutory_due_by,
            "held_on": item.held_on,
            "participation_code": str(code) if code is not None else None,
            "late": is_late(ReviewStatus.HELD, item.statutory_due_by, None, None, item.held_on),
        }

    def _pending_row(self, plan_id: uuid.UUID, plan: MergedPlan, writes: _Writes) -> None:
        assert plan.next_due is not None
        row = {
            **self._review_row(plan_id, plan.plan_type, len(plan.held) + 1),
            "status": ReviewStatus.DUE.value,
            "statutory_due_by": plan.next_due,
            "due_by": plan.next_due,
            "held_on": None,
            "participation_code": None,
            "late": False,
        }
        writes.reviews.append(row)
        touch(self.session, DeadlineKind.REVIEW, row["id"])
        due = pre_review_milestones(
            plan.plan_type, plan.next_due, self.ctx.calendar, self.ctx.policy
        )
        self._milestones(plan_id, row["id"], due, writes)

    def _milestones(
        self,
        plan_id: uuid.UUID,
        review_id: uuid.UUID | None,
        computed: Iterable[MilestoneDue],
        writes: _Writes,
    ) -> None:
        for due in computed:
            milestone_id = new_id()
            touch(self.session, DeadlineKind.MILESTONE, milestone_id)
            writes.milestones.append(
                {
                    "id": milestone_id,
                    "plan_id": plan_id,
                    "local_authority": self.authority,
                    "review_id": review_id,
                    "kind": due.kind.value,
                    "due_by": due.due_by,
                    "owner_role": due.owner_role,
                    "status": MilestoneStatus.PENDING.value,
                }
            )

    def _new_plan(self, child_id: uuid.UUID, plan: MergedPlan, writes: _Writes) -> None:
        plan_id = new_id()
        writes.plans.append(
            {
                "id": plan_id,
                "child_id": child_id,
                "local_authority": self.authority,
                "type": plan.plan_type.value,
                "review_interval_months": None,
                "chair_id": None,
                "created_at": self.now,
                "version": 1,
                **self._plan_row(plan),
            }
        )
        for index in range(len(plan.held)):
            writes.reviews.append(self._held_row(plan_id, plan, index))
        if plan.end_date is None:
            self._pending_row(plan_id, plan, writes)
            # Imported history is history: only a plan milestone still ahead is created
            # (an `iro_appointed` of a plan that began years ago would escalate at once).
            computed = plan_milestones(
                plan.plan_type, plan.start_date, self.ctx.calendar, self.ctx.policy
            )
            ahead = [due for due in computed if due.due_by >= self.today]
            self._milestones(plan_id, None, ahead, writes)

    def _changed_plan(self, plan: MergedPlan, stored: StoredPlan, writes: _Writes) -> None:
        writes.plan_updates.append({"b_id": stored.id, **self._plan_row(plan)})
        if plan.recorded or plan.renumbered:
            writes.renumber.append(stored.id)
        for index, item in enumerate(plan.held):
            if item.stored is None:
                writes.reviews.append(self._held_row(stored.id, plan, index))
            elif plan.recorded or plan.renumbered:
                late = is_late(ReviewStatus.HELD, item.statutory_due_by, None, None, item.held_on)
                writes.review_updates.append(
                    {
                        "b_id": item.stored.id,
                        "sequence": item.sequence,
                        "statutory_due_by": item.statutory_due_by,
                        "due_by": item.statutory_due_by,
                        "late": late,
                        "updated_at": self.now,
                    }
                )
        writes.follow.append((stored.id, plan))

    def _flush(self, writes: _Writes) -> None:
        session = self.session
        _insert_rows(session, _table(Child), writes.children)
        if writes.child_updates:
            table = _table(Child)
            session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(version=table.c.version + 1),
                writes.child_updates,
            )
        _insert_rows(session, _table(Plan), writes.plans)
        if writes.plan_updates:
            table = _table(Plan)
            session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(version=table.c.version + 1),
                writes.plan_updates,
            )
        reviews = _table(Review)
        if writes.renumber:
            session.execute(
                update(reviews)
                .where(
                    reviews.c.plan_id.in_(writes.renumber),
                    reviews.c.status != ReviewStatus.CANCELLED.value,
                )
                .values(sequence=reviews.c.sequence + _RENUMBER_OFFSET)
            )
        if writes.review_updates:
            session.execute(
                update(reviews).where(reviews.c.id == bindparam("b_id")), writes.review_updates
            )
        self._follow(writes)
        _insert_rows(session, reviews, writes.reviews)
        _insert_rows(session, _table(Milestone), writes.milestones)

    def _follow(self, writes: _Writes) -> None:
        """Pending reviews of changed stored plans: renumbered after the held ones and due
        from the last held (RULES.md §2), their milestones moved; cancelled if the plan ended."""
        if not writes.follow:
            return
        plan_ids = [plan_id for plan_id, _ in writes.follow]
        pending_rows = self.session.execute(
            select(
                Review.id,
                Review.plan_id,
                Review.sequence,
                Review.status,
                Review.brought_forward_to,
                Review.scheduled_for,
                Review.reconvene_on,
            )
            .where(
                Review.plan_id.in_(plan_ids),
                Review.status.in_([s.value for s in ReviewStatus if s.is_pending]),
            )
            .order_by(Review.plan_id, Review.sequence)
        ).all()
        pending: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for row in pending_rows:
            pending[row.plan_id].append(row)
        milestone_rows = self.session.execute(
            select(
                Milestone.id,
                Milestone.plan_id,
                Milestone.review_id,
                Milestone.kind,
                Milestone.status,
                Milestone.due_by,
            ).where(Milestone.plan_id.in_(plan_ids))
        ).all()
        by_review: dict[uuid.UUID | None, list[Any]] = defaultdict(list)
        open_by_plan: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for m in milestone_rows:
            by_review[m.review_id].append(m)
            if is_open(DeadlineKind.MILESTONE, m.status):
                open_by_plan[m.plan_id].append(m)
        moves: list[dict[str, Any]] = []
        renumbers: list[dict[str, Any]] = []
        cancels: list[dict[str, Any]] = []
        milestone_updates: list[dict[str, Any]] = []
        for plan_id, plan in writes.follow:
            rows = pending[plan_id]
            first_sequence = len(plan.held) + 1
            if plan.end_date is not None:
                self._cancel(
                    rows, first_sequence, open_by_plan[plan_id], cancels, milestone_updates
                )
                continue
            if not rows:
                self._pending_row(plan_id, plan, writes)
                continue
            assert plan.next_due is not None
            first, *later = rows
            due = effective_due(plan.next_due, first.brought_forward_to)
            scheduled = london_today(first.scheduled_for) if first.scheduled_for else None
            status = ReviewStatus(first.status)
            moves.append(
                {
                    "b_id": first.id,
                    "sequence": first_sequence,
                    "statutory_due_by": plan.next_due,
                    "due_by": due,
                    "late": is_late(status, due, scheduled, first.reconvene_on, None),
                    "updated_at": self.now,
                }
            )
            touch(self.session, DeadlineKind.REVIEW, first.id)
            anchor = review_date(due, scheduled, first.reconvene_on)
            existing = by_review[first.id]
            self._move_milestones(
                plan_id, first.id, plan.plan_type, anchor, existing, milestone_updates, writes
            )
            renumbers += [
                {"b_id": row.id, "sequence": first_sequence + offset, "updated_at": self.now}
                for offset, row in enumerate(later, start=1)
            ]
        reviews = _table(Review)
        by_id = update(reviews).where(reviews.c.id == bindparam("b_id"))
        for rows_of_kind in (moves, renumbers, cancels):
            if rows_of_kind:
                self.session.execute(by_id, rows_of_kind)
        if milestone_updates:
            table = _table(Milestone)
            self.session.execute(
                update(table).where(table.c.id == bindparam("b_id")), milestone_updates
            )

    def _cancel(
        self,
        rows: Sequence[Any],
        first_sequence: int,
        open_milestones: Sequence[Any],
        cancels: list[dict[str, Any]],
        milestone_updates: list[dict[str, Any]],
    ) -> None:
        """RULES.md §2: an ended plan's pending reviews are cancelled, milestones withdrawn."""
        for offset, row in enumerate(rows):
            touch(self.session, DeadlineKind.REVIEW, row.id)
            cancels.append(
                {
                    "b_id": row.id,
                    "sequence": first_sequence + offset,
                    "status": ReviewStatus.CANCELLED.value,
                    "cancellation_reason": f"plan ended: {_IMPORT_END_REASON}",
                    "late": False,
                    "updated_at": self.now,
                }
            )
        for m in open_milestones:
            touch(self.session, DeadlineKind.MILESTONE, m.id)
            milestone_updates.append(
                {"b_id": m.id, "due_by": m.due_by, "status": MilestoneStatus.NOT_APPLICABLE.value}
            )

    def _move_milestones(
        self,
        plan_id: uuid.UUID,
        review_id: uuid.UUID,
        plan_type: PlanType,
        anchor: date,
        existing: Sequence[Any],
        milestone_updates: list[dict[str, Any]],
        writes: _Writes,
    ) -> None:
        """RULES.md §5: pre-review milestones count back from the review date and move with
        it (as `reviews.deadlines.sync_pre_review_milestones`, in bulk)."""
        computed = pre_review_milestones(plan_type, anchor, self.ctx.calendar, self.ctx.policy)
        by_kind = {m.kind: m for m in existing}
        missing = []
        for due in computed:
            found = by_kind.get(due.kind.value)
            if found is None:
                missing.append(due)
            elif is_open(DeadlineKind.MILESTONE, found.status) and found.due_by != due.due_by:
                touch(self.session, DeadlineKind.MILESTONE, found.id)
                milestone_updates.append(
                    {"b_id": found.id, "due_by": due.due_by, "status": found.status}
                )
        self._milestones(plan_id, review_id, missing, writes)
