"""Opaque cursor pagination (API.md: `{"items": [...], "next_cursor": ...}`)."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from sqlalchemy import ColumnElement, DateTime, Select, TypeDecorator, and_, or_
from sqlalchemy.orm import QueryableAttribute

from review_service.problems import InvalidRequest

T = TypeVar("T")
Q = TypeVar("Q", bound=Select[Any])

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


@dataclass(frozen=True, slots=True)
class Keyset:
    """How one list pages: by `sort` (a date or timestamp column, or none) then `id`.

    The one place that builds a keyset filter, its order and its limit, and the next cursor:
    a page is `limit` rows read as `limit + 1`, the extra row only saying there is a next page.
    """

    sort: QueryableAttribute[Any] | None
    id: QueryableAttribute[Any]
    descending: bool = False

    def after(self, cursor: str) -> ColumnElement[bool]:
        """The rows after the one the cursor names; InvalidCursor for a foreign cursor."""
        if self.sort is None:
            after_id = decode_id_cursor(cursor)
            return self.id < after_id if self.descending else self.id > after_id
        key: date
        if self._sorts_by_instant():
            key, after_id = decode_instant_id_cursor(cursor)
        else:
            key, after_id = decode_date_id_cursor(cursor)
        if self.descending:
            return or_(self.sort < key, and_(self.sort == key, self.id < after_id))
        return or_(self.sort > key, and_(self.sort == key, self.id > after_id))

    def _sorts_by_instant(self) -> bool:
        assert self.sort is not None
        column_type = self.sort.type
        if isinstance(column_type, TypeDecorator):  # UtcDateTime
            column_type = column_type.impl_instance
        return isinstance(column_type, DateTime)

    def select(self, query: Q, cursor: str | None, limit: int) -> Q:
        """`query` filtered to the page after `cursor`, in key order, one row over `limit`."""
        if cursor:
            query = query.where(self.after(cursor))
        columns = [self.id] if self.sort is None else [self.sort, self.id]
        order = [column.desc() if self.descending else column for column in columns]
        return query.order_by(*order).limit(limit + 1)

    def page(
        self, rows: Sequence[T], limit: int, record: Callable[[T], Any] = lambda row: row
    ) -> Page[T]:
        """The first `limit` rows and, if a row was left over, the cursor after the last.

        `record` picks the object carrying the key columns out of a row (a tuple's first).
        """
        items = list(rows[:limit])
        if len(rows) <= limit:
            return Page(items, None)
        last = record(items[-1])
        parts = [str(getattr(last, self.id.key))]
        if self.sort is not None:
            parts.insert(0, getattr(last, self.sort.key).isoformat())
        return Page(items, encode_cursor(*parts))
