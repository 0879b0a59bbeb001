"""A plan's review series rebuilt from the reviews a file shows as held (issue 10).

When the history is incomplete (the plan began before the files), the earlier reviews are
unknown. Nothing is invented: the known reviews are numbered from 1 and the plan's earliest
known date stands in for its start. That is the reading giving the EARLIEST next due date the
files allow (RULES.md §2 through `ReviewSeries`, never re-implemented here):

- one known looked-after review may have been review 1, so review 2 is due 3 months after it
  (any later number would give 6 months);
- with no known review, review 1 is taken as due from the earliest known date (the first
  `DECOM` in the files): the true start was earlier still, so the true due date can only be
  earlier, and a date already past shows the plan at once as overdue, for the IRO to confirm
  its history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from review_service.domain.dfe_records import HeldReview, NextReview
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import Policy
from review_service.domain.review_series import ReviewSeries
from review_service.domain.reviews import ParticipationCode
from review_service.domain.working_days import WorkingDayCalendar


def number_held_reviews(
    held: Sequence[tuple[date, ParticipationCode | None]],
) -> tuple[HeldReview, ...]:
    """The held reviews in date order, numbered from 1."""
    ordered = sorted(held, key=lambda review: review[0])
    return tuple(
        HeldReview(sequence=index, held_on=held_on, participation_code=code)
        for index, (held_on, code) in enumerate(ordered, start=1)
    )


def next_review_due(
    plan_type: PlanType,
    start: date,
    held: Sequence[HeldReview],
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> NextReview:
    """The pending review of an open plan after `held` (numbered by `number_held_reviews`)."""
    series = ReviewSeries(plan_type=plan_type, start_date=start)
    sequence = len(held) + 1
    previous = held[-1].held_on if held else None
    return NextReview(sequence=sequence, due_by=series.due(sequence, previous, calendar, policy))
