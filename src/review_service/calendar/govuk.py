"""Import of GOV.UK's bank-holidays feed (RULES.md §1: `calendar import-govuk FILE`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from review_service.calendar import service
from review_service.domain.regions import Region
from review_service.models import NonWorkingDay

_DIVISIONS = {
    "england-and-wales": Region.ENGLAND_AND_WALES,
    "scotland": Region.SCOTLAND,
    "northern-ireland": Region.NORTHERN_IRELAND,
}


class MalformedFeed(ValueError):
    """The document is not shaped like GOV.UK's bank-holidays feed; says where."""


def feed_bank_holidays(feed: Any) -> list[tuple[Region, date, str]]:
    """(region, date, title) of every event in a GOV.UK feed document; MalformedFeed when it
    is not one (a wrong file must fail, not declare nothing)."""
    if not isinstance(feed, dict) or not any(division in feed for division in _DIVISIONS):
        raise MalformedFeed(f"expected an object with {', '.join(_DIVISIONS)}")
    found: list[tuple[Region, date, str]] = []
    for division, region in _DIVISIONS.items():
        if division not in feed:
            continue
        events = feed[division].get("events") if isinstance(feed[division], dict) else None
        if not isinstance(events, list):
            raise MalformedFeed(f"{division} has no list of events")
        for index, event in enumerate(events):
            where = f"{division}.events[{index}]"
            if not isinstance(event, dict) or not isinstance(event.get("title"), str):
                raise MalformedFeed(f"{where} has no title")
            try:
                day = date.fromisoformat(event["date"])
            except (KeyError, TypeError, ValueError):
                raise MalformedFeed(f"{where} has no date of the form YYYY-MM-DD") from None
            found.append((region, day, event["title"]))
    return found


def import_govuk_feed(
    session: Session, feed: Any, *, by: str, now: datetime
) -> list[NonWorkingDay]:
    """Declare every weekday bank holiday in the feed that the calendar still counts as working."""
    added: list[NonWorkingDay] = []
    for region, day, title in feed_bank_holidays(feed):
        calendar = service.load_calendar(session, region)
        if day.weekday() < 5 and calendar.is_working_day(day):
            added.append(
                service.declare_non_working_day(
                    session, region=region, day=day, name=title, by=by, now=now
                )
            )
    return added
