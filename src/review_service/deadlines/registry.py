"""Each deadline kind's model, its SQL filters built from its lifecycle, and what its
webhooks carry. The only place outside `domain.deadlines` that knows a deadline's lifecycle:
views, list filters, timer derivation and the recount all ask it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_

from review_service.domain.deadlines import (
    LIFECYCLES,
    DeadlineKind,
    Lifecycle,
    is_management_oversight,
    milestone_is_live,
    waits_on_review,
)
from review_service.domain.milestones import MilestoneKind
from review_service.domain.plan_types import PlanType
from review_service.domain.reminders import Reminder
from review_service.models import (
    Action,
    ChildProtectionEnquiry,
    Consideration,
    Meeting,
    Milestone,
    Review,
)


@dataclass(frozen=True, slots=True)
class OpenDeadline:
    """An open deadline and what its webhooks say about it (ids only, no personal detail)."""

    kind: DeadlineKind
    id: uuid.UUID
    local_authority: str
    due_by: date
    owner: str
    data: dict[str, Any]
    management_oversight: bool = False

    def payload(self, reminder: Reminder) -> dict[str, Any]:
        """The body of the webhook `reminder` sends."""
        payload = {
            **self.data,
            "due_by": self.due_by.isoformat(),
            "local_authority": self.local_authority,
            "addressed_to": reminder.addressed_to,
        }
        if reminder.level > 0:
            payload["escalation_level"] = reminder.level
            if reminder.level == 3 and self.data.get("plan_type") == PlanType.LOOKED_AFTER:
                # RULES.md §8: the IRO's consideration of a Cafcass referral is recorded.
                payload["cafcass_referral_consideration"] = True
        return payload


@dataclass(slots=True)
class Facts:
    """What deciding a deadline needs beyond its own row: its plan's authority (milestones
    and actions carry none) and, for a milestone, its review's status."""

    plan_authority: dict[uuid.UUID, str] = field(default_factory=dict)
    review_status: dict[uuid.UUID, str] = field(default_factory=dict)


def _review(row: Review, _facts: Facts) -> OpenDeadline | None:
    if not LIFECYCLES[DeadlineKind.REVIEW].is_open(row.status):
        return None
    data = {
        "review_id": str(row.id),
        "plan_id": str(row.plan_id),
        "plan_type": row.plan_type,
        "sequence": row.sequence,
        "chair_id": row.chair_id,
    }
    return OpenDeadline(DeadlineKind.REVIEW, row.id, row.local_authority, row.due_by, "chair", data)


def _milestone(row: Milestone, facts: Facts) -> OpenDeadline | None:
    review_status = facts.review_status.get(row.review_id) if row.review_id else None
    if not milestone_is_live(row.kind, row.status, review_status):
        return None
    data = {
        "milestone_id": str(row.id),
        "kind": row.kind,
        "plan_id": str(row.plan_id),
        "review_id": str(row.review_id) if row.review_id else None,
    }
    return OpenDeadline(
        DeadlineKind.MILESTONE,
        row.id,
        facts.plan_authority[row.plan_id],
        row.due_by,
        row.owner_role,
        data,
        management_oversight=is_management_oversight(row.kind),
    )


def _action(row: Action, facts: Facts) -> OpenDeadline | None:
    lifecycle = LIFECYCLES[DeadlineKind.ACTION]
    if not lifecycle.is_open(row.status):
        return None
    data = {"action_id": str(row.id), "review_id": str(row.review_id), "plan_id": str(row.plan_id)}
    authority = facts.plan_authority[row.plan_id]
    owner = lifecycle.owner_role or ""
    return OpenDeadline(DeadlineKind.ACTION, row.id, authority, row.due_by, owner, data)


def _consideration(row: Consideration, _facts: Facts) -> OpenDeadline | None:
    if not LIFECYCLES[DeadlineKind.CONSIDERATION].is_open(row.status):
        return None
    data = {
        "consideration_id": str(row.id),
        "plan_id": str(row.plan_id),
        "event_type": row.event_type,
        "chair_id": row.chair_id,
    }
    kind = DeadlineKind.CONSIDERATION
    return OpenDeadline(kind, row.id, row.local_authority, row.due_by, "chair", data)


