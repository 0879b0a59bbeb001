"""No NUL character (U+0000) in any string a request carries.

PostgreSQL cannot store U+0000 in text and SQLite stores it silently, so one request had two
outcomes. It is refused at the edge instead, in every query parameter and every string (value
or key) of a JSON body, with a 422 naming each field: the rule holds for fields added later
without any schema remembering it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

NUL = "\x00"
_ESCAPED_NUL = b"\\u0000"  # the only way JSON text can carry U+0000


def _nul_locations(document: Any) -> Iterator[tuple[str | int, ...]]:
    """The location of every string in a parsed JSON document that holds a NUL (iterative:
    a deeply nested document must not exhaust the stack)."""
    pending: list[tuple[tuple[str | int, ...], Any]] = [(("body",), document)]
    while pending:
        location, value = pending.pop()
        if isinstance(value, str):
            if NUL in value:
                yield location
        elif isinstance(value, dict):
            for key, item in value.items():
                if NUL in key:
                    yield (*location, key)
                else:
                    pending.append(((*location, key), item))
        elif isinstance(value, list):
            pending.extend(((*location, index), item) for index, item in enumerate(value))


async def _body_locations(request: Request) -> list[tuple[str | int, ...]]:
    # Only a JSON body is read here: a multipart upload's stream is the route's own (its
    # files are checked by the import's file layer), and reading it twice would fail.
    if request.headers.get("content-type", "").startswith(("multipart/", "application/x-www")):
        return []
    if _ESCAPED_NUL not in await request.body():
        return []
    try:
        document = await request.json()  # already parsed (and cached) for a JSON route
    except ValueError:
        return []  # not JSON: the body's own validation refuses it
    return sorted(_nul_locations(document), key=str)


async def reject_nul_characters(request: Request) -> None:
    """Refuse a request with a NUL character in a query parameter or a JSON body's string."""
    locations: list[tuple[str | int, ...]] = [
        ("query", name)
        for name, value in request.query_params.multi_items()
        if NUL in name or NUL in value
    ]
    if request.method not in ("GET", "HEAD"):
        locations += await _body_locations(request)
    if locations:
        raise RequestValidationError(
            [
                {"loc": location, "msg": "NUL characters are not allowed",
                 "type": "string_nul_character"}
                for location in dict.fromkeys(locations)
            ]
        )  # fmt: skip
