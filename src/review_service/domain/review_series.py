"""The statutory series of reviews of each plan type (RULES.md §2).

Every review after the first is due from the date the previous one was actually held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from review_service.domain.months import add_months
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import Policy
from review_service.domain.working_days import WorkingDayCalendar

MIN_INTERVAL_MONTHS = 1
MAX_INTERVAL_MONTHS = 12


def previous_sequence(sequence: int) -> int | None:
    """The review whose held date sets review `sequence`'s due date; none for review 1.

    RULES.md §2: every review after the first is due from when the one before was held.
    """
    return sequence - 1 if sequence > 1 else None


@dataclass(frozen=True, slots=True)
class ReviewSeries:
    """The review timetable of one plan."""

    plan_type: PlanType
    start_date: date
    # Only for child_in_need and early_help: the group's interval, else the policy default.
    review_interval_months: int | None = None

    def interval_months(self, policy: Policy) -> int:
        """The interval a CIN or early help plan's reviews follow."""
        if self.review_interval_months is not None:
            return self.review_interval_months
        if self.plan_type is PlanType.EARLY_HELP:
            return policy.early_help_review_interval_months
        return policy.child_in_need_review_interval_months

    def first_due(self, calendar: WorkingDayCalendar, policy: Policy) -> date:
        """`due_by` of review 1."""
        match self.plan_type:
            case PlanType.LOOKED_AFTER:
                # RULES.md §2, CPPCR reg 33: first review within 20 working days.
                return calendar.within_working_days(self.start_date, 20)
            case PlanType.SHORT_BREAKS | PlanType.CHILD_PROTECTION:
                return add_months(self.start_date, 3)
            case PlanType.PATHWAY:
                return add_months(self.start_date, 6)
            case PlanType.CHILD_IN_NEED | PlanType.EARLY_HELP:
                return add_months(self.start_date, self.interval_months(policy))

    def next_due(self, sequence: int, previous_held_on: date, policy: Policy) -> date:
        """`due_by` of review `sequence` (>= 2), from the date review `sequence - 1` was held."""
        if sequence < 2:
            raise ValueError("review 1 is due from the plan's start, not a previous review")
        if self.plan_type.has_variable_interval:
            return add_months(previous_held_on, self.interval_months(policy))
        if self.plan_type is PlanType.LOOKED_AFTER and sequence == 2:
            # RULES.md §2: second looked-after review within 3 months of the first.
            return add_months(previous_held_on, 3)
        return add_months(previous_held_on, 6)

    def due(
        self,
        sequence: int,
        previous_held_on: date | None,
        calendar: WorkingDayCalendar,
        policy: Policy,
    ) -> date:
        """`due_by` of review `sequence`, given when the previous one was held (None for 1)."""
        if sequence == 1:
            return self.first_due(calendar, policy)
        if previous_held_on is None:
            raise ValueError(f"review {sequence} needs the held date of review {sequence - 1}")
        return self.next_due(sequence, previous_held_on, policy)
