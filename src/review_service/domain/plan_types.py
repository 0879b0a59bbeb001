"""The kinds of plan whose reviews the service keeps (RULES.md §2)."""

from __future__ import annotations

from enum import StrEnum


class PlanStatus(StrEnum):
    """Whether a plan is running."""

    OPEN = "open"
    ENDED = "ended"


class PlanType(StrEnum):
    """A plan's type; each has its own review series."""

    LOOKED_AFTER = "looked_after"
    SHORT_BREAKS = "short_breaks"
    CHILD_PROTECTION = "child_protection"
    PATHWAY = "pathway"
    CHILD_IN_NEED = "child_in_need"
    EARLY_HELP = "early_help"

    @property
    def has_variable_interval(self) -> bool:
        """True for the plans whose group sets the review interval (RULES.md §2 [002])."""
        return self in (PlanType.CHILD_IN_NEED, PlanType.EARLY_HELP)

    @property
    def records_participation(self) -> bool:
        """True where the child's SSDA903 participation code is recorded (RULES.md §6)."""
        return self in (PlanType.LOOKED_AFTER, PlanType.SHORT_BREAKS)

    @property
    def is_looked_after(self) -> bool:
        """True for a child in care, including through short breaks."""
        return self in (PlanType.LOOKED_AFTER, PlanType.SHORT_BREAKS)


def interval_refusal(plan_type: PlanType, review_interval_months: int | None) -> str | None:
    """Why `review_interval_months` cannot be given for this plan type, or None if it can.

    RULES.md §2 [002]: only a child in need or early help group sets its review interval;
    every other plan's timescales are statutory.
    """
    if review_interval_months is None or plan_type.has_variable_interval:
        return None
    return (
        f"a {plan_type.value} plan's review timescales are statutory; "
        "review_interval_months applies to child_in_need and early_help only"
    )
