"""The pending reviews of plans the service already holds, after an import changed their
held series (issue 10): renumbered after the held ones and due from the last held (RULES.md
§2) with their milestones moved (§5), or cancelled when the files end the plan. Read and
written in bulk: two reads and one executemany per kind of update for the whole chunk.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from review_service.clock import london_today
from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import DeadlineKind, is_open
from review_service.domain.import_reconciliation import MergedPlan
from review_service.domain.milestones import MilestoneStatus, pre_review_milestones
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ReviewStatus, effective_due, is_late, review_date
from review_service.imports.new_rows import IMPORT_END_REASON, RowBuilder
from review_service.imports.table_rows import table_of
from review_service.models import Milestone, Review


@dataclass(slots=True)
class _Updates:
    moves: list[dict[str, Any]] = field(default_factory=list)
    renumbers: list[dict[str, Any]] = field(default_factory=list)
    cancels: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class _Stored:
    """The changed plans' pending reviews in series order, and their milestones."""

    pending: dict[uuid.UUID, list[Any]]
    by_review: dict[uuid.UUID | None, list[Any]]
    open_by_plan: dict[uuid.UUID, list[Any]]


def _read(session: Session, plan_ids: list[uuid.UUID]) -> _Stored:
    pending: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in session.execute(
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
    ):
        pending[row.plan_id].append(row)
    stored = _Stored(pending, defaultdict(list), defaultdict(list))
    for m in session.execute(
        select(
            Milestone.id,
            Milestone.plan_id,
            Milestone.review_id,
            Milestone.kind,
            Milestone.status,
            Milestone.due_by,
        ).where(Milestone.plan_id.in_(plan_ids))
    ):
        stored.by_review[m.review_id].append(m)
        if is_open(DeadlineKind.MILESTONE, m.status):
            stored.open_by_plan[m.plan_id].append(m)
    return stored


def follow_series(
    session: Session, builder: RowBuilder, follow: Sequence[tuple[uuid.UUID, MergedPlan]]
) -> None:
    """Bring the pending reviews of the stored plans in `follow` in line with their merged
    series; a plan left with none gets a new one through `builder`."""
    if not follow:
        return
    stored = _read(session, [plan_id for plan_id, _ in follow])
    updates = _Updates()
    for plan_id, plan in follow:
        rows = stored.pending[plan_id]
        first_sequence = len(plan.held) + 1
        if plan.end_date is not None:
            _cancel(builder, rows, first_sequence, stored.open_by_plan[plan_id], updates)
        elif not rows:
            builder.pending(plan_id, plan)
        else:
            _move(builder, plan_id, plan, rows, stored.by_review, updates)
    reviews = table_of(Review)
    by_id = update(reviews).where(reviews.c.id == bindparam("b_id"))
    for rows_of_kind in (updates.moves, updates.renumbers, updates.cancels):
        if rows_of_kind:
            session.execute(by_id, rows_of_kind)
    if updates.milestones:
        table = table_of(Milestone)
        session.execute(update(table).where(table.c.id == bindparam("b_id")), updates.milestones)


def _move(
    builder: RowBuilder,
    plan_id: uuid.UUID,
    plan: MergedPlan,
    rows: Sequence[Any],
    by_review: dict[uuid.UUID | None, list[Any]],
    updates: _Updates,
) -> None:
    """The first pending review takes the series' next due date (kept brought forward if it
    was, RULES.md §3); later ones are renumbered after it."""
    assert plan.next_due is not None
    first_sequence = len(plan.held) + 1
    first, *later = rows
    due = effective_due(plan.next_due, first.brought_forward_to)
    scheduled = london_today(first.scheduled_for) if first.scheduled_for else None
    status = ReviewStatus(first.status)
    updates.moves.append(
        {
            "b_id": first.id,
            "sequence": first_sequence,
            "statutory_due_by": plan.next_due,
            "due_by": due,
            "late": is_late(status, due, scheduled, first.reconvene_on, None),
            "updated_at": builder.now,
        }
    )
    touch(builder.session, DeadlineKind.REVIEW, first.id)
    anchor = review_date(due, scheduled, first.reconvene_on)
    _move_milestones(
        builder, plan_id, first.id, plan.plan_type, anchor, by_review[first.id], updates
    )
    updates.renumbers += [
        {"b_id": row.id, "sequence": first_sequence + offset, "updated_at": builder.now}
        for offset, row in enumerate(later, start=1)
    ]


def _cancel(
    builder: RowBuilder,
    rows: Sequence[Any],
    first_sequence: int,
    open_milestones: Sequence[Any],
    updates: _Updates,
) -> None:
    """RULES.md §2: an ended plan's pending reviews are cancelled, milestones withdrawn."""
    for offset, row in enumerate(rows):
        touch(builder.session, DeadlineKind.REVIEW, row.id)
        updates.cancels.append(
            {
                "b_id": row.id,
                "sequence": first_sequence + offset,
                "status": ReviewStatus.CANCELLED.value,
                "cancellation_reason": f"plan ended: {IMPORT_END_REASON}",
                "late": False,
                "updated_at": builder.now,
            }
        )
    for m in open_milestones:
        touch(builder.session, DeadlineKind.MILESTONE, m.id)
        updates.milestones.append(
            {"b_id": m.id, "due_by": m.due_by, "status": MilestoneStatus.NOT_APPLICABLE.value}
        )


def _move_milestones(
    builder: RowBuilder,
    plan_id: uuid.UUID,
    review_id: uuid.UUID,
    plan_type: PlanType,
    anchor: date,
    existing: Sequence[Any],
    updates: _Updates,
) -> None:
    """RULES.md §5: pre-review milestones count back from the review date and move with
    it (as `reviews.deadlines.sync_pre_review_milestones`, in bulk)."""
    ctx = builder.ctx
    computed = pre_review_milestones(plan_type, anchor, ctx.calendar, ctx.policy)
    by_kind = {m.kind: m for m in existing}
    missing = []
    for due in computed:
        found = by_kind.get(due.kind.value)
        if found is None:
            missing.append(due)
        elif is_open(DeadlineKind.MILESTONE, found.status) and found.due_by != due.due_by:
            touch(builder.session, DeadlineKind.MILESTONE, found.id)
            updates.milestones.append(
                {"b_id": found.id, "due_by": due.due_by, "status": found.status}
            )
    builder.milestones(plan_id, review_id, missing, of_stored_review=True)