def _meeting(row: Meeting, _facts: Facts) -> OpenDeadline | None:
    if not LIFECYCLES[DeadlineKind.MEETING].is_open(row.status):
        return None
    data = {"meeting_id": str(row.id), "kind": row.kind, "plan_id": str(row.plan_id)}
    authority, owner = row.local_authority, row.chair_role
    return OpenDeadline(DeadlineKind.MEETING, row.id, authority, row.due_by, owner, data)


def _conference(row: ChildProtectionEnquiry, _facts: Facts) -> OpenDeadline | None:
    lifecycle = LIFECYCLES[DeadlineKind.CONFERENCE]
    if not lifecycle.is_open(row.status):
        return None
    data = {
        "enquiry_id": str(row.id),
        "strategy_discussion_on": row.strategy_discussion_on.isoformat(),
        "chair_id": row.chair_id,
    }
    kind, owner = DeadlineKind.CONFERENCE, lifecycle.owner_role or ""
    return OpenDeadline(kind, row.id, row.local_authority, row.due_by, owner, data)


@dataclass(frozen=True, slots=True)
class Registered:
    """One kind of deadline as stored: its model and lifecycle, and how to read a row."""

    lifecycle: Lifecycle
    model: Any
    build: Callable[[Any, Facts], OpenDeadline | None]
    # Facts the builder needs: the plan's authority, the review's status.
    needs_plan: bool = False
    needs_review: bool = False

    def is_open(self) -> ColumnElement[bool]:
        """SQL: the row's status is one of the kind's open statuses."""
        return self.model.status.in_(self.lifecycle.open_values)  # type: ignore[no-any-return]

    def is_overdue(self, today: date) -> ColumnElement[bool]:
        """SQL: open and past its date on `today`."""
        return and_(self.is_open(), self.model.due_by < today)

    def is_not_overdue(self, today: date) -> ColumnElement[bool]:
        """SQL: done, or not yet past its date on `today`."""
        return not_(self.is_overdue(today))

    def open_deadline(self, row: Any, facts: Facts) -> OpenDeadline | None:
        """The row's deadline if it still reminds and escalates, else None."""
        return self.build(row, facts)


REGISTRY: dict[DeadlineKind, Registered] = {
    DeadlineKind.REVIEW: Registered(LIFECYCLES[DeadlineKind.REVIEW], Review, _review),
    DeadlineKind.MILESTONE: Registered(
        LIFECYCLES[DeadlineKind.MILESTONE], Milestone, _milestone, True, True
    ),
    DeadlineKind.ACTION: Registered(LIFECYCLES[DeadlineKind.ACTION], Action, _action, True),
    DeadlineKind.CONSIDERATION: Registered(
        LIFECYCLES[DeadlineKind.CONSIDERATION], Consideration, _consideration
    ),
    DeadlineKind.MEETING: Registered(LIFECYCLES[DeadlineKind.MEETING], Meeting, _meeting),
    DeadlineKind.CONFERENCE: Registered(
        LIFECYCLES[DeadlineKind.CONFERENCE], ChildProtectionEnquiry, _conference
    ),
}
KIND_OF_MODEL: dict[type[Any], DeadlineKind] = {r.model: k for k, r in REGISTRY.items()}


def milestone_is_live_sql(review_status: Any) -> ColumnElement[bool]:
    """SQL twin of `milestone_is_live`, built from the same lifecycles and rule table:
    `review_status` is the milestone's review's status column (NULL without a review)."""
    waiting = [kind.value for kind in MilestoneKind if waits_on_review(kind.value)]
    review_open = review_status.in_(LIFECYCLES[DeadlineKind.REVIEW].open_values)
    return and_(
        REGISTRY[DeadlineKind.MILESTONE].is_open(),
        or_(review_status.is_(None), Milestone.kind.not_in(waiting), review_open),
    )
