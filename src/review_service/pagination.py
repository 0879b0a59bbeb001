"""Opaque cursor pagination (API.md: `{"items": [...], "next_cursor": ...}`)."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Generic, TypeVar

from fastapi import Query

from review_service.problems import InvalidRequest

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
CursorQuery = Annotated[
    str | None, Query(max_length=500, description="`next_cursor` of the previous page.")
]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results and the cursor of the next, if any."""

    items: list[T]
    next_cursor: str | None


class InvalidCursor(InvalidRequest):
    slug, title = "invalid-cursor", "The cursor is not one this service issued"


def encode_cursor(*parts: str) -> str:
    """An opaque cursor holding the sort key of the last item."""
    return base64.urlsafe_b64encode("|".join(parts).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, expected_parts: int) -> list[str]:
    """The parts of a cursor; InvalidCursor for anything this service did not issue."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor("the cursor is malformed") from exc
    if len(parts) != expected_parts:
        raise InvalidCursor("the cursor is malformed")
    return parts


def decode_id_cursor(cursor: str) -> uuid.UUID:
    """The id held by a cursor that pages by id alone."""
    try:
        return uuid.UUID(decode_cursor(cursor, 1)[0])
    except ValueError as exc:
        raise InvalidCursor("the cursor is malformed") from exc


def decode_date_id_cursor(cursor: str) -> tuple[date, uuid.UUID]:
    """The (date, id) sort key held by a cursor of a list ordered by a date column."""
    due_text, id_text = decode_cursor(cursor, 2)
    try:
        return date.fromisoformat(due_text), uuid.UUID(id_text)
    except ValueError as exc:
        raise InvalidCursor("the cursor is malformed") from exc


def decode_instant_id_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (UTC instant, id) sort key held by a cursor of a list ordered by a timestamp."""
    at_text, id_text = decode_cursor(cursor, 2)
    try:
        at, item_id = datetime.fromisoformat(at_text), uuid.UUID(id_text)
        # Only an aware instant in range can be compared with a UTC column.
        if at.tzinfo is None:
            raise ValueError("naive datetime")
        return at.astimezone(UTC), item_id
    except (ValueError, OverflowError) as exc:
        raise InvalidCursor("the cursor is malformed") from exc
