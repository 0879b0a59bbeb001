"""The deadline: one concept for everything the service keeps a statutory clock on.

Each kind (a review, a milestone, a review's action, a consideration, a disruption meeting,
and the kinds the next features add) has a status enum and a lifecycle: which statuses are
open, who owns it, to whom its first escalation goes. Open, overdue, late and in-timescale are
defined once, here (RULES.md §3, §8; API.md "Timeliness"); views, list filters, timers and
reports ask these functions, never compare status strings of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from review_service.domain.child_protection import EnquiryStatus
from review_service.domain.milestones import RULE_BY_KIND, Anchor, MilestoneKind, MilestoneStatus
from review_service.domain.reviews import PENDING_STATUSES, ReviewStatus
from review_service.domain.timeliness import is_past_due


class DeadlineKind(StrEnum):
    """The kinds of thing that have a deadline (the `subject_type` of their timers)."""

    REVIEW = "review"
    MILESTONE = "milestone"
    ACTION = "action"
    CONSIDERATION = "consideration"
    MEETING = "meeting"
    # RULES.md §2: an enquiry's initial child protection conference.
    CONFERENCE = "conference"


class ActionStatus(StrEnum):
    """Whether a review's decision has been carried out."""

    OPEN = "open"
    DONE = "done"
    # The plan ended while it was open (RULES.md §3 "Ending a plan"); set by the service only.
    WITHDRAWN = "withdrawn"


class ConsiderationStatus(StrEnum):
    """Whether the chair has decided on an event that may call for an early review."""

    OPEN = "open"
    DECIDED = "decided"
    # The plan ended before the chair decided (RULES.md §3 "Ending a plan").
    WITHDRAWN = "withdrawn"


class MeetingStatus(StrEnum):
    """A disruption meeting's state."""

    DUE = "due"
    HELD = "held"


# RULES.md §8: escalation levels 2 and 3 go up the line for every kind; level 1 goes to the
# team manager, except for a review, where it is the IRO unit manager.
ESCALATION_ADDRESSEES = {1: "team_manager", 2: "service_manager", 3: "head_of_service"}


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """What the service knows about one kind of deadline.

    `owner_role` is None where each row names its own owner (a milestone's role, a meeting's
    chair role)."""

    kind: DeadlineKind
    statuses: type[StrEnum]
    open_statuses: frozenset[StrEnum]
    owner_role: str | None
    first_escalation_to: str = ESCALATION_ADDRESSEES[1]

    def is_open(self, status: str) -> bool:
        """True while the deadline still runs (not done, held, decided or cancelled)."""
        return status in self.open_statuses

    def is_overdue(self, status: str, due_by: date, today: date) -> bool:
        """Open and past its date on `today` (RULES.md §3: due on `due_by`, overdue after)."""
        return self.is_open(status) and is_past_due(due_by, today)

    def escalation_addressee(self, level: int) -> str:
        """To whom an escalation at `level` (1-3) is addressed (RULES.md §8)."""
        return self.first_escalation_to if level == 1 else ESCALATION_ADDRESSEES[level]

    @property
    def open_values(self) -> list[str]:
        """The open statuses as stored, sorted (for SQL filters)."""
        return sorted(status.value for status in self.open_statuses)


LIFECYCLES: dict[DeadlineKind, Lifecycle] = {
    DeadlineKind.REVIEW: Lifecycle(
        DeadlineKind.REVIEW,
        ReviewStatus,
        frozenset(PENDING_STATUSES),
        "chair",
        first_escalation_to="iro_unit_manager",
    ),
    DeadlineKind.MILESTONE: Lifecycle(
        DeadlineKind.MILESTONE, MilestoneStatus, frozenset({MilestoneStatus.PENDING}), None
    ),
    DeadlineKind.ACTION: Lifecycle(
        DeadlineKind.ACTION, ActionStatus, frozenset({ActionStatus.OPEN}), "action_owner"
    ),
    DeadlineKind.CONSIDERATION: Lifecycle(
        DeadlineKind.CONSIDERATION,
        ConsiderationStatus,
        frozenset({ConsiderationStatus.OPEN}),
        "chair",
    ),
    DeadlineKind.MEETING: Lifecycle(
        DeadlineKind.MEETING, MeetingStatus, frozenset({MeetingStatus.DUE}), None
    ),
    DeadlineKind.CONFERENCE: Lifecycle(
        DeadlineKind.CONFERENCE, EnquiryStatus, frozenset({EnquiryStatus.OPEN}), "chair"
    ),
}


def is_open(kind: DeadlineKind, status: str) -> bool:
    """True while a deadline of `kind` in `status` still runs."""
    return LIFECYCLES[kind].is_open(status)


def is_overdue(kind: DeadlineKind, status: str, due_by: date, today: date) -> bool:
    """Open and past `due_by` on `today`."""
    return LIFECYCLES[kind].is_overdue(status, due_by, today)


def displayed_milestone_status(status: str, due_by: date, today: date) -> MilestoneStatus:
    """A milestone's status as shown: `overdue` for a pending one past its date."""
    if is_overdue(DeadlineKind.MILESTONE, status, due_by, today):
        return MilestoneStatus.OVERDUE
    return MilestoneStatus(status)


def waits_on_review(kind: str) -> bool:
    """A preparation milestone counts back from its review (RULES.md §5)."""
    return RULE_BY_KIND[MilestoneKind(kind)].anchor is Anchor.BEFORE_REVIEW


def milestone_is_live(kind: str, status: str, review_status: str | None) -> bool:
    """An open milestone still reminds and escalates, unless it prepares a review that has
    been held or cancelled: the record keeps it as not done, but chasing it helps nobody."""
    if not is_open(DeadlineKind.MILESTONE, status):
        return False
    if review_status is None or not waits_on_review(kind):
        return True
    return is_open(DeadlineKind.REVIEW, review_status)


def is_management_oversight(kind: str) -> bool:
    """RULES.md §2: the CIN management oversight milestone also tells the service manager."""
    return kind == MilestoneKind.MANAGEMENT_OVERSIGHT
