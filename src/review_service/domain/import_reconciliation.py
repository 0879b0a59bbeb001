"""What an imported plan does to the plans the service already holds (issue 10; API.md
"Wave 2" Importing).

An imported plan continues an existing plan of the same type whose span overlaps it (the next
year's files continue a period; earlier files complete one), else it is a new plan. Merging
never drops a held review and never moves one's date: a file that disagrees with the reviews
the service recorded is a `ReconcileConflict`, and the caller rejects the child whole.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from review_service.domain.dfe_records import ImportedPlan
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import Policy
from review_service.domain.review_series import ReviewSeries
from review_service.domain.reviews import ParticipationCode
from review_service.domain.working_days import WorkingDayCalendar


class ReconcileConflict(ValueError):
    """The files disagree with what the service recorded; the message names no data value."""


@dataclass(frozen=True, slots=True)
class StoredReview:
    """A live (not cancelled) review the service holds."""

    id: uuid.UUID
    sequence: int
    held_on: date | None
    participation_code: str | None
    statutory_due_by: date
    late: bool


@dataclass(frozen=True, slots=True)
class StoredPlan:
    """A plan the service holds, with its live reviews."""

    id: uuid.UUID
    plan_type: PlanType
    start_date: date
    end_date: date | None
    history_complete: bool
    review_interval_months: int | None
    reviews: tuple[StoredReview, ...]

    def overlaps(self, plan: ImportedPlan) -> bool:
        """True when the two spans share a day (an open end runs on for ever)."""
        return (plan.end_date is None or self.start_date <= plan.end_date) and (
            self.end_date is None or plan.start_date <= self.end_date
        )


@dataclass(frozen=True, slots=True)
class SeriesReview:
    """A held review as the merged series numbers it, with its statutory due date.
    `stored` is the review already held in the service, None for one the import records."""

    sequence: int
    held_on: date
    participation_code: ParticipationCode | str | None
    statutory_due_by: date
    stored: StoredReview | None


@dataclass(frozen=True, slots=True)
class MergedPlan:
    """A plan as it stands after the import: its span, its held series and next due date."""

    plan_type: PlanType
    start_date: date
    end_date: date | None
    history_complete: bool
    held: tuple[SeriesReview, ...]
    next_due: date | None
    stored: StoredPlan | None = None
    changed: bool = True
    recorded: int = 0
    unchanged_reviews: int = 0
    renumbered: list[StoredReview] = field(default_factory=list)


def held_series(
    plan_type: PlanType,
    start: date,
    history_complete: bool,
    held: Sequence[tuple[date, ParticipationCode | str | None, StoredReview | None]],
    interval_months: int | None,
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> tuple[tuple[SeriesReview, ...], date]:
    """The held reviews in date order, numbered from 1 with their statutory due dates
    (RULES.md §2 through `ReviewSeries`), and the due date of the next one.

    With an incomplete history the first known review's own due date is unknown: it is
    recorded as due the day it was held, so it is counted in timescale rather than judged
    against an invented start (the known reviews after it are judged as the series runs).
    """
    series = ReviewSeries(plan_type, start, interval_months)
    ordered = sorted(held, key=lambda item: item[0])
    result: list[SeriesReview] = []
    previous: date | None = None
    for sequence, (held_on, code, stored) in enumerate(ordered, start=1):
        if sequence == 1 and not history_complete:
            due = held_on
        else:
            due = series.due(sequence, previous, calendar, policy)
        result.append(SeriesReview(sequence, held_on, code, due, stored))
        previous = held_on
    next_due = series.due(len(result) + 1, previous, calendar, policy)
    return tuple(result), next_due


def new_plan(plan: ImportedPlan, calendar: WorkingDayCalendar, policy: Policy) -> MergedPlan:
    """An imported plan the service does not hold yet."""
    held = [(r.held_on, r.participation_code, None) for r in plan.held_reviews]
    series, next_due = held_series(
        plan.plan_type, plan.start_date, plan.history_complete, held, None, calendar, policy
    )
    return MergedPlan(
        plan.plan_type,
        plan.start_date,
        plan.end_date,
        plan.history_complete,
        series,
        next_due if plan.end_date is None else None,
        recorded=len(series),
    )


def _check_reviews(stored: StoredPlan, plan: ImportedPlan) -> None:
    held = {r.held_on: r for r in stored.reviews if r.held_on is not None}
    file_dates = sorted(r.held_on for r in plan.held_reviews)
    for review in plan.held_reviews:
        recorded = held.get(review.held_on)
        if recorded is not None:
            code = review.participation_code
            if code is not None and recorded.participation_code not in (None, code.value):
                raise ReconcileConflict(
                    "the review's participation code differs from the one the service "
                    "recorded for the review held that day"
                )
        elif any(day < review.held_on for day in held) and any(
            day > review.held_on for day in held
        ):
            raise ReconcileConflict(
                "the file gives a review between two the service recorded, which do not include it"
            )
    if file_dates:
        for day in held:
            if file_dates[0] < day < file_dates[-1] and day not in set(file_dates):
                raise ReconcileConflict(
                    "the service recorded a review held within the file's reviews on a date "
                    "the file does not give"
                )


def merge_plan(
    stored: StoredPlan, plan: ImportedPlan, calendar: WorkingDayCalendar, policy: Policy
) -> MergedPlan:
    """The stored plan extended (later files) or completed (earlier files) by `plan`.

    The earlier start wins and brings its `history_complete`; an end in either stands (a
    period the service saw end does not reopen from an older file that saw it open)."""
    _check_reviews(stored, plan)
    if plan.start_date < stored.start_date:
        start, complete = plan.start_date, plan.history_complete
    elif plan.start_date == stored.start_date:
        start, complete = stored.start_date, stored.history_complete or plan.history_complete
    else:
        start, complete = stored.start_date, stored.history_complete
    ends = [day for day in (stored.end_date, plan.end_date) if day is not None]
    end = max(ends) if ends else None
    by_date: dict[date, tuple[date, ParticipationCode | str | None, StoredReview | None]] = {
        r.held_on: (r.held_on, r.participation_code, r) for r in stored.reviews if r.held_on
    }
    recorded = 0
    for review in plan.held_reviews:
        if review.held_on not in by_date:
            by_date[review.held_on] = (review.held_on, review.participation_code, None)
            recorded += 1
    series, next_due = held_series(
        plan.plan_type,
        start,
        complete,
        list(by_date.values()),
        stored.review_interval_months,
        calendar,
        policy,
    )
    renumbered = [
        item.stored
        for item in series
        if item.stored is not None
        and (
            item.stored.sequence != item.sequence
            or item.stored.statutory_due_by != item.statutory_due_by
        )
    ]
    changed = bool(
        recorded
        or renumbered
        or start != stored.start_date
        or end != stored.end_date
        or complete != stored.history_complete
    )
    return MergedPlan(
        plan.plan_type,
        start,
        end,
        complete,
        series,
        next_due if end is None else None,
        stored=stored,
        changed=changed,
        recorded=recorded,
        unchanged_reviews=len(plan.held_reviews) - recorded,
        renumbered=renumbered,
    )


def reconcile_plans(
    stored: Sequence[StoredPlan],
    imported: Sequence[ImportedPlan],
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> list[MergedPlan]:
    """Each imported plan matched to the stored plan it continues, or new. Raises
    ReconcileConflict when one file plan overlaps several stored plans, or several file
    plans one stored plan: the files and the service disagree on the periods of care."""
    merged: list[MergedPlan] = []
    claimed: set[uuid.UUID] = set()
    for plan in imported:
        matches = [s for s in stored if s.plan_type is plan.plan_type and s.overlaps(plan)]
        if len(matches) > 1:
            raise ReconcileConflict(
                f"a {plan.plan_type.value} period in the files spans several plans the "
                "service holds"
            )
        if not matches:
            merged.append(new_plan(plan, calendar, policy))
            continue
        match = matches[0]
        if match.id in claimed:
            raise ReconcileConflict(
                f"several {plan.plan_type.value} periods in the files fall in one plan the "
                "service holds"
            )
        claimed.add(match.id)
        merged.append(merge_plan(match, plan, calendar, policy))
    return merged
