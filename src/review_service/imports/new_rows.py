"""The rows an import inserts for one chunk of children (issue 10): children, plans, held
and pending reviews, milestones, and the timers of the new deadlines.

Every date comes from the domain (`import_reconciliation` numbered the series and dated the
next review; `domain.milestones` dates the milestones); this module only lays them out as
rows. A deadline created here has never been derived, so its timers are computed with the
rows (`timers.derive.new_timer_rows`, the same rule as every other derivation) instead of
being registered with the unit of work and read back after the insert.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from review_service.clock import london_today
from review_service.deadlines.registry import Facts
from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import DeadlineKind
from review_service.domain.import_reconciliation import MergedPlan
from review_service.domain.milestones import (
    MilestoneDue,
    MilestoneStatus,
    plan_milestones,
    pre_review_milestones,
)
from review_service.domain.plan_types import PlanStatus, PlanType
from review_service.domain.reviews import ReviewStatus, is_late
from review_service.models.base import new_id
from review_service.policies.lookup import DeadlineContext
from review_service.timers.derive import new_timer_rows

IMPORT_END_REASON = "ended in the imported files"


@dataclass(slots=True)
class NewRows:
    """Rows to insert, by table, in the order foreign keys need them."""

    children: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    # The new open deadlines whose timers are computed here (see the module docstring).
    due_reviews: list[dict[str, Any]] = field(default_factory=list)
    new_milestones: list[dict[str, Any]] = field(default_factory=list)


class RowBuilder:
    """Lays out the rows of new children, plans and reviews under one authority's policy."""

    def __init__(
        self, session: Session, authority: str, ctx: DeadlineContext, now: datetime
    ) -> None:
        self.session = session
        self.authority = authority
        self.ctx = ctx
        self.now = now
        self.today = london_today(now)
        self.rows = NewRows()
        # Each plan's child, for its review rows (a review's child is its plan's).
        self.child_of_plan: dict[uuid.UUID, uuid.UUID] = {}

    def child(self, external_id: str, date_of_birth: date) -> uuid.UUID:
        """A new child's row; returns its id."""
        child_id = new_id()
        self.rows.children.append(
            {
                "id": child_id,
                "local_authority": self.authority,
                "external_id": external_id,
                "date_of_birth": date_of_birth,
                "created_at": self.now,
                "updated_at": self.now,
                "version": 1,
            }
        )
        return child_id

    def plan_values(self, plan: MergedPlan) -> dict[str, Any]:
        """The columns an import sets on a plan, new or continued."""
        ended = plan.end_date is not None
        return {
            "start_date": plan.start_date,
            "end_date": plan.end_date,
            "status": (PlanStatus.ENDED if ended else PlanStatus.OPEN).value,
            "end_reason": IMPORT_END_REASON if ended else None,
            "history_complete": plan.history_complete,
            "updated_at": self.now,
        }

    def plan(self, child_id: uuid.UUID, plan: MergedPlan) -> None:
        """A new plan's row, its held reviews and, while it is open, its pending review with
        its milestones."""
        plan_id = new_id()
        self.child_of_plan[plan_id] = child_id
        self.rows.plans.append(
            {
                "id": plan_id,
                "child_id": child_id,
                "local_authority": self.authority,
                "type": plan.plan_type.value,
                "review_interval_months": None,
                "chair_id": None,
                "created_at": self.now,
                "version": 1,
                **self.plan_values(plan),
            }
        )
        for index in range(len(plan.held)):
            self.held(plan_id, plan, index)
        if plan.end_date is None:
            self.pending(plan_id, plan)
            # Imported history is history: only a plan milestone still ahead is created
            # (an `iro_appointed` of a plan that began years ago would escalate at once).
            computed = plan_milestones(
                plan.plan_type, plan.start_date, self.ctx.calendar, self.ctx.policy
            )
            ahead = [due for due in computed if due.due_by >= self.today]
            self.milestones(plan_id, None, ahead)

    def _review(self, plan_id: uuid.UUID, plan_type: PlanType, sequence: int) -> dict[str, Any]:
        return {
            "id": new_id(),
            "plan_id": plan_id,
            "child_id": self.child_of_plan[plan_id],
            "local_authority": self.authority,
            "plan_type": plan_type.value,
            "chair_id": None,
            "sequence": sequence,
            "created_at": self.now,
            "updated_at": self.now,
            "version": 1,
        }

    def held(self, plan_id: uuid.UUID, plan: MergedPlan, index: int) -> None:
        """The row of the plan's `index`th held review, as the merged series dates it."""
        item = plan.held[index]
        code = item.participation_code
        self.rows.reviews.append(
            {
                **self._review(plan_id, plan.plan_type, item.sequence),
                "status": ReviewStatus.HELD.value,
                "statutory_due_by": item.statutory_due_by,
                "due_by": item.statutory_due_by,
                "held_on": item.held_on,
                "participation_code": str(code) if code is not None else None,
                "late": is_late(ReviewStatus.HELD, item.statutory_due_by, None, None, item.held_on),
            }
        )

    def pending(self, plan_id: uuid.UUID, plan: MergedPlan) -> None:
        """The open plan's pending review, due per RULES.md §2, with its pre-review
        milestones (RULES.md §5)."""
        assert plan.next_due is not None
        row: dict[str, Any] = {
            **self._review(plan_id, plan.plan_type, len(plan.held) + 1),
            "status": ReviewStatus.DUE.value,
            "statutory_due_by": plan.next_due,
            "due_by": plan.next_due,
            "held_on": None,
            "participation_code": None,
            "late": False,
        }
        self.rows.reviews.append(row)
        self.rows.due_reviews.append(row)
        due = pre_review_milestones(
            plan.plan_type, plan.next_due, self.ctx.calendar, self.ctx.policy
        )
        self.milestones(plan_id, row["id"], due)

    def milestones(
        self,
        plan_id: uuid.UUID,
        review_id: uuid.UUID | None,
        computed: Iterable[MilestoneDue],
        *,
        of_stored_review: bool = False,
    ) -> None:
        """Rows of `computed` milestones. Those of a review already stored are registered
        with the unit of work instead: that review is touched too, and its derivation takes
        in every milestone of it."""
        for due in computed:
            row: dict[str, Any] = {
                "id": new_id(),
                "plan_id": plan_id,
                "review_id": review_id,
                "local_authority": self.authority,
                "kind": due.kind.value,
                "due_by": due.due_by,
                "owner_role": due.owner_role,
                "status": MilestoneStatus.PENDING.value,
            }
            self.rows.milestones.append(row)
            if of_stored_review:
                touch(self.session, DeadlineKind.MILESTONE, row["id"])
            else:
                self.rows.new_milestones.append(row)

    def timers(self) -> list[dict[str, Any]]:
        """The timers of the new pending reviews and of the milestones created with them."""
        facts = Facts(
            plan_authority={row["plan_id"]: self.authority for row in self.rows.new_milestones},
            review_status={row["id"]: row["status"] for row in self.rows.due_reviews},
        )
        today, ctx = self.today, self.ctx
        reviews = (SimpleNamespace(**row) for row in self.rows.due_reviews)
        milestones = (SimpleNamespace(**row) for row in self.rows.new_milestones)
        return [
            *new_timer_rows(DeadlineKind.REVIEW, reviews, facts, ctx, today),
            *new_timer_rows(DeadlineKind.MILESTONE, milestones, facts, ctx, today),
        ]
