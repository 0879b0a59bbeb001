"""A review's life: scheduling, bringing forward, adjourning, holding (RULES.md §3, §6)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from review_service.domain import timeliness
from review_service.domain.plan_types import PlanType


class ReviewStatus(StrEnum):
    """Where a review is in its life."""

    DUE = "due"
    SCHEDULED = "scheduled"
    ADJOURNED = "adjourned"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def is_pending(self) -> bool:
        """True until the review is held or cancelled."""
        return self in PENDING_STATUSES


PENDING_STATUSES = frozenset({ReviewStatus.DUE, ReviewStatus.SCHEDULED, ReviewStatus.ADJOURNED})


class ReviewRuleError(ValueError):
    """A request that a review rule refuses. `rule` cites RULES.md."""

    kind = "review-rule"

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(f"{message} ({rule})")
        self.rule = rule


class InvalidTransition(ReviewRuleError):
    """The review's status does not allow this (e.g. completing a held review)."""

    kind = "invalid-transition"


class OutOfTimescale(ReviewRuleError):
    """A date after `due_by` without recorded exceptional circumstances (RULES.md §3)."""

    kind = "out-of-timescale"


class InvalidReviewDate(ReviewRuleError):
    """A date in an impossible order (held before the plan started, in the future, ...)."""

    kind = "invalid-date"


class InvalidParticipation(ReviewRuleError):
    """A participation code that SSDA903 validation refuses, or a missing one."""

    kind = "invalid-participation-code"


def require_status(status: ReviewStatus, allowed: frozenset[ReviewStatus], action: str) -> None:
    """Refuse `action` unless the review is in one of the `allowed` states."""
    if status not in allowed:
        raise InvalidTransition(f"a {status.value} review cannot be {action}", "RULES.md §3")


def review_date(due_by: date, scheduled_on: date | None, reconvene_on: date | None) -> date:
    """The date pre-review milestones count back from (RULES.md §5)."""
    return reconvene_on or scheduled_on or due_by


def effective_due(statutory_due: date, brought_forward_to: date | None) -> date:
    """`due_by`: the series date, or an earlier one the review was brought forward to."""
    if brought_forward_to is None:
        return statutory_due
    return min(statutory_due, brought_forward_to)


def bring_forward(current_due: date, requested: date) -> date:
    """RULES.md §3: bringing forward never moves `due_by` later."""
    return min(current_due, requested)


def check_schedule(due_by: date, scheduled_on: date, exceptional_circumstances: str | None) -> None:
    """RULES.md §3 [001]: a date after `due_by` needs recorded exceptional circumstances."""
    if scheduled_on > due_by and not (exceptional_circumstances or "").strip():
        raise OutOfTimescale(
            f"{scheduled_on.isoformat()} is after the review's due date {due_by.isoformat()}; "
            "record the exceptional circumstances to schedule it out of timescale",
            "RULES.md §3",
        )


def is_late(
    status: ReviewStatus,
    due_by: date,
    scheduled_on: date | None,
    reconvene_on: date | None,
    held_on: date | None,
) -> bool:
    """Held, scheduled or reconvening after `due_by` (API.md `late`)."""
    if status is ReviewStatus.HELD:
        return held_on is not None and timeliness.is_late(held_on, due_by)
    if status is ReviewStatus.CANCELLED:
        return False
    planned = reconvene_on or scheduled_on
    return planned is not None and timeliness.is_late(planned, due_by)


def check_held_on(
    held_on: date, plan_start: date, previous_held_on: date | None, today: date
) -> None:
    """A review is held on or after the plan's start and the previous review, and not later
    than today."""
    if held_on < plan_start:
        raise InvalidReviewDate(
            f"held_on {held_on.isoformat()} is before the plan started ({plan_start.isoformat()})",
            "RULES.md §2",
        )
    if previous_held_on is not None and held_on < previous_held_on:
        raise InvalidReviewDate(
            f"held_on {held_on.isoformat()} is before the previous review was held "
            f"({previous_held_on.isoformat()})",
            "RULES.md §2",
        )
    if held_on > today:
        raise InvalidReviewDate(f"held_on {held_on.isoformat()} is in the future", "RULES.md §2")


class ParticipationCode(StrEnum):
    """DfE SSDA903 participation codes (RULES.md §6)."""

    PN0 = "PN0"
    PN1 = "PN1"
    PN2 = "PN2"
    PN3 = "PN3"
    PN4 = "PN4"
    PN5 = "PN5"
    PN6 = "PN6"
    PN7 = "PN7"


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day` (a 29 February birthday turns over on 1 March)."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def resolve_participation(
    plan_type: PlanType, date_of_birth: date, held_on: date, code: ParticipationCode | None
) -> ParticipationCode | None:
    """The code to record for a held review, or InvalidParticipation.

    SSDA903 rules 440/441: PN0 only for a child under 4 on the review date, PN1-PN7 only for a
    child of 4 or over. Required for looked-after and short-break reviews; PN0 is implied for
    a child under 4; other plan types record none.
    """
    if not plan_type.records_participation:
        if code is not None:
            raise InvalidParticipation(
                f"a {plan_type.value} review records no participation code", "RULES.md §6"
            )
        return None
    under_four = age_on(date_of_birth, held_on) < 4
    if code is None:
        if under_four:
            return ParticipationCode.PN0
        raise InvalidParticipation(
            "participation_code is required for a child of 4 or over", "RULES.md §6"
        )
    if under_four and code is not ParticipationCode.PN0:
        raise InvalidParticipation(
            f"{code.value} is for a child of 4 or over; this child was under 4 on "
            f"{held_on.isoformat()} (SSDA903 rule 441)",
            "RULES.md §6",
        )
    if not under_four and code is ParticipationCode.PN0:
        raise InvalidParticipation(
            f"PN0 is only for a child under 4; this child was 4 or over on "
            f"{held_on.isoformat()} (SSDA903 rule 440)",
            "RULES.md §6",
        )
    return code
