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


def feed_bank_holidays(feed: dict[str, Any]) -> list[tuple[Region, date, str]]:
    """(region, date, title) of every event in a GOV.UK feed document."""
    found: list[tuple[Region, date, str]] = []
    for division, region in _DIVISIONS.items():
        for event in feed.get(division, {}).get("events", []):
            found.append((region, date.fromisoformat(event["date"]), str(event["title"])))
    return found


def import_govuk_feed(
    session: Session, feed: dict[str, Any], *, by: str, now: datetime
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
