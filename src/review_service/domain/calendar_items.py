"""What a chair's calendar shows of one open item (issue 12; API.md "A chair's calendar feed").

Pure: the rows come from `calendar_feeds.items`, the iCalendar text from `calendar_feeds.ical`.
A summary names the kind of item, the plan type and the child's external id and nothing else
about the child (STYLE: no more personal data than the chair needs to find the record).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from review_service.domain.deadlines import DeadlineKind
from review_service.domain.reviews import ReviewStatus

# A scheduled review has a start but no recorded length; calendars show it as this long.
SCHEDULED_REVIEW_MINUTES = 90
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One event: `starts_at` for a timed one, else an all-day event on `day`.

    `sequence` grows whenever the item changes (it comes from the row's version), `stamp` is
    the item's last change, so the same data always gives the same text (and ETag)."""

    kind: DeadlineKind
    id: uuid.UUID
    summary: str
    day: date
    starts_at: datetime | None
    venue: str | None
    sequence: int
    stamp: datetime

    @property
    def uid(self) -> str:
        """Stable for the item's life, whatever its date: a moved review moves in the client."""
        return f"{self.kind.value}-{self.id}@review-service"


def _plan_words(plan_type: str) -> str:
    return plan_type.replace("_", " ")


def review_item(
    *,
    review_id: uuid.UUID,
    status: str,
    plan_type: str,
    external_id: str,
    due_by: date,
    scheduled_for: datetime | None,
    venue: str | None,
    version: int,
    updated_at: datetime,
) -> CalendarItem:
    """A scheduled review at its time and venue; a due or adjourned one as "due by"."""
    who = f"{_plan_words(plan_type)} review, child {external_id}"
    if status == ReviewStatus.SCHEDULED and scheduled_for is not None:
        summary, day, starts_at = (
            f"Review: {who}",
            scheduled_for.astimezone(LONDON).date(),
            scheduled_for,
        )
    else:
        summary, day, starts_at = f"Review due by: {who}", due_by, None
    return CalendarItem(
        DeadlineKind.REVIEW, review_id, summary, day, starts_at, venue, version - 1, updated_at
    )


def consideration_item(
    *,
    consideration_id: uuid.UUID,
    plan_type: str,
    external_id: str,
    event_type: str,
    due_by: date,
    version: int,
    opened_at: datetime,
) -> CalendarItem:
    """An open consideration on its due date."""
    summary = (
        f"Consider an early review ({event_type.replace('_', ' ')}): "
        f"{_plan_words(plan_type)}, child {external_id}"
    )
    return CalendarItem(
        DeadlineKind.CONSIDERATION,
        consideration_id,
        summary,
        due_by,
        None,
        None,
        version - 1,
        opened_at,
    )


def meeting_item(
    *,
    meeting_id: uuid.UUID,
    kind: str,
    plan_type: str,
    external_id: str,
    due_by: date,
    created_at: datetime,
) -> CalendarItem:
    """A disruption meeting due on its date (it is never moved, so its sequence stays 0)."""
    summary = f"{kind.replace('_', ' ').capitalize()} meeting due: {_plan_words(plan_type)}, "
    summary += f"child {external_id}"
    return CalendarItem(
        DeadlineKind.MEETING, meeting_id, summary, due_by, None, None, 0, created_at
    )


def milestone_item(
    *,
    milestone_id: uuid.UUID,
    kind: str,
    plan_type: str,
    external_id: str,
    due_by: date,
    version: int,
    changed_at: datetime,
) -> CalendarItem:
    """A chair's pending milestone on its due date. A milestone has no version of its own: it
    moves with its review (or plan), whose version `version` is."""
    summary = f"{kind.replace('_', ' ').capitalize()} due: {_plan_words(plan_type)}, "
    summary += f"child {external_id}"
    return CalendarItem(
        DeadlineKind.MILESTONE, milestone_id, summary, due_by, None, None, version - 1, changed_at
    )
