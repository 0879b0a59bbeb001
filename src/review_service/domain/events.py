"""Significant events and the effect each has (RULES.md §4).

`decide_effects` is the one function that turns an event into effects; the event feed and the
service's own overdue-action check both call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from review_service.domain.plan_types import PlanType
from review_service.domain.policy import Policy
from review_service.domain.working_days import WorkingDayCalendar


class EventType(StrEnum):
    """The significant events of RULES.md §4."""

    CARE_PLAN_CHANGE_PROPOSED = "care_plan_change_proposed"
    PLACEMENT_CHANGE_PROPOSED = "placement_change_proposed"
    PLACEMENT_ENDED_UNPLANNED = "placement_ended_unplanned"
    DECISIONS_NOT_IMPLEMENTED = "decisions_not_implemented"
    FAMILY_CONTACT_CHANGE = "family_contact_change"
    SOCIAL_WORKER_CHANGED = "social_worker_changed"
    SAFEGUARDING_CONCERN = "safeguarding_concern"
    COMPLAINT = "complaint"
    PLACEMENT_CHANGE_UNPLANNED = "placement_change_unplanned"
    BIRTH_FAMILY_CHANGE = "birth_family_change"
    YOUTH_JUSTICE = "youth_justice"
    SCHOOL_EXCLUSION = "school_exclusion"
    MISSING_FROM_HOME = "missing_from_home"
    HEALTH_EVENT = "health_event"
    PERMANENCE_PANEL_DECISION = "permanence_panel_decision"
    REVIEW_REQUESTED = "review_requested"
    OTHER = "other"

    @property
    def requires_effective_date(self) -> bool:
        """A proposed change must say when it takes effect: the review is due by then."""
        return self in _BRINGS_FORWARD


_BRINGS_FORWARD = frozenset(
    {EventType.CARE_PLAN_CHANGE_PROPOSED, EventType.PLACEMENT_CHANGE_PROPOSED}
)
# Care plans, homes and living arrangements belong to children in care and care leavers [001].
_IN_CARE = frozenset({PlanType.LOOKED_AFTER, PlanType.SHORT_BREAKS, PlanType.PATHWAY})

# RULES.md §2 and seed [001]: who is invited to a disruption meeting.
DISRUPTION_MEETING_INVITEES = (
    "child",
    "parents",
    "social_worker",
    "social_work_manager",
    "key_worker",
    "home_manager",
    "iro",
    "other_relevant_professionals",
)
DISRUPTION_MEETING_CHAIR = "manager_not_involved_in_the_case"


def affected_plan_types(event_type: EventType, policy: Policy) -> frozenset[PlanType]:
    """RULES.md §4 "Which plans an event touches", as the authority's policy has it: the
    placement and care-plan types touch the in-care plans, every other type every open
    plan of the child (child protection, child in need and early help included)."""
    return _IN_CARE if event_type.value in policy.in_care_event_types else frozenset(PlanType)


class EffectKind(StrEnum):
    """What an event does to a plan."""

    REVIEW_BROUGHT_FORWARD = "review_brought_forward"
    CONSIDERATION_OPENED = "consideration_opened"
    DISRUPTION_MEETING_CREATED = "disruption_meeting_created"
    # A bring-forward to a date not earlier than the review's due date changes nothing.
    REVIEW_UNCHANGED = "review_unchanged"


def bring_forward_outcome(before: date, after: date) -> EffectKind:
    """What a bring-forward did: moved the review earlier, or nothing (RULES.md §3: it never
    moves `due_by` later)."""
    return EffectKind.REVIEW_BROUGHT_FORWARD if after < before else EffectKind.REVIEW_UNCHANGED


@dataclass(frozen=True, slots=True)
class PlannedEffect:
    """An effect to apply to one plan: bring its review forward to `due_by`, or open a
    consideration or a disruption meeting due by `due_by`."""

    kind: EffectKind
    due_by: date


def consideration_due_by(received_on: date, calendar: WorkingDayCalendar, policy: Policy) -> date:
    """RULES.md §4: the chair considers an event within the policy's working days of its
    receipt."""
    return calendar.within_working_days(received_on, policy.consideration_working_days)


def ended_on(effective_date: date | None, happened_on: date) -> date:
    """The day a home ended: the event's effective date, else the day it happened."""
    return effective_date or happened_on


def disruption_meeting_due_by(ended: date, calendar: WorkingDayCalendar, policy: Policy) -> date:
    """RULES.md §2 [001]: a disruption meeting within the policy's working days of the
    ending."""
    return calendar.within_working_days(ended, policy.disruption_meeting_working_days)


def decide_effects(
    event_type: EventType,
    *,
    received_on: date,
    happened_on: date,
    effective_date: date | None,
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> list[PlannedEffect]:
    """RULES.md §4: the default effect of an event on each plan it affects."""
    if event_type in _BRINGS_FORWARD:
        if effective_date is None:
            raise ValueError(f"{event_type.value} needs an effective_date")
        # [001]: the review must take place before the change; due no later than it.
        return [PlannedEffect(EffectKind.REVIEW_BROUGHT_FORWARD, effective_date)]
    consideration = PlannedEffect(
        EffectKind.CONSIDERATION_OPENED, consideration_due_by(received_on, calendar, policy)
    )
    if event_type is EventType.PLACEMENT_ENDED_UNPLANNED:
        meeting = PlannedEffect(
            EffectKind.DISRUPTION_MEETING_CREATED,
            disruption_meeting_due_by(ended_on(effective_date, happened_on), calendar, policy),
        )
        return [meeting, consideration]
    return [consideration]
