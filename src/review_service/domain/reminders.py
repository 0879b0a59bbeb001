"""Reminders and escalations of a deadline (RULES.md §8, DESIGN.md "Promises").

Every deadline yields due-soon reminders some working days before it and an escalation
ladder after it; each fires at 00:00 Europe/London on its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from review_service.domain.deadlines import LIFECYCLES, DeadlineKind
from review_service.domain.policy import Policy
from review_service.domain.working_days import WorkingDayCalendar

LONDON = ZoneInfo("Europe/London")


# The kinds of thing that have a deadline; the name timers and webhooks use for them.
Subject = DeadlineKind


@dataclass(frozen=True, slots=True)
class Reminder:
    """One timer to set: the webhook type, escalation level (0 for a reminder), the instant
    (UTC) it fires at and to whom it is addressed."""

    event_type: str
    level: int
    fire_at: datetime
    addressed_to: str


def london_midnight(day: date) -> datetime:
    """00:00 in Europe/London on `day`, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def _escalations(
    subject: Subject, due_by: date, calendar: WorkingDayCalendar, policy: Policy
) -> list[Reminder]:
    steps = [
        (1, date.fromordinal(due_by.toordinal() + 1)),  # the day after due_by
        (2, calendar.add_working_days(due_by, policy.escalation_level_2_working_days)),
        (3, calendar.add_working_days(due_by, policy.escalation_level_3_working_days)),
    ]
    return [
        Reminder(
            f"{subject.value}.overdue",
            level,
            london_midnight(day),
            LIFECYCLES[subject].escalation_addressee(level),
        )
        for level, day in steps
    ]


def reminders_for(
    subject: Subject,
    due_by: date,
    calendar: WorkingDayCalendar,
    policy: Policy,
    today: date,
    *,
    owner: str = "owner",
    management_oversight: bool = False,
) -> list[Reminder]:
    """The timers of one open deadline. A due-soon reminder whose deadline has already
    passed is dropped (the escalation says more); every other past moment fires at once."""
    lead_times: tuple[int, ...] = ()
    if subject is Subject.REVIEW:
        lead_times = policy.review_reminder_working_days
    elif subject is Subject.MILESTONE:
        lead_times = policy.milestone_reminder_working_days
    elif subject is Subject.CONFERENCE:
        lead_times = policy.conference_reminder_working_days
    reminders = []
    for index, days in enumerate(sorted(set(lead_times), reverse=True)):
        day = calendar.add_working_days(due_by, -days)
        if due_by >= today:
            reminders.append(
                Reminder(f"{subject.value}.due_soon", -index - 1, london_midnight(day), owner)
            )
    if management_oversight and due_by >= today:
        reminders.append(
            Reminder(
                "plan.management_oversight_due",
                -9,
                london_midnight(due_by),
                "service_delivery_manager",
            )
        )
    return reminders + _escalations(subject, due_by, calendar, policy)
