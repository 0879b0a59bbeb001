"""The policy in force for a local authority, and the calendar that goes with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from review_service.calendar.service import load_calendar
from review_service.domain.policy import DEFAULT_POLICY, Policy
from review_service.domain.working_days import WorkingDayCalendar
from review_service.policies.cache import cached_policy
from review_service.policies.repository import find_override


def policy_for(session: Session, local_authority: str) -> Policy:
    """RULES.md defaults with the authority's overrides applied."""

    def load() -> Policy:
        override = find_override(session, local_authority)
        if override is None:
            return DEFAULT_POLICY
        return DEFAULT_POLICY.with_overrides(override.values)

    return cached_policy(session, local_authority, load)


@dataclass(frozen=True, slots=True)
class DeadlineContext:
    """Everything a deadline computation needs: the policy, its calendar and today's date."""

    policy: Policy
    calendar: WorkingDayCalendar
    today: date


def deadline_context(session: Session, local_authority: str, today: date) -> DeadlineContext:
    """The context for computing deadlines in `local_authority`."""
    policy = policy_for(session, local_authority)
    return DeadlineContext(policy, load_calendar(session, policy.region), today)
