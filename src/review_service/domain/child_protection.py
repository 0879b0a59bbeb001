"""The child protection timeline before and around a plan (RULES.md §2 [WT23]).

A strategy discussion opens an enquiry whose initial conference is due within 15 working days;
a conference whose outcome is a plan opens the `child_protection` plan from the conference
date, with a first core group within 10 working days; core groups then meet at the policy
interval, each counted from the last one held. A child protection review ends in an outcome:
the plan continues or ends.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from review_service.domain.policy import Policy
from review_service.domain.timeliness import is_past_due
from review_service.domain.working_days import WorkingDayCalendar

# RULES.md §2 [WT23]: statutory guidance, not local practice, so not a policy value.
INITIAL_CONFERENCE_WORKING_DAYS = 15
FIRST_CORE_GROUP_WORKING_DAYS = 10


class EnquiryStatus(StrEnum):
    """Whether an enquiry's initial conference is still to be held."""

    OPEN = "open"
    CONFERENCED = "conferenced"


class ConferenceOutcome(StrEnum):
    """What the initial child protection conference decided."""

    PLAN = "plan"
    NO_PLAN = "no_plan"


class ProtectionReviewOutcome(StrEnum):
    """What a child protection review decided about the plan (RULES.md §2, §3)."""

    CONTINUE = "continue"
    END = "end"


class ConferenceRefused(ValueError):
    """A conference date that cannot be recorded (before its strategy discussion, future)."""


class ConferenceAlreadyHeld(ValueError):
    """The enquiry's initial conference has already been recorded."""


def conference_due_by(strategy_discussion_on: date, calendar: WorkingDayCalendar) -> date:
    """RULES.md §2: the initial conference is due within 15 working days of the strategy
    discussion (the discussion's own day never counts, RULES.md §1)."""
    return calendar.within_working_days(strategy_discussion_on, INITIAL_CONFERENCE_WORKING_DAYS)


def first_core_group_due_by(conference_on: date, calendar: WorkingDayCalendar) -> date:
    """RULES.md §2: the first core group meets within 10 working days of the conference."""
    return calendar.within_working_days(conference_on, FIRST_CORE_GROUP_WORKING_DAYS)


def next_core_group_due_by(last_met_on: date, policy: Policy) -> date:
    """RULES.md §2: the next core group is due the policy interval after the last one met."""
    return last_met_on + timedelta(weeks=policy.core_group_interval_weeks)


def check_conference(
    status: EnquiryStatus, strategy_discussion_on: date, held_on: date, today: date
) -> None:
    """Refuse a second conference, one before its strategy discussion, or one in the future."""
    if status is not EnquiryStatus.OPEN:
        raise ConferenceAlreadyHeld("the initial conference has already been recorded")
    if held_on < strategy_discussion_on:
        raise ConferenceRefused(
            f"held_on {held_on.isoformat()} is before the strategy discussion "
            f"({strategy_discussion_on.isoformat()})"
        )
    if held_on > today:
        raise ConferenceRefused(f"held_on {held_on.isoformat()} is in the future")


def conference_is_late(held_on: date, due_by: date) -> bool:
    """Late when held after its due date (RULES.md §2)."""
    return is_past_due(due_by, held_on)
