"""Calendar feeds' lifecycle and the feed itself; each function runs in the caller's
transaction."""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.auth import Principal, hash_token
from review_service.calendar_feeds.ical import entity_tag, render_calendar
from review_service.calendar_feeds.items import chair_items
from review_service.calendar_feeds.schemas import FeedCreate
from review_service.models import CalendarFeed
from review_service.problems import NotFound
from review_service.visibility import within_authority

# A calendar can hold only a bounded number of subscriptions worth listing.
MAX_LISTED_FEEDS = 500


@dataclass(frozen=True, slots=True)
class CreatedFeed:
    """A new feed's record and its key, which is never available again."""

    record: CalendarFeed
    key: str

    @property
    def path(self) -> str:
        """The capability URL's path."""
        return f"/v1/calendar-feeds/{self.record.id}/{self.key}.ics"


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    """The feed's text and its ETag."""

    body: bytes
    etag: str


def create_feed(
    session: Session, principal: Principal, body: FeedCreate, now: datetime
) -> CreatedFeed:
    """A feed of `body.chair_id`'s open items, in the token's authority."""
    authority = principal.authority_for_new(body.local_authority)
    if principal.local_authority is not None and authority is None:
        # API.md "Conventions": another authority's resource is not there for this token.
        raise NotFound(f"no local authority {body.local_authority!r} for this token")
    key = secrets.token_urlsafe(32)
    record = CalendarFeed(
        chair_id=body.chair_id,
        local_authority=authority,
        key_hash=hash_token(key),
        created_by=principal.token_name,
        created_at=now,
    )
    session.add(record)
    session.flush()
    return CreatedFeed(record, key)


def list_feeds(session: Session, principal: Principal) -> list[CalendarFeed]:
    """The feeds not revoked that the token may see, newest first."""
    query = select(CalendarFeed).where(CalendarFeed.revoked_at.is_(None))
    query = within_authority(query, CalendarFeed.local_authority, principal)
    query = query.order_by(CalendarFeed.created_at.desc(), CalendarFeed.id).limit(MAX_LISTED_FEEDS)
    return list(session.scalars(query))


def revoke_feed(session: Session, principal: Principal, feed_id: uuid.UUID, now: datetime) -> None:
    """Revoke a feed: its URL answers 404 from the next request on."""
    record = session.get(CalendarFeed, feed_id)
    if (
        record is None
        or record.revoked_at is not None
        or not principal.can_see(record.local_authority)
    ):
        raise NotFound(f"no calendar feed {feed_id}")
    record.revoked_at = now


def feed_by_key(session: Session, feed_id: uuid.UUID, key: str) -> CalendarFeed | None:
    """The live feed `feed_id` if `key` is its key, else None: a wrong key, an unknown id
    and a revoked feed look the same to the caller."""
    if len(key) > 100:
        return None
    record = session.get(CalendarFeed, feed_id)
    # Constant-time, so the comparison's length does not tell how much of a guess was right.
    expected = record.key_hash if record is not None else hash_token("")
    matches = hmac.compare_digest(expected, hash_token(key))
    if record is None or record.revoked_at is not None or not matches:
        return None
    return record


def render_feed(session: Session, feed: CalendarFeed) -> RenderedFeed:
    """The feed's calendar text and ETag."""
    body = render_calendar(feed.chair_id, chair_items(session, feed.chair_id, feed.local_authority))
    return RenderedFeed(body, entity_tag(body))
