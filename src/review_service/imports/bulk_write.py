"""An import's chunk of children written in bulk (issue 10).

Per chunk of children the work is a bounded number of statements whatever the number of
reviews, all Core (no ORM objects): the new rows of every table go in one COPY each on
PostgreSQL (`imports.table_rows`), the updates of stored rows in one executemany per kind.
New deadlines carry their timers with them (`imports.new_rows`); stored ones that moved are
registered with the unit of work, whose `finish` derives them in one batched pass.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from review_service.domain.import_reconciliation import MergedPlan, StoredPlan
from review_service.domain.reviews import ReviewStatus, is_late
from review_service.imports.follow_series import follow_series
from review_service.imports.new_rows import RowBuilder
from review_service.imports.stored_children import StoredChild
from review_service.imports.table_rows import insert_rows, table_of
from review_service.models import Child, Milestone, Plan, Review, Timer
from review_service.policies.lookup import DeadlineContext

# Reviews of a plan being renumbered are first moved out of the way of the unique
# (plan_id, sequence) index, then given their final numbers.
_RENUMBER_OFFSET = 1_000_000


@dataclass(slots=True)
class ChildToWrite:
    """One accepted child: new (`stored` None) or known, with its plans as they will stand."""

    external_id: str
    date_of_birth: date
    stored: StoredChild | None
    plans: list[MergedPlan]


@dataclass(slots=True)
class _StoredUpdates:
    """Updates of rows the service already holds."""

    children: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    renumber: list[uuid.UUID] = field(default_factory=list)
    # Stored plans whose pending review must follow a changed series (or be cancelled).
    follow: list[tuple[uuid.UUID, MergedPlan]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChunkWriter:
    """Writes one chunk's children in bulk under one authority's policy and calendar."""

    session: Session
    authority: str
    ctx: DeadlineContext
    now: datetime

    def write(self, children: Iterable[ChildToWrite]) -> None:
        """Insert and update every row the children call for."""
        builder = RowBuilder(self.session, self.authority, self.ctx, self.now)
        updates = _StoredUpdates()
        for child in children:
            self._child(child, builder, updates)
        self._update_stored(updates)
        follow_series(self.session, builder, updates.follow)
        rows = builder.rows
        timers = builder.timers()
        for model, new in (
            (Child, rows.children),
            (Plan, rows.plans),
            (Review, rows.reviews),
            (Milestone, rows.milestones),
            (Timer, timers),
        ):
            insert_rows(self.session, table_of(model), new)

    def _child(self, child: ChildToWrite, builder: RowBuilder, updates: _StoredUpdates) -> None:
        if child.stored is None:
            child_id = builder.child(child.external_id, child.date_of_birth)
        else:
            child_id = child.stored.id
            if child.stored.date_of_birth != child.date_of_birth:
                updates.children.append(
                    {"b_id": child_id, "date_of_birth": child.date_of_birth, "updated_at": self.now}
                )
        for plan in child.plans:
            if plan.stored is None:
                builder.plan(child_id, plan)
            elif plan.changed:
                builder.child_of_plan[plan.stored.id] = child_id
                self._changed_plan(plan, plan.stored, builder, updates)

    def _changed_plan(
        self, plan: MergedPlan, stored: StoredPlan, builder: RowBuilder, updates: _StoredUpdates
    ) -> None:
        updates.plans.append({"b_id": stored.id, **builder.plan_values(plan)})
        if plan.recorded or plan.renumbered:
            updates.renumber.append(stored.id)
        for index, item in enumerate(plan.held):
            if item.stored is None:
                builder.held(stored.id, plan, index)
            elif plan.recorded or plan.renumbered:
                late = is_late(ReviewStatus.HELD, item.statutory_due_by, None, None, item.held_on)
                updates.reviews.append(
                    {
                        "b_id": item.stored.id,
                        "sequence": item.sequence,
                        "statutory_due_by": item.statutory_due_by,
                        "due_by": item.statutory_due_by,
                        "late": late,
                        "updated_at": self.now,
                    }
                )
        updates.follow.append((stored.id, plan))

    def _update_stored(self, updates: _StoredUpdates) -> None:
        """Children, plans and held reviews the service holds; new rows come after, so a
        renumbered series frees its numbers before new reviews take them."""
        session = self.session
        for model, rows in ((Child, updates.children), (Plan, updates.plans)):
            if rows:
                table = table_of(model)
                session.execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values(version=table.c.version + 1),
                    rows,
                )
        reviews = table_of(Review)
        if updates.renumber:
            session.execute(
                update(reviews)
                .where(
                    reviews.c.plan_id.in_(updates.renumber),
                    reviews.c.status != ReviewStatus.CANCELLED.value,
                )
                .values(sequence=reviews.c.sequence + _RENUMBER_OFFSET)
            )
        if updates.reviews:
            session.execute(
                update(reviews).where(reviews.c.id == bindparam("b_id")), updates.reviews
            )
