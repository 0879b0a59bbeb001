"""A chair's items as RFC 5545 text, written by the `icalendar` library (folding, escaping
and the Europe/London VTIMEZONE are its job, not ours)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from icalendar import Calendar, Event, Timezone

from review_service.domain.calendar_items import LONDON, SCHEDULED_REVIEW_MINUTES, CalendarItem

PRODUCT_ID = "-//review-service//chair calendar feed//EN"
# The zone's rules from 2020 (before any review the service holds) to the library's limit.
LONDON_TIMEZONE = Timezone.from_tzid("Europe/London", first_date=date(2020, 1, 1))


def _event(item: CalendarItem) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", item.stamp)
    event.add("summary", item.summary)
    if item.starts_at is not None:
        start = item.starts_at.astimezone(LONDON)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=SCHEDULED_REVIEW_MINUTES))
    else:
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a deadline, not a busy slot
    if item.venue:
        event.add("location", item.venue)
    return event


def render_calendar(chair_id: str, items: list[CalendarItem]) -> bytes:
    """The feed: a VCALENDAR with a Europe/London VTIMEZONE and one VEVENT per item."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Reviews: {chair_id}")
    calendar.add("x-wr-timezone", "Europe/London")
    for item in items:
        calendar.add_component(_event(item))
    # Always present, even before any timed event: it says which zone the calendar lives in.
    calendar.add_component(LONDON_TIMEZONE)
    return bytes(calendar.to_ical())


def entity_tag(body: bytes) -> str:
    """A strong ETag of the feed's text: the same items give the same tag."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
