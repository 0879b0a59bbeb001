"""The response headers the service sends, declared in the OpenAPI document beside the routes
that send them (API.md "Conventions")."""

from __future__ import annotations

from typing import Any

ETAG = {
    "description": "The resource's current version (a strong ETag): send it as `If-Match` "
    "to change the resource.",
    "schema": {"type": "string"},
}
LOCATION = {
    "description": "The address of the created resource.",
    "schema": {"type": "string"},
}
IDEMPOTENT_REPLAYED = {
    "description": "`true` when this is the stored answer to an earlier request with the same "
    "`Idempotency-Key`; nothing was created this time.",
    "schema": {"type": "string", "enum": ["true"]},
}


def _with_headers(
    responses: dict[int | str, dict[str, Any]], status: int, headers: dict[str, Any]
) -> dict[int | str, dict[str, Any]]:
    entry = dict(responses.get(status, {}))
    entry["headers"] = {**entry.get("headers", {}), **headers}
    return {**responses, status: entry}


def with_etag(
    responses: dict[int | str, dict[str, Any]], status: int = 200
) -> dict[int | str, dict[str, Any]]:
    """`responses` with the `ETag` header declared on the success answer."""
    return _with_headers(responses, status, {"ETag": ETAG})


def created(
    responses: dict[int | str, dict[str, Any]], *, etag: bool = False, replayable: bool = False
) -> dict[int | str, dict[str, Any]]:
    """`responses` with the headers of a 201: `Location`, and `ETag` and
    `Idempotent-Replayed` where the route sends them."""
    headers: dict[str, Any] = {"Location": LOCATION}
    if etag:
        headers["ETag"] = ETAG
    if replayable:
        headers["Idempotent-Replayed"] = IDEMPOTENT_REPLAYED
    return _with_headers(responses, 201, headers)
